"""Flags that last, fair scores and plain messages: what a trainer sees after collect, grade,
a second grade, feedback and report, with the submissions that used to lose flags or points."""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from shine.course import exercises as ex
from shine.course import history
from shine.course.pipeline import Course
from test_course_cycle import make

AID = "principles-in-practice"
NB = f"{AID}.ipynb"
ITEMS = [item.id for item in ex.assignment(AID).items]
ROSTER = [f"a{n:02d}" for n in range(1, 10)] + ["absent"]
REFUSED = ["Ana María", "p 03", "x;rm -rf"]

pytestmark = pytest.mark.slow


def _rename(folder: Path, name: str) -> None:
    (folder / NB).rename(folder / name)


def _submissions(released: Path, gathered: Path) -> None:
    make("right", released, gathered / "a01")
    make("cell-duplicated", released, gathered / "a02")
    make("right", released, gathered / "a03")
    (gathered / "a03" / "timestamp.txt").write_text("the twelfth of never, 99:99")
    make("right", released, gathered / "a04")
    (gathered / "a04" / "timestamp.txt").write_text("")
    make("right", released, gathered / "a05")  # one choice saved as a list instead of a string
    saved = json.loads((gathered / "a05" / ex.ANSWER_FILE).read_text())
    saved["answers"][ITEMS[0]]["principle"] = [saved["answers"][ITEMS[0]]["principle"]]
    (gathered / "a05" / ex.ANSWER_FILE).write_text(json.dumps(saved))
    make("right", released, gathered / "a06")
    _rename(gathered / "a06", "Principles-In-Practice.ipynb")
    make("right", released, gathered / "a07")
    _rename(gathered / "a07", f"{AID} (1).ipynb")
    make("right", released, gathered / "a08")
    _rename(gathered / "a08", f"{AID}.ipynb.txt")
    make("right", released, gathered / "a09")  # two candidates: the exact name and a download copy
    (gathered / "a09" / f"{AID} (1).ipynb").write_bytes((gathered / "a09" / NB).read_bytes())
    make("right", released, gathered / "stranger")
    for name in REFUSED:
        make("right", released, gathered / name)


@contextmanager
def terminal():
    """What the trainer's terminal shows (file descriptors 1 and 2, the workers' included)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile(mode="w+") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        streams = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = open(1, "w", closefd=False), open(2, "w", closefd=False)
        shown = []
        try:
            yield shown
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            sys.stdout, sys.stderr = streams
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            out.seek(0)
            shown.append(out.read())


@pytest.fixture(scope="module")
def course_flow(tmp_path_factory):
    base = tmp_path_factory.mktemp("flags")
    mp = pytest.MonkeyPatch()
    mp.setenv("SHINE_HOME", str(base / "home"))
    roster = base / "roster.csv"
    roster.write_text("id\n" + "\n".join(ROSTER) + "\n")
    course = Course.init(base / "course", roster=roster)
    released = course.release(AID)
    _submissions(released, base / "gathered")
    collected = course.collect(AID, base / "gathered")
    first = course.grade(AID, workers=2)
    from shine.cli import main

    with terminal() as shown:  # the second run, as the trainer types it
        assert main(["course", "grade", AID, "--dir", str(course.root), "--workers", "2"]) == 0
    second = json.loads((course.root / "reports" / f"{AID}-grading.json").read_text())
    yield course, collected, first, second, shown[0]
    mp.undo()


def codes(report, pid) -> set[str]:
    return {f.code for f in next(r for r in report.results if r.participant == pid).flags}


def result(report, pid):
    return next(r for r in report.results if r.participant == pid)


def test_collect_follows_the_rosters_rules(course_flow):
    course, collected, _first, _second, _shown = course_flow
    assert sorted(collected.refused) == sorted(REFUSED)
    assert all(why for why in collected.refused.values())
    assert not any((course.root / "submitted" / name).exists() for name in REFUSED)
    assert collected.not_on_roster == ["stranger"] and "stranger" not in course.roster()
    assert sorted(collected.collected) == sorted([p for p in ROSTER if p != "absent"] + ["stranger"])


def test_bad_and_empty_timestamps_are_flagged_kept_and_normalised(course_flow):
    course, collected, first, _second, _shown = course_flow
    from nbgrader.utils import parse_utc

    assert {f["code"] for f in collected.findings["a03"]} == {"timestamp-bad"}
    assert {f["code"] for f in collected.findings["a04"]} == {"timestamp-empty"}
    assert (course.root / "originals" / "a03" / AID / "timestamp.txt").read_text().startswith("the twelfth")
    for pid in ("a03", "a04"):
        parse_utc((course.root / "submitted" / pid / AID / "timestamp.txt").read_text())
        assert result(first, pid).score == len(ITEMS)
    assert "timestamp-bad" in codes(first, "a03") and "timestamp-empty" in codes(first, "a04")
    # the formgrader's submission pages read every submission of the exercise
    api = course.api
    submissions = {s["student"]: s for s in api.get_submissions(AID)}
    assert all(submissions[pid]["timestamp"] and submissions[pid]["display_timestamp"] for pid in collected.collected)
    assert api.get_notebook_submissions(AID, Path(NB).stem)
    for pid in ("a03", "a04"):
        assert api.get_student_submissions(pid)


def test_a_bad_field_costs_only_its_item(course_flow):
    _course, _collected, first, _second, _shown = course_flow
    r = result(first, "a05")
    assert r.items[ITEMS[0]][0] == 0 and sum(r.items[i][0] for i in ITEMS[1:]) == len(ITEMS) - 1
    assert "answers-partly-invalid" in codes(first, "a05") and "grading-failed" not in codes(first, "a05")


@pytest.mark.parametrize("pid, name", [("a06", "Principles-In-Practice.ipynb"), ("a07", f"{AID} (1).ipynb"),
                                       ("a08", f"{AID}.ipynb.txt")])
def test_a_near_miss_notebook_name_is_used_and_flagged(course_flow, pid, name):
    course, _collected, first, _second, _shown = course_flow
    r = result(first, pid)
    assert sum(r.items[i][0] for i in ITEMS) == len(ITEMS)
    assert "notebook-renamed" in codes(first, pid)
    assert name in next(f.detail for f in r.flags if f.code == "notebook-renamed")
    assert (course.root / "originals" / pid / AID / name).exists()


def test_two_candidate_notebooks_are_flagged_and_neither_dropped(course_flow):
    course, _collected, first, _second, _shown = course_flow
    r = result(first, "a09")
    assert "notebook-two-copies" in codes(first, "a09") and r.needs_trainer
    detail = next(f.detail for f in r.flags if f.code == "notebook-two-copies")
    assert NB in detail and f"{AID} (1).ipynb" in detail
    assert (course.root / "originals" / "a09" / AID / f"{AID} (1).ipynb").exists()
    assert (course.root / "submitted" / "a09" / AID / NB).exists()


def test_a_second_grade_keeps_every_flag(course_flow):
    course, _collected, first, second, _shown = course_flow
    again = {p["id"]: {f["code"] for f in p["flags"]} for p in second["participants"]}
    for r in first.results:
        assert {f.code for f in r.flags} <= again[r.participant], r.participant
    assert "cell-duplicated" in again["a02"] and "not-on-roster" in again["stranger"]
    assert "timestamp-bad" in again["a03"] and "notebook-renamed" in again["a06"]
    assert (course.root / "originals" / "a02" / AID / NB).exists()
    runs = {e["run"] for e in history.events(course.root, AID) if e["kind"] == "flag" and e["step"] != "collect"}
    assert len(runs) >= 2  # both runs appended their findings to the history


def test_the_trainers_terminal_shows_progress_and_findings_only(course_flow):
    _course, _collected, _first, _second, shown = course_flow
    lines = [line for line in shown.splitlines() if line.strip()]
    assert any("[1/" in line and "graded" in line for line in lines)
    assert "A graded cell had been copied" in shown
    for noise in ("Warning", "WARNING", "TCP", "Traceback", "SAWarning", "NOTE:", "--existing"):
        assert noise not in shown, noise


def test_the_scores_list_every_roster_member(course_flow):
    course, _collected, _first, _second, _shown = course_flow
    csv_path, _png = course.report(AID)
    rows = {r["participant"]: r for r in csv.DictReader(csv_path.open(encoding="utf-8"))}
    assert set(ROSTER) | {"stranger"} == set(rows)
    assert rows["absent"]["status"] == "no submission" and rows["absent"]["score"] == ""
    assert "copied" in rows["a02"]["flags"] and rows["a01"]["flags"] == ""


def test_feedback_says_who_got_none_and_why(course_flow):
    course, _collected, _first, _second, _shown = course_flow
    fed = course.feedback(AID)
    assert fed.without == {"absent": "nothing was submitted"}
    for page in fed.files:
        text = page.read_text(encoding="utf-8")
        for listing in ("Traceback (most recent call last)", "KeyboardInterrupt", "ansi-red", "\x1b["):
            assert listing not in text, (page, listing)


def test_a_flag_marked_seen_stays_seen_until_the_submission_changes(course_flow, tmp_path):
    course, _collected, _first, _second, _shown = course_flow
    assert "a02" in course.unresolved(AID)
    assert course.mark_seen(AID, "a02") >= 1
    assert "a02" not in course.unresolved(AID)
    again = course.grade(AID, participants=["a02"], workers=1)
    assert "cell-duplicated" in codes(again, "a02")  # still found ...
    assert "a02" not in course.unresolved(AID)  # ... but not brought back as unseen
    csv_path, _png = course.report(AID)
    rows = {r["participant"]: r for r in csv.DictReader(csv_path.open(encoding="utf-8"))}
    assert rows["a02"]["flags"] == ""
    released = course.root / "release" / AID  # a new submission with the same trouble is shown again
    shutil_gathered = tmp_path / "again"
    make("cell-duplicated", released, shutil_gathered / "a02")
    nb = nbformat.read(shutil_gathered / "a02" / NB, as_version=4)
    nb.cells[-1].source = "A new reflection, handed in again."
    nbformat.write(nb, shutil_gathered / "a02" / NB)
    course.collect(AID, shutil_gathered)
    course.grade(AID, participants=["a02"], workers=1)
    assert "cell-duplicated" in {e["code"] for e in course.unresolved(AID)["a02"]}


def test_unknown_ids_are_added_only_when_asked(course_flow, tmp_path):
    course, _collected, _first, _second, _shown = course_flow
    gathered = tmp_path / "late"
    make("right", course.root / "release" / AID, gathered / "stranger")
    result = course.collect(AID, gathered, add_to_roster=True)
    assert result.added == ["stranger"] and result.not_on_roster == []
    assert "stranger" in course.roster()
    assert "not-on-roster" not in {e["code"] for e in course.unresolved(AID).get("stranger", [])}
