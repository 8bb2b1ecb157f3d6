"""The house rules of ``shine``: imports point down only (``.importlinter``, checked by import-linter),
no folder holds more than 20 modules and no module is over 500 lines."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "widgets" / "shine"
CONFIG = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULES_PER_FOLDER = 20
MAX_LINES_PER_MODULE = 500


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the ``shine`` found in ``package_parent``, with the project's contracts."""
    env = dict(os.environ, PYTHONPATH=str(package_parent))
    return subprocess.run([str(LINT_IMPORTS), "--config", str(CONFIG), "--no-cache"], cwd=package_parent,
                          env=env, capture_output=True, text=True, timeout=300)


def test_every_import_points_the_right_way():
    result = lint_imports(PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("module, wrong_import, contract", [
    ("content/loader.py", "from shine.room.widgets.kiosk import Kiosk", "Capabilities sit on the store"),
    ("store/teams.py", "import ipywidgets", "Content and the store import no widgets"),
    ("kit/agenda.py", "from shine.plan.widgets.builder import PlanBuilder", "Only the plan uses the plan builder"),
    ("plan/model.py", "from shine.plan.rules import check", "No cycles between the parts of a package"),
])
def test_a_wrong_way_import_breaks_the_contract(tmp_path, module, wrong_import, contract):
    copy = tmp_path / "shine"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.yaml", "*.po", "*.mo"))
    with (copy / module).open("a", encoding="utf-8") as f:
        f.write(f"\n{wrong_import}  # the wrong way\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout


def modules_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.py"))


def test_no_folder_holds_more_than_twenty_modules():
    crowded = {str(folder.relative_to(PACKAGE)): len(modules_in(folder))
               for folder in [PACKAGE, *PACKAGE.rglob("*")]
               if folder.is_dir() and "__pycache__" not in folder.parts and "versions" not in folder.parts
               and len(modules_in(folder)) > MAX_MODULES_PER_FOLDER}
    assert not crowded


def test_no_module_is_longer_than_five_hundred_lines():
    long = {str(path.relative_to(PACKAGE)): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES_PER_MODULE}
    assert not long
