"""One activity of a plan, as a form: the fields of the NNPS action plan forms, plus the
Connecticut example it is closest to (which lets the checklist suggest a higher-impact one)."""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web.html import esc

from ..model import Activity, short
from .fields import Binder, button, choice_input, cost_text, date_input, div, parse_cost, text_input

NONE = "—"


def type_options() -> list[tuple[str, str | None]]:
    types = sorted(content.items("type"), key=lambda t: t.number)
    return [(NONE, None)] + [(f"{t.number}. {t.name}", t.id) for t in types]


def standard_options() -> list[tuple[str, str | None]]:
    standards = sorted(content.items("standard"), key=lambda s: s.number)
    return [(NONE, None)] + [(f"{s.number}. {s.name_2022}", s.id) for s in standards]


def play_options() -> list[tuple[str, str | None]]:
    return [(NONE, None)] + [(short(p.assets[0], 70), p.id) for p in content.items("play")]


def impact_label(impact: str) -> str:
    return {"higher": _("Higher impact"), "moderate": _("Moderate impact"), "lower": _("Lower impact")}[impact]


def example_options() -> list[tuple[str, str | None]]:
    order = {"higher": 0, "moderate": 1, "lower": 2}
    examples = sorted(content.items("impact_example"), key=lambda e: order[e.impact])
    return [(NONE, None)] + [(f"{impact_label(e.impact)}: {short(e.practice, 70)}", e.id) for e in examples]


def findings_html(messages: list[str], findings: list) -> str:
    """Field errors and rule findings for one goal or activity, marked with words, not colour only."""
    lines = [f'<p class="shine-plan-error">⚠ {esc(m)}</p>' for m in messages]
    for f in findings:
        label = _("To fix") if f.severity == "error" else _("Advice")
        lines.append(f'<p class="shine-plan-{f.severity}"><strong>{esc(label)}:</strong> {esc(f.message)}</p>')
    return div("".join(lines)) if lines else ""


class ActivityForm(widgets.VBox):
    """``on_action(action, activity)`` with action ``up``, ``down`` or ``delete``."""

    def __init__(self, activity: Activity, *, on_change: Callable[[str], None],
                 on_action: Callable[[str, Activity], None]):
        self.activity = activity
        self.findings: list = []
        self.issues = widgets.HTML("")
        b = self.binder = Binder(activity, on_change, self.show_issues)
        a = activity
        cost = cost_text(a.cost)
        fields = [
            b.bind("what", text_input(a.what, "what", area=True,
                                      placeholder=_("What will happen, for whom, and why"))),
            b.bind("play", choice_input(play_options(), a.play, "play"), self._play_chosen),
            b.bind("type", choice_input(type_options(), a.type, "type")),
            b.bind("standard", choice_input(standard_options(), a.standard, "standard")),
            b.bind("example", choice_input(example_options(), a.example, "example")),
            b.bind("start", date_input(a.start, "start")),
            b.bind("end", date_input(a.end, "end")),
            b.bind("grades", text_input(a.grades, "grades", placeholder=_("e.g. 9, or 9-12"))),
            b.bind("tasks", text_input(a.tasks, "tasks", area=True,
                                       placeholder=_("Preparations, month by month"))),
            b.bind("lead", text_input(a.lead, "lead")),
            b.bind("helpers", text_input(a.helpers, "helpers")),
            b.bind("resources", text_input(a.resources, "resources", area=True)),
            b.bind("cost", text_input(cost, "cost", placeholder=_("e.g. 250")), parse_cost),
            b.bind("evaluation", text_input(a.evaluation, "evaluation", area=True,
                                            placeholder=_("How will you know it worked?"))),
        ]
        self.fields = b.inputs
        self.up = button(_("Move up"))
        self.down = button(_("Move down"))
        self.delete = button(_("Delete activity"), style="danger")
        for btn, action in ((self.up, "up"), (self.down, "down"), (self.delete, "delete")):
            btn.on_click(lambda _b, action=action: on_action(action, self.activity))
        actions = widgets.HBox([self.up, self.down, self.delete], layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__(fields + [self.issues, actions], layout=widgets.Layout(width="100%"))
        self.add_class("shine-plan-activity")

    def _play_chosen(self, play_id: str) -> str | None:
        """A play fills in what is still empty: its type, its standard, and a first wording."""
        play_id = play_id or None
        if play_id:
            play = content.get("play", play_id)
            suggestions = {"type": play.types[0], "standard": play.standards[0], "what": play.assets[0]}
            for name, value in suggestions.items():
                if not getattr(self.activity, name):
                    self.binder.inputs[name].value = value
        return play_id

    def show_issues(self, findings: list | None = None) -> None:
        if findings is not None:
            self.findings = findings
        self.issues.value = findings_html(list(self.binder.errors.values()), self.findings)

    def title(self, number: int) -> str:
        what = short(self.activity.what, 50) if self.activity.what else _("(not written yet)")
        mark = " ⚠" if self.binder.errors or any(f.severity == "error" for f in self.findings) else ""
        return _("Activity {n}: {what}").format(n=number, what=what) + mark
