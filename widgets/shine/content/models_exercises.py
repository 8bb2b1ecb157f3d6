"""Exercises graded with nbgrader: items, the questions each asks, and where the answer key
lives. Keys point at content (a principle, a capacity, an impact example's own level), so an
exercise never restates a framework and can never disagree with it."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from .models import Id, Model, Ref, Sourced, Text


class ExerciseItem(Model):
    """One thing to sort or place. Each non-empty key field is one question worth one point.

    Scenarios are practice material written for the exercise; the facts they rest on are the
    assignment's sources."""

    ID_KIND: ClassVar[str] = "exercise_item"
    id: Id
    prompt: Text | None = None  # the scenario; for impact items the example's own practice is shown
    principle: list[Ref("principle")] = []  # accepted answers
    example: Ref("impact_example") | None = None  # asks for its impact level; the key is the content's
    capacity: list[Ref("capacity")] = []
    family_role: list[Ref("family_role")] = []
    explanation: Text  # shown after grading: why, in a sentence or two, kindly

    @model_validator(mode="after")
    def _asks_something(self):
        if not (self.principle or self.example or self.capacity or self.family_role):
            raise ValueError("an item must ask at least one question (principle, example, capacity or family_role)")
        if self.prompt is None and self.example is None:
            raise ValueError("an item needs a prompt (or an impact example whose practice is the prompt)")
        return self


class Reflection(Model):
    ID_KIND: ClassVar[str] = "reflection"
    id: Id
    prompt: Text
    points: int = Field(ge=1, le=10)
    rubric: list[Text] = Field(min_length=1)  # what a full answer does, for the trainer


class Assignment(Sourced):
    ID_KIND: ClassVar[str] = "assignment"
    id: Id
    number: int = Field(ge=1)
    title: Text
    summary: Text
    module: Ref("module")
    family_roles_version: Ref("dcbf_version") | None = None  # whose list of roles to offer
    items: list[ExerciseItem] = []
    plan_rules: list[Ref("plan_rule")] = []  # a plan exercise: one graded check per rule
    reflections: list[Reflection] = Field(min_length=1)


class ExercisesFile(Model):
    assignments: list[Assignment] = Field(min_length=1)
