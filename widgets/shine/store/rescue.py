"""``shine db rescue NEW_FILE``: copy every row that can still be read out of a damaged SQLite
file into a new database at this version's schema.

The damaged file is opened read-only and never changed. Each table is read in ranges of row ids,
so a damaged page loses the rows it held and no others: a range that fails is read again one row
id at a time. (SQLite's own ``.recover`` does more, but needs a build of SQLite that many Linux
distributions do not ship.) Foreign keys are not checked in the copy: a post whose team was on a
damaged page is kept, without its school.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from shine.i18n import _

from .errors import StoreError

CHUNK = 256
GIVE_UP_AFTER = 64  # ranges in a row without a row, past the last row read, when the end is unknown


@dataclass(frozen=True)
class Rescued:
    table: str
    rows: int
    unreadable: int  # row ids whose page could not be read (each may or may not have held a row)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA table_info({_quoted(table)})").fetchall()]


def _read(src: sqlite3.Connection, sql: str, args: tuple) -> list | None:
    try:
        return src.execute(sql, args).fetchall()
    except sqlite3.DatabaseError:
        return None


def _rows(src: sqlite3.Connection, table: str, columns: list[str]):
    """Yield (rows, unreadable ids) range by range, over the whole table."""
    select = f"SELECT {', '.join(_quoted(c) for c in columns)} FROM {_quoted(table)} WHERE rowid BETWEEN ? AND ?"
    top = _read(src, f"SELECT max(rowid) FROM {_quoted(table)}", ())
    end = top[0][0] if top and top[0][0] is not None else None
    start, last_found, empty = 1, 0, 0
    while (end is not None and start <= end) or (end is None and empty < GIVE_UP_AFTER):
        stop = start + CHUNK - 1
        rows, bad = _read(src, select, (start, stop)), 0
        if rows is None:  # a damaged page in this range: one row id at a time
            rows = []
            for rowid in range(start, stop + 1):
                one = _read(src, select, (rowid, rowid))
                rows += one or []
                bad += one is None
        if rows:
            last_found, empty = stop, 0
        elif start > last_found:
            empty += 1
        yield rows, bad
        start = stop + 1


def rescue(source: Path, target: Path) -> list[Rescued]:
    """Copy what can be read from ``source`` into the new database file ``target``."""
    from .api import Store
    from .schema import Base

    if target.exists():
        raise StoreError(_("{path} already exists; name a new file for the rescued copy.").format(path=target))
    if not source.exists():
        raise StoreError(_("There is no database file at {where}.").format(where=source))
    Store(f"sqlite:///{target}").close()  # the new file, at this version's schema
    src = sqlite3.connect(f"file:{quote(str(source))}?mode=ro", uri=True)
    dst = sqlite3.connect(target, isolation_level=None)
    report = []
    try:
        dst.execute("PRAGMA foreign_keys = OFF")
        for table in Base.metadata.sorted_tables:
            try:
                columns = [c for c in _columns(src, table.name) if c in set(_columns(dst, table.name))]
            except sqlite3.DatabaseError:
                columns = []
            copied = unreadable = 0
            if columns:
                insert = (f"INSERT OR IGNORE INTO {_quoted(table.name)} ({', '.join(_quoted(c) for c in columns)}) "
                          f"VALUES ({', '.join('?' for _ in columns)})")
                dst.execute("BEGIN")
                for rows, bad in _rows(src, table.name, columns):
                    for row in rows:
                        try:
                            copied += dst.execute(insert, row).rowcount
                        except sqlite3.Error:  # a row whose values are damaged
                            unreadable += 1
                    unreadable += bad
                dst.execute("COMMIT")
            report.append(Rescued(table.name, copied, unreadable))
    finally:
        src.close()
        dst.close()
    return report
