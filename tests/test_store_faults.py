"""The store tells the truth about its files: private modes, a damaged file, a read-only file or
disk, a full disk, a schema from a newer version or without its version record, and posts that
PostgreSQL commits out of order (issue 18, items 6, 8, 9 and 12).

Every fault is real: random bytes written into a real file, a real tmpfs made small or remounted
read-only (root only; CI runs as root), real ``shine`` processes, ten real writer processes on the
throwaway PostgreSQL server.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import free_port, need_system
from sqlalchemy import create_engine, text

from shine.store import (
    DatabaseDamagedError,
    DatabaseReadOnlyError,
    DiskFullError,
    MiniVisits,
    SchemaTooNewError,
    SchemaVersionMissingError,
    Store,
    StoreError,
    head_revision,
)

SHINE = [sys.executable, "-m", "shine"]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def shine(*args: str, home: Path, url: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SHINE_DB_URL", "SHINE_LANG")}
    env["SHINE_HOME"] = str(home)
    if url:
        env["SHINE_DB_URL"] = url
    return subprocess.run([*SHINE, *args], env=env, capture_output=True, text=True, timeout=timeout)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def small_disk(folder: Path, size: str = "2m"):
    """A real tmpfs of ``size`` mounted on ``folder`` (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        need_system("root", "a full or read-only disk is a real tmpfs, and only root may mount one")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode:
        need_system("permission to mount a tmpfs", mounted.stderr.strip() or "mount failed")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def workshop(home: Path) -> subprocess.CompletedProcess:
    """``shine workshop`` as a real process; one that got past the database is stopped, and fails."""
    env = {k: v for k, v in os.environ.items() if k not in ("SHINE_DB_URL", "SHINE_LANG")}
    env["SHINE_HOME"] = str(home)
    proc = subprocess.Popen([*SHINE, "workshop", "--no-qr", "--kiosks", "1", "--no-modules", "--port", str(free_port())], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"shine workshop started on a database it must refuse:\n{out}\n{err}")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def remount(folder: Path, how: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{how}", str(folder)], check=True, capture_output=True)


# --- 6. the data folder and the database are the trainer's own ----------------------------------------


def test_the_data_folder_is_0700_and_the_database_files_0600(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SHINE_HOME", str(home))
    monkeypatch.delenv("SHINE_DB_URL", raising=False)
    with Store() as s:
        w = s.room.create_workshop("Regional")
        s.room.add_post(w.id, "milestone", "kept private", "k")
        files = sorted(p.name for p in home.iterdir())
        assert files == ["shine.db", "shine.db-shm", "shine.db-wal"]
        assert {name: oct(mode(home / name)) for name in files} == dict.fromkeys(files, oct(0o600))
    assert oct(mode(home)) == oct(0o700)


def test_wider_modes_are_tightened_and_an_upgrade_copy_is_private(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    monkeypatch.setenv("SHINE_HOME", str(home))
    monkeypatch.delenv("SHINE_DB_URL", raising=False)
    db = home / "shine.db"
    engine = create_engine(f"sqlite:///{db}")
    from alembic import command

    from shine.store.engine import _alembic_config

    cfg = _alembic_config()
    with engine.begin() as conn:  # an older database, as an earlier version left it: 0644
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    engine.dispose()
    os.chmod(db, 0o644)
    with Store() as s:
        assert s.revision == head_revision()
    backup = home / "shine.db.before-upgrade-from-0003.bak"
    assert oct(mode(home)) == oct(0o700) and oct(mode(db)) == oct(0o600) and oct(mode(backup)) == oct(0o600)


def test_another_owners_folder_and_file_are_left_alone_without_a_word(tmp_path, monkeypatch, capsys):
    if os.geteuid() != 0:
        need_system("root", "only root can give a folder to another user for this test")
    home = tmp_path / "home"
    home.mkdir()
    db = home / "shine.db"
    Store(f"sqlite:///{db}").close()
    for path, wide in ((home, 0o755), (db, 0o644)):
        os.chmod(path, wide)
        os.chown(path, 65534, 65534)  # nobody
    monkeypatch.setenv("SHINE_HOME", str(home))
    monkeypatch.delenv("SHINE_DB_URL", raising=False)
    with Store() as s:
        s.room.create_workshop("Regional")
    assert (oct(mode(home)), oct(mode(db))) == (oct(0o755), oct(0o644))
    assert capsys.readouterr() == ("", "")


# --- 8. a damaged file is read, never written --------------------------------------------------------


def damaged_database(home: Path, posts: int = 1500, workshop_name: str | None = "Fall regional meeting") -> Path:
    """A real workshop database of ``posts`` posts with 4 KB of random bytes written in its middle
    (posts go to a new workshop of that name, or to the newest one)."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / "shine.db"
    with Store(f"sqlite:///{path}") as s:
        w = s.room.create_workshop(workshop_name) if workshop_name else s.room.latest_workshop()
        team = s.teams.ensure("Middletown", "Moody School")
        for i in range(posts):
            s.room.add_post(w.id, "milestone", f"post {i}: " + "families came " * 8, f"kiosk-{i % 30}",
                            team_id=team.id)
        s.checkpoint()
    con = sqlite3.connect(path)
    # A page of posts in the middle of the file: the index the counts read stays whole, as in the
    # issue, where `shine db info` still counted every post.
    pages = [n for (n,) in con.execute("SELECT pageno FROM dbstat WHERE name = 'posts' AND pagetype = 'leaf' "
                                       "ORDER BY pageno")]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with open(path, "r+b") as f:
        f.seek((pages[len(pages) // 2] - 1) * page_size)
        f.write(random.Random(18).randbytes(4096))
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA quick_check").fetchall() != [("ok",)], "the bytes did not damage the file"
    except sqlite3.DatabaseError:
        pass  # so damaged that the check stops on it
    finally:
        con.close()
    return path


def test_a_damaged_file_is_opened_read_only_and_every_write_is_refused(tmp_path):
    path = damaged_database(tmp_path / "home")
    before = digest(path)
    with Store(f"sqlite:///{path}") as s:
        assert isinstance(s.problem, DatabaseDamagedError)
        workshop = s.room.latest_workshop()  # what can be read is read
        assert workshop is not None and workshop.name == "Fall regional meeting"
        writes = [
            lambda: s.room.add_post(workshop.id, "milestone", "Posted?", "kiosk-1"),
            lambda: s.room.vote(1, "kiosk-2"),
            lambda: s.room.join(workshop.id, "kiosk-3"),
            lambda: s.room.create_workshop("Another"),
            lambda: s.room.set_facilitator_key(workshop.id, "ABCD-EFGH-JKLM-NPQR"),
            lambda: s.teams.ensure("Groton", "Cutler Middle School"),
            lambda: s.plans.save(1, "2026-2027", {"goals": []}),
            lambda: s.answers.record("nnps-frequency", "item", 3, "parent-a"),
            lambda: MiniVisits(s).add_schools("Groton", ["Cutler"]),
        ]
        for write in writes:
            with pytest.raises(DatabaseDamagedError, match="damaged; nothing more will be written to it") as caught:
                write()
            assert "shine db check" in str(caught.value) and "busy" not in str(caught.value)
        try:
            posts = s.room.posts(workshop.id)
        except DatabaseDamagedError:
            posts = None  # the damaged page is on the way: said plainly, never a raw SQLite error
        assert posts is None or len(posts) < 1500
        s.checkpoint()  # the end of a session folds nothing into a damaged file
    assert digest(path) == before


def test_damage_found_while_reading_stops_every_later_write(tmp_path):
    path = tmp_path / "shine.db"
    with Store(f"sqlite:///{path}") as s:
        w = s.room.create_workshop("Regional")
        for i in range(300):
            s.room.add_post(w.id, "milestone", f"{i} " + "x" * 900, "k")
        s.checkpoint()
        assert s.problem is None
        data = bytearray(path.read_bytes())
        data[40 * 4096:60 * 4096] = b"\x13" * (20 * 4096)  # damaged under a store already open
        path.write_bytes(bytes(data))
        with pytest.raises(DatabaseDamagedError):
            s.room.posts(w.id)
        before = digest(path)
        with pytest.raises(DatabaseDamagedError, match="nothing more will be written"):
            s.room.add_post(w.id, "question", "after the damage", "k")
        assert isinstance(s.problem, DatabaseDamagedError)
    assert digest(path) == before


def test_shine_says_a_damaged_file_is_damaged_and_rescues_what_it_holds(tmp_path):
    home = tmp_path / "home"
    path = damaged_database(home)
    before = digest(path)

    info = shine("db", "info", home=home)
    assert info.returncode == 1, info
    assert "is damaged; nothing more will be written" in info.stderr

    check = shine("db", "check", home=home)
    assert check.returncode == 1, check
    assert "is damaged" in check.stdout and "integrity_check" in check.stdout
    assert "shine db rescue" in check.stdout and "safe place" in check.stdout

    rescued = tmp_path / "rescued.db"
    done = shine("db", "rescue", str(rescued), home=home)
    assert done.returncode == 0, done
    assert digest(path) == before
    with Store(f"sqlite:///{rescued}") as s:
        assert s.problem is None
        kept = s.room.count_posts()
        assert 1400 <= kept < 1500  # what the damaged page held is lost, nothing else
        assert s.room.workshops()[0].name == "Fall regional meeting"
        s.room.add_post(1, "milestone", "the workshop goes on", "kiosk-1")
    assert shine("db", "check", home=home, url=f"sqlite:///{rescued}").returncode == 0


def test_shine_workshop_refuses_to_resume_on_a_damaged_file(tmp_path):
    """The issue's case: today's workshop is resumed (nothing written on the way), then "Posted!"."""
    from shine.room.session import open_workshop

    home = tmp_path / "home"
    path = home / "shine.db"
    with Store(f"sqlite:///{path}") as s:
        open_workshop(s)  # as the first `shine workshop` of the day did
    path = damaged_database(home, workshop_name=None)
    before = digest(path)
    started = workshop(home)
    assert started.returncode == 2, started
    assert "is damaged; nothing more will be written" in started.stderr, started
    assert "Resumed" not in started.stdout and "Traceback" not in started.stderr
    assert digest(path) == before


def test_a_quick_check_on_20000_posts_costs_little(tmp_path):
    """The check runs once per store opened; measured here so a slower one is noticed."""
    path = tmp_path / "shine.db"
    con = sqlite3.connect(path)
    with Store(f"sqlite:///{path}") as s:
        w = s.room.create_workshop("Regional")
    rows = [(w.id, f"kiosk-{i % 30}", "milestone", f"post {i}: " + "families came " * 10, "[]",
             "2026-10-15 10:00:00+00:00") for i in range(20_000)]
    with con:
        con.executemany("INSERT INTO posts (workshop_id, client_id, kind, body, tags, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.close()
    with Store(f"sqlite:///{path}", check=False) as s:
        start = time.perf_counter()
        s.quick_check()
        took = time.perf_counter() - start
        assert s.problem is None and s.room.count_posts() == 20_000
    assert took < 1.0, f"PRAGMA quick_check took {took:.2f} s on 20,000 posts"


# --- 9. each condition gets its own true message ---------------------------------------------------


def test_a_read_only_disk_is_read_only_not_damaged(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "home" / "shine.db"
        with Store(f"sqlite:///{path}") as s:
            w = s.room.create_workshop("Regional")
            s.room.add_post(w.id, "milestone", "kept", "k")
            s.checkpoint()
        remount(disk, "ro")
        with Store(f"sqlite:///{path}") as s:
            assert isinstance(s.problem, DatabaseReadOnlyError)
            assert [p.body for p in s.room.posts(w.id)] == ["kept"]
            with pytest.raises(DatabaseReadOnlyError) as caught:
                s.room.add_post(w.id, "milestone", "more", "k")
        message = str(caught.value)
        assert "mounted read-only" in message and "not damaged" in message
        assert "damaged;" not in message and "move the file" not in message.lower() and "afresh" not in message
        info = shine("db", "info", home=disk / "home")
        assert info.returncode == 1 and "mounted read-only" in info.stderr and "posts: 1" in info.stdout
        started = workshop(disk / "home")
        assert started.returncode == 2 and "mounted read-only" in started.stderr, started


def test_a_disk_turned_read_only_under_an_open_store_is_read_only_not_damaged(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "shine.db"
        with Store(f"sqlite:///{path}") as s:
            w = s.room.create_workshop("Regional")
            s.room.add_post(w.id, "milestone", "kept", "k")
            s.room._close_posting_connections()  # Linux remounts read-only only a disk nobody writes
            s.engine.dispose()
            remount(disk, "ro")
            for write in (lambda: s.room.add_post(w.id, "milestone", "more", "k"), lambda: s.room.vote(1, "k2")):
                with pytest.raises(DatabaseReadOnlyError, match="mounted read-only"):
                    write()
            assert not isinstance(s.problem, DatabaseDamagedError)


def as_nobody(work) -> str:
    """``work()`` in a forked process that has become the user nobody; what it returned."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the modules it needs are imported already
        os.close(read)
        try:
            os.setgid(65534)
            os.setuid(65534)
            out = str(work())
        except BaseException as exc:  # reported to the parent
            out = f"{type(exc).__name__}: {exc}"
        os.write(write, out.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        out = pipe.read().decode()
    os.waitpid(pid, 0)
    return out


def test_a_read_only_file_is_read_only_not_damaged():
    """Root may write any file: as root, the store opens this one in a process that has become
    nobody; another user opens it as it is."""
    base = Path(tempfile.mkdtemp(prefix="shine-ro-", dir="/tmp"))  # pytest's tmp_path is closed to nobody
    try:
        home = base / "home"
        home.mkdir()
        path = home / "shine.db"
        with Store(f"sqlite:///{path}") as s:
            s.room.create_workshop("Regional")
        os.chmod(base, 0o755)
        os.chmod(home, 0o777)  # SQLite's working files may be created beside it; the file is not writable
        os.chmod(path, 0o444)

        def open_and_write() -> str:
            with Store(f"sqlite:///{path}") as s:
                name = s.room.workshops()[0].name
                try:
                    s.room.create_workshop("Another")
                except DatabaseReadOnlyError as exc:
                    return f"{name}\n{exc}"
            return "written"

        out = as_nobody(open_and_write) if os.geteuid() == 0 else open_and_write()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    assert out.startswith("Regional\n") and "may not write to the file" in out, out
    assert "is not damaged" in out and "is damaged" not in out and "afresh" not in out


def test_a_full_disk_is_full_not_busy_and_saving_resumes_when_there_is_room(tmp_path):
    with small_disk(tmp_path / "disk", size="1m") as disk:
        room = disk / "room-to-free"
        room.write_bytes(b"\0" * 200_000)
        with Store(f"sqlite:///{disk / 'shine.db'}") as s:
            w = s.room.create_workshop("Regional")
            saved = 0
            with pytest.raises(DiskFullError) as caught:
                for i in range(10_000):
                    s.room.add_post(w.id, "milestone", f"{i} " + "x" * 900, "k")
                    saved += 1
            message = str(caught.value)
            assert "disk holding the database" in message and "is full" in message
            assert "busy" not in message and "damaged" not in message
            for write in (lambda: s.room.vote(1, "k2"), lambda: s.room.join(w.id, "k3")):
                try:
                    write()  # a small write may still fit a page SQLite has free
                except StoreError as exc:
                    assert isinstance(exc, DiskFullError), exc
            assert s.problem is None
            room.unlink()
            s.room.add_post(w.id, "milestone", "room again", "k")
            assert s.room.count_posts(w.id) == saved + 1
        assert Store(f"sqlite:///{disk / 'shine.db'}").problem is None


def _set_version(url: str, version: str | None) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        if version:
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    engine.dispose()


def test_a_database_from_a_newer_version_cannot_be_used(tmp_path):
    home = tmp_path / "home"
    url = f"sqlite:///{home / 'shine.db'}"
    with Store(url) as s:
        s.room.create_workshop("Regional")
    _set_version(url, "0099")
    head = head_revision()
    with pytest.raises(SchemaTooNewError, match=f"schema 0099.*up to {head}"):
        Store(url)
    info = shine("db", "info", home=home)
    assert info.returncode == 1, info
    assert "schema 0099" in info.stderr and f"up to {head}" in info.stderr and "cannot use it" in info.stderr
    started = workshop(home)
    assert started.returncode == 2 and "schema 0099" in started.stderr, started


def test_a_missing_version_record_is_named_and_stamp_restores_it(db_url, tmp_path):
    with Store(db_url) as s:
        w = s.room.create_workshop("Regional")
        s.room.add_post(w.id, "milestone", "kept", "k")
    _set_version(db_url, None)
    with pytest.raises(SchemaVersionMissingError, match="no record of their schema version") as caught:
        Store(db_url)
    assert "already exists" not in str(caught.value) and "shine db stamp" in str(caught.value)
    home = tmp_path / "home"
    info = shine("db", "info", home=home, url=db_url)
    assert info.returncode == 1 and "no record of their schema version" in info.stderr, info
    stamped = shine("db", "stamp", home=home, url=db_url)
    assert stamped.returncode == 0 and head_revision() in stamped.stdout, stamped
    with Store(db_url) as s:
        assert s.revision == head_revision() and [p.body for p in s.room.posts(w.id)] == ["kept"]
    again = shine("db", "stamp", home=home, url=db_url)
    assert again.returncode == 1 and "already records" in again.stderr


def test_stamp_refuses_tables_that_do_not_match(tmp_path):
    url = f"sqlite:///{tmp_path / 'shine.db'}"
    with Store(url) as s:
        s.room.create_workshop("Regional")
    _set_version(url, None)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE workshop_events"))
    engine.dispose()
    stamped = shine("db", "stamp", home=tmp_path, url=url)
    assert stamped.returncode == 1 and "do not match" in stamped.stderr, stamped


# --- 12. a post committed late is never skipped -----------------------------------------------------


def test_a_post_committed_after_a_higher_id_still_reaches_the_wall(postgres_url):
    """Reproduces the race exactly: post 1 is inserted, post 2 commits, the wall polls, then post
    1 commits. Asking for ids above the newest seen (the old way) never shows post 1."""
    from shine.room.widgets.wall import Wall

    with Store(postgres_url) as s:
        w = s.room.create_workshop("Regional")
        wall = Wall(s, w.id, chart_seconds=1e9)
        wall._chart_html = lambda: ""
        late = s.engine.connect()
        pending = late.begin()
        row = dict(workshop_id=w.id, team_id=None, client_id="kiosk-1", kind="milestone", body="late",
                   tags=[], segment_id=None, created_at=s.room.workshop(w.id).created_at)
        late_id = late.execute(s.room._pg_post, row).scalar_one()
        early_id = s.room.add_post(w.id, "milestone", "early", "kiosk-2")
        assert early_id > late_id
        assert wall.refresh() and set(wall.posts) == {early_id}
        naive = max(wall.posts)
        pending.commit()
        late.close()
        assert [p.id for p in s.room.posts(w.id, since_id=naive)] == []  # the old way: skipped for good
        assert wall.refresh(), "the fingerprint must change when the late post commits"
        assert set(wall.posts) == {early_id, late_id}
        assert s.room.activity(w.id) == wall.fingerprint  # and nothing changes after


def test_a_late_post_whose_transaction_began_after_the_committed_ones_still_reaches_the_wall(postgres_url):
    """The same race when the early post's transaction took its transaction id first: the late
    one's id is then at or above the wall's snapshot ``xmax`` and absent from its list of running
    transactions, so neither ``xmax`` nor that list shows it is still in flight. Only the next
    transaction id does (the fingerprint and the cursor's floor both rely on it)."""
    from shine.room.widgets.wall import Wall

    with Store(postgres_url) as s:
        w = s.room.create_workshop("Regional")
        wall = Wall(s, w.id, chart_seconds=1e9)
        wall._chart_html = lambda: ""
        created = s.room.workshop(w.id).created_at
        early, late = s.engine.connect(), s.engine.connect()
        early_tx, late_tx = early.begin(), late.begin()
        early.execute(text("SELECT pg_current_xact_id()"))  # the early post's transaction begins first
        late_id = late.execute(s.room._pg_post, dict(workshop_id=w.id, team_id=None, client_id="kiosk-1",
                                                     kind="milestone", body="late", tags=[], segment_id=None,
                                                     created_at=created)).scalar_one()
        early_id = early.execute(s.room._pg_post, dict(workshop_id=w.id, team_id=None, client_id="kiosk-2",
                                                       kind="milestone", body="early", tags=[], segment_id=None,
                                                       created_at=created)).scalar_one()
        early_tx.commit()
        assert early_id > late_id
        assert wall.refresh() and set(wall.posts) == {early_id}
        for _ in range(3):  # polls while the late post is in flight: its id must stay above the floor
            s.room.add_post(w.id, "practice", "meanwhile", "kiosk-3")
            wall.refresh()
        assert wall.post_cursor.floor < late_id
        late_tx.commit()
        early.close()
        late.close()
        assert wall.refresh(), "the fingerprint must change when the late post commits"
        assert late_id in wall.posts and wall.count == 5
        assert s.room.activity(w.id) == wall.fingerprint


WRITER = textwrap.dedent("""
    import sys
    from shine.store import Store
    url, workshop, worker, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    with Store(url) as s:
        for i in range(n):
            s.room.add_post(workshop, "milestone", f"post {i} from {worker}", f"writer-{worker}")
""")


@pytest.mark.slow
def test_ten_writers_at_full_speed_and_a_polling_wall_miss_nothing_on_postgresql(postgres_url):
    from shine.room.widgets.wall import Wall

    writers, each = 10, 2_000
    with Store(postgres_url) as s:
        w = s.room.create_workshop("Load")
        wall = Wall(s, w.id, chart_seconds=1e9)
        wall._draw = wall._chart_html = lambda: ""  # the polling is under test, not the drawing
        naive: set[int] = set()  # the old way, beside it: ids above the newest seen
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, postgres_url, str(w.id), str(k), str(each)],
                                  stderr=subprocess.PIPE, text=True) for k in range(writers)]
        started, polls = time.monotonic(), 0
        while any(p.poll() is None for p in procs):
            wall.refresh()
            with s.engine.connect() as conn:
                naive.update(conn.execute(text("SELECT id FROM posts WHERE workshop_id = :w AND id > :newest"),
                                          {"w": w.id, "newest": max(naive, default=0)}).scalars())
            polls += 1
            time.sleep(0.02)  # more often than a wall (0.25 s): more chances to meet a late commit
            assert time.monotonic() - started < 240, "the writers took too long"
        errors = [p.communicate()[1] for p in procs]
        assert [p.returncode for p in procs] == [0] * writers, "\n".join(errors)
        wall.refresh()
        with s.engine.connect() as conn:
            written = set(conn.execute(text("SELECT id FROM posts WHERE workshop_id = :w"), {"w": w.id}).scalars())
        assert len(written) == writers * each
        missing = written - set(wall.posts)
        print(f"{polls} polls; the old way would have missed {len(written - naive)} of {len(written)} "
              f"until a full reload")
        assert missing == set()
        assert wall.count == writers * each
