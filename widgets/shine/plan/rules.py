"""Checking a One-Year Action Plan against the rules in ``content/plan_rules.yaml``.

The rules are data: each names one of the checks below, its parameters, a severity and a
message. ``check(plan)`` runs every enabled rule for the plan's form and returns a
:class:`Report` with one :class:`RuleResult` per rule (so a checklist can show the rules that
pass as well as those that do not) and a :class:`Finding` per problem, pointing at the goal or
activity it is about.

A check is a generator of ``(placeholders, goal, activity)``; the rule's message is filled in
with the placeholders. Unknown placeholders in a district's message are left as they are rather
than failing, so a typo in a message never stops a workshop.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterator

from shine import content
from shine.content.models_plan import AnyRule, PlanRule
from shine.i18n import _

from .model import Activity, Goal, Plan, activity_label, field_label, goal_label, kind_name, level_label, type_ids

Hit = tuple[dict[str, Any], Goal | None, Activity | None]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    goal_id: str | None = None
    activity_id: str | None = None


@dataclass
class RuleResult:
    rule: PlanRule
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.findings


@dataclass
class Report:
    results: list[RuleResult]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """No errors (warnings are advice)."""
        return not self.errors

    def result(self, rule_id: str) -> RuleResult | None:
        return next((r for r in self.results if r.rule.id == rule_id), None)


class _Blanks(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(message: str, values: dict[str, Any]) -> str:
    try:
        return string.Formatter().vformat(message, (), _Blanks(values))
    except (ValueError, IndexError, AttributeError):  # a malformed message: show it as it is
        return message


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _listing(items: list[str]) -> str:
    return ", ".join(items)


# --- the checks ----------------------------------------------------------------------------------


def _goal_mix(plan: Plan, rule) -> Iterator[Hit]:
    expected = rule.counts or {k.id: k.count for k in content.load().nnps.form_g_goals}
    found = {kind: 0 for kind in expected}
    for goal in plan.goals:
        found[goal.kind] = found.get(goal.kind, 0) + 1
    for kind, n in found.items():
        if n != expected.get(kind, 0):
            yield {"kind": kind_name(kind), "expected": expected.get(kind, 0), "found": n}, None, None


def _type_sections(plan: Plan, rule) -> Iterator[Hit]:
    seen: set[str] = set()
    for goal in plan.goals:
        if goal.kind not in type_ids() or goal.kind in seen:
            yield {"goal": goal_label(plan, goal), "type": kind_name(goal.kind)}, goal, None
        seen.add(goal.kind)


def _goal_fields(plan: Plan, rule) -> Iterator[Hit]:
    for goal in plan.goals:
        for name in rule.required:
            if len(getattr(goal, name).strip()) < rule.min_chars:
                yield {"goal": goal_label(plan, goal), "field": field_label(name)}, goal, None


def _activities_per_goal(plan: Plan, rule) -> Iterator[Hit]:
    for goal in plan.goals:
        if len(goal.activities) < rule.minimum:
            yield {"goal": goal_label(plan, goal), "minimum": rule.minimum, "found": len(goal.activities)}, goal, None


def _activity_fields(plan: Plan, rule) -> Iterator[Hit]:
    for goal, activity in plan.activities():
        for name in rule.required:
            value = plan.activity_type(goal, activity) if name == "type" else getattr(activity, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                yield ({"activity": activity_label(plan, goal, activity), "field": field_label(name)},
                       goal, activity)


def _levels(plan: Plan) -> list[str]:
    if plan.level is None:
        return []
    groups = {g.level: g.counts_as for g in content.load().plan_rules.level_groups}
    return list(groups.get(plan.level, [plan.level]))


def _team_seat(plan: Plan, rule) -> Iterator[Hit]:
    minimum = rule.minimum
    if minimum is None:
        seat = next((s for s in content.load().nnps.team if s.role == rule.seat), None)
        if seat is None or (seat.only_for and not set(seat.only_for) & set(_levels(plan))):
            return
        minimum = seat.minimum
    found = sum(1 for m in plan.team if m.role in rule.roles)
    if found < minimum:
        roles = content.index().items["role"]
        names = _listing([roles[r].name for r in rule.roles if r in roles])
        # The level as the reader's language names it ("high school", "escuela secundaria"), not its code.
        level = level_label(plan.level).lower() if plan.level else _("school")
        yield {"minimum": minimum, "found": found, "roles": names, "level": level}, None, None


def _team_size(plan: Plan, rule) -> Iterator[Hit]:
    minimum = rule.minimum or int(content.load().nnps.team_size.value)
    if len(plan.team) < minimum:
        yield {"minimum": minimum, "found": len(plan.team)}, None, None


def _types_covered(plan: Plan, rule) -> Iterator[Hit]:
    counts = plan.types_covered()
    reached = [t for t, n in counts.items() if n]
    if len(reached) < rule.minimum:
        missing = _listing([kind_name(t) for t, n in counts.items() if not n])
        yield {"minimum": rule.minimum, "found": len(reached), "missing": missing}, None, None


def year_window(school_year: str, first_day: str = "07-01", last_day: str = "06-30") -> tuple[date, date]:
    first_year = int(school_year[:4])
    (m1, d1), (m2, d2) = (map(int, first_day.split("-")), map(int, last_day.split("-")))
    return date(first_year, m1, d1), date(first_year + 1, m2, d2)


def _dates_in_year(plan: Plan, rule) -> Iterator[Hit]:
    first, last = year_window(plan.school_year, rule.first_day, rule.last_day)
    for goal, activity in plan.activities():
        for when in (activity.start, activity.end):
            if when is not None and not first <= when <= last:
                yield ({"activity": activity_label(plan, goal, activity), "date": when.isoformat(),
                        "first": first.isoformat(), "last": last.isoformat(), "year": plan.school_year},
                       goal, activity)


def _date_order(plan: Plan, rule) -> Iterator[Hit]:
    for goal, activity in plan.activities():
        if activity.start and activity.end and activity.end < activity.start:
            yield ({"activity": activity_label(plan, goal, activity), "start": activity.start.isoformat(),
                    "end": activity.end.isoformat()}, goal, activity)


def impact_of(activity: Activity, rule) -> Any:
    """The impact example an activity is, judged by what the team said about it, not by stray words:

    1. the example the team chose;
    2. none for an activity that puts a play to work: the plays are the CSDE's high-impact
       practices, so "home visits by appointment" under the home-visit play is not lower impact;
    3. otherwise the example whose practice its words name (``rule.keywords``), only when that
       example is of the activity's type (an untyped activity is judged by its words alone).
    """
    examples = content.index().items.get("impact_example", {})
    if activity.example:
        return examples.get(activity.example)
    if activity.play:
        return None
    words = f" {_words(activity.what)} "
    for match in rule.keywords:
        example = examples.get(match.example)
        if example is None or (activity.type and activity.type not in example.types):
            continue
        if any(f" {_words(w)} " in words for w in match.words):
            return example
    return None


def higher_alternatives(example) -> list:
    """The higher-impact examples of the same chart and theme."""
    return [e for e in content.items("impact_example")
            if e.chart == example.chart and e.theme == example.theme and e.impact == "higher"]


def _lower_impact(plan: Plan, rule) -> Iterator[Hit]:
    for goal in plan.goals:
        # Judged: activities with a known impact, and those that put a (high-impact) play to work.
        known = [(a, impact_of(a, rule)) for a in goal.activities]
        known = [(a, e) for a, e in known if e is not None or (a.play and not a.example)]
        lower = [(a, e) for a, e in known if e is not None and e.impact == "lower"]
        if not lower or (rule.when == "all-lower" and len(lower) < len(known)):
            continue
        alternatives: list[str] = []
        for _a, example in lower:
            for alt in higher_alternatives(example):
                if alt.practice not in alternatives:
                    alternatives.append(alt.practice)
        yield ({"goal": goal_label(plan, goal), "activities": _listing([a.what for a, _e in lower]),
                "alternatives": " ".join(alternatives) or _("see the impact charts")}, goal, None)


def _duplicate_goal(plan: Plan, rule) -> Iterator[Hit]:
    seen: dict[str, Goal] = {}
    for goal in plan.goals:
        key = _words(goal.title)
        if not key:
            continue
        if key in seen:
            yield {"goal": goal_label(plan, goal), "other": goal_label(plan, seen[key])}, goal, None
        else:
            seen[key] = goal


CHECKS: dict[str, Callable[[Plan, Any], Iterator[Hit]]] = {
    "goal-mix": _goal_mix,
    "type-sections": _type_sections,
    "goal-fields": _goal_fields,
    "activities-per-goal": _activities_per_goal,
    "activity-fields": _activity_fields,
    "team-seat": _team_seat,
    "team-size": _team_size,
    "types-covered": _types_covered,
    "dates-in-year": _dates_in_year,
    "date-order": _date_order,
    "lower-impact": _lower_impact,
    "duplicate-goal": _duplicate_goal,
}


def rules(plan: Plan | None = None) -> list[AnyRule]:
    """The enabled rules (for a plan's form, when given), in the order the content lists them."""
    out = [r for r in content.load().plan_rules.rules if r.enabled]
    return [r for r in out if plan is None or plan.form in r.forms]


def run_rule(plan: Plan, rule) -> RuleResult:
    result = RuleResult(rule)
    for values, goal, activity in CHECKS[rule.check](plan, rule):
        result.findings.append(Finding(rule.id, rule.severity, fill(rule.message, values),
                                       goal.id if goal else None, activity.id if activity else None))
    return result


def check(plan: Plan, rule_list: list | None = None) -> Report:
    """Run the plan's rules; ``rule_list`` replaces the content's rules (a district's draft)."""
    chosen = rule_list if rule_list is not None else rules(plan)
    return Report([run_rule(plan, r) for r in chosen if plan.form in r.forms])


__all__ = ["CHECKS", "Finding", "Report", "RuleResult", "check", "fill", "higher_alternatives", "impact_of", "rules",
           "run_rule", "year_window"]
