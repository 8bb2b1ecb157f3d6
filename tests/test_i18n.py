"""Language per session: English by default, Spanish on request, never a crash on an unknown one."""

from __future__ import annotations

import contextvars
import subprocess
import sys

import pytest

from shine import i18n


@pytest.fixture(autouse=True)
def fresh_language(monkeypatch):
    monkeypatch.delenv("SHINE_LANG", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    token = i18n._current.set(None)
    yield
    i18n._current.reset(token)


def test_english_is_the_default():
    assert i18n.get_language() == "en"
    assert i18n._("Key points") == "Key points"


def test_spanish_catalog_is_available_and_used():
    assert "es" in i18n.available_languages()
    assert i18n.set_language("es") == "es"
    assert i18n._("Key points") == "Ideas clave"
    assert i18n.ngettext("{n} minute", "{n} minutes", 5).format(n=5) == "5 minutos"


def test_regional_variants_and_unknown_languages():
    assert i18n.set_language("es-MX") == "es"
    assert i18n.set_language("klingon") == "en"
    assert i18n._("Key points") == "Key points"


def test_a_voila_page_chooses_its_language_from_the_address(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "kiosk=3&lang=es")
    assert i18n.get_language() == "es"


def test_the_server_default_comes_from_shine_lang(monkeypatch):
    monkeypatch.setenv("SHINE_LANG", "es")
    assert i18n.get_language() == "es"


def test_two_sessions_in_one_process_keep_their_own_language():
    def in_session(lang):
        i18n.set_language(lang)
        return i18n._("Key points")

    assert contextvars.copy_context().run(in_session, "es") == "Ideas clave"
    assert contextvars.copy_context().run(in_session, "en") == "Key points"
    assert i18n.get_language() == "en"


def test_the_catalog_template_is_up_to_date():
    """Every string marked in the code is in shine.pot (run `make i18n` after changing strings)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    with (i18n.LOCALE_DIR.parent / "shine.pot").open("rb") as fh:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    package = i18n.LOCALE_DIR.parent.parent
    in_code = {m[2] if isinstance(m[2], str) else m[2][0] for m in extract_from_dir(str(package))}
    missing = sorted(in_code - template)
    assert not missing, f"{len(missing)} strings are not in shine.pot, e.g. {missing[:5]}"


def test_cli_messages_follow_the_language_flag():
    out = subprocess.run([sys.executable, "-m", "shine", "--lang", "es", "content", "check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "es válido" in out.stdout


def test_no_translatable_string_hides_inside_an_f_string():
    """Babel cannot see _() inside an f-string, so such a string would never be translated."""
    import ast

    package = i18n.LOCALE_DIR.parent.parent
    offenders = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in ("_", "ngettext", "gettext"):
                        offenders.append(f"{path.relative_to(package)}:{inner.lineno}")
    assert not offenders, offenders


def test_cli_help_follows_the_language_flag():
    out = subprocess.run([sys.executable, "-m", "shine", "--lang", "es", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "revisar el contenido del currículo" in out.stdout


def test_a_store_message_names_the_field_in_the_reader_s_language(tmp_path):
    """Field labels are marked with N_ and translated only when a message is shown."""
    from shine.store import Store, StoreInputError

    with Store(f"sqlite:///{tmp_path / 's.db'}") as s:
        w = s.room.create_workshop("Regional")
        for lang, message in (("es", "La publicación no tiene texto; por favor escriba algo."),
                              ("en", "The post is empty; please write something.")):
            i18n.set_language(lang)
            with pytest.raises(StoreInputError) as refused:
                s.room.add_post(w.id, "milestone", "   ", "kiosk-1")
            assert str(refused.value) == message
        assert s.room.count_posts(w.id) == 0
