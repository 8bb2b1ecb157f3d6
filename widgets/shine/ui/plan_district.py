"""The district view: every team's One-Year Action Plan for a year, whether it is ready to hand
in, and which types of involvement it reaches (the district leader collects the plans)."""

from __future__ import annotations

import ipywidgets as widgets

from .. import content
from ..i18n import _, ngettext
from ..plan import TeamPlanStatus, current_school_year, district_plans, level_label, school_years
from ..store import Store, StoreError
from .html import esc, page
from .plan_fields import button, choice_input, text_input


def status_text(row: TeamPlanStatus) -> str:
    if row.problem:
        return _("✖ The saved plan cannot be read")
    if row.plan is None:
        return _("— No plan yet")
    if row.ready:
        return _("✔ Ready")
    return ngettext("✖ {n} thing to fix", "✖ {n} things to fix", row.errors).format(n=row.errors)


def district_table_html(rows: list[TeamPlanStatus], district: str, year: str) -> str:
    if not rows:
        return page("<p>" + esc(_("No team of {district} has opened a plan yet.").format(district=district)) + "</p>")
    names = {t.id: f"{t.number}. {t.name}" for t in content.items("type")}
    head = "".join(f"<th>{esc(h)}</th>" for h in (_("School"), _("Level"), _("Version"), _("Status"), _("Advice"),
                                                  _("Types reached")))
    body = []
    for r in rows:
        reached = [names[t] for t, n in r.types.items() if n]
        types = _("{n} of 6").format(n=len(reached)) + (": " + ", ".join(reached) if reached else "")
        level = level_label(r.plan.level if r.plan else r.level)
        body.append("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in (
            r.school, level, r.version or "", status_text(r), r.warnings if r.plan else "", types)) + "</tr>")
    ready = sum(1 for r in rows if r.ready)
    caption = _("{district}, {year}: {ready} of {n} plans ready to hand in.").format(
        district=district, year=year, ready=ready, n=len(rows))
    return page(f"<p><strong>{esc(caption)}</strong></p><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>")


class DistrictPlans(widgets.VBox):
    """Type the district, choose the year, see every team's plan."""

    def __init__(self, district: str = "", school_year: str | None = None, *, store: Store | None = None):
        self._store = store
        self.district = text_input(district, "district")
        year = school_year or current_school_year()
        years = school_years()
        self.year = choice_input([(y, y) for y in years], year, "school_year")
        self.show_button = button(_("Show the plans"), icon="list", style="primary")
        self.show_button.on_click(lambda _b: self.show())
        self.table = widgets.HTML("")
        super().__init__([self.district, self.year, self.show_button, self.table],
                         layout=widgets.Layout(width="100%"))
        self.add_class("shine-plan")
        self.rows: list[TeamPlanStatus] = []
        if district:
            self.show()

    def show(self) -> None:
        district = self.district.value.strip()
        if not district:
            self.table.value = page("<p>" + esc(_("Please type the district's name.")) + "</p>")
            return
        try:
            store = self._store = self._store or Store()
            known = {t.district for t in store.teams()}
            district = next((d for d in known if d.casefold() == district.casefold()), district)
            self.rows = district_plans(store, district, self.year.value)
        except StoreError as exc:
            self.table.value = page(f"<p>{esc(exc)}</p>")
            return
        self.table.value = district_table_html(self.rows, district, self.year.value)
