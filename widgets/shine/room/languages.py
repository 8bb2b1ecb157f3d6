"""The languages of a live session: one (English or Spanish) or bilingual.

A workshop is started in a language (``shine workshop --lang es``) or bilingual (``--lang
bilingual``, English and Spanish; ``--lang en,es`` names them). The choice is kept in the
workshop's setup, so a resumed workshop keeps it:

- the **wall** shows its own words in every language of the workshop, side by side, each marked
  with its ``lang`` so a screen reader reads it with the right voice; posts appear as typed;
- each **kiosk** starts in the workshop's first language (or the page's ``?lang=``) and switches
  on the page, for that participant only;
- the **console** follows the page's language (``?lang=es``) or the workshop's first language.

The agenda's segment titles and the tag labels are copied into the setup in every catalogued
language when the workshop starts, so the small kiosk kernels never load the curriculum to show
them (:func:`in_every_language`, :func:`text_in`).
"""

from __future__ import annotations

from typing import Callable, Iterable

from shine.i18n import DEFAULT_LANGUAGE, _, available_languages, language
from shine.web.html import esc

BILINGUAL = "bilingual"
BILINGUAL_LANGUAGES = ("en", "es")


def parse_languages(text: str | None) -> list[str] | None:
    """``"es"`` -> ``["es"]``; ``"bilingual"`` -> ``["en", "es"]``; ``"en,es"`` -> ``["en", "es"]``.

    None for no choice. Raises ValueError, in plain words, for a language with no catalog."""
    if text is None or not text.strip():
        return None
    text = text.strip().lower()
    asked = list(BILINGUAL_LANGUAGES) if text == BILINGUAL else [p.strip() for p in text.split(",") if p.strip()]
    known = available_languages()
    unknown = [lang for lang in asked if lang not in known]
    if unknown or not asked:
        raise ValueError(_("The language {value!r} is not available. Choose one of: {known}, or {bilingual}.").format(
            value=text, known=", ".join(known), bilingual=BILINGUAL))
    return list(dict.fromkeys(asked))  # in the order given, each once


def room_languages(setup: dict | None, fallback: str = DEFAULT_LANGUAGE) -> list[str]:
    """The workshop's languages; a workshop from before languages were kept has the fallback."""
    known = available_languages()
    chosen = [lang for lang in (setup or {}).get("languages") or [] if lang in known]
    return chosen or [fallback]


def in_every_language(make: Callable[[], str]) -> dict[str, str]:
    """``{"en": ..., "es": ...}``: ``make()`` run once in each catalogued language."""
    texts = {}
    for lang in available_languages():
        with language(lang):
            texts[lang] = make()
    return texts


def text_in(value, lang: str) -> str:
    """One language's text of a setup entry: ``{"en": ..., "es": ...}`` or, from older setups, a
    plain English string. A language missing from it falls back to English."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get(DEFAULT_LANGUAGE) or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def said_in(languages: Iterable[str], make: Callable[[], str]) -> list[tuple[str, str]]:
    """``make()`` in each of ``languages``: ``[(lang, text), ...]``, a text said once if the
    languages give the same words (a name, a number)."""
    said: list[tuple[str, str]] = []
    for lang in languages:
        with language(lang):
            text = make()
        if all(text != t for _l, t in said):
            said.append((lang, text))
    return said


def html_in(languages: Iterable[str], make: Callable[[], str], separator: str = " / ") -> str:
    """Escaped HTML of ``make()`` in each language, each part in a ``lang`` span; the second and
    later ones are set a little lighter so the eye finds its own language."""
    parts = said_in(languages, make)
    if len(parts) == 1:
        return esc(parts[0][1])
    also = ' class="shine-also"'
    spans = [f'<span lang="{lang}"{also if i else ""}>{esc(text)}</span>' for i, (lang, text) in enumerate(parts)]
    return esc(separator).join(spans)


def plain_in(languages: Iterable[str], make: Callable[[], str], separator: str = " / ") -> str:
    """``make()`` in each language as plain text (a chart's title, an image's alt text)."""
    return separator.join(text for _lang, text in said_in(languages, make))
