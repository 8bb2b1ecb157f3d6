"""What can go wrong with the database, each condition with its own plain message and advice.

A damaged file, a read-only file or disk, a full disk, a busy database, a schema from a newer
version and a missing schema record are different problems with different cures; a person must
never be told to move a healthy read-only file aside, or to "try again" on a full disk.
:func:`kind_of` reads the driver's own error code (SQLite's result code, PostgreSQL's SQLSTATE,
or the errno of an ``OSError``) rather than guessing from the words.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from shine.i18n import _

from .files import read_only_mount, read_only_reason


class StoreError(Exception):
    """Something is wrong with the database; the message says what to do."""


class StoreInputError(StoreError, ValueError):
    """What was typed cannot be saved as it is (too long, empty, ...)."""


class DatabaseDamagedError(StoreError):
    """The file is damaged: it is only read, never written, until someone repairs or replaces it."""


class DatabaseReadOnlyError(StoreError):
    """The file or its disk cannot be written; what it holds is fine."""


class DiskFullError(StoreError):
    """The disk holding the database is full; saving works again once there is room."""


class DatabaseBusyError(StoreError):
    """Another writer held the database for too long; trying again works."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of Time to Shine."""


class SchemaVersionMissingError(StoreError):
    """The tables are there, but not the record of which schema they follow."""


DAMAGED, READ_ONLY, FULL, BUSY, CANNOT_OPEN = "damaged", "read-only", "full", "busy", "cannot-open"
# SQLite's primary result codes (the low byte of sqlite_errorcode)
_SQLITE_KINDS = {5: BUSY, 6: BUSY, 8: READ_ONLY, 11: DAMAGED, 13: FULL, 14: CANNOT_OPEN, 26: DAMAGED}
_SQLITE_IOERR = 10
# PostgreSQL's SQLSTATE codes
_PG_KINDS = {"53100": FULL, "25006": READ_ONLY, "XX001": DAMAGED, "XX002": DAMAGED, "40P01": BUSY, "55P03": BUSY,
             "40001": BUSY}
# The words, for an error that carries no code
_WORDS = ((DAMAGED, ("malformed", "not a database", "file is encrypted")), (FULL, ("disk is full",)),
          (READ_ONLY, ("readonly database", "read-only")), (BUSY, ("locked", "busy")),
          (CANNOT_OPEN, ("unable to open database",)))
_ERRNO_KINDS = {errno.ENOSPC: FULL, errno.EDQUOT: FULL, errno.EROFS: READ_ONLY, errno.EACCES: READ_ONLY,
                errno.EPERM: READ_ONLY}
LOW_SPACE_BYTES = 256 * 1024  # a disk error with less room than this left is a full disk


def driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception inside SQLAlchemy's wrapper."""
    return getattr(exc, "orig", None) or exc


def first_line(exc: BaseException) -> str:
    text = str(driver_error(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def kind_of(exc: BaseException, folder: Path | None = None) -> str | None:
    """``DAMAGED``, ``READ_ONLY``, ``FULL``, ``BUSY``, ``CANNOT_OPEN`` or None (something else).

    ``folder``: where the SQLite file lives, to tell a disk error on a full disk from another."""
    err = driver_error(exc)
    if isinstance(err, OSError) and err.errno in _ERRNO_KINDS:
        return _ERRNO_KINDS[err.errno]
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        if code & 0xFF == _SQLITE_IOERR:  # a disk error: what the disk says about itself
            if folder is not None and read_only_mount(folder):
                return READ_ONLY
            return FULL if folder is not None and free_bytes(folder) < LOW_SPACE_BYTES else None
        if code & 0xFF in _SQLITE_KINDS:
            return _SQLITE_KINDS[code & 0xFF]
    state = getattr(err, "sqlstate", None)
    if state:
        return _PG_KINDS.get(state)
    words = str(err).lower()
    for kind, found in _WORDS:
        if any(w in words for w in found):
            return kind
    return None


def free_bytes(folder: Path) -> int:
    try:
        st = os.statvfs(folder)
    except OSError:
        return 1 << 62
    return st.f_bavail * st.f_frsize


# --- the messages --------------------------------------------------------------------------------


def damaged(where: object, detail: str) -> DatabaseDamagedError:
    """The file opens, but parts of it are damaged: it is read, and nothing more is written."""
    return DatabaseDamagedError(
        _("The workshop's database file {where} is damaged; nothing more will be written to it. "
          "Stop the workshop, then run `shine db check`: it says how to keep the damaged file, rescue "
          "what it holds into a new file (`shine db rescue`) or start afresh. "
          "({detail})").format(where=where, detail=detail))


def unreadable(where: object, detail: str) -> DatabaseDamagedError:
    """The file cannot be read at all (not a database, or its first pages are damaged)."""
    return DatabaseDamagedError(
        _("The database at {where} cannot be read: it is damaged or is not a Time to Shine database. "
          "Nothing in it was changed. Keep the file: copy it to a safe place and run `shine db check`; "
          "then restore a backup, or move the file away and start again with a new, empty database. "
          "({detail})").format(where=where, detail=detail))


def read_only(where: object, reason: str, detail: str | None = None) -> DatabaseReadOnlyError:
    text = _("The database file {where} cannot be written: {reason}. What it holds is not damaged, "
             "and nothing in it was changed. Give this user the right to write the file and its folder "
             "(or mount the disk read-write), or copy the file into a folder that can be written and set "
             "SHINE_HOME to that folder, then start again.").format(where=where, reason=reason)
    return DatabaseReadOnlyError(text + (f" ({detail})" if detail else ""))


def read_only_server(detail: str) -> DatabaseReadOnlyError:
    return DatabaseReadOnlyError(
        _("The database server accepts no changes: it is read-only (a standby, or set so by its "
          "administrator). Nothing was saved, and what it holds is not damaged. Point SHINE_DB_URL at a "
          "server that accepts changes. ({detail})").format(detail=detail))


def disk_full(where: object, detail: str) -> DiskFullError:
    return DiskFullError(
        _("The disk holding the database {where} is full, so this was not saved. Everything saved "
          "before is kept. Free some space on that disk; saving works again as soon as there is "
          "room. ({detail})").format(where=where, detail=detail))


def busy_saving() -> DatabaseBusyError:
    return DatabaseBusyError(_("The database is busy and could not save; please try again."))


def busy_opening() -> DatabaseBusyError:
    return DatabaseBusyError(_("The database is busy; try again in a moment."))


def cannot_open(where: object, detail: str) -> StoreError:
    return StoreError(_("The database at {where} cannot be opened: {detail}. Check that its folder "
                        "exists and can be read.").format(where=where, detail=detail))


def not_saved(detail: str) -> StoreError:
    return StoreError(_("The database could not save this: {detail}").format(detail=detail))


def schema_too_new(where: object, revision: str, head: str) -> SchemaTooNewError:
    return SchemaTooNewError(
        _("The database {where} was written by a newer version of Time to Shine (schema {rev}); this "
          "version knows schemas up to {head} and cannot use it. Nothing in it was changed. Update "
          "Time to Shine (pip install --upgrade time-to-shine) to open it.").format(
            where=where, rev=revision, head=head))


def version_missing(where: object) -> SchemaVersionMissingError:
    return SchemaVersionMissingError(
        _("The database {where} holds Time to Shine tables but no record of their schema version "
          "(its alembic_version table is empty or missing), so this version cannot tell whether it "
          "may change them. Nothing in it was changed. Restore a backup (an older copy may sit beside "
          "it, named like shine.db.before-upgrade-from-0003.bak), or, if only the record was lost, run "
          "`shine db stamp`: it records the schema when the tables match this version's "
          "exactly.").format(where=where))


def explain(exc: BaseException, where: object, path: Path | None, *, damage=None) -> StoreError:
    """The :class:`StoreError` for a failed read or write: each condition with its own advice.

    ``damage`` builds the message for a damaged file (:func:`damaged` by default); a condition
    this module does not know becomes a plain "could not save" with the driver's words."""
    kind = kind_of(exc, path.parent if path else None)
    detail = first_line(exc)
    if kind == DAMAGED:
        return (damage or damaged)(where, detail)
    if kind == FULL:
        return disk_full(where, detail)
    if kind == BUSY:
        return busy_saving()
    if kind in (READ_ONLY, CANNOT_OPEN) and path is not None:
        reason = read_only_reason(path)
        if reason:
            return read_only(where, reason, detail)
        if kind == READ_ONLY:
            return read_only(where, _("SQLite was not allowed to write it"), detail)
        return cannot_open(where, detail)
    if kind == READ_ONLY:
        return read_only_server(detail)
    return not_saved(detail)
