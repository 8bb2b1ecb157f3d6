"""Translations for every user-facing string in ``shine`` (gettext, catalogs kept as .po).

English is the source language. The language is chosen per session: a Voila page passes
``?lang=es`` (read from ``QUERY_STRING``), a notebook in a language's folder (``modules/es/``)
runs in that language, a notebook calls :func:`set_language`, and the ``SHINE_LANG`` environment
variable sets the default for a whole server. The current language
lives in a context variable, so two sessions sharing one process never see each other's choice.

Catalogs are committed as ``.po`` text and compiled in memory with Babel on first use, so there
is no build step and no binary file in the repository.
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext as _gettext
import io
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

DOMAIN = "shine"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("shine_language", default=None)


def available_languages() -> list[str]:
    """Languages with a catalog, plus English (the source language)."""
    return list(_catalogued())


@lru_cache(maxsize=1)
def _catalogued() -> tuple[str, ...]:
    # The catalogs ship with the package: looked for once per process, not on every string.
    found = {p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found | {DEFAULT_LANGUAGE}))


def _normalise(lang: str | None) -> str | None:
    if not lang:
        return None
    code = lang.strip().replace("-", "_").split(".")[0]
    if not code:
        return None
    langs = _catalogued()
    if code in langs:
        return code
    base = code.split("_")[0].lower()
    return base if base in langs else None


def _folder_language() -> str | None:
    """A notebook in a language's folder (``modules/es/``) runs in that language: Voila and
    JupyterLab start its kernel in the notebook's folder."""
    try:
        here = os.getcwd()
    except OSError:  # the folder was removed under us
        return None
    # modules/es/ and modules/es/reference/: the folder or its parent names the language.
    for name in (os.path.basename(here), os.path.basename(os.path.dirname(here))):
        if name != DEFAULT_LANGUAGE and name in _catalogued():
            return name
    return None


def _language_from_environment() -> str:
    return _language_for(os.environ.get("QUERY_STRING", ""), _folder_language(), os.environ.get("SHINE_LANG"))


@lru_cache(maxsize=64)
def _language_for(query_string: str, folder: str | None, shine_lang: str | None) -> str:
    """The page's ``?lang=``, else the notebook's language folder, else the server's default."""
    query = parse_qs(query_string)
    for candidate in (query.get("lang", [None])[0], folder, shine_lang):
        lang = _normalise(candidate)
        if lang:
            return lang
    return DEFAULT_LANGUAGE


def page_language(query_string: str | None = None) -> str | None:
    """The language the page's address asks for (``?lang=es``), or None when it asks none.

    The address is the kernel's ``QUERY_STRING`` (Voila sets it) unless one is given."""
    query = os.environ.get("QUERY_STRING", "") if query_string is None else query_string
    return _normalise(parse_qs(query).get("lang", [None])[0])


def get_language() -> str:
    return _current.get() or _language_from_environment()


def set_language(lang: str | None) -> str:
    """Choose the language for this session; returns the language actually used.

    An unknown language falls back to English rather than failing: a workshop must not stop
    because a catalog is missing. ``None`` forgets the choice: the page's address, the notebook's
    folder or the server's default decide again.
    """
    if lang is None:
        _current.set(None)
        return get_language()
    chosen = _normalise(lang) or DEFAULT_LANGUAGE
    _current.set(chosen)
    return chosen


@contextlib.contextmanager
def language(lang: str):
    """``with language("es"):`` runs a block in a language, then restores the session's choice."""
    token = _current.set(_normalise(lang) or DEFAULT_LANGUAGE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@lru_cache(maxsize=None)
def translations(lang: str, domain: str = DOMAIN) -> _gettext.NullTranslations:
    """One language's catalog of one domain (``shine``: the interface; ``content``: the
    curriculum), compiled in memory. Fuzzy entries (outdated: their English changed since they
    were translated) are left out, so the English shows instead."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if lang == DEFAULT_LANGUAGE or not po.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=domain)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def language_name(lang: str) -> str:
    """A language in its own words ("English", "Español"), as a reader looks for it."""
    from babel import Locale

    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def gettext(message: str) -> str:
    return translations(get_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(get_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it now: whoever shows it later
    passes it through :func:`_` (a label used only in an error message costs nothing until then)."""
    return message


_ = gettext

__all__ = ["_", "N_", "gettext", "ngettext", "get_language", "set_language", "language", "available_languages",
           "language_name", "page_language"]
