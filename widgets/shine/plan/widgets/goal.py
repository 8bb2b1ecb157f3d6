"""One goal of a plan: its kind, its wording, the school improvement goal it serves, the result
the team wants and how it is measured, and its activities (one fold each)."""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from shine.i18n import _
from shine.web.announce import adds_fields
from shine.web.html import esc

from ..model import Activity, Goal, Plan, goal_kinds
from .activity import ActivityForm, findings_html
from .fields import Binder, button, choice_input, div, text_input


def kind_options(form: str) -> list[tuple[str, str]]:
    """(label, id) for the dropdown: Form G's goal kinds, or Form T's six types."""
    return [(name, kind) for kind, name in goal_kinds(form)]


class GoalCard(widgets.VBox):
    """``on_action(action, goal, activity)``: ``up``/``down``/``delete`` of the goal (activity
    None) or of one of its activities, and ``add`` for a new activity."""

    def __init__(self, plan: Plan, goal: Goal, *, on_change: Callable[[str], None],
                 on_action: Callable[[str, Goal, Activity | None], None]):
        self.plan = plan
        self.goal = goal
        self.on_change = on_change
        self.on_action = on_action
        self.findings: list = []
        self.forms: dict[str, ActivityForm] = {}
        self.heading = widgets.HTML("")
        self.issues = widgets.HTML("")
        b = self.binder = Binder(goal, on_change, self.show_issues)
        self.kind = b.bind("kind", choice_input(kind_options(plan.form), goal.kind, "kind"))
        self.kind_ids = [v for _label, v in kind_options(plan.form)]
        self.title_box = b.bind("title", text_input(goal.title, "title", area=True,
                                                    placeholder=_("What do you want for students this year?")))
        self.sip = b.bind("sip_goal", text_input(goal.sip_goal, "sip_goal", area=True,
                                                 placeholder=_("Copy the goal from your school improvement plan")))
        self.result = b.bind("result", text_input(goal.result, "result", area=True,
                                                  placeholder=_("e.g. from 58% to 68% of students")))
        self.measure = b.bind("measure", text_input(goal.measure, "measure", area=True))
        self.fields = b.inputs
        self.accordion = widgets.Accordion(layout=widgets.Layout(width="100%"))
        self.add_activity = adds_fields(button(_("Add an activity to this goal"), style="primary"))
        self.add_activity.on_click(lambda _b: on_action("add", self.goal, None))
        self.up = button(_("Move goal up"))
        self.down = button(_("Move goal down"))
        self.delete = button(_("Delete goal"), style="danger")
        for btn, action in ((self.up, "up"), (self.down, "down"), (self.delete, "delete")):
            btn.on_click(lambda _b, action=action: on_action(action, self.goal, None))
        actions = widgets.HBox([self.up, self.down, self.delete], layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([self.heading, self.kind, self.title_box, self.sip, self.result, self.measure,
                          self.issues, self.accordion, self.add_activity, actions],
                         layout=widgets.Layout(width="100%", border="2px solid #9aa5b1", padding="0.6rem",
                                               margin="0 0 1rem 0"))
        self.add_class("shine-plan-goal")
        self.refresh_activities()

    def _activity_action(self, action: str, activity: Activity) -> None:
        self.on_action(action, self.goal, activity)

    def refresh_activities(self, open_id: str | None = None) -> None:
        """Show the goal's activities in order, reusing the forms already built."""
        forms = []
        for activity in self.goal.activities:
            form = self.forms.get(activity.id)
            if form is None or form.activity is not activity:
                form = ActivityForm(activity, on_change=self._activity_changed, on_action=self._activity_action)
                self.forms[activity.id] = form
            forms.append(form)
        self.forms = {f.activity.id: f for f in forms}
        self.accordion.children = forms
        self.refresh_titles()
        if open_id is not None:
            ids = [a.id for a in self.goal.activities]
            self.accordion.selected_index = ids.index(open_id) if open_id in ids else None

    def _activity_changed(self, attr: str) -> None:
        self.on_change(attr)

    def refresh_titles(self) -> None:
        self.accordion.titles = tuple(form.title(i) for i, form in enumerate(self.accordion.children, start=1))

    def set_number(self, number: int) -> None:
        label = _("Goal {n}").format(n=number)
        self.heading.value = div(f"<h3>{esc(label)}</h3>")

    def show_issues(self, findings: list | None = None) -> None:
        if findings is not None:
            self.findings = findings
        self.issues.value = findings_html(list(self.binder.errors.values()), self.findings)

    def set_form(self, form: str) -> None:
        value = self.kind.value
        options = kind_options(form)
        if value not in [v for _label, v in options]:
            options = options + [(str(value), value)]
        self.kind.options = options
        self.kind.value = value
        self.kind_ids = [v for _label, v in options]
