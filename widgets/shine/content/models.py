"""Typed models of the curriculum content.

Each YAML file in this folder is one field of ``curriculum.Curriculum`` (file ``six_types.yaml`` ->
field ``six_types``). Models forbid unknown keys so a typo in a YAML file is reported, not
silently ignored.

Two conventions carry the cross-reference checks (see ``check.py``):

* a model with an ``ID_KIND`` class variable defines ids of that kind (``"role"``, ``"type"``,
  ...); ids must be unique within their kind across the whole curriculum;
* a field typed with ``Ref("kind")`` names an id of that kind; it must exist.

Every item that states a fact carries ``source``: one or more keys registered in
``sources.yaml`` (a seed file's name, or a key such as ``S14`` from curriculum-facts).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints


class RefTo:
    """Marks a string field as a reference to an id of ``kind``."""

    __slots__ = ("kind",)

    def __init__(self, kind: str):
        self.kind = kind

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"RefTo({self.kind!r})"


def Ref(kind: str):  # noqa: N802 - reads like a type in annotations
    return Annotated[str, RefTo(kind)]


def _as_list(value):
    if value is None:
        return value
    if isinstance(value, (str, int)):
        return [str(value)]
    return value


Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
SourceKey = Annotated[str, RefTo("source")]
Sources = Annotated[list[SourceKey], BeforeValidator(_as_list), Field(min_length=1)]
Certainty = Literal["verified", "unconfirmed"]
Impact = Literal["higher", "moderate", "lower"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Model):
    source: Sources


class Note(Sourced):
    """A short paragraph introducing a framework or a file, with where it comes from."""

    text: Text


# --- sources and studies -------------------------------------------------------------------


class Source(Model):
    ID_KIND: ClassVar[str] = "source"
    id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    kind: Literal["seed", "web", "publication", "study", "statute"]
    title: Text
    locator: str | None = None  # URL without scheme, or seed file name
    note: str | None = None


class Finding(Model):
    ID_KIND: ClassVar[str] = "finding"
    id: Id
    text: Text  # paraphrase, with the figure
    figure: str | None = None  # e.g. "24%"


class Study(Sourced):
    ID_KIND: ClassVar[str] = "study"
    id: Id
    citation: Text
    year: int
    sample: Text
    findings: list[Finding] = Field(min_length=1)


class Evidence(Sourced):
    """A claim a play makes, tied to the study it comes from (or to none, said plainly)."""

    claim: Text
    study: Ref("study") | None = None
    finding: Ref("finding") | None = None
    note: str | None = None  # e.g. "the seed states this without naming a study"
    # Set when the claim is about a related programme with a different model (shown apart, never
    # as evidence for the play's own model): says how that programme differs.
    related: Text | None = None


# --- roles ---------------------------------------------------------------------------------

RoleKind = Literal["audience", "partner", "team_member", "participant"]


class Role(Sourced):
    """A person or party: who a play speaks to, who owes what, who sits on a team."""

    ID_KIND: ClassVar[str] = "role"
    id: Id
    name: Text
    kinds: list[RoleKind] = Field(min_length=1)
    description: Text


class RolesFile(Model):
    roles: list[Role] = Field(min_length=1)


# --- the CT definition and principles --------------------------------------------------------


class Dimension(Sourced):
    ID_KIND: ClassVar[str] = "dimension"
    id: Id
    name: Text  # Full / Equal / Equitable
    meaning: Text


class Principle(Sourced):
    ID_KIND: ClassVar[str] = "principle"
    id: Id
    number: int = Field(ge=1, le=7)
    name: Text  # quoted with attribution
    short: Text  # a few words for buttons and chart labels
    explanation: Text  # paraphrase: what it looks like in practice


class Definition(Sourced):
    text: Text  # the official wording, quoted
    attribution: Text
    published: Text
    dimensions: list[Dimension] = Field(min_length=3, max_length=3)


class DefinitionFile(Model):
    definition: Definition
    principles: list[Principle] = Field(min_length=7, max_length=7)
    beliefs: list[Point] = Field(min_length=1)  # why partner: the CSDE's framing of the definition


# --- district systems of support --------------------------------------------------------------


class Point(Sourced):
    ID_KIND: ClassVar[str] = "point"
    id: Id
    text: Text


class Pillar(Sourced):
    ID_KIND: ClassVar[str] = "pillar"
    id: Id
    name: Text
    summary: Text
    why: Text | None = None
    staff_competencies: list[Point] = []
    family_roles: list[Ref("family_role")] = []
    points: list[Point] = []


class DistrictSupportFile(Model):
    intro: Note
    pillars: list[Pillar] = Field(min_length=3)


# --- Dual Capacity-Building Framework ---------------------------------------------------------


class Condition(Sourced):
    ID_KIND: ClassVar[str] = "condition"
    id: Id
    name: Text
    gloss: Text


class Capacity(Sourced):
    """One of the 4 Cs."""

    ID_KIND: ClassVar[str] = "capacity"
    id: Id
    name: Text
    gloss: Text
    staff: Text
    families: Text


class FamilyRole(Sourced):
    ID_KIND: ClassVar[str] = "family_role"
    id: Id
    name: Text
    description: Text


class DcbfVersion(Sourced):
    ID_KIND: ClassVar[str] = "dcbf_version"
    id: Id
    name: Text
    year: int
    citation: Text
    certainty: Certainty = "verified"
    challenge: Text
    conditions_name: Text  # "Opportunity Conditions" (v1) / "Essential Conditions" (v2)
    process_conditions: list[Condition] = Field(min_length=1)
    organizational_conditions: list[Condition] = Field(min_length=1)
    capacities: list[Ref("capacity")] = Field(min_length=4, max_length=4)
    staff_outcomes: list[Point] = Field(min_length=1)
    family_roles: list[Ref("family_role")] = Field(min_length=1)
    end_state: Text
    notes: list[Text] = []


class DualCapacityFile(Model):
    summary: Text
    compass: Text
    capacities: list[Capacity] = Field(min_length=4, max_length=4)
    family_roles: list[FamilyRole] = Field(min_length=1)
    versions: list[DcbfVersion] = Field(min_length=2)


# --- six types, six standards ---------------------------------------------------------------


class InvolvementType(Sourced):
    ID_KIND: ClassVar[str] = "type"
    id: Id
    number: int = Field(ge=1, le=6)
    name: Text
    aim: Text
    sample_practices: list[Text] = Field(min_length=2)


class SixTypesFile(Model):
    framework: Note
    types: list[InvolvementType] = Field(min_length=6, max_length=6)


class Standard(Sourced):
    ID_KIND: ClassVar[str] = "standard"
    id: Id
    number: int = Field(ge=1, le=6)
    name_2008: Text
    name_2022: Text
    goals_2008: list[Text] = []
    goals_2022: list[Text] = []
    certainty: Certainty = "verified"
    related_types: list[Ref("type")] = Field(min_length=1)
    notes: list[Text] = []


class ResponsibilityMapping(Sourced):
    """How a 2009 school responsibility lines up with the standards and types."""

    responsibility: Ref("responsibility")
    standards: list[Ref("standard")] = Field(min_length=1)
    types: list[Ref("type")] = Field(min_length=1)
    basis: Text


class StandardsFile(Model):
    framework: Note
    standards: list[Standard] = Field(min_length=6, max_length=6)
    school_responsibility_map: list[ResponsibilityMapping] = Field(min_length=1)


# --- impact examples ------------------------------------------------------------------------


class ImpactChart(Sourced):
    ID_KIND: ClassVar[str] = "impact_chart"
    id: Id
    name: Text
    setting: Text


class ImpactExample(Sourced):
    ID_KIND: ClassVar[str] = "impact_example"
    id: Id
    chart: Ref("impact_chart")
    theme: Text  # the row: examples of one theme differ in impact
    impact: Impact
    practice: Text
    types: list[Ref("type")] = Field(min_length=1)


class ImpactFile(Model):
    intro: Note
    charts: list[ImpactChart] = Field(min_length=1)
    examples: list[ImpactExample] = Field(min_length=3)


# --- plays ----------------------------------------------------------------------------------


class PlayArea(Sourced):
    ID_KIND: ClassVar[str] = "play_area"
    id: Id
    name: Text
    summary: Text


class Practice(Model):
    heading: Text | None = None
    text: Text  # paraphrase of the seed's "I can ..." statement


class Play(Sourced):
    ID_KIND: ClassVar[str] = "play"
    id: Id
    area: Ref("play_area")
    assets: list[Text] = Field(min_length=1)
    role: Ref("role")
    practices: list[Practice] = Field(min_length=1)
    evidence: list[Evidence] = []
    types: list[Ref("type")] = Field(min_length=1)
    standards: list[Ref("standard")] = Field(min_length=1)
    capacities: list[Ref("capacity")] = []
    examples: list[Text] = []  # named programs, models


class Sector(Sourced):
    ID_KIND: ClassVar[str] = "sector"
    id: Id
    name: Text
    examples: list[Text] = []


class PlaysFile(Model):
    intro: Note  # what the plays are, and are not (not a complete list)
    areas: list[PlayArea] = Field(min_length=3)
    plays: list[Play] = Field(min_length=1)
    community_sectors: list[Sector] = Field(min_length=1)


class Figure(Sourced):
    ID_KIND: ClassVar[str] = "figure"
    id: Id
    label: Text
    value: float
    unit: Text
    approximate: bool = False


# --- NNPS model (for plans) ------------------------------------------------------------------


class Element(Sourced):
    ID_KIND: ClassVar[str] = "nnps_element"
    id: Id
    name: Text
    summary: Text


class GoalKind(Sourced):
    ID_KIND: ClassVar[str] = "goal_kind"
    id: Id
    name: Text
    count: int = Field(ge=1)
    summary: Text


class TeamSeat(Sourced):
    role: Ref("role")
    minimum: int = Field(ge=0)
    maximum: int | None = None
    only_for: list[Literal["elementary", "middle", "high"]] = []


class NnpsFile(Model):
    network: Note
    elements: list[Element] = Field(min_length=4)
    team: list[TeamSeat] = Field(min_length=1)
    team_size: Figure
    form_g_goals: list[GoalKind] = Field(min_length=1)
    activity_fields: list[Point] = Field(min_length=1)


# --- scales ---------------------------------------------------------------------------------


class ScalePoint(Model):
    value: int
    label: Text
    description: Text


class Scale(Sourced):
    ID_KIND: ClassVar[str] = "scale"
    id: Id
    name: Text
    purpose: Text
    points: list[ScalePoint] = Field(min_length=2)
    strong_from: int | None = None  # values >= this count as a strength
    certainty: Certainty = "verified"
    notes: list[Text] = []


class ScalesFile(Model):
    scales: list[Scale] = Field(min_length=2)


# --- agenda templates -------------------------------------------------------------------------

SegmentKind = Literal[
    "welcome", "report", "discussion", "celebration", "share", "module", "kiosk", "break",
    "resources", "planning", "closing",
]


class Segment(Model):
    ID_KIND: ClassVar[str] = "segment"
    id: Id
    title: Text
    minutes: int = Field(ge=1, le=480)
    kind: SegmentKind
    purpose: Text
    led_by: Ref("role") | None = None
    # The module pages the room opens in this segment: ``shine workshop`` preheats them for the
    # whole room while the segment before it runs (shine.room.pools).
    modules: list[Ref("module")] = []


class AgendaTemplate(Sourced):
    ID_KIND: ClassVar[str] = "agenda"
    id: Id
    name: Text
    purpose: Text
    total_minutes: int = Field(ge=1)
    timing_note: Text | None = None
    segments: list[Segment] = Field(min_length=1)


class AgendasFile(Model):
    templates: list[AgendaTemplate] = Field(min_length=2)


# --- module headers (Carpentries-style) -----------------------------------------------------------


class Prerequisite(Model):
    text: Text
    minutes: int | None = Field(default=None, ge=0)
    module: Ref("module") | None = None


class ModuleHeader(Sourced):
    ID_KIND: ClassVar[str] = "module"
    id: Id
    number: int = Field(ge=0)
    title: Text
    notebook: Text  # path from the repository root
    audience: list[Ref("role")] = Field(min_length=1)
    questions: list[Text] = Field(min_length=1, max_length=4)
    objectives: list[Text] = Field(min_length=1)
    keypoints: list[Text] = Field(min_length=1)
    teaching_minutes: int = Field(ge=0)
    exercise_minutes: int = Field(ge=0)
    prerequisites: list[Prerequisite] = []
    instructor_notes: list[Text] = []


class ModulesFile(Model):
    modules: list[ModuleHeader] = Field(min_length=1)


class SourcesFile(Model):
    sources: list[Source] = Field(min_length=1)


class StudiesFile(Model):
    studies: list[Study] = Field(min_length=1)
