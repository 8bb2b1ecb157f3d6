"""Content the learner modules add: practice scenarios, self-check and self-assessment items,
activity-evaluation questions, the home-visit threshold, and the glossary.

Each model below is the top of one YAML file (``scenarios.yaml`` -> ``ScenariosFile``) and one
field of ``curriculum.Curriculum``. Items follow the conventions of ``models.py``: ``ID_KIND``
gives them ids, ``Ref(kind)`` points at other items, and every item names its ``source``.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from .models import Id, Model, Note, Ref, Scale, Sourced, Text

# --- module 1: the principle sort -------------------------------------------------------------


class Scenario(Sourced):
    """A short, everyday situation that shows or breaks one guiding principle."""

    ID_KIND: ClassVar[str] = "scenario"
    id: Id
    title: Text  # a few words, for progress lists
    situation: Text
    principle: Ref("principle")
    verdict: Literal["shows", "breaks"]
    explanation: Text  # kind, plain words: why this principle, and why shows or breaks
    better: Text | None = None  # for "breaks": what would turn it around
    also_relates: list[Ref("principle")] = []  # other fair readings, met with a gentle "yes, and"


class ScenariosFile(Model):
    intro: Note
    scenarios: list[Scenario] = Field(min_length=7)


# --- module 3: the 4 Cs self-check ----------------------------------------------------------------


class CapacityItem(Sourced):
    ID_KIND: ClassVar[str] = "capacity_item"
    id: Id
    capacity: Ref("capacity")
    side: Literal["staff", "families"]
    text: Text  # a statement about our school, rated on the check's scale


class CapacityCheckFile(Model):
    intro: Note
    scale: Scale
    items: list[CapacityItem] = Field(min_length=8)


# --- module 4 (and 7): NNPS-style self-assessment ---------------------------------------------------


class AssessmentItem(Sourced):
    ID_KIND: ClassVar[str] = "assessment_item"
    id: Id
    type: Ref("type")
    text: Text  # a practice; the team rates how widely it happens


class SelfAssessmentFile(Model):
    intro: Note
    instrument: Id  # the name answers are saved under in the store
    scale: Ref("scale")
    items: list[AssessmentItem] = Field(min_length=6)


# --- module 5: home-visit coverage ------------------------------------------------------------------


class Threshold(Sourced):
    value: float = Field(gt=0, le=100)
    unit: Text
    study: Ref("study")
    finding: Ref("finding")
    meaning: Text  # what reaching it meant in that study, and what it does not promise


class HomeVisitsFile(Model):
    intro: Note
    threshold: Threshold
    studies: list[Ref("study")] = Field(min_length=2)  # shown side by side, never merged
    caution: Note


# --- module 7: evaluating one activity ------------------------------------------------------------


class EvaluationQuestion(Sourced):
    ID_KIND: ClassVar[str] = "evaluation_question"
    id: Id
    question: Text
    grow: Text  # a next step when the answer is "not yet" or "partly"


class EvaluationFile(Model):
    intro: Note
    answers: list[Text] = Field(min_length=3, max_length=3)  # yes / partly / not yet
    questions: list[EvaluationQuestion] = Field(min_length=3)
    decisions: list[Text] = Field(min_length=2)  # keep / change / stop ...


# --- every module: the glossary --------------------------------------------------------------------


class Term(Sourced):
    ID_KIND: ClassVar[str] = "term"
    id: Id
    term: Text
    meaning: Text
    also: list[Text] = []  # other spellings or expansions people may search for
    modules: list[Ref("module")] = []  # where the word first matters


class GlossaryFile(Model):
    intro: Note
    terms: list[Term] = Field(min_length=10)
