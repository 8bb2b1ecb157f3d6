"""File names made from what people type (a school's name), safe on Windows, macOS and Linux.

:func:`slug` keeps the letters and digits of every script, so "École Élémentaire Ærø" stays
``école-élémentaire-ærø`` and an Arabic or Chinese school keeps its own name, instead of every
such school becoming the same ``school``. :func:`free_path` never lets one file overwrite another
owner's file of the same name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

MAX_SLUG_CHARS = 60
MAX_SLUG_BYTES = 120  # file systems count bytes (255 at most); CJK takes 3 a character in UTF-8
APOSTROPHES = "'\u2019\u02bc\u2018`\u00b4"  # "Mary's" is one word: "marys", not "mary-s"
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def _keeps(char: str) -> bool:
    """Letters and digits of any script, and the marks that belong to them (Arabic vowels, the
    vowel signs of Hindi); never ``<>:"/\\|?*``, control characters, spaces or punctuation."""
    return char.isalnum() or unicodedata.category(char).startswith("M")


def slug(text: str, *, fallback: str = "file", max_chars: int = MAX_SLUG_CHARS) -> str:
    """``"St. Mary's School"`` -> ``st-marys-school``; ``"École Ærø"`` -> ``école-ærø``.

    NFC-normalised and lower-cased; every run of other characters becomes one dash; at most
    ``max_chars`` characters and :data:`MAX_SLUG_BYTES` bytes, cut between characters, never
    between a letter and its accent. ``fallback`` when nothing is left.
    """
    text = unicodedata.normalize("NFC", text or "").lower()
    out: list[str] = []
    for char in text:
        if char in APOSTROPHES:
            continue
        if _keeps(char) and not (not out and unicodedata.category(char).startswith("M")):
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    kept = "".join(out).strip("-")
    if len(kept) > max_chars or len(kept.encode("utf-8")) > MAX_SLUG_BYTES:
        end = min(len(kept), max_chars)
        while end and len(kept[:end].encode("utf-8")) > MAX_SLUG_BYTES:
            end -= 1
        while 0 < end < len(kept) and unicodedata.category(kept[end]).startswith("M"):
            end -= 1  # do not leave an accent or a vowel sign without its letter
        kept = kept[:end].strip("-")
    if not kept or kept in WINDOWS_RESERVED:
        kept = f"{fallback}-{kept}" if kept else fallback
    return kept


def free_path(folder: Path, name: str, is_ours: Callable[[Path], bool]) -> Path:
    """``folder/name``, unless a file of that name belongs to someone else: then ``stem-2.ext``,
    ``stem-3.ext``... the first that is free or already ``is_ours`` (which is overwritten, so a
    team exporting again replaces its own file rather than piling up copies)."""
    first = Path(folder) / name
    stem, suffix = first.stem, first.suffix
    n = 1
    path = first
    while path.exists() and not is_ours(path):
        n += 1
        path = first.with_name(f"{stem}-{n}{suffix}")
    return path
