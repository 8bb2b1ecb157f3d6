"""The Action Team part of the plan builder: one row per seat (role, and an adult's name if the
team wants it), a way to add a seat and to remove one."""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from shine.i18n import _
from shine.web.announce import adds_fields
from shine.web.html import esc

from ..model import UNNAMED_ROLES, Member, Plan, team_roles
from .fields import Binder, button, choice_input, div, text_input


def role_options() -> list[tuple[str, str]]:
    return [(r.name, r.id) for r in team_roles().values()]


class _Seat:
    """One seat's inputs (a part of :class:`TeamEditor`, shown in its ``box``)."""

    def __init__(self, member: Member, *, on_change: Callable[[str], None], on_remove: Callable[["_Seat"], None]):
        self.member = member
        self.messages = widgets.HTML("")
        self.binder = Binder(member, on_change, self._show_errors)
        self.role = self.binder.bind("role", choice_input(role_options(), member.role, "role"), self._role)
        self.name = self.binder.bind("name", text_input(member.name, "name"))
        self.remove = button(_("Remove"), tooltip=_("Remove this seat from the team"))
        self.remove.on_click(lambda _b: on_remove(self))
        self._name_rule()
        self.box = widgets.VBox([self.role, self.name, self.messages, self.remove])
        self.box.add_class("shine-plan-row")

    def _role(self, role: str) -> str:
        if role in UNNAMED_ROLES and self.member.name:
            self.member.name = ""  # before the role, or the model refuses a named student
            self.name.value = ""
        return role

    def _name_rule(self) -> None:
        unnamed = self.member.role in UNNAMED_ROLES
        self.name.disabled = unnamed
        self.name.placeholder = _("Students are listed by role only") if unnamed else \
            _("Name (optional; adults only)")

    def _show_errors(self) -> None:
        self.messages.value = div("".join(f'<p class="shine-plan-error">⚠ {esc(m)}</p>'
                                           for m in self.binder.errors.values()))


class TeamEditor(widgets.VBox):
    """Seats on the Action Team. ``on_change`` after every edit; ``on_remove(index, member)``
    lets the builder keep the removed seat for Undo."""

    def __init__(self, plan: Plan, *, on_change: Callable[[str], None],
                 on_remove: Callable[[int, Member], None]):
        self.plan = plan
        self.on_change = on_change
        self.on_remove = on_remove
        self.rows_box = widgets.VBox()
        self.new_role = choice_input(role_options(), "parent", "role")
        self.new_role.description = _("Add a seat for")
        self.add = adds_fields(button(_("Add to the team"), style="primary"))
        self.add.on_click(lambda _b: self.add_member(self.new_role.value))
        self.intro = widgets.HTML(div("<p>" + esc(_(
            "List who sits on your Action Team for Partnerships. Names are optional and only for "
            "adults; students are listed by role.")) + "</p>"))
        self.rows: list[_Seat] = []
        self.refresh()
        super().__init__([self.intro, self.rows_box, self.new_role, self.add])

    def _changed(self) -> None:
        self.on_change("team")

    def refresh(self) -> None:
        self.rows = [_Seat(m, on_change=lambda _a: self._changed_row(), on_remove=self._remove)
                     for m in self.plan.team]
        self.rows_box.children = [r.box for r in self.rows]

    def _changed_row(self) -> None:
        for row in self.rows:
            row._name_rule()
        self._changed()

    def add_member(self, role: str) -> None:
        self.plan.team.append(Member(role=role))
        self.refresh()
        self._changed()

    def _remove(self, row: _Seat) -> None:
        index = next(i for i, m in enumerate(self.plan.team) if m is row.member)
        member = self.plan.team.pop(index)
        self.refresh()
        self.on_remove(index, member)
