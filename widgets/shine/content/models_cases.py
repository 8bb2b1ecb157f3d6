"""Models of the 2009 policy guidance's responsibilities and of the Connecticut cases (the pilot
districts, CTHSS, CFSP); building blocks come from ``models``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .models import Figure, Id, Model, Note, Point, Ref, Sourced, Text

# --- 2009 policy guidance responsibilities ------------------------------------------------------


class Responsibility(Sourced):
    ID_KIND: ClassVar[str] = "responsibility"
    id: Id
    party: Ref("role")
    duty: Text
    actions: list[Text] = Field(min_length=1)


class ResponsibilitiesFile(Model):
    guidance: Note
    shared: list[Point] = Field(min_length=1)  # the guidance's frame: three equal partners, shared goals
    responsibilities: list[Responsibility] = Field(min_length=6)


# --- cases ----------------------------------------------------------------------------------


class Organization(Sourced):
    ID_KIND: ClassVar[str] = "organization"
    id: Id
    name: Text
    acronym: str | None = None
    role: Text


class District(Sourced):
    ID_KIND: ClassVar[str] = "district"
    id: Id
    name: Text
    approach: Text
    results: list[Text] = Field(min_length=1)
    voice: Text | None = None  # what someone in the district said about it, paraphrased


class Commitment(Sourced):
    party: Ref("role")
    items: list[Text] = Field(min_length=1)


class PilotCase(Sourced):
    ID_KIND: ClassVar[str] = "case"
    id: Id
    name: Text
    summary: Text
    rationale: Text
    aim: Text  # what the pilot set out to do, in the seed's word "institutionalizing"
    chosen_because: Text
    duration_years: int
    partners: list[Ref("organization")] = Field(min_length=1)
    districts: list[District] = Field(min_length=3)
    agreement: Text  # the signed agreement the commitments come from
    commitments: list[Commitment] = Field(min_length=3)
    figures: list[Figure] = Field(min_length=1)
    challenges: list[Text] = Field(min_length=1)
    evaluator: Text  # who evaluated the pilot
    evaluated: list[Text] = Field(min_length=1)  # what the evaluator looked at
    evaluation_findings: list[Point] = Field(min_length=1)
    open_question: Text
    growth_plan: Text
    growth_figures: list[Figure] = []


class CasePractice(Sourced):
    ID_KIND: ClassVar[str] = "case_practice"
    id: Id
    name: Text
    purpose: Text
    how: list[Text] = Field(min_length=1)
    heading: Text | None = None  # the heading NNPS lists the practice under


class CthssCase(Sourced):
    ID_KIND: ClassVar[str] = "case"
    id: Id
    name: Text
    summary: Text
    figures: list[Figure] = Field(min_length=1)
    context: list[Text] = Field(min_length=1)
    practices: list[CasePractice] = Field(min_length=2)
    recognition: Text | None = None
    office: Text | None = None


class CfspNeed(Sourced):
    """A need a district or a family might bring, and the CFSP offer (a ``work`` or
    ``how_it_works`` point) that meets it: module 2's "who can help?" question."""

    ID_KIND: ClassVar[str] = "cfsp_need"
    id: Id
    need: Text
    answer: Ref("point")
    explanation: Text


class CfspCase(Sourced):
    ID_KIND: ClassVar[str] = "case"
    id: Id
    name: Text
    goal: Text
    foundation: Text  # why it exists: the CT definition as the foundation statewide
    partners: list[Ref("organization")] = Field(min_length=1)
    work: list[Point] = Field(min_length=1)
    how_it_works: list[Point] = Field(min_length=1)
    advisory: Text
    needs: list[CfspNeed] = Field(min_length=3)


class CasesFile(Model):
    organizations: list[Organization] = Field(min_length=1)
    pilot: PilotCase
    cthss: CthssCase
    cfsp: CfspCase
