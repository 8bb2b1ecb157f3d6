"""What a facilitator guide adds to a module's header: materials, talking points, discussion
prompts and common questions. Timings, objectives, notes and answer keys are not repeated here:
the guide draws them from the module header and the exercises, so they cannot drift apart."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .models import Model, Ref, Sourced, Text


class CommonQuestion(Model):
    question: Text
    answer: Text


class Guide(Sourced):
    ID_KIND: ClassVar[str] = "guide"
    module: Ref("module")
    purpose: Text
    materials: list[Text] = Field(min_length=1)
    talking_points: list[Text] = Field(min_length=2)
    discussion_prompts: list[Text] = Field(min_length=1)
    common_questions: list[CommonQuestion] = Field(min_length=1)

    @property
    def id(self) -> str:  # one guide per module: the module's id is the guide's
        return self.module


class GuidesFile(Model):
    guides: list[Guide] = Field(min_length=1)
