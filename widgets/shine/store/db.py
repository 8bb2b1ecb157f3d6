"""The database connection every repository shares: short transactions, retried while the
database is busy, and a true, plain-language error for each thing that can go wrong.

Every method of a repository opens one short transaction (:meth:`Database.write` or
:meth:`Database.read`) and closes it, so a kernel never holds a lock while a person is typing.
Statements are always parameterised.

Opening an SQLite file runs ``PRAGMA quick_check`` once per :class:`Database` (not per
connection). It reads every page of the file: about 25 ms for a workshop of 20,000 posts (a
4.5 MB file, already in the page cache) on a two-core laptop, growing with the file, against
some 50 ms for the rest of opening a store. A damaged file is then kept read-only: it can be read
as far as it goes, every write raises :class:`DatabaseDamagedError`, and :attr:`Database.problem`
says why, for a page to show. A file on a read-only disk, or that this user may not write, is
opened read-only the same way, with :class:`DatabaseReadOnlyError`.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from shine.web.paths import shine_home

from . import engine as eng
from . import errors, files

WRITE_ATTEMPTS = 3


CHECKED_ENV = "SHINE_STORE_CHECKED"  # a database file already checked by the server that serves it

class Database:
    """An open database: the engine, its schema brought up to date, and its transactions."""

    def __init__(self, url: str | None = None, *, upgrade: bool = True, check: bool = True):
        self.url = eng.parse_url(url)
        self.path = eng.sqlite_path(self.url)
        self.where = str(self.path) if self.path else self.url.render_as_string(hide_password=True)
        self._problem: errors.StoreError | None = None
        self._on_close: list[Callable[[], None]] = []
        self.engine = None
        try:
            self._open(upgrade, check)
        except BaseException:
            if self.engine is not None:
                self.engine.dispose()
            raise

    def _open(self, upgrade: bool, check: bool) -> None:
        read_only = immutable = False
        if self.path is not None:
            try:
                files.prepare(self.path, shine_home())
            except OSError as exc:
                raise errors.explain(exc, self.where, self.path) from None
            reason = files.read_only_reason(self.path)
            if reason:
                read_only, self._problem = True, errors.read_only(self.where, reason)
                wal = self.path.with_name(self.path.name + "-wal")
                # On a read-only disk nobody can be writing the file; without a log beside it,
                # SQLite may then skip its locks (it could not create its -shm file there).
                immutable = files.read_only_mount(self.path.parent) and not (wal.exists() and wal.stat().st_size)
        self.engine = eng.make_engine(self.url, read_only=read_only, immutable=immutable,
                                      protected=lambda: self._problem is not None)
        # The pages of a running workshop skip it: `shine workshop` checked the file as it started
        # and names it in CHECKED_ENV, so 30 kiosk kernels do not each read every page (memory).
        if self.path is not None and check and os.environ.get(CHECKED_ENV) != str(self.path):
            self.quick_check()
        self.revision = eng.current_revision(self.engine, self.where, self.path)
        if upgrade:
            eng.check_known(self.revision, self.where)
            if self.revision != eng.head_revision():
                if self._problem is not None:
                    raise self._fresh(self._problem)
                self.revision = eng.upgrade(self.engine, self.where, self.path)

    def quick_check(self) -> None:
        """SQLite's quick check of the whole file; a damaged file is kept read-only from now on."""
        raw = None
        try:
            raw = self.engine.raw_connection()
            rows = [r[0] for r in raw.driver_connection.execute("PRAGMA quick_check").fetchall()]
        except (DBAPIError, sqlite3.Error) as exc:
            if errors.kind_of(exc, self.folder) != errors.DAMAGED or raw is None:
                raise eng.opening_problem(exc, self.where, self.path) from None
            rows = [errors.first_line(exc)]  # the check itself stopped on the damage
        finally:
            if raw is not None:
                raw.close()
        if rows != ["ok"]:
            found = [line for row in rows for line in row.splitlines() if line and not line.startswith("***")]
            self.mark_damaged(f"PRAGMA quick_check: {found[0] if found else rows[0]}")

    # --- what stops writing ----------------------------------------------------------------------

    @property
    def problem(self) -> errors.StoreError | None:
        """Why nothing can be written (a damaged or read-only database), or None: for pages to say."""
        return self._problem

    def mark_damaged(self, detail: str) -> errors.DatabaseDamagedError:
        if not isinstance(self._problem, errors.DatabaseDamagedError):
            self._problem = errors.damaged(self.where, detail)
            self.engine.dispose()  # connections opened from now on are query-only
        return self._problem

    @staticmethod
    def _fresh(problem: errors.StoreError) -> errors.StoreError:
        return type(problem)(str(problem))  # one exception (and traceback) per refusal

    def refuse_writes(self) -> None:
        """Raise the reason nothing may be written, if there is one."""
        if self._problem is not None:
            raise self._fresh(self._problem)

    def failure(self, exc: BaseException, *, reading: bool = False) -> errors.StoreError:
        """The error a person should see for a statement that failed."""
        kind = errors.kind_of(exc, self.folder)
        if self._problem is not None and kind == errors.READ_ONLY:  # a query-only connection said no
            return self._fresh(self._problem)
        if reading and kind == errors.BUSY:
            return errors.busy_opening()
        made = errors.explain(exc, self.where, self.path, damage=lambda _where, detail: self.mark_damaged(detail))
        return self._fresh(made) if made is self._problem else made

    def retry_or_raise(self, exc: BaseException, attempt: int, *, can_retry: bool = True) -> None:
        """Wait a little before the next attempt of a write the database was too busy for, or raise."""
        kind = errors.kind_of(exc, self.folder)
        if kind == errors.BUSY and can_retry and attempt < WRITE_ATTEMPTS - 1:
            time.sleep(0.2 * (attempt + 1))
            return
        raise self.failure(exc) from exc

    # --- opening and closing ----------------------------------------------------------------------

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
    def folder(self):
        return self.path.parent if self.path else None

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    def describe(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the main file (at the end of a session), so the
        ``.db`` file alone holds everything if someone copies it away."""
        if self.backend != "sqlite" or self._problem is not None:
            return
        raw = self.engine.raw_connection()
        try:  # outside any transaction: a checkpoint inside one cannot finish
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # a kernel still reading: the log stays beside the file, nothing is lost
        finally:
            raw.close()

    # --- transactions -----------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One short write transaction, retried if the database stays busy past its timeout.

        Only a transaction that could not begin is tried again: once the caller's statements have
        run, a failure is reported, never run twice."""
        self.refuse_writes()
        for attempt in range(WRITE_ATTEMPTS):
            began = False
            try:
                with self.engine.connect() as conn:
                    conn.execution_options(shine_write=True)
                    with conn.begin():
                        began = True
                        yield conn
                return
            except DBAPIError as exc:  # a constraint (IntegrityError) is the caller's to handle
                if not isinstance(exc, OperationalError) and errors.kind_of(exc, self.folder) is None:
                    raise
                self.retry_or_raise(exc, attempt, can_retry=not began)

    @contextmanager
    def read(self, *, snapshot: bool = False) -> Iterator[Connection]:
        """One read transaction. ``snapshot``: on PostgreSQL every statement sees the same moment
        (REPEATABLE READ); SQLite's read transactions always do."""
        try:
            with self.engine.connect() as conn:
                if snapshot and self.backend == "postgresql":
                    conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn
        except DBAPIError as exc:
            if errors.kind_of(exc, self.folder) is None:
                raise
            raise self.failure(exc, reading=True) from exc
