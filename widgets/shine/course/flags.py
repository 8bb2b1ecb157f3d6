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
    "notebook-renamed": lambda: _("The notebook was handed in under another name; it was graded as the exercise "
                                  "notebook (the original is kept under originals/)."),
    "notebook-two-copies": lambda: _("Two copies of the exercise notebook were handed in; the one named first here "
                                     "was graded, and the other is kept under originals/. Please look at both."),
    "answers-missing": lambda: _("No answers file: the activity was not used, or the file was not handed in. "
                                 "The choices score 0."),
    "answers-corrupt": lambda: _("The answers file was damaged; the choices could not be read and score 0."),
    "answers-partly-invalid": lambda: _("Some saved choices were not valid and were not counted; "
                                        "every other choice was graded."),
    "cell-deleted": lambda: _("A graded cell had been deleted; it was put back and graded."),
    "cell-duplicated": lambda: _("A graded cell had been copied; the copy was ignored."),
    "cell-type-changed": lambda: _("A graded cell had been changed between code and text; it was restored and graded."),
    "test-edited": lambda: _("A checking cell had been changed; the original was used."),
    "answer-code-edited": lambda: _("Code had been typed into the answer cell; it was not run. The saved choices "
                                    "were graded."),
    "code-added": lambda: _("Cells of code had been added to the notebook; they were not run."),
    "extra-files": lambda: _("The submission holds other files; they were not used in grading."),
    "timed-out": lambda: _("Part of the notebook ran too long (perhaps an endless loop) and was stopped; "
                           "that part scores 0."),
    "over-limit": lambda: _("Part of the notebook needed more memory or time than grading allows and was stopped; "
                            "that part scores 0."),
    "check-error": lambda: _("A checking cell stopped with an error, so that item scores 0. Please look at it."),
    "grading-failed": lambda: _("It could not be graded automatically, so it has no score yet. Look at the "
                                "submission, then grade it again with shine course grade."),
    "reflection-blank": lambda: _("The reflection was left blank: please look at it (it is not counted as graded)."),
    "not-on-roster": lambda: _("This participant is not on the roster. If they belong to the course, collect "
                               "again with --add-to-roster."),
    "timestamp-bad": lambda: _("The submission's time stamp could not be read; the time it was collected is used "
                               "instead (the original is kept under originals/)."),
    "timestamp-empty": lambda: _("The submission's time stamp was empty; the time it was collected is used instead."),
}
NEEDS_TRAINER = {"notebook-unreadable", "notebook-missing", "grading-failed", "reflection-blank", "check-error",
                 "notebook-two-copies", "not-on-roster"}


def sandbox_warning(problem: str) -> str:
    return _("Graded without a sandbox: {why}. Each notebook still ran from its released cells, in a clean "
             "folder that holds only its answer files.").format(why=problem)


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
    without: dict[str, str] = field(default_factory=dict)  # participant -> why they got no feedback


@dataclass
class GradeReport:
    assignment_id: str
    results: list[ParticipantResult]
    sandbox_problem: str | None = None  # why the grading kernels ran without the sandbox, if they did

    def text(self) -> str:
        lines = [_("Grading of {aid}: {n} participants").format(aid=self.assignment_id, n=len(self.results))]
        if self.sandbox_problem:
            lines.append(sandbox_warning(self.sandbox_problem))
        for r in self.results:
            score = _("not graded") if r.score is None else f"{r.score:g} / {r.max_score:g}"
            lines.append(f"  {r.participant}: {score}")
            lines += [f"      - {f.message}" for f in r.flags]
        return "\n".join(lines)
