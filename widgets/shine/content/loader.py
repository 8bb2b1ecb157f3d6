"""Cached access to the curriculum: load once per process, look items up by kind and id."""

from __future__ import annotations

import os
from functools import lru_cache
from gettext import GNUTranslations
from pathlib import Path
from typing import Any

from shine.i18n import DEFAULT_LANGUAGE, _, get_language, translations

from .check import Index, Problem, build_index, check_dir, file_names
from .curriculum import Curriculum

CONTENT_DIR = Path(__file__).parent


class ContentError(Exception):
    """The curriculum content is not valid; ``problems`` lists what is wrong."""

    def __init__(self, directory: Path, problems: list[Problem]):
        self.directory = directory
        self.problems = problems
        if [p.code for p in problems] == ["no-content"]:
            super().__init__(_no_content_message(Path(directory)))
            return
        lines = "\n".join(f"  - {p}" for p in problems[:20])
        more = len(problems) - 20
        if more > 0:
            lines += "\n  - " + _("... and {n} more").format(n=more)
        super().__init__(_("The curriculum content in {path} has problems:").format(path=directory) + "\n" + lines)


def _no_content_message(directory: Path) -> str:
    """One sentence for a folder that holds no content at all (check.py's ``no-content``)."""
    if not directory.exists():
        text = _("There is no curriculum content in {path}: the folder does not exist.")
    elif not directory.is_dir():
        text = _("There is no curriculum content in {path}: it is a file, not a folder.")
    else:
        text = _("There is no curriculum content in {path}: the folder holds none of the {n} content files.")
    text = text.format(path=directory, n=len(file_names()))
    if os.environ.get("SHINE_CONTENT_DIR") and Path(os.environ["SHINE_CONTENT_DIR"]) == directory:
        text += " " + _("SHINE_CONTENT_DIR names this folder; unset it to use the content installed with Time to Shine.")
    return text


def content_dir() -> Path:
    """The content folder: ``SHINE_CONTENT_DIR`` when a district keeps its own copy."""
    return Path(os.environ.get("SHINE_CONTENT_DIR") or CONTENT_DIR)


@lru_cache(maxsize=4)
def _load(directory: Path) -> tuple[Curriculum, Index]:
    curriculum, index, problems = check_dir(directory)
    if problems or curriculum is None:
        raise ContentError(directory, problems)
    return curriculum, index


def _in_language(directory: Path | str | None) -> tuple[Curriculum, Index]:
    return _translated(Path(directory) if directory else content_dir(), get_language())


@lru_cache(maxsize=8)
def _translated(directory: Path, lang: str) -> tuple[Curriculum, Index]:
    """The curriculum in ``lang`` (the ``content`` catalog; English where an entry is missing or
    outdated), built once per language and folder."""
    english, english_index = _load(directory)
    catalog = translations(lang, "content")
    if lang == DEFAULT_LANGUAGE or not isinstance(catalog, GNUTranslations):  # no catalog for it: English
        return english, english_index
    from .translate import translated

    curriculum = translated(english, catalog.pgettext)
    index, _problems = build_index({stem: getattr(curriculum, stem) for stem in Curriculum.model_fields})
    return curriculum, index


def load(directory: Path | str | None = None) -> Curriculum:
    """The whole curriculum, validated, in the session's language; raises :class:`ContentError`
    naming every problem."""
    return _in_language(directory)[0]


def index(directory: Path | str | None = None) -> Index:
    return _in_language(directory)[1]


def english(directory: Path | str | None = None) -> Curriculum:
    """The curriculum as written, whatever the session's language (catalog extraction, checks)."""
    return _load(Path(directory) if directory else content_dir())[0]


def get(kind: str, item_id: str) -> Any:
    """One item by kind and id, e.g. ``get("play", "parent-teacher-home-visits")``."""
    items = index().items.get(kind)
    if items is None:
        raise KeyError(_("There is no kind of content called {kind!r}.").format(kind=kind))
    try:
        return items[item_id]
    except KeyError:
        raise KeyError(_("There is no {kind} with the id {id!r}.").format(kind=kind, id=item_id)) from None


def items(kind: str) -> list[Any]:
    """Every item of a kind, in the order the content lists them."""
    return list(index().items.get(kind, {}).values())


def clear_cache() -> None:
    _load.cache_clear()
    _translated.cache_clear()
