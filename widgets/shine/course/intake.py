"""What is checked when a submission comes in: the participant's id, the notebook's name, the
time stamp. Used by ``collect``, again before grading, and as nbgrader's ``pre_convert_hook`` for
``Autograde`` (so ``nbgrader autograde`` and the formgrader tidy a submission the same way).

Nothing is thrown away: a file that is renamed, moved aside or rewritten is first copied under
``originals/<participant>/<exercise>/``, and each change is a finding (``shine.course.flags``).
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

from shine.i18n import _

from . import history

TIMESTAMP = "timestamp.txt"
STAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"  # what nbgrader's exchange writes
ID_LIMIT = 64
_DOWNLOAD_SUFFIX = re.compile(r"(\s*\(\d+\)|\s+copy|-copy)$", re.I)
_EXTRA_EXTENSION = re.compile(r"\.ipynb(\.txt|\.json)$", re.I)


def id_problem(pid: str) -> str | None:
    """Why ``pid`` cannot be a participant id (the roster's rules), or None."""
    if not pid:
        return _("it is empty")
    if len(pid) > ID_LIMIT:
        return _("it is longer than {n} characters").format(n=ID_LIMIT)
    if pid[0] in ".-" or not all(c.isalnum() or c in "-_." for c in pid):
        return _("letters, digits, - _ . only, not starting with . or -")
    return None


def now_stamp() -> str:
    return datetime.now(timezone.utc).strftime(STAMP_FORMAT)


def _keep_original(course_root: Path, pid: str, aid: str, file: Path) -> None:
    kept = course_root / "originals" / pid / aid
    kept.mkdir(parents=True, exist_ok=True)
    if not (kept / file.name).exists():  # the first original is the one to keep
        shutil.copy2(file, kept / file.name)


def check_timestamp(folder: Path, course_root: Path, pid: str, aid: str, *, fallback: str | None = None) -> list[dict]:
    """Make ``timestamp.txt`` one nbgrader reads (UTC, its own format); flag a bad or empty one."""
    from nbgrader.utils import parse_utc

    path = folder / TIMESTAMP
    if not path.exists():
        path.write_text(fallback or now_stamp(), encoding="utf-8")
        return []
    raw = path.read_bytes()[:200].decode("utf-8", errors="replace").strip()
    if not raw:
        code = "timestamp-empty"
    else:
        try:
            stamp = parse_utc(raw)
            if not 1990 <= stamp.year <= 2200:
                raise ValueError(raw)
        except Exception:  # noqa: BLE001 - dateutil raises several kinds; any of them means unreadable
            code = "timestamp-bad"
        else:
            normal = stamp.strftime(STAMP_FORMAT)
            if normal != raw:
                _keep_original(course_root, pid, aid, path)
                path.write_text(normal, encoding="utf-8")
            return []
    _keep_original(course_root, pid, aid, path)
    when = fallback or datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).strftime(STAMP_FORMAT)
    path.write_text(when, encoding="utf-8")
    return [{"code": code, "detail": raw[:40]}]


def _normal_name(name: str) -> str:
    name = _EXTRA_EXTENSION.sub(".ipynb", name)
    if not name.lower().endswith(".ipynb"):
        return ""
    return _DOWNLOAD_SUFFIX.sub("", name[: -len(".ipynb")]).strip().lower() + ".ipynb"


def check_notebook_name(folder: Path, course_root: Path, pid: str, aid: str, expected: str) -> list[dict]:
    """Use a near-miss notebook (case, " (1)", ``.ipynb.txt``) under its expected name; flag two copies."""
    candidates = [p for p in sorted(folder.iterdir()) if p.is_file() and _normal_name(p.name) == expected.lower()]
    exact = folder / expected
    if not candidates or candidates == [exact]:
        return []
    chosen = exact if exact in candidates else max(candidates, key=lambda p: (p.stat().st_mtime, p.name))
    found = []
    others = [p for p in candidates if p != chosen]
    if others:
        found.append({"code": "notebook-two-copies",
                      "detail": _("graded: {used}; also handed in: {others}").format(
                          used=chosen.name, others=", ".join(p.name for p in others))})
    for other in others:  # kept, out of nbgrader's way
        _keep_original(course_root, pid, aid, other)
        other.unlink()
    if chosen != exact:
        _keep_original(course_root, pid, aid, chosen)
        os.replace(chosen, exact)
        found.append({"code": "notebook-renamed", "detail": chosen.name})
    return found


def tidy(folder: Path, course_root: Path, pid: str, aid: str, *, fallback_stamp: str | None = None,
         record: bool = True, step: str | None = None) -> list[dict]:
    """Every intake check on one submission folder; the findings are also added to the history."""
    from .sources import notebook_name

    found = check_notebook_name(folder, course_root, pid, aid, notebook_name(aid))
    found += check_timestamp(folder, course_root, pid, aid, fallback=fallback_stamp)
    if record and found:
        history.record(course_root, aid, pid, found, submission=history.fingerprint(folder), step=step)
    return found


def before_autograde(assignment: str, student: str, notebooks: list[str]) -> None:
    """nbgrader's ``Autograde.pre_convert_hook``: the same tidying for ``nbgrader autograde``.

    nbgrader runs it from the course folder with the notebooks it found; a renamed notebook is put
    in that list in place of the name it was found under."""
    if not notebooks:
        return
    folder = Path(notebooks[0]).resolve().parent
    course_root = Path(os.getcwd())
    tidy(folder, course_root, student, assignment)
    from .sources import notebook_name

    expected = folder / notebook_name(assignment)
    if expected.exists():
        notebooks[:] = sorted({str(expected)} | {n for n in notebooks if Path(n).exists()})
