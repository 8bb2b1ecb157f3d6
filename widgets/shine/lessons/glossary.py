"""The glossary: every term in plain words, searchable; or only the words of one module."""

from __future__ import annotations

import unicodedata

import ipywidgets as widgets

from shine import content
from shine.i18n import _, ngettext
from shine.web.html import esc, page

MAX_QUERY_CHARS = 100


def _fold(text: str) -> str:
    """Lower case without accents, so "cafe" finds "Café"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def terms(module_id: str | None = None) -> list:
    found = content.items("term")
    if module_id:
        found = [t for t in found if module_id in t.modules]
    return sorted(found, key=lambda t: _fold(t.term))


def search(query: str, module_id: str | None = None) -> list:
    words = _fold(query or "")[:MAX_QUERY_CHARS].split()
    if not words:
        return terms(module_id)
    out = []
    for t in terms(module_id):
        haystack = _fold(" ".join([t.term, t.meaning, *t.also]))
        if all(w in haystack for w in words):
            out.append(t)
    return out


def terms_html(found: list, query: str = "") -> str:
    if not found:
        text = _("No term matches “{query}”. Try a shorter word, or ask your trainer to add it.").format(
            query=query.strip()[:MAX_QUERY_CHARS])
        return page(f"<p>{esc(text)}</p>")
    items = "".join(f"<p><strong>{esc(t.term)}</strong><br/>{esc(t.meaning)}</p>" for t in found)
    count = ngettext("{n} term", "{n} terms", len(found)).format(n=len(found))
    return page(f'<p class="shine-meta">{esc(count)}</p>{items}')


class Glossary(widgets.VBox):
    """``Glossary()`` lists every term; ``Glossary("03-dual-capacity")`` the words of one module."""

    def __init__(self, module_id: str | None = None):
        self.module_id = module_id
        if module_id:
            content.get("module", module_id)  # an unknown id fails here, loudly, not as an empty list
        self.query = widgets.Text(placeholder=_("Type a word, e.g. ATP"), description=_("Look up"),
                                  continuous_update=True, layout=widgets.Layout(width="24rem", max_width="100%"))
        self.list = widgets.HTML(terms_html(terms(module_id)))
        self.query.observe(lambda change: self._update(change["new"]), names="value")
        super().__init__([self.query, self.list])
        self.add_class("shine-component")
        self.add_class("shine-glossary")

    @property
    def shown(self) -> list:
        return search(self.query.value, self.module_id)

    def _update(self, query: str) -> None:
        self.list.value = terms_html(search(query, self.module_id), query)
