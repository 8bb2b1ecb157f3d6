"""The SQLite database on disk: a private folder and files, and whether they can be written.

The data folder (``SHINE_HOME``, ``~/.time-to-shine``) is created 0700, and the database file
0600; SQLite gives its ``-wal`` and ``-shm`` files the main file's mode, and the copies kept before
an upgrade are made 0600 too. Posts and the Mini Visit tracker's notes are for the trainer's
account only. A folder or file found with wider modes is tightened (group and others lose every
right) when this user owns it; another owner's is left as it is, without a word.
"""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from pathlib import Path

from shine.i18n import _

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
COMPANIONS = ("-wal", "-shm", "-journal")


def companions(path: Path) -> list[Path]:
    """The files SQLite keeps beside the database, and the copies made before upgrades."""
    return [path.with_name(path.name + end) for end in COMPANIONS] + sorted(
        path.parent.glob(f"{path.name}.before-upgrade-from-*.bak"))


def tighten(path: Path) -> None:
    """Take every right away from group and others, if this user owns ``path``; else nothing."""
    try:
        st = os.stat(path)
        if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077)
    except OSError:  # gone, another owner, a read-only disk: nothing we may change
        pass


def _same(a: Path, b: Path) -> bool:
    with suppress(OSError):
        return a.resolve() == b.resolve()
    return False


def prepare(path: Path, home: Path) -> None:
    """Create the folder (0700) and an empty database file (0600) if missing; tighten our own.

    An existing folder is tightened only when it is the data folder: a database placed with
    SHINE_DB_URL in a folder of the trainer's choosing keeps that folder as it is. Raises
    ``OSError`` when the folder or the file cannot be created (a read-only or full disk)."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        tighten(folder)
    elif _same(folder, home):
        tighten(folder)
    if not path.exists():
        try:  # an empty file is a new, empty SQLite database: SQLite then keeps its mode
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
        except FileExistsError:  # another kernel was first
            pass
    for item in (path, *companions(path)):
        tighten(item)


def private_copy(path: Path) -> None:
    """Create ``path`` empty and 0600, for a copy that SQLite then writes into."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE))


def read_only_mount(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def read_only_reason(path: Path) -> str | None:
    """Why this process cannot write the database at ``path``, or None when it can."""
    folder = path.parent
    if not folder.exists():
        return None
    if read_only_mount(folder):
        return _("the disk it is on is mounted read-only")
    if path.exists() and not os.access(path, os.W_OK):
        return _("this user may not write to the file")
    if not os.access(folder, os.W_OK | os.X_OK):
        working = [path.with_name(path.name + end) for end in ("-wal", "-shm")]
        if not all(p.exists() and os.access(p, os.W_OK) for p in working):
            return _("this user may not write to its folder, where SQLite keeps its working files")
    return None
