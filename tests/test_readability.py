"""Plain language: `shine content readability` grades every participant-facing text and holds the
curriculum to its targets (median grade 7 or below, nothing above 10, at most 10% above 8)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from shine import cli
from shine.content import CONTENT_DIR
from shine.content.readability import EXEMPT, MIN_WORDS, TARGETS, Report, exempt, grade, measure
from shine.web.paths import curriculum_root

HARD = ("Notwithstanding institutional heterogeneity, comprehensive organizational infrastructure "
        "necessitates multidimensional collaborative prioritization of interdisciplinary accountability "
        "mechanisms throughout administrative hierarchies, notwithstanding considerable intergovernmental "
        "jurisdictional fragmentation and institutionalized bureaucratic accountability obligations.")
EASY = "We meet each month. We share what we learn. Our team plans one new event for families each term."


def test_the_curriculum_meets_every_readability_target(capsys):
    assert cli.main(["content", "readability"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "Every readability target is met." in out


def test_the_report_measures_the_content_and_the_notebooks():
    report = measure(CONTENT_DIR, curriculum_root())
    places = {r.where.split(":")[0] for r in report.readings}
    assert "plays.yaml" in places and "exercises.yaml" in places
    assert any(p.startswith("modules/") for p in places), "module notebook paragraphs are measured"
    assert all(r.words >= MIN_WORDS for r in report.readings)
    # Exempt text is never measured: the quoted definition, citations, facilitator-only files.
    assert not any(r.where.startswith(("sources.yaml", "guides.yaml", "agendas.yaml")) for r in report.readings)
    assert not any(r.where.startswith("definition.yaml: definition.text") for r in report.readings)
    assert not any(r.where.endswith(".citation") for r in report.readings)


def test_grades_come_from_textstat_and_order_hard_above_easy():
    assert grade(HARD) > TARGETS["max"] > TARGETS["median"] > grade(EASY)
    assert grade("[a link](https://example.org) " + EASY) == grade("a link " + EASY), "Markdown is stripped"


def test_exemptions_live_in_one_list_each_with_a_reason():
    assert all(rule.why for rule in EXEMPT)
    assert exempt("definition.yaml", "text") and not exempt("definition.yaml", "explanation")
    assert exempt("studies.yaml", "citation") and not exempt("plays.yaml", "text")


def test_a_hard_text_breaks_the_targets_and_is_named(tmp_path, capsys):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    plays = folder / "plays.yaml"
    text = plays.read_text(encoding="utf-8")
    start = text.index("  text: >-\n", text.index("intro:"))
    end = text.index("  source:", start)
    plays.write_text(text[:start] + f"  text: >-\n    {HARD}\n" + text[end:], encoding="utf-8")
    assert cli.main(["content", "readability", "--dir", str(folder), "--no-notebooks"]) == 1
    out = capsys.readouterr().out
    assert "plays.yaml: intro.text" in out and "Notwithstanding institutional" in out
    assert "Too hard to read:" in out and "above grade 10" in out


def test_failures_name_each_broken_target():
    from shine.content.readability import Reading

    hard = [Reading(f"x{i}", 11.0, 25, HARD) for i in range(3)]
    easy = [Reading(f"y{i}", 5.0, 25, EASY) for i in range(2)]
    failures = " ".join(Report(hard + easy).failures())
    assert "median grade 11.0" in failures and "3 text(s) above grade 10" in failures and "60%" in failures
    assert Report(easy).failures() == []
    assert Report([]).failures() == ["no text was found to measure"]


def test_notebook_paragraphs_are_measured_one_by_one(tmp_path):
    root = tmp_path
    (root / "modules").mkdir()
    cell = {"cell_type": "markdown", "metadata": {}, "source": [f"{HARD}\n", "\n", "Too short.\n", "\n",
                                                                 f"{EASY} {EASY}"]}
    (root / "modules" / "x.ipynb").write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                                                           "nbformat_minor": 5}), encoding="utf-8")
    empty = tmp_path / "content"
    empty.mkdir()
    report = measure(empty, root)
    assert [r.where for r in report.readings] == ["modules/x.ipynb: cell 1, paragraph 1",
                                                   "modules/x.ipynb: cell 1, paragraph 3"]
    assert report.readings[0].grade > report.readings[1].grade


@pytest.mark.parametrize("words", [MIN_WORDS - 1])
def test_short_texts_are_not_measured(tmp_path, words):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "x.yaml").write_text("a: " + " ".join(["word"] * words) + "\n", encoding="utf-8")
    assert measure(Path(folder)).readings == []
