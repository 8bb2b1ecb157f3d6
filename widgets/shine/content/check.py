"""Validation of the curriculum content: schema, ids, cross-references, sources.

``check_dir`` never raises on bad content: it returns every problem it finds, each named by a
stable code so tests, the CLI and a content author all see the same thing:

==================  =================================================================
code                meaning
==================  =================================================================
no-content          the folder does not exist, or holds none of the content files (reported
                    alone, instead of one missing-file per file)
missing-file        a YAML file the curriculum needs is not there
unknown-file        a YAML file that no part of the curriculum reads
yaml-syntax         the file is not valid YAML (line and column given)
duplicate-key       one mapping names the same key twice (lines given); YAML would silently keep
                    the last value, so the file is still checked, but cannot be loaded
schema              a field is missing, misspelt, of the wrong type or out of range
missing-source      an item does not say where its facts come from
duplicate-id        two items of the same kind share an id
unknown-<kind>      a reference names an id that does not exist (unknown-role, ...)
numbering           numbered items (principles, types, standards) skip or repeat
agenda-time         an agenda template's segments do not add up to its length
==================  =================================================================
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from .curriculum import Curriculum
from .models import AgendasFile, RefTo


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    where: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"{self.file}:{where} [{self.code}] {self.message}"


@dataclass
class Index:
    """Every item that has an id, by kind, with where it was defined."""

    items: dict[str, dict[str, Any]]
    locations: dict[str, dict[str, str]]


def file_names() -> list[str]:
    return [f"{name}.yaml" for name in Curriculum.model_fields]


# --- reading ---------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """The safe loader, noting every key written twice in one mapping (``safe_load`` silently keeps
    the last one, so a pasted block could replace a summary without anyone noticing)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[int, Any, list[int], bool]] = []  # (line, key, all lines, top level)
        self._root = None

    def construct_document(self, node):
        self._root = node
        return super().construct_document(node)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            lines: dict[Any, list[int]] = {}
            for key_node, _value in node.value:
                # Keys merged in from an anchor elsewhere (``<<: *x``) may be overridden: that is allowed.
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge" \
                        or not node.start_mark.index <= key_node.start_mark.index <= node.end_mark.index:
                    continue
                key = self.construct_object(key_node)
                try:
                    lines.setdefault(key, []).append(key_node.start_mark.line + 1)
                except TypeError:  # an unhashable key: PyYAML itself refuses it below
                    continue
            for key, at in lines.items():
                if len(at) > 1:
                    self.duplicates.append((at[1], key, at, node is self._root))
        return super().construct_mapping(node, deep=deep)


def _duplicate(name: str, line: int, key: Any, lines: list[int], top: bool) -> Problem:
    times = "twice" if len(lines) == 2 else f"{len(lines)} times"
    listed = ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
    place = "at the top of this file" if top else "in this item"
    return Problem(name, f"line {line}", "duplicate-key",
                   f"the key {key!r} appears {times} {place} (lines {listed}); only one can count")


def _load_yaml(text: str) -> tuple[Any, list[tuple[int, Any, list[int], bool]]]:
    loader = _Loader(text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def _no_content(directory: Path, expected: set[str]) -> Problem | None:
    """One problem instead of a missing-file for each file, when the folder is not a content folder."""
    if not directory.exists():
        reason = "the folder does not exist"
    elif not directory.is_dir():
        reason = "this is a file, not a folder"
    elif not any((directory / name).exists() for name in expected):
        reason = f"the folder holds none of the {len(expected)} content files"
    else:
        return None
    return Problem(str(directory), "", "no-content", f"there is no curriculum content here: {reason}")


def _read(directory: Path) -> tuple[dict[str, Any], list[Problem]]:
    raw: dict[str, Any] = {}
    problems: list[Problem] = []
    expected = set(file_names())
    nothing = _no_content(directory, expected)
    if nothing:
        return raw, [nothing]
    for name in sorted(expected):
        path = directory / name
        if not path.exists():
            problems.append(Problem(name, "", "missing-file", "this file is missing"))
            continue
        try:
            data, duplicates = _load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            reason = getattr(exc, "problem", None) or str(exc)
            problems.append(Problem(name, where, "yaml-syntax", f"not valid YAML: {reason}"))
            continue
        except UnicodeDecodeError as exc:
            problems.append(Problem(name, "", "yaml-syntax", f"not UTF-8 text: {exc.reason}"))
            continue
        problems.extend(_duplicate(name, *found) for found in duplicates)  # and keep checking the rest
        if not isinstance(data, dict):
            problems.append(Problem(name, "", "schema", "the file must hold a mapping of keys"))
            continue
        raw[path.stem] = data
    for path in sorted(directory.glob("*.yaml")):
        if path.name not in expected:
            problems.append(Problem(path.name, "", "unknown-file", "no part of the curriculum reads this file"))
    return raw, problems


# --- schema ----------------------------------------------------------------------------------


def _describe(loc: tuple, data: Any) -> str:
    """``plays[3] (id 'home-visits').role`` from a pydantic error location."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            try:
                node = node[part]
            except (IndexError, KeyError, TypeError):
                node = None
            if isinstance(node, dict) and "id" in node:
                out += f" (id {node['id']!r})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _schema_problems(file: str, data: Any, exc: ValidationError) -> Iterator[Problem]:
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        where = _describe(loc, data)
        if err["type"] == "missing" and loc and loc[-1] == "source":
            yield Problem(file, where, "missing-source", "this item does not name its source")
            continue
        if err["type"] == "extra_forbidden":
            yield Problem(file, where, "schema", "unknown field (is it misspelt?)")
            continue
        value = err.get("input")
        shown = "" if err["type"] == "missing" or isinstance(value, (dict, list)) else f" (got {value!r:.60})"
        yield Problem(file, where, "schema", f"{err['msg']}{shown}")


# --- ids and references --------------------------------------------------------------------


def _partial(model_cls: type[BaseModel], data: dict) -> BaseModel:
    """The parts of a file that are valid, so one bad item does not hide the ids of the rest
    (and flood the report with references to them)."""
    values = {}
    for name, field in model_cls.model_fields.items():
        if name not in data:
            continue
        value = data[name]
        item_type = typing.get_args(field.annotation)[0] if typing.get_origin(field.annotation) is list else None
        if item_type is not None and isinstance(value, list):
            adapter = TypeAdapter(item_type)
            kept = []
            for item in value:
                try:
                    kept.append(adapter.validate_python(item))
                except ValidationError:
                    # Keep its id (and its plain references) so nothing else looks broken.
                    if isinstance(item, dict) and isinstance(item.get("id"), str) and isinstance(item_type, type) \
                            and issubclass(item_type, BaseModel):
                        kept.append(item_type.model_construct(
                            **{k: v for k, v in item.items() if k in item_type.model_fields}))
            values[name] = kept
        else:
            try:
                values[name] = TypeAdapter(field.annotation).validate_python(value)
            except ValidationError:
                pass
    return model_cls.model_construct(**values)


def _ref_kind(annotation: Any) -> str | None:
    """The kind a field refers to, looking through Optional, list and Annotated."""
    if typing.get_origin(annotation) is typing.Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, RefTo):
                return meta.kind
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            continue
        kind = _ref_kind(arg)
        if kind:
            return kind
    return None


@lru_cache(maxsize=None)
def _ref_fields(cls: type[BaseModel]) -> dict[str, str]:
    out = {}
    for name, field in cls.model_fields.items():
        kind = next((m.kind for m in field.metadata if isinstance(m, RefTo)), None)
        kind = kind or _ref_kind(field.annotation)
        if kind:
            out[name] = kind
    return out


def _walk(node: Any, file: str, where: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(node, BaseModel):
        yield file, where, node
        for name in type(node).model_fields:
            value = getattr(node, name, None)
            yield from _walk(value, file, f"{where}.{name}" if where else name)
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            label = f"{where}[{i}]"
            if isinstance(item, BaseModel) and isinstance(getattr(item, "id", None), str):
                label += f" (id {item.id!r})"
            yield from _walk(item, file, label)


def build_index(files: dict[str, BaseModel]) -> tuple[Index, list[Problem]]:
    problems: list[Problem] = []
    items: dict[str, dict[str, Any]] = {}
    locations: dict[str, dict[str, str]] = {}
    refs: list[tuple[str, str, str, str]] = []
    for stem, model in files.items():
        file = f"{stem}.yaml"
        for f, where, obj in _walk(model, file, ""):
            kind = getattr(type(obj), "ID_KIND", None)
            if kind:
                seen = locations.setdefault(kind, {})
                if obj.id in seen:
                    problems.append(Problem(f, where, "duplicate-id",
                                            f"id {obj.id!r} is already used by another {kind} at {seen[obj.id]}"))
                else:
                    seen[obj.id] = f"{f} {where}"
                    items.setdefault(kind, {})[obj.id] = obj
            for name, ref_kind in _ref_fields(type(obj)).items():
                value = getattr(obj, name, None)
                values = value if isinstance(value, (list, tuple)) else [value]
                for v in values:
                    if isinstance(v, str):
                        refs.append((f, f"{where}.{name}" if where else name, ref_kind, v))
    for f, where, kind, value in refs:
        if value not in items.get(kind, {}):
            label = kind.replace("_", " ")
            problems.append(Problem(f, where, f"unknown-{kind.replace('_', '-')}",
                                    f"{value!r} is not a known {label}"))
    return Index(items, locations), problems


# --- rules that are not references --------------------------------------------------------------


def _numbering(index: Index, loaded: set[str]) -> Iterator[Problem]:
    for kind, file, total in (("principle", "definition.yaml", 7), ("type", "six_types.yaml", 6),
                              ("standard", "standards.yaml", 6)):
        if file.removesuffix(".yaml") not in loaded:
            continue
        numbers = sorted(item.number for item in index.items.get(kind, {}).values())
        if numbers != list(range(1, total + 1)):
            yield Problem(file, "", "numbering", f"{kind}s must be numbered 1 to {total} once each (found {numbers})")


def _agenda_times(agendas: AgendasFile) -> Iterator[Problem]:
    for i, template in enumerate(agendas.templates):
        total = sum(s.minutes for s in template.segments)
        if total != template.total_minutes:
            yield Problem("agendas.yaml", f"templates[{i}] (id {template.id!r})", "agenda-time",
                          f"segments add up to {total} minutes but the template is {template.total_minutes}")


# --- entry point -----------------------------------------------------------------------------------


def check_dir(directory: Path | str) -> tuple[Curriculum | None, Index | None, list[Problem]]:
    """Validate a content folder; returns the curriculum (when usable), its index, and problems."""
    directory = Path(directory)
    raw, problems = _read(directory)
    files: dict[str, BaseModel] = {}
    partial: dict[str, BaseModel] = {}
    for stem, data in raw.items():
        model_cls = Curriculum.model_fields[stem].annotation
        try:
            files[stem] = model_cls.model_validate(data)
        except ValidationError as exc:
            problems.extend(_schema_problems(f"{stem}.yaml", data, exc))
            partial[stem] = _partial(model_cls, data)
    index, ref_problems = build_index({**files, **partial})
    problems.extend(ref_problems)
    problems.extend(_numbering(index, set(files)))  # only where the whole file is valid
    if "agendas" in files:
        problems.extend(_agenda_times(files["agendas"]))
    curriculum = None
    if len(files) == len(Curriculum.model_fields):
        curriculum = Curriculum(**files)
    return curriculum, index, sorted(set(problems))
