"""Module 6's plan builder in Voila, in a real Chromium sized like a tablet: a team opens its
plan, writes a goal and an activity, types a date in the wrong year and sees why, fixes it, and
finds its work again after the page (and its kernel) is gone. One Voila server for the module."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import axe_audit, voila_server

from shine.plan import model as plans
from shine.plan.rules import year_window
from shine.store import Store

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "06-plays-to-plan.ipynb"
TABLET = {"width": 820, "height": 1180}
YEAR = plans.current_school_year()
FIRST_DAY, _LAST_DAY = year_window(YEAR)
GOAL = "More ninth graders read on grade level 📚"
ACTIVITY = "Family reading night with <b>strategies</b> families practise at home"


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    with voila_server(ROOT / "modules", home) as server:
        yield server.url.rstrip("/"), home


def open_module(page, url):
    page.set_viewport_size(TABLET)
    page.goto(url + "/")  # through the home page first, so Voila sets the cookie its tab-close beacon needs
    page.goto(f"{url}/voila/render/{NOTEBOOK}")
    page.get_by_role("button", name="Open our plan").wait_for(timeout=120_000)


def open_plan(page):
    page.get_by_label("District", exact=True).fill("Harbor Valley")
    page.get_by_label("School", exact=True).fill("Riverside High")
    page.get_by_role("button", name="Open our plan").click()


def saved_plan(home: Path):
    with Store(f"sqlite:///{home / 'shine.db'}") as store:
        team = next(t for t in store.teams.all() if t.school == "Riverside High")
        return plans.latest(store, team.id, YEAR)


def wait_for_saved(home: Path, check, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        found = saved_plan(home) if (home / "shine.db").exists() else None
        if found and check(found[1]):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"the store never held the change; last saved: {found}")
        time.sleep(0.3)


@pytest.mark.browser
def test_a_team_writes_its_plan_on_a_tablet_and_finds_it_again(voila, page, artifacts_dir):
    url, home = voila
    open_module(page, url)
    assert "from shine" not in page.content()  # no code on the page
    open_plan(page)
    page.get_by_text("A new plan for Riverside High").wait_for(timeout=30_000)

    page.get_by_label("School level").select_option(label="High school")
    page.get_by_role("button", name="Add a goal").click()
    page.get_by_label("Goal", exact=True).fill(GOAL)
    page.get_by_role("button", name="Add an activity to this goal").click()
    page.get_by_label("Activity", exact=True).fill(ACTIVITY)
    wrong = f"{FIRST_DAY.year - 1}-10-15"  # last year's date, typed by habit
    page.get_by_label("Date", exact=True).fill(wrong)
    problem = page.get_by_text(f"is dated {wrong}, outside the {YEAR} school year").first
    problem.wait_for(timeout=30_000)
    axe_audit(page, "module-06-plan-with-a-problem", artifacts_dir)  # WCAG 2.1 AA while a problem shows

    right = f"{FIRST_DAY.year}-10-15"
    page.get_by_label("Date", exact=True).fill(right)
    problem.wait_for(state="detached", timeout=30_000)
    assert page.get_by_text("<b>strategies</b>").count() >= 1  # typed HTML shows as text
    assert page.locator(".shine-plan b", has_text="strategies").count() == 0

    found = wait_for_saved(home, lambda p: p.goals and p.goals[0].activities
                           and p.goals[0].activities[0].start and p.goals[0].activities[0].start.isoformat() == right)
    assert found[1].goals[0].title == GOAL and found[1].goals[0].activities[0].what == ACTIVITY
    assert found[1].level == "high"
    page.get_by_text("Saved at").first.wait_for(timeout=10_000)
    axe_audit(page, "module-06-plan-saved", artifacts_dir)  # and after the builder's main interaction

    # Every target a finger needs is at least 44 px high.
    heights = page.eval_on_selector_all(".shine-plan button", "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(h for h in heights if h > 0) >= 40
    # Voila scrolls inside the page, so each part is brought into view for its picture.
    page.get_by_text("3. Goals and activities").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "plan-builder-tablet.png"))
    page.get_by_text("4. Check your plan").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "plan-builder-checklist-tablet.png"))

    page.get_by_role("button", name="Word (.docx)").click()
    link = page.get_by_role("link", name="Download riverside-high")
    link.wait_for(timeout=30_000)
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    assert data[:2] == b"PK" and download.value.suggested_filename.endswith(".docx")

    # The tab goes away (its kernel with it); a new page finds the plan again.
    context = page.context
    page.close()
    again = context.new_page()
    open_module(again, url)
    open_plan(again)
    again.get_by_text("Opened the plan of Riverside High").wait_for(timeout=30_000)
    assert again.get_by_label("Goal", exact=True).input_value() == GOAL
    assert again.get_by_label("Activity", exact=True).count() == 1
    assert again.get_by_label("School level").input_value() == "5" or \
        again.locator("select").filter(has_text="High school").count() >= 1
