"""Show another version of the plan in an open builder without rebuilding the page: the goals,
activities and inputs already there are kept and only their values change, so a person typing
in one field keeps their place while another page's changes come in elsewhere."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..model import Plan, PlanModel
from .fields import Binder, cost_text

_NESTED = ("team", "goals", "activities")


def _update(target: PlanModel, source: PlanModel) -> None:
    for name in type(source).model_fields:
        if name not in _NESTED and getattr(target, name) != getattr(source, name):
            setattr(target, name, getattr(source, name))


def _shown(widget: widgets.Widget, attr: str, value: Any) -> Any:
    """A model value as its input holds it: "" for no choice or no text, a cost as text."""
    if isinstance(widget, widgets.Dropdown):
        return "" if value is None else value
    if attr == "cost":
        return cost_text(value)
    if isinstance(widget, (widgets.Text, widgets.Textarea)):
        return value or ""
    return value


def sync_inputs(binder: Binder) -> None:
    """Each input shows its model's value (except one holding a value the model refused, which
    the person is still correcting)."""
    for attr, widget in binder.inputs.items():
        if attr in binder.errors:
            continue
        value = _shown(widget, attr, getattr(binder.model, attr))
        if widget.value == value:
            continue
        if isinstance(widget, widgets.Dropdown) and value not in [v for _label, v in widget.options]:
            widget.options = list(widget.options) + [(str(value), value)]
        widget.value = value


def show_plan(builder, new: Plan) -> None:
    """Make ``builder.plan`` hold ``new`` (same goals and activities updated in place) and its page show it."""
    plan = builder.plan
    builder._loading = True
    try:
        form_changed = plan.form != new.form
        _update(plan, new)
        builder.level.value = plan.level or ""
        builder.form.value = plan.form
        if [m.model_dump() for m in plan.team] != [m.model_dump() for m in new.team]:
            plan.team[:] = new.team
            builder.team_editor.refresh()
        old_goals = {g.id: g for g in plan.goals}
        old_activities = {a.id: a for g in plan.goals for a in g.activities}
        goals = []
        for goal in new.goals:
            old = old_goals.get(goal.id)
            if old is None:
                goals.append(goal)
                continue
            _update(old, goal)
            activities = []
            for activity in goal.activities:
                kept = old_activities.get(activity.id)
                if kept is not None:
                    _update(kept, activity)
                activities.append(kept or activity)
            old.activities[:] = activities
            goals.append(old)
        plan.goals[:] = goals
        if form_changed:
            for card in builder.cards.values():
                card.set_form(plan.form)
        builder._render_goals()
        for card in builder.cards.values():
            sync_inputs(card.binder)
            for form in card.forms.values():
                sync_inputs(form.binder)
    finally:
        builder._loading = False
    builder.undo_button.disabled = not builder.undo_stack
    builder._refresh()
