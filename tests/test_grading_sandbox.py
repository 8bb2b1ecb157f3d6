"""No participant code runs with the trainer's rights.

Two layers, each tested on its own:

- the whole grading cycle with hostile submissions (a shadowing ``shine/`` package, an answer cell
  that redefines the checker, cells that write outside the scratch folder, open a socket, allocate
  4 GB): only released cells run, so none of it happens; wrong answers get no marks, a canary
  file survives, and the participant is flagged; the formgrader's Autograde path (nbgrader's API
  as the formgrader calls it) applies the same checks;
- the sandbox itself, with hostile cells run directly in the grading kernel (cold and warm): no
  write outside the scratch folder, no network, no 4 GB, no participant module on ``sys.path``,
  an unprivileged user, and plain sentences instead of error listings.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from conftest import system_tool
from shine.course import exercises as ex
from shine.course.checks import PlainOutcome, findings_of
from shine.course.execute import SandboxedExecute
from shine.course.pipeline import Course

AID = "principles-in-practice"
NB = f"{AID}.ipynb"
ITEMS = [item.id for item in ex.assignment(AID).items]
CANARY_TEXT = "the trainer's own file"

SHADOW = '''
import pathlib
for canary in {canaries!r}:
    pathlib.Path(canary).unlink(missing_ok=True)
'''


def wrong() -> dict[str, str]:
    options = [o for _label, o in ex.options(AID, "principle")]
    return {item.id: next(o for o in options if o not in item.principle) for item in ex.assignment(AID).items}


def right() -> dict[str, str]:
    key = ex.key_answers(AID)
    return {i: key.get(i, "principle") for i in ITEMS}


def _answer_cell(nb):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "load-answers")


def hostile(kind: str, released: Path, folder: Path, canaries: list[Path]) -> None:
    """A submission with wrong answers and, besides, something that must never run."""
    folder.mkdir(parents=True)
    for item_id, option in wrong().items():
        ex.save_answer(AID, item_id, "principle", option, folder=folder)
    nb = nbformat.read(released / NB, as_version=4)
    cell = _answer_cell(nb)
    wipe = "".join(f"import pathlib; pathlib.Path({str(c)!r}).write_text('gone')\n" for c in canaries)
    if kind == "shadowing-package":  # its own shine/ imported before the real one
        package = folder / "shine" / "course"
        package.mkdir(parents=True)
        (folder / "shine" / "__init__.py").write_text(SHADOW.format(canaries=[str(c) for c in canaries]))
        (package / "__init__.py").write_text("")
        (package / "exercises.py").write_text("def load_answers(*a, **k):\n    return None\n\n"
                                              "def check(*a, **k):\n    print('Well done.')\n    return 1\n")
    elif kind == "redefined-checker":
        cell.source += "\n\ndef check(answers, item_id):\n    print('Well done.')\n    return 1\n"
    elif kind == "write-outside":
        nb.cells.append(new_code_cell(wipe))
        cell.source += "\n" + wipe
    elif kind == "network":
        cell.source += "\nimport socket\nsocket.create_connection(('127.0.0.1', 9), timeout=2)\n"
    elif kind == "allocate-4gb":
        cell.source += "\nhog = bytearray(4 * 1024 ** 3)\n"
    nbformat.write(nb, folder / NB)


HOSTILE = {"h1": "shadowing-package", "h2": "redefined-checker", "h3": "write-outside", "h4": "network",
           "h5": "allocate-4gb"}
EXPECTED_FLAG = {"shadowing-package": "extra-files", "redefined-checker": "answer-code-edited",
                 "write-outside": "code-added", "network": "answer-code-edited", "allocate-4gb": "answer-code-edited"}


@pytest.fixture(scope="module")
def hostile_course(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    mp = pytest.MonkeyPatch()
    mp.setenv("SHINE_HOME", str(base / "home"))
    roster = base / "roster.csv"
    roster.write_text("id\n" + "\n".join([*HOSTILE, "ok"]) + "\n")
    course = Course.init(base / "course", roster=roster)
    canaries = [course.root / "canary.txt", base / "home" / "canary.txt"]
    for canary in canaries:
        canary.parent.mkdir(parents=True, exist_ok=True)
        canary.write_text(CANARY_TEXT)
    released = course.release(AID)
    gathered = base / "gathered"
    for pid, kind in HOSTILE.items():
        hostile(kind, released, gathered / pid, canaries)
    (gathered / "ok").mkdir()
    for item_id, option in right().items():
        ex.save_answer(AID, item_id, "principle", option, folder=gathered / "ok")
    nbformat.write(nbformat.read(released / NB, as_version=4), gathered / "ok" / NB)
    course.collect(AID, gathered)
    report = course.grade(AID, workers=2)
    yield course, report, canaries
    mp.undo()


@pytest.mark.slow
@pytest.mark.parametrize("pid", sorted(HOSTILE))
def test_a_hostile_submission_gets_no_marks_and_is_flagged(hostile_course, pid):
    course, report, canaries = hostile_course
    result = next(r for r in report.results if r.participant == pid)
    assert result.score is not None, result.flags
    assert sum(result.items[i][0] for i in ITEMS) == 0, result.items
    assert EXPECTED_FLAG[HOSTILE[pid]] in {f.code for f in result.flags}, result.flags
    for canary in canaries:
        assert canary.read_text() == CANARY_TEXT
    graded = nbformat.read(course.root / "autograded" / pid / AID / NB, as_version=4)
    answer = _answer_cell(graded)
    assert answer.source == _answer_cell(nbformat.read(course.root / "release" / AID / NB, as_version=4)).source
    outputs = " ".join(str(o) for c in graded.cells if c.cell_type == "code" for o in c.outputs)
    assert "Traceback" not in outputs and "Well done." not in outputs


@pytest.mark.slow
def test_the_honest_participant_next_to_them_is_graded_normally(hostile_course):
    _course, report, _canaries = hostile_course
    result = next(r for r in report.results if r.participant == "ok")
    assert sum(result.items[i][0] for i in ITEMS) == len(ITEMS)
    assert {f.code for f in result.flags} == {"reflection-blank"}  # it was left as released


@pytest.mark.slow
def test_the_formgraders_autograde_applies_the_checks(hostile_course):
    """What the formgrader's Autograde button does: nbgrader's API built from the course's own
    nbgrader_config.py, then ``api.autograde(assignment, student)``."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    from shine.course import history

    course, _report, canaries = hostile_course
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course.root)).load_config()
    config.CourseDirectory.root = str(course.root)
    api = NbGraderAPI(config=config)
    before = len(history.events(course.root, AID))
    outcome = api.autograde(AID, "h2")
    assert outcome["success"], outcome.get("error")
    graded = nbformat.read(course.root / "autograded" / "h2" / AID / NB, as_version=4)
    assert "answer-code-edited" in {f["code"] for f in findings_of(graded)}
    with api.gradebook as gb:
        assert gb.find_submission(AID, "h2").score == 0
    added = history.events(course.root, AID)[before:]
    assert any(e["participant"] == "h2" and e["code"] == "answer-code-edited" for e in added)
    for canary in canaries:
        assert canary.read_text() == CANARY_TEXT


# --- the sandbox itself -----------------------------------------------------------------------------


def run_cells(sources: list[str], folder: Path, *, warm: bool = False, sandbox: bool = True, timeout: int = 10,
              cpu: int | None = None):
    """Cells run as grading runs them, in a notebook from ``folder``; returns (notebook, findings)."""
    from shine.course.sandbox import Limits

    nb = new_notebook(cells=[new_code_cell(s) for s in sources],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    config = Config()
    config.SandboxedExecute.timeout = timeout
    config.SandboxedExecute.warm = warm
    config.SandboxedExecute.sandbox = sandbox
    if cpu:
        config.SandboxedExecute.limits = Limits(cpu_seconds=cpu)
    nb, resources = SandboxedExecute(config=config).preprocess(nb, {"metadata": {"path": str(folder)}})
    nb, resources = PlainOutcome().preprocess(nb, resources)
    return nb, findings_of(nb)


def text_of(cell) -> str:
    return "".join(o.get("text", "") + o.get("evalue", "") for o in cell.outputs)


@pytest.fixture
def submission(tmp_path):
    folder = tmp_path / "submission"
    (folder / "shine").mkdir(parents=True)
    (folder / "shine" / "__init__.py").write_text("raise SystemExit('the participant's own shine/ was imported')\n")
    (folder / "helper.py").write_text("SECRET = 1\n")
    ex.save_answer(AID, ITEMS[0], "principle", right()[ITEMS[0]], folder=folder)
    return folder


@pytest.fixture
def bwrap():
    return system_tool("bwrap", "the grading sandbox (Debian package bubblewrap)")


def _listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    return server


@pytest.mark.slow
@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_hostile_cells_cannot_reach_anything_outside_the_scratch_folder(bwrap, submission, tmp_path, warm):
    canary = tmp_path / "canary.txt"
    canary.write_text(CANARY_TEXT)
    home_canary = Path.home() / f".shine-canary-{os.getpid()}"
    server = _listener()
    port = server.getsockname()[1]
    try:
        nb, found = run_cells([
            "import os, sys, shine\nprint(os.getuid(), shine.__file__, sorted(os.listdir('.')), '' in sys.path, "
            "os.getcwd() in sys.path)",
            f"import os\nprint(sorted(os.listdir({str(tmp_path)!r})) if os.path.isdir({str(tmp_path)!r}) else 'hidden')",
            f"open({str(canary)!r}, 'w').write('gone')",
            f"open({str(home_canary)!r}, 'w').write('x')",
            f"open({str(Path(sys.prefix) / 'canary.txt')!r}, 'w').write('x')",
            f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=3)",
            "hog = bytearray(4 * 1024 ** 3)",
            "import helper",
            "open('scratch-note.txt', 'w').write('fine')\nprint('written in the scratch folder')",
        ], submission, warm=warm)
        with pytest.raises(socket.timeout):
            server.accept()
    finally:
        server.close()
    who = text_of(nb.cells[0])
    assert who.startswith("65534 ") and str(Path(ex.__file__).resolve().parents[1]) in who, who
    assert "'shine'" not in who and "helper.py" not in who and "False False" in who
    assert "canary.txt" not in text_of(nb.cells[1])  # the trainer's folders are hidden, not just read-only
    assert canary.read_text() == CANARY_TEXT and not home_canary.exists()  # written, at most, to memory
    assert "This part could not be checked" in text_of(nb.cells[4])  # the system is read-only
    assert not (Path(sys.prefix) / "canary.txt").exists()
    assert "This part could not be checked" in text_of(nb.cells[5])
    assert "more memory or time than grading allows" in text_of(nb.cells[6])
    assert "This part could not be checked" in text_of(nb.cells[7])  # no module of the participant's
    assert "written in the scratch folder" in text_of(nb.cells[8])
    assert {"check-error", "over-limit"} <= {f["code"] for f in found}
    for cell in nb.cells:
        for out in cell.outputs:
            assert "Traceback" not in str(out) and "\x1b[" not in str(out)


@pytest.mark.slow
def test_an_endless_loop_is_stopped_and_told_in_plain_words(bwrap, submission):
    nb, found = run_cells(["while True:\n    pass", "print('next cell runs')"], submission, warm=True, timeout=3)
    assert text_of(nb.cells[0]) == "This part ran too long and was stopped, so it was not checked."
    assert [o.output_type for o in nb.cells[0].outputs] == ["error"]
    assert "next cell runs" in text_of(nb.cells[1])
    assert "timed-out" in {f["code"] for f in found}


@pytest.mark.slow
def test_cpu_time_is_limited_even_without_a_timeout(bwrap, submission):
    nb, found = run_cells(["while True:\n    pass", "print('never')"], submission, timeout=60, cpu=2)
    assert "more memory or time than grading allows" in text_of(nb.cells[0])
    assert "not checked" in text_of(nb.cells[1]) and "never" not in text_of(nb.cells[1])
    assert [o.output_type for c in nb.cells for o in c.outputs] == ["error", "error"]
    assert "over-limit" in {f["code"] for f in found}


@pytest.mark.slow
def test_a_flood_of_output_is_cut(bwrap, submission):
    nb, _found = run_cells(["for n in range(20000):\n    print('x' * 100)"], submission, warm=True)
    text = text_of(nb.cells[0])
    assert len(text) < 400 * 1024 and "left out: it was too long" in text


@pytest.mark.slow
def test_without_the_sandbox_the_scratch_folder_and_clean_path_still_protect(submission):
    nb, _found = run_cells(["import os, sys, shine\nprint(shine.__file__, sorted(os.listdir('.')), '' in sys.path)",
                            "import helper"], submission, sandbox=False)
    text = text_of(nb.cells[0])
    assert str(Path(ex.__file__).resolve().parents[1]) in text and "helper.py" not in text and "False" in text
    assert "This part could not be checked" in text_of(nb.cells[1])


def test_grading_says_plainly_when_there_is_no_sandbox(monkeypatch):
    from shine.course import sandbox
    from shine.course.flags import GradeReport

    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    monkeypatch.setattr(sys, "platform", "linux")
    sandbox.sandbox_problem.cache_clear()
    try:
        problem = sandbox.sandbox_problem()
        assert "bubblewrap" in problem and "install" in problem
        text = GradeReport(AID, [], sandbox_problem=problem).text()
        assert "without a sandbox" in text and "released cells" in text
        command = sandbox.kernel_command(Path("/tmp/x"), "/tmp/x/k.json", sandbox.Limits())
        assert command[0] == sys.executable and "-I" in command
    finally:
        sandbox.sandbox_problem.cache_clear()


def test_a_course_folder_made_before_gets_the_checks(tmp_path, monkeypatch):
    from shine.course.checks import RecordFindings, RestoreReleased

    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    root = Course.init(tmp_path / "course").root
    config = root / "nbgrader_config.py"
    config.write_text("\n".join(line for line in config.read_text().splitlines() if "grading_checks" not in line))
    settings = Course(root).api.config
    assert settings.Autograde.sanitize_preprocessors[0] is RestoreReleased
    assert settings.Autograde.autograde_preprocessors[0] is SandboxedExecute
    assert settings.Autograde.autograde_preprocessors[-1] is RecordFindings
    from nbgrader.converters import Autograde

    assert Autograde(config=settings).pre_convert_hook.__name__ == "before_autograde"


def test_nbgraders_timeout_setting_reaches_the_sandboxed_execute():
    config = Config()
    config.Execute.timeout = 7
    assert SandboxedExecute(config=config).timeout == 7
