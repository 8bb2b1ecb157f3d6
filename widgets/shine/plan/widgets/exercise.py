"""The plan builder for exercise 4: the same builder as module 6, which also writes the plan to
``plan.json`` beside the notebook every time it saves, so nbgrader grades the plan handed in."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from shine.i18n import get_language

from ..model import PLAN_FILE, PLAN_FILE_LANGUAGE
from .builder import PlanBuilder


class PlanExercise(PlanBuilder):
    """``PlanExercise()`` in the exercise notebook; ``folder`` defaults to the notebook's."""

    def __init__(self, *args, folder: Path | str | None = None, **kwargs):
        self.answer_folder = Path(folder or Path.cwd())
        super().__init__(*args, **kwargs)

    def _save(self) -> bool:
        saved = super()._save()
        if self.plan is not None:
            self.write_answer()
        return saved

    def write_answer(self) -> Path:
        """Atomically, so a kernel stopped mid-write never leaves half a plan."""
        path = self.answer_folder / PLAN_FILE
        fd, tmp = tempfile.mkstemp(dir=self.answer_folder, prefix=".plan-", suffix=".json")
        data = {**self.plan.to_data(), PLAN_FILE_LANGUAGE: get_language()}  # feedback in the team's language
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
        return path
