"""How hard the curriculum is to read: a US school-grade level for every participant-facing text.

Parents read this curriculum beside teachers and principals, so what a participant sees is held
to plain-language targets (see :data:`TARGETS`). The grade is the Flesch-Kincaid grade level as
computed by ``textstat``, the field's standard implementation; nothing here counts syllables.

Measured: every string of :data:`MIN_WORDS` words or more in the content YAML, and every
paragraph of that length in the module and exercise notebooks' Markdown cells. Not measured:
what :data:`EXEMPT` lists, each with its reason. That list is the only place exemptions live.
"""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from shine.i18n import _

MIN_WORDS = 20

#: The targets for participant-facing text (US school grades).
TARGETS = {"median": 7.0, "max": 10.0, "above_8_share": 0.10}
#: Spanish: Fernández-Huerta reading ease (higher is easier); 70 and up reads "fairly easy".
SPANISH_MEDIAN_EASE = 70.0


@dataclass(frozen=True)
class Exemption:
    """Text that is not held to the targets. ``file`` and ``field`` match exactly; ``"*"`` is any."""

    file: str
    field: str
    why: str


#: Everything that is not measured, and why. Fields are the YAML key holding the text.
EXEMPT: tuple[Exemption, ...] = (
    Exemption("sources.yaml", "*", "citations: titles and publishers as published"),
    Exemption("guides.yaml", "*", "the facilitator guide is read by trainers, not participants"),
    Exemption("agendas.yaml", "*", "agendas are read by trainers, not participants"),
    Exemption("modules.yaml", "instructor_notes", "notes for the trainer, not shown to participants"),
    Exemption("definition.yaml", "text", "Connecticut's official definition, quoted word for word"),
    Exemption("definition.yaml", "attribution", "the definition's citation"),
    Exemption("definition.yaml", "published", "the definition's citation"),
    Exemption("*", "citation", "citations: titles and publishers as published"),
    Exemption("*", "title", "proper names of studies, reports and programmes"),
    Exemption("*", "name", "proper names and the principles' official names"),
    Exemption("*", "assets", "proper names of the tools and programmes a play uses"),
    Exemption("*", "source", "source keys, not prose"),
    Exemption("*", "url", "addresses, not prose"),
)

_NOTEBOOK_GLOBS = ("modules/*.ipynb", "exercises/source/*/*.ipynb")


@dataclass(frozen=True)
class Reading:
    """One measured text: where it is, its grade, and its first words."""

    where: str
    grade: float
    words: int
    text: str

    @property
    def preview(self) -> str:
        flat = " ".join(self.text.split())
        return flat if len(flat) <= 70 else flat[:69] + "…"


@dataclass(frozen=True)
class Report:
    readings: list[Reading]

    @property
    def median(self) -> float:
        return statistics.median(r.grade for r in self.readings) if self.readings else 0.0

    @property
    def above_8(self) -> list[Reading]:
        return [r for r in self.readings if r.grade > 8]

    @property
    def above_10(self) -> list[Reading]:
        return [r for r in self.readings if r.grade > TARGETS["max"]]

    @property
    def above_8_share(self) -> float:
        return len(self.above_8) / len(self.readings) if self.readings else 0.0

    def failures(self) -> list[str]:
        """Which targets are broken, in words; empty when every target is met."""
        out = []
        if not self.readings:
            out.append(_("no text was found to measure"))
        if self.median > TARGETS["median"]:
            out.append(_("the median grade {median} is above {target}").format(
                median=f"{self.median:.1f}", target=f"{TARGETS['median']:g}"))
        if self.above_10:
            out.append(_("{n} text(s) above grade {max}").format(n=len(self.above_10), max=f"{TARGETS['max']:g}"))
        if self.above_8_share > TARGETS["above_8_share"]:
            out.append(_("{share} of texts above grade 8 (at most {limit} allowed)").format(
                share=f"{self.above_8_share:.0%}", limit=f"{TARGETS['above_8_share']:.0%}"))
        return out


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of one text, Markdown and links stripped."""
    import textstat  # loaded only when measuring: its word lists take a moment

    return float(textstat.flesch_kincaid_grade(_plain(text)))


def _plain(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # [label](url) -> label
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"[*_#>|]", " ", text)
    return " ".join(text.split())


def exempt(file: str, field: str) -> Exemption | None:
    for rule in EXEMPT:
        if rule.file in ("*", file) and rule.field in ("*", field):
            return rule
    return None


def _strings(node: Any, where: str, field: str) -> Iterator[tuple[str, str, str]]:
    if isinstance(node, dict):
        label = where
        if isinstance(node.get("id"), str):
            label = f"{where}({node['id']})"
        for key, value in node.items():
            yield from _strings(value, f"{label}.{key}" if label else str(key), str(key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _strings(item, f"{where}[{i}]", field)
    elif isinstance(node, str):
        yield where, field, node


def content_texts(directory: Path) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every measured string in a content folder."""
    for path in sorted(directory.glob("*.yaml")):
        if exempt(path.name, "*"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, field, text in _strings(data, "", ""):
            if not exempt(path.name, field) and len(text.split()) >= MIN_WORDS:
                yield f"{path.name}: {where}", text


def notebook_texts(root: Path) -> Iterator[tuple[str, str]]:
    """``(where, paragraph)`` for every long paragraph of a Markdown cell in the notebooks."""
    for pattern in _NOTEBOOK_GLOBS:
        for path in sorted(root.glob(pattern)):
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            for n, cell in enumerate(cells, start=1):
                if cell.get("cell_type") != "markdown":
                    continue
                source = "".join(cell.get("source", []))
                for p, para in enumerate(re.split(r"\n\s*\n", source), start=1):
                    if len(_plain(para).split()) >= MIN_WORDS:
                        yield f"{path.relative_to(root)}: cell {n}, paragraph {p}", para


def measure(directory: Path, root: Path | None = None) -> Report:
    """Grade every participant-facing text in a content folder (and a curriculum root's notebooks)."""
    texts = list(content_texts(directory))
    if root is not None:
        texts += list(notebook_texts(root))
    return Report([Reading(where, grade(text), len(text.split()), text) for where, text in texts])


def spanish_ease(text: str) -> float:
    """Fernández-Huerta reading ease of a Spanish text (textstat; 100 is easiest)."""
    import textstat

    textstat.set_lang("es")
    try:
        return float(textstat.fernandez_huerta(_plain(text)))
    finally:
        textstat.set_lang("en_US")


def translated_texts(curriculum, english) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every measured string of a translated curriculum that differs from
    the English (an untranslated entry is the English, already graded)."""
    for stem in type(curriculum).model_fields:
        file = f"{stem}.yaml"
        if exempt(file, "*"):
            continue
        ours = dict(_pairs(getattr(curriculum, stem).model_dump(), file))
        theirs = dict(_pairs(getattr(english, stem).model_dump(), file))
        for where, text in ours.items():
            if text != theirs.get(where) and len(text.split()) >= MIN_WORDS:
                yield f"{file}: {where}", text


def _pairs(data: Any, file: str) -> Iterator[tuple[str, str]]:
    for where, field, text in _strings(data, "", ""):
        if not exempt(file, field):
            yield where, text


@dataclass(frozen=True)
class SpanishReport:
    readings: list[Reading]  # ``grade`` holds the reading ease here

    @property
    def median(self) -> float:
        return statistics.median(r.grade for r in self.readings) if self.readings else 0.0

    def failures(self) -> list[str]:
        if not self.readings:
            return [_("no translated text was found to measure")]
        if self.median < SPANISH_MEDIAN_EASE:
            return [_("the median reading ease {median} is below {target}").format(
                median=f"{self.median:.0f}", target=f"{SPANISH_MEDIAN_EASE:g}")]
        return []


def measure_spanish(curriculum, english) -> SpanishReport:
    return SpanishReport([Reading(where, spanish_ease(text), len(text.split()), text)
                          for where, text in translated_texts(curriculum, english)])
