"""The Mini Visit tracker for district leaders: schedule visits with each school's partnership
team, keep notes and follow-ups (and close them), and watch the district's progress board.

It holds adults' names, notes and follow-ups, so on a workshop's server (``shine workshop``) it
opens only with the facilitator key (:func:`tracker_page`); in JupyterLab on the trainer's own
machine, Lab's own login protects it."""

from __future__ import annotations

import base64
import logging
import os
from datetime import date, datetime, time

import ipywidgets as widgets

from shine.i18n import _
from shine.store import Store, StoreError
from shine.store.visits import END_OF_DAY, MiniVisits
from shine.web.announce import live, say
from shine.web.html import esc, page
from shine.web.keys import WORKSHOP_ENV, KeyGate, KeyLock

from . import visit_board

log = logging.getLogger("shine.tracker")
BIG = widgets.Layout(width="100%", max_width="36rem")
STYLE = {"description_width": "10rem"}


def _times() -> list[tuple[str, time]]:
    out, minutes = [], END_OF_DAY[0].hour * 60 + END_OF_DAY[0].minute
    end = END_OF_DAY[1].hour * 60 + END_OF_DAY[1].minute
    while minutes <= end - 30:
        t = time(minutes // 60, minutes % 60)
        out.append((t.strftime("%H:%M"), t))
        minutes += 15
    return out


def tracker_page(store: Store | None = None, **kwargs) -> widgets.Widget:
    """The tracker as ``facilitator/dashboards/mini-visits.ipynb`` shows it: behind the
    facilitator key when a workshop's server serves it, straight away otherwise."""
    store = store or Store()
    workshop_id = os.environ.get(WORKSHOP_ENV, "").strip()
    if not workshop_id.isdigit():
        return MiniVisitTracker(store, **kwargs)
    workshop = store.room.workshop(int(workshop_id))
    box = widgets.VBox()

    def open_tracker() -> None:
        box.children = [MiniVisitTracker(store, **kwargs)]

    box.children = [KeyGate(_("Mini Visit tracker"),
                            lambda key: store.room.check_facilitator_key(workshop.id, key),
                            open_tracker, KeyLock.for_workshop(workshop))]
    return box


class MiniVisitTracker(widgets.VBox):
    """``MiniVisitTracker()`` opens the default store; tests pass their own ``store`` and ``today``."""

    def __init__(self, store: Store | None = None, *, today: date | None = None):
        self.store = store or Store()
        self.visits = MiniVisits(self.store, today=today)
        self.message = live(widgets.HTML())
        districts = sorted({t.district for t in self.store.teams.all()})
        self.district = widgets.Dropdown(options=districts, value=districts[0] if districts else None,
                                         description=_("District"), style=STYLE, layout=BIG)
        # schedule
        self.school = widgets.Dropdown(description=_("School"), style=STYLE, layout=BIG)
        self.leader = widgets.Text(description=_("District leader"), style=STYLE, layout=BIG)
        self.day = widgets.DatePicker(description=_("Day"), style=STYLE, layout=BIG)
        self.start = widgets.Dropdown(options=_times(), value=_times()[2][1], description=_("Starts at"),
                                      style=STYLE, layout=BIG)
        self.minutes = widgets.Dropdown(options=[30, 45, 60, 90], value=60, description=_("Minutes"),
                                        style=STYLE, layout=BIG)
        self.agenda = widgets.Textarea(description=_("Team's agenda"), placeholder=_("One item per line"),
                                       style=STYLE, layout=BIG)
        self.schedule_button = widgets.Button(description=_("Schedule the visit"), button_style="primary",
                                              layout=widgets.Layout(width="16rem", height="3rem"))
        self.schedule_button.on_click(lambda _b: self._schedule())
        schedule = widgets.VBox([self.school, self.leader, self.day, self.start, self.minutes, self.agenda,
                                 self.schedule_button])
        # one visit
        self.visit = widgets.Dropdown(description=_("Visit"), style=STYLE, layout=BIG)
        self.details = widgets.HTML()
        self.note = widgets.Textarea(description=_("Note"), style=STYLE, layout=BIG)
        self.task = widgets.Text(description=_("Follow-up"), style=STYLE, layout=BIG)
        self.owner = widgets.Text(description=_("Owner"), style=STYLE, layout=BIG)
        self.due = widgets.DatePicker(description=_("Due"), style=STYLE, layout=BIG)
        self.resource = widgets.Text(description=_("Resource shared"), style=STYLE, layout=BIG)
        self.open_followup = widgets.Dropdown(description=_("Still to do"), style=STYLE, layout=BIG)
        buttons = {}
        for key, label, action in (("note", _("Add note"), self._add_note),
                                   ("followup", _("Add follow-up"), self._add_followup),
                                   ("resource", _("Add resource"), self._add_resource),
                                   ("done", _("Mark follow-up done"), self._complete_followup),
                                   ("held", _("Mark as held"), lambda: self._status("held")),
                                   ("cancel", _("Cancel visit"), lambda: self._status("cancelled"))):
            button = widgets.Button(description=label, layout=widgets.Layout(width="12rem", height="2.6rem"))
            button.on_click(lambda _b, act=action: act())
            buttons[key] = button
        self.buttons = buttons
        self.visit.observe(lambda _c: self._show_visit(), names="value")
        one = widgets.VBox([self.visit, self.details, self.note, buttons["note"], self.task, self.owner, self.due,
                            buttons["followup"], self.open_followup, buttons["done"], self.resource,
                            buttons["resource"],
                            widgets.HBox([buttons["held"], buttons["cancel"]])])
        # board
        self.board_table = widgets.HTML()
        self.board_chart = widgets.HTML()  # an <img> with its alt text; the table below has the same figures
        self.export_link = widgets.HTML()
        board = widgets.VBox([self.board_chart, self.board_table, self.export_link])
        self.tabs = widgets.Tab(children=[schedule, one, board])
        for i, title in enumerate((_("Schedule"), _("Visits"), _("District board"))):
            self.tabs.set_title(i, title)
        self.district.observe(lambda _c: self.refresh(), names="value")
        super().__init__([self.district, self.message, self.tabs])
        self.add_class("shine-mini-visits")
        if not districts:
            self._tell(_("No schools yet. Add a district's schools first, for example: "
                         "shine visits add-schools --district CTHSS \"Platt Tech\" \"Cheney Tech\""), ok=False)
        self.refresh()

    # --- state shown ---

    def refresh(self) -> None:
        district = self.district.value
        schools = [t.school for t in self.store.teams.all(district)] if district else []
        chosen = self.school.value
        self.school.options = schools
        self.school.value = chosen if chosen in schools else (schools[0] if schools else None)
        visits = self.visits.visits(district) if district else []
        label = lambda v: f"{v.starts_at:%Y-%m-%d %H:%M} · {v.school} · {v.leader} ({v.status})"  # noqa: E731
        current = getattr(self, "_select", None) or self.visit.value
        self._select = None
        self.visit.options = [(label(v), v.id) for v in reversed(visits)]
        ids = [v.id for v in visits]
        self.visit.value = current if current in ids else (ids[-1] if ids else None)
        self._show_visit()
        self._show_board()

    def _show_visit(self) -> None:
        visit = next((v for v in self.visits.visits(self.district.value) if v.id == self.visit.value), None) \
            if self.visit.value else None
        if visit is None:
            self.details.value = page("<p>" + esc(_("No visit chosen.")) + "</p>")
            self.open_followup.options = []
            return
        still = [(f"{f.task} · {f.owner} · {f.due_on.isoformat()}", f.id) for f in visit.followups if not f.done]
        self.open_followup.options = still
        self.open_followup.value = still[0][1] if still else None
        due = esc(_("due"))
        follow = "".join(f"<li>{'&#10003; ' if f.done else ''}{esc(f.task)} &mdash; {esc(f.owner)}, "
                         f"{due} {esc(f.due_on.isoformat())}</li>" for f in visit.followups)
        parts = [f"<h3>{esc(visit.school)}</h3>",
                 f"<p>{esc(visit.starts_at.strftime('%A %d %B %Y, %H:%M'))} · {visit.minutes} min · {esc(visit.leader)}"
                 f" · {esc(visit.status)}</p>",
                 "<h4>" + esc(_("Team's agenda")) + "</h4><ul>" + "".join(f"<li>{esc(a)}</li>" for a in visit.agenda) + "</ul>",
                 "<h4>" + esc(_("Notes")) + "</h4>" + "".join(f"<p>{esc(n)}</p>" for n in visit.notes),
                 "<h4>" + esc(_("Follow-ups")) + f"</h4><ul>{follow}</ul>",
                 "<h4>" + esc(_("Resources shared")) + "</h4><ul>" +
                 "".join(f"<li>{esc(t)}{' &mdash; ' + esc(link) if link else ''}</li>" for t, link in visit.resources)
                 + "</ul>"]
        self.details.value = page("".join(parts))

    def _show_board(self) -> None:
        """The board; when it cannot be drawn it says so in its place and the tabs keep working."""
        try:
            self._draw_board()
        except StoreError as exc:
            self.board_table.value = page(f'<p role="status">{esc(str(exc))}</p>')
        except Exception:
            log.exception("the Mini Visit board could not be drawn")
            self.board_table.value = page('<p role="status">' + esc(_(
                "The board could not be drawn just now; scheduling, notes and follow-ups still work.")) + "</p>")

    def _draw_board(self) -> None:
        district = self.district.value
        rows = self.visits.board(district) if district else []
        today = self.visits.today
        self.board_table.value = visit_board.table_html(rows, today)
        if rows:
            from shine.web import charts  # matplotlib: only once there is a board to draw

            fig = visit_board.chart_figure(rows, today, _("{district}: time since each school's last Mini Visit").format(
                district=district))
            self.board_chart.value = charts.to_html(fig, dpi=90)  # the picture, its alt text, its data table
            self.board_alt = charts.alt_text(fig)
            csv_text = self.visits.board_csv(district)
            data = base64.b64encode(csv_text.encode("utf-8")).decode()
            label = esc(_("Download the board as CSV"))
            self.export_link.value = (f'<a download="mini-visits-{esc(district)}.csv" '
                                      f'href="data:text/csv;base64,{data}">{label}</a>')

    # --- actions ---

    def _tell(self, text: str, ok: bool = True) -> None:
        css = "shine-box" if ok else "shine-box shine-note"
        say(self.message, page(f'<div class="{css}">{esc(text)}</div>'))

    def _run(self, action, done: str) -> bool:
        try:
            action()
        except (StoreError, ValueError) as exc:
            self._tell(str(exc), ok=False)
            return False
        self._tell(done)
        self.refresh()
        return True

    def _schedule(self) -> None:
        if self.day.value is None or not self.school.value:
            self._tell(_("Choose the school and the day of the visit."), ok=False)
            return
        starts = datetime.combine(self.day.value, self.start.value)
        agenda = [line for line in self.agenda.value.splitlines() if line.strip()]
        def schedule():
            self._select = self.visits.schedule(self.district.value, self.school.value or "", self.leader.value,
                                                starts, self.minutes.value, agenda)

        if self._run(schedule, _("Visit scheduled with {school}.").format(school=self.school.value)):
            self.agenda.value = ""

    def _need_visit(self) -> int | None:
        if self.visit.value is None:
            self._tell(_("Choose a visit first (Visits tab)."), ok=False)
        return self.visit.value

    def _add_note(self) -> None:
        if (vid := self._need_visit()) and self._run(lambda: self.visits.add_note(vid, self.note.value), _("Note saved.")):
            self.note.value = ""

    def _add_followup(self) -> None:
        vid = self._need_visit()
        if vid is None:
            return
        if self.due.value is None:
            self._tell(_("A follow-up needs a due date."), ok=False)
            return
        if self._run(lambda: self.visits.add_followup(vid, self.task.value, self.owner.value, self.due.value),
                     _("Follow-up added.")):
            self.task.value = ""

    def _complete_followup(self) -> None:
        if self._need_visit() is None:
            return
        followup = self.open_followup.value
        if followup is None:
            self._tell(_("Choose the follow-up that is done."), ok=False)
            return
        self._run(lambda: self.visits.complete_followup(followup), _("Follow-up marked done."))

    def _add_resource(self) -> None:
        if (vid := self._need_visit()) and self._run(lambda: self.visits.add_resource(vid, self.resource.value),
                                                      _("Resource recorded.")):
            self.resource.value = ""

    def _status(self, status: str) -> None:
        if (vid := self._need_visit()):
            self._run(lambda: self.visits.set_status(vid, status), _("Visit updated."))
