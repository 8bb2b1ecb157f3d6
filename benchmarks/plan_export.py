"""Exporting a One-Year Action Plan of 4 goals and 24 activities (target: under 1 s median per
format). The plan is the test suite's sample high-school plan, with each goal's activities
repeated (new ids, numbered wording) up to six per goal. Each format is exported once to warm
up (imports, python-docx's template), then timed ``--runs`` times.

    python -m benchmarks.plan_export [--runs 21] [--out benchmarks/results/plan_export.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "widgets" / "shine" / "data" / "sample_plan_high_school.json"
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_S = 1.0


def big_plan(per_goal: int = 6):
    from shine.plan.model import load_plan_file, new_id

    plan = load_plan_file(SAMPLE)
    for goal in plan.goals:
        originals = list(goal.activities)
        while len(goal.activities) < per_goal:
            source = originals[len(goal.activities) % len(originals)]
            copy = source.model_copy(update={"id": new_id(), "what": f"{source.what} (round {len(goal.activities) + 1})"})
            goal.activities.append(copy)
    return plan


def measure(runs: int = 21) -> dict:
    from shine.plan.export import export
    from shine.plan.rules import check

    plan = big_plan()
    assert len(plan.goals) == 4 and len(plan.activities()) == 24
    out = {}
    for fmt in ("docx", "md", "html"):
        export(plan, fmt)  # warm-up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            data = export(plan, fmt, check(plan))
            times.append(time.perf_counter() - start)
        out[fmt] = {"median_s": round(statistics.median(times), 4), "max_s": round(max(times), 4),
                    "bytes": len(data), "runs": runs, "target_s": TARGET_S,
                    "meets_target": statistics.median(times) < TARGET_S}
    return out


def plan_export(runs: int = 21) -> dict:
    """The figures flat, with ``ok``, in the shape ``python -m benchmarks`` collects."""
    results = measure(runs)
    flat = {f"{fmt}_median_s": r["median_s"] for fmt, r in results.items()}
    flat.update({f"{fmt}_max_s": r["max_s"] for fmt, r in results.items()})
    flat.update({"goals": 4, "activities": 24, "runs": runs, "target_s": TARGET_S,
                 "ok": all(r["meets_target"] for r in results.values())})
    return flat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--out", type=Path, default=RESULTS / "plan_export.json")
    args = parser.parse_args(argv)
    results = measure(args.runs)
    record = {"benchmark": "plan export, 4 goals / 24 activities", "at": datetime.now(timezone.utc).isoformat(),
              "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    for fmt, r in results.items():
        verdict = "ok" if r["meets_target"] else "SLOWER THAN TARGET"
        print(f"plan export {fmt:<5} median {r['median_s'] * 1000:7.1f} ms  max {r['max_s'] * 1000:7.1f} ms  "
              f"({r['bytes']:,} bytes, {r['runs']} runs)  {verdict}")
    return 0 if all(r["meets_target"] for r in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
