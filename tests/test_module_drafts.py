"""A participant switches a module page to the other language and finds what they typed there:
the draft keeper of :mod:`shine.web.drafts`, driven cell by cell as Voila runs a page, then the
real thing in Chromium (screenshot in test-artifacts/modules/)."""

from __future__ import annotations

import html
import json
import logging
import os
import re
import stat
import time
import urllib.request
from types import SimpleNamespace

import ipywidgets as widgets
import pytest
from conftest import voila_server

from shine import content
from shine.i18n import _, language
from shine.lessons.glossary import Glossary, search, terms_html
from shine.lessons.header import ModuleHeader, languages_html
from shine.lessons.principles.scenario_sort import ScenarioSort
from shine.web import drafts
from shine.web.drafts import DraftKeeper
from shine.web.paths import modules_dir

PAGE = "01-definition"


def run_page(keeper: DraftKeeper, cells) -> list:
    """Run ``cells`` (functions that make a cell's widgets) as Voila runs a page's code cells."""
    made = []
    for cell in cells:
        made.append(cell())
        keeper.after_cell(None)
    return made


def saved(keeper: DraftKeeper) -> dict:
    return json.loads(keeper.path.read_text(encoding="utf-8"))


class Lesson:
    """A small lesson: a name box and a menu whose observer says what was chosen."""

    def __init__(self, size_label: str = "Size"):
        self.heard: list[str] = []
        self.title = widgets.HTML("<h3>A lesson</h3>")
        self.name = widgets.Text()
        self.size = widgets.Dropdown(options=[("(choose)", ""), (size_label, "big"), ("Small", "small")], value="")
        self.size.observe(lambda change: self.heard.append(change["new"]), names="value")


def widget_cells():
    return [
        lambda: widgets.HTML("the header"),
        Lesson,
        lambda: [widgets.ToggleButtons(options=[("Yes", 0), ("Not yet", 1)], value=None), widgets.IntText(0),
                 widgets.Checkbox(False), widgets.HTML("feedback"), widgets.Textarea("")],
    ]


# --- saving and restoring ----------------------------------------------------------------------------


def test_a_second_page_restores_what_was_typed_and_its_observers_run(tmp_path):
    first = DraftKeeper(PAGE, folder=tmp_path)
    _header, lesson, (toggle, number, box, _html, notes) = run_page(first, widget_cells())
    assert not first.path.exists(), "nothing typed, nothing saved"
    lesson.name.value = "Main Street School"
    lesson.size.value = "small"
    toggle.value = 1
    number.value = 42
    box.value = True
    assert saved(first)["values"] == {
        "1.0.Text": {"value": "Main Street School"},
        "1.1.Dropdown": {"value": "small", "index": 2, "count": 3},
        "2.0.ToggleButtons": {"value": 1, "index": 1, "count": 2},
        "2.1.IntText": {"value": 42},
        "2.2.Checkbox": {"value": True},
    }

    second = DraftKeeper(PAGE, restore=first.token, folder=tmp_path)
    assert second.token != first.token
    _header, again, (toggle2, number2, box2, _html2, notes2) = run_page(
        second, [widget_cells()[0], lambda: Lesson("Grande"), widget_cells()[2]])
    assert again.name.value == "Main Street School"
    assert again.size.value == "small" and again.heard == ["small"], "the lesson's own observer ran"
    assert (toggle2.value, number2.value, box2.value, notes2.value) == (1, 42, True, "")
    assert saved(second)["values"] == saved(first)["values"], "the new page starts from the draft it read"

    notes2.value = "Call the PTA"  # the new page saves under its own token
    assert saved(second)["values"]["2.3.Textarea"] == {"value": "Call the PTA"}
    assert "2.3.Textarea" not in saved(first)["values"]


def test_real_lessons_come_back_in_spanish(tmp_path):
    principle = sorted(content.items("principle"), key=lambda p: p.number)[2]
    first = DraftKeeper(PAGE, folder=tmp_path)
    sort, glossary = run_page(first, [ScenarioSort, lambda: Glossary(PAGE)])
    sort.principle.value = principle.id
    sort.verdict.value = "breaks"
    glossary.query.value = "knowledge"
    assert [t.term for t in glossary.shown] == ["Funds of knowledge"]

    with language("es"):
        second = DraftKeeper(PAGE, restore=first.token, folder=tmp_path)
        sort2, glossary2 = run_page(second, [ScenarioSort, lambda: Glossary(PAGE)])
        assert (sort2.principle.value, sort2.verdict.value) == (principle.id, "breaks")
        assert sort2.principle.label == _("{n}. {name}").format(
            n=principle.number, name=content.get("principle", principle.id).short)
        assert glossary2.query.value == "knowledge"
        assert glossary2.list.value == terms_html(search("knowledge", PAGE), "knowledge"), "the list follows the box"


def test_a_menu_whose_values_are_translated_text_comes_back_by_position(tmp_path):
    def menu(words):
        return widgets.Dropdown(options=[(w, ("id-" + str(i), w)) for i, w in enumerate(words)])

    first = DraftKeeper(PAGE, folder=tmp_path)
    (chosen,) = run_page(first, [lambda: menu(["Apple", "Pear", "Plum"])])
    chosen.value = ("id-2", "Plum")
    assert saved(first)["values"]["0.0.Dropdown"] == {"value": ["id-2", "Plum"], "index": 2, "count": 3}

    second = DraftKeeper(PAGE, restore=first.token, folder=tmp_path)
    (restored,) = run_page(second, [lambda: menu(["Manzana", "Pera", "Ciruela"])])
    assert restored.value == ("id-2", "Ciruela")
    third = DraftKeeper(PAGE, restore=first.token, folder=tmp_path)
    (shorter,) = run_page(third, [lambda: menu(["Manzana", "Pera"])])
    assert shorter.value == ("id-0", "Manzana"), "other options: the saved position means nothing"


def test_a_widget_of_another_class_or_a_value_that_is_not_an_option_is_left_alone(tmp_path, caplog):
    first = DraftKeeper(PAGE, folder=tmp_path)
    text, choice = run_page(first, [widgets.Text, lambda: widgets.ToggleButtons(options=["a", "b"])])
    text.value = "typed"
    choice.value = "b"
    second = DraftKeeper(PAGE, restore=first.token, folder=tmp_path)
    with caplog.at_level(logging.WARNING, logger="shine.drafts"):
        area, other = run_page(second, [widgets.Textarea, lambda: widgets.ToggleButtons(options=["x", "y", "z"])])
    assert area.value == "" and other.value == "x"
    assert "1.0.ToggleButtons not restored" in caplog.text


def test_widgets_that_show_things_hold_files_or_passwords_are_not_kept(tmp_path):
    keeper = DraftKeeper(PAGE, folder=tmp_path)
    made = run_page(keeper, [lambda: [widgets.HTML("x"), widgets.Label("y"), widgets.Password(),
                                      widgets.FileUpload(), widgets.Valid(value=True), widgets.Text()]])
    html_widget, label, password, _upload, _valid, text = made[0]
    html_widget.value, label.value, password.value, text.value = "changed", "changed", "secret", "kept"
    assert saved(keeper)["values"] == {"0.0.Text": {"value": "kept"}}
    assert "secret" not in keeper.path.read_text(encoding="utf-8")


def test_widgets_made_before_the_keeper_or_after_a_click_are_not_named(tmp_path):
    before = widgets.Text()
    keeper = DraftKeeper(PAGE, folder=tmp_path)
    (text,) = run_page(keeper, [widgets.Text])
    before.value = "earlier"
    text.value = "mine"
    assert list(saved(keeper)["values"]) == ["0.0.Text"]


# --- damaged, foreign and hostile drafts --------------------------------------------------------------


@pytest.mark.parametrize("damage", ["{not json", "[1, 2]", json.dumps({"format": 99, "page": PAGE, "values": {}}),
                                    json.dumps({"format": 1, "page": "02-district-systems",
                                                "values": {"0.0.Text": {"value": "other module"}}}),
                                    "\udcff"])
def test_a_damaged_or_foreign_draft_is_ignored_with_a_note(tmp_path, caplog, damage):
    token = drafts.new_token()
    drafts.draft_path(token, tmp_path).write_text(damage, encoding="utf-8", errors="surrogateescape")
    with caplog.at_level(logging.WARNING, logger="shine.drafts"):
        keeper = DraftKeeper(PAGE, restore=token, folder=tmp_path)
        (text,) = run_page(keeper, [widgets.Text])
    assert text.value == "" and "nothing restored" in caplog.text
    text.value = "still saved"
    assert saved(keeper)["values"] == {"0.0.Text": {"value": "still saved"}}


def test_a_missing_draft_and_bad_values_inside_a_draft_are_ignored(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="shine.drafts"):
        keeper = DraftKeeper(PAGE, restore=drafts.new_token(), folder=tmp_path)
    assert keeper.values == {} and "no draft" in caplog.text
    token = drafts.new_token()
    drafts.draft_path(token, tmp_path).write_text(json.dumps({"format": 1, "page": PAGE, "values": {
        "0.0.Text": {"value": "good"}, "0.1.Text": {"value": {"nested": 1}}, "../x": {"value": "bad key"},
        "0.2.IntText": {"value": 3, "index": "1"}}}), encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="shine.drafts"):
        keeper = DraftKeeper(PAGE, restore=token, folder=tmp_path)
    assert keeper.values == {"0.0.Text": {"value": "good"}} and "3 damaged values" in caplog.text


@pytest.mark.parametrize("address", ["keep=../../etc/passwd", "keep=..%2F..%2Fetc%2Fpasswd", "keep=" + "a" * 31,
                                     "keep=" + "a" * 33, "keep=" + "a" * 31 + "/", "keep=" + "a" * 31 + ".",
                                     "keep=" + "a" * 32 + "%0A", "keep=", "lang=es"])
def test_only_a_real_token_names_a_draft(address):
    assert drafts.requested_token(address) is None
    with pytest.raises(ValueError):
        drafts.draft_path("../../etc")
    assert "keep=" not in languages_html("01-definition.ipynb", "../../etc")


def test_a_real_token_is_read_from_the_address():
    token = drafts.new_token()
    assert drafts.valid_token(token) and len(token) == 32
    assert drafts.requested_token(f"lang=es&keep={token}") == token
    assert f'href="es/01-definition.ipynb?keep={token}"' in languages_html("01-definition.ipynb", token)


# --- sizes, files, age ----------------------------------------------------------------------------------


def test_a_huge_paste_is_not_written(tmp_path, caplog):
    keeper = DraftKeeper(PAGE, folder=tmp_path)
    story, other = run_page(keeper, [lambda: widgets.Textarea(), widgets.Text])[0:2]
    story.value = "a short story"
    other.value = "kept"
    with caplog.at_level(logging.WARNING, logger="shine.drafts"):
        story.value = "x" * (drafts.MAX_VALUE_CHARS + 1)
    assert saved(keeper)["values"] == {"1.0.Text": {"value": "kept"}}
    assert "longer than" in caplog.text
    assert keeper.path.stat().st_size < 1000


def test_a_draft_never_grows_past_its_limit(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(drafts, "MAX_DRAFT_BYTES", 400)
    keeper = DraftKeeper(PAGE, folder=tmp_path)
    (boxes,) = run_page(keeper, [lambda: [widgets.Text() for _ in range(5)]])
    with caplog.at_level(logging.WARNING, logger="shine.drafts"):
        for box in boxes:
            box.value = "y" * 100
    assert 0 < len(saved(keeper)["values"]) < 5
    assert keeper.path.stat().st_size <= 400
    assert "the draft would pass 400 bytes" in caplog.text
    too_big = DraftKeeper(PAGE, folder=tmp_path)
    too_big.path.write_text(json.dumps({"format": 1, "page": PAGE, "values": {"0.0.Text": {"value": "z" * 500}}}))
    with caplog.at_level(logging.WARNING, logger="shine.drafts"):
        assert DraftKeeper(PAGE, restore=too_big.token, folder=tmp_path).values == {}
    assert "too big" in caplog.text


def test_drafts_are_private_files_and_old_ones_are_removed(tmp_path):
    folder = tmp_path / "drafts"
    keeper = DraftKeeper(PAGE, folder=folder)
    (text,) = run_page(keeper, [widgets.Text])
    text.value = "private"
    assert stat.S_IMODE(keeper.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in folder.iterdir()] == [keeper.path.name], "no temporary file left behind"

    old = drafts.draft_path(drafts.new_token(), folder)
    old.write_text("{}")
    leftover = folder / ".draft-abc.tmp"
    leftover.write_text("")
    other = folder / "notes.txt"
    other.write_text("not a draft")
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (old, leftover, other):
        os.utime(path, (two_days_ago, two_days_ago))
    DraftKeeper(PAGE, folder=folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([keeper.path.name, "notes.txt"])


def test_a_draft_that_cannot_be_written_never_stops_the_lesson(tmp_path, caplog):
    blocked = tmp_path / "drafts"
    blocked.write_text("a file where the folder should be")
    keeper = DraftKeeper(PAGE, folder=blocked)
    (lesson,) = run_page(keeper, [Lesson])
    with caplog.at_level(logging.WARNING, logger="shine.drafts"):
        lesson.size.value = "big"
        lesson.name.value = "still works"
    assert lesson.heard == ["big"] and lesson.name.value == "still works"
    assert caplog.text.count("cannot write") == 1, "one note, not one per key pressed"


# --- the module header starts it, under Voila only --------------------------------------------------------


@pytest.fixture
def fake_voila(tmp_path, monkeypatch):
    """A kernel as Voila starts one for a page: its environment and IPython's events."""
    import IPython
    from IPython.core.events import EventManager, available_events

    shell = SimpleNamespace(events=EventManager(None, available_events))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr(drafts, "_keeper", None)
    monkeypatch.setattr(drafts.log, "handlers", [])  # the note handler a kernel adds, gone after the test
    monkeypatch.setenv("SHINE_HOME", str(tmp_path))
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-1")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    return shell


def test_outside_voila_the_header_keeps_nothing(monkeypatch):
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    monkeypatch.delenv("VOILA_REQUEST_URL", raising=False)
    header = ModuleHeader(PAGE)
    assert header.keeper is None
    assert 'href="es/01-definition.ipynb"' in header.html.value


def test_under_voila_the_header_links_carry_the_draft_and_the_next_page_restores_it(fake_voila, tmp_path,
                                                                                  monkeypatch):
    header = ModuleHeader(PAGE)
    keeper = header.keeper
    assert keeper is not None and ModuleHeader(PAGE).keeper is keeper, "one keeper per page"
    assert f'href="es/01-definition.ipynb?keep={keeper.token}"' in header.html.value
    fake_voila.events.trigger("post_run_cell", None)  # the header's cell
    glossary = Glossary(PAGE)
    fake_voila.events.trigger("post_run_cell", None)
    glossary.query.value = "family"
    assert keeper.path.parent == tmp_path / "drafts"

    monkeypatch.setattr(drafts, "_keeper", None)  # the Spanish page: a new kernel
    from IPython.core.events import EventManager, available_events

    fake_voila.events = EventManager(None, available_events)
    monkeypatch.setenv("QUERY_STRING", f"keep={keeper.token}")
    (tmp_path / "es").mkdir()
    monkeypatch.chdir(tmp_path / "es")
    spanish = ModuleHeader(PAGE)
    assert spanish.keeper.token != keeper.token
    assert f'href="../01-definition.ipynb?keep={spanish.keeper.token}"' in spanish.html.value
    fake_voila.events.trigger("post_run_cell", None)
    again = Glossary(PAGE)
    fake_voila.events.trigger("post_run_cell", None)
    assert again.query.value == "family"


def test_a_keeper_that_cannot_start_leaves_a_plain_header(fake_voila, monkeypatch, caplog):
    monkeypatch.setattr(drafts, "DraftKeeper", lambda *a, **k: 1 / 0)
    with caplog.at_level(logging.WARNING, logger="shine.drafts"):
        header = ModuleHeader(PAGE)
    assert header.keeper is None and "?keep=" not in header.html.value
    assert "not kept on this page" in caplog.text


# --- in Chromium -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    home = tmp_path_factory.mktemp("drafts-home")
    with voila_server(modules_dir(), home, startup_timeout=90) as running:
        yield SimpleNamespace(url=running.url.rstrip("/"), home=home, server=running)


def words(text: str) -> str:
    return " ".join(text.split())


def wait_for_page(page) -> None:
    page.wait_for_selector(".shine-glossary input", timeout=90_000)
    page.wait_for_selector(".shine-scenario-sort select", timeout=60_000)


@pytest.mark.browser
def test_switching_to_spanish_keeps_the_text_and_the_choice(served, page, artifacts_dir):
    principle = sorted(content.items("principle"), key=lambda p: p.number)[3]
    word = "knowledge"
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(served.url + "/")  # the home page first, for the cookie Voila's tab-close beacon needs
    page.goto(f"{served.url}/voila/render/{PAGE}.ipynb")
    wait_for_page(page)
    page.locator(".shine-scenario-sort select").select_option(label=f"{principle.number}. {principle.short}")
    page.locator(".shine-glossary input").fill(word)
    page.locator(".shine-glossary").get_by_text("1 term", exact=True).wait_for(timeout=10_000)

    page.get_by_role("link", name="Español").click()
    page.wait_for_url(re.compile(rf"/voila/render/es/{PAGE}\.ipynb\?keep=[A-Za-z0-9_-]{{32}}$"), timeout=90_000)
    wait_for_page(page)
    with language("es"):
        label = _("{n}. {name}").format(n=principle.number, name=content.get("principle", principle.id).short)
        shown = re.sub(r"<style>.*?</style>", "", terms_html(search(word, PAGE), word), flags=re.S)
        listed = words(html.unescape(re.sub(r"<[^>]+>", " ", shown)))
    sort = page.locator(".shine-scenario-sort select")
    page.wait_for_function("label => document.querySelector('.shine-scenario-sort select').value === label",
                           arg=label, timeout=10_000)
    assert sort.input_value() == label  # ipywidgets draws the option's words with no-break spaces
    assert page.locator(".shine-glossary input").input_value() == word
    assert listed in words(page.locator(".shine-glossary").inner_text()), "the Spanish list follows the word"
    back = page.get_by_role("link", name="English").get_attribute("href")
    assert re.fullmatch(rf"\.\./{PAGE}\.ipynb\?keep=[A-Za-z0-9_-]{{32}}", back)
    assert back.split("keep=")[1] != page.url.split("keep=")[1], "the Spanish page saves under a token of its own"
    body = page.inner_text("body")
    assert "Traceback" not in body and "Exception" not in body
    folder = artifacts_dir / "modules"
    folder.mkdir(exist_ok=True)
    height = page.evaluate("(document.getElementById('rendered_cells') || document.body).scrollHeight")
    page.set_viewport_size({"width": 1100, "height": min(int(height) + 40, 16_000)})
    page.screenshot(path=str(folder / "drafts-switch-to-spanish.png"), full_page=True)
    drafts_saved = list((served.home / "drafts").glob("*.json"))
    assert len(drafts_saved) == 2 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in drafts_saved)


def test_a_page_whose_draft_is_gone_opens_as_usual_with_a_note_in_the_servers_log(served):
    gone = drafts.new_token()
    with urllib.request.urlopen(f"{served.url}/voila/render/{PAGE}.ipynb?keep={gone}", timeout=120) as response:
        assert response.status == 200
        text = response.read().decode()
    assert text.count("application/vnd.jupyter.widget-view+json") >= 7, "every cell of the page shows its widget"
    assert "Traceback" not in text and "There was an error" not in text and "no draft" not in text
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any("no draft" in line for line in served.server.lines):
        time.sleep(0.2)
    assert any("[shine.drafts] WARNING drafts: no draft" in line for line in served.server.lines)
