"""The module notebooks in other languages: one English source, per-language copies made from it.

The English notebooks in ``modules/`` stay the source, thin and readable. Each Markdown cell is one
entry of the ``notebooks`` gettext domain (context ``01-definition.ipynb:cell-03``), and
``shine i18n update`` writes ``modules/<lang>/`` from them: the same notebooks, the same code
cells, the Markdown translated (English where an entry is missing or outdated). A notebook in
``modules/es/`` runs in Spanish because of where it is (see :mod:`shine.i18n`), so no code
differs; a test keeps the copies identical to what the English and the catalogs make.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Callable, Iterator

DOMAIN = "notebooks"
SUBFOLDERS = ("", "reference")  # modules/*.ipynb and modules/reference/*.ipynb


def sources(modules: Path) -> list[Path]:
    """The English notebooks, relative order kept (a language folder is never a source)."""
    return [p for sub in SUBFOLDERS for p in sorted((modules / sub).glob("*.ipynb"))]


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def messages(modules: Path) -> Iterator[tuple[str, str]]:
    """``(context, markdown)`` for every Markdown cell of every English notebook."""
    for path in sources(modules):
        rel = path.relative_to(modules).as_posix()
        for cell in _read(path)["cells"]:
            if cell["cell_type"] == "markdown":
                yield f"{rel}:{cell['id']}", "".join(cell["source"])


def localized(path: Path, modules: Path, lookup: Callable[[str, str], str]) -> dict:
    """``path``'s notebook with its Markdown passed through ``lookup(context, english)``."""
    rel = path.relative_to(modules).as_posix()
    nb = copy.deepcopy(_read(path))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text = lookup(f"{rel}:{cell['id']}", "".join(cell["source"]))
            cell["source"] = text.splitlines(keepends=True)
    return nb


def dumps(nb: dict) -> str:
    """The repository's notebook format: one-space indent, UTF-8 text, a final newline."""
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def translated_copies(modules: Path, lang: str, lookup: Callable[[str, str], str]) -> dict[Path, str]:
    """``{path in modules/<lang>/: its text}`` for every English notebook."""
    return {modules / lang / path.relative_to(modules): dumps(localized(path, modules, lookup))
            for path in sources(modules)}


def write_copies(modules: Path, lang: str, lookup: Callable[[str, str], str]) -> list[Path]:
    written = []
    for path, text in translated_copies(modules, lang, lookup).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
