"""``python -m benchmarks [--quick] [--only NAME ...]``: run, print, and write the results.

Full run (the README's figures): about 35 minutes on a slow 2-core machine. ``--quick`` runs short
versions of each (about 2 minutes) to check that everything works.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from . import burst, grading, mini_visits, plan_export, ready, store, timeline, wall

RESULTS = Path(__file__).parent / "results"


def plans(quick: bool) -> dict:
    return {
        "kiosk_ready": lambda: ready.ready_times(runs=3 if quick else 9),
        "kiosk_ready_one_core": lambda: ready.on_one_core(lambda: ready.ready_times(runs=3 if quick else 9)),
        "kiosk_timeline": lambda: timeline.kiosk_timeline(runs=3 if quick else 9),
        "kiosk_timeline_one_core": lambda: ready.on_one_core(lambda: timeline.kiosk_timeline(runs=3 if quick else 9)),
        "kiosk_memory": ready.kiosk_memory,
        "wall_latency": lambda: wall.wall_latency(writers=10 if quick else 50, seconds=15 if quick else 60),
        "kiosk_burst": lambda: burst.burst(pages=10 if quick else 30, spread_s=4 if quick else 10,
                                            rounds=1 if quick else 3),
        "store_throughput": lambda: store.store_throughput(processes=8, each=1500 if quick else 5000),
        "grading": lambda: _ok(grading.run(rounds=1 if quick else 3)),
        "mini_visit_board": lambda: _ok(mini_visits.run(runs=3 if quick else 7)),
        "plan_export": lambda: plan_export.plan_export(runs=5 if quick else 21),
    }


def _ok(result: dict) -> dict:
    return {**result, "ok": result.get("passes", False)}


def summary(results: dict, meta: dict) -> str:
    def row(name, what, target, measured):
        r = results.get(name)
        if r is None:
            return None
        verdict = "yes" if r.get("ok") else "**no**"
        try:
            shown = measured(r)
        except KeyError:  # a run that failed has only its error
            shown = f"failed: {r.get('error', 'no figures')}"
        return f"| {what} | {target} | {shown} | {verdict} |"

    def ready(r):
        return f"{r['kiosk_median_s']} s vs {r['blank_median_s']} s = **{r['ratio']}x** ({r['runs']} runs each)"

    rows = [
        row("kiosk_ready", "Kiosk ready (page open -> form usable, Chromium), median vs blank notebook", "<= 1.15x",
            ready),
        row("kiosk_ready_one_core", "The same on one core (`taskset -c 0`: a slower machine)", "<= 1.15x", ready),
        row("kiosk_timeline", "Where the kiosk's time goes (ms from navigation start, medians)", "(a breakdown)",
            lambda r: "; ".join(f"{k} {v}" for k, v in r["kiosk_ms"].items())
            + f" (blank notebook: app {r['blank_ms'].get('app')})"),
        row("kiosk_timeline_one_core", "The same on one core", "(a breakdown)",
            lambda r: "; ".join(f"{k} {v}" for k, v in r["kiosk_ms"].items())
            + f" (blank notebook: app {r['blank_ms'].get('app')})"),
        row("kiosk_memory", "Kiosk kernel memory after join + post", "<= 80 MiB RSS",
            lambda r: (f"**{r['max_rss_mib']} MiB** (largest of {r['kernels_measured']} kiosk kernels"
                       + (f"; {r['max_uss_mib']} MiB of it its own" if "max_uss_mib" in r else "") + ")")),
        row("wall_latency", "Post -> visible on the wall (Chromium) under load", "p95 <= 1.0 s, count = rows",
            lambda r: (f"p95 **{r['latency_p95_s']} s**, median {r['latency_median_s']} s; {r['writers']} writers x "
                       f"{r['seconds']} s = {r['posts_written']} posts, wall shows {r['wall_count']}")),
        row("kiosk_burst", "Kiosk pages opened together", "all ready, p95 <= 6 s; kernels back to pool (every round)",
            lambda r: (f"{r['pages']} pages in {r['spread_s']} s ({r['chromium_pages']} in Chromium, the rest by a client"
                       f" that fetches what a Chromium page fetches), {r.get('rounds', 1)} rounds: p95 **{r['ready_p95_s']}"
                       f" s** (median of the rounds; worst round {r.get('ready_p95_worst_s', r['ready_p95_s'])} s;"
                       f" median page {r['ready_median_s']} s, slowest {r['ready_max_s']} s; Chromium pages"
                       f" {', '.join(str(t) for t in r['chromium_ready_s'])} s); kernels back to the pool of"
                       f" {r['pool_size']} after {r['kernels_back_to_pool_after_s']} s; server CPU per page"
                       f" {r['server_cpu_s_per_page']} s (a Chromium page itself costs {r['chromium_cpu_s_per_page']}"
                       f" CPU-s, on the phone)")),
        row("store_throughput", "Store, SQLite, posts from 8 processes", ">= 5,000 posts/s, 0 lost",
            lambda r: f"**{r['posts_per_s']:,} posts/s**, {r['rows']:,} rows, {r['lost']} lost"),
        row("grading", "Grading 30 participants, whole batch: `shine course grade` (sandbox on) vs `nbgrader autograde`, "
            "median of the rounds", "<= 0.5x",
            lambda r: (f"{r['ours_median_s']} s vs {r['nbgrader_median_s']} s = **{r['ratio_ours_to_nbgrader']}x** "
                       f"({len(r['rounds'])} rounds; sandbox {r['sandbox']})")),
        row("mini_visit_board", "Mini Visit board, 200 schools and 2,000 visits (queries + table + chart), median",
            "< 2 s", lambda r: (f"**{r['state_2000_visits_median_s']} s** (one district of 25: "
                                f"{r['one_district_25_schools_median_s']} s; no visits: {r['baseline_no_visits_median_s']} s)")),
        row("plan_export", "Export a 4-goal, 24-activity plan, median", "< 1 s",
            lambda r: ", ".join(f"{fmt} {r[f'{fmt}_median_s'] * 1000:.0f} ms" for fmt in ("docx", "md", "html")
                                if f"{fmt}_median_s" in r)),
    ]
    head = ["# Benchmark results", "",
            f"{meta['when']} on {meta['machine']} ({meta['cpus']} cores), Python {meta['python']}"
            f"{' (quick run)' if meta['quick'] else ''}."
            + "".join(f" {name} was measured {r['measured']}." for name, r in results.items()
                      if r.get("measured") and r["measured"] != meta["when"]), "",
            "| what | target | measured | met |", "|---|---|---|---|"]
    return "\n".join(head + [r for r in rows if r]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="short versions, to check that they run")
    parser.add_argument("--only", nargs="*", help="run only these: " + ", ".join(plans(False)))
    args = parser.parse_args(argv)
    import os

    meta = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": platform.platform(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "quick": args.quick}
    results: dict = {}
    for name, run in plans(args.quick).items():
        if args.only and name not in args.only:
            continue
        print(f"== {name} ...", flush=True)
        started = time.monotonic()
        try:
            results[name] = run()
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        results[name]["took_s"] = round(time.monotonic() - started, 1)
        results[name]["measured"] = meta["when"]
        print(json.dumps(results[name], indent=2), flush=True)
    RESULTS.mkdir(exist_ok=True)
    suffix = "-quick" if args.quick else ""
    earlier = RESULTS / f"results{suffix}.json"
    if args.only and earlier.exists():  # a partial run updates its rows and keeps the others
        before = json.loads(earlier.read_text())
        kept = before.get("results", {})
        for result in kept.values():
            result.setdefault("measured", before["meta"]["when"])
        results = {**kept, **results}
        results = {name: results[name] for name in plans(False) if name in results}
    (RESULTS / f"results{suffix}.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    text = summary(results, meta)
    (RESULTS / f"summary{suffix}.md").write_text(text)
    print(text)
    return 0 if all(r.get("ok") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
