"""The curriculum in other languages: the ``content`` catalog, its upkeep and its completeness check."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po, write_po

from shine import cli, content
from shine.content.translate import messages, translated
from shine.i18n import catalogs, set_language


@pytest.fixture(scope="module")
def entries():
    return list(messages(content.english()))


def test_every_free_text_is_an_entry_named_by_item_and_field(entries):
    contexts = dict(entries)
    assert len(contexts) == len(entries), "contexts are unique"
    play = content.english().plays.plays[0]
    assert contexts[f"play:{play.id}:practices[0].text"] == play.practices[0].text
    assert contexts["case:csde-district-pilot:aim"] == content.english().cases.pilot.aim  # an item with an id
    assert contexts["responsibilities:guidance.text"] == content.english().responsibilities.guidance.text  # without
    assert any(c.startswith("plan_rule:") and c.endswith(":message") for c in contexts), "plan rules' messages"
    # Never translated: ids, references, numbers, sources, addresses.
    for context, english in entries:
        field = context.rsplit(":", 1)[-1]
        assert not re.search(r"(^|\.)(id|source|locator|citation|figure|url)(\[|$)", field), context
        if context.startswith("play:"):
            assert not re.search(r":(role|area|types|standards|capacities)(\[|$)", context), context
    assert not any(c.startswith("source:") for c in contexts), "source titles stay as published"


def test_the_content_template_is_up_to_date(entries):
    """`make i18n` (shine i18n update) writes content.pot from the YAML; a change to the content
    without it would leave translators working from old text."""
    with catalogs.template_path("content").open("rb") as fh:
        template = read_po(fh)
    assert [(m.context, m.id) for m in template if m.id] == entries, "run `make i18n`"


def write_translations(path, lang, strings: dict[str, str]) -> None:
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    for message in catalog:
        if message.context in strings:
            message.string = strings[message.context]
    with path.open("wb") as fh:
        write_po(fh, catalog, width=None)


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """Catalogs in a scratch folder, so the tests can change English and translations freely."""
    (tmp_path / "locale" / "xx" / "LC_MESSAGES").mkdir(parents=True)
    monkeypatch.setattr(catalogs, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setattr(catalogs, "TEMPLATE_DIR", tmp_path)
    monkeypatch.setattr(catalogs, "TERMS_DIR", tmp_path / "terms")
    return tmp_path


def compiled(path, lang):
    import gettext
    import io

    from babel.messages.mofile import write_mo

    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def test_changed_english_marks_the_translation_outdated_and_the_page_shows_english(scratch):
    first = [("play:x:summary", "Families and staff plan together."), ("play:x:name", "Family nights")]
    [result] = catalogs.update_domain("content", first, langs=["xx"])
    assert result.new == 2
    po = catalogs.po_path("xx", "content")
    write_translations(po, "xx", {"play:x:summary": "Las familias y el personal planifican juntos.",
                                  "play:x:name": "Noches familiares"})
    assert catalogs.check("xx", "content").complete

    changed = [("play:x:summary", "Families, staff and students plan together."), ("play:x:name", "Family nights")]
    [result] = catalogs.update_domain("content", changed, langs=["xx"])
    assert (result.new, result.outdated) == (0, 1)
    with po.open("rb") as fh:
        message = read_po(fh).get("Families, staff and students plan together.", context="play:x:summary")
    assert message.fuzzy
    assert catalogs.previous_ids(po) == {"play:x:summary": "Families and staff plan together."}, \
        "the translator sees what the English said before"
    assert message.string == "Las familias y el personal planifican juntos.", "the old work is kept for the translator"
    t = compiled(po, "xx")
    assert t.pgettext("play:x:summary", "Families, staff and students plan together.") == \
        "Families, staff and students plan together.", "outdated Spanish is never shown as current"
    assert t.pgettext("play:x:name", "Family nights") == "Noches familiares"
    report = catalogs.check("xx", "content")
    assert report.fuzzy == ["[play:x:summary] Families, staff and students plan together."] and not report.complete

    catalogs.update_domain("content", changed, langs=["xx"])  # another update keeps the mark and the old English
    assert catalogs.previous_ids(po) == {"play:x:summary": "Families and staff plan together."}
    [result] = catalogs.update_domain("content", changed[1:], langs=["xx"])
    assert result.removed == 1, "a removed item's translation is set aside, not lost"


def test_the_check_finds_untranslated_placeholders_missing_and_terms(scratch):
    (scratch / "terms").mkdir()
    (scratch / "terms" / "xx.yaml").write_text(
        "terms:\n  - en: Action Teams?\n    es: [Equipo de Acción, Equipos de Acción]\n", encoding="utf-8")
    entries = [("a:1:text", "{n} families came."), ("a:2:text", "Our Action Team met."), ("a:3:text", "Thanks."),
               ("a:4:text", "Hello.")]
    catalogs.update_domain("content", entries, langs=["xx"])
    po = catalogs.po_path("xx", "content")
    write_translations(po, "xx", {"a:1:text": "Vinieron {m} familias.", "a:2:text": "Nuestro equipo se reunió.",
                                  "a:3:text": "Gracias."})
    report = catalogs.check("xx", "content")
    assert report.placeholders == ["[a:1:text] {n} families came."]
    assert report.terms == ["[a:2:text] Our Action Team met. (term: Action Teams?)"]
    assert report.untranslated == ["[a:4:text] Hello."]
    catalogs.update_domain("content", entries + [("a:5:text", "New.")], langs=[])  # template only
    assert catalogs.check("xx", "content").missing == ["[a:5:text] New."]


def test_shine_i18n_check_exits_1_and_names_the_problem(scratch, capsys):
    catalogs.update_domain("content", [("a:1:text", "Hello.")], langs=["xx"])
    (scratch / "shine.pot").write_text("", encoding="utf-8")
    assert cli.main(["i18n", "check", "--lang", "xx"]) == 1
    out = capsys.readouterr().out
    assert "xx/content: 1 entries; 1 untranslated." in out and "[a:1:text] Hello." in out


def test_a_translation_replaces_text_and_nothing_else(entries):
    english = content.english()
    shout = translated(english, lambda context, text: text.upper())
    play = english.plays.plays[0]
    loud = next(p for p in shout.plays.plays if p.id == play.id)
    assert loud.practices[0].text == play.practices[0].text.upper()
    assert (loud.id, loud.role, loud.types, loud.source) == (play.id, play.role, play.types, play.source)
    assert shout.sources == english.sources, "source titles are not translated"


def test_a_session_in_another_language_reads_the_curriculum_through_the_catalog():
    english_title = content.english().modules.modules[1].title
    try:
        set_language("es")
        spanish = content.load()
        assert spanish is content.load(), "built once per language"
        assert content.get("module", "01-definition") is next(m for m in spanish.modules.modules
                                                             if m.id == "01-definition")
    finally:
        set_language(None)
    assert content.load().modules.modules[1].title == english_title


def test_every_catalog_is_complete(capsys):
    """Interface and curriculum, every language: nothing untranslated, outdated, missing, with
    placeholders that differ from the English, or with a fixed term translated another way."""
    assert cli.main(["i18n", "check"]) == 0, capsys.readouterr().out


def test_a_spanish_session_reads_spanish_content_and_labels_the_definition():
    from conftest import text_of

    from shine.lessons.welcome.definition_card import DefinitionCard

    english = content.english().definition
    try:
        set_language("es")
        principle = content.get("principle", english.principles[0].id)
        assert principle.name != english.principles[0].name
        assert "confianza" in principle.name.lower()
        card = text_of(DefinitionCard().quote)
        assert "traducción no oficial" in card and english.definition.text not in card
    finally:
        set_language(None)
    assert "unofficial" not in text_of(DefinitionCard().quote)


def test_the_spanish_curriculum_reads_fairly_easily(capsys):
    assert cli.main(["content", "readability", "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert "median reading ease (Fernández-Huerta)" in out, "messages stay in the reader's language (English)"


# --- the module notebooks in other languages ----------------------------------------------------------


def test_translated_notebooks_are_made_from_the_english_and_the_catalog():
    """modules/<lang>/ is generated (shine i18n update): the same cells and code as the English,
    the Markdown from the catalog; a hand edit there, or an English change without `make i18n`,
    fails here."""
    import json

    from shine.i18n import translations
    from shine.kit import notebooks
    from shine.web.paths import modules_dir

    modules = modules_dir()
    for lang in catalogs.languages():
        expected = notebooks.translated_copies(modules, lang, translations(lang, notebooks.DOMAIN).pgettext)
        assert sorted(expected) == sorted(p for p in (modules / lang).rglob("*.ipynb")
                                          if ".ipynb_checkpoints" not in p.parts)
        for path, text in expected.items():
            assert path.read_text(encoding="utf-8") == text, f"{path} is out of date: run `make i18n`"
            english = json.loads((modules / path.relative_to(modules / lang)).read_text(encoding="utf-8"))
            ours = json.loads(text)
            assert [c["cell_type"] for c in ours["cells"]] == [c["cell_type"] for c in english["cells"]]
            assert [c["source"] for c in ours["cells"] if c["cell_type"] == "code"] == \
                [c["source"] for c in english["cells"] if c["cell_type"] == "code"], "no code differs"


def test_a_notebook_in_a_language_folder_runs_in_that_language(tmp_path, monkeypatch):
    from shine.i18n import get_language
    from shine.lessons.header import header_html

    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("SHINE_LANG", raising=False)
    set_language(None)
    (tmp_path / "es").mkdir()
    monkeypatch.chdir(tmp_path / "es")
    assert get_language() == "es"
    header = header_html("01-definition")
    assert '<a href="../01-definition.ipynb" lang="en" hreflang="en">English</a>' in header
    assert '<strong aria-current="page" lang="es">Español</strong>' in header
    (tmp_path / "es" / "reference").mkdir()
    monkeypatch.chdir(tmp_path / "es" / "reference")
    assert get_language() == "es", "modules/es/reference/ (the glossary) is Spanish too"
    monkeypatch.chdir(tmp_path / "es")
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    assert get_language() == "en", "the page's ?lang= comes first"
    monkeypatch.delenv("QUERY_STRING")
    monkeypatch.chdir(tmp_path)
    assert get_language() == "en"
    assert '<a href="es/01-definition.ipynb" lang="es" hreflang="es">Español</a>' in header_html("01-definition")


def test_every_language_has_its_facilitator_guides_and_they_match_the_content():
    from shine.i18n import available_languages, language
    from shine.kit.guide import guides_folder, render_markdown

    for lang in available_languages():
        with language(lang):
            for module in content.items("module"):
                path = guides_folder(lang) / f"{module.id}.md"
                assert path.read_text(encoding="utf-8") == render_markdown(module.id), \
                    f"{path} is out of date: run `shine guides`"
    with language("es"):
        assert "Guía para quien facilita" in render_markdown("01-definition")


def test_jupyterlab_itself_speaks_spanish():
    """Participants who work in JupyterLab get its menus in Spanish from the official language pack."""
    from jupyterlab_server.translation_utils import get_language_packs

    packs, _message = get_language_packs()
    assert "es_ES" in packs
