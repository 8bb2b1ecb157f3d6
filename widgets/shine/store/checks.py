"""``shine db check`` and ``shine db stamp``: the full integrity check of an SQLite file, and
recording the schema version of a database whose record of it was lost.

The check opens the file read-only, by itself (no :class:`Store`, no schema upgrade), so it also
works on a file too damaged to be opened as a store, and changes nothing in it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from shine.i18n import _

from . import engine as eng
from . import errors

SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class Integrity:
    where: str
    path: Path | None
    problems: list[str]  # empty: no damage found

    @property
    def ok(self) -> bool:
        return not self.problems


def integrity(url: str | None = None) -> Integrity:
    """``PRAGMA integrity_check`` of the SQLite file (every page, index and constraint)."""
    parsed = eng.parse_url(url)
    path = eng.sqlite_path(parsed)
    if path is None:
        return Integrity(parsed.render_as_string(hide_password=True), None, [])
    if not path.exists():
        raise errors.StoreError(_("There is no database file at {where}.").format(where=path))
    try:
        con = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=eng.BUSY_TIMEOUT_S)
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
        finally:
            con.close()
    except sqlite3.Error as exc:
        if errors.kind_of(exc, path.parent) != errors.DAMAGED:
            raise errors.explain(exc, str(path), path) from None
        rows = [errors.first_line(exc)]
    problems = [line for row in rows for line in row.splitlines() if line and line != "ok" and not line.startswith("***")]
    return Integrity(str(path), path, problems)


def damage_advice(path: Path) -> str:
    rescued = path.with_name(f"{path.stem}-rescued{path.suffix}")
    return _("What to do now, keeping what the file holds:\n"
             "  1. Stop the workshop (Ctrl-C where `shine workshop` runs), so that nothing opens the file.\n"
             "  2. Copy {path} (and {path}-wal, if it is there) to a safe place; keep that copy whatever "
             "happens next.\n"
             "  3. Copy every post and record that can still be read into a new file:\n"
             "       shine db rescue {rescued}\n"
             "     then put {rescued} in place of the damaged file (or restore a backup instead).\n"
             "  4. Or start afresh: move the damaged file away, and the next start creates an empty "
             "database.").format(path=path, rescued=rescued)


def stamp(url: str | None = None) -> str:
    """Record this version's schema in a database whose tables match it exactly but whose
    ``alembic_version`` record is missing; returns the revision recorded. Refuses otherwise."""
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from .schema import Base

    parsed = eng.parse_url(url)
    path = eng.sqlite_path(parsed)
    where = str(path) if path else parsed.render_as_string(hide_password=True)
    if path is not None and not path.exists():
        raise errors.StoreError(_("There is no database file at {where}.").format(where=path))
    engine = eng.make_engine(parsed)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            recorded = (conn.execute(text("SELECT max(version_num) FROM alembic_version")).scalar()
                        if "alembic_version" in tables else None)
            if recorded is not None:
                raise errors.StoreError(_("The database {where} already records its schema ({rev}); nothing was "
                                          "changed.").format(where=where, rev=recorded))
            if not eng.OUR_TABLES <= tables:
                raise errors.StoreError(_("The database {where} holds no Time to Shine tables, so there is no "
                                          "schema to record; nothing was changed.").format(where=where))
            differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        if differences:
            raise errors.StoreError(_("The tables of {where} do not match this version's schema, so no schema was "
                                      "recorded. Restore a backup instead. (Differences found: {n}.)").format(
                where=where, n=len(differences)))
        head = eng.head_revision()
        with engine.connect() as conn:
            conn.execution_options(shine_write=True)
            with conn.begin():
                cfg = eng._alembic_config()
                cfg.attributes["connection"] = conn
                command.stamp(cfg, head)
        return head
    except DBAPIError as exc:
        raise eng.opening_problem(exc, where, path) from exc
    finally:
        engine.dispose()
