"""``shine course grade``: every participant through nbgrader's autograde, several at a time.

For one participant (:func:`grade_one`):

1. the intake checks again (the notebook's name, the time stamp: :mod:`shine.course.intake`) and
   the roster; a notebook that is missing or not a notebook at all is flagged and not run;
2. nbgrader's ``autograde``, with the checks inside it (:mod:`shine.course.checks`): the
   released cells, the scratch folder, the sandbox;
3. the findings, read from the autograded notebook (``metadata.shine.findings``) or, when
   nbgrader could not finish, from this run's history; the scores from the gradebook.

:func:`grade_all` runs that in one worker process per core (nbgrader grades one submission at a
time). Each worker has its own nbgrader API and, with warm kernels, its own warm grading server;
the gradebook is SQLite or PostgreSQL, and each participant's grades are their own rows, written
in short transactions (SQLite waits for the other writer instead of failing).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path
from typing import Callable

import nbformat

from shine.i18n import _

from . import history, intake
from .checks import findings_of
from .flags import ParticipantResult
from .sources import notebook_name

SQLITE_WAIT_MS = 60_000


def wait_for_sqlite() -> None:
    """Every SQLite connection of this process waits for another writer rather than failing."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if getattr(wait_for_sqlite, "done", False):
        return

    @event.listens_for(Engine, "connect")
    def _busy_timeout(dbapi_connection, _record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_WAIT_MS}")

    wait_for_sqlite.done = True


def _record(course, aid: str, pid: str, result: ParticipantResult, found: list[dict], folder: Path) -> None:
    for f in found:
        result.flag(f["code"], f.get("detail", ""))
    history.record(course.root, aid, pid, found, submission=history.fingerprint(folder), step="grade")


def grade_one(course, aid: str, pid: str, on_roster: bool) -> ParticipantResult:
    started = time.monotonic()
    result = ParticipantResult(pid)
    folder = course.root / "submitted" / pid / aid
    try:
        for f in intake.tidy(folder, course.root, pid, aid, step="grade"):
            result.flag(f["code"], f.get("detail", ""))
        if not on_roster:
            _record(course, aid, pid, result, [{"code": "not-on-roster", "detail": ""}], folder)
        path = folder / notebook_name(aid)
        problem = None
        if not path.exists():
            problem = {"code": "notebook-missing", "detail": ""}
        else:
            try:
                nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
            except Exception as exc:  # noqa: BLE001 - bad JSON, bad encoding, not a notebook at all
                problem = {"code": "notebook-unreadable", "detail": type(exc).__name__}
        if problem:
            _record(course, aid, pid, result, [problem], folder)
        else:
            _autograde(course, aid, pid, result, folder)
    except Exception as exc:  # noqa: BLE001 - one participant's problem must never stop the batch
        result.score = None
        _record(course, aid, pid, result, [{"code": "grading-failed", "detail": plain_cause(exc)}], folder)
    result.seconds = time.monotonic() - started
    return result


def plain_cause(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _autograde(course, aid: str, pid: str, result: ParticipantResult, folder: Path) -> None:
    outcome = course.api.autograde(aid, pid, force=True, create=True)
    autograded = course.root / "autograded" / pid / aid / notebook_name(aid)
    if outcome.get("success") and autograded.exists():
        graded = nbformat.read(autograded, as_version=4)
        for f in findings_of(graded):
            result.flag(f["code"], f.get("detail", ""))
        read_scores(course, aid, pid, result)
        return
    result.score = None
    recorded = history.of_run(course.root, aid, pid)
    for e in recorded:
        result.flag(e["code"], e.get("detail", ""))
    if not any(e["code"] == "grading-failed" for e in recorded):
        detail = _("nbgrader could not finish; run nbgrader autograde {aid} --student {pid} in the course folder "
                   "to see why").format(aid=aid, pid=pid)
        _record(course, aid, pid, result, [{"code": "grading-failed", "detail": detail}], folder)


def read_scores(course, aid: str, pid: str, result: ParticipantResult) -> None:
    blank = {f.detail for f in result.flags if f.code == "reflection-blank"}
    with course.api.gradebook as gb:
        submission = gb.find_submission(aid, pid)
        result.score, result.max_score = submission.score, submission.max_score
        for nb in submission.notebooks:
            for grade in nb.grades:
                pending = grade.needs_manual_grade and grade.manual_score is None
                unseen = grade.name in blank and grade.manual_score is None
                result.items[grade.name] = (None if pending or unseen else grade.score, grade.max_score)
                if pending and not unseen:
                    result.to_grade_by_hand.append(grade.name)


# --- several at a time ---------------------------------------------------------------------------

_worker: dict = {}


def _start_worker(course_class, root: str, run: dict, roster: set[str], warm: bool) -> None:
    wait_for_sqlite()
    history.RUN.update(run)
    course = course_class(root)
    course.warm = warm
    _worker.update(course=course, roster=roster)


def _grade_in_worker(args: tuple[str, str]) -> ParticipantResult:
    aid, pid = args
    return grade_one(_worker["course"], aid, pid, pid in _worker["roster"])


def workers_for(people: int) -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        cores = os.cpu_count() or 1
    return max(1, min(cores, people))


def grade_all(course, aid: str, people: list[str], roster: set[str], *, workers: int | None = None,
              progress: Callable[[int, int, str], None] | None = None) -> list[ParticipantResult]:
    """Everyone's results, in the order of ``people``; progress is told as each one is done."""
    workers = workers or workers_for(len(people))
    wait_for_sqlite()
    results = []
    if workers <= 1:
        _start_worker(type(course), str(course.root), dict(history.RUN), roster, getattr(course, "warm", True))
        try:
            for n, pid in enumerate(people, start=1):
                results.append(_grade_in_worker((aid, pid)))
                if progress:
                    progress(n, len(people), pid)
        finally:
            from .warm import close_all

            close_all()
        return results
    context = multiprocessing.get_context("fork")  # the workers start with nbgrader already imported
    with context.Pool(workers, initializer=_start_worker, maxtasksperchild=None,
                      initargs=(type(course), str(course.root), dict(history.RUN), roster,
                                getattr(course, "warm", True))) as pool:
        for n, result in enumerate(pool.imap(_grade_in_worker, [(aid, pid) for pid in people]), start=1):
            results.append(result)
            if progress:
                progress(n, len(people), result.participant)
        pool.close()
        pool.join()
    return results
