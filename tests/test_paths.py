"""Where the curriculum is found: SHINE_CURRICULUM, else this checkout (the wheel's copy is tested in
test_wheel.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shine.web import paths

ROOT = Path(__file__).resolve().parents[1]


def test_a_checkout_serves_its_own_curriculum(monkeypatch):
    monkeypatch.delenv(paths.CURRICULUM_ENV, raising=False)
    assert paths.curriculum_root() == ROOT
    assert paths.modules_dir() == ROOT / "modules"
    assert (paths.dashboards_dir() / "kiosk.ipynb").is_file()
    assert (paths.exercises_dir() / "nbgrader_config.py").is_file()


def test_a_district_copy_is_used_when_named(monkeypatch, tmp_path):
    for folder in paths.FOLDERS:
        (tmp_path / folder).mkdir()
    monkeypatch.setenv(paths.CURRICULUM_ENV, str(tmp_path))
    assert paths.curriculum_root() == tmp_path.resolve()
    assert paths.guides_dir() == tmp_path.resolve() / "facilitator" / "guides"


def test_a_folder_that_is_not_a_curriculum_is_refused_plainly(monkeypatch, tmp_path):
    (tmp_path / "modules").mkdir()
    monkeypatch.setenv(paths.CURRICULUM_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="does not hold the folders modules, exercises, facilitator"):
        paths.curriculum_root()


def test_the_command_line_says_so_instead_of_a_traceback(monkeypatch, tmp_path, capsys):
    from shine.cli import main

    monkeypatch.setenv(paths.CURRICULUM_ENV, str(tmp_path))
    assert main(["serve", "--port", "1"]) == 2
    assert "does not hold the folders" in capsys.readouterr().err
