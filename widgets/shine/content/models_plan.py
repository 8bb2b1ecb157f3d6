"""Models of ``plan_rules.yaml``: the checks a One-Year Action Plan must pass, as data.

Each rule names one ``check`` (the code that runs it, in ``shine.plan.rules``), a severity, a
plain-language message with ``{placeholders}``, and the parameters a district may change. The
checks are a closed list, so a misspelt check or parameter is reported by ``shine content check``
rather than silently ignored. Several rules may use the same check with different parameters
(the team rules below do), and a district can switch a rule off with ``enabled: false``.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Union

from pydantic import Field

from .models import Id, Model, Note, Ref, Sourced, Text

Severity = Literal["error", "warning"]
Form = Literal["G", "T"]
Level = Literal["elementary", "middle", "high"]
GoalField = Literal["title", "sip_goal", "result", "measure"]
ActivityField = Literal["what", "type", "standard", "start", "grades", "tasks", "lead", "helpers",
                        "resources", "evaluation"]
MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class PlanRule(Sourced):
    """What every rule has; ``message`` may use the placeholders its check documents."""

    ID_KIND: ClassVar[str] = "plan_rule"
    id: Id
    name: Text  # a few words for the checklist, e.g. "Every goal is linked"
    severity: Severity
    message: Text
    enabled: bool = True
    forms: list[Form] = ["G", "T"]  # the plan forms the rule applies to


class GoalMixRule(PlanRule):
    """Placeholders: {kind}, {expected}, {found}. Without ``counts``, the counts of Form G's goal
    kinds in nnps.yaml apply."""

    check: Literal["goal-mix"]
    counts: dict[str, int] | None = None


class TypeSectionsRule(PlanRule):
    """Form T: each section is one of the six types, once. Placeholders: {goal}, {type}."""

    check: Literal["type-sections"]


class GoalFieldsRule(PlanRule):
    """Placeholders: {goal}, {field}."""

    check: Literal["goal-fields"]
    required: list[GoalField] = Field(min_length=1)
    min_chars: int = Field(default=1, ge=1)


class ActivitiesPerGoalRule(PlanRule):
    """Placeholders: {goal}, {minimum}, {found}."""

    check: Literal["activities-per-goal"]
    minimum: int = Field(ge=1)


class ActivityFieldsRule(PlanRule):
    """Placeholders: {activity}, {field}."""

    check: Literal["activity-fields"]
    required: list[ActivityField] = Field(min_length=1)


class TeamSeatRule(PlanRule):
    """At least ``minimum`` members whose role is in ``roles``; without ``minimum``, the minimum
    of the nnps.yaml seat ``seat`` for the plan's school level (a seat kept for some levels only,
    such as students in high school, asks nothing of other levels). Placeholders: {minimum},
    {found}, {roles}, {level} (the school level in words, e.g. "high school")."""

    check: Literal["team-seat"]
    seat: Ref("role")
    roles: list[Ref("role")] = Field(min_length=1)
    minimum: int | None = Field(default=None, ge=0)


class TeamSizeRule(PlanRule):
    """Without ``minimum``, nnps.yaml's team size. Placeholders: {minimum}, {found}."""

    check: Literal["team-size"]
    minimum: int | None = Field(default=None, ge=1)


class TypesCoveredRule(PlanRule):
    """Placeholders: {minimum}, {found}, {missing}."""

    check: Literal["types-covered"]
    minimum: int = Field(ge=1, le=6)


class DatesInYearRule(PlanRule):
    """The school year "2026-2027" runs from ``first_day`` of 2026 to ``last_day`` of 2027.
    Placeholders: {activity}, {date}, {first}, {last}, {year}."""

    check: Literal["dates-in-year"]
    first_day: MonthDay = "07-01"
    last_day: MonthDay = "06-30"


class DateOrderRule(PlanRule):
    """Placeholders: {activity}, {start}, {end}."""

    check: Literal["date-order"]


class KeywordMatch(Model):
    """Words that mark an activity as one of the impact examples, when the team did not pick it."""

    example: Ref("impact_example")
    words: list[Text] = Field(min_length=1)


class LowerImpactRule(PlanRule):
    """Placeholders: {goal}, {activities}, {alternatives}. ``when: all-lower`` warns about a goal
    whose recognisable activities are all lower impact; ``any-lower`` about every lower-impact
    activity."""

    check: Literal["lower-impact"]
    when: Literal["all-lower", "any-lower"] = "all-lower"
    keywords: list[KeywordMatch] = []


class DuplicateGoalRule(PlanRule):
    """Two goals with the same words (ignoring case, spaces and punctuation). Placeholders:
    {goal}, {other}."""

    check: Literal["duplicate-goal"]


AnyRule = Annotated[
    Union[GoalMixRule, TypeSectionsRule, GoalFieldsRule, ActivitiesPerGoalRule, ActivityFieldsRule, TeamSeatRule,
          TeamSizeRule, TypesCoveredRule, DatesInYearRule, DateOrderRule, LowerImpactRule, DuplicateGoalRule],
    Field(discriminator="check"),
]


class LevelGroup(Model):
    """A school level that spans several (k-12 is elementary, middle and high for team seats)."""

    level: Id  # a key plans are matched on ("k-12"), so never translated
    counts_as: list[Level] = Field(min_length=1)


class PlanRulesFile(Model):
    intro: Note
    level_groups: list[LevelGroup] = []
    rules: list[AnyRule] = Field(min_length=1)
