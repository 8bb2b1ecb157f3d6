"""Authoring: each exercise's source notebook is generated from the content, answer key included;
nbgrader makes the participants' release from it."""

from __future__ import annotations

from pathlib import Path

import nbformat

from shine import content
from shine.i18n import _

from . import exercises as ex

# What nbgrader puts in place of the trainer's solutions in the participants' release (see
# exercises/nbgrader_config.py). The release is one notebook for every language (the form switches
# language in place), so its own words are in both; the reflection's stub is how grading tells a
# blank reflection, and course folders made before kept nbgrader's "YOUR ANSWER HERE".
TEXT_STUB = "Write your reflection here. / Escriba aquí su reflexión."
CODE_STUB = "answers = load_answers()  # your choices above / sus respuestas de arriba"
BLANK_REFLECTIONS = ("", TEXT_STUB, "YOUR ANSWER HERE")

def _meta(grade_id: str, *, grade=False, solution=False, locked=False, points=0, task=False) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": task}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def build_source_notebook(assignment_id: str) -> nbformat.NotebookNode:
    """The trainer's version of an exercise, with the answer key; nbgrader makes the release."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    a = ex.assignment(assignment_id)
    if a.plan_rules:
        activity = "from shine.plan.widgets.exercise import PlanExercise\n\nPlanExercise()"
        tests = [(rule_id, f'check_rule(answers, "{rule_id}")', 1) for rule_id in a.plan_rules]
        imports = "from shine.course.exercises import check_rule, load_answers"
    else:
        activity = f'from shine.course.widgets import ExerciseForm\n\nExerciseForm("{a.id}")'
        tests = [(item.id, f'check(answers, "{item.id}")', ex.max_points(item)) for item in a.items]
        imports = "from shine.course.exercises import check, load_answers"
    cells = [
        new_code_cell(activity, metadata=_meta("activity", locked=True)),
        new_code_cell(f"{imports}\n\n### BEGIN SOLUTION\n"
                      f'from shine.course.exercises import key_answers\n\nanswers = key_answers("{a.id}")\n### END SOLUTION',
                      metadata=_meta("load-answers", solution=True)),
    ]
    for grade_id, source, points in tests:
        cells.append(new_code_cell(source, metadata=_meta(grade_id, grade=True, locked=True, points=points)))
    for reflection in a.reflections:
        cells.append(new_markdown_cell(_("Model answer for the trainer: ") + " ".join(reflection.rubric),
                                       metadata=_meta(reflection.id, grade=True, solution=True,
                                                      points=reflection.points)))
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                            "name": "python3"}, "language_info": {"name": "python"}})
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def notebook_name(assignment_id: str) -> str:
    return f"{assignment_id}.ipynb"


def write_sources(dest: Path) -> list[Path]:
    """(Re)write every exercise's source notebook under ``dest/<assignment>/``."""
    written = []
    for a in content.items("assignment"):
        path = dest / a.id / notebook_name(a.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(build_source_notebook(a.id), path)
        written.append(path)
    return written
