"""The facilitator console: opens only with the facilitator key ``shine workshop`` printed (or, on
a JupyterHub, with a trainer's pass from their hub login: :mod:`shine.web.passes`).

Nothing a facilitator can do exists in the page before the key is accepted: the agenda, the
moderation list and the export buttons are created after the check, so a browser without the key
has no widget it could send a message to. Wrong keys slow down after a few tries, counted per
address across reloads (:class:`shine.web.keys.KeyLock`).
"""

from __future__ import annotations

import time
from typing import Callable

import ipywidgets as widgets

from shine.i18n import _
from shine.store import Store, StoreError
from shine.web.html import PAGE_CSS, esc
from shine.web.keys import KeyGate, KeyLock
from shine.web.passes import trainer_from_env

from ..live import repeat, workshop_id_from_env
from ..pools import PoolStatus, read_status
from .agenda_timer import AgendaTimer
from .moderation import ModerationList
from .session_export import ExportPanel


CSS = PAGE_CSS + """<style>
.shine-console { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px;
                 max-width: 70rem; }
.shine-console h2 { font-size: 1.6rem; } .shine-console h3 { font-size: 1.25rem; margin: 1rem 0 0.3rem; }
.shine-console .shine-timer { font-size: 1.3rem; }
.shine-console .widget-html-content { overflow-wrap: break-word; }
.shine-console table { border-collapse: collapse; }
.shine-console td, .shine-console th { padding: 0.2rem 0.4rem; border-bottom: 1px solid #d9e2ec; text-align: left; }
</style>"""


def pools_html(status: PoolStatus | None) -> str:
    """The module pages kept ready, for the console: one line per page the agenda is heading to."""
    if status is None:
        return ""
    head = "<h3>" + esc(_("Module pages ready")) + "</h3>"
    if status.stale:
        return head + "<p>" + esc(_("The module pages' server is not answering; pages open more slowly.")) + "</p>"
    busy = status.busy()
    if not busy:
        return head + "<p>" + esc(_("None needed yet: no module in this segment or the next.")) + "</p>"
    rows = []
    for name, pool in sorted(busy.items()):
        text = _("{ready} of {target} ready").format(ready=pool.get("ready", 0), target=pool.get("target", 0))
        if pool.get("warming"):
            text += " · " + _("{n} starting").format(n=pool["warming"])
        rows.append(f"<li><bdi>{esc(name.removesuffix('.ipynb'))}</bdi>: {esc(text)}</li>")
    return head + "<ul>" + "".join(rows) + "</ul>"


class Console(widgets.VBox):
    """``Console()``: the facilitator's page of the workshop ``shine workshop`` serves, behind its key."""

    def __init__(self, store: Store | None = None, workshop_id: int | None = None, *,
                 clock: Callable[[], float] = time.time, lock: KeyLock | None = None):
        self.store = store or Store()
        self.workshop_id = workshop_id if workshop_id is not None else workshop_id_from_env()
        self.unlocked = False
        self.trainer: str | None = None
        self.agenda: AgendaTimer | None = None
        self.moderation: ModerationList | None = None
        self.exports: ExportPanel | None = None
        self._timer_task = None
        self.ticks = 0
        if self.workshop_id is None:
            intro = "<h2>" + esc(_("No workshop is running. Start one with: shine workshop")) + "</h2>"
            super().__init__([widgets.HTML(CSS + intro)])
        else:
            workshop = self.store.room.workshop(self.workshop_id)
            self.gate = KeyGate(_("Facilitator console: {name}").format(name=workshop.name),
                                lambda key: self.store.room.check_facilitator_key(self.workshop_id, key),
                                self._open, lock or KeyLock.for_workshop(workshop, clock=clock), css=CSS)
            self.key, self.open_button, self.message = self.gate.key, self.gate.open_button, self.gate.message
            self.open_button.description = _("Open the console")
            super().__init__([self.gate])
            self.trainer = trainer_from_env(self.workshop_id)
            if self.trainer:  # a trainer's pass from their hub login (shine.web.passes): no key asked
                self._open()
        self.add_class("shine-console")

    def _open(self) -> None:
        self.unlocked = True
        self._build()

    def _build(self) -> None:
        workshop = self.store.room.workshop(self.workshop_id)
        setup = workshop.setup or {}
        self.agenda = AgendaTimer(self.store, self.workshop_id, setup.get("segments", []))
        self.moderation = ModerationList(self.store, self.workshop_id)
        self.exports = ExportPanel(self.store, self.workshop_id)
        self.teams = widgets.HTML()
        self.teams_button = widgets.Button(description=_("Refresh"))
        self.teams_button.on_click(lambda _b: self.refresh_teams())
        self.refresh_teams()
        self.pools = widgets.HTML()  # not a live region: it changes every few seconds while pools fill
        self.refresh_pools()
        title = _("Facilitator console: {name} (join code {code})").format(name=workshop.name, code=workshop.code)
        left = widgets.VBox([self.agenda, self.pools, widgets.HTML("<h3>" + esc(_("Teams present")) + "</h3>"),
                             self.teams_button, self.teams, self.exports],
                            layout=widgets.Layout(flex="1 1 28rem"))
        right = widgets.VBox([self.moderation], layout=widgets.Layout(flex="1 1 28rem"))
        opened_by = ("<p>" + esc(_("Opened with {name}'s hub login.").format(name=self.trainer)) + "</p>"
                     if self.trainer else "")
        self.children = [widgets.HTML(CSS + "<h2>" + esc(title) + "</h2>" + opened_by),
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
            self.refresh_pools()

    def refresh_pools(self) -> None:
        """What the module pages' server holds ready for the segment under way and the next one."""
        self.pools.value = pools_html(read_status(self.workshop_id))

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
