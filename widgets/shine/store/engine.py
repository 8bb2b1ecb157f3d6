"""Opening the database: where it lives, connection settings, schema upgrades, clear errors.

SQLite (the default) is tuned for many kernels writing at once: WAL journal (set once, it
persists in the file), a busy timeout of 10 s, ``synchronous=NORMAL`` (safe against a crashed
kernel; only a power cut can lose the last instants) and ``BEGIN IMMEDIATE`` for write
transactions so two writers queue instead of failing half-way. PostgreSQL needs none of this.
A file that cannot be written (a read-only file or disk) is opened read-only, so that it can
still be read and reported on; a damaged one gets ``PRAGMA query_only`` on every connection.

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
from typing import Callable
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from shine.i18n import _
from shine.web.paths import shine_home

from . import errors, files
from .errors import StoreError

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_S = 10
_PG_MIGRATION_LOCK = 7_274_463  # any constant; only our own migrations take it
# Tables of the first schema: a database holding these is a Time to Shine database.
OUR_TABLES = frozenset({"workshops", "posts"})


def default_url() -> str:
    """``SHINE_DB_URL`` when set, else the SQLite file ``<SHINE_HOME>/shine.db``."""
    url = os.environ.get("SHINE_DB_URL")
    if url:
        return url
    return f"sqlite:///{shine_home() / 'shine.db'}"


def parse_url(url: str | None = None) -> URL:
    url = url or default_url()
    try:
        return make_url(url)
    except ArgumentError:
        raise StoreError(_("The database address {url!r} is not valid. Check SHINE_DB_URL.").format(url=url)) from None


def sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _tune_sqlite(engine: Engine, *, read_only: bool, protected: Callable[[], bool]) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transaction control from the sqlite3 module so BEGIN is ours (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        if protected():  # damaged or read-only: no statement may write, whatever asks
            cur.execute("PRAGMA query_only = 1")
        if not read_only:
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


def make_engine(url: URL, *, read_only: bool = False, immutable: bool = False,
                protected: Callable[[], bool] = lambda: False) -> Engine:
    """An engine for ``url``. SQLite: ``read_only`` opens the file with ``mode=ro`` (``immutable``
    too when it sits on a read-only disk, where nobody can be writing it)."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None and read_only:
            url = url.set(database=f"file:{quote(str(path))}",
                          query={"mode": "ro", "uri": "true", **({"immutable": "1"} if immutable else {})})
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        _tune_sqlite(engine, read_only=read_only, protected=protected)
        return engine
    if backend == "postgresql":
        try:
            return create_engine(url, pool_pre_ping=True)
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


def check_known(revision: str | None, where: object) -> None:
    """Raise :class:`SchemaTooNewError` for a revision this version has never heard of."""
    if revision is not None and revision not in known_revisions():
        raise errors.schema_too_new(where, revision, head_revision())


def opening_problem(exc: BaseException, where: object, path: Path | None) -> StoreError:
    """The error a person should see when a database cannot even be looked at."""
    kind = errors.kind_of(exc, path.parent if path else None)
    if kind == errors.BUSY:
        return errors.busy_opening()
    if kind == errors.DAMAGED:
        return errors.unreadable(where, errors.first_line(exc))
    if kind is None and path is None:
        return StoreError(_("Cannot reach the database: {detail}").format(detail=errors.first_line(exc)))
    return errors.explain(exc, where, path)


def current_revision(engine: Engine, where: object = None, path: Path | None = None) -> str | None:
    """The schema revision recorded in the database; None for an empty database.

    Raises :class:`SchemaVersionMissingError` when Time to Shine's tables are there without the
    record of their revision: creating them again would fail ("table workshops already exists")."""
    where = where if where is not None else engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            version = (conn.execute(text("SELECT max(version_num) FROM alembic_version")).scalar()
                       if "alembic_version" in tables else None)
    except DBAPIError as exc:
        raise opening_problem(exc, where, path) from exc
    if version is None and OUR_TABLES <= tables:
        raise errors.version_missing(where)
    return version


def _backup_sqlite(path: Path, revision: str) -> Path:
    target = path.with_name(f"{path.name}.before-upgrade-from-{revision}.bak")
    if not target.exists():
        files.private_copy(target)
        src = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        try:
            dst = sqlite3.connect(target)
            with dst:
                src.backup(dst)
            dst.close()
        finally:
            src.close()
    return target


def upgrade(engine: Engine, where: object = None, path: Path | None = None) -> str:
    """Bring the schema to the newest revision (creating it in an empty database)."""
    where = where if where is not None else engine.url.render_as_string(hide_password=True)
    head = head_revision()
    current = current_revision(engine, where, path)
    if current == head:
        return head
    check_known(current, where)
    from alembic import command

    cfg = _alembic_config()
    try:
        if current is not None and path is not None:
            _backup_sqlite(path, current)
        with engine.connect() as conn:
            conn.execution_options(shine_write=True)
            with conn.begin():
                if engine.url.get_backend_name() == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")  # re-reads the revision inside the lock
    except (DBAPIError, sqlite3.Error, OSError) as exc:
        raise opening_problem(exc, where, path) from exc
    return head
