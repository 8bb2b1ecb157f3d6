"""The state view: per district, the schools with a saved One-Year Action Plan, the types of
involvement and standards their plans cover, Mini Visits held, overdue follow-ups and workshop
participation; a chart (alt text and data table) and a CSV export.

It reads through the store's scope: on the hub the ``state`` group reads every district, a district
leader only their own, so the same page serves both (``facilitator/dashboards/state-view.ipynb``).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.plan.model import PlanError, current_school_year, latest, type_ids
from shine.store import MiniVisits, Store
from shine.web import charts
from shine.web.html import esc, page
from shine.web.sheets import csv_text


@dataclass
class DistrictRollup:
    district: str
    schools: int = 0
    with_plan: int = 0
    types: set[str] = field(default_factory=set)
    standards: set[str] = field(default_factory=set)
    visits_held: int = 0
    overdue_followups: int = 0
    schools_at_workshops: int = 0


def rollup(store, school_year: str, today: date | None = None) -> list[DistrictRollup]:
    """One row per district the store's scope reads, in name order."""
    rows: dict[str, DistrictRollup] = {}
    for team in store.teams.all():
        row = rows.setdefault(team.district, DistrictRollup(team.district))
        row.schools += 1
        try:
            found = latest(store, team.id, school_year)
        except PlanError:
            found = None  # a plan that no longer reads: counted as not saved
        if found is not None:
            plan = found[1]
            row.with_plan += 1
            row.types.update(t for t, n in plan.types_covered().items() if n)
            row.standards.update(a.standard for _goal, a in plan.activities() if a.standard)
    for board in MiniVisits(store, today=today).board():
        if board.district in rows:
            rows[board.district].visits_held += board.visits_held
            rows[board.district].overdue_followups += board.overdue_followups
    present: dict[str, set[int]] = {}
    for workshop in store.room.workshops():
        for seen in store.room.teams_present(workshop.id):
            present.setdefault(seen.team.district, set()).add(seen.team.id)
    for district, teams in present.items():
        if district in rows:
            rows[district].schools_at_workshops = len(teams)
    return [rows[d] for d in sorted(rows)]


def headers() -> list[str]:
    return [_("District"), _("Schools"), _("Schools with a saved plan"), _("Types of involvement covered"),
            _("Standards covered"), _("Mini Visits held"), _("Overdue follow-ups"), _("Schools at workshops")]


def cells(row: DistrictRollup) -> list[object]:
    return [row.district, row.schools, row.with_plan, f"{len(row.types)}/{len(type_ids())}",
            f"{len(row.standards)}/{len(content.items('standard'))}", row.visits_held, row.overdue_followups,
            row.schools_at_workshops]


def rollup_csv(rows: list[DistrictRollup]) -> str:
    return csv_text(["district", "schools", "schools_with_plan", "types_covered", "standards_covered",
                     "visits_held", "overdue_followups", "schools_at_workshops"],
                    [[r.district, r.schools, r.with_plan, " ".join(sorted(r.types)), " ".join(sorted(r.standards)),
                      r.visits_held, r.overdue_followups, r.schools_at_workshops] for r in rows])


def chart_html(rows: list[DistrictRollup], school_year: str) -> str:
    """Schools with a saved plan per district: the chart, its alt text and its data table."""
    fig = charts.counts([r.district for r in rows], [r.with_plan for r in rows],
                        title=_("Schools with a saved plan, {year}").format(year=school_year),
                        xlabel=_("Schools with a saved plan"), ylabel=_("District"), gap_label=_("none yet"))
    return charts.to_html(fig)


class StateView(widgets.VBox):
    """``StateView()`` opens the default store (on the hub: the person's scope)."""

    def __init__(self, store: Store | None = None, *, today: date | None = None):
        self.store = store or Store()
        self.today = today
        self.year = widgets.Text(value=current_school_year(today), description=_("School year"))
        self.refresh = widgets.Button(description=_("Show"), button_style="primary")
        self.table = widgets.HTML()
        self.chart = widgets.HTML()
        self.export_link = widgets.HTML()
        self.refresh.on_click(lambda _b: self.show())
        super().__init__([widgets.HBox([self.year, self.refresh]), self.table, self.chart, self.export_link])
        self.show()

    def show(self) -> None:
        year = self.year.value.strip()
        self.rows = rollup(self.store, year, self.today)
        if not self.rows:
            self.table.value = page("<p>" + esc(_("No district to show: no school is in your view yet.")) + "</p>")
            self.chart.value = self.export_link.value = ""
            return
        head = "".join(f"<th scope='col'>{esc(h)}</th>" for h in headers())
        body = "".join("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in cells(r)) + "</tr>" for r in self.rows)
        caption = esc(_("Districts in {year}").format(year=year))
        self.table.value = page(f"<table><caption>{caption}</caption><tr>{head}</tr>{body}</table>")
        self.chart.value = chart_html(self.rows, year)
        data = base64.b64encode(rollup_csv(self.rows).encode("utf-8")).decode()
        label = esc(_("Download the table (CSV)"))
        self.export_link.value = (f'<a download="state-view-{esc(year)}.csv" href="data:text/csv;base64,{data}">'
                                  f'{label}</a>')
