"""The glossary: look a word up, or see only the words of one module."""

from __future__ import annotations

import html

import pytest

from shine import content
from shine.lessons.glossary import Glossary, search


def test_the_full_glossary_lists_every_term():
    g = Glossary()
    terms = content.items("term")
    assert f"{len(terms)} terms" in g.list.value
    for t in terms:
        assert html.escape(t.term) in g.list.value


def test_typing_narrows_the_list_ignoring_case_and_accents():
    g = Glossary()
    g.query.value = "cafe"
    assert [t.id for t in g.shown] == ["community-cafe"]
    assert "Community Café" in g.list.value
    g.query.value = "pthv"  # found through "also"
    assert [t.id for t in g.shown] == ["relational-home-visit"]


def test_a_module_glossary_shows_only_its_words():
    g = Glossary("03-dual-capacity")
    assert g.shown and all("03-dual-capacity" in t.modules for t in g.shown)
    assert "Funds of knowledge" in g.list.value
    assert "CSDE" not in g.list.value


def test_odd_searches_get_a_plain_answer():
    g = Glossary()
    for query in ("zzzz", "<script>alert(1)</script>", "x" * 10_000, "🙂", "مرحبا"):
        g.query.value = query
        assert "<script>" not in g.list.value
        if not g.shown:
            assert "No term matches" in g.list.value
    assert len(g.list.value) < 5_000, "a huge query is cut, not echoed whole"
    g.query.value = ""
    assert len(g.shown) == len(content.items("term"))
    assert search("   ") == g.shown


def test_an_unknown_module_is_an_error_not_an_empty_list():
    with pytest.raises(KeyError):
        Glossary("99-nothing")
