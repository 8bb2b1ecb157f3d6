"""The graded exercises: generated from content, valid for nbgrader, answered through a form."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from shine import content
from shine.course import exercises as ex
from shine.course.pipeline import Course
from shine.course.sources import build_source_notebook, notebook_name
from shine.course.widgets import ExerciseForm

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source"
ASSIGNMENTS = [a.id for a in content.items("assignment")]


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_committed_source_notebooks_match_the_content(aid):
    """Exercises are generated from content: `shine course author` rewrites them after a change."""
    committed = nbformat.read(SOURCE / aid / notebook_name(aid), as_version=4)
    generated = build_source_notebook(aid)
    assert [(c.cell_type, c.source, c.metadata) for c in committed.cells] == \
        [(c.cell_type, c.source, c.metadata) for c in generated.cells]


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_source_notebooks_pass_nbgrader_validate(aid):
    from nbgrader.validator import Validator

    results = Validator().validate(str(SOURCE / aid / notebook_name(aid)))
    assert not results.get("failed") and not results.get("type_changed"), results


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("release")
    mp.setenv("SHINE_HOME", str(base / "home"))
    course = Course.init(base / "course")
    yield {aid: course.release(aid) for aid in ASSIGNMENTS}
    mp.undo()


@pytest.mark.slow
@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_released_notebooks_run_unanswered_fail_only_as_expected(released, aid):
    nb = nbformat.read(released[aid] / notebook_name(aid), as_version=4)
    assert "key_answers" not in json.dumps(nb)  # the key stays with the trainer
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(released[aid])}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    assert len(errors) == len(graded) > 0
    assert {e.ename for e in errors} == {"NotAnswered"}
    assert all(e.traceback == [e.traceback[0]] and "Not answered yet" in e.traceback[0] for e in errors)


# --- the answer file ----------------------------------------------------------------------------------


AID = "high-impact-or-not"


def test_answers_round_trip_and_score(tmp_path):
    a = ex.assignment(AID)
    for item in a.items:
        ex.save_answer(AID, item.id, "impact", ex.key(item, "impact")[0], folder=tmp_path)
    answers = ex.load_answers(folder=tmp_path, quiet=True)
    assert answers.status == "ok" and answers.assignment_id == AID
    assert sum(ex.check(answers, item.id) for item in a.items) == len(a.items)


def test_a_missing_answer_file_is_reported_and_grades_as_not_answered(tmp_path, capsys):
    answers = ex.load_answers(AID, folder=tmp_path)
    assert answers.status == "missing" and "No answers saved yet" in capsys.readouterr().out
    with pytest.raises(ex.NotAnswered, match="Not answered yet"):
        ex.check(answers, "hin-robocalls")


@pytest.mark.parametrize("text", ["", "{not json", "[1, 2, 3]", '{"answers": "everything"}', "\udcff"])
def test_a_damaged_answer_file_never_crashes(tmp_path, text, capsys):
    (tmp_path / ex.ANSWER_FILE).write_text(text, encoding="utf-8", errors="surrogateescape")
    answers = ex.load_answers(AID, folder=tmp_path)
    assert answers.status == "corrupt" and answers.values == {}
    assert "damaged" in capsys.readouterr().out
    ex.save_answer(AID, "hin-robocalls", "impact", "lower", folder=tmp_path)  # starts afresh
    assert ex.load_answers(AID, folder=tmp_path, quiet=True).values == {"hin-robocalls": {"impact": "lower"}}


def test_edited_answers_keep_what_is_valid(tmp_path):
    (tmp_path / ex.ANSWER_FILE).write_text(json.dumps({"assignment": AID, "answers": {
        "hin-robocalls": {"impact": "lower"},
        "hin-home-visits": {"impact": "<script>alert(1)</script>"},
        "no-such-item": {"impact": "higher"},
    }}), encoding="utf-8")
    answers = ex.load_answers(AID, folder=tmp_path, quiet=True)
    assert answers.status == "partly-invalid" and answers.values == {"hin-robocalls": {"impact": "lower"}}
    assert len(answers.problems) == 2


def test_answers_for_another_exercise_are_not_mixed_in(tmp_path):
    ex.save_answer("principles-in-practice", "pip-june-surprise", "principle", "share-information", folder=tmp_path)
    assert ex.load_answers(AID, folder=tmp_path, quiet=True).status == "corrupt"


def test_save_refuses_choices_that_are_not_offered(tmp_path):
    with pytest.raises(ValueError, match="not one of the choices"):
        ex.save_answer(AID, "hin-robocalls", "impact", "highest", folder=tmp_path)
    with pytest.raises(ValueError, match="does not ask"):
        ex.save_answer(AID, "hin-robocalls", "principle", "share-information", folder=tmp_path)


def test_partial_credit_for_an_item_with_two_questions(tmp_path, capsys):
    aid = "capacity-and-the-4cs"
    ex.save_answer(aid, "cap-council-coaching", "capacity", "confidence", folder=tmp_path)
    ex.save_answer(aid, "cap-council-coaching", "family_role", "monitor", folder=tmp_path)
    assert ex.check(ex.load_answers(folder=tmp_path, quiet=True), "cap-council-coaching") == 1
    assert "Partly right (1 of 2)" in capsys.readouterr().out


# --- the form, as a participant uses it -------------------------------------------------------------------


def test_the_form_saves_each_choice_and_shows_progress(tmp_path):
    form = ExerciseForm("capacity-and-the-4cs", folder=tmp_path)
    assert len(form.menus) == 9  # five ask for a C, four for a family role
    form.menus[("cap-credits-workshop", "capacity")].value = "capabilities"
    form.menus[("cap-credits-workshop", "family_role")].value = "monitor"
    assert "Saved. 2 of 9 answered." in form.status.value
    assert ex.load_answers(folder=tmp_path, quiet=True).values == {
        "cap-credits-workshop": {"capacity": "capabilities", "family_role": "monitor"}}
    form.menus[("cap-credits-workshop", "family_role")].value = None  # "Choose..." again clears it
    assert ex.load_answers(folder=tmp_path, quiet=True).values == {"cap-credits-workshop": {"capacity": "capabilities"}}


def test_reopening_the_form_shows_saved_choices_and_reports_damage(tmp_path):
    ExerciseForm(AID, folder=tmp_path).menus[("hin-advisor", "impact")].value = "higher"
    assert ExerciseForm(AID, folder=tmp_path).menus[("hin-advisor", "impact")].value == "higher"
    (tmp_path / ex.ANSWER_FILE).write_text("garbage")
    assert "damaged" in ExerciseForm(AID, folder=tmp_path).status.value


def test_the_form_offers_version_one_family_roles_only():
    form = ExerciseForm("capacity-and-the-4cs", folder="/nonexistent-folder-is-fine-for-reading")
    offered = {o for _label, o in form.menus[("cap-reading-at-home", "family_role")].options if o}
    assert offered == set(content.get("dcbf_version", "dcbf-v1").family_roles)


# --- the installed environment ------------------------------------------------------------------------


def test_the_nbgrader_extensions_are_installed_and_enabled():
    jupyter = [sys.executable, "-m", "jupyter"]
    lab = subprocess.run(jupyter + ["labextension", "list"], capture_output=True, text=True)
    listing = lab.stdout + lab.stderr
    line = next((ln for ln in listing.splitlines() if "@jupyter/nbgrader" in ln), "")
    assert "enabled" in line and "OK" in line, listing
    server = subprocess.run(jupyter + ["server", "extension", "list"], capture_output=True, text=True)
    assert "nbgrader" in server.stdout + server.stderr and "enabled" in server.stdout + server.stderr
