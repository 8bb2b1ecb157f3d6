"""Feedback pages in the participant's language, through nbgrader's own extension points.

nbgrader writes each participant's feedback with nbconvert's HTML exporter and its ``feedback``
template, whose labels are English ("Score", "Test cell", "Student's answer", "Comments"). Here:

- :class:`FeedbackLanguage`, a preprocessor added to ``GenerateFeedback.preprocessors``, reads the
  language the participant answered in (``answers.json`` or the plan file beside the autograded
  notebook: ``resources['metadata']['path']``) and puts that language and every label, translated,
  into ``resources['shine_feedback']``;
- the template ``shine_feedback`` (``templates/`` beside this module) extends nbgrader's and shows
  those labels, with ``<html lang="...">`` in the participant's language; the look is nbgrader's.
- :class:`FeedbackExporter` is the HTML exporter nbgrader's feedback step uses, configured with
  that template. It is a class of its own because a template set on ``HTMLExporter`` would also
  replace the formgrader's, and nbgrader's API sets ``HTMLExporter.template_name`` itself.

:func:`configure` puts all three into an nbgrader configuration: ``nbgrader_config.py`` calls it,
and :class:`shine.course.pipeline.Course` does for a course folder whose configuration predates it.
What ``check()`` printed is already in the participant's language (see ``shine.course.exercises``).
"""

from __future__ import annotations

import os
from pathlib import Path

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import default

from shine.i18n import _, get_language, language

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "shine_feedback"
NBGRADER_NO_RESPONSE = "No response."  # what nbgrader's autograde says of an answer cell left as released


def nbgrader_templates() -> Path:
    """nbgrader's own template folder (its ``feedback`` template, which ours extends)."""
    import nbgrader

    return Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"


def labels() -> dict[str, str]:
    """nbgrader's feedback labels in the current language (the English is nbgrader's own)."""
    return {
        "score": _("Score"),
        "top": _("(Top)"),
        "test_cell": _("Test cell"),
        "coding_response": _("Coding free-response"),
        "written_response": _("Written response"),
        "task": _("Task"),
        "comment": _("Comment"),
        "comments": _("Comments"),
        "late_penalty": _("Late submission penalty"),
        "students_answer": _("Student's answer"),
        "students_task": _("Student's task"),
        "grade_cell": _("Grade cell"),
    }


class FeedbackLanguage(Preprocessor):
    """Puts the participant's language and the labels in it into ``resources['shine_feedback']``."""

    enabled = True  # nbgrader registers its preprocessors as they are, without enabling them

    def preprocess(self, nb, resources):
        from . import exercises as ex

        folder = (resources.get("metadata") or {}).get("path") or os.getcwd()
        lang = ex.saved_language(folder) or get_language()
        with language(lang) as used:
            resources["shine_feedback"] = {"lang": used, **labels()}
            no_response = _("No response.")
        for cell in nb.cells:  # nbgrader's own comment on an untouched answer cell, in English
            grading = cell.metadata.get("nbgrader", {})
            if grading.get("comment") == NBGRADER_NO_RESPONSE:
                grading["comment"] = no_response
        return nb, resources


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTML exporter, for the feedback pages only (configured by :func:`configure`).

    nbgrader's template folder is also searched as a whole, so ours can extend
    ``feedback/index.html.j2`` by name."""

    @default("template_paths")
    def _feedback_template_paths(self):
        return [*self._template_paths(), str(nbgrader_templates())]


def configure(c) -> None:
    """Feedback in the participant's language, in the nbgrader configuration ``c``. nbgrader only
    fills in its own template folder when none is configured, so it is named here too."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    c.GenerateFeedback.exporter_class = FeedbackExporter
    c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, FeedbackLanguage]
    c.FeedbackExporter.template_name = TEMPLATE_NAME
    c.FeedbackExporter.extra_template_basedirs = [str(TEMPLATES), str(nbgrader_templates())]


def is_configured(c) -> bool:
    """Whether ``c`` already chooses the feedback step's exporter (ours, or a trainer's own)."""
    return "exporter_class" in c.GenerateFeedback
