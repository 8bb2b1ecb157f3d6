"""Who is in the course: ``roster.json`` beside the gradebook.

nbgrader's gradebook also lists everyone who was ever graded (its ``autograde`` adds a student it
does not know), so it cannot tell who belongs to the course. The roster can: it holds the ids
imported from the trainer's CSV and those added on purpose (``collect --add-to-roster``). A course
folder made before the roster file existed starts from the gradebook's students.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

FILE = "roster.json"


def path(root: Path | str) -> Path:
    return Path(root) / FILE


def load(root: Path | str, gradebook_students=None) -> set[str]:
    file = path(root)
    if file.exists():
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            return {str(p) for p in data.get("participants", [])}
        except (ValueError, OSError, AttributeError):
            pass  # a damaged file: start again from the gradebook, below
    ids = set(gradebook_students() if gradebook_students else [])
    save(root, ids)
    return ids


def save(root: Path | str, ids: set[str]) -> None:
    file = path(root)
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".roster-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"participants": sorted(ids)}, fh, indent=1, ensure_ascii=False)
    os.replace(tmp, file)


def add(root: Path | str, ids, gradebook_students=None) -> set[str]:
    current = load(root, gradebook_students)
    save(root, current | set(ids))
    return current | set(ids)
