"""What grading found, per participant: scores, and flags in plain language for the trainer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from shine.i18n import _

FLAG_TEXT: dict[str, Callable[[], str]] = {
    "notebook-unreadable": lambda: _("The notebook file is damaged and cannot be opened, so it was not graded. "
                                     "Ask the participant to submit again."),
    "notebook-missing": lambda: _("The exercise notebook is not in the submission, so it was not graded."),
    "answers-missing": lambda: _("No answers file: the activity was not used, or the file was not handed in. "
                                 "The choices score 0."),
    "answers-corrupt": lambda: _("The answers file was damaged; the choices could not be read and score 0."),
    "answers-partly-invalid": lambda: _("Some saved choices were not valid and were not counted."),
    "cell-deleted": lambda: _("A graded cell had been deleted; it was put back and graded."),
    "cell-duplicated": lambda: _("A graded cell had been copied; the copy was ignored."),
    "cell-type-changed": lambda: _("A graded cell had been changed between code and text; it was restored and graded."),
    "test-edited": lambda: _("A checking cell had been changed; the original was used."),
    "timed-out": lambda: _("Part of the notebook ran too long (perhaps an endless loop) and was stopped; "
                           "that part scores 0."),
    "grading-failed": lambda: _("It could not be graded automatically; grade it by hand in the formgrader."),
    "reflection-blank": lambda: _("The reflection was left blank: please look at it (it is not counted as graded)."),
    "not-on-roster": lambda: _("This participant is not on the roster; they were added."),
}
NEEDS_TRAINER = {"notebook-unreadable", "notebook-missing", "grading-failed", "reflection-blank"}


@dataclass
class Flag:
    code: str
    detail: str = ""

    @property
    def message(self) -> str:
        text = FLAG_TEXT[self.code]()
        return f"{text} ({self.detail})" if self.detail else text


@dataclass
class ParticipantResult:
    participant: str
    score: float | None = None
    max_score: float | None = None
    flags: list[Flag] = field(default_factory=list)
    items: dict[str, tuple[float | None, float]] = field(default_factory=dict)
    to_grade_by_hand: list[str] = field(default_factory=list)  # answered reflections awaiting the trainer
    seconds: float = 0.0

    def flag(self, code: str, detail: str = "") -> None:
        if all(f.code != code for f in self.flags):
            self.flags.append(Flag(code, detail))

    @property
    def needs_trainer(self) -> bool:
        return self.score is None or any(f.code in NEEDS_TRAINER for f in self.flags)


@dataclass
class FeedbackResult:
    files: list[Path]
    released: list[str]  # returned through the exchange
    by_hand: list[str]  # collected from a folder: in the zip to hand back
    bundle: Path | None


@dataclass
class GradeReport:
    assignment_id: str
    results: list[ParticipantResult]

    def text(self) -> str:
        lines = [_("Grading of {aid}: {n} participants").format(aid=self.assignment_id, n=len(self.results))]
        for r in self.results:
            score = _("not graded") if r.score is None else f"{r.score:g} / {r.max_score:g}"
            lines.append(f"  {r.participant}: {score}")
            lines += [f"      - {f.message}" for f in r.flags]
        return "\n".join(lines)
