"""The curriculum in other languages: the ``content`` gettext domain.

Every free-text field of the content (a model field typed ``Text`` or ``str``; never an id, a
reference, a number, a source or an address) is one catalog entry. Its context names the item and
the field, e.g. ``play:community-cafe:practices[0].text`` or ``responsibilities:guidance.text`` for an item
without an id, so a translator sees where the text is shown and an entry keeps its place when the
English around it changes.

:func:`messages` lists the entries (what ``shine i18n update`` writes to ``content.pot``), and
:func:`translated` gives the whole curriculum in a language: the English models copied with each
string replaced by its translation. An entry that is missing, or marked fuzzy because its English
changed since it was translated, stays English: outdated Spanish is never shown as current.
"""

from __future__ import annotations

import types
import typing
from functools import lru_cache
from typing import Any, Callable, Iterator

from pydantic import BaseModel, StringConstraints

from .models import RefTo

DOMAIN = "content"
# Fields that hold text but are not prose to translate: citations and locators name sources as
# published, a finding's figure is a number ("24%"), a module's notebook is a file name.
NOT_TRANSLATED = {"citation", "locator", "figure", "notebook", "acronym", "url"}
SKIP_FILES = {"sources"}  # titles of sources, as published


def _is_text(annotation: Any, metadata: list) -> bool:
    """A plain string that is neither an id (it has a pattern) nor a reference."""
    if annotation is not str:
        return False
    for meta in metadata:
        if isinstance(meta, RefTo) or (isinstance(meta, StringConstraints) and meta.pattern):
            return False
    return True


def _kind(annotation: Any) -> str:
    """``text``, ``texts`` (a list of them), ``model``, ``models`` or ``other`` for a field's type."""
    metadata: list = []
    if typing.get_origin(annotation) is typing.Annotated:
        metadata = list(annotation.__metadata__)
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) > 1 and all(isinstance(a, type) and issubclass(a, BaseModel) for a in args):
            return "model"  # a discriminated union of models (plan rules): walked by each value's own type
        return _kind(args[0]) if len(args) == 1 else "other"
    if origin is list:
        inner = _kind(typing.get_args(annotation)[0])
        return {"text": "texts", "model": "models"}.get(inner, "other")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model"
    return "text" if _is_text(annotation, metadata) else "other"


@lru_cache(maxsize=None)
def _fields(cls: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    out = []
    for name, field in cls.model_fields.items():
        if name in NOT_TRANSLATED:
            continue
        annotation = field.annotation
        if field.metadata:
            annotation = typing.Annotated[(annotation, *field.metadata)]
        kind = _kind(annotation)
        if kind != "other":
            out.append((name, kind))
    return tuple(out)


def _context(obj: BaseModel, owner: str, path: str) -> tuple[str, str]:
    """The owner and path for ``obj``'s own fields: an item with an id starts a new owner."""
    kind = getattr(type(obj), "ID_KIND", None)
    item_id = getattr(obj, "id", None)
    if kind and isinstance(item_id, str):
        return f"{kind}:{item_id}", ""
    return owner, path


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _walk(obj: BaseModel, owner: str, path: str, visit: Callable[[str, str], str]) -> BaseModel:
    """A copy of ``obj`` whose strings are ``visit(context, english)``."""
    owner, path = _context(obj, owner, path)
    changes = {}
    for name, kind in _fields(type(obj)):
        value = getattr(obj, name)
        where = _join(path, name)
        if value is None:
            continue
        if kind == "text":
            new = visit(f"{owner}:{where}", value)
        elif kind == "texts":
            new = [visit(f"{owner}:{where}[{i}]", v) for i, v in enumerate(value)]
        elif kind == "model":
            new = _walk(value, owner, where, visit)
        else:
            new = [_walk(v, owner, f"{where}[{i}]", visit) for i, v in enumerate(value)]
        if new != value:
            changes[name] = new
    return obj.model_copy(update=changes) if changes else obj


def messages(curriculum) -> Iterator[tuple[str, str]]:
    """``(context, english)`` for every translatable string, in content order."""
    found: list[tuple[str, str]] = []

    def note(context: str, english: str) -> str:
        found.append((context, english))
        return english

    for stem in type(curriculum).model_fields:
        if stem not in SKIP_FILES:
            _walk(getattr(curriculum, stem), stem, "", note)
    yield from found


def translated(curriculum, lookup: Callable[[str, str], str]):
    """The curriculum with every translatable string passed through ``lookup(context, english)``."""
    files = {stem: (_walk(getattr(curriculum, stem), stem, "", lookup) if stem not in SKIP_FILES
                    else getattr(curriculum, stem)) for stem in type(curriculum).model_fields}
    return type(curriculum).model_construct(**files)
