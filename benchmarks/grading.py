"""Grading 30 participants: ``shine course grade`` against nbgrader's own ``autograde`` of the same
30 submissions, on the same machine, in the same run.

Each round makes a fresh course with 30 submissions (right, partly right, wrong, unanswered), then
times, in wall-clock seconds for the whole batch:
- ours: ``Course.grade`` as ``shine course grade`` runs it: every check, the sandbox on
  (bubblewrap), one worker per core, warm kernels;
- nbgrader: ``nbgrader autograde <exercise> --force`` over the same 30 in one process, in a copy
  of the course whose ``nbgrader_config.py`` is nbgrader's alone (the same timeout and restored
  cells, none of our checks, no sandbox): what a course without Time to Shine costs.
The figure is ours / nbgrader, median of the rounds; the target is <= 0.5.

    python -m benchmarks.grading [--rounds 3] [--participants 30]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat

RESULTS = Path(__file__).resolve().parent / "results"
AID = "principles-in-practice"
TARGET = 0.5
STOCK_CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "time-to-shine"
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".answers-*"]
c.Execute.timeout = 20
c.Execute.interrupt_on_timeout = True
c.OverwriteCells.add_missing_cells = True
"""


def _submissions(released: Path, folder: Path, participants: int) -> list[str]:
    """A realistic room: right, partly right, wrong and unanswered, each with a reflection or not."""
    from shine.course import exercises as ex

    key = ex.key_answers(AID)
    items = ex.assignment(AID).items
    options = [o for _l, o in ex.options(AID, "principle")]
    ids = []
    for n in range(participants):
        pid = f"p{n + 1:02d}"
        target = folder / pid
        target.mkdir(parents=True)
        nb = nbformat.read(released / f"{AID}.ipynb", as_version=4)
        kind = n % 4
        for k, item in enumerate(items):
            if kind == 3:
                break
            right = key.get(item.id, "principle")
            wrong = next(o for o in options if o not in item.principle)
            choice = right if kind == 0 or (kind == 1 and k % 2) else wrong
            ex.save_answer(AID, item.id, "principle", choice, folder=target)
        if kind != 3:
            reflection = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "pip-reflection")
            reflection.source = "Our school now sends texts home in Spanish and Portuguese."
        nbformat.write(nb, target / f"{AID}.ipynb")
        ids.append(pid)
    return ids


def _fresh_course(base: Path, participants: int):
    from shine.course.pipeline import Course

    roster = base / "roster.csv"
    roster.write_text("id\n" + "\n".join(f"p{n + 1:02d}" for n in range(participants)) + "\n")
    course = Course.init(base / "course", roster=roster)
    released = course.release(AID)
    gathered = base / "gathered"
    ids = _submissions(released, gathered, participants)
    course.collect(AID, gathered)
    return course, ids


def _stock_copy(course, base: Path) -> Path:
    """The same course and submissions, graded by nbgrader alone."""
    stock = base / "stock"
    for part in ("source", "release", "submitted"):
        shutil.copytree(course.root / part, stock / part)
    shutil.copy(course.root / "gradebook.db", stock / "gradebook.db")
    (stock / "nbgrader_config.py").write_text(STOCK_CONFIG.format(root=str(stock)))
    return stock


def one_round(participants: int) -> dict:
    from shine.course.sandbox import sandbox_problem

    base = Path(tempfile.mkdtemp(prefix="shine-grading-bench-"))
    os.environ["SHINE_HOME"] = str(base / "home")
    try:
        course, ids = _fresh_course(base, participants)
        stock = _stock_copy(course, base)
        from shine.course.cli import quiet_libraries

        started = time.perf_counter()
        with quiet_libraries():  # as `shine course grade` runs it
            report = course.grade(AID)
        ours = time.perf_counter() - started
        assert all(r.score is not None for r in report.results), "every benchmark submission is gradable"
        env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", AID, "--force"], cwd=stock, env=env,
                       check=True, capture_output=True)
        nbgrader = time.perf_counter() - started
        graded = len(list((stock / "autograded").glob(f"*/{AID}/{AID}.ipynb")))
        assert graded == participants, f"nbgrader graded {graded} of {participants}"
        return {"ours_s": round(ours, 2), "nbgrader_s": round(nbgrader, 2), "ratio": round(ours / nbgrader, 3),
                "participants": participants, "sandbox": sandbox_problem() or "on",
                "workers": min(participants, len(os.sched_getaffinity(0)))}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run(rounds: int = 3, participants: int = 30) -> dict:
    from shine.course.sandbox import sandbox_problem

    results = []
    for n in range(rounds):
        results.append(one_round(participants))
        print(f"round {n + 1}/{rounds}: {results[-1]}", file=sys.stderr, flush=True)
    ours = statistics.median(r["ours_s"] for r in results)
    nbgrader = statistics.median(r["nbgrader_s"] for r in results)
    ratio = statistics.median(r["ratio"] for r in results)
    sandbox = sandbox_problem()
    summary = {
        "benchmark": "grading",
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rounds": results,
        "participants": participants,
        "ours_median_s": round(ours, 2),
        "nbgrader_median_s": round(nbgrader, 2),
        "ratio_ours_to_nbgrader": round(ratio, 2),
        "sandbox": sandbox or "on",
        "target_ratio": TARGET,
        "passes": ratio <= TARGET and sandbox is None,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "grading.json").write_text(json.dumps(summary, indent=1))
    (RESULTS / "grading.md").write_text(
        "| grading {p} participants, whole batch (median of {r} rounds) | seconds |\n|---|---|\n"
        "| `shine course grade` (checks, sandbox {s}, {w} workers, warm kernels) | {o:.1f} |\n"
        "| `nbgrader autograde` (nbgrader alone) | {n:.1f} |\n"
        "| ratio ours / nbgrader, median of the rounds (target <= {t}) | {x:.2f} |\n"
        .format(p=participants, r=rounds, s="on" if sandbox is None else "OFF", w=results[-1]["workers"], o=ours,
                n=nbgrader, t=TARGET, x=ratio))
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--participants", type=int, default=30)
    args = parser.parse_args(argv)
    summary = run(args.rounds, args.participants)
    print(json.dumps({k: v for k, v in summary.items() if k != "rounds"}, indent=1))
    return 0 if summary["passes"] else 1


if __name__ == "__main__":
    sys.exit(main())
