"""The Mini Visit board at state scale: 8 districts, 200 schools, 2,000 visits (issue target:
< 2 s to render, median). Rendering = the board's queries + its table + its chart, as the
dashboard does on every refresh. Baseline in the same run: the same 200 schools with no visits.

    python -m benchmarks.mini_visits [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

RESULTS = Path(__file__).resolve().parent / "results"
TODAY = date(2027, 3, 15)


def _fill(store, visits: int, seed: int = 7) -> None:
    from shine.store.schema_visits import FollowUp, Visit
    from shine.store.visits import MiniVisits

    mv = MiniVisits(store, today=TODAY)
    teams = []
    for d in range(8):
        teams += mv.add_schools(f"District {d + 1}", [f"School {d + 1}-{n + 1:02d}" for n in range(25)], "elementary")
    if not visits:
        return
    rng = random.Random(seed)
    rows, follow = [], []
    start = datetime(2026, 9, 1, 14, 30)
    for n in range(visits):  # spread over the school year; past ones held, future ones scheduled
        when = start + timedelta(days=rng.randrange(0, 270), minutes=15 * rng.randrange(0, 8))
        rows.append(dict(team_id=rng.choice(teams).id, leader=f"Leader {n % 24}", starts_at=when, minutes=60,
                         agenda=["Progress", "Questions"], status="held" if when.date() < TODAY else "scheduled",
                         created_at=datetime.now()))
    with store._write() as conn:
        conn.execute(insert(Visit), rows)
        ids = [i for (i,) in conn.exec_driver_sql("SELECT id FROM visits")]
        for vid in ids[::2]:
            follow.append(dict(visit_id=vid, task="Send the flyer", owner="Team chair",
                               due_on=TODAY + timedelta(days=rng.randrange(-30, 30)), created_at=datetime.now()))
        conn.execute(insert(FollowUp), follow)


def _render(store, district: str | None) -> float:
    from shine.kit import visit_board
    from shine.store.visits import MiniVisits

    started = time.perf_counter()
    rows = MiniVisits(store, today=TODAY).board(district)
    visit_board.table_html(rows, TODAY)
    visit_board.chart_png(rows, TODAY, "board")
    return time.perf_counter() - started


def run(runs: int = 7) -> dict:
    from shine.store import Store

    base = Path(tempfile.mkdtemp(prefix="shine-board-bench-"))
    try:
        figures = {}
        for label, visits in (("baseline_no_visits", 0), ("state_2000_visits", 2000)):
            with Store(f"sqlite:///{base / f'{label}.db'}") as store:
                _fill(store, visits)
                _render(store, None)  # warm: imports, first query plans
                figures[label] = statistics.median(_render(store, None) for _ in range(runs))
                if visits:
                    figures["one_district_25_schools"] = statistics.median(
                        _render(store, "District 3") for _ in range(runs))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    summary = {"benchmark": "mini_visits_board", "runs": runs, "schools": 200, "visits": 2000,
               **{f"{k}_median_s": round(v, 3) for k, v in figures.items()},
               "ratio_to_baseline": round(figures["state_2000_visits"] / figures["baseline_no_visits"], 2),
               "target_s": 2.0, "passes": figures["state_2000_visits"] < 2.0}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "mini_visits.json").write_text(json.dumps(summary, indent=1))
    (RESULTS / "mini_visits.md").write_text(
        f"| Mini Visit board (median of {runs}) | seconds |\n|---|---|\n"
        f"| state view, 200 schools, 2,000 visits | {figures['state_2000_visits']:.3f} |\n"
        f"| one district, 25 schools | {figures['one_district_25_schools']:.3f} |\n"
        f"| baseline: 200 schools, no visits | {figures['baseline_no_visits']:.3f} |\n"
        f"| target | < 2 |\n")
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    summary = run(parser.parse_args(argv).runs)
    print(json.dumps(summary, indent=1))
    return 0 if summary["passes"] else 1


if __name__ == "__main__":
    sys.exit(main())
