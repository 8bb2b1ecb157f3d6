"""The facilitator console: opens only with the facilitator key ``shine workshop`` printed.

Nothing a facilitator can do exists in the page before the key is accepted: the agenda, the
moderation list and the export buttons are created after the check, so a browser without the key
has no widget it could send a message to. Wrong keys slow down after a few tries.
"""

from __future__ import annotations

import time
from typing import Callable

import ipywidgets as widgets

from shine.i18n import _
from shine.store import Store, StoreError
from shine.web.html import esc

from ..live import repeat, workshop_id_from_env
from .agenda_timer import AgendaTimer
from .moderation import ModerationList
from .session_export import ExportPanel

FREE_TRIES = 5
LOCKOUT_SECONDS = 30

CSS = """<style>
.shine-console { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px;
                 max-width: 70rem; }
.shine-console h2 { font-size: 1.6rem; } .shine-console h3 { font-size: 1.25rem; margin: 1rem 0 0.3rem; }
.shine-console .shine-timer { font-size: 1.3rem; }
.shine-console .widget-html-content { overflow-wrap: anywhere; }
.shine-console table { border-collapse: collapse; }
.shine-console td, .shine-console th { padding: 0.2rem 0.6rem; border-bottom: 1px solid #d9e2ec; text-align: left; }
</style>"""


class Console(widgets.VBox):
    def __init__(self, store: Store | None = None, workshop_id: int | None = None, *,
                 clock: Callable[[], float] = time.monotonic):
        self.store = store or Store()
        self.workshop_id = workshop_id if workshop_id is not None else workshop_id_from_env()
        self.clock = clock
        self.failures = 0
        self.locked_until = 0.0
        self.unlocked = False
        self.agenda: AgendaTimer | None = None
        self.moderation: ModerationList | None = None
        self.exports: ExportPanel | None = None
        self.key = widgets.Password(placeholder=_("Facilitator key, e.g. K7QH-M2XP-9RTA-4WNC"),
                                    layout=widgets.Layout(width="24rem"))
        self.open_button = widgets.Button(description=_("Open the console"), button_style="primary")
        self.message = widgets.HTML()
        self.open_button.on_click(self._unlock)
        if self.workshop_id is None:
            intro = "<h2>" + esc(_("No workshop is running. Start one with: shine workshop")) + "</h2>"
            super().__init__([widgets.HTML(CSS + intro)])
        else:
            name = self.store.room.workshop(self.workshop_id).name
            intro = ("<h2>" + esc(_("Facilitator console: {name}").format(name=name)) + "</h2><p>"
                     + esc(_("Type the facilitator key that `shine workshop` printed.")) + "</p>")
            super().__init__([widgets.HTML(CSS + intro), self.key, self.open_button, self.message])
        self.add_class("shine-console")
        self._timer_task = None
        self.ticks = 0

    def _unlock(self, _button=None) -> bool:
        now = self.clock()
        if now < self.locked_until:
            wait = int(self.locked_until - now) + 1
            self.message.value = "<p role=\"status\">" + esc(
                _("Too many wrong keys. Wait {n} seconds, then try again.").format(n=wait)) + "</p>"
            return False
        key, self.key.value = self.key.value, ""  # never leave the key sitting in the page
        if not self.store.room.check_facilitator_key(self.workshop_id, key):
            self.failures += 1
            if self.failures >= FREE_TRIES:
                self.locked_until = now + LOCKOUT_SECONDS
            self.message.value = "<p role=\"status\">" + esc(
                _("That is not this workshop's facilitator key. Check the key `shine workshop` printed "
                  "(a new one is issued every time it starts).")) + "</p>"
            return False
        self.unlocked = True
        self._build()
        return True

    def _build(self) -> None:
        workshop = self.store.room.workshop(self.workshop_id)
        setup = workshop.setup or {}
        self.agenda = AgendaTimer(self.store, self.workshop_id, setup.get("segments", []))
        self.moderation = ModerationList(self.store, self.workshop_id)
        self.exports = ExportPanel(self.store, self.workshop_id)
        self.teams = widgets.HTML()
        self.teams_button = widgets.Button(description=_("Refresh"), icon="refresh")
        self.teams_button.on_click(lambda _b: self.refresh_teams())
        self.refresh_teams()
        title = _("Facilitator console: {name} (join code {code})").format(name=workshop.name, code=workshop.code)
        left = widgets.VBox([self.agenda, widgets.HTML("<h3>" + esc(_("Teams present")) + "</h3>"),
                             self.teams_button, self.teams, self.exports],
                            layout=widgets.Layout(flex="1 1 28rem"))
        right = widgets.VBox([self.moderation], layout=widgets.Layout(flex="1 1 28rem"))
        self.children = [widgets.HTML(CSS + "<h2>" + esc(title) + "</h2>"),
                         widgets.Box([left, right], layout=widgets.Layout(flex_flow="row wrap", width="100%"))]
        self._timer_task = repeat(1.0, self.tick)

    def tick(self) -> None:
        """Every second the segment timer; every fifth second the posts and teams catch up."""
        if self.agenda is None:
            return
        self.ticks += 1
        self.agenda.tick()
        if self.ticks % 5 == 0:
            self.moderation.refresh()
            self.refresh_teams()

    def refresh_teams(self) -> None:
        try:
            present = self.store.room.teams_present(self.workshop_id)
        except StoreError as exc:
            self.teams.value = f'<p role="status">{esc(str(exc))}</p>'
            return
        if not present:
            self.teams.value = "<p>" + esc(_("No team has joined yet.")) + "</p>"
            return
        head = "<tr>" + "".join("<th>" + esc(h) + "</th>"
                                for h in (_("School"), _("District"), _("Devices"), _("Posts"))) + "</tr>"
        rows = "".join(f"<tr><td>{esc(t.team.school)}</td><td>{esc(t.team.district)}</td>"
                       f"<td>{t.devices}</td><td>{t.posts}</td></tr>" for t in present)
        self.teams.value = f"<table>{head}{rows}</table>"
