"""The trainer's grading cycle, over nbgrader's Python API: init, release, collect, grade,
feedback, report.

Grading is one pipeline of small steps per participant, like nbgrader's own preprocessors:

1. **preflight** reads the submission before nbgrader does: a notebook that is not valid JSON
   cannot be graded and is flagged; a graded cell copied or turned from code into text (both
   crash nbgrader 0.9) is repaired in place, the untouched original kept under ``originals/``;
   a missing or damaged answer file is noted.
2. **autograde** runs nbgrader for that one participant (``OverwriteCells.add_missing_cells``
   restores deleted cells, the per-cell timeout stops endless loops); a failure never stops the
   batch.
3. **read the outcome** turns nbgrader's log and the gradebook into plain-language flags
   (a checking cell was edited, a cell ran too long, a reflection was left blank) and scores.

Every participant ends with a score, or a flag that says what the trainer should do.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import nbformat

from shine.i18n import _
from shine.web.paths import exercises_dir, shine_home

from . import exercises as ex
from .flags import FeedbackResult, GradeReport, ParticipantResult
from .sources import BLANK_REFLECTIONS, notebook_name

COURSE_ID = "time-to-shine"


class CourseError(Exception):
    """Something the trainer must fix; the message says what."""


# --- the course folder --------------------------------------------------------------------------------


def default_root() -> Path:
    return shine_home() / "course"


class Course:
    """A trainer's course folder (nbgrader layout: source/, release/, submitted/, ...)."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root or default_root()).resolve()
        if not (self.root / "nbgrader_config.py").exists():
            raise CourseError(_("There is no course at {path}. Create one with: shine course init --dir {path}").format(
                path=self.root))
        self._api = None

    # nbgrader's API reads nbgrader_config.py, like its command line does.
    @property
    def api(self):
        if self._api is None:
            from nbgrader.apps import NbGraderAPI

            # nbgrader runs the `alembic` command when it creates a gradebook; from a virtualenv's
            # python that command is only found if the environment's bin/ is on PATH.
            bin_dir = str(Path(sys.executable).parent)
            if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
                os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
            from traitlets.config.loader import PyFileConfigLoader

            from .feedback import configure, is_configured

            config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
            config.CourseDirectory.root = str(self.root)
            if not is_configured(config):  # a course folder made before feedback spoke the participant's language
                configure(config)
            self._api = NbGraderAPI(config=config)
            self._api.log.setLevel("WARNING")
        return self._api

    @classmethod
    def init(cls, root: Path | str | None = None, *, roster: Path | str | None = None) -> "Course":
        root = Path(root or default_root()).resolve()
        if (root / "nbgrader_config.py").exists():
            course = cls(root)
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy(exercises_dir() / "nbgrader_config.py", root / "nbgrader_config.py")
            shutil.copytree(exercises_dir() / "source", root / "source", dirs_exist_ok=True)
            course = cls(root)
        course.exchange_root().mkdir(parents=True, exist_ok=True)
        os.chmod(course.exchange_root(), 0o777)  # participants' servers write their submissions here
        if roster:
            course.import_roster(roster)
        return course

    def exchange_root(self) -> Path:
        return Path(self.api.exchange_root)

    def assignment_ids(self) -> list[str]:
        return sorted(p.name for p in (self.root / "source").iterdir() if p.is_dir())

    def _known(self, assignment_id: str) -> str:
        if assignment_id not in self.assignment_ids():
            raise CourseError(_("There is no exercise called {aid!r}; the exercises are: {ids}").format(
                aid=assignment_id, ids=", ".join(self.assignment_ids())))
        return assignment_id

    def _need(self, result: dict, what: str) -> dict:
        if not result.get("success", False):
            raise CourseError(_("{what} failed: {detail}").format(what=what, detail=_cause(result)))
        return result

    # --- roster ---

    def import_roster(self, csv_path: Path | str) -> int:
        """Participants from a CSV with an ``id`` column (``first_name``/``last_name`` optional)."""
        path = Path(csv_path)
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.DictReader(fh))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CourseError(_("The roster {path} cannot be read: {detail}").format(path=path, detail=exc)) from None
        if not rows or "id" not in rows[0]:
            raise CourseError(_("The roster {path} needs a column called id (one participant per row).").format(path=path))
        with self.api.gradebook as gb:
            for n, row in enumerate(rows, start=2):
                pid = (row.get("id") or "").strip()
                if not pid or not all(c.isalnum() or c in "-_." for c in pid):
                    raise CourseError(_("Row {n} of the roster has an id that cannot be used: {id!r} "
                                        "(letters, digits, - _ . only).").format(n=n, id=pid))
                gb.update_or_create_student(pid, first_name=(row.get("first_name") or "").strip() or None,
                                            last_name=(row.get("last_name") or "").strip() or None)
        return len(rows)

    def roster(self) -> list[str]:
        with self.api.gradebook as gb:
            return sorted(s.id for s in gb.students)

    # --- release and collect ---

    def release(self, assignment_id: str) -> Path:
        self._known(assignment_id)
        self._need(self.api.generate_assignment(assignment_id), _("Preparing {aid}").format(aid=assignment_id))
        self._need(self.api.release_assignment(assignment_id), _("Releasing {aid}").format(aid=assignment_id))
        return self.root / "release" / assignment_id

    def collect(self, assignment_id: str, source: Path | str | None = None) -> list[str]:
        """From the exchange, or from a folder / zip gathered at a workshop:
        ``<participant>/<files>`` or ``<participant>/<assignment>/<files>``."""
        self._known(assignment_id)
        if source is None:
            self._need(self.api.collect(assignment_id), _("Collecting {aid}").format(aid=assignment_id))
            return sorted(self.submitted(assignment_id))
        source = Path(source)
        if not source.exists():
            raise CourseError(_("There is nothing at {path} to collect from.").format(path=source))
        if source.is_file():
            if not zipfile.is_zipfile(source):
                raise CourseError(_("{path} is not a zip file or a folder.").format(path=source))
            unpacked = self.root / "imports" / f"{assignment_id}-{datetime.now():%Y%m%d-%H%M%S}"
            with zipfile.ZipFile(source) as zf:
                for member in zf.namelist():  # refuse paths that climb out of the folder
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise CourseError(_("The zip holds an unsafe path: {member}").format(member=member))
                zf.extractall(unpacked)
            inner = [p for p in unpacked.iterdir() if p.is_dir()]
            source = inner[0] if len(inner) == 1 and not any(unpacked.glob("*/*.ipynb")) else unpacked
        collected = []
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
        for person in sorted(p for p in source.iterdir() if p.is_dir() and not p.name.startswith(".")):
            files = person / assignment_id if (person / assignment_id).is_dir() else person
            target = self.root / "submitted" / person.name / assignment_id
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(files, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            if not (target / "timestamp.txt").exists():
                (target / "timestamp.txt").write_text(stamp)
            collected.append(person.name)
        return collected

    def submitted(self, assignment_id: str) -> list[str]:
        base = self.root / "submitted"
        return sorted(p.name for p in base.iterdir() if (p / assignment_id).is_dir()) if base.exists() else []

    # --- grading pipeline ---

    def grade(self, assignment_id: str, *, participants: Iterable[str] | None = None,
              progress: Callable[[int, int, str], None] | None = None) -> GradeReport:
        self._known(assignment_id)
        people = list(participants) if participants is not None else self.submitted(assignment_id)
        roster = set(self.roster())
        results = []
        for i, pid in enumerate(people, start=1):
            if progress:
                progress(i, len(people), pid)
            started = datetime.now()
            result = ParticipantResult(pid)
            if pid not in roster:
                result.flag("not-on-roster")
            try:
                if self._preflight(assignment_id, pid, result):
                    outcome = self.api.autograde(assignment_id, pid, force=True, create=True)
                    self._read_log(outcome, result)
                    self._read_scores(assignment_id, pid, result)
            except Exception as exc:  # one participant's problem must never stop the batch
                result.score = None
                result.flag("grading-failed", f"{type(exc).__name__}: {str(exc)[:200]}")
            result.seconds = (datetime.now() - started).total_seconds()
            results.append(result)
        report = GradeReport(assignment_id, results)
        self._save_report(report)
        return report

    def _source_cells(self, assignment_id: str) -> dict[str, str]:
        """grade_id -> cell type, for every graded or locked cell of the exercise."""
        with self.api.gradebook as gb:
            nb = gb.find_notebook(Path(notebook_name(assignment_id)).stem, assignment_id)
            return {cell.name: cell.cell_type for cell in nb.source_cells}

    def _preflight(self, assignment_id: str, pid: str, result: ParticipantResult) -> bool:
        folder = self.root / "submitted" / pid / assignment_id
        path = folder / notebook_name(assignment_id)
        if not path.exists():
            result.flag("notebook-missing")
            return False
        try:
            nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        except Exception as exc:  # bad JSON, bad encoding, not a notebook at all
            result.flag("notebook-unreadable", type(exc).__name__)
            return False
        answers = ex.load_answers(assignment_id, folder=folder, quiet=True)
        if answers.status in ("missing", "corrupt", "partly-invalid"):
            result.flag(f"answers-{answers.status}")
        expected = self._source_cells(assignment_id)
        seen, kept, repaired = set(), [], False
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in expected:
                if grade_id in seen:
                    result.flag("cell-duplicated", grade_id)
                    repaired = True
                    continue
                seen.add(grade_id)
                if cell.cell_type != expected[grade_id]:
                    result.flag("cell-type-changed", grade_id)
                    cell = _retype(cell, expected[grade_id])
                    repaired = True
            kept.append(cell)
        if set(expected) - seen:
            result.flag("cell-deleted", ", ".join(sorted(set(expected) - seen)))
        if repaired:
            original = self.root / "originals" / pid / assignment_id
            original.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, original / path.name)
            nb.cells = kept
            nbformat.write(nb, path)
        return True

    def _read_log(self, outcome: dict, result: ParticipantResult) -> None:
        log = (outcome.get("log") or "") + (outcome.get("error") or "")
        if "Timeout waiting for execute reply" in log or "Cell execution timed out" in log:
            result.flag("timed-out")
        if "Attribute 'checksum'" in log and "has changed" in log:
            result.flag("test-edited")
        if not outcome.get("success", False):
            result.flag("grading-failed", _cause(outcome))

    def _read_scores(self, assignment_id: str, pid: str, result: ParticipantResult) -> None:
        autograded = self.root / "autograded" / pid / assignment_id / notebook_name(assignment_id)
        if not autograded.exists():
            return
        with self.api.gradebook as gb:
            try:
                submission = gb.find_submission(assignment_id, pid)
            except Exception:
                return
            result.score, result.max_score = submission.score, submission.max_score
            for nb in submission.notebooks:
                for grade in nb.grades:
                    pending = grade.needs_manual_grade and grade.manual_score is None
                    result.items[grade.name] = (None if pending else grade.score, grade.max_score)
                    if pending:
                        result.to_grade_by_hand.append(grade.name)
        reflections = {r.id for r in ex.assignment(assignment_id).reflections}
        graded = nbformat.read(autograded, as_version=4)
        for cell in graded.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in reflections and cell.source.strip() in BLANK_REFLECTIONS:
                result.flag("reflection-blank", grade_id)
                result.items[grade_id] = (None, result.items.get(grade_id, (None, 0))[1])

    def _save_report(self, report: GradeReport) -> Path:
        out = self.root / "reports" / f"{report.assignment_id}-grading.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({
            "assignment": report.assignment_id,
            "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "participants": [{"id": r.participant, "score": r.score, "max_score": r.max_score,
                              "seconds": round(r.seconds, 2), "needs_trainer": r.needs_trainer,
                              "to_grade_by_hand": r.to_grade_by_hand,
                              "flags": [{"code": f.code, "message": f.message} for f in r.flags],
                              "items": {k: list(v) for k, v in r.items.items()}} for r in report.results],
        }, indent=1, ensure_ascii=False), encoding="utf-8")
        return out

    # --- feedback and report ---

    def feedback(self, assignment_id: str) -> "FeedbackResult":
        """Write everyone's feedback; return it through the exchange to those who submitted there,
        and bundle the rest (collected from a folder or zip) into one zip to hand back."""
        self._need(self.api.generate_feedback(assignment_id), _("Writing feedback for {aid}").format(aid=assignment_id))
        files = sorted((self.root / "feedback").glob(f"*/{assignment_id}/*.html"))
        released, by_hand = [], []
        for pid in sorted({f.parts[-3] for f in files}):
            if (self.root / "submitted" / pid / assignment_id / "submission_secret.txt").exists():
                self._need(self.api.release_feedback(assignment_id, pid),
                           _("Returning feedback to {pid}").format(pid=pid))
                released.append(pid)
            else:
                by_hand.append(pid)
        bundle = None
        if by_hand:
            bundle = self.root / "reports" / f"{assignment_id}-feedback-to-hand-back.zip"
            bundle.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
                for f in files:
                    if f.parts[-3] in by_hand:
                        zf.write(f, f"{f.parts[-3]}/{f.name.replace('.html', '')}-feedback.html")
        return FeedbackResult(files, released, by_hand, bundle)

    def report(self, assignment_id: str, out_dir: Path | str | None = None) -> tuple[Path, Path]:
        """Scores per participant (CSV) and a chart of how the room did on each item (PNG)."""
        from . import report as course_report

        source = self.root / "reports" / f"{assignment_id}-grading.json"
        if not source.exists():
            raise CourseError(_("{aid} has not been graded yet: run shine course grade {aid}").format(aid=assignment_id))
        data = json.loads(source.read_text(encoding="utf-8"))
        self._current_scores(assignment_id, data)
        return course_report.write(data, ex.assignment(assignment_id), Path(out_dir or self.root / "reports"))

    def _current_scores(self, assignment_id: str, data: dict) -> None:
        """Scores as the gradebook has them now, so reflections graded by hand in the formgrader
        since ``grade`` ran are counted; the flags found while grading are kept."""
        with self.api.gradebook as gb:
            for p in data["participants"]:
                try:
                    submission = gb.find_submission(assignment_id, p["id"])
                except Exception:  # never graded (an unreadable notebook): nothing to refresh
                    continue
                p["score"], p["max_score"] = submission.score, submission.max_score
                pending = []
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        waiting = grade.needs_manual_grade and grade.manual_score is None
                        blank = any(f["code"] == "reflection-blank" for f in p["flags"]) and grade.manual_score is None \
                            and grade.name in {r.id for r in ex.assignment(assignment_id).reflections}
                        p["items"][grade.name] = [None if waiting or blank else grade.score, grade.max_score]
                        if waiting:
                            pending.append(grade.name)
                p["to_grade_by_hand"] = pending


def _cause(result: dict) -> str:
    """The most telling line of an nbgrader failure: the first real exception, not its wrapper."""
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    causes = [m.group(0).strip() for m in re.finditer(r"^\s*[\w.]*(Error|Exception):.*$", text, re.M)
              if "NbGraderException" not in m.group(0)]
    errors = [ln.strip() for ln in text.splitlines() if ln.startswith("[ERROR]")]
    return (causes or errors or [text.strip().splitlines()[-1] if text.strip() else "?"])[0][:300]


def _retype(cell, cell_type: str):
    from nbformat.v4 import new_code_cell, new_markdown_cell

    make = new_code_cell if cell_type == "code" else new_markdown_cell
    fixed = make(cell.source, metadata=cell.get("metadata", {}))
    if "id" in cell:
        fixed["id"] = cell["id"]
    return fixed
