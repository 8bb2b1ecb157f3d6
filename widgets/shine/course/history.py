"""Every finding of every grading run, kept beside the gradebook: ``grading-history.jsonl``.

One JSON object per line, appended (under a lock, so parallel graders and the formgrader can
write at once) and never rewritten:

- ``{"kind": "flag", "at", "run", "step", "assignment", "participant", "submission", "code", "detail"}``
  for each finding (``step``: ``collect``, ``grade`` or ``autograde``);
- ``{"kind": "seen", "at", "assignment", "participant", "submission", "code"}`` when the trainer has
  looked at one (``shine course report --seen``).

A flag stays *unresolved* until the trainer marks it seen. ``submission`` is a fingerprint of the
handed-in notebook and answer files: a mark covers that submission only, so the same trouble in
a new submission is shown again, while re-grading the same one does not bring back what was seen.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

FILE = "grading-history.jsonl"
FINGERPRINTED = (".ipynb", "answers.json", "plan.json")

# The run in progress in this process: ``shine course grade`` sets its own; a bare
# ``nbgrader autograde`` (or the formgrader) gets one per process.
RUN = {"id": uuid.uuid4().hex[:12], "step": "autograde"}


def path(root: Path | str) -> Path:
    return Path(root) / FILE


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def fingerprint(folder: Path | str) -> str:
    """Which submission: a hash of the notebooks and answer files handed in (not the time stamp)."""
    digest = hashlib.sha256()
    folder = Path(folder)
    if folder.is_dir():
        for file in sorted(folder.iterdir()):
            if file.is_file() and not file.is_symlink() and file.name.endswith(FINGERPRINTED):
                digest.update(file.name.encode() + b"\0")
                with file.open("rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
    return digest.hexdigest()[:16]


@contextmanager
def _locked(root: Path | str):
    file = path(root)
    file.parent.mkdir(parents=True, exist_ok=True)
    with open(file, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield fh
        finally:
            fh.flush()
            os.fsync(fh.fileno())
            fcntl.flock(fh, fcntl.LOCK_UN)


def record(root: Path | str, assignment: str, participant: str, findings: list[dict], *,
           submission: str = "", step: str | None = None) -> None:
    """Append one run's findings for one participant."""
    if not findings:
        return
    lines = [json.dumps({"kind": "flag", "at": now(), "run": RUN["id"], "step": step or RUN["step"],
                         "assignment": assignment, "participant": participant, "submission": submission,
                         "code": f["code"], "detail": f.get("detail", "")}, ensure_ascii=False)
             for f in findings]
    with _locked(root) as fh:
        fh.write("\n".join(lines) + "\n")


def events(root: Path | str, assignment: str | None = None) -> list[dict]:
    file = path(root)
    if not file.exists():
        return []
    found = []
    for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a line cut short by a crash: the others still count
        if isinstance(event, dict) and (assignment is None or event.get("assignment") == assignment):
            found.append(event)
    return found


def of_run(root: Path | str, assignment: str, participant: str, run: str | None = None) -> list[dict]:
    """The findings one run (this process's, by default) recorded for a participant."""
    run = run or RUN["id"]
    return [e for e in events(root, assignment)
            if e.get("kind") == "flag" and e.get("run") == run and e.get("participant") == participant]


def unresolved(root: Path | str, assignment: str) -> dict[str, list[dict]]:
    """participant -> the flags not yet marked seen (the latest of each code, oldest code first)."""
    seen, latest = set(), {}
    for e in events(root, assignment):
        key = (e.get("participant"), e.get("code"), e.get("submission", ""))
        if e.get("kind") == "seen":
            seen.add(key)
        elif e.get("kind") == "flag":
            latest[key] = e
    out: dict[str, dict[str, dict]] = {}
    for key, e in latest.items():
        if key not in seen:
            out.setdefault(key[0], {})[key[1]] = e  # one per code: the most recent submission's
    return {pid: list(codes.values()) for pid, codes in out.items()}


def mark_seen(root: Path | str, assignment: str, participant: str, code: str | None = None) -> int:
    """Mark a participant's unresolved flags (one code, or all) as seen; returns how many."""
    pending = [e for e in events(root, assignment) if e.get("kind") == "flag" and e.get("participant") == participant
               and (code is None or e.get("code") == code)]
    open_flags = {(e["code"], e.get("submission", "")) for e in pending}
    open_flags -= {(e.get("code"), e.get("submission", "")) for e in events(root, assignment)
                   if e.get("kind") == "seen" and e.get("participant") == participant}
    if not open_flags:
        return 0
    with _locked(root) as fh:
        for flag_code, submission in sorted(open_flags):
            fh.write(json.dumps({"kind": "seen", "at": now(), "assignment": assignment, "participant": participant,
                                 "submission": submission, "code": flag_code}, ensure_ascii=False) + "\n")
    return len({c for c, _s in open_flags})
