"""The checks and repairs of grading, as nbgrader preprocessors, so that ``shine course grade``,
``nbgrader autograde`` and the formgrader's Autograde button all apply them.

:func:`configure` puts them into an nbgrader configuration (the course's ``nbgrader_config.py``
calls it; :class:`shine.course.pipeline.Course` does for a course folder made before):

- :class:`RestoreReleased`, first of ``Autograde.sanitize_preprocessors``: the notebook that is
  executed is the *released* one, with only the participant's answers in it. Answers are data
  (``answers.json``, the plan file) and the written reflections; every code cell, the answer
  cell included, is the released version, so code typed or pasted into a notebook never runs.
  What it finds (cells deleted, copied, retyped or edited, code added, files added, a missing or
  damaged answers file) goes into the notebook's ``metadata.shine.findings``.
- :class:`~shine.course.execute.SandboxedExecute` replaces nbgrader's ``Execute``.
- :class:`PlainOutcome`, right after it: error listings become a sentence in the participant's
  language (a cell stopped for time or memory, a check that failed), so feedback never shows a
  Python traceback.
- :class:`RecordFindings`, last: notes blank reflections and appends every finding to the
  history beside the gradebook (:mod:`shine.course.history`).

Each finding is ``{"code": ..., "detail": ...}``; the codes are :data:`shine.course.flags.FLAG_TEXT`'s.
"""

from __future__ import annotations

import copy
import fnmatch
import os
import shutil
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from shine.i18n import _, get_language, language
from shine.plan.model import PLAN_FILE

from . import history
from .execute import FINDINGS, SandboxedExecute
from .exercises import ANSWER_FILE, load_answers, saved_language
from .sources import BLANK_REFLECTIONS

META = "shine"
HANDED_IN = {ANSWER_FILE, PLAN_FILE, "timestamp.txt", "submission_secret.txt"}
IGNORED = (".ipynb_checkpoints", "__pycache__", "*.pyc", ".answers-*", "feedback", ".DS_Store")
REPAIRS = {"cell-deleted", "cell-duplicated", "cell-type-changed", "test-edited", "answer-code-edited", "code-added"}
TIMEOUT_ERRORS = {"KeyboardInterrupt", "CellTimeoutError"}
LIMIT_ERRORS = {"MemoryError", "DeadKernelError"}


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _is_answer_text(cell) -> bool:
    """A written answer (a reflection): the participant's own text is what is graded."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("solution")) and cell.cell_type == "markdown"


def _same(a: str, b: str) -> bool:
    return "\n".join(line.rstrip() for line in a.strip().splitlines()) == \
        "\n".join(line.rstrip() for line in b.strip().splitlines())


def findings_of(nb) -> list[dict]:
    return list(nb.metadata.get(META, {}).get("findings", []))


def add_findings(nb, found: list[dict]) -> None:
    meta = nb.metadata.setdefault(META, {})
    known = {(f["code"], f.get("detail", "")) for f in meta.get("findings", [])}
    meta["findings"] = list(meta.get("findings", [])) + [f for f in found if (f["code"], f.get("detail", "")) not in known]


def coursedir_of(pp):
    """The CourseDirectory of the nbgrader app running this preprocessor (exporter -> converter)."""
    parent = pp
    while parent is not None:
        if getattr(parent, "coursedir", None) is not None:
            return parent.coursedir
        parent = getattr(parent, "parent", None)
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=pp.config)


def restore(submitted, released) -> tuple[object, list[dict]]:
    """The released notebook with the participant's written answers in it, and what was found."""
    found = []
    known = {grade_id(c) for c in released.cells if grade_id(c)}
    copies: dict[str, list] = {}
    for cell in submitted.cells:
        gid = grade_id(cell)
        if gid in known:
            copies.setdefault(gid, []).append(cell)
        elif cell.cell_type == "code" and cell.source.strip():
            found.append({"code": "code-added", "detail": ""})
    cells = []
    for rcell in released.cells:
        gid = grade_id(rcell)
        mine = copies.get(gid, []) if gid else []
        new = copy.deepcopy(rcell)
        if gid and not mine:
            found.append({"code": "cell-deleted", "detail": gid})
        if len(mine) > 1:
            found.append({"code": "cell-duplicated", "detail": gid})
        if mine and any(c.cell_type != rcell.cell_type for c in mine[:1]):
            found.append({"code": "cell-type-changed", "detail": gid})
        if mine and _is_answer_text(rcell):
            written = [c.source for c in mine if c.source.strip() not in BLANK_REFLECTIONS]
            new.source = written[0] if written else mine[0].source
        elif mine and not _same(mine[0].source, rcell.source):
            edited = "answer-code-edited" if rcell.get("metadata", {}).get("nbgrader", {}).get("solution") \
                else "test-edited"
            found.append({"code": edited, "detail": gid})
        cells.append(new)
    out = copy.deepcopy(released)
    out.cells = cells
    out.metadata = copy.deepcopy(released.metadata)
    unique = []
    for f in found:
        if f not in unique:
            unique.append(f)
    return out, unique


def extra_files(folder: Path, notebook: str) -> list[str]:
    """What was handed in besides the notebook and its answer files (first level, by name)."""
    if not folder.is_dir():
        return []
    names = []
    for entry in sorted(folder.iterdir()):
        if entry.name in HANDED_IN or entry.name == notebook or any(fnmatch.fnmatch(entry.name, p) for p in IGNORED):
            continue
        names.append(entry.name + ("/" if entry.is_dir() else ""))
    return names


class RestoreReleased(Preprocessor):
    """Runs the released notebook with the participant's answers (see the module's description)."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        aid, notebook = info.get("assignment"), info.get("notebook")
        coursedir = coursedir_of(self)
        released_path = Path(coursedir.format_path(coursedir.release_directory, ".", aid)) / f"{notebook}.ipynb"
        if not released_path.exists():
            raise FileNotFoundError(_("The released version of {aid} is missing: run shine course release {aid} "
                                      "again, then grade.").format(aid=aid))
        released = nbformat.read(released_path, as_version=nbformat.NO_CONVERT)
        restored, found = restore(nb, released)
        folder = Path((resources.get("metadata") or {}).get("path") or os.getcwd())
        answers = load_answers(aid, folder=folder, quiet=True)
        if answers.status in ("missing", "corrupt", "partly-invalid"):
            found.append({"code": f"answers-{answers.status}", "detail": ""})
        extra = extra_files(folder, f"{notebook}.ipynb")
        if extra:
            found.append({"code": "extra-files", "detail": ", ".join(extra[:8]) + (" …" if len(extra) > 8 else "")})
        if any(f["code"] in REPAIRS for f in found):  # the participant's own file, kept untouched
            submitted = folder / f"{notebook}.ipynb"
            kept = Path(coursedir.root) / "originals" / info.get("student", "") / aid
            if submitted.exists() and not (kept / submitted.name).exists():
                kept.mkdir(parents=True, exist_ok=True)
                shutil.copy2(submitted, kept / submitted.name)
        restored.metadata.pop(META, None)
        add_findings(restored, found)
        return restored, resources


def plain_error(ename: str, lang: str | None) -> tuple[str, str | None]:
    """What a participant (or a parent) reads instead of an error listing, and the finding's code."""
    with language(lang or get_language()):
        if ename in TIMEOUT_ERRORS:
            return _("This part ran too long and was stopped, so it was not checked."), "timed-out"
        if ename in LIMIT_ERRORS:
            return _("This part needed more memory or time than grading allows and was stopped, so it was not "
                     "checked."), "over-limit"
        if ename == "NotRun":
            return _("This part was not checked: grading had to stop the notebook before it."), "over-limit"
        return _("This part could not be checked because of an error; your trainer will look at it."), "check-error"


class PlainOutcome(Preprocessor):
    """Error listings become one plain sentence; the findings of the run are gathered."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        folder = (resources.get("metadata") or {}).get("path") or os.getcwd()
        lang = saved_language(folder)
        found = list(resources.pop(FINDINGS, []))
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if not errors or all(o.get("ename") == "NotAnswered" for o in errors):
                continue  # "Not answered yet: ..." is already one friendly line
            names = [o.get("ename", "") for o in errors if o.get("ename") != "NotAnswered"]
            ename = next((n for n in names if n in TIMEOUT_ERRORS | LIMIT_ERRORS | {"NotRun"}), None) or names[0]
            text, code = plain_error(ename, lang)
            first = errors[0]
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "error"]
            cell.outputs.append(nbformat.from_dict({"output_type": "error", "ename": first.get("ename", ""),
                                                    "evalue": text, "traceback": [text]}))
            found.append({"code": code, "detail": grade_id(cell) or ""})
        add_findings(nb, found)
        return nb, resources


class RecordFindings(Preprocessor):
    """Notes blank reflections and appends the notebook's findings to the grading history."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        found = []
        for cell in nb.cells:
            gid = grade_id(cell)
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if gid and meta.get("grade") and _is_answer_text(cell) and cell.source.strip() in BLANK_REFLECTIONS:
                found.append({"code": "reflection-blank", "detail": gid})
        add_findings(nb, found)
        info = resources.get("nbgrader", {})
        coursedir = coursedir_of(self)
        submitted = coursedir.format_path(coursedir.submitted_directory, info.get("student"), info.get("assignment"))
        history.record(coursedir.root, info.get("assignment"), info.get("student"), findings_of(nb),
                       submission=history.fingerprint(submitted))
        return nb, resources


def configure(c) -> None:
    """The checks, the sandboxed execution and the findings, in the nbgrader configuration ``c``."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds,
                                        IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec,
                                        SaveAutoGrades)

    c.Autograde.sanitize_preprocessors = [RestoreReleased, ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                          OverwriteCells, CheckCellMetadata]
    c.Autograde.autograde_preprocessors = [SandboxedExecute, PlainOutcome, IgnorePattern, ClearMetadataPreprocessor,
                                           LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
                                           RecordFindings]
    c.Autograde.pre_convert_hook = "shine.course.intake.before_autograde"


def is_configured(c) -> bool:
    return "sanitize_preprocessors" in c.Autograde
