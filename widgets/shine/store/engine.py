"""Opening the database: where it lives, connection settings, schema upgrades, clear errors.

SQLite (the default) is tuned for many kernels writing at once: WAL journal (set once, it
persists in the file), a busy timeout of 10 s, ``synchronous=NORMAL`` (safe against a crashed
kernel; only a power cut can lose the last instants) and ``BEGIN IMMEDIATE`` for write
transactions so two writers queue instead of failing half-way. PostgreSQL needs none of this.

Schema upgrades run with Alembic when the store opens, under a lock (SQLite's write lock, or a
PostgreSQL advisory lock) so that the first of many kernels upgrades and the others wait. An
older SQLite file is copied aside before it is upgraded.

Alembic is imported only when a database actually needs upgrading: a kiosk kernel opens an
up-to-date store, and Alembic would add ~15 MiB and 0.3 s to every kiosk page.
"""

from __future__ import annotations

import os
import re
import sqlite3
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from shine.i18n import _
from shine.web.paths import shine_home

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_S = 10
_PG_MIGRATION_LOCK = 7_274_463  # any constant; only our own migrations take it


class StoreError(Exception):
    """Something is wrong with the database; the message says what to do."""


class StoreInputError(StoreError, ValueError):
    """What was typed cannot be saved as it is (too long, empty, ...)."""


class DatabaseDamagedError(StoreError):
    pass


class SchemaTooNewError(StoreError):
    pass


def default_url() -> str:
    """``SHINE_DB_URL`` when set, else the SQLite file ``<SHINE_HOME>/shine.db``."""
    url = os.environ.get("SHINE_DB_URL")
    if url:
        return url
    return f"sqlite:///{shine_home() / 'shine.db'}"


def _sqlite_path(url) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transaction control from the sqlite3 module so BEGIN is ours (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() not in ("wal", "memory"):
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("shine_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    url = url or default_url()
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(_("The database address {url!r} is not valid. Check SHINE_DB_URL.").format(url=url)) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = _sqlite_path(parsed)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
        _tune_sqlite(engine)
        return engine
    if backend == "postgresql":
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except ModuleNotFoundError:
            raise StoreError(_("PostgreSQL needs the psycopg package: pip install 'time-to-shine[postgres]'.")) from None
    raise StoreError(_("Time to Shine runs on SQLite or PostgreSQL, not {backend}.").format(backend=backend))


def _alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


_REVISION_LINE = re.compile(r'^(revision|down_revision)\s*=\s*(?:"([^"]*)"|None)\s*$', re.MULTILINE)


@lru_cache(maxsize=1)
def _revision_graph() -> dict[str, str | None]:
    """``{revision: down_revision}`` read from the migration files' two assignment lines."""
    graph: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = dict((name, value or None) for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if found.get("revision"):
            graph[found["revision"]] = found.get("down_revision")
    return graph


def head_revision() -> str:
    graph = _revision_graph()
    heads = set(graph) - set(graph.values())
    if len(heads) != 1:  # a malformed history: let Alembic say what is wrong
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(_alembic_config()).get_current_head()
    return heads.pop()


def known_revisions() -> set[str]:
    return set(_revision_graph())


def damaged(engine: Engine, exc: Exception) -> DatabaseDamagedError:
    where = _sqlite_path(engine.url) or engine.url.render_as_string(hide_password=True)
    return DatabaseDamagedError(
        _("The database at {where} cannot be read: it is damaged or is not a Time to Shine database. "
          "Nothing in it was changed. Move the file aside (or restore a backup) and start again; "
          "a new, empty database will be created. ({detail})").format(where=where, detail=str(exc).splitlines()[0])
    )


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError as exc:
        if "locked" in str(exc):
            raise StoreError(_("The database is busy; try again in a moment.")) from exc
        if engine.url.get_backend_name() == "sqlite":
            raise damaged(engine, exc) from exc
        raise StoreError(_("Cannot reach the database: {detail}").format(detail=str(exc).splitlines()[0])) from exc
    except DatabaseError as exc:
        raise damaged(engine, exc) from exc


def _backup_sqlite(path: Path, revision: str) -> Path:
    target = path.with_name(f"{path.name}.before-upgrade-from-{revision}.bak")
    if not target.exists():
        src = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        try:
            dst = sqlite3.connect(target)
            with dst:
                src.backup(dst)
            dst.close()
        finally:
            src.close()
    return target


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision (creating it in an empty database)."""
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return head
    if current is not None and current not in known_revisions():
        raise SchemaTooNewError(
            _("This database was written by a newer version of Time to Shine (schema {rev}). "
              "Update Time to Shine to open it; nothing was changed.").format(rev=current))
    from alembic import command

    path = _sqlite_path(engine.url)
    if current is not None and path is not None:
        _backup_sqlite(path, current)
    cfg = _alembic_config()
    try:
        with engine.connect() as conn:
            conn.execution_options(shine_write=True)
            with conn.begin():
                if engine.url.get_backend_name() == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")  # re-reads the revision inside the lock
    except DatabaseError as exc:
        raise damaged(engine, exc) from exc
    return head
