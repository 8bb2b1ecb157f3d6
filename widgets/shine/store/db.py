"""The database connection every repository shares: short transactions, retried while SQLite is
busy, and a plain-language error when the file is damaged.

Every method of a repository opens one short transaction (:meth:`Database.write` or
:meth:`Database.read`) and closes it, so a kernel never holds a lock while a person is typing.
Statements are always parameterised.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from sqlalchemy import Connection
from sqlalchemy.exc import DatabaseError, OperationalError

from shine.i18n import _

from . import engine as eng

WRITE_ATTEMPTS = 3
# sqlite's words for a file it cannot read (as opposed to a constraint or a lock)
DAMAGE_WORDS = ("malformed", "not a database", "disk image", "file is encrypted")


def is_damage(exc: Exception) -> bool:
    words = str(exc.orig if getattr(exc, "orig", None) else exc)
    return any(w in words for w in DAMAGE_WORDS)


def after_failed_write(engine, exc: Exception, attempt: int) -> None:
    """Raise the error a person should see, or wait a little before the next attempt."""
    if is_damage(exc):
        raise eng.damaged(engine, exc) from exc
    if "locked" not in str(exc) or attempt == WRITE_ATTEMPTS - 1:
        raise eng.StoreError(_("The database is busy and could not save; please try again.")) from exc
    time.sleep(0.2 * (attempt + 1))


class Database:
    """An open database: the engine, its schema brought up to date, and its transactions."""

    def __init__(self, url: str | None = None, *, upgrade: bool = True):
        self.engine = eng.make_engine(url)
        self.url = self.engine.url
        self.revision = eng.upgrade(self.engine) if upgrade else eng.current_revision(self.engine)
        self._on_close: list[Callable[[], None]] = []

    def on_close(self, release: Callable[[], None]) -> None:
        """Run ``release`` when the database is closed (a repository's own connections)."""
        self._on_close.append(release)

    def close(self) -> None:
        for release in self._on_close:
            release()
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    def describe(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the main file (at the end of a session), so the
        ``.db`` file alone holds everything if someone copies it away."""
        if self.backend != "sqlite":
            return
        raw = self.engine.raw_connection()
        try:  # outside any transaction: a checkpoint inside one cannot finish
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # a kernel still reading: the log stays beside the file, nothing is lost
        finally:
            raw.close()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One short write transaction, retried if SQLite stays busy past its timeout."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self.engine.connect() as conn:
                    conn.execution_options(shine_write=True)
                    with conn.begin():
                        yield conn
                return
            except OperationalError as exc:
                after_failed_write(self.engine, exc, attempt)
            except DatabaseError as exc:
                if is_damage(exc):
                    raise eng.damaged(self.engine, exc) from exc
                raise

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn
        except DatabaseError as exc:
            if is_damage(exc):
                raise eng.damaged(self.engine, exc) from exc
            raise
