"""CSV files that a spreadsheet opens safely: any text that would start a formula (``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is kept as text by a leading apostrophe, so a school or a
post named ``=HYPERLINK(...)`` never runs in the trainer's spreadsheet (CSV injection)."""

from __future__ import annotations

import csv
import io
from typing import Iterable, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A value as it goes into a CSV cell: numbers as they are, formula-like text as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(out: TextIO, header: Iterable[object], rows: Iterable[Iterable[object]]) -> None:
    writer = csv.writer(out)
    writer.writerow([cell(v) for v in header])
    writer.writerows([cell(v) for v in row] for row in rows)


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue()
