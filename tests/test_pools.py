"""Module pools that follow the agenda (shine.room.pools): the plan, the follower, the console's
view of it, and a real module server that fills a pool before its segment and releases it after."""

from __future__ import annotations

import json
import time
import urllib.request

import psutil
import pytest

from shine.room import pools
from shine.room.kernels import kernel_processes
from shine.room.pools import PoolFollower, plan_pools, read_status, room_size
from shine.room.session import open_workshop
from shine.room.widgets.console import Console, pools_html
from shine.store import Store, new_facilitator_key

SEGMENTS = [{"id": "welcome"}, {"id": "talk"}, {"id": "learn", "modules": ["03-dual-capacity"]},
            {"id": "post"}, {"id": "plan", "modules": ["06-plays-to-plan", "05-plays"]}, {"id": "close"}]
AVAILABLE = {f"{lang}{m}.ipynb" for lang in ("", "es/") for m in ("03-dual-capacity", "05-plays", "06-plays-to-plan")}


def plan(current, room=33, languages=("en",), budget=500):
    return {k: v for k, v in plan_pools(SEGMENTS, current, room=room, languages=list(languages),
                                        available=AVAILABLE, budget=budget).items() if v}


def test_the_pool_is_filled_the_segment_before_and_released_after():
    assert plan(None) == {} and plan("welcome") == {}  # nothing in the first two segments
    assert plan("talk") == {"03-dual-capacity.ipynb": 33}  # the next segment's module, for the room
    assert plan("learn") == {"03-dual-capacity.ipynb": 33}  # under way: refilled for latecomers
    assert plan("post") == {"06-plays-to-plan.ipynb": 33, "05-plays.ipynb": 33}  # 03 is past: released
    assert plan("close") == {}
    assert plan("no-such-segment") == {}  # an unknown segment (agenda changed): as before the start


def test_a_bilingual_room_shares_and_the_memory_budget_caps_the_pools():
    assert plan("talk", languages=("en", "es")) == {"03-dual-capacity.ipynb": 17, "es/03-dual-capacity.ipynb": 17}
    # Under way first: "learn" keeps its pages, the next segment's get what is left.
    capped = plan_pools([SEGMENTS[2], SEGMENTS[4]], "learn", room=30, languages=["en"], available=AVAILABLE | {"x.ipynb"},
                        budget=40)
    assert capped["03-dual-capacity.ipynb"] == 30 and capped["06-plays-to-plan.ipynb"] == 10
    assert capped["05-plays.ipynb"] == 0 and capped["x.ipynb"] == 0
    assert plan("talk", languages=("en", "fr")) == {"03-dual-capacity.ipynb": 17}  # no French pages: none kept


def test_the_room_is_the_devices_that_joined_or_the_expected_size():
    assert room_size(0, 30) == 33 and room_size(12, 30) == 14 and room_size(1, 30) == 2 and room_size(0, 0) == 0
    assert pools.kernel_budget(0) == 2
    assert pools.kernel_budget((1024 + 600) * 2**20) == int(600 * pools.MEMORY_SHARE // pools.MODULE_KERNEL_MIB)


def test_the_follower_writes_a_new_plan_when_the_agenda_moves_or_devices_join(tmp_path, monkeypatch):
    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    with Store(f"sqlite:///{tmp_path / 'shine.db'}") as store:
        workshop, _ = open_workshop(store)
        segments = workshop.setup["segments"]
        learning = next(i for i, s in enumerate(segments) if s["modules"])
        assert segments[learning]["modules"] == ["03-dual-capacity"]  # copied from agendas.yaml
        follower = PoolFollower(workshop.id, AVAILABLE, expected=20, budget=100)
        assert follower.step(store) == dict.fromkeys(sorted(AVAILABLE), 0)
        assert follower.step(store) is None  # nothing changed: nothing written
        store.room.record_event(workshop.id, "start", segments[learning - 1]["id"])
        assert follower.step(store)["03-dual-capacity.ipynb"] == 22
        for phone in range(5):
            store.room.join(workshop.id, f"phone-{phone}")
        store.room.join(workshop.id, "phone-0")  # the same phone again counts once
        assert store.room.devices_joined(workshop.id) == 5
        assert follower.step(store)["03-dual-capacity.ipynb"] == 6
        written = json.loads(follower.plan_file.read_text(encoding="utf-8"))
        assert written["pools"]["03-dual-capacity.ipynb"] == 6
        store.room.record_event(workshop.id, "start", segments[learning + 1]["id"])
        assert follower.step(store)["03-dual-capacity.ipynb"] == 0
        follower.stop()
        assert not follower.plan_file.exists()


def test_the_console_shows_what_is_ready(tmp_path, monkeypatch):
    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    assert pools_html(None) == ""  # no module server: nothing shown
    with Store(f"sqlite:///{tmp_path / 'shine.db'}") as store:
        workshop, _ = open_workshop(store)
        key = new_facilitator_key()
        store.room.set_facilitator_key(workshop.id, key)
        status = pools.status_path(pools.plan_file_for(workshop.id))
        pools.write_json(status, {"written_at": time.time(), "pools": {
            "03-dual-capacity.ipynb": {"target": 22, "ready": 18, "warming": 4},
            "es/<b>x</b>.ipynb": {"target": 1, "ready": 1, "warming": 0},
            "05-plays.ipynb": {"target": 0, "ready": 0, "warming": 0}}})
        console = Console(store, workshop.id)
        console.key.value = key
        console.open_button.click()
        assert console.unlocked
        shown = console.pools.value
        assert "Module pages ready" in shown and "03-dual-capacity" in shown and "18 of 22 ready" in shown
        assert "4 starting" in shown and "05-plays" not in shown and "&lt;b&gt;" in shown and "<b>x" not in shown
        pools.write_json(status, {"written_at": time.time() - 60, "pools": {}})
        console.refresh_pools()
        assert "not answering" in console.pools.value
        pools.forget_status(workshop.id)  # what shine workshop --no-modules does at start
        console.refresh_pools()
        assert console.pools.value == "" and not status.exists()
    assert read_status(workshop.id + 99) is None


def _status(follower) -> dict:
    status = read_status(follower.workshop_id)
    return status.pools if status else {}


def _wait(what, timeout=120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = what()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_a_module_server_fills_the_next_modules_pool_and_releases_it_when_past(tmp_path, monkeypatch):
    from shine.room.server import start_module_server

    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    with Store() as store:
        workshop, _ = open_workshop(store)
        segments = [s["id"] for s in workshop.setup["segments"]]
        learning = next(i for i, s in enumerate(workshop.setup["segments"]) if s["modules"])
        for phone in range(2):
            store.room.join(workshop.id, f"phone-{phone}")
    server, follower = start_module_server(workshop.id, port=_free_port(), lan=False, expected=30, budget=50)
    try:
        assert _status(follower).get("03-dual-capacity.ipynb", {}).get("target", 0) == 0
        with Store() as store:
            store.room.record_event(workshop.id, "start", segments[learning - 1])  # the segment before
        ready = _wait(lambda: _status(follower).get("03-dual-capacity.ipynb", {}).get("ready") == 3)
        assert ready and len(kernel_processes(server.process.pid)) >= 3
        assert read_status(workshop.id).busy() == {"03-dual-capacity.ipynb": {"target": 3, "ready": 3, "warming": 0}}
        with urllib.request.urlopen(f"{server.url.rstrip('/')}/voila/render/03-dual-capacity.ipynb", timeout=60) as r:
            assert r.status == 200 and "application/vnd.jupyter.widget-view+json" in r.read().decode()
        assert "Using pre-heated kernel" in server.log_path.read_text(encoding="utf-8")
        with Store() as store:
            store.room.record_event(workshop.id, "start", segments[learning + 1])  # the segment after
        _wait(lambda: _status(follower).get("03-dual-capacity.ipynb", {}) == {"target": 0, "ready": 0, "warming": 0})
        # The three idle preheated kernels are gone; the page that was opened keeps its own.
        _wait(lambda: len([p for p in kernel_processes(server.process.pid) if p.status() != psutil.STATUS_ZOMBIE])
              <= 2, timeout=30)
    finally:
        follower.stop()
        server.stop()


def _free_port() -> int:
    from conftest import free_port

    return free_port()


def test_serve_follows_only_a_workshop_that_exists(tmp_path, monkeypatch, capsys):
    from shine.cli import main

    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    assert main(["serve", "--agenda", "NOPE99", "--port", str(_free_port())]) == 2
    assert "There is no workshop to follow (NOPE99)" in capsys.readouterr().err
    assert main(["serve", "--agenda", "today", "--port", str(_free_port())]) == 2  # none held today
