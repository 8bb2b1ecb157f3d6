"""Keyboard only, in Chromium: join and post at the kiosk, sort a principle scenario in module 1,
add an activity in the plan builder, unlock the console and hide a post. No mouse event at all:
Tab, Shift+Tab, Enter, Space, the arrow keys and typing, as a person without a mouse does.

Each step asserts what really happened (the post is in the store, the answer is checked, the
activity is in the saved plan, the post is hidden in the store), that the focus is visible where
it lands, that it is never lost when a widget re-renders, and that confirmations and errors come
through a persistent live region (``shine.web.announce``). One workshop server and one module
server for the file."""

from __future__ import annotations

import time

import pytest
from conftest import voila_server
from test_workshop_e2e import PAGE_TIMEOUT_MS, free_port, start_workshop, stop_workshop

from shine import content
from shine.plan import model as plans
from shine.store import Store
from shine.web.announce import LIVE
from shine.web.paths import modules_dir

SCHOOL = "Cutler Middle School"
MOST_TABS = 80  # a page's controls are reached within this many presses, or the test fails


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    running = start_workshop(tmp_path_factory.mktemp("keyboard-room"), free_port(), "--name", "Keyboard meeting")
    with running.store() as store:
        store.teams.ensure("Groton", SCHOOL)
    yield running
    stop_workshop(running)


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    home = tmp_path_factory.mktemp("keyboard-modules")
    with voila_server(modules_dir(), home, startup_timeout=90) as running:
        yield running.url.rstrip("/"), home


# --- the keyboard -----------------------------------------------------------------------------------

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {tag: el.tagName, text: (el.innerText || el.value || "").trim(), label: el.labels && el.labels[0]
          ? el.labels[0].textContent.trim() : "",
          visible: el.matches(":focus-visible") && style.outlineStyle !== "none"
                   && parseFloat(style.outlineWidth) >= 2};
}"""


def focus(page) -> dict | None:
    return page.evaluate(FOCUS)


def tab_to(page, wanted, *, back: bool = False, what: str = "") -> dict:
    """Press Tab (Shift+Tab with ``back``) until ``wanted(focus)`` holds; fails after MOST_TABS."""
    seen = []
    for _ in range(MOST_TABS):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focus(page)
        if now and wanted(now):
            assert now["visible"], f"focus on {what or now} has no visible outline"
            return now
        seen.append(now and (now["tag"], now["text"][:30] or now["label"]))
    raise AssertionError(f"{what} not reached by keyboard; focus went through {seen}")


def type_text(page, text: str, pause_ms: int = 400) -> None:
    """Type as a person does, then pause: ipywidgets holds back a value while the kernel is busy,
    but sends a button's press at once, so a press right after fast typing can reach the kernel
    before the last letters do. (The kiosk's one-line boxes send their value when left, so there
    no pause is needed; its text box sends as it is typed, for the idle timer.)"""
    page.keyboard.type(text, delay=20)
    page.wait_for_timeout(pause_ms)


def button(name: str):
    return lambda f: f["tag"] == "BUTTON" and f["text"] == name


def field(label: str, tag: str = "INPUT"):
    return lambda f: f["tag"] == tag and f["label"] == label


def wait_for_focus(page, test_js: str, timeout: float = 20_000) -> dict:
    """Wait until ``test_js`` (an expression of ``el``, the focused element) holds."""
    page.wait_for_function(f"(() => {{ const el = document.activeElement; return !!el && ({test_js}); }})()",
                           timeout=timeout)
    return focus(page)


def live_text(page, scope: str) -> list[str]:
    """The text of every live region in ``scope`` (a persistent polite, atomic status element)."""
    return page.eval_on_selector_all(
        f"{scope} .{LIVE}",
        "els => els.filter(e => e.getAttribute('aria-live') === 'polite' && e.getAttribute('aria-atomic') === 'true'"
        " && e.getAttribute('role') === 'status').map(e => e.innerText.trim())")


def wait_for_live(page, scope: str, words: str, timeout: float = 20_000) -> None:
    page.wait_for_function(
        f"([scope, words]) => [...document.querySelectorAll(scope + ' .{LIVE}[aria-live=polite]')]"
        ".some(e => e.innerText.includes(words))", arg=[scope, words], timeout=timeout)


def chosen(page, select: str) -> str:
    """The text of the option ``select`` shows (ipywidgets writes its spaces as no-break spaces)."""
    return page.eval_on_selector(select, "s => s.options[s.selectedIndex].text.replace(/\\u00a0/g, ' ')")


def choose(page, select: str, wanted) -> str:
    """Move through a focused list with the arrow key until ``wanted(option text)``."""
    for _ in range(MOST_TABS):
        if wanted(chosen(page, select)):
            return chosen(page, select)
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option wanted in {select}: the last was {chosen(page, select)}")


def until(check, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


# --- the kiosk ----------------------------------------------------------------------------------------


@pytest.mark.browser
def test_join_and_post_at_the_kiosk_with_the_keyboard(room, new_page):
    page = new_page()
    page.goto(room.url("kiosk"))
    page.wait_for_selector(".shine-kiosk .widget-text input", timeout=PAGE_TIMEOUT_MS)
    # The page template's script (served by Voila with the template) made the message boxes live regions.
    page.wait_for_function(f"document.querySelector('.shine-kiosk .{LIVE}[aria-live=polite]')")

    tab_to(page, field("Join code"), what="the join code box")
    type_text(page, room.code, pause_ms=0)  # then straight on to Join: the code is sent as the box is left
    tab_to(page, button("Join"), what="Join")
    page.keyboard.press("Enter")
    # The join screen is gone with the focused button: the focus goes to the new screen's title.
    landed = wait_for_focus(page, "el.tagName === 'H2' && el.innerText.includes('Keyboard meeting')")
    assert landed["visible"]

    tab_to(page, button("Continue"), what="Continue")
    page.keyboard.press("Enter")  # no school chosen yet: a message, announced
    wait_for_live(page, ".shine-kiosk", "Please choose your school")
    tab_to(page, lambda f: f["tag"] == "SELECT", back=True, what="the school list")
    choose(page, ".shine-kiosk select", lambda text: text.startswith(SCHOOL))
    tab_to(page, button("Continue"), what="Continue")
    page.keyboard.press("Enter")
    wait_for_focus(page, f"el.tagName === 'H2' && el.innerText.includes('{SCHOOL}')")

    # The confirmation's region is in the page before anything is posted, and stays the same element.
    regions = page.eval_on_selector_all(f".shine-kiosk .{LIVE}",
                                        "els => els.map(e => (e.dataset.seen = '1', e.getAttribute('aria-live')))")
    assert len(regions) == 2 and set(regions) == {"polite"}  # the post's and the "me too"'s

    tab_to(page, button("Challenge"), what="the kind Challenge")
    page.keyboard.press("Space")
    page.wait_for_selector(".shine-kiosk button.mod-active:has-text('Challenge')", timeout=10_000)
    tab_to(page, lambda f: f["tag"] == "TEXTAREA", what="the text box")
    body = "Night shifts keep many families away: we meet them on Saturday mornings"
    type_text(page, body)
    tab_to(page, button("Post"), what="Post")
    page.keyboard.press("Enter")

    # "Posted!" is announced by the region that was there before, and takes the focus ...
    said = wait_for_focus(page, "el.classList.contains('shine-focus-me') && el.innerText.includes('Posted!')")
    assert said["visible"]
    region = page.eval_on_selector(f".shine-kiosk .{LIVE}[data-seen='1']:has-text('Posted!')",
                                   "e => [e.getAttribute('aria-live'), e.getAttribute('aria-atomic')]")
    assert region == ["polite", "true"]
    # ... then the next Tab takes it back to the form, empty for the next post.
    page.keyboard.press("Tab")
    back = wait_for_focus(page, "el.tagName === 'TEXTAREA'")
    assert back["visible"] and back["text"] == ""
    type_text(page, "Second")
    assert page.input_value(".shine-kiosk textarea") == "Second"

    with room.store() as store:
        workshop = store.room.workshop_by_code(room.code)
        posted = [p for p in store.room.posts(workshop.id) if p.body == body]
    assert posted and posted[0].kind == "challenge" and posted[0].school == SCHOOL


# --- the console -----------------------------------------------------------------------------------


@pytest.mark.browser
def test_unlock_the_console_and_hide_a_post_with_the_keyboard(room, new_page):
    body = "A post the facilitator hides with the keyboard"
    with room.store() as store:
        workshop = store.room.workshop_by_code(room.code)
        team = next(t for t in store.teams.all() if t.school == SCHOOL)
        store.room.join(workshop.id, "keyboard-test", team.id)
        store.room.add_post(workshop.id, "question", body, "keyboard-test", team_id=team.id)
    page = new_page(1280, 900)
    page.goto(room.url("console"))
    page.wait_for_selector(".shine-console input[type=password]", timeout=PAGE_TIMEOUT_MS)

    tab_to(page, field("Facilitator key"), what="the key box")
    type_text(page, "AAAA-BBBB-CCCC-DDDD")
    tab_to(page, button("Open the console"), what="Open the console")
    page.keyboard.press("Enter")
    wait_for_live(page, ".shine-console", "not this workshop's facilitator key")  # the wrong key, announced
    assert focus(page)["text"] == "Open the console"  # the focus stays where it was

    tab_to(page, field("Facilitator key"), back=True, what="the key box")
    type_text(page, room.key)
    tab_to(page, button("Open the console"), what="Open the console")
    page.keyboard.press("Enter")
    landed = wait_for_focus(page, "el.tagName === 'H2' && el.innerText.includes('join code')")
    assert landed["visible"]  # the key gate is gone: the focus is on the console's title

    row_of = f"el.closest('.widget-hbox') && el.closest('.widget-hbox').innerText.includes({body!r})"
    tab_to(page, lambda f: f["text"] == "Hide" and page.evaluate(
        f"(() => {{ const el = document.activeElement; return !!({row_of}); }})()"), what="the post's Hide")
    page.keyboard.press("Space")
    wait_for_live(page, ".shine-console", "Taken off the wall")
    wait_for_focus(page, f"el.innerText === 'Show' && {row_of}")  # the same button, still focused

    def hidden():
        with room.store() as store:
            return [p.hidden for p in store.room.posts(workshop.id, include_hidden=True) if p.body == body]
    assert until(lambda: hidden() == [True]), hidden()


# --- the modules --------------------------------------------------------------------------------


def open_module(page, url: str, name: str, ready: str) -> None:
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(url + "/")  # the home page first, for the cookie Voila's tab-close beacon needs
    page.goto(f"{url}/voila/render/{name}")
    page.wait_for_selector(ready, timeout=120_000)


@pytest.mark.browser
def test_sort_a_principle_scenario_with_the_keyboard(modules, page):
    url, _home = modules
    open_module(page, url, "01-definition.ipynb", ".shine-scenario-sort select")
    scenarios = content.load().scenarios.scenarios
    first, second = scenarios[0], scenarios[1]
    principle = content.get("principle", first.principle)
    label = f"{principle.number}. {principle.short}"
    sort = ".shine-scenario-sort"

    tab_to(page, lambda f: f["tag"] == "SELECT" and f["label"] == "Principle", what="the principle list")
    choose(page, f"{sort} select", lambda text: text == label)
    verdict = "Shows it" if first.verdict == "shows" else "Breaks it"
    tab_to(page, button(verdict), what=verdict)
    page.keyboard.press("Space")
    page.wait_for_selector(f"{sort} button.mod-active:has-text('{verdict}')", timeout=10_000)
    tab_to(page, button("Check my answer"), what="Check my answer")
    page.keyboard.press("Enter")
    wait_for_live(page, sort, "Well spotted!")  # the answer is checked, and the result announced
    assert any("Well spotted!" in text for text in live_text(page, sort))

    tab_to(page, button("Next situation"), what="Next situation")
    page.keyboard.press("Enter")
    # "Next situation" is disabled by its own press: the focus goes to the new situation's title.
    landed = wait_for_focus(page, f"el.tagName === 'H3' && el.innerText.includes({second.title!r})")
    assert landed["visible"]


@pytest.mark.browser
def test_add_an_activity_in_the_plan_builder_with_the_keyboard(modules, page):
    url, home = modules
    open_module(page, url, "06-plays-to-plan.ipynb", ".shine-plan button:has-text('Open our plan')")
    tab_to(page, field("District"), what="District")
    type_text(page, "Harbor Valley")
    tab_to(page, field("School"), what="School")
    type_text(page, "Keyboard High")
    tab_to(page, button("Open our plan"), what="Open our plan")
    page.keyboard.press("Enter")
    wait_for_live(page, ".shine-plan", "A new plan for Keyboard High")
    checklist = ".shine-plan-checklist"
    wait_for_live(page, checklist, "to fix")  # the checklist's summary is a live region
    before = live_text(page, checklist)
    assert len(before) == 1 and "to fix" in before[0]

    tab_to(page, button("Add a goal"), what="Add a goal")
    page.keyboard.press("Enter")
    # A button that adds fields hands the focus to the first of them: the new goal's, the new activity's.
    assert wait_for_focus(page, "el.labels && el.labels[0] && el.labels[0].innerText.trim() === 'Kind of goal'")["visible"]
    tab_to(page, button("Add an activity to this goal"), what="Add an activity")
    page.keyboard.press("Enter")
    assert wait_for_focus(page, "el.labels && el.labels[0] && el.labels[0].innerText.trim() === 'Activity'")["visible"]
    activity = "Family math night, in two languages"
    type_text(page, activity)
    page.wait_for_function(
        f"([scope, before]) => document.querySelector(scope + ' .{LIVE}').innerText.trim() !== before",
        arg=[checklist, before[0]], timeout=20_000)  # the summary followed the change

    def saved():
        if not (home / "shine.db").exists():
            return None
        with Store(f"sqlite:///{home / 'shine.db'}") as store:
            team = next((t for t in store.teams.all() if t.school == "Keyboard High"), None)
            found = team and plans.latest(store, team.id, plans.current_school_year())
        plan = found[1] if found else None
        return plan if plan and plan.goals and plan.goals[0].activities else None
    plan = until(lambda: (p := saved()) and p.goals[0].activities[0].what == activity and p)
    assert plan, saved()


# --- the same, in Python ---------------------------------------------------------------------------


def test_the_key_gate_says_a_wrong_key_every_time(tmp_path):
    from shine.web.keys import KeyGate, KeyLock

    opened = []
    gate = KeyGate("Console", lambda key: key == "RIGHT", lambda: opened.append(1),
                   KeyLock("test", folder=tmp_path), client="10.0.0.9")
    assert LIVE in gate.message._dom_classes
    sent = []
    gate.message.observe(lambda change: sent.append(change["new"]), names="value")
    for _ in range(2):
        gate.key.value = "WRONG"
        gate.open_button.click()
    assert [bool(v) for v in sent] == [True, False, True] and "facilitator key. Check the key" in sent[-1]
    gate.key.value = "RIGHT"
    gate.open_button.click()
    assert opened == [1]


def test_moderation_shows_each_post_in_its_own_direction_and_says_what_a_click_did(tmp_path):
    from shine.room.session import open_workshop
    from shine.room.widgets.moderation import ModerationList

    with Store(f"sqlite:///{tmp_path / 'shine.db'}") as store:
        workshop = open_workshop(store)[0]
        team = store.teams.ensure("Groton", "مدرسة النور")
        store.room.join(workshop.id, "k1", team.id)
        store.room.add_post(workshop.id, "question", "اجتماع الأسر يوم الخميس <b>", "k1", team_id=team.id)
        moderation = ModerationList(store, workshop.id)
        shown = moderation.rows[0][1].value
        assert '<div dir="auto">اجتماع الأسر يوم الخميس &lt;b&gt;</div>' in shown
        assert "<bdi>مدرسة النور</bdi>" in shown  # the name does not move the counts around it
        assert LIVE in moderation.message._dom_classes
        moderation.rows[0][2].click()
        assert "Taken off the wall" in moderation.message.value
        assert store.room.posts(workshop.id, include_hidden=True)[0].hidden
