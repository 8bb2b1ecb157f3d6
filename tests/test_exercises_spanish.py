"""The graded exercises in English or Spanish: the form switches language in place, the answer
file records the participant's language, grading is the same in both, and the feedback (what
``check()`` prints and nbgrader's page around it) is in the participant's language."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import ipywidgets as widgets
import nbformat
import pytest

from shine.course import exercises as ex
from shine.course.feedback import FeedbackExporter, FeedbackLanguage
from shine.course.pipeline import Course
from shine.course.widgets import ExerciseForm
from shine.i18n import language

AID = "capacity-and-the-4cs"


# --- the form -------------------------------------------------------------------------------------


def _labels(menu) -> dict[str, str]:
    return {option: label for label, option in menu.options}


def test_switching_to_spanish_keeps_every_answer_and_relabels_the_form(tmp_path):
    form = ExerciseForm(AID, folder=tmp_path)
    assert form.lang == "en"
    button = form.language_buttons["es"]
    assert button.description == "Español" and button.tooltip == "Ver esta actividad en español"
    chosen = {("cap-credits-workshop", "capacity"): "capabilities",
              ("cap-credits-workshop", "family_role"): "monitor",
              ("cap-reading-at-home", "family_role"): "supporter"}
    for key, option in chosen.items():
        form.menus[key].value = option
    english = _labels(form.menus[("cap-credits-workshop", "capacity")])
    assert english["capabilities"] == "Capabilities"

    button.click()  # as a participant does

    assert form.lang == "es"
    assert {key: menu.value for key, menu in form.menus.items() if menu.value} == chosen
    menu = form.menus[("cap-credits-workshop", "capacity")]
    assert _labels(menu)["capabilities"] == "Capacidades" and _labels(menu)[None] == "Elija..."
    assert menu.description == "¿Cuál de las 4 C desarrolla principalmente?"
    page = " ".join(w.value for w in form.children if isinstance(w, widgets.HTML))
    assert "Su reflexión" in page and "Your reflection" not in page
    assert "Guardado. 3 de 9 respondidas." in form.status.value
    assert form.language_buttons["en"].description == "English"
    assert form.language_buttons["en"].tooltip == "Show this activity in English"

    saved = json.loads((tmp_path / ex.ANSWER_FILE).read_text(encoding="utf-8"))
    assert saved["language"] == "es"
    answers = ex.load_answers(folder=tmp_path, quiet=True)
    assert answers.language == "es"
    assert {(i, q): o for i, qs in answers.values.items() for q, o in qs.items()} == chosen

    reopened = ExerciseForm(AID, folder=tmp_path)  # the next day, in a session that is English
    assert reopened.lang == "es"
    assert _labels(reopened.menus[("cap-credits-workshop", "capacity")])["capabilities"] == "Capacidades"
    assert {key: menu.value for key, menu in reopened.menus.items() if menu.value} == chosen

    reopened.language_buttons["en"].click()
    assert reopened.lang == "en" and ex.load_answers(folder=tmp_path, quiet=True).language == "en"
    assert {key: menu.value for key, menu in reopened.menus.items() if menu.value} == chosen


def test_the_language_is_saved_before_any_answer(tmp_path):
    ExerciseForm(AID, folder=tmp_path).language_buttons["es"].click()
    saved = json.loads((tmp_path / ex.ANSWER_FILE).read_text(encoding="utf-8"))
    assert saved["language"] == "es" and saved["answers"] == {}
    assert ExerciseForm(AID, folder=tmp_path).lang == "es"


def test_the_form_starts_in_the_sessions_language_and_answers_in_its_own(tmp_path):
    with language("es"):
        form = ExerciseForm(AID, folder=tmp_path)
    assert form.lang == "es" and form.language_buttons["en"].description == "English"
    # A widget's callback may run where the session's language is another one.
    with language("en"):
        form.menus[("cap-credits-workshop", "capacity")].value = "capabilities"
    assert "Guardado. 1 de 9 respondidas." in form.status.value
    assert json.loads((tmp_path / ex.ANSWER_FILE).read_text(encoding="utf-8"))["language"] == "es"


def test_an_answer_file_without_a_language_stays_valid(tmp_path):
    (tmp_path / ex.ANSWER_FILE).write_text(json.dumps({"assignment": AID, "format": 1, "answers": {
        "cap-credits-workshop": {"capacity": "capabilities"}}}), encoding="utf-8")
    answers = ex.load_answers(folder=tmp_path, quiet=True)
    assert answers.status == "ok" and answers.language is None
    form = ExerciseForm(AID, folder=tmp_path)
    assert form.lang == "en" and form.menus[("cap-credits-workshop", "capacity")].value == "capabilities"


def test_save_refuses_an_unknown_language(tmp_path):
    with pytest.raises(ValueError, match="not one of the languages"):
        ex.save_language(AID, "xx", folder=tmp_path)


# --- grading --------------------------------------------------------------------------------------


def test_check_speaks_the_participants_language_and_grades_the_same(tmp_path, capsys):
    points = {}
    for lang in ("es", "en"):
        folder = tmp_path / lang
        folder.mkdir()
        ex.save_answer(AID, "cap-council-coaching", "capacity", "confidence", folder=folder, lang=lang)
        ex.save_answer(AID, "cap-council-coaching", "family_role", "monitor", folder=folder)
        answers = ex.load_answers(folder=folder, quiet=True)
        assert answers.language == lang
        points[lang] = ex.check(answers, "cap-council-coaching")
    out = capsys.readouterr().out
    assert points["es"] == points["en"] == 1
    assert "En parte correcto (1 de 2)." in out and "Partly right (1 of 2)." in out
    with language("en"), pytest.raises(ex.NotAnswered, match="Aún sin responder"):
        ex.check(ex.load_answers(folder=tmp_path / "es", quiet=True), "cap-credits-workshop")


def test_the_plan_exercise_speaks_the_sessions_language_when_the_plan_records_none(tmp_path, capsys):
    (tmp_path / ex.PLAN_FILE).write_text(ex.SAMPLE_PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    answers = ex.load_answers("our-action-plan", folder=tmp_path, quiet=True)
    assert answers.language is None and answers.plan is not None
    rule = ex.assignment("our-action-plan").plan_rules[0]
    with language("es"):
        assert ex.check_rule(answers, rule) == 1
    assert "Muy bien" in capsys.readouterr().out


def test_a_plan_written_in_spanish_is_graded_with_spanish_feedback(tmp_path, capsys):
    """The plan exercise's builder notes the team's language beside the plan; grading reads it."""
    import json

    from shine.plan.model import load_plan_file

    data = json.loads(ex.SAMPLE_PLAN.read_text(encoding="utf-8"))
    data["language"] = "es"  # as PlanExercise.write_answer writes it on a Spanish page
    (tmp_path / ex.PLAN_FILE).write_text(json.dumps(data), encoding="utf-8")
    assert load_plan_file(tmp_path / ex.PLAN_FILE).school  # the note is not part of the plan
    answers = ex.load_answers("our-action-plan", folder=tmp_path, quiet=True)
    assert answers.language == "es" and answers.plan is not None
    rule = ex.assignment("our-action-plan").plan_rules[0]
    assert ex.check_rule(answers, rule) == 1  # this test's own session is English
    assert "Muy bien" in capsys.readouterr().out


def _graded_notebook():
    """An autograded answer cell left as released, as nbgrader's GetGrades hands it on."""
    cell = nbformat.v4.new_code_cell("answers = load_answers()")
    cell.metadata["nbgrader"] = {"solution": True, "grade_id": "load-answers", "comment": "No response."}
    return nbformat.v4.new_notebook(cells=[cell])


def test_the_feedback_preprocessor_reads_the_participants_language(tmp_path):
    ex.save_language(AID, "es", folder=tmp_path)
    nb, resources = FeedbackLanguage().preprocess(_graded_notebook(), {"metadata": {"path": str(tmp_path)}})
    assert resources["shine_feedback"]["lang"] == "es"
    assert resources["shine_feedback"]["students_answer"] == "Su respuesta"
    assert nb.cells[0].metadata.nbgrader.comment == "Sin respuesta."
    (tmp_path / ex.ANSWER_FILE).unlink()  # no language recorded: the session's
    nb, resources = FeedbackLanguage().preprocess(_graded_notebook(), {"metadata": {"path": str(tmp_path)}})
    assert resources["shine_feedback"]["lang"] == "en" and resources["shine_feedback"]["score"] == "Score"
    assert nb.cells[0].metadata.nbgrader.comment == "No response."


def test_a_course_folder_made_before_gets_the_feedback_in_the_participants_language(tmp_path, monkeypatch):
    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    root = Course.init(tmp_path / "course").root
    config = root / "nbgrader_config.py"
    old = "\n".join(line for line in config.read_text().splitlines() if "feedback_in_participants_language" not in line)
    config.write_text(old)
    settings = Course(root).api.config
    assert settings.GenerateFeedback.exporter_class is FeedbackExporter
    assert FeedbackLanguage in settings.GenerateFeedback.preprocessors


# --- the whole cycle with nbgrader --------------------------------------------------------------------

CYCLE_AID = "principles-in-practice"
NB = f"{CYCLE_AID}.ipynb"
ENGLISH_LABELS = ("Score:", "Student's answer", "Test cell", "Comments:", "Grade cell", "(Top)", "Written response")
SPANISH_LABELS = ("Puntuación:", "Su respuesta", "Celda de comprobación", "Comentarios:", "Celda calificada",
                  "(Arriba)", "Respuesta escrita")


def _half_right() -> dict[str, str]:
    items = ex.assignment(CYCLE_AID).items
    options = [o for _label, o in ex.options(CYCLE_AID, "principle")]
    chosen = {}
    for n, item in enumerate(items):
        chosen[item.id] = item.principle[0] if n % 2 == 0 else next(o for o in options if o not in item.principle)
    return chosen


def _text(page: str) -> str:
    """What a reader sees: the page's words, without tags, styles or scripts."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One participant answers in Spanish, one in English, one with a file from before the
    language was recorded: the same choices and the same reflection."""
    base = tmp_path_factory.mktemp("bilingual")
    mp = pytest.MonkeyPatch()
    mp.setenv("SHINE_HOME", str(base / "home"))
    roster = base / "roster.csv"
    roster.write_text("id\nana\nben\ncy\n", encoding="utf-8")
    course = Course.init(base / "course", roster=roster)
    released = course.release(CYCLE_AID)
    gathered = base / "gathered"
    for pid, lang in (("ana", "es"), ("ben", "en"), ("cy", None)):
        folder = gathered / pid
        folder.mkdir(parents=True)
        form = ExerciseForm(CYCLE_AID, folder=folder)
        if lang and lang != form.lang:
            form.language_buttons[lang].click()
        for item_id, principle in _half_right().items():
            form.menus[(item_id, "principle")].value = principle
        if lang is None:  # as the form wrote it before the language was recorded
            saved = json.loads((folder / ex.ANSWER_FILE).read_text(encoding="utf-8"))
            del saved["language"]
            (folder / ex.ANSWER_FILE).write_text(json.dumps(saved), encoding="utf-8")
        nb = nbformat.read(released / NB, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = "Mandamos mensajes en tres idiomas. We send texts in three languages."
        nbformat.write(nb, folder / NB)
    course.collect(CYCLE_AID, gathered)
    report = course.grade(CYCLE_AID)
    reflection = ex.assignment(CYCLE_AID).reflections[0].id
    with course.api.gradebook as gb:  # the trainer grades the reflection and comments, in the formgrader
        for pid in ("ana", "ben", "cy"):
            gb.find_grade(reflection, Path(NB).stem, CYCLE_AID, pid).manual_score = 1
            gb.find_comment(reflection, Path(NB).stem, CYCLE_AID, pid).manual_comment = "Buena idea. Good idea."
        gb.db.commit()
    feedback = course.feedback(CYCLE_AID)
    pages = {f.parts[-3]: f.read_text(encoding="utf-8") for f in feedback.files}
    yield report, pages, released
    mp.undo()


@pytest.mark.slow
def test_the_same_answers_in_either_language_get_the_same_grade(graded):
    report, _pages, _released = graded
    items = {r.participant: r.items for r in report.results}
    assert items["ana"] == items["ben"] == items["cy"]
    checks = [item.id for item in ex.assignment(CYCLE_AID).items]
    earned = sum(items["ana"][i][0] for i in checks)
    assert 0 < earned < len(checks)  # some right, some not: both kinds of feedback are shown
    assert all(not r.flags for r in report.results), [(r.participant, r.flags) for r in report.results]


@pytest.mark.slow
def test_the_spanish_participants_feedback_is_in_spanish(graded):
    _report, pages, _released = graded
    page = pages["ana"]
    assert '<html lang="es">' in page
    words = _text(page)
    for label in SPANISH_LABELS:
        assert label in words, label
    assert "Muy bien." in words and "No del todo." in words and "Sin respuesta." in words
    for label in ENGLISH_LABELS + ("Well done.", "Not quite.", "No response."):
        assert label not in words, label


@pytest.mark.slow
@pytest.mark.parametrize("pid", ["ben", "cy"])
def test_the_english_participants_feedback_stays_english(graded, pid):
    _report, pages, _released = graded
    page = pages[pid]
    assert '<html lang="en">' in page
    words = _text(page)
    for label in ENGLISH_LABELS + ("Well done.", "Not quite."):
        assert label in words, label
    for label in SPANISH_LABELS + ("Muy bien.", "No del todo."):
        assert label not in words, label


@pytest.mark.slow
def test_the_release_speaks_both_languages_where_it_is_not_the_form(graded):
    _report, _pages, released = graded
    nb = nbformat.read(released / NB, as_version=4)
    stubs = [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert any("Write your reflection here" in s and "Escriba aquí su reflexión" in s for s in stubs)
    assert any("your choices" in s and "sus respuestas" in s for s in stubs)


def test_the_feedback_templates_are_found():
    from shine.course import feedback

    assert (feedback.TEMPLATES / feedback.TEMPLATE_NAME / "index.html.j2").is_file()
    assert Path(feedback.nbgrader_templates(), "feedback", "index.html.j2").is_file()


def test_the_plan_exercise_notes_the_pages_language_beside_the_plan(tmp_path):
    import json

    from shine.plan.widgets.exercise import PlanExercise
    from shine.store import Store

    with Store(f"sqlite:///{tmp_path / 'shine.db'}") as store, language("es"):
        builder = PlanExercise(store=store, school_year="2026-2027", autosave_delay=0, folder=tmp_path)
        builder.district.value, builder.school.value = "Groton", "Cutler Middle School"
        builder.open_button.click()
        builder.write_answer()
    saved = json.loads((tmp_path / ex.PLAN_FILE).read_text(encoding="utf-8"))
    assert saved["language"] == "es" and saved["school"] == "Cutler Middle School"
    assert ex.load_answers("our-action-plan", folder=tmp_path, quiet=True).language == "es"
