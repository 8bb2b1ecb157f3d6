"""A bilingual workshop in real Chromium: a preheated kiosk opened with ``?lang=es`` speaks
Spanish, every kiosk screen switches language on the page without losing what was typed, and the
wall and the console show no English in Spanish. Screenshots go to test-artifacts/workshop-es/."""

from __future__ import annotations

import pytest

from conftest import english_phrases, words
from test_workshop_e2e import PAGE_TIMEOUT_MS, free_port, start_workshop, stop_workshop

NAME = "Encuentro regional de Groton"  # the workshop's name is the trainer's own text


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_workshop(tmp_path_factory.mktemp("bilingual-home"), free_port(),
                             "--lang", "bilingual", "--name", NAME)
    yield running
    stop_workshop(running)


@pytest.fixture(scope="module")
def phrases():
    return english_phrases()


def no_english(page, phrases, where: str, artifacts_dir, selector: str = "body") -> None:
    text = words(page.inner_text(selector))
    left = [p for p in phrases if p in text]
    folder = artifacts_dir / "workshop-es"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{where}.png"), full_page=True)
    assert not left, f"{where} still shows English: {left[:10]}"


def button(page, name: str):
    return page.locator(".shine-kiosk").get_by_role("button", name=name, exact=True)


def test_the_printed_summary_names_both_languages(server):
    assert "Language of the room: English + Español" in server.text


@pytest.mark.browser
def test_every_kiosk_screen_in_spanish_and_switching_keeps_what_was_typed(server, new_page, phrases, artifacts_dir):
    page = new_page()
    # A preheated kiosk was built before this request: it learns ?lang=es and switches in its kernel.
    page.goto(server.url("kiosk") + "?lang=es")
    page.wait_for_selector(".shine-kiosk h2:has-text('Unirse al taller')", timeout=PAGE_TIMEOUT_MS)
    no_english(page, phrases, "1-join", artifacts_dir)

    code = page.locator(".shine-kiosk .widget-text input")
    code.fill(server.code)
    button(page, "English").click()
    page.wait_for_selector(".shine-kiosk h2:has-text('Join the workshop')")
    assert code.input_value() == server.code  # the typed code stays
    button(page, "Español").click()
    button(page, "Unirse").click()

    page.wait_for_selector(".shine-kiosk select", timeout=10_000)
    no_english(page, phrases, "2-team", artifacts_dir)
    page.select_option(".shine-kiosk select", label="Mi escuela no está en la lista")
    fields = page.locator(".shine-kiosk .widget-text input")
    fields.nth(0).fill("Groton")
    fields.nth(1).fill("Escuela Ñandú")
    button(page, "English").click()
    page.wait_for_selector(".shine-kiosk button:has-text('Continue')")
    assert [fields.nth(0).input_value(), fields.nth(1).input_value()] == ["Groton", "Escuela Ñandú"]
    assert page.locator(".shine-kiosk select").input_value() == "My school is not in the list"  # still chosen
    button(page, "Español").click()
    button(page, "Continuar").click()

    page.wait_for_selector(".shine-kiosk textarea", timeout=10_000)
    no_english(page, phrases, "3-post", artifacts_dir)
    button(page, "Desafío").click()
    page.fill(".shine-kiosk textarea", "Muchas familias trabajan de noche.")
    button(page, "Comunicación").click()
    button(page, "English").click()
    page.wait_for_selector(".shine-kiosk button:has-text('Communicating')")
    assert page.locator(".shine-kiosk textarea").input_value() == "Muchas familias trabajan de noche."
    assert "mod-active" in (button(page, "Challenge").get_attribute("class") or "")
    button(page, "Español").click()
    button(page, "Publicar").click()
    page.wait_for_function("document.querySelector('.shine-kiosk textarea').value === ''", timeout=10_000)
    assert "¡Publicado!" in page.locator(".shine-kiosk [role=status]").first.inner_text()
    no_english(page, phrases, "4-posted", artifacts_dir)


@pytest.mark.browser
def test_the_wall_in_both_languages_and_in_spanish(server, new_page, phrases, artifacts_dir):
    wall = new_page(1280, 800)
    wall.goto(server.url("wall"))
    wall.wait_for_selector(".shine-wall-count", timeout=PAGE_TIMEOUT_MS)
    text = words(wall.inner_text(".shine-wall"))
    assert "Newest posts" in text and "Publicaciones más recientes" in text  # bilingual: both, side by side
    assert wall.locator(".shine-wall [lang=es]").count() > 0
    spanish = new_page(1280, 800)
    spanish.goto(server.url("wall") + "?lang=es")
    spanish.wait_for_selector(".shine-wall-count", timeout=PAGE_TIMEOUT_MS)
    no_english(spanish, phrases, "5-wall", artifacts_dir)


@pytest.mark.browser
def test_the_console_in_spanish(server, new_page, phrases, artifacts_dir):
    page = new_page(1280, 800)
    page.goto(server.url("console") + "?lang=es")
    page.wait_for_selector(".shine-console input", timeout=PAGE_TIMEOUT_MS)
    no_english(page, phrases, "6-console-locked", artifacts_dir)
    page.fill(".shine-console input", server.key)
    page.locator(".shine-console button").first.click()
    page.wait_for_selector(".shine-console :text('Receso')", timeout=20_000)
    no_english(page, phrases, "7-console", artifacts_dir)
