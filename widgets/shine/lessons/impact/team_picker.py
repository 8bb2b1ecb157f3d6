"""Choose your school team (district + school) before saving anything, without giving a name.

A participant is a random id for this kernel. A *seat label* ("Table 3, seat 2") is optional:
with one, the id is derived from the team and the label, so after a kernel restart the same
label brings the same answers back. The label itself is never stored, only a hash of it, so
even a name typed by mistake does not reach the database.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Callable

import ipywidgets as widgets

from shine.i18n import _
from shine.store import MAX_NAME_CHARS, TEAM_LEVELS, Store, StoreError, StoreInputError, TeamInfo
from shine.web.announce import live
from shine.web.html import callout, esc, page

KERNEL_CLIENT_ID = "kernel-" + uuid.uuid4().hex[:24]  # one per kernel: every component here shares it
MAX_LABEL_CHARS = 60


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\x00", "")).strip()


def client_id_for(team_id: int, label: str | None) -> str:
    label = _normal(label or "").casefold()
    if not label:
        return KERNEL_CLIENT_ID
    digest = hashlib.sha256(f"{team_id}|{label}".encode("utf-8")).hexdigest()[:32]
    return f"seat-{digest}"


def match_existing(teams: list[TeamInfo], district: str, school: str) -> tuple[str, str]:
    """The spelling already in use for this team, so "groton " joins "Groton"."""
    for t in teams:
        if t.district.casefold() == district.casefold() and t.school.casefold() == school.casefold():
            return t.district, t.school
    for t in teams:
        if t.district.casefold() == district.casefold():
            return t.district, school
    return district, school


class TeamPicker(widgets.VBox):
    """``on_join(picker)`` is called after a team is chosen; ``picker.team`` and
    ``picker.client_id`` are then set."""

    def __init__(self, store: Store | None = None, on_join: Callable[["TeamPicker"], None] | None = None):
        self._store = store
        self.on_join = on_join
        self.team: TeamInfo | None = None
        self.client_id: str | None = None
        wide = widgets.Layout(width="26rem", max_width="100%")
        style = {"description_width": "8rem"}
        self.district = widgets.Combobox(placeholder=_("e.g. Windsor"), description=_("District"), ensure_option=False,
                                         layout=wide, style=style)
        self.school = widgets.Combobox(placeholder=_("e.g. Main Street Elementary"), description=_("School"),
                                       ensure_option=False, layout=wide, style=style)
        self.level = widgets.Dropdown(options=[(_("(optional)"), "")] + [(lvl, lvl) for lvl in TEAM_LEVELS],
                                      value="", description=_("School level"), layout=wide, style=style)
        self.label = widgets.Text(placeholder=_("optional, e.g. Table 3; not your name"),
                                  description=_("Seat label"), layout=wide, style=style)
        self.join_button = widgets.Button(description=_("Join my school team"), button_style="primary",
                                          layout=widgets.Layout(width="auto"))
        self.status = live(widgets.HTML())
        self.join_button.on_click(lambda _b: self.join())
        why = _("Ratings are saved for your school team, so members can compare views. No names are asked for. "
                "Add a seat label if you want your own ratings back after a break.")
        super().__init__([widgets.HTML(page(f'<p class="shine-meta">{esc(why)}</p>')), self.district, self.school,
                          self.level, self.label, widgets.HBox([self.join_button]), self.status])
        self.add_class("shine-team-picker")
        self._suggest()

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store()
        return self._store

    def _suggest(self) -> None:
        try:
            teams = self.store.teams.all()
        except StoreError as exc:
            self.say(str(exc), "note")
            return
        self.district.options = sorted({t.district for t in teams})
        self.school.options = sorted({t.school for t in teams})

    def say(self, text: str, tone: str = "info") -> None:
        self.status.value = page(callout(f"<p>{esc(text)}</p>", tone))

    def join(self) -> bool:
        district, school, label = _normal(self.district.value), _normal(self.school.value), _normal(self.label.value)
        if not district or not school:
            self.say(_("Please type your district and your school, then join."), "note")
            return False
        if len(label) > MAX_LABEL_CHARS:
            self.say(_("The seat label is {n} characters long; keep it under {limit}, "
                       "e.g. “Table 3, seat 2”.").format(
                n=len(label), limit=MAX_LABEL_CHARS), "note")
            return False
        if max(len(district), len(school)) > MAX_NAME_CHARS:
            self.say(_("That name is too long; please shorten it to {limit} characters.").format(limit=MAX_NAME_CHARS),
                     "note")
            return False
        try:
            district, school = match_existing(self.store.teams.all(), district, school)
            self.team = self.store.teams.ensure(district, school, self.level.value or None)
        except StoreInputError as exc:
            self.say(str(exc), "note")
            return False
        except StoreError as exc:
            self.say(_("Could not reach the database: {error}").format(error=exc), "note")
            return False
        self.client_id = client_id_for(self.team.id, label)
        text = _("You are on the team of {school} ({district}).").format(school=self.team.school,
                                                                          district=self.team.district)
        self.say(text, "good")
        if self.on_join:
            self.on_join(self)
        return True
