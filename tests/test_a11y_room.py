"""The live session's pages against WCAG 2.1 A/AA with axe-core, in every state a person sees:
the kiosk's four screens, the wall, the console locked and unlocked, each tab of the Mini Visit
tracker; at 360x740 and 1280x800; in English and in Spanish. No rule is disabled."""

from __future__ import annotations

import pytest

from conftest import axe_audit
from test_workshop_e2e import PAGE_TIMEOUT_MS, free_port, start_workshop, stop_workshop


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_workshop(tmp_path_factory.mktemp("a11y-home"), free_port(), "--lang", "bilingual",
                             "--name", "Groton regional meeting")
    with running.store() as store:
        store.teams.ensure("Groton", "Cutler Middle School")
    yield running
    stop_workshop(running)


def audit(page, where: str, artifacts_dir) -> None:
    axe_audit(page, where, artifacts_dir)


def kiosk_button(page, name: str):
    return page.locator(".shine-kiosk").get_by_role("button", name=name, exact=True)


WORDS = {"en": {"join": "Join", "new": "My school is not in the list", "continue": "Continue",
                "kind": "Challenge", "post": "Post", "title": "Join the workshop"},
         "es": {"join": "Unirse", "new": "Mi escuela no está en la lista", "continue": "Continuar",
                "kind": "Desafío", "post": "Publicar", "title": "Unirse al taller"}}


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_kiosk_screen(server, new_page, artifacts_dir, lang):
    words = WORDS[lang]
    page = new_page()
    page.goto(server.url("kiosk") + f"?lang={lang}")
    page.wait_for_selector(f".shine-kiosk h2:has-text('{words['title']}')", timeout=PAGE_TIMEOUT_MS)
    audit(page, f"kiosk-join-{lang}", artifacts_dir)
    page.locator(".shine-kiosk input").first.fill(server.code)
    kiosk_button(page, words["join"]).click()
    page.wait_for_selector(".shine-kiosk select", timeout=20_000)
    page.select_option(".shine-kiosk select", label=words["new"])
    audit(page, f"kiosk-school-{lang}", artifacts_dir)
    fields = page.locator(".shine-kiosk .widget-text input")
    fields.nth(0).fill("Groton")
    fields.nth(1).fill(f"Escuela {lang}")
    kiosk_button(page, words["continue"]).click()
    page.wait_for_selector(".shine-kiosk textarea", timeout=20_000)
    audit(page, f"kiosk-post-{lang}", artifacts_dir)
    kiosk_button(page, words["kind"]).click()
    page.fill(".shine-kiosk textarea", "Muchas familias trabajan de noche. العائلات")
    kiosk_button(page, words["post"]).click()
    page.wait_for_function("document.querySelector('.shine-kiosk textarea').value === ''", timeout=20_000)
    audit(page, f"kiosk-posted-{lang}", artifacts_dir)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_wall(server, new_page, artifacts_dir, lang):
    page = new_page()
    page.goto(server.url("wall") + f"?lang={lang}")
    page.wait_for_selector(".shine-wall-count", timeout=PAGE_TIMEOUT_MS)
    audit(page, f"wall-{lang}", artifacts_dir)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_console_locked_and_open(server, new_page, artifacts_dir, lang):
    page = new_page()
    page.goto(server.url("console") + f"?lang={lang}")
    page.wait_for_selector(".shine-console input", timeout=PAGE_TIMEOUT_MS)
    audit(page, f"console-locked-{lang}", artifacts_dir)
    page.locator(".shine-console input").fill(server.key)
    page.locator(".shine-console button").first.click()
    page.wait_for_selector(".shine-console .shine-timer, .shine-console h3", timeout=30_000)
    audit(page, f"console-open-{lang}", artifacts_dir)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
def test_each_tab_of_the_tracker(server, new_page, artifacts_dir, lang):
    page = new_page()
    page.goto(server.url("mini-visits") + f"?lang={lang}")
    page.wait_for_selector(".shine-key-gate input", timeout=PAGE_TIMEOUT_MS)
    audit(page, f"tracker-locked-{lang}", artifacts_dir)
    page.locator(".shine-key-gate input").fill(server.key)
    page.locator(".shine-key-gate button").first.click()
    page.wait_for_selector(".shine-mini-visits", timeout=30_000)
    tabs = page.get_by_role("tab")
    for i in range(tabs.count()):
        tabs.nth(i).click()
        page.wait_for_timeout(300)
        audit(page, f"tracker-tab{i}-{lang}", artifacts_dir)


@pytest.mark.browser
@pytest.mark.parametrize("name", ["kiosk", "wall", "console", "mini-visits"])
def test_no_page_asks_anything_of_another_host(server, new_page, name):
    """A room without internet (or behind a captive portal) gets every page whole, and no phone
    contacts a third party: every request goes to the workshop's own server."""
    from urllib.parse import urlparse

    page = new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(server.url(name))
    page.wait_for_selector(".jupyter-widgets", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    here = urlparse(server.url(name)).netloc
    elsewhere = sorted({u for u in asked if urlparse(u).scheme in ("http", "https", "ws", "wss")
                        and urlparse(u).netloc != here})
    assert asked and not elsewhere, elsewhere
