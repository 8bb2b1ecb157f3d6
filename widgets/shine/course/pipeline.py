"""The trainer's grading cycle, over nbgrader's Python API: init, release, collect, grade,
feedback, report.

- **collect** checks each submission as it comes in (:mod:`shine.course.intake`): participant ids
  follow the roster's rules, unknown ones are listed as not on the roster (added only when asked),
  a near-miss notebook name is used and flagged, the time stamp is checked and normalised.
- **grade** (:mod:`shine.course.grading`) runs nbgrader's autograde for every participant, several
  at a time; the checks and repairs are nbgrader preprocessors (:mod:`shine.course.checks`), so
  nbgrader's own ``autograde`` and the formgrader apply them too; no participant code runs, and
  the kernel runs in a scratch folder and a sandbox (:mod:`shine.course.sandbox`).
- Every finding is kept in a history beside the gradebook (:mod:`shine.course.history`) until the
  trainer marks it seen; **report** shows them, with every roster member in the scores.

Every participant ends with a score, or a flag that says what the trainer should do.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from shine.i18n import _
from shine.web.paths import exercises_dir, shine_home

from . import exercises as ex
from . import history, intake
from . import roster as roster_file
from .flags import FeedbackResult, GradeReport

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
        self.warm = True  # grading forks kernels from a warm grading server (shine.course.warm)

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

            from . import checks, feedback

            config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
            config.CourseDirectory.root = str(self.root)
            if not feedback.is_configured(config):  # a course folder made before feedback spoke the participant's language
                feedback.configure(config)
            if not checks.is_configured(config):  # ... or before the checks were nbgrader preprocessors
                checks.configure(config)
            config.SandboxedExecute.warm = self.warm
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
        for n, row in enumerate(rows, start=2):
            pid = (row.get("id") or "").strip()
            problem = intake.id_problem(pid)
            if problem:
                raise CourseError(_("Row {n} of the roster has an id that cannot be used: {id!r} ({why}).").format(
                    n=n, id=pid, why=problem))
        with self.api.gradebook as gb:
            for row in rows:
                gb.update_or_create_student(row["id"].strip(), first_name=(row.get("first_name") or "").strip() or None,
                                            last_name=(row.get("last_name") or "").strip() or None)
        roster_file.add(self.root, [row["id"].strip() for row in rows], self._gradebook_students)
        return len(rows)

    def _gradebook_students(self) -> list[str]:
        with self.api.gradebook as gb:
            return [s.id for s in gb.students]

    def roster(self) -> list[str]:
        """Who is in the course: the roster imported, and those added with ``--add-to-roster``."""
        return sorted(roster_file.load(self.root, self._gradebook_students))

    def add_to_roster(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        with self.api.gradebook as gb:
            for pid in ids:
                gb.update_or_create_student(pid)
        roster_file.add(self.root, ids, self._gradebook_students)

    # --- release and collect ---

    def release(self, assignment_id: str) -> Path:
        self._known(assignment_id)
        self._need(self.api.generate_assignment(assignment_id), _("Preparing {aid}").format(aid=assignment_id))
        self._need(self.api.release_assignment(assignment_id), _("Releasing {aid}").format(aid=assignment_id))
        return self.root / "release" / assignment_id

    def collect(self, assignment_id: str, source: Path | str | None = None, *,
                add_to_roster: bool = False) -> "CollectResult":
        """From the exchange, or from a folder / zip gathered at a workshop:
        ``<participant>/<files>`` or ``<participant>/<assignment>/<files>``. Every submission is
        checked as it comes in (ids, notebook name, time stamp); see :class:`CollectResult`."""
        self._known(assignment_id)
        result = CollectResult()
        stamp = intake.now_stamp()
        if source is None:
            self._need(self.api.collect(assignment_id), _("Collecting {aid}").format(aid=assignment_id))
            for pid in self.submitted(assignment_id):
                problem = intake.id_problem(pid)
                if problem:  # kept aside, not graded
                    aside = self.root / "refused" / pid / assignment_id
                    aside.parent.mkdir(parents=True, exist_ok=True)
                    shutil.rmtree(aside, ignore_errors=True)
                    shutil.move(str(self.root / "submitted" / pid / assignment_id), aside)
                    result.refused[pid] = problem
                else:
                    result.collected.append(pid)
        else:
            for person in self._gathered(assignment_id, Path(source)):
                problem = intake.id_problem(person.name)
                if problem:
                    result.refused[person.name] = problem
                    continue
                files = person / assignment_id if (person / assignment_id).is_dir() else person
                target = self.root / "submitted" / person.name / assignment_id
                if target.exists():
                    shutil.rmtree(target)
                shutil.copytree(files, target, ignore=_not_copied)
                result.collected.append(person.name)
        for pid in result.collected:
            found = intake.tidy(self.root / "submitted" / pid / assignment_id, self.root, pid, assignment_id,
                                fallback_stamp=stamp, step="collect")
            if found:
                result.findings[pid] = found
        known = set(self.roster())
        result.not_on_roster = sorted(set(result.collected) - known)
        if add_to_roster and result.not_on_roster:
            self.add_to_roster(result.not_on_roster)
            result.added, result.not_on_roster = result.not_on_roster, []
        return result

    def _gathered(self, assignment_id: str, source: Path) -> list[Path]:
        """The participants' folders in a folder or zip gathered at a workshop."""
        if not source.exists():
            raise CourseError(_("There is nothing at {path} to collect from.").format(path=source))
        if source.is_file():
            if not zipfile.is_zipfile(source):
                raise CourseError(_("{path} is not a zip file or a folder.").format(path=source))
            unpacked = self.root / "imports" / f"{assignment_id}-{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
            with zipfile.ZipFile(source) as zf:
                for member in zf.namelist():  # refuse paths that climb out of the folder
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise CourseError(_("The zip holds an unsafe path: {member}").format(member=member))
                zf.extractall(unpacked)
            inner = [p for p in unpacked.iterdir() if p.is_dir()]
            source = inner[0] if len(inner) == 1 and not any(unpacked.glob("*/*.ipynb")) else unpacked
        return sorted(p for p in source.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "__MACOSX")

    def submitted(self, assignment_id: str) -> list[str]:
        base = self.root / "submitted"
        return sorted(p.name for p in base.iterdir() if (p / assignment_id).is_dir()) if base.exists() else []

    # --- grading ---

    def grade(self, assignment_id: str, *, participants: Iterable[str] | None = None,
              progress: Callable[[int, int, str], None] | None = None, workers: int | None = None) -> GradeReport:
        """Grade everyone (several at a time); the flags of earlier runs not yet marked seen are kept."""
        from .grading import grade_all
        from .sandbox import sandbox_problem

        self._known(assignment_id)
        people = list(participants) if participants is not None else self.submitted(assignment_id)
        roster = set(self.roster())
        history.RUN.update(id=uuid.uuid4().hex[:12], step="grade")
        results = grade_all(self, assignment_id, people, roster, workers=workers, progress=progress)
        earlier = self.unresolved(assignment_id, roster)
        for r in results:
            for e in earlier.get(r.participant, []):
                r.flag(e["code"], e.get("detail", ""))
        report = GradeReport(assignment_id, results, sandbox_problem=sandbox_problem())
        self._save_report(report)
        return report

    def unresolved(self, assignment_id: str, roster: set[str] | None = None) -> dict[str, list[dict]]:
        """participant -> flags not yet marked seen (being added to the roster resolves not-on-roster)."""
        roster = set(self.roster()) if roster is None else roster
        return {pid: kept for pid, flags in history.unresolved(self.root, assignment_id).items()
                if (kept := [e for e in flags if not (e["code"] == "not-on-roster" and pid in roster)])}

    def mark_seen(self, assignment_id: str, participant: str, code: str | None = None) -> int:
        self._known(assignment_id)
        return history.mark_seen(self.root, assignment_id, participant, code)

    def _save_report(self, report: GradeReport) -> Path:
        out = self.root / "reports" / f"{report.assignment_id}-grading.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({
            "assignment": report.assignment_id,
            "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "run": history.RUN["id"],
            "sandbox_problem": report.sandbox_problem,
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
        and bundle the rest (collected from a folder or zip) into one zip to hand back. Who got
        none, and why, is in ``FeedbackResult.without``."""
        self._known(assignment_id)
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
        return FeedbackResult(files, released, by_hand, bundle, self._without_feedback(assignment_id, released + by_hand))

    def _without_feedback(self, assignment_id: str, given: list[str]) -> dict[str, str]:
        """participant -> why there is no feedback for them."""
        from .flags import FLAG_TEXT

        submitted = set(self.submitted(assignment_id))
        flags = self.unresolved(assignment_id)
        why = {}
        for pid in sorted((set(self.roster()) | submitted) - set(given)):
            if pid not in submitted:
                why[pid] = _("nothing was submitted")
                continue
            stopped = [e for e in flags.get(pid, [])
                       if e["code"] in ("notebook-missing", "notebook-unreadable", "grading-failed")]
            why[pid] = FLAG_TEXT[stopped[-1]["code"]]() if stopped else _("not graded yet: run shine course grade first")
        return why

    def report(self, assignment_id: str, out_dir: Path | str | None = None) -> tuple[Path, Path]:
        """Scores of every roster member (CSV) and a chart of how the room did on each item (PNG)."""
        from . import report as course_report

        source = self.root / "reports" / f"{assignment_id}-grading.json"
        if not source.exists():
            raise CourseError(_("{aid} has not been graded yet: run shine course grade {aid}").format(aid=assignment_id))
        data = json.loads(source.read_text(encoding="utf-8"))
        self._current_scores(assignment_id, data)
        self._current_flags(assignment_id, data)
        return course_report.write(data, ex.assignment(assignment_id), Path(out_dir or self.root / "reports"))

    def _current_flags(self, assignment_id: str, data: dict) -> None:
        """Every flag still unresolved (this run's and earlier ones), and a row for every roster member."""
        from .flags import Flag

        roster = set(self.roster())
        flags = self.unresolved(assignment_id, roster)
        graded = {p["id"] for p in data["participants"]}
        submitted = set(self.submitted(assignment_id))
        for pid in sorted((roster | submitted) - graded):
            data["participants"].append({"id": pid, "score": None, "max_score": None, "items": {},
                                         "to_grade_by_hand": [], "needs_trainer": False, "flags": [],
                                         "status": "not graded yet" if pid in submitted else "no submission"})
        for p in data["participants"]:
            p["flags"] = [{"code": e["code"], "message": Flag(e["code"], e.get("detail", "")).message}
                          for e in flags.get(p["id"], [])]
            p.setdefault("status", "")

    def _current_scores(self, assignment_id: str, data: dict) -> None:
        """Scores as the gradebook has them now, so reflections graded by hand in the formgrader
        since ``grade`` ran are counted; the flags found while grading are kept."""
        reflections = {r.id for r in ex.assignment(assignment_id).reflections}
        with self.api.gradebook as gb:
            for p in data["participants"]:
                try:
                    submission = gb.find_submission(assignment_id, p["id"])
                except Exception:  # noqa: BLE001 - never graded (an unreadable notebook): nothing to refresh
                    continue
                p["score"], p["max_score"] = submission.score, submission.max_score
                pending = []
                blank = any(f["code"] == "reflection-blank" for f in p["flags"])
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        waiting = grade.needs_manual_grade and grade.manual_score is None
                        unseen = blank and grade.manual_score is None and grade.name in reflections
                        p["items"][grade.name] = [None if waiting or unseen else grade.score, grade.max_score]
                        if waiting and not unseen:
                            pending.append(grade.name)
                p["to_grade_by_hand"] = pending


@dataclass
class CollectResult:
    """What ``collect`` did: who was collected, whose folder was refused and why, who is not on
    the roster (or was added to it), and what the intake checks found per participant."""

    collected: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    not_on_roster: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    findings: dict[str, list[dict]] = field(default_factory=dict)


def _not_copied(folder: str, names: list[str]) -> set[str]:
    """Links are never followed into the course (a link could point at the trainer's own files)."""
    return {n for n in names if n in (".ipynb_checkpoints", "__pycache__") or os.path.islink(os.path.join(folder, n))}


def _cause(result: dict) -> str:
    """The most telling line of an nbgrader failure: the first real exception, not its wrapper."""
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    causes = [m.group(0).strip() for m in re.finditer(r"^\s*[\w.]*(Error|Exception):.*$", text, re.M)
              if "NbGraderException" not in m.group(0)]
    errors = [ln.strip() for ln in text.splitlines() if ln.startswith("[ERROR]")]
    return (causes or errors or [text.strip().splitlines()[-1] if text.strip() else "?"])[0][:300]
