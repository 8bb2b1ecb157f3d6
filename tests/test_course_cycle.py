"""The trainer's whole grading cycle on 30 synthetic participants: release, collect from a folder
(as gathered at a workshop), grade, feedback, report. Submissions include every kind of trouble a
real room produces; every participant must end with a score or a plain-language flag."""

from __future__ import annotations

import copy
import csv
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from shine.course import exercises as ex
from shine.course.flags import FLAG_TEXT
from shine.course.pipeline import Course, CourseError

AID = "principles-in-practice"
NB = f"{AID}.ipynb"
ITEMS = [item.id for item in ex.assignment(AID).items]
REFLECTION = ex.assignment(AID).reflections[0].id

pytestmark = pytest.mark.slow


def write_answers(folder: Path, chosen: dict[str, str]) -> None:
    for item_id, principle in chosen.items():
        ex.save_answer(AID, item_id, "principle", principle, folder=folder)


def right() -> dict[str, str]:
    key = ex.key_answers(AID)
    return {i: key.get(i, "principle") for i in ITEMS}


def wrong() -> dict[str, str]:
    options = [o for _label, o in ex.options(AID, "principle")]
    accepted = {item.id: set(item.principle) for item in ex.assignment(AID).items}
    return {i: next(o for o in options if o not in accepted[i]) for i in ITEMS}


def cells_by_id(nb) -> dict[str, int]:
    return {c.metadata.get("nbgrader", {}).get("grade_id"): n for n, c in enumerate(nb.cells)}


def set_reflection(nb, text: str) -> None:
    nb.cells[cells_by_id(nb)[REFLECTION]].source = text


# Each kind: (what the participant hands in, the flags the trainer must see)
def make(kind: str, released: Path, folder: Path) -> None:
    folder.mkdir(parents=True)
    nb = nbformat.read(released / NB, as_version=4)
    if kind not in ("unanswered",):
        set_reflection(nb, "At my son's school the robocalls were only in English; I would add texts in Spanish.")
    if kind in ("right", "grade-cell-deleted", "test-cell-edited", "cell-type-changed", "cell-duplicated",
                "infinite-loop"):
        write_answers(folder, right())
    elif kind == "partly-right":
        half = right()
        half.update({k: v for k, v in list(wrong().items())[:4]})
        write_answers(folder, half)
    elif kind == "wrong":
        write_answers(folder, wrong())
    elif kind == "answers-corrupt":
        (folder / ex.ANSWER_FILE).write_text('{"assignment": "principles-in-pra', encoding="utf-8")
    ids = cells_by_id(nb)
    if kind == "grade-cell-deleted":
        del nb.cells[ids[ITEMS[0]]]
    elif kind == "test-cell-edited":
        nb.cells[ids[ITEMS[1]]].source = "print('full marks')"
    elif kind == "cell-type-changed":
        cell = nb.cells[ids[ITEMS[2]]]
        nb.cells[ids[ITEMS[2]]] = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata)
    elif kind == "cell-duplicated":
        nb.cells.insert(ids[ITEMS[3]] + 1, copy.deepcopy(nb.cells[ids[ITEMS[3]]]))
    elif kind == "infinite-loop":
        nb.cells[ids["load-answers"]].source += "\nwhile True:\n    pass"
    if kind == "not-json":
        (folder / NB).write_text('{"cells": [ {"cell_type": "code", "source": "oops"', encoding="utf-8")
    else:
        nbformat.write(nb, folder / NB)


KINDS = ["right", "partly-right", "wrong", "unanswered", "answers-missing", "answers-corrupt",
         "grade-cell-deleted", "test-cell-edited", "cell-type-changed", "cell-duplicated", "infinite-loop",
         "not-json"]
ROSTER = [f"p{n:02d}" for n in range(1, 31)]
KIND_OF = {pid: (KINDS[n] if n < len(KINDS) else ["right", "partly-right", "wrong"][n % 3])
           for n, pid in enumerate(ROSTER)}


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    base = tmp_path_factory.mktemp("course")
    mp = pytest.MonkeyPatch()
    mp.setenv("SHINE_HOME", str(base / "home"))
    roster = base / "roster.csv"
    roster.write_text("id,first_name\n" + "\n".join(f"{pid},Participant {pid}" for pid in ROSTER[:-1]) + "\n")
    course = Course.init(base / "course", roster=roster)
    config = course.root / "nbgrader_config.py"  # a short timeout keeps the endless loop cheap here
    config.write_text(config.read_text().replace("c.Execute.timeout = 20", "c.Execute.timeout = 10"))
    course._api = None
    released = course.release(AID)
    gathered = base / "gathered"  # what a trainer copies off the room's laptops
    for pid in ROSTER:
        make(KIND_OF[pid], released, gathered / pid)
    progress = []
    assert sorted(course.collect(AID, gathered).collected) == ROSTER
    report = course.grade(AID, progress=lambda i, n, pid: progress.append((i, n, pid)))
    yield course, report, progress, base
    mp.undo()


def result_of(report, pid):
    return next(r for r in report.results if r.participant == pid)


def codes(report, pid) -> set[str]:
    return {f.code for f in result_of(report, pid).flags}


def test_the_batch_grades_everyone_and_shows_progress(cycle):
    _course, report, progress, _base = cycle
    assert [r.participant for r in report.results] == ROSTER
    assert progress[0] == (1, 30, "p01") and progress[-1] == (30, 30, "p30")
    for r in report.results:
        assert r.score is not None or r.needs_trainer, r.participant
        assert r.score is not None or any(f.code in ("notebook-unreadable", "grading-failed") for f in r.flags)
        for flag in r.flags:
            assert flag.code in FLAG_TEXT and len(flag.message) > 20


def by_kind(report, kind):
    return [result_of(report, pid) for pid, k in KIND_OF.items() if k == kind]


def test_scores_follow_the_answers(cycle):
    _course, report, _progress, _base = cycle
    auto = len(ITEMS)
    for r in by_kind(report, "right"):
        assert sum(r.items[i][0] for i in ITEMS) == auto and not r.flags
    for r in by_kind(report, "partly-right"):
        assert 0 < sum(r.items[i][0] for i in ITEMS) < auto
    for r in by_kind(report, "wrong"):
        assert sum(r.items[i][0] for i in ITEMS) == 0


@pytest.mark.parametrize("kind, flag", [
    ("unanswered", "reflection-blank"),
    ("unanswered", "answers-missing"),
    ("answers-missing", "answers-missing"),
    ("answers-corrupt", "answers-corrupt"),
    ("grade-cell-deleted", "cell-deleted"),
    ("test-cell-edited", "test-edited"),
    ("cell-type-changed", "cell-type-changed"),
    ("cell-duplicated", "cell-duplicated"),
    ("infinite-loop", "answer-code-edited"),  # code typed into the answer cell never runs
    ("not-json", "notebook-unreadable"),
])
def test_each_anomaly_is_named(cycle, kind, flag):
    _course, report, _progress, _base = cycle
    for r in by_kind(report, kind):
        assert flag in codes(report, r.participant), (kind, r.flags)


def test_repairs_still_give_the_right_score(cycle):
    _course, report, _progress, base = cycle
    for kind in ("grade-cell-deleted", "test-cell-edited", "cell-type-changed", "cell-duplicated", "infinite-loop"):
        for r in by_kind(report, kind):
            assert r.score is not None, (kind, r.flags)
            assert sum(r.items[i][0] for i in ITEMS) == len(ITEMS), (kind, r.items)
    # the participant's own file is kept untouched beside the repaired one
    repaired = by_kind(report, "cell-duplicated")[0].participant
    assert (base / "course" / "originals" / repaired / AID / NB).exists()


def test_unanswered_reflections_are_flagged_not_silently_zero(cycle):
    _course, report, _progress, _base = cycle
    r = by_kind(report, "unanswered")[0]
    assert r.items[REFLECTION][0] is None and r.needs_trainer
    answered = by_kind(report, "right")[0]
    assert "reflection-blank" not in codes(report, answered.participant)


def test_not_on_the_roster_is_noted(cycle):
    _course, report, _progress, _base = cycle
    assert "not-on-roster" in codes(report, ROSTER[-1])


def test_feedback_is_written_for_people_and_returned(cycle):
    course, report, _progress, _base = cycle
    result = course.feedback(AID)
    graded = [r for r in report.results if r.score is not None]
    assert len(result.files) == len(graded)
    html = next(f for f in result.files if f.parts[-3] == by_kind(report, "partly-right")[0].participant).read_text()
    assert "Not quite." in html and "Well done." in html
    for page in result.files:  # never an error listing, whatever was handed in
        text = page.read_text()
        assert "Traceback (most recent call last)" not in text and "ansi-red" not in text, page
    unreadable = by_kind(report, "not-json")[0].participant
    assert "damaged" in result.without[unreadable] and len(result.without) == 1
    # collected from a folder, so handed back as a bundle (the exchange path is tested below)
    assert sorted(result.by_hand) == sorted(r.participant for r in graded) and result.released == []
    with zipfile.ZipFile(result.bundle) as zf:
        assert len(zf.namelist()) == len(graded)


def test_report_lists_every_participant_and_charts_the_items(cycle):
    course, report, _progress, _base = cycle
    csv_path, png_path = course.report(AID)
    rows = csv_path.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 31
    assert any("damaged" in row for row in rows) and any("it was not run" in row for row in rows)
    assert png_path.stat().st_size > 5000
    assert "Bar chart" in png_path.with_suffix(".alt.txt").read_text()


def test_the_report_counts_reflections_graded_by_hand_since(cycle):
    course, report, _progress, _base = cycle
    pid = by_kind(report, "right")[0].participant
    with course.api.gradebook as gb:  # what the trainer does in the formgrader
        grade = gb.find_grade(REFLECTION, Path(NB).stem, AID, pid)
        grade.manual_score = 2
        gb.db.commit()
    csv_path, _png = course.report(AID)
    row = next(r for r in csv.DictReader(csv_path.open(encoding="utf-8")) if r["participant"] == pid)
    assert float(row[REFLECTION]) == 2 and float(row["score"]) == len(ITEMS) + 2
    assert row["to_grade_by_hand"] == ""


def test_collecting_from_a_zip_and_bad_sources(cycle, tmp_path):
    course, _report, _progress, base = cycle
    archive = shutil.make_archive(str(tmp_path / "room"), "zip", base / "gathered")
    assert len(course.collect(AID, archive).collected) == 30
    with pytest.raises(CourseError, match="nothing at"):
        course.collect(AID, tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(CourseError, match="not a zip"):
        course.collect(AID, tmp_path / "notes.txt")


def test_a_bad_roster_gets_a_plain_message(cycle, tmp_path):
    course = cycle[0]
    bad = tmp_path / "roster.csv"
    bad.write_text("name,email\nAna,ana@example.org\n")
    with pytest.raises(CourseError, match="column called id"):
        course.import_roster(bad)
    bad.write_text("id\nfine-1\nnot ok/../x\n")
    with pytest.raises(CourseError, match="Row 3"):
        course.import_roster(bad)


def _as_participant(course: Course, pid: str, home: Path, action: str, aid: str = AID) -> dict:
    """What a participant's JupyterLab does through the Assignment List: fetch, submit, fetch feedback."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.course_id = "time-to-shine"
    config.CourseDirectory.student_id = pid
    config.Exchange.root = str(course.exchange_root())
    config.Exchange.path_includes_course = True
    config.Exchange.assignment_dir = str(home)
    config.CourseDirectory.root = str(home)  # a participant's own folder, never the repository
    # nbgrader remembers a participant's submissions (and their secrets) in a per-login cache; each
    # simulated participant gets their own, as separate logins would on a JupyterHub
    config.Exchange.cache = str(home / ".nbgrader-cache")
    api = NbGraderAPI(config=config)
    from nbgrader.utils import capture_log

    make = {"fetch": api.exchange.FetchAssignment, "submit": api.exchange.Submit,
            "feedback": api.exchange.FetchFeedback}[action]
    api.coursedir.assignment_id = aid
    return capture_log(make(coursedir=api.coursedir, authenticator=api.authenticator, parent=api))


def test_the_exchange_path_from_release_to_feedback(tmp_path, monkeypatch):
    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    course = Course.init(tmp_path / "course")
    course.release(AID)
    for pid, chosen in (("ana", right()), ("ben", wrong())):
        home = tmp_path / pid
        home.mkdir()
        assert _as_participant(course, pid, home, "fetch")["success"]
        folder = home / "time-to-shine" / AID
        write_answers(folder, chosen)
        nb = nbformat.read(folder / NB, as_version=4)
        set_reflection(nb, "We now send texts in three languages.")
        nbformat.write(nb, folder / NB)
        assert _as_participant(course, pid, home, "submit")["success"]
    assert course.collect(AID).collected == ["ana", "ben"]
    report = course.grade(AID)
    scores = {r.participant: sum(r.items[i][0] for i in ITEMS) for r in report.results}
    assert scores == {"ana": len(ITEMS), "ben": 0}
    result = course.feedback(AID)
    assert result.released == ["ana", "ben"] and result.bundle is None
    assert _as_participant(course, "ben", tmp_path / "ben", "feedback")["success"]
    returned = list((tmp_path / "ben" / "time-to-shine" / AID / "feedback").rglob("*.html"))
    assert len(returned) == 1, "ben gets his own feedback, and only his"
    assert "Not quite." in returned[0].read_text() and "Well done." not in returned[0].read_text()


def test_the_plan_exercise_grades_each_rule_with_part_credit(tmp_path, monkeypatch):
    from shine.plan.model import load_plan_file

    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    aid = "our-action-plan"
    rules = ex.assignment(aid).plan_rules
    course = Course.init(tmp_path / "course")
    released = course.release(aid)
    sample = load_plan_file(ex.SAMPLE_PLAN)
    gathered = tmp_path / "gathered"
    for pid in ("complete", "gaps", "none"):
        folder = gathered / pid
        folder.mkdir(parents=True)
        shutil.copy(released / f"{aid}.ipynb", folder)
        plan = sample.model_copy(deep=True)
        if pid == "gaps":  # two activities lose their evaluation, one goal its link
            for _goal, activity in plan.activities()[:2]:
                activity.evaluation = ""
            plan.goals[0].sip_goal = ""
        if pid != "none":
            (folder / ex.PLAN_FILE).write_text(plan.to_json(), encoding="utf-8")
    course.collect(aid, gathered)
    report = course.grade(aid)
    auto = {r.participant: sum(r.items[rule][0] or 0 for rule in rules) for r in report.results}
    assert auto["complete"] == len(rules)
    assert 0 < auto["gaps"] < len(rules)
    assert auto["none"] == 0 and "answers-missing" in codes(report, "none")
