"""Keeping the catalogs: writing a domain's template, bringing each language's ``.po`` up to date,
and checking that a language is complete.

Two domains: ``shine`` (the interface; extracted from the code by ``pybabel``) and ``content``
(the curriculum; extracted from the YAML by ``shine i18n update``). Translators edit the ordinary
``.po`` files, in Poedit, Weblate or a text editor.

Content entries carry a context naming their item and field, so when the English of an entry
changes, its translation is kept but marked fuzzy, with the old English beside it (``#|``): the
translator sees what changed, and until they clear the mark the page shows the English, never
outdated Spanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from . import DEFAULT_LANGUAGE, LOCALE_DIR

TEMPLATE_DIR = LOCALE_DIR.parent
TERMS_DIR = TEMPLATE_DIR / "terms"  # terms/<lang>.yaml: the fixed words of each language
DOMAINS = ("shine", "content", "notebooks")
# Messages are formatted with str.format, so a placeholder is a {name} (a literal "24%" is text).
_BRACES = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def po_path(lang: str, domain: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def template_path(domain: str) -> Path:
    return TEMPLATE_DIR / f"{domain}.pot"


def languages() -> list[str]:
    """Every language with a catalog folder (English, the source, has none)."""
    return sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir() and p.name != DEFAULT_LANGUAGE)


def _read(path: Path, lang: str | None = None):
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=path.stem)


def previous_ids(path: Path) -> dict[str, str]:
    """``{context: the English an outdated entry was translated from}``, from its ``#|`` lines
    (Babel writes them, wrapped, but does not read them back)."""
    if not path.exists():
        return {}

    def unquote(text: str) -> str:
        return text.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")

    found = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.splitlines()
        previous = " ".join(line[3:] for line in lines if line.startswith("#| "))
        context = next((line[len('msgctxt "'):-1] for line in lines if line.startswith('msgctxt "')), None)
        if previous.startswith('msgid "') and previous.endswith('"') and context is not None:
            found[unquote(context)] = unquote(previous[len('msgid "'):-1])
    return found


def _write(path: Path, catalog) -> None:
    from babel.messages.pofile import write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("wb") as fh:
        write_po(fh, catalog, width=None, omit_header=False, include_previous=True)
    tmp.replace(path)  # never a half-written catalog


def _new_catalog(domain: str, lang: str | None):
    from babel.messages.catalog import Catalog

    return Catalog(locale=lang, domain=domain, project="Time to Shine", copyright_holder="Time to Shine",
                   creation_date=datetime.now(timezone.utc), fuzzy=False)


def _plain_text(catalog) -> None:
    """Babel guesses "python-format" for any text with a % sign ("24% fewer"); these are
    plain text (the curriculum is formatted with str.format, if at all)."""
    for message in catalog:
        message.flags.discard("python-format")


@dataclass
class Updated:
    lang: str
    new: int = 0
    outdated: int = 0
    removed: int = 0


def update_domain(domain: str, entries: Iterable[tuple[str, str]], langs: Iterable[str] | None = None) -> list[Updated]:
    """Write ``<domain>.pot`` from ``(context, english)`` entries, and bring each language's
    ``.po`` up to date: a translation is kept while its English is unchanged, kept but marked fuzzy
    (the old English kept as ``previous``) when its English changed, and set aside as obsolete when
    its item is gone."""
    entries = list(entries)
    template = _new_catalog(domain, None)
    for context, english in entries:
        template.add(english, context=context)
    _plain_text(template)
    _write(template_path(domain), template)
    results = []
    for lang in (languages() if langs is None else langs):
        path = po_path(lang, domain)
        old = _read(path, lang) if path.exists() else _new_catalog(domain, lang)
        previous = previous_ids(path)
        by_context = {m.context: m for m in old if m.id and m.context}
        fresh = _new_catalog(domain, lang)
        if path.exists():  # what the translators' tools keep in the header stays
            fresh.last_translator, fresh.language_team = old.last_translator, old.language_team
            fresh.revision_date = old.revision_date
        result = Updated(lang)
        seen = set()
        for context, english in entries:
            seen.add(context)
            before = old.get(english, context=context)
            if before is not None and before.string:
                fresh.add(english, before.string, context=context, flags=before.flags,
                          user_comments=before.user_comments,
                          previous_id=previous.get(context) if before.fuzzy else None)
                continue
            moved = by_context.get(context)
            if moved is not None and moved.string:  # the English changed: keep, but mark outdated
                fresh.add(english, moved.string, context=context, flags={"fuzzy"}, previous_id=moved.id,
                          user_comments=moved.user_comments)
                result.outdated += 1
            else:
                fresh.add(english, context=context)
                result.new += 1
        for message in old:
            if message.id and message.context and message.context not in seen and message.string:
                fresh.obsolete[(message.id, message.context)] = message
                result.removed += 1
        _plain_text(fresh)
        _write(path, fresh)
        results.append(result)
    return results


@dataclass
class Completeness:
    lang: str
    domain: str
    total: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in the template, not in the language's file
    terms: list[str] = field(default_factory=list)  # a fixed term translated some other way

    @property
    def complete(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.placeholders or self.missing or self.terms)


@dataclass(frozen=True)
class Term:
    english: str
    pattern: re.Pattern
    forms: tuple[str, ...]

    def broken_by(self, english: str, translation: str) -> bool:
        """The English names the term and the translation uses none of its fixed forms."""
        return bool(self.pattern.search(english)) and not any(f.casefold() in translation.casefold() for f in self.forms)


def terms(lang: str) -> list[Term]:
    """The fixed terms of a language (``terms/<lang>.yaml``), or none."""
    import yaml

    path = TERMS_DIR / f"{lang}.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for entry in data.get("terms", []):
        flags = 0 if entry.get("case") else re.IGNORECASE
        out.append(Term(entry["en"], re.compile(rf"\b(?:{entry['en']})\b", flags), tuple(entry["es"])))
    return out


def _placeholders(text: str) -> list[str]:
    return sorted(_BRACES.findall(text))


def _label(message) -> str:
    text = message.id if isinstance(message.id, str) else message.id[0]
    return f"[{message.context}] {text}" if message.context else text


def check(lang: str, domain: str) -> Completeness:
    """What is missing or wrong in one language's catalog of one domain."""
    result = Completeness(lang, domain)
    path = po_path(lang, domain)
    template = _read(template_path(domain)) if template_path(domain).exists() else None
    if not path.exists():
        result.missing = [_label(m) for m in (template or []) if m.id]
        result.total = len(result.missing)
        return result
    catalog = _read(path, lang)
    fixed = terms(lang)
    for message in catalog:
        if not message.id:
            continue
        result.total += 1
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not all(strings):
            result.untranslated.append(_label(message))
        elif message.fuzzy:
            result.fuzzy.append(_label(message))
        elif any(_placeholders(s) != _placeholders(ids[min(i, len(ids) - 1)]) for i, s in enumerate(strings)):
            result.placeholders.append(_label(message))
        else:
            broken = [t.english for t in fixed if t.broken_by(ids[0], strings[0])]
            if broken:
                result.terms.append(f"{_label(message)} (term: {', '.join(broken)})")
    if template is not None:
        result.missing = [_label(m) for m in template if m.id and catalog.get(m.id, context=m.context) is None]
    return result
