"""Mistakes in the content that used to slip through or come out badly: a key written twice in one
item (YAML keeps the last value without a word), a content folder that is not there (one sentence,
not 25 missing files), and broken content under any `shine` command (the problems, no traceback)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shine import content
from shine.cli import main as shine_main

ROOT = Path(__file__).resolve().parents[1]
SHINE = [sys.executable, "-m", "shine"]
SAMPLE_PLAN = ROOT / "widgets" / "shine" / "data" / "sample_plan_high_school.json"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """A copy of the content folder, which the loader reads (``SHINE_CONTENT_DIR``)."""
    target = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setenv("SHINE_CONTENT_DIR", str(target))
    content.clear_cache()
    yield target
    content.clear_cache()


def insert_after(path: Path, anchor: str, new_line: str) -> tuple[int, int]:
    """Put ``new_line`` after the first line that is ``anchor``; the 1-based numbers of both."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index(anchor)
    lines.insert(at + 1, new_line)
    path.write_text("\n".join(lines), encoding="utf-8")
    return at + 1, at + 2


def run(*args: str, env_dir: Path | str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SHINE_CONTENT_DIR": str(env_dir)}
    return subprocess.run([*SHINE, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


# --- a key written twice ---------------------------------------------------------------------------


def test_a_key_written_twice_in_one_item_is_reported_with_both_lines(folder):
    plays = folder / "plays.yaml"
    text = plays.read_text(encoding="utf-8")
    first = text.split("\n").index("    summary: >-") + 1  # the first area's summary
    _, second = insert_after(plays, "    source: [001_ab690453b6c12d98.txt]", "    summary: A pasted summary.")
    assert text.split("\n")[second - 2] == "    source: [001_ab690453b6c12d98.txt]"
    found = content.check_dir(folder)[2]
    assert [str(p) for p in found if p.code == "duplicate-key"] == [
        f"plays.yaml: line {second}: [duplicate-key] the key 'summary' appears twice in this item "
        f"(lines {first} and {second}); only one can count"]


def test_other_problems_are_still_reported_beside_a_duplicate_key(folder):
    insert_after(folder / "plays.yaml", "    role: district-leader", "    role: mayor")
    roles = folder / "roles.yaml"
    text = roles.read_text(encoding="utf-8").rstrip("\n") + "\n"
    section = text[text.index("\nroles:") + 1:]
    roles.write_text(text + section + section, encoding="utf-8")  # the whole list, three times over
    lines = [i + 1 for i, line in enumerate(roles.read_text(encoding="utf-8").split("\n")) if line == "roles:"]
    assert len(lines) == 3
    found = content.check_dir(folder)[2]
    codes = {(p.file, p.code) for p in found}
    assert ("plays.yaml", "duplicate-key") in codes
    assert ("plays.yaml", "unknown-role") in codes  # the last value counts, and is still checked
    assert [str(p) for p in found if p.file == "roles.yaml"] == [
        f"roles.yaml: line {lines[1]}: [duplicate-key] the key 'roles' appears 3 times at the top of this file "
        f"(lines {lines[0]}, {lines[1]} and {lines[2]}); only one can count"]


def test_a_key_merged_from_an_anchor_may_be_overridden(folder):
    """``<<: *anchor`` then a key of its own is YAML's way to override, not a mistake."""
    plays = folder / "plays.yaml"
    text = plays.read_text(encoding="utf-8").replace("  - id: ct-definition\n", "  - &first\n    id: ct-definition\n", 1)
    end_of_plays = text.index("\ncommunity_sectors:") + 1
    plays.write_text(text[:end_of_plays] + "  - <<: *first\n    id: ct-definition-copy\n" + text[end_of_plays:],
                     encoding="utf-8")
    _, index, found = content.check_dir(folder)
    assert [p for p in found if p.code in ("duplicate-key", "yaml-syntax")] == []
    copy = index.items["play"]["ct-definition-copy"]
    assert copy.role == index.items["play"]["ct-definition"].role  # merged in from the anchor


def test_the_loader_and_the_cli_refuse_a_duplicate_key(folder, capsys):
    first, second = insert_after(folder / "glossary.yaml", "    term: Family engagement", "    term: Family engagement")
    with pytest.raises(content.ContentError, match=r"\[duplicate-key\] the key 'term' appears twice"):
        content.load()
    assert shine_main(["content", "check"]) == 1
    out = capsys.readouterr().out
    assert "1 problem(s)" in out
    assert f"glossary.yaml: line {second}: [duplicate-key] the key 'term' appears twice in this item " \
           f"(lines {first} and {second})" in out


# --- a folder with no content ------------------------------------------------------------------------


def test_a_content_folder_that_does_not_exist_is_one_sentence(tmp_path):
    missing = tmp_path / "nowhere"
    out = run("content", "check", env_dir=missing)
    assert out.returncode == 2
    assert out.stderr.strip() == (
        f"There is no curriculum content in {missing}: the folder does not exist. SHINE_CONTENT_DIR names this "
        "folder; unset it to use the content installed with Time to Shine.")
    assert "missing-file" not in out.stdout + out.stderr and "Traceback" not in out.stderr


def test_an_empty_content_folder_is_one_sentence(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    assert shine_main(["content", "check", "--dir", str(empty)]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == f"There is no curriculum content in {empty}: the folder holds none of the 25 content files."
    assert captured.out == ""
    assert [p.code for p in content.check_dir(empty)[2]] == ["no-content"]


def test_a_few_missing_files_are_still_named_one_by_one(folder, capsys):
    for name in ("agendas.yaml", "roles.yaml"):
        (folder / name).unlink()
    assert shine_main(["content", "check", "--dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "agendas.yaml: [missing-file]" in out and "roles.yaml: [missing-file]" in out
    assert "no curriculum content" not in out


# --- every command that loads the content ------------------------------------------------------------


@pytest.mark.parametrize("command", [("agenda",), ("plan", "check", str(SAMPLE_PLAN))], ids=["agenda", "plan-check"])
def test_broken_content_gives_its_problems_not_a_traceback(folder, command):
    insert_after(folder / "plays.yaml", "    role: district-leader", "    role: mayor")
    out = run(*command, env_dir=folder)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith(f"The curriculum content in {folder} has problems:\n")
    assert "plays.yaml: line " in out.stderr and "[duplicate-key] the key 'role' appears twice" in out.stderr
    assert "[unknown-role] 'mayor' is not a known role" in out.stderr


def test_a_missing_content_folder_under_agenda_is_one_sentence(tmp_path):
    out = run("agenda", env_dir=tmp_path / "nowhere")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.startswith(f"There is no curriculum content in {tmp_path / 'nowhere'}: the folder does not exist.")


def test_other_errors_still_raise(monkeypatch):
    """Only content errors become a message; a bug keeps its traceback."""
    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("shine.kit.agenda.build", boom)
    with pytest.raises(RuntimeError, match="a bug"):
        shine_main(["agenda"])
