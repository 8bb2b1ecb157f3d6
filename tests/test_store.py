"""The store, on SQLite (the default) and on a real PostgreSQL server started by the fixtures."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from shine.store import MAX_POST_CHARS, DatabaseDamagedError, SchemaTooNewError, Store, StoreInputError, head_revision
from shine.store.engine import _alembic_config
from shine.store.schema import Base


def test_a_new_database_is_created_at_the_newest_schema(store):
    assert store.revision == head_revision()
    assert store.room.workshops() == []


def test_default_database_lives_in_shine_home(tmp_path, monkeypatch):
    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SHINE_DB_URL", raising=False)
    with Store() as s:
        s.room.create_workshop("Fall regional meeting")
    db = tmp_path / "home" / "shine.db"
    assert db.exists()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT name FROM workshops").fetchall() == [("Fall regional meeting",)]


def test_sqlite_connections_wait_for_a_busy_database(tmp_path):
    with Store(f"sqlite:///{tmp_path / 's.db'}") as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_post_is_committed_before_add_post_returns(tmp_path):
    """Posts go through a connection of their own in autocommit mode: once add_post returns, the
    row is in the file for every other process and the write lock is free again."""
    path = tmp_path / "s.db"
    with Store(f"sqlite:///{path}") as s:
        w = s.room.create_workshop("Regional")
        post_id = s.room.add_post(w.id, "milestone", "We met our first goal", "kiosk-1")
        other = sqlite3.connect(path, timeout=0)  # no waiting: a held lock would fail at once
        try:
            assert other.execute("SELECT id, body FROM posts").fetchall() == [(post_id, "We met our first goal")]
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()


def test_posts_from_threads_and_after_close_are_all_kept(tmp_path):
    import threading

    s = Store(f"sqlite:///{tmp_path / 's.db'}")
    w = s.room.create_workshop("Regional")
    ids: list[int] = []
    errors: list[BaseException] = []

    def post(k: int) -> None:
        try:
            for i in range(40):
                ids.append(s.room.add_post(w.id, "challenge", f"{k}-{i}", f"kiosk-{k}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s.close()
    ids.append(s.room.add_post(w.id, "question", "after close", "kiosk-9"))  # a closed store reopens
    assert s.room.count_posts(w.id) == 161 == len(set(ids))
    s.close()


def test_shine_db_url_switches_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("SHINE_DB_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with Store() as s:
        assert "elsewhere.db" in s.describe()


def test_workshop_posts_votes_and_moderation(store):
    w = store.room.create_workshop("Our Time to Shine", agenda_id="regional-meeting")
    assert len(w.code) == 6 and store.room.workshop_by_code(w.code.lower()) == w
    team = store.teams.ensure("CTHSS", "Platt Tech", "high")
    assert store.teams.ensure("CTHSS", "Platt Tech", "high") == team  # same school, same team
    first = store.room.add_post(w.id, "milestone", "First family night: 40 families came.", "kiosk-1", team_id=team.id,
                                tags=["parenting"])
    second = store.room.add_post(w.id, "challenge", "Few fathers come to conferences.", "kiosk-2")
    assert store.room.vote(second, "kiosk-1") is True
    assert store.room.vote(second, "kiosk-1") is False  # one "me too" per participant
    store.room.vote(second, "kiosk-3")
    posts = store.room.posts(w.id)
    assert [p.id for p in posts] == [second, first]  # newest first
    assert posts[0].votes == 2 and posts[1].school == "Platt Tech" and posts[1].tags == ("parenting",)
    assert posts[0].created_at.tzinfo is not None
    store.room.moderate(first, "hide", "duplicate")
    assert [p.id for p in store.room.posts(w.id)] == [second]
    assert [p.hidden for p in store.room.posts(w.id, include_hidden=True)] == [False, True]
    store.room.moderate(first, "show")
    assert len(store.room.posts(w.id)) == 2 and store.room.count_posts(w.id) == 2
    assert [p.id for p in store.room.posts(w.id, since_id=first)] == [second]


def test_plans_keep_every_version(store):
    team = store.teams.ensure("Groton", "Cutler Middle School", "middle")
    assert store.plans.latest(team.id, "2026-2027") is None
    assert store.plans.save(team.id, "2026-2027", {"goals": []}) == 1
    assert store.plans.save(team.id, "2026-2027", {"goals": [{"kind": "academic"}]}) == 2
    assert store.plans.latest(team.id, "2026-2027") == (2, {"goals": [{"kind": "academic"}]})
    assert [v for v, _ in store.plans.versions(team.id, "2026-2027")] == [1, 2]


def test_assessments_keep_each_participants_last_answer(store):
    team = store.teams.ensure("Windsor", "Poquonock Elementary", "elementary")
    store.answers.record("nnps-frequency", "conference-every-family", 2, "parent-a", team_id=team.id)
    store.answers.record("nnps-frequency", "conference-every-family", 4, "parent-a", team_id=team.id)
    store.answers.record("nnps-frequency", "conference-every-family", 3, "teacher-b", team_id=team.id)
    assert store.answers.latest("nnps-frequency", team_id=team.id) == {
        "parent-a": {"conference-every-family": 4}, "teacher-b": {"conference-every-family": 3}}


TRICKY = [
    "Nos reunimos con 12 familias 🎉👨‍👩‍👧",
    "اجتماع الأسر يوم الخميس",  # right-to-left
    "<script>alert('x')</script><b>bold</b>",
    "Robert'); DROP TABLE posts;--",
    "line one\nline two\ttabbed",
]


@pytest.mark.parametrize("body", TRICKY)
def test_any_text_is_stored_exactly_as_typed(store, body):
    w = store.room.create_workshop("Regional")
    post_id = store.room.add_post(w.id, "practice", body, "kiosk")
    assert store.room.posts(w.id)[0].body == body and store.room.posts(w.id)[0].id == post_id
    assert store.room.count_posts() == 1  # the SQL in the text did nothing


def test_nul_characters_are_dropped_not_refused(store):
    w = store.room.create_workshop("Regional")
    store.room.add_post(w.id, "question", "pasted\x00text", "kiosk")
    assert store.room.posts(w.id)[0].body == "pastedtext"


@pytest.mark.parametrize("body, message", [
    ("", "empty"),
    ("   \n ", "empty"),
    ("x" * 10_000, f"10000 characters long; the limit is {MAX_POST_CHARS}"),
])
def test_bad_posts_are_refused_with_a_plain_message_and_nothing_is_lost(store, body, message):
    w = store.room.create_workshop("Regional")
    store.room.add_post(w.id, "milestone", "kept", "kiosk")
    with pytest.raises(StoreInputError, match=message):
        store.room.add_post(w.id, "milestone", body, "kiosk")
    assert [p.body for p in store.room.posts(w.id)] == ["kept"]


def test_unknown_post_kind_and_level_are_refused(store):
    w = store.room.create_workshop("Regional")
    with pytest.raises(StoreInputError, match="not a kind of post"):
        store.room.add_post(w.id, "rant", "text", "kiosk")
    with pytest.raises(StoreInputError, match="not a school level"):
        store.teams.ensure("X", "Y", "college")


WRITER = textwrap.dedent("""
    import sys
    from shine.store import Store
    url, worker, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Store(url) as s:
        w = s.room.workshop_by_code("LOADTS")
        for i in range(n):
            s.room.add_post(w.id, "milestone", f"post {i} from {worker}", f"writer-{worker}")
""")


def _run_writers(url: str, processes: int, each: int) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(k), str(each)], stderr=subprocess.PIPE,
                              text=True) for k in range(processes)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * processes, "\n".join(e for e in errors if e)


@pytest.mark.slow
def test_eight_processes_writing_at_once_lose_nothing(db_url):
    with Store(db_url) as s:
        w = s.room.create_workshop("Load test", code="LOADTS")
    _run_writers(db_url, processes=8, each=500)
    with Store(db_url) as s:
        assert s.room.count_posts(w.id) == 4000
        per_writer = {}
        for p in s.room.posts(w.id):
            per_writer[p.body.split(" from ")[1]] = per_writer.get(p.body.split(" from ")[1], 0) + 1
        assert per_writer == {str(k): 500 for k in range(8)}


@pytest.mark.slow
def test_many_processes_creating_a_new_sqlite_file_at_once(tmp_path):
    """The first opener creates the schema; the others wait for it instead of failing."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    script = "import sys; from shine.store import Store; Store(sys.argv[1]).close()"
    procs = [subprocess.Popen([sys.executable, "-c", script, url], stderr=subprocess.PIPE, text=True)
             for _ in range(8)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    with Store(url) as s:
        assert s.revision == head_revision()


def test_an_older_database_is_upgraded_in_place_without_losing_rows(db_url):
    engine = create_engine(db_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text("INSERT INTO workshops (id, code, name, kind, language, created_at) "
                          "VALUES (1, 'OLD001', 'Spring 2025', 'regional-meeting', 'en', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO teams (id, district, school, created_at) "
                          "VALUES (1, 'Middletown', 'Moody School', CURRENT_TIMESTAMP)"))
        for i in range(25):
            conn.execute(text("INSERT INTO posts (workshop_id, team_id, client_id, kind, body, tags, created_at) "
                              "VALUES (1, 1, 'k', 'milestone', :b, '[]', CURRENT_TIMESTAMP)"), {"b": f"old {i}"})
    engine.dispose()
    with Store(db_url) as s:
        assert s.revision == head_revision() != "0001"
        assert s.room.count_posts() == 25
        assert s.room.posts(1)[-1].body == "old 0" and s.room.posts(1)[0].school == "Moody School"
        team = s.teams.all()[0]
        assert s.plans.save(team.id, "2025-2026", {"ok": True}) == 1  # the new tables work
    if db_url.startswith("sqlite"):
        folder = Path(db_url.removeprefix("sqlite:///")).parent
        backups = list(folder.glob("*.before-upgrade-from-0001.bak"))
        assert backups, "the old file is copied aside before an upgrade"
        assert sqlite3.connect(backups[0]).execute("SELECT count(*) FROM posts").fetchone() == (25,)


def test_the_models_match_the_migrations(db_url):
    with Store(db_url) as s, s.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_a_file_that_is_not_a_database_is_reported_and_left_untouched(tmp_path):
    path = tmp_path / "shine.db"
    path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseDamagedError, match="damaged or is not a Time to Shine database"):
        Store(f"sqlite:///{path}")
    assert path.read_bytes() == before


def _filled_database(path: Path, posts: int) -> Store:
    """A store with ``posts`` posts, its WAL folded into the main file (ready to be damaged)."""
    s = Store(f"sqlite:///{path}")
    w = s.room.create_workshop("Regional")
    for _ in range(posts):
        s.room.add_post(w.id, "milestone", "x" * 900, "k")
    s.engine.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return s


def test_a_truncated_database_file_is_reported(tmp_path):
    path = tmp_path / "shine.db"
    _filled_database(path, 200).close()
    path.write_bytes(path.read_bytes()[:100] + b"\xff" * 4000)  # header kept, pages scrambled
    with pytest.raises(DatabaseDamagedError, match="Nothing in it was changed"):
        Store(f"sqlite:///{path}")


def test_damage_found_while_reading_gets_the_same_plain_message(tmp_path):
    path = tmp_path / "shine.db"
    with _filled_database(path, 300) as s:
        data = bytearray(path.read_bytes())
        data[40 * 4096:60 * 4096] = b"\x13" * (20 * 4096)  # scramble pages holding posts only
        path.write_bytes(bytes(data))
        with pytest.raises(DatabaseDamagedError, match="damaged"):
            s.room.posts(1)


def test_a_database_from_a_newer_version_is_refused_unchanged(db_url):
    with Store(db_url) as s, s.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaTooNewError, match="newer version"):
        Store(db_url)
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()
