"""The live wall and the facilitator console, driven in Python."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import json
import os
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from conftest import text_of

from shine.room.session import open_workshop
from shine.room.widgets.agenda_timer import AgendaTimer, timer_text
from shine.room.widgets.console import Console
from shine.room.widgets.wall import Wall
from shine.store import Store, new_facilitator_key
from shine.web.keys import FREE_TRIES


class Clock:
    def __init__(self):
        self.now = 50.0

    def __call__(self):
        return self.now


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    with Store(f"sqlite:///{tmp_path / 'shine.db'}") as s:
        yield s


@pytest.fixture
def workshop(store):
    return open_workshop(store)[0]


@pytest.fixture
def team(store):
    return store.teams.ensure("CTHSS", "Platt Tech", "high")


def test_the_wall_shows_posts_as_they_arrive(store, workshop, team):
    clock = Clock()
    wall = Wall(store, workshop.id, clock=clock, kiosk_url="http://10.0.0.5:8866/voila/render/kiosk.ipynb")
    assert wall.count == 0 and "No posts yet" in wall.tiles.value
    assert workshop.code in wall.header.value and "<svg" in wall.header.value  # QR code for the kiosk
    assert wall.refresh() is False  # nothing changed, nothing redrawn
    store.room.add_post(workshop.id, "milestone", "First family night: 40 families came", "k1", team_id=team.id,
                        tags=["type:parenting"])
    store.room.add_post(workshop.id, "challenge", "<img src=x onerror=alert(1)>", "k2", team_id=team.id)
    assert wall.refresh() is True
    assert wall.count == 2 and 'data-count="2"' in wall.header.value
    assert "🎉" in wall.tiles.value and "shine-milestone" in wall.tiles.value  # milestones celebrated
    assert "&lt;img src=x onerror=alert(1)&gt;" in wall.tiles.value and "<img src=x" not in wall.tiles.value
    assert "Parenting" in wall.tiles.value  # tags shown by their names, not ids
    assert 'alt="Bar charts.' in wall.chart.value and "Parenting 1" in wall.chart.value


def test_challenges_are_ranked_by_me_too_and_hidden_posts_leave_the_wall(store, workshop, team):
    wall = Wall(store, workshop.id)
    rare = store.room.add_post(workshop.id, "challenge", "Rare challenge", "k1", team_id=team.id)
    common = store.room.add_post(workshop.id, "challenge", "Common challenge", "k2", team_id=team.id)
    for voter in ("a", "b", "c"):
        store.room.vote(common, voter)
    store.room.vote(rare, "a")
    wall.refresh()
    ranked = wall.challenges.value
    assert ranked.index("Common challenge") < ranked.index("Rare challenge") and "3 me too" in ranked
    store.room.moderate(common, "hide", "off topic")
    wall.refresh()
    assert "Common challenge" not in wall.challenges.value + wall.tiles.value and wall.count == 1
    assert store.room.count_posts(workshop.id) == 2, "hidden, not deleted"


def test_me_too_counts_are_read_at_most_every_few_seconds_while_new_posts_come_at_once(store, workshop, team):
    """Reading "me too" counts means reading every post again (its cost grows with the day): a room
    voting all the time must not make the wall do that at every poll."""
    clock = Clock()
    wall = Wall(store, workshop.id, clock=clock, vote_seconds=5, chart_seconds=0)
    challenge = store.room.add_post(workshop.id, "challenge", "Few fathers come", "k1", team_id=team.id)
    other = store.room.add_post(workshop.id, "question", "Who brings the snacks?", "k3", team_id=team.id)
    wall.refresh()
    store.room.vote(challenge, "a")
    assert wall.refresh() is True and "1 me too" in wall.challenges.value  # the first is counted at once
    store.room.vote(challenge, "b")
    store.room.add_post(workshop.id, "practice", "Coffee with the principal", "k2", team_id=team.id)
    assert wall.refresh() is True and wall.count == 3
    assert "Coffee with the principal" in wall.tiles.value  # a new post does not wait
    assert "1 me too" in wall.challenges.value  # the second "me too" does, a few seconds
    assert wall.refresh() is False  # and nothing is redrawn meanwhile
    clock.now += 5
    assert wall.refresh() is True and "2 me too" in wall.challenges.value
    store.room.vote(challenge, "c")
    store.room.moderate(other, "hide", "off topic")
    assert wall.refresh() is True  # a hidden post leaves at once, with every count
    assert "Who brings the snacks?" not in wall.tiles.value and "3 me too" in wall.challenges.value


def test_new_posts_are_announced_once_when_the_count_grows(store, workshop, team):
    wall = Wall(store, workshop.id)
    assert "shine-live" in wall.news._dom_classes and wall.news.value == ""  # nothing said on opening
    for n in range(3):
        store.room.add_post(workshop.id, "practice", f"Idea {n}", f"k{n}", team_id=team.id)
    assert wall.refresh() is True
    assert text_of(wall.news).strip() == "3 new posts"
    said = wall.news.value
    assert wall.refresh() is False and wall.news.value == said  # a poll with nothing new says nothing
    store.room.vote(store.room.add_post(workshop.id, "challenge", "One more", "k9", team_id=team.id), "a")
    wall.refresh()
    assert text_of(wall.news).strip() == "1 new post"
    store.room.moderate(wall._newest()[0].id, "hide", "off topic")
    wall.refresh()
    assert text_of(wall.news).strip() == "1 new post", "a hidden post is not news"


def test_right_to_left_posts_and_names_keep_their_own_direction(store, workshop):
    team = store.teams.ensure("Hartford", "مدرسة الأمل")
    store.room.add_post(workshop.id, "challenge", "نريد لقاءات في الصباح", "k1", team_id=team.id)
    wall = Wall(store, workshop.id)
    assert '<div class="shine-body" dir="auto">نريد لقاءات في الصباح</div>' in wall.tiles.value
    assert "<bdi>مدرسة الأمل</bdi>" in wall.tiles.value  # the name does not move what is around it
    assert "<bdi>نريد لقاءات في الصباح</bdi>" in wall.challenges.value


def test_charts_are_redrawn_at_most_every_few_seconds(store, workshop):
    clock = Clock()
    wall = Wall(store, workshop.id, clock=clock, chart_seconds=5)
    store.room.add_post(workshop.id, "question", "one", "k1", tags=["standard:sharing-power"])
    wall.refresh()
    first = wall.chart.value
    store.room.add_post(workshop.id, "question", "two", "k1", tags=["standard:sharing-power"])
    wall.refresh()
    assert wall.count == 2 and wall.chart.value == first  # tiles now, chart later
    clock.now += 5
    assert wall.refresh() is True and wall.chart.value != first and "Share Power 2" in wall.chart.value


def test_the_wall_updates_itself_in_a_running_event_loop(store, workshop):
    """As in a kernel: an event loop runs, and the wall's own task notices the new post."""
    async def scenario(results):
        wall = Wall(store, workshop.id, poll_seconds=0.05)
        assert wall._task is not None
        store.room.add_post(workshop.id, "practice", "Coffee with the principal", "k1")
        for _ in range(100):
            await asyncio.sleep(0.02)
            if wall.count == 1:
                break
        wall._task.cancel()
        results.append(wall)

    results = []
    # A thread of its own: a browser test in the same worker may have left a loop running here.
    thread = threading.Thread(target=lambda: asyncio.run(scenario(results)))
    thread.start()
    thread.join(30)
    wall = results[0]
    assert wall.count == 1 and "Coffee with the principal" in wall.tiles.value


def test_without_a_workshop_the_pages_say_how_to_start_one(store, monkeypatch):
    monkeypatch.delenv("SHINE_WORKSHOP", raising=False)
    assert "shine workshop" in Wall(store).header.value
    console = Console(store)
    assert "shine workshop" in console.children[0].value and not hasattr(console, "teams")


@pytest.fixture
def key(store, workshop):
    key = new_facilitator_key()
    store.room.set_facilitator_key(workshop.id, key)
    return key


def test_the_console_needs_the_key(store, workshop, key):
    clock = Clock()
    console = Console(store, workshop.id, clock=clock)
    assert console.agenda is None and console.children == (console.gate,)  # nothing to act on before the key
    assert len(console.gate.children) == 4
    for attempt in range(FREE_TRIES):
        console.key.value = "WRONG-KEY" if attempt else ""
        console.open_button.click()
        assert not console.unlocked and "facilitator key. Check the key" in console.message.value
        assert console.key.value == ""
    console.key.value = key
    console.open_button.click()
    assert not console.unlocked and "Wait" in console.message.value  # too many tries: slowed down
    clock.now += 31
    console.key.value = key
    console.open_button.click()
    assert console.unlocked and console.agenda is not None


@pytest.fixture
def console(store, workshop, key):
    c = Console(store, workshop.id)
    c.key.value = key
    c.open_button.click()
    assert c.unlocked
    return c


def test_agenda_start_and_posting_per_segment(store, workshop, console):
    agenda = console.agenda
    assert "No segment started" in agenda.timer.value
    label, start, posting = agenda.rows["rm-kiosk"]
    start.click()
    assert store.room.session_state(workshop.id).segment_id == "rm-kiosk" and "▶" in label.value
    assert "left of 15 min" in agenda.timer.value
    posting.value = False  # the facilitator closes posting
    assert store.room.session_state(workshop.id).posting_open is False and posting.description == "Posting closed"
    posting.value = True
    assert store.room.session_state(workshop.id).posting_open is True
    again = AgendaTimer(store, workshop.id, workshop.setup["segments"])  # a second console agrees
    assert again.state.segment_id == "rm-kiosk"


def test_timer_text_counts_down_then_over_time():
    start = datetime(2026, 10, 15, 9, 0, tzinfo=timezone.utc)
    assert timer_text(10, start, start + timedelta(minutes=3, seconds=30)) == "6:30 left of 10 min"
    assert timer_text(10, start, start + timedelta(minutes=12)) == "2:00 over time (10 min planned)"
    assert timer_text(10, None, start) == ""


def test_hide_keeps_the_post_in_the_store_and_show_brings_it_back(store, workshop, team, console):
    post = store.room.add_post(workshop.id, "question", "Off-topic remark", "k1", team_id=team.id)
    console.moderation.refresh()
    box, text, button = console.moderation.rows[0]
    assert "Off-topic remark" in text.value and button.description == "Hide"
    assert "<b>Question</b>" in text.value, "the kind in words, not its code"
    button.click()
    assert store.room.posts(workshop.id) == [] and store.room.posts(workshop.id, include_hidden=True)[0].hidden
    assert "HIDDEN" in console.moderation.rows[0][1].value and console.moderation.rows[0][2].description == "Show"
    console.moderation.rows[0][2].click()
    assert [p.id for p in store.room.posts(workshop.id)] == [post]


def test_teams_present(store, workshop, team, console):
    store.room.join(workshop.id, "kiosk-1", team.id)
    console.refresh_teams()
    assert "Platt Tech" in console.teams.value and "CTHSS" in console.teams.value


def test_export_csv_json_and_a_printable_summary(store, workshop, team, console):
    store.room.join(workshop.id, "kiosk-1", team.id)
    kept = store.room.add_post(workshop.id, "milestone", "Family math night", "kiosk-1", team_id=team.id,
                               tags=["type:learning-at-home"])
    hidden = store.room.add_post(workshop.id, "challenge", "=HYPERLINK(\"http://x\")", "kiosk-1", team_id=team.id)
    store.room.vote(hidden, "kiosk-2")
    console.moderation.hide(hidden)
    paths = {fmt: console.exports.export(fmt) for fmt in ("csv", "json", "summary")}
    assert all(p is not None and p.exists() for p in paths.values())
    rows = list(csv.DictReader(io.StringIO(paths["csv"].read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == [str(kept), str(hidden)]
    assert rows[0]["tags"] == "Learning at home" and rows[1]["hidden"] == "yes"
    assert rows[1]["body"].startswith("'="), "a spreadsheet must not run a posted formula"
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["workshop"]["code"] == workshop.code and len(data["posts"]) == 2
    assert data["moderation"][0]["action"] == "hide" and data["teams_present"][0]["school"] == "Platt Tech"
    assert data["setup"]["segments"][0]["id"] == "rm-welcome"
    summary = paths["summary"].read_text(encoding="utf-8")
    assert "Family math night" in summary and "HYPERLINK" not in summary  # hidden posts stay out
    assert "Platt Tech" in summary and "<script" not in summary
    assert 'download="posts.csv"' in console.exports.result.value or "Download" in console.exports.result.value


# --------------------------------------------------------------------------
# A trainer's pass from their hub login (shine.web.passes)
# --------------------------------------------------------------------------


def test_a_trainers_pass_opens_the_console_without_the_key_and_nothing_else_does(store, workshop, tmp_path,
                                                                                 monkeypatch):
    from urllib.parse import quote

    from shine.web import passes

    key_file = passes.make_key(tmp_path / "console-pass.key")
    assert key_file.stat().st_mode & 0o777 == 0o600
    secret = passes.read_key(key_file)
    good = passes.issue(secret, workshop.id, "maria")
    monkeypatch.setenv(passes.PASS_ENV, str(key_file))
    monkeypatch.setenv(passes.QUERY_ENV, f"pass={quote(good)}&other=1")  # as Voila gives the page's query
    opened = Console(store, workshop.id)
    assert opened.unlocked and opened.trainer == "maria"
    assert "Opened with maria's hub login." in html.unescape(opened.children[0].value)
    assert opened.moderation is not None  # the whole console, as after the key

    body, signature = good.rsplit(".", 1)
    refused = [
        body + "." + ("0" if signature[0] != "0" else "1") + signature[1:],  # tampered
        passes.issue(secret, workshop.id + 1, "maria"),  # another workshop's
        passes.issue(secret, workshop.id, "maria", now=time.time() - 3600),  # expired
        passes.issue(b"x" * 64, workshop.id, "maria"),  # signed with another key
        "<script>alert(1)</script>", "",
    ]
    for token in refused:
        monkeypatch.setenv(passes.QUERY_ENV, f"pass={quote(token)}")
        shut = Console(store, workshop.id)
        assert not shut.unlocked and shut.moderation is None and shut.trainer is None, token
    monkeypatch.setenv(passes.QUERY_ENV, f"pass={quote(good)}")
    monkeypatch.delenv(passes.PASS_ENV)  # a laptop's shine workshop: no key file, no pass works
    assert not Console(store, workshop.id).unlocked


def test_the_pass_key_is_never_made_through_a_link(tmp_path):
    """Root makes the key in the rooms' account's home: a link put there is refused, not followed."""
    from shine.web import passes

    target = tmp_path / "somebody-elses-file"
    target.write_text("not yours")
    target.chmod(0o644)
    (tmp_path / "symbolic.key").symlink_to(target)
    os.link(target, tmp_path / "hard.key")
    for name in ("symbolic.key", "hard.key"):
        with pytest.raises(OSError):
            passes.make_key(tmp_path / name, (os.getuid(), os.getgid()))
    assert target.read_text() == "not yours" and target.stat().st_mode & 0o777 == 0o644
    made = passes.make_key(tmp_path / "console-pass.key")
    again = passes.make_key(made)  # made once: the second call keeps it
    assert passes.read_key(again) == passes.read_key(made) and len(passes.read_key(made)) == 64
