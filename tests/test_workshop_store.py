"""What the live session keeps in the store (revision 0003), on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from shine.room.session import open_workshop, session_setup
from shine.store import Store, StoreInputError, hash_key, head_revision, key_matches, new_facilitator_key
from shine.store.engine import _alembic_config


def test_a_workshop_starts_with_the_regional_meeting_agenda_and_resumes_the_same_day(store):
    first, resumed = open_workshop(store, held_on=date(2026, 10, 15))
    assert resumed is False
    setup = session_setup()
    assert first.setup == setup and first.name == setup["agenda_name"]["en"] == "Our Time to Shine regional meeting"
    assert setup["languages"] == ["en"] and setup["agenda_name"]["es"].startswith("Reunión regional")
    assert [s["id"] for s in setup["segments"]][0] == "rm-welcome"
    assert {t["group"] for t in setup["tags"]} == {"type", "standard"}
    again, resumed = open_workshop(store, held_on=date(2026, 10, 15))
    assert resumed is True and again == first
    other_day, resumed = open_workshop(store, held_on=date(2026, 10, 16))
    assert resumed is False and other_day.id != first.id
    assert open_workshop(store, code=first.code.lower())[0] == first
    with pytest.raises(StoreInputError, match="no workshop with the join code"):
        open_workshop(store, code="NOPE42")
    assert open_workshop(store, held_on=date(2026, 10, 15), new=True)[0].id not in (first.id, other_day.id)


def test_only_the_facilitator_keys_hash_is_kept(store):
    w = store.room.create_workshop("Regional")
    key = new_facilitator_key()
    assert len(key) == 19 and key.count("-") == 3
    store.room.set_facilitator_key(w.id, key)
    with store.engine.connect() as conn:
        kept = conn.execute(text("SELECT key_hash FROM workshops WHERE id = :i"), {"i": w.id}).scalar()
    assert key not in kept and key.replace("-", "") not in kept
    assert store.room.check_facilitator_key(w.id, key)
    assert store.room.check_facilitator_key(w.id, key.lower().replace("-", " "))  # typed loosely
    assert not store.room.check_facilitator_key(w.id, "")
    assert not store.room.check_facilitator_key(w.id, new_facilitator_key())
    store.room.set_facilitator_key(w.id, new_facilitator_key())
    assert not store.room.check_facilitator_key(w.id, key), "a restart issues a new key; the old one stops working"
    assert not key_matches(key, None) and not key_matches(key, "garbage") and key_matches(key, hash_key(key))


def test_segments_posting_and_teams_present(store):
    w = store.room.create_workshop("Regional")
    state = store.room.session_state(w.id)
    assert state.segment_id is None and state.posting_open
    store.room.record_event(w.id, "start", "rm-welcome")
    store.room.record_event(w.id, "close", "rm-welcome")
    assert not store.room.session_state(w.id).posting_open
    store.room.record_event(w.id, "start", "rm-kiosk")
    state = store.room.session_state(w.id)
    assert state.segment_id == "rm-kiosk" and state.posting_open and state.closed_segments == {"rm-welcome"}
    store.room.record_event(w.id, "open", "rm-welcome")
    assert store.room.session_state(w.id).closed_segments == frozenset()
    with pytest.raises(StoreInputError, match="not a session action"):
        store.room.record_event(w.id, "delete", "rm-kiosk")

    platt = store.teams.ensure("CTHSS", "Platt Tech", "high")
    moody = store.teams.ensure("Middletown", "Moody School")
    store.room.join(w.id, "kiosk-a", platt.id)
    store.room.join(w.id, "kiosk-a", platt.id)
    store.room.join(w.id, "phone-b", platt.id)
    store.room.join(w.id, "phone-c", moody.id)
    store.room.add_post(w.id, "milestone", "done", "kiosk-a", team_id=platt.id)
    present = {t.team.school: (t.devices, t.posts) for t in store.room.teams_present(w.id)}
    assert present == {"Platt Tech": (2, 1), "Moody School": (1, 0)}


def test_the_activity_fingerprint_changes_with_everything_a_wall_shows(store):
    w = store.room.create_workshop("Regional")
    seen = [store.room.activity(w.id)]
    post = store.room.add_post(w.id, "challenge", "few fathers come", "k1")
    seen.append(store.room.activity(w.id))
    store.room.vote(post, "k2")
    seen.append(store.room.activity(w.id))
    store.room.moderate(post, "hide")
    seen.append(store.room.activity(w.id))
    store.room.record_event(w.id, "start", "rm-kiosk")
    seen.append(store.room.activity(w.id))
    assert len(set(seen)) == len(seen)
    assert store.room.activity(w.id) == seen[-1]  # nothing new, nothing changes
    assert [a for _p, a, _r, _t in store.room.moderation_log(w.id)] == ["hide"]


def test_others_posts_leave_out_my_own(store):
    w = store.room.create_workshop("Regional")
    store.room.add_post(w.id, "practice", "mine", "me")
    store.room.add_post(w.id, "practice", "theirs", "them")
    assert [p.body for p in store.room.posts(w.id, exclude_client="me")] == ["theirs"]


def test_a_0002_database_is_upgraded_keeping_every_post(db_url):
    engine = create_engine(db_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.execute(text("INSERT INTO workshops (id, code, name, kind, language, created_at) "
                          "VALUES (1, 'OLD002', 'Spring', 'regional-meeting', 'en', CURRENT_TIMESTAMP)"))
        for i in range(30):
            conn.execute(text("INSERT INTO posts (workshop_id, client_id, kind, body, tags, created_at) "
                              "VALUES (1, 'k', 'milestone', :b, '[]', CURRENT_TIMESTAMP)"), {"b": f"old {i}"})
    engine.dispose()
    with Store(db_url) as s:
        assert s.revision == head_revision()
        assert s.room.count_posts(1) == 30 and s.room.workshop(1).setup is None
        s.room.record_event(1, "start", "rm-welcome")
        assert s.room.session_state(1).segment_id == "rm-welcome"


def test_a_kiosk_opening_an_up_to_date_store_does_not_load_alembic(tmp_path):
    """Alembic costs every kiosk kernel ~15 MiB; it is loaded only to upgrade a database."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url).close()
    script = ("import sys; from shine.store import Store; s = Store(sys.argv[1]); s.room.count_posts(); "
              "print('alembic' in sys.modules, 'pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script, url], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
