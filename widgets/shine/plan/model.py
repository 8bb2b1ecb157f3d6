"""The One-Year Action Plan for Partnerships: its model, its JSON file, and where it is kept.

A plan is what a school's Action Team writes each year and hands to the district leader: the
school, the team (roles, and adults' names only if the team types them), and goals with their
activities. Form G arranges activities under four goals (two academic, one behavioral, one for a
welcoming climate); Form T arranges them under the six types of involvement. The goal kinds,
types, standards, roles and impact examples a plan names are ids from ``shine.content``.

The plan is saved as JSON (``Plan.to_data()``) both in the store, one append-only version per
change, and in the file the builder offers for download; :func:`plan_from_json` reads either
back and explains every problem in plain words. Whether a plan is *complete* is not this
module's business: that is the rules in ``plan_rules.yaml`` (``shine.plan.rules``), so a plan
being written can be saved at every step.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from shine import content
from shine.i18n import _, get_language

FORMAT = "shine-plan"
FORMAT_VERSION = 1
PLAN_FILE = "plan.json"  # the plan exercise's builder saves here, beside the notebook, for grading
PLAN_FILE_LANGUAGE = "language"  # ...noting the team's language, so its feedback comes in it
SHORT_CHARS = 200   # names, people, grades: one line (the store's limit for school names too)
LONG_CHARS = 2000   # goals, tasks, evaluations: a paragraph
LEVELS = ("elementary", "middle", "high", "k-8", "k-12", "other")
FORMS = ("G", "T")
UNNAMED_ROLES = ("student",)
_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
# Characters that Word files cannot hold (XML 1.0) and that PostgreSQL refuses in JSON (NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value: Any) -> Any:
    """Text as a plan keeps it: control characters removed, line endings normalised, trimmed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def new_id() -> str:
    return secrets.token_hex(4)


def _known(kind: str, label: str):
    def check(value: str | None) -> str | None:
        if value in (None, ""):
            return None
        known = content.index().items.get(kind, {})
        if value not in known:
            raise ValueError(_("{value!r} is not a known {label}; use one of: {ids}.").format(
                value=value, label=label, ids=", ".join(known)))
        return value
    return check


def _team_role(value: str) -> str:
    roles = team_roles()
    if value not in roles:
        raise ValueError(_("{value!r} is not a seat on an Action Team; use one of: {ids}.").format(
            value=value, ids=", ".join(roles)))
    return value


def _goal_kind(value: str) -> str:
    kinds = [k.id for k in content.load().nnps.form_g_goals] + [t.id for t in content.items("type")]
    if value not in kinds:
        raise ValueError(_("{value!r} is not a kind of goal or a type of involvement; use one of: {ids}.").format(
            value=value, ids=", ".join(kinds)))
    return value


Short = Annotated[str, BeforeValidator(clean), Field(max_length=SHORT_CHARS)]
Long = Annotated[str, BeforeValidator(clean), Field(max_length=LONG_CHARS)]
ItemId = Annotated[str, Field(default_factory=new_id, pattern=r"^[A-Za-z0-9_-]{1,40}$")]
TypeId = Annotated[str | None, BeforeValidator(clean), AfterValidator(_known("type", "type of involvement"))]
StandardId = Annotated[str | None, BeforeValidator(clean), AfterValidator(_known("standard", "standard"))]
ExampleId = Annotated[str | None, BeforeValidator(clean), AfterValidator(_known("impact_example", "example"))]
PlayId = Annotated[str | None, BeforeValidator(clean), AfterValidator(_known("play", "play"))]
OptionalDate = Annotated[date | None, BeforeValidator(lambda v: None if v == "" else v)]


class PlanModel(BaseModel):
    # Assignments are validated too, so the builder learns at once that a field is too long.
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Member(PlanModel):
    """A seat on the Action Team. Only adults' names, and only as the team chooses to type them."""

    role: Annotated[str, AfterValidator(_team_role)]
    name: Short = ""

    @field_validator("name")
    @classmethod
    def _no_student_names(cls, name: str, info) -> str:
        # Plans are shared with the district: students appear by role only, never by name. (A field
        # validator, so a refused assignment leaves the old value, which a model validator would not.)
        if info.data.get("role") in UNNAMED_ROLES and name:
            raise ValueError(_("students are listed by role only; leave the name empty"))
        return name


class Activity(PlanModel):
    id: ItemId
    what: Long = ""
    type: TypeId = None
    standard: StandardId = None
    start: OptionalDate = None
    end: OptionalDate = None
    grades: Short = ""
    tasks: Long = ""
    lead: Short = ""
    helpers: Short = ""
    resources: Long = ""
    cost: float | None = Field(default=None, ge=0, le=10_000_000)
    evaluation: Long = ""
    play: PlayId = None  # the play (module 5) the activity puts to work
    example: ExampleId = None  # the Connecticut impact example the activity is closest to


class Goal(PlanModel):
    id: ItemId
    kind: Annotated[str, AfterValidator(_goal_kind)]
    title: Long = ""
    sip_goal: Long = ""
    result: Long = ""
    measure: Long = ""
    activities: list[Activity] = []


class Plan(PlanModel):
    format: Literal["shine-plan"] = FORMAT
    format_version: Literal[1] = FORMAT_VERSION
    district: Annotated[Short, Field(min_length=1)]
    school: Annotated[Short, Field(min_length=1)]
    school_year: str
    level: Literal["elementary", "middle", "high", "k-8", "k-12", "other"] | None = None
    form: Literal["G", "T"] = "G"
    team: list[Member] = []
    goals: list[Goal] = []

    @field_validator("school_year", mode="before")
    @classmethod
    def _school_year(cls, value: Any) -> str:
        text = clean(value) if isinstance(value, str) else value
        match = _YEAR.match(text) if isinstance(text, str) else None
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            raise ValueError(_("a school year is written like 2026-2027 (two years in a row)"))
        return text

    @model_validator(mode="after")
    def _ids_are_unique(self) -> "Plan":
        ids = [g.id for g in self.goals] + [a.id for g in self.goals for a in g.activities]
        if len(ids) != len(set(ids)):
            raise ValueError(_("two goals or activities share an id; give each its own (or leave ids out)"))
        return self

    # --- reading the plan ------------------------------------------------------------------------

    def to_data(self) -> dict:
        """The plan as plain JSON data: what the store keeps and the builder's file holds."""
        return self.model_dump(mode="json")

    def to_json(self) -> str:
        return json.dumps(self.to_data(), ensure_ascii=False, indent=2)

    def activities(self) -> list[tuple[Goal, Activity]]:
        return [(g, a) for g in self.goals for a in g.activities]

    def activity_type(self, goal: Goal, activity: Activity) -> str | None:
        """An activity's type; in Form T it defaults to the type of its section."""
        if activity.type:
            return activity.type
        return goal.kind if goal.kind in type_ids() else None

    def types_covered(self) -> dict[str, int]:
        """Activities per type of involvement, every type listed (0 when none), in type order."""
        counts = {t: 0 for t in type_ids()}
        for goal, activity in self.activities():
            kind = self.activity_type(goal, activity)
            if kind:
                counts[kind] += 1
        return counts

    def find_goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)


# --- content the plan refers to ------------------------------------------------------------------


def team_roles() -> dict[str, Any]:
    return {r.id: r for r in content.items("role") if "team_member" in r.kinds}


def type_ids() -> list[str]:
    return [t.id for t in sorted(content.items("type"), key=lambda t: t.number)]


def goal_kinds(form: str) -> list[tuple[str, str]]:
    """(id, name) of the kinds of goal a form uses: Form G's goal kinds, or Form T's six types."""
    if form == "T":
        return [(t.id, f"{t.number}. {t.name}") for t in sorted(content.items("type"), key=lambda t: t.number)]
    return [(k.id, k.name) for k in content.load().nnps.form_g_goals]


def kind_name(kind: str) -> str:
    for form in FORMS:
        for kind_id, name in goal_kinds(form):
            if kind_id == kind:
                return name
    return kind


def field_label(name: str) -> str:
    """The words a person sees for a field of a plan, a goal or an activity."""
    return _field_labels(get_language()).get(name, name)


@lru_cache(maxsize=8)
def _field_labels(_language: str) -> dict[str, str]:
    return {
        "district": _("District"), "school": _("School"), "school_year": _("School year"),
        "level": _("School level"), "form": _("Form"), "team": _("Action Team"), "goals": _("Goals"),
        "role": _("Role"), "name": _("Name"),
        "kind": _("Kind of goal"), "title": _("Goal"), "sip_goal": _("School improvement goal it serves"),
        "result": _("Desired result"), "measure": _("How it will be measured"), "activities": _("Activities"),
        "what": _("Activity"), "type": _("Type of involvement"), "standard": _("Standard"), "start": _("Date"),
        "end": _("Until (optional)"), "grades": _("Grade levels"), "tasks": _("What needs to be done and when"),
        "lead": _("Person in charge"), "helpers": _("Persons helping"), "resources": _("Resources and cost"),
        "cost": _("Cost (dollars)"), "evaluation": _("How it will be evaluated"),
        "example": _("Closest Connecticut example"), "play": _("The play it puts to work"),
        "format": _("File format"),
        "format_version": _("File format version"), "id": _("Id"),
    }


def level_label(level: str | None) -> str:
    labels = {"elementary": _("Elementary school"), "middle": _("Middle school"), "high": _("High school"),
              "k-8": _("K-8 school"), "k-12": _("K-12 school"), "other": _("Other")}
    return labels.get(level or "", level or "")


def short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def goal_label(plan: Plan, goal: Goal) -> str:
    number = plan.goals.index(goal) + 1
    if goal.title:
        return _("Goal {n} ({title})").format(n=number, title=short(goal.title))
    return _("Goal {n}").format(n=number)


def activity_label(plan: Plan, goal: Goal, activity: Activity) -> str:
    g = plan.goals.index(goal) + 1
    a = goal.activities.index(activity) + 1
    if activity.what:
        return _("Goal {g}, activity {a} ({what})").format(g=g, a=a, what=short(activity.what))
    return _("Goal {g}, activity {a}").format(g=g, a=a)


# --- making, reading and explaining plans ---------------------------------------------------------


def current_school_year(today: date | None = None) -> str:
    """The school year a plan written today is for: from July, the year that starts then."""
    today = today or date.today()
    first = today.year if today.month >= 7 else today.year - 1
    return f"{first}-{first + 1}"


def school_years(today: date | None = None) -> list[str]:
    first = int(current_school_year(today)[:4])
    return [f"{y}-{y + 1}" for y in range(first - 1, first + 3)]


def new_plan(district: str, school: str, school_year: str | None = None, *, level: str | None = None,
             form: str = "G") -> Plan:
    return Plan(district=district, school=school, school_year=school_year or current_school_year(),
                level=level, form=form)


class PlanError(ValueError):
    """A plan file or a value cannot be read; ``problems`` says what, where, in plain words."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(_("The plan has problems:") + "\n" + lines)


def _where(loc: tuple) -> str:
    """"Goal 2, activity 3, Date" from a pydantic location."""
    parts: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if part == "goals" and isinstance(nxt, int):
            parts.append(_("Goal {n}").format(n=nxt + 1))
            i += 2
        elif part == "activities" and isinstance(nxt, int):
            parts.append(_("activity {n}").format(n=nxt + 1))
            i += 2
        elif part == "team" and isinstance(nxt, int):
            parts.append(_("team member {n}").format(n=nxt + 1))
            i += 2
        elif isinstance(part, str):
            parts.append(field_label(part))
            i += 1
        else:
            i += 1
    return ", ".join(parts)


def explain(exc: ValidationError) -> list[str]:
    """Each error of a plan, as a sentence a participant can act on."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
        where = _where(loc) or _("The plan")
        kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
        if kind in ("string_too_long", "too_long"):
            text = _("{where} is {n} characters long; the limit is {limit}. Please shorten it.").format(
                where=where, n=f"{len(value):,}" if isinstance(value, str) else "?", limit=f"{ctx.get('max_length'):,}")
        elif kind in ("string_too_short", "too_short"):
            text = _("{where} is empty; please fill it in.").format(where=where)
        elif kind == "missing":
            text = _("{where} is missing.").format(where=where)
        elif kind == "extra_forbidden":
            text = _("{where} is not part of a plan (is it misspelt?).").format(where=where)
        elif kind.startswith("date"):
            text = _("{where}: {value!r} is not a date; write dates like 2026-10-14.").format(where=where, value=value)
        elif kind == "literal_error":
            text = _("{where}: {value!r} is not one of {expected}.").format(
                where=where, value=value, expected=ctx.get("expected"))
        elif kind in ("greater_than_equal", "less_than_equal", "float_parsing", "float_type"):
            text = _("{where}: {value!r} is not an amount between 0 and 10,000,000.").format(where=where, value=value)
        elif kind == "value_error":
            text = f"{where}: {ctx.get('error', err['msg'])}"
        else:
            text = f"{where}: {err['msg']}"
        out.append(text)
    return out


def plan_from_data(data: Any) -> Plan:
    if not isinstance(data, dict):
        raise PlanError([_("A plan file holds one plan: a JSON object with a school, a district and goals.")])
    if data.get("format", FORMAT) != FORMAT:
        raise PlanError([_("This file is not a Time to Shine plan (its format is {format!r}).").format(
            format=data.get("format"))])
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError(explain(exc)) from None


def plan_from_json(text: str | bytes, *, notes: tuple[str, ...] = ()) -> Plan:
    """A plan from the JSON the builder saves; :class:`PlanError` explains what is wrong.
    ``notes``: top-level keys a file may carry beside the plan (the plan exercise's file notes the
    team's language), left out of the plan."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PlanError([_("The file is not text (UTF-8); is it the plan file the builder saved?")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError([_("The file is not valid JSON (line {line}, column {col}): {why}.").format(
            line=exc.lineno, col=exc.colno, why=exc.msg)]) from None
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in notes}
    return plan_from_data(data)


def load_plan_file(path: str | Path) -> Plan:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PlanError([_("Cannot read {path}: {why}").format(path=path, why=exc.strerror or exc)]) from None
    return plan_from_json(raw, notes=(PLAN_FILE_LANGUAGE,))


# --- plans in the store --------------------------------------------------------------------------


def save(store, team_id: int, plan: Plan, *, client_id: str | None = None) -> int:
    """Append the plan as a new version for its team and year; returns the version number."""
    return store.plans.save(team_id, plan.school_year, plan.to_data(), client_id=client_id)


def latest(store, team_id: int, school_year: str) -> tuple[int, Plan] | None:
    """The newest saved version, or None; :class:`PlanError` if it no longer validates."""
    found = store.plans.latest(team_id, school_year)
    if found is None:
        return None
    version, data = found
    return version, plan_from_data(data)
