"""Two pages changed the same field of a plan: both values side by side, and a choice for each.

Shown by the builder when a save found that another page saved the same fields meanwhile. Nothing
is saved until every choice is made; then "Save with these choices" saves the merge."""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from shine.i18n import _
from shine.web.announce import live, say
from shine.web.html import esc

from ..merge import MINE, THEIRS, Conflict
from .fields import button, div


def _value(label: str, text: str) -> str:
    body = "<br>".join(esc(line) for line in text.split("\n"))
    return f'<p><strong>{esc(label)}</strong> {body}</p>'


class ConflictPanel(widgets.VBox):
    """``on_chosen({key: (MINE or THEIRS, the other page's value)})`` once every row has a choice."""

    def __init__(self, on_chosen: Callable[[dict], None]):
        self.on_chosen = on_chosen
        self.conflicts: list[Conflict] = []
        self.choices: dict[str, widgets.RadioButtons] = {}
        self.intro = widgets.HTML("")
        self.rows_box = widgets.VBox()
        self.save_button = button(_("Save with these choices"), style="primary")
        self.save_button.on_click(lambda _b: self.save())
        self.message = live(widgets.HTML(""))
        super().__init__([self.intro, self.rows_box, self.save_button, self.message],
                         layout=widgets.Layout(display="none", width="100%"))
        self.add_class("shine-plan-conflicts")

    def show(self, conflicts: list[Conflict], latest: int) -> None:
        """One row per field; a choice already made for the same two values is kept."""
        before = {c.key: (c.mine, c.theirs, self.choices[c.key].value) for c in self.conflicts}
        self.conflicts = conflicts
        self.intro.value = div("<p>" + esc(_(
            "Version {n} was saved on another page while you were writing, and you both changed the "
            "fields below. For each, choose which to keep. Everything else from both pages is kept.").format(
            n=latest)) + "</p>")
        rows, self.choices = [], {}
        for c in conflicts:
            choice = widgets.RadioButtons(
                options=[(_("Keep yours"), MINE), (_("Keep the other page's"), THEIRS)], value=None,
                description=_("Keep"), layout=widgets.Layout(width="100%"))
            old = before.get(c.key)
            if old and old[:2] == (c.mine, c.theirs):
                choice.value = old[2]
            self.choices[c.key] = choice
            values = widgets.HTML(div(f"<h4>{esc(c.where)}</h4>" + _value(_("Yours:"), c.mine_text)
                                      + _value(_("On the other page:"), c.theirs_text)))
            row = widgets.VBox([values, choice])
            row.add_class("shine-plan-row")
            rows.append(row)
        self.rows_box.children = rows
        self.message.value = ""
        self.layout.display = None

    def save(self) -> bool:
        left = [c for c in self.conflicts if self.choices[c.key].value is None]
        if left:
            say(self.message, div('<p class="shine-plan-error">' + esc(_(
                "Choose which to keep for each field ({n} left).").format(n=len(left))) + "</p>"))
            return False
        self.on_chosen({c.key: (self.choices[c.key].value, c.theirs) for c in self.conflicts})
        return True

    def clear(self) -> None:
        if self.conflicts:
            self.conflicts, self.choices = [], {}
            self.rows_box.children = []
            self.intro.value = self.message.value = ""
        self.layout.display = "none"
