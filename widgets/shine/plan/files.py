"""Where an exported plan goes: its file name, and never over another school's file.

Every export carries its team's id (``shine-team:<hash>``), so a folder of plans from many
schools can tell whose file is whose."""

from __future__ import annotations

import hashlib
import json
import unicodedata
import zipfile
from pathlib import Path

from shine.web.filenames import free_path, slug

from .model import Plan


def file_name(plan: Plan, fmt: str) -> str:
    """``riverside-high-school-2026-2027-plan.docx``; ``école-ærø-2026-2027-plan.docx``: the
    school's letters and digits in whatever script it is written, nothing Windows or macOS forbid
    (``shine.web.filenames.slug``). Two schools may get the same name ("St. Mary's", "St Marys"):
    :func:`plan_path` is what keeps them apart in a folder."""
    return f"{slug(plan.school, fallback='school')}-{slug(plan.school_year, fallback='year')}-plan.{fmt}"


def team_key(plan: Plan) -> str:
    """A short id of the plan's team (its district and school, as the store tells teams apart),
    the same for every export of that team, written into every export as ``shine-team:<id>``."""
    return _team_mark(plan.district, plan.school)


def _team_mark(district: str, school: str) -> str:
    who = unicodedata.normalize("NFC", f"{district.strip()}\n{school.strip()}")
    return "shine-team:" + hashlib.sha256(who.encode("utf-8")).hexdigest()[:16]


def _is_plan_of(plan: Plan, path: Path) -> bool:
    """Whether the file at ``path`` is an export of ``plan``'s team (any version, any year)."""
    mark = team_key(plan)
    try:
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                return mark in z.read("docProps/core.xml").decode("utf-8")
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".json":
            data = json.loads(text)
            return _team_mark(data["district"], data["school"]) == mark
        return mark in text
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile):
        return False  # unreadable or not a plan: someone else's, never overwritten


def plan_path(plan: Plan, fmt: str, folder: Path | str = ".") -> Path:
    """Where to write ``plan``'s export in ``folder``: :func:`file_name`, unless a file of that name
    is there and is not this team's plan; then ``...-plan-2.docx``, ``-3``..., the first free one.

    Decided so: the name stays the school's own (no code in every name), a team exporting again
    replaces its own earlier file instead of piling up copies, and two schools whose names slug
    alike ("St. Mary's" and "St Marys", or the same school name in two districts) never overwrite
    each other. Whose file it is comes from the ``shine-team`` id (:func:`team_key`) every export
    carries: the .docx in its properties, Markdown and HTML in a comment or a meta tag, the plan
    file in its district and school."""
    return free_path(Path(folder), file_name(plan, fmt), lambda path: _is_plan_of(plan, path))
