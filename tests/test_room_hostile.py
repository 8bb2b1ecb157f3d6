"""A room nobody can break: one participant's text never takes a page down for the others, the
tracker and the console open only with the facilitator key, failed keys are counted across
reloads, and "me too" counts once per device and school."""

from __future__ import annotations

import pytest

from shine.kit.widgets import MiniVisitTracker
from shine.room.session import open_workshop
from shine.room.widgets.kiosk import Kiosk
from shine.room.widgets.wall import Wall
from shine.store import Store, StoreError

EVIL_NAMES = ["$$ Academy", r"$\frac{1}{0}$ School", "$x^{2", "=HYPERLINK(\"http://x\")", "<script>alert(1)</script>"]


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'shine.db'}") as s:
        yield s


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_a_name_with_dollar_signs_draws_on_every_chart(store, name):
    """matplotlib would parse "$$ Academy" as maths and fail; every chart draws it as typed."""
    workshop, _r = open_workshop(store)
    team = store.teams.ensure(name, name)
    store.room.add_post(workshop.id, "challenge", "A post from them", "k1", team_id=team.id,
                        tags=["type:communicating"])
    wall = Wall(store, workshop.id, chart_seconds=0)
    assert 'class="shine-chart"' in wall.chart.value and "could not be drawn" not in wall.chart.value
    tracker = MiniVisitTracker(store)
    tracker.district.value = name
    assert "data:image/png;base64," in tracker.board_chart.value and "could not be drawn" not in tracker.board_table.value


def test_one_panel_that_fails_leaves_the_rest_of_the_wall_running(store, monkeypatch):
    workshop, _r = open_workshop(store)
    store.room.add_post(workshop.id, "milestone", "First café!", "k1")
    monkeypatch.setattr(Wall, "_tiles_html", lambda self, posts: 1 / 0)
    wall = Wall(store, workshop.id, chart_seconds=0)
    assert "could not be drawn" in wall.tiles.value and 'role="status"' in wall.tiles.value
    assert "1 post" in wall.header.value and 'class="shine-chart"' in wall.chart.value
    store.room.add_post(workshop.id, "challenge", "Transport", "k2")
    assert wall.refresh() and "2 posts" in wall.header.value  # still updating


def test_a_database_that_cannot_be_read_is_said_on_the_wall_which_then_catches_up(store, monkeypatch):
    workshop, _r = open_workshop(store)
    store.room.add_post(workshop.id, "milestone", "First café!", "k1")
    wall = Wall(store, workshop.id)
    real = store.room.activity

    def broken(_workshop_id):
        raise StoreError("The database is busy; the wall will try again.")

    monkeypatch.setattr(store.room, "activity", broken)
    assert wall.refresh() is False
    assert "busy" in wall.status.value and 'role="alert"' in wall.status.value
    assert "First café!" in wall.tiles.value  # what it showed stays
    monkeypatch.setattr(store.room, "activity", real)
    store.room.add_post(workshop.id, "practice", "Home visits", "k2")
    assert wall.refresh() and wall.status.value == "" and "Home visits" in wall.tiles.value


def test_a_wall_opened_while_the_database_cannot_be_read_opens_and_recovers(store, monkeypatch):
    workshop, _r = open_workshop(store)
    real = store.room.workshop

    def broken(_workshop_id):
        raise StoreError("The database is busy; the wall will try again.")

    monkeypatch.setattr(store.room, "workshop", broken)
    wall = Wall(store, workshop.id)
    assert "busy" in wall.status.value
    monkeypatch.setattr(store.room, "workshop", real)
    wall._retry_opening()
    assert wall.workshop is not None and wall.status.value == "" and "0 posts" in wall.header.value


def kiosk_for(store, workshop, school: str) -> Kiosk:
    kiosk = Kiosk(store, workshop.id)
    kiosk.code.value = workshop.code
    kiosk.join_button.click()
    kiosk.team_choice.value = "new"
    kiosk.district.value, kiosk.school.value = "Groton", school
    kiosk.team_button.click()
    assert kiosk.screen == "post", kiosk.team_message.value
    return kiosk


def test_the_tracker_on_a_workshop_server_opens_only_with_the_key(store, monkeypatch, tmp_path):
    from shine.kit.widgets import tracker_page

    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    workshop, _r = open_workshop(store)
    store.room.set_facilitator_key(workshop.id, "ABCD-EFGH-JKMN-PQRS")
    store.teams.ensure("Groton", "Cutler Middle School")
    monkeypatch.setenv("SHINE_WORKSHOP", str(workshop.id))
    page = tracker_page(store)
    gate = page.children[0]
    assert not any(isinstance(w, MiniVisitTracker) for w in page.children)  # nothing to act on yet
    gate.key.value = "WRONG-KEY0-0000-0000"
    gate.open_button.click()
    assert "facilitator key. Check the key" in gate.message.value and gate.key.value == ""
    gate.key.value = "ABCD-EFGH-JKMN-PQRS"
    gate.open_button.click()
    assert isinstance(page.children[0], MiniVisitTracker)
    monkeypatch.delenv("SHINE_WORKSHOP")
    assert isinstance(tracker_page(store), MiniVisitTracker)  # the trainer's own Lab: its own login


def test_a_follow_up_can_be_closed_in_the_tracker(store):
    from datetime import date, datetime

    store.teams.ensure("Groton", "Cutler Middle School")
    tracker = MiniVisitTracker(store, today=date(2026, 10, 5))
    visit = tracker.visits.schedule("Groton", "Cutler Middle School", "Ana Ruiz", datetime(2026, 10, 1, 15, 0), 60, [])
    tracker.visits.add_followup(visit, "Send the survey in Spanish", "Ana Ruiz", date(2026, 10, 8))
    tracker.refresh()
    tracker.visit.value = visit
    assert tracker.visits.board("Groton")[0].open_followups == 1
    [(label, followup)] = tracker.open_followup.options
    assert "Send the survey" in label
    tracker.buttons["done"].click()
    assert "done" in tracker.message.value.lower()
    board = tracker.visits.board("Groton")[0]
    assert board.open_followups == 0 and board.overdue_followups == 0
    assert tracker.open_followup.options == ()
    tracker.buttons["done"].click()
    assert "Choose the follow-up" in tracker.message.value


def test_wrong_keys_are_counted_across_reloads_and_per_address(tmp_path):
    from shine.web.keys import FREE_TRIES, KeyGate, KeyLock

    now = [1000.0]
    lock = KeyLock("workshop-1-ABC123", folder=tmp_path, clock=lambda: now[0])

    def page(client="10.0.0.7"):  # every reload is a new page, a new kernel: only the file is shared
        return KeyGate("Console", lambda key: key == "RIGHT", lambda: None, lock, client=client)

    for _try in range(FREE_TRIES):
        gate = page()
        gate.key.value = "WRONG"
        assert gate.try_key() is False
    gate = page()
    gate.key.value = "RIGHT"
    assert gate.try_key() is False and "Wait 30 seconds" in gate.message.value and gate.key.value == ""
    other = page("10.0.0.8")  # another address is not held up by this one
    other.key.value = "RIGHT"
    assert other.try_key() is True
    now[0] += 31
    gate = page()
    gate.key.value = "WRONG"
    assert gate.try_key() is False and "Wait 60 seconds" in gate.message.value  # twice as long now
    now[0] += 61
    gate = page()
    gate.key.value = "RIGHT"
    assert gate.try_key() is True
    assert lock.wait_seconds("10.0.0.7") == 0  # a right key clears the count


def test_many_addresses_guessing_together_slow_everyone_down(tmp_path):
    from shine.web.keys import SERVER_TRIES, KeyLock

    lock = KeyLock("workshop-2-XYZ789", folder=tmp_path, clock=lambda: 5000.0)
    for i in range(SERVER_TRIES):
        lock.failed(f"10.0.1.{i}")
    assert lock.wait_seconds("10.0.9.9") == 60
    (tmp_path / "keys-workshop-2-XYZ789.json").write_text("{damaged")
    assert lock.wait_seconds("10.0.9.9") == 0  # a damaged count starts again; the key still protects
    lock.clear()
    assert not (tmp_path / "keys-workshop-2-XYZ789.json").exists()


def test_me_too_counts_once_per_device_and_school_across_reloads(store, monkeypatch):
    workshop, _r = open_workshop(store)
    post_id = store.room.add_post(workshop.id, "challenge", "Transport to evening events", "someone")
    monkeypatch.setenv("HTTP_X_SHINE_DEVICE", "A" * 22)  # the browser's device cookie, as the server passes it
    for reload in range(3):
        kiosk = kiosk_for(store, workshop, "Cutler Middle School")
        row, _text, button = kiosk.other_rows[0]
        assert kiosk._shown_posts[0].id == post_id
        button.click()
        said = kiosk.vote_message.value
        assert ("is counted" in said) if reload == 0 else ("counts once" in said)
    assert store.room.posts(workshop.id)[0].votes == 1
    other_school = kiosk_for(store, workshop, "Fitch High School")  # same tablet, the next school at the table
    other_school.other_rows[0][2].click()
    assert "is counted" in other_school.vote_message.value
    monkeypatch.setenv("HTTP_X_SHINE_DEVICE", "../etc/passwd")  # not a device id: a vote per page, as before
    stranger = kiosk_for(store, workshop, "Cutler Middle School")
    assert stranger.device == "" and stranger._voter() == stranger.client_id
    assert store.room.posts(workshop.id)[0].votes == 2


def test_a_preheated_kiosk_learns_its_device_and_language_from_the_request(store):
    workshop, _r = open_workshop(store)
    kiosk = Kiosk(store, workshop.id)
    assert kiosk.device == "" and kiosk.lang == "en"
    kiosk.adopt_request({"QUERY_STRING": "lang=es", "HTTP_X_SHINE_DEVICE": "b" * 22})
    assert kiosk.device == "b" * 22 and kiosk.lang == "es" and kiosk.join_button.description == "Unirse"
