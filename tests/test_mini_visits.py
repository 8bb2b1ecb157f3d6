"""The Mini Visit tracker: the rules a district leader relies on, the board, the dashboard."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from conftest import voila_server

from shine.kit import visit_board
from shine.kit.widgets import MiniVisitTracker
from shine.store import MiniVisits, Store, StoreInputError, VisitRuleError
from shine.web.html import esc

TODAY = date(2026, 11, 23)  # a Monday
CTHSS = ["Platt Tech", "Cheney Tech", "Wilcox Tech", "Prince Tech", "Windham Tech"]


@pytest.fixture
def tracker(store):
    mv = MiniVisits(store, today=TODAY)
    mv.add_schools("CTHSS", CTHSS, "high")
    return mv


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute)


def test_a_visit_is_scheduled_with_the_teams_agenda(tracker):
    vid = tracker.schedule("CTHSS", "platt tech", "Sandi Casberg", at(24, 14, 30), 60,
                           ["Progress on our plan", "Low turnout at open house", "  "])
    (visit,) = tracker.visits("CTHSS")
    assert (visit.id, visit.school, visit.agenda) == (vid, "Platt Tech", ("Progress on our plan", "Low turnout at open house"))
    assert visit.ends_at == at(24, 15, 30)


@pytest.mark.parametrize("when, minutes, message", [
    (at(28, 15), 60, "weekend day"),
    (at(24, 9), 60, "end of the school day, between 14:00 and 17:30"),
    (at(24, 17), 60, "would run 17:00 to 18:00"),
    (at(24, 15), 5, "between 15 and 120 minutes"),
])
def test_visits_outside_school_days_and_hours_are_refused(tracker, when, minutes, message):
    with pytest.raises(VisitRuleError, match=message):
        tracker.schedule("CTHSS", "Platt Tech", "Sandi Casberg", when, minutes)
    assert tracker.visits() == []


def test_a_district_leader_is_never_booked_twice(tracker):
    tracker.schedule("CTHSS", "Platt Tech", "Sandi Casberg", at(24, 14, 30), 60)
    with pytest.raises(VisitRuleError, match="already booked with Platt Tech from 14:30 to 15:30"):
        tracker.schedule("CTHSS", "Cheney Tech", "sandi casberg", at(24, 15, 0), 45)
    tracker.schedule("CTHSS", "Cheney Tech", "Sandi Casberg", at(24, 15, 30), 45)  # back to back is fine
    tracker.schedule("CTHSS", "Wilcox Tech", "Jill Dymczyk", at(24, 14, 30), 60)  # another leader is fine
    assert len(tracker.visits()) == 3


def test_a_cancelled_visit_frees_the_slot(tracker):
    vid = tracker.schedule("CTHSS", "Platt Tech", "Sandi Casberg", at(24, 14, 30), 60)
    tracker.set_status(vid, "cancelled")
    tracker.schedule("CTHSS", "Cheney Tech", "Sandi Casberg", at(24, 14, 30), 60)


def test_an_unknown_school_gets_suggestions(tracker):
    with pytest.raises(VisitRuleError, match="not a school of CTHSS. Did you mean: Platt Tech"):
        tracker.schedule("CTHSS", "Plat Tech", "Sandi Casberg", at(24, 14, 30))
    with pytest.raises(VisitRuleError, match="no district called"):
        tracker.schedule("Atlantis", "Platt Tech", "Sandi Casberg", at(24, 14, 30))


def test_notes_follow_ups_and_resources(tracker):
    vid = tracker.schedule("CTHSS", "Platt Tech", "Sandi Casberg", at(23, 14, 30), 60)
    with pytest.raises(StoreInputError, match="empty"):
        tracker.add_note(vid, "  \n ")
    with pytest.raises(VisitRuleError, match="already past"):
        tracker.add_followup(vid, "Send the flyer", "Jill", TODAY - timedelta(days=1))
    with pytest.raises(StoreInputError, match="owner is empty"):
        tracker.add_followup(vid, "Send the flyer", "  ", TODAY)
    tracker.add_note(vid, "Met with 6 of 8 members. <b>Great</b> energy 🎉")
    tracker.add_note(vid, "Second note; the first is kept")
    fid = tracker.add_followup(vid, "Translate the flyer into Spanish", "Jill Dymczyk", TODAY + timedelta(days=7))
    tracker.add_resource(vid, "Parent Teacher Home Visits overview", "https://example.org/pthv")
    tracker.complete_followup(fid)
    (visit,) = tracker.visits()
    assert visit.notes == ("Met with 6 of 8 members. <b>Great</b> energy 🎉", "Second note; the first is kept")
    assert visit.followups[0].done and visit.resources == (("Parent Teacher Home Visits overview", "https://example.org/pthv"),)
    with pytest.raises(VisitRuleError, match="no visit number 999"):
        tracker.add_note(999, "lost?")


def test_a_future_visit_cannot_be_marked_held(tracker):
    vid = tracker.schedule("CTHSS", "Platt Tech", "Sandi Casberg", at(30, 14, 30), 60)
    with pytest.raises(VisitRuleError, match="can be marked held from that day on"):
        tracker.set_status(vid, "held")


def test_the_board_shows_each_schools_progress(tracker):
    held = tracker.schedule("CTHSS", "Platt Tech", "Sandi Casberg", at(2, 14, 30), 60)
    tracker.set_status(held, "held")
    tracker.add_followup(held, "Call the PTO chair", "Jill", TODAY)
    tracker.store.plans.save(tracker.find_school("CTHSS", "Platt Tech").id, "2026-2027", {"goals": []})
    tracker.schedule("CTHSS", "Cheney Tech", "Sandi Casberg", at(24, 14, 30), 60)
    board = {r.school: r for r in tracker.board("CTHSS")}
    assert len(board) == len(CTHSS)
    platt = board["Platt Tech"]
    assert (platt.last_visit, platt.visits_held, platt.open_followups, platt.plan_version) == (date(2026, 11, 2), 1, 1, 1)
    assert platt.days_since_visit(TODAY) == 21 and visit_board.band(platt, TODAY) == "recent"
    assert board["Cheney Tech"].next_visit == at(24, 14, 30) and board["Cheney Tech"].last_visit is None
    rows = list(csv.DictReader(io.StringIO(tracker.board_csv("CTHSS"))))
    assert {r["school"] for r in rows} == set(CTHSS)
    assert next(r for r in rows if r["school"] == "Platt Tech")["days_since_visit"] == "21"


def test_a_school_named_like_a_formula_stays_text_in_the_board_csv(tracker):
    """A spreadsheet would run `=HYPERLINK(...)` in a cell; the CSV keeps it as text."""
    tracker.add_schools("=HYPERLINK(\"http://x.test\",\"Click\")", ["@SUM(A1:A9)", "-2+3", "+Cutler"])
    rows = list(csv.reader(io.StringIO(tracker.board_csv("=HYPERLINK(\"http://x.test\",\"Click\")"))))
    cells = [c for row in rows[1:] for c in row[:2]]
    assert cells and all(c.startswith("'") for c in cells)
    assert {row[1] for row in rows[1:]} == {"'@SUM(A1:A9)", "'-2+3", "'+Cutler"}
    assert all(row[5] == "0" for row in rows[1:])  # numbers stay numbers


def test_overdue_follow_ups_are_counted(tracker):
    vid = tracker.schedule("CTHSS", "Platt Tech", "Sandi Casberg", at(2, 14, 30), 60)
    tracker.add_followup(vid, "Book the library", "Jill", TODAY)
    later = MiniVisits(tracker.store, today=TODAY + timedelta(days=3))
    assert {r.school: r.overdue_followups for r in later.board("CTHSS")}["Platt Tech"] == 1


def test_the_chart_has_alt_text_per_school_and_per_district(tracker):
    png, alt = visit_board.chart_png(tracker.board("CTHSS"), TODAY, "CTHSS")
    assert png[:4] == b"\x89PNG" and "5 schools" in alt and "not visited yet: 5" in alt
    for district in range(8):  # a state view: more schools than bars can show
        tracker.add_schools(f"District {district}", [f"School {district}-{n}" for n in range(5)])
    png, alt = visit_board.chart_png(tracker.board(), TODAY, "Connecticut")
    assert "45 schools" in alt


def test_the_chart_has_a_data_table_a_screen_reader_reads(tracker):
    """The chart's numbers as a table: per school on a district's board, per district and band on a
    state-wide one; a school typed as markup stays text."""
    from shine.web import charts

    tracker.add_schools("CTHSS", ["<b>Bold</b> Tech"])
    tracker.set_status(tracker.schedule("CTHSS", "Platt Tech", "Sandi Casberg", at(2, 14, 30), 60), "held")
    page = charts.to_html(visit_board.chart_figure(tracker.board("CTHSS"), TODAY, "CTHSS"))
    assert '<table class="shine-data">' in page and "Days since the last Mini Visit" in page
    assert "<th scope=\"row\">Platt Tech</th><td>21</td>" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; Tech" in page and "<b>Bold</b>" not in page
    for district in range(8):
        tracker.add_schools(f"District {district}", [f"School {district}-{n}" for n in range(5)])
    headers, rows = charts.table(visit_board.chart_figure(tracker.board(), TODAY, "Connecticut"))
    assert headers[0] == "District" and len(rows) == 9
    assert ["District 3", "0", "0", "0", "5"] in rows


# --- the dashboard widget, driven as a district leader uses it ----------------------------------------


@pytest.fixture
def widget(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'shine.db'}")
    MiniVisits(store).add_schools("CTHSS", CTHSS, "high")
    yield MiniVisitTracker(store, today=TODAY)
    store.close()


def test_schedule_follow_up_and_board_through_the_widget(widget):
    widget.school.value = "Wilcox Tech"
    widget.leader.value = "Jill Dymczyk"
    widget.day.value = date(2026, 11, 23)
    widget.agenda.value = "Progress on goal 1\n<script>alert(1)</script>"
    widget.schedule_button.click()
    assert "Visit scheduled with Wilcox Tech" in widget.message.value
    assert "&lt;script&gt;" in widget.details.value and "<script>" not in widget.details.value
    widget.task.value, widget.owner.value, widget.due.value = "Share the PTHV guide", "Sandi", date(2026, 12, 1)
    widget.buttons["followup"].click()
    widget.buttons["held"].click()
    assert "Share the PTHV guide" in widget.details.value
    assert re.search(r"Wilcox Tech</td><td>2026-11-23", widget.board_table.value)
    assert "download=" in widget.export_link.value and "data:image/png;base64," in widget.board_chart.value
    assert f'alt="{esc(widget.board_alt)}"' in widget.board_chart.value
    assert '<details class="shine-chart-data">' in widget.board_chart.value  # and its numbers as a table


def test_the_widget_explains_each_refusal(widget):
    assert widget.school.value == sorted(CTHSS)[0]  # a school is chosen from the start
    widget.schedule_button.click()
    assert "Choose the school and the day" in widget.message.value
    widget.day.value = date(2026, 11, 28)
    widget.leader.value = "Jill"
    widget.schedule_button.click()
    assert "weekend" in widget.message.value
    widget.buttons["note"].click()
    assert "Choose a visit first" in widget.message.value


# --- in Voila, in Chromium ------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_district_leader_uses_the_tracker_in_chromium(tmp_path, page, artifacts_dir):
    from shine.web.paths import dashboards_dir

    home = tmp_path / "home"
    with Store(f"sqlite:///{home / 'shine.db'}") as store:
        MiniVisits(store).add_schools("CTHSS", CTHSS, "high")
    with voila_server(dashboards_dir(), home) as server:
        page.set_viewport_size({"width": 1000, "height": 1400})
        page.goto(server.url.rstrip("/") + "/voila/render/mini-visits.ipynb")
        page.wait_for_selector(".shine-mini-visits", timeout=60_000)
        day = _next_weekday()
        page.get_by_label("School").select_option(label="Prince Tech")
        page.get_by_label("District leader").fill("Sandi Casberg")
        page.get_by_label("Day").fill(day.isoformat())
        page.get_by_label("Team's agenda").fill("Progress report\nQuestions for the district")
        page.get_by_role("button", name="Schedule the visit").click()
        page.wait_for_selector("text=Visit scheduled with Prince Tech", timeout=20_000)
        page.get_by_role("tab", name="Visits").click()
        page.get_by_label("Follow-up").fill("Send the Spanish flyer")
        page.get_by_label("Owner").fill("Jill Dymczyk")
        page.get_by_label("Due").fill((day + timedelta(days=7)).isoformat())
        page.get_by_role("button", name="Add follow-up").click()
        page.wait_for_selector("text=Follow-up added", timeout=20_000)
        page.get_by_role("tab", name="District board").click()
        row = page.locator("table:not(.shine-data) tr", has_text="Prince Tech")  # not the chart's data table
        row.wait_for(timeout=20_000)
        assert day.isoformat() in row.inner_text()  # the next visit
        assert re.search(r"\b1\b", row.locator("td").nth(3).inner_text())  # one open follow-up
        page.screenshot(path=str(artifacts_dir / "mini-visits.png"), full_page=True)


def _next_weekday() -> date:
    day = date.today() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
