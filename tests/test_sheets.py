"""Every CSV the package writes (posts, the Mini Visit board, grades) goes through shine.web.sheets."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

from shine.web.sheets import csv_text

ROOT = Path(__file__).resolve().parents[1]


def test_formula_like_text_is_kept_as_text_and_the_rest_is_untouched():
    text = csv_text(["name", "n"], [["=1+1", -3], ["@cmd", 2.5], ["\tTab", 0], ["Plain, with a comma", 1],
                                     ["+Cutler", None], ["-", "x"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["name", "n"]
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'@cmd", "'\tTab", "Plain, with a comma", "'+Cutler", "'-"]
    assert [r[1] for r in rows[1:]] == ["-3", "2.5", "0", "1", "", "x"]


def test_no_module_writes_csv_on_its_own():
    writers = subprocess.run(["git", "grep", "-n", "-e", "csv.writer", "-e", "DictWriter", "--", "widgets/shine"],
                             cwd=ROOT, capture_output=True, text=True).stdout.splitlines()
    assert [w for w in writers if not w.startswith("widgets/shine/web/sheets.py")] == []
