"""Grading 30 participants: ``shine course grade`` against nbgrader's own autograde, same
submissions, same machine, same run.

Three figures per round:
- ours: the seconds ``Course.grade`` spends on each participant (preflight + autograde + reading
  the outcome), median over the 30;
- nbgrader direct: ``NbGraderAPI.autograde`` called for each participant, nothing else, median;
- nbgrader CLI: ``nbgrader autograde <exercise>`` over all 30 in one process, total / 30.
The ratio that matters is ours / nbgrader direct (target <= 1.5).

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


def _submissions(course, released: Path, folder: Path, participants: int) -> list[str]:
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

    course = Course.init(base / "course")
    released = course.release(AID)
    gathered = base / "gathered"
    ids = _submissions(course, released, gathered, participants)
    course.collect(AID, gathered)
    return course, ids


def _reset_grades(course) -> None:
    shutil.rmtree(course.root / "autograded", ignore_errors=True)


def one_round(participants: int) -> dict:
    from shine.course.pipeline import Course

    base = Path(tempfile.mkdtemp(prefix="shine-grading-bench-"))
    os.environ["SHINE_HOME"] = str(base / "home")
    try:
        course, ids = _fresh_course(base, participants)
        # ours
        report = course.grade(AID)
        ours = [r.seconds for r in report.results]
        assert all(r.score is not None for r in report.results), "every benchmark submission is gradable"
        # nbgrader's API, one participant at a time, nothing around it
        _reset_grades(course)
        direct = Course(course.root)
        times = []
        for pid in ids:
            started = time.perf_counter()
            outcome = direct.api.autograde(AID, pid, force=True, create=True)
            times.append(time.perf_counter() - started)
            assert outcome["success"], outcome.get("error")
        # nbgrader's command line, all participants in one process
        _reset_grades(course)
        env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", AID, "--force"], cwd=course.root, env=env,
                       check=True, capture_output=True)
        cli_total = time.perf_counter() - started
        return {"ours_median_s": statistics.median(ours), "nbgrader_api_median_s": statistics.median(times),
                "nbgrader_cli_per_participant_s": cli_total / participants, "participants": participants}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run(rounds: int = 3, participants: int = 30) -> dict:
    results = []
    for n in range(rounds):
        results.append(one_round(participants))
        print(f"round {n + 1}/{rounds}: {results[-1]}", file=sys.stderr, flush=True)
    ours = statistics.median(r["ours_median_s"] for r in results)
    direct = statistics.median(r["nbgrader_api_median_s"] for r in results)
    cli = statistics.median(r["nbgrader_cli_per_participant_s"] for r in results)
    summary = {
        "benchmark": "grading",
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rounds": results,
        "ours_median_s_per_participant": round(ours, 3),
        "nbgrader_direct_median_s_per_participant": round(direct, 3),
        "nbgrader_cli_s_per_participant": round(cli, 3),
        "ratio_ours_to_nbgrader_direct": round(ours / direct, 2),
        "target_ratio": 1.5,
        "passes": ours / direct <= 1.5,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "grading.json").write_text(json.dumps(summary, indent=1))
    (RESULTS / "grading.md").write_text(
        "| grading 30 participants (median of {r} rounds) | seconds per participant |\n|---|---|\n"
        "| `shine course grade` | {o:.2f} |\n| nbgrader autograde via its API, directly | {d:.2f} |\n"
        "| nbgrader autograde command, whole batch | {c:.2f} |\n| ratio ours / nbgrader direct (target <= 1.5) | {x:.2f} |\n"
        .format(r=rounds, o=ours, d=direct, c=cli, x=ours / direct))
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
