"""A live session in English, in Spanish or bilingual: the kiosk switches on its page without
losing anything typed, the wall speaks every language of the workshop, the console follows its
page, and `shine workshop --lang` sets it all."""

from __future__ import annotations

import re

import pytest

from ipywidgets import HTML

from conftest import text_of, widget_tree
from shine.cli import main
from shine.i18n import language
from shine.room.languages import html_in, parse_languages, room_languages, text_in
from shine.room.session import open_workshop, session_setup
from shine.room.widgets.console import Console
from shine.room.widgets.kiosk import Kiosk
from shine.room.widgets.wall import Wall
from shine.store import Store


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'shine.db'}") as s:
        yield s


def kiosk_in(store, workshop, lang="en") -> Kiosk:
    return Kiosk(store, workshop.id, lang=lang)


def test_the_room_languages_a_trainer_can_ask_for():
    assert parse_languages("es") == ["es"]
    assert parse_languages("bilingual") == ["en", "es"] == parse_languages(" en, es ,en")
    assert parse_languages(None) is None and parse_languages("  ") is None
    with pytest.raises(ValueError, match="not available.*bilingual"):
        parse_languages("klingon")
    assert room_languages({"languages": ["es", "xx"]}) == ["es"]
    assert room_languages(None, fallback="es") == ["es"]  # a workshop from before languages were kept


def test_setup_keeps_every_label_in_every_language(store):
    setup = session_setup(languages=["en", "es"])
    assert setup["languages"] == ["en", "es"]
    tags = {t["id"]: t["label"] for t in setup["tags"]}
    assert tags["type:communicating"]["es"] != tags["type:communicating"]["en"]
    titles = {s["id"]: s["title"] for s in setup["segments"]}
    assert text_in(titles["rm-break"], "es") == "Receso" and text_in(titles["rm-break"], "en") == "Break"
    assert text_in("An older setup's label", "es") == "An older setup's label"
    assert text_in({"en": "Only English"}, "es") == "Only English"


def test_a_spanish_workshop_is_named_and_started_in_spanish(store):
    workshop, _resumed = open_workshop(store, languages=["es"])
    assert workshop.name.startswith("Reunión regional") and workshop.setup["languages"] == ["es"]
    both, _resumed = open_workshop(store, languages=["en", "es"], new=True)
    assert " / " in both.name
    # Resuming with another language changes it; resuming without one keeps it.
    again, resumed = open_workshop(store, code=workshop.code, languages=["en", "es"])
    assert resumed and again.setup["languages"] == ["en", "es"]
    assert open_workshop(store, code=workshop.code)[0].setup["languages"] == ["en", "es"]


def test_switching_on_the_first_screen_keeps_the_typed_code(store):
    workshop, _r = open_workshop(store)
    kiosk = kiosk_in(store, workshop)
    kiosk.code.value = workshop.code
    assert kiosk.language_button.description == "Español"
    kiosk.language_button.click()
    assert kiosk.lang == "es" and kiosk.code.value == workshop.code
    assert "Unirse al taller" in kiosk.join_title.value and 'lang="es"' in kiosk.join_title.value
    assert kiosk.join_button.description == "Unirse" and kiosk.language_button.description == "English"
    kiosk.join_button.click()  # the handler speaks Spanish, though this test's context is English
    assert kiosk.screen == "team" and "¿Para qué escuela publica?" in kiosk.team_title.value


def test_switching_mid_form_keeps_every_choice_and_word(store):
    workshop, _r = open_workshop(store, languages=["en", "es"])
    kiosk = kiosk_in(store, workshop)
    kiosk.code.value = workshop.code
    kiosk.join_button.click()
    kiosk.team_choice.value = "new"
    kiosk.district.value, kiosk.school.value = "Groton", "Escuela Ñandú 🌟"
    kiosk.switch_language("es")
    assert kiosk.team_choice.value == "new" and kiosk.new_team.layout.display == "flex"
    assert (kiosk.district.value, kiosk.school.value) == ("Groton", "Escuela Ñandú 🌟")
    assert kiosk.team_choice.options[0][0] == "Elija su escuela…" and kiosk.team_button.description == "Continuar"
    kiosk.team_button.click()
    assert kiosk.screen == "post", kiosk.team_message.value
    kiosk.kind.value = "challenge"
    kiosk.body.value = "Las familias trabajan de noche. مرحبا"
    kiosk.tag_buttons["type:communicating"].value = True
    kiosk.switch_language("en")
    assert (kiosk.kind.value, kiosk.body.value) == ("challenge", "Las familias trabajan de noche. مرحبا")
    assert kiosk.tag_buttons["type:communicating"].value is True
    assert kiosk.tag_buttons["type:communicating"].description == "Communicating"
    assert dict(kiosk.kind.options)["Challenge"] == "challenge"
    kiosk.switch_language("es")
    assert kiosk.tag_buttons["type:communicating"].description == "Comunicación"
    assert dict(kiosk.kind.options)["Desafío"] == "challenge"
    kiosk.post_button.click()
    assert "¡Publicado!" in kiosk.post_message.value
    post = store.room.posts(workshop.id)[0]
    assert post.body == "Las familias trabajan de noche. مرحبا" and post.tags == ("type:communicating",)


def test_a_message_in_one_language_is_not_left_behind_in_the_other(store):
    workshop, _r = open_workshop(store)
    kiosk = kiosk_in(store, workshop)
    kiosk.join_button.click()
    assert "type the join code" in kiosk.join_message.value
    kiosk.switch_language("es")
    assert kiosk.join_message.value == ""
    kiosk.join_button.click()
    assert "escriba primero el código" in kiosk.join_message.value


def test_others_posts_and_votes_follow_the_kiosk_language(store):
    workshop, _r = open_workshop(store)
    writer = kiosk_in(store, workshop)
    store.room.add_post(workshop.id, "question", "Where do we find interpreters?", "someone-else")
    writer.code.value = workshop.code
    writer.join_button.click()
    writer.team_choice.value = "new"
    writer.district.value, writer.school.value = "Groton", "Cutler"
    writer.team_button.click()
    row, text, button = writer.other_rows[0]
    assert "Question" in text.value and button.description == "Me too (0)"
    button.click()
    writer.switch_language("es")
    assert "Pregunta" in text.value and "Where do we find interpreters?" in text.value
    assert button.description == "A mí también (1)" and button.disabled
    assert "cuenta" in writer.vote_message.value or writer.vote_message.value == ""


def test_the_wall_of_a_bilingual_workshop_says_everything_in_both(store):
    workshop, _r = open_workshop(store, languages=["en", "es"])
    store.room.add_post(workshop.id, "milestone", "We held our first café!", "k1", tags=["type:communicating"])
    wall = Wall(store, workshop.id, kiosk_url="http://10.0.0.5:8866/voila/render/kiosk.ipynb")
    html = wall.header.value + wall.tiles.value + wall.challenges.value
    for english, spanish in [("Newest posts", "Publicaciones más recientes"), ("Milestone", "Logro"),
                             ("Communicating", "Comunicación"), ("No challenges posted yet.", None)]:
        assert english in html
        if spanish:
            assert spanish in html
    assert re.search(r'<span lang="es" class="shine-also">', html)
    assert "We held our first café!" in html  # the post as typed, once
    assert html.count("We held our first café!") == 1
    assert wall.languages == ["en", "es"]


def test_the_wall_of_a_spanish_workshop_is_in_spanish_only(store):
    workshop, _r = open_workshop(store, languages=["es"])
    wall = Wall(store, workshop.id)
    text = wall.header.value + wall.tiles.value
    assert "Publicaciones más recientes" in text and "Newest posts" not in text


def test_html_in_escapes_each_language_and_says_a_name_once():
    assert html_in(["en", "es"], lambda: "<b>Groton</b>") == "&lt;b&gt;Groton&lt;/b&gt;"


def test_the_console_shows_the_agenda_in_its_language(store, monkeypatch, tmp_path):
    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))  # where wrong keys are counted
    workshop, _r = open_workshop(store, languages=["en", "es"])
    key = "ABCD-EFGH-JKMN-PQRS"
    store.room.set_facilitator_key(workshop.id, key)
    with language("es"):
        console = Console(store, workshop.id)
        console.key.value = key
        console.open_button.click()
        shown = " ".join(text_of(w) for w in widget_tree(console) if isinstance(w, HTML))
    assert "Receso" in shown and "Bienvenida y propósito del día" in shown
    assert "Break" not in shown


def test_shine_workshop_refuses_an_unknown_room_language(capsys):
    assert main(["workshop", "--lang", "klingon", "--no-qr"]) == 2
    assert "not available" in capsys.readouterr().err
