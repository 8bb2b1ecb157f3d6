"""``python -m benchmarks [--quick] [--only NAME ...]``: run, print, and write the results.

Full run (the README's figures): about 80 minutes on a slow 2-core machine (the module pages: 15, the soak: 22, the room
of 100: 5). ``--quick`` runs short versions of each (about 2 minutes) to check that everything works.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from . import (burst, grading, hub_logins, mini_visits, module_room, modules, plan_export, ready, soak, store, timeline,
               wall)

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
        # A room of 100 (about 5 minutes): kept connected until the laptop's memory is measured.
        "kiosk_burst_100": lambda: burst.burst(pages=20 if quick else 100, spread_s=5 if quick else 20,
                                                pool=20 if quick else 100, rounds=1, hold_open=True,
                                                p95_target_s=8.0, uss_target_mib=45.0),
        "store_throughput": lambda: store.store_throughput(processes=8, each=1500 if quick else 5000),
        "grading": lambda: _ok(grading.run(rounds=1 if quick else 3)),
        "mini_visit_board": lambda: _ok(mini_visits.run(runs=3 if quick else 7)),
        "plan_export": lambda: plan_export.plan_export(runs=5 if quick else 21),
        # Module pages (about 15 minutes in all; --quick: 2 modules once, about 3 minutes).
        "module_ready": lambda: modules.module_ready(runs=1 if quick else 5, pool=1,
                                                     modules=modules.QUICK if quick else None),
        "module_ready_no_pool": lambda: modules.module_ready(runs=1 if quick else 3, pool=0,
                                                             modules=modules.QUICK if quick else None),
        "module_breakdown": lambda: modules.module_breakdown(modules.QUICK if quick else None),
        # A room opens module 03, then 06 (about 6 minutes each way; --quick: 8 pages, module 03 only).
        "module_room": lambda: module_room.module_room(pages=8 if quick else 30, spread_s=3 if quick else 10,
                                                       modules=module_room.MODULES[:1] if quick else module_room.MODULES),
        "module_room_no_agenda": lambda: module_room.module_room(
            pages=8 if quick else 30, spread_s=3 if quick else 10, agenda=False,
            modules=module_room.MODULES[:1] if quick else module_room.MODULES),
        # A day of posting compressed into 20 minutes (--quick: 2).
        "soak": lambda: soak.soak(minutes=2 if quick else 20, writers=10 if quick else 50, posts=300 if quick else 3000),
        # The hub (about 20 minutes; needs root for its OS users): a room of 50 logs in and opens module 01,
        # three times on forking hubs and once on a hub that starts everything from nothing.
        "hub_logins": lambda: hub_logins.hub_logins(participants=5 if quick else 50, spread_s=2 if quick else 10,
                                                    chromium_pages=1 if quick else 3, runs=1 if quick else 3,
                                                    baseline=not quick),
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
    rows += room_rows(results)
    rows += module_rows(results)
    rows += hub_rows(results)
    head = ["# Benchmark results", "",
            f"{meta['when']} on {meta['machine']} ({meta['cpus']} cores), Python {meta['python']}"
            f"{' (quick run)' if meta['quick'] else ''}."
            + "".join(f" {name} was measured {r['measured']}." for name, r in results.items()
                      if r.get("measured") and r["measured"] != meta["when"]), "",
            "| what | target | measured | met |", "|---|---|---|---|"]
    return "\n".join(head + [r for r in rows if r]) + "\n"


def room_rows(results: dict) -> list[str]:
    """A room of 100 connected at once, and a day of posting compressed (the soak)."""
    out = []
    r = results.get("kiosk_burst_100")
    if r is not None and "memory" not in r:
        out.append(f"| A room of 100 kiosk pages | all ready, p95 <= 8 s | failed: {r.get('error', 'no figures')} | **no** |")
    elif r is not None:
        m = r["memory"] or {}
        now, peak = m.get("all_connected", {}), m.get("peak", {})
        out.append(
            f"| A room of {r['pages']}: kiosk pages opened within {r['spread_s']:g} s ({r['chromium_pages']} in Chromium,"
            f" the rest by the replaying client), pool of {r['pool_size']} (`--kiosks {r['pool_size']}`), every page"
            f" kept open | all ready, p95 <= 8 s; each kiosk kernel's own memory (USS) <= 45 MiB | p95"
            f" **{r['ready_p95_s']} s** (median {r['ready_median_s']} s, slowest {r['ready_max_s']} s; Chromium"
            f" {', '.join(map(str, r['chromium_ready_s']))} s); kernels' own memory **{now.get('kernel_uss_max_mib')}"
            f" MiB** at most (median {now.get('kernel_uss_median_mib')}) with the room connected | {'yes' if r.get('ok') else '**no**'} |")
        out.append(
            f"| The laptop's memory for that room: Voila + fork server + every kernel, PSS sum (RSS sum) | (reported) |"
            f" room connected: {now.get('kernels')} kernels, **{now.get('pss_mib', 0) / 1024:.2f} GiB** PSS"
            f" ({now.get('rss_mib', 0) / 1024:.2f} GiB RSS); peak, once the pool has refilled behind the room:"
            f" {peak.get('kernels')} kernels, **{peak.get('pss_mib', 0) / 1024:.2f} GiB** PSS"
            f" ({peak.get('rss_mib', 0) / 1024:.2f} GiB RSS; Voila {peak.get('server_pss_mib')} MiB, fork server"
            f" {peak.get('fork_server_pss_mib')} MiB) | yes |")
    r = results.get("soak")
    if r is not None and "latency_p95_ratio" not in r:
        out.append(f"| Soak: a day of posts compressed | <= 1.2x | failed: {r.get('error', 'no figures')} | **no** |")
    elif r is not None:
        window = f"{r['window_s'] / 60:g} min"
        late_ok = r["latency_p95_ratio"] is not None and r["latency_p95_ratio"] <= 1.2
        complete = r["never_shown"] == 0 and not r["writer_failures"] and r["wall_count_is_rows_less_hidden"]
        out.append(
            f"| Soak: {r['minutes']:g} minutes, {r['writers']} writers, {r['posts_written']:,} posts (and a \"me too\""
            f" every fifth), wall and console open, {r['hides_clicked']} posts hidden from the console: post -> visible"
            f" on the wall, p95 of"
            f" the last {window} vs the first {window} | <= 1.2x | {r['latency_p95_first_s']} s -> {r['latency_p95_last_s']}"
            f" s = **{r['latency_p95_ratio']}x** (medians {r['latency_median_first_s']} -> {r['latency_median_last_s']} s);"
            f" wall shows {r['wall_count']:,} = {r['rows_in_store']:,} posts (with the facilitator's welcome) less"
            f" {r['hidden_by_console']} hidden,"
            f" {r['never_shown']} never shown | {'yes' if late_ok and complete else '**no**'} |")
        kernels = [k for _t, k in r["kernels_over_time"]]
        a, b = r["wall_page_after_first_minute"], r["wall_page_end"]
        c1, c2 = r["wall_poll_after_first_minute"] or {}, r["wall_poll_end"] or {}
        cpu = r["cpu_percent"].get("wall kernel", {})
        out.append(
            f"| Soak: server + kernels memory (PSS) at the end vs after the first minute; what else could grow |"
            f" <= 1.2x | {r['pss_after_first_minute_mib']} -> {r['pss_end_mib']} MiB = **{r['pss_ratio']}x**;"
            f" kernels {min(kernels)}-{max(kernels)}; wall page {a['dom_nodes']} -> {b['dom_nodes']} DOM nodes, JS heap"
            f" {a['js_heap_mib']} -> {b['js_heap_mib']} MiB; wall kernel CPU {cpu.get('first')} -> {cpu.get('last')} %;"
            f" a wall poll {c1.get('poll_ms')} -> {c2.get('poll_ms')} ms, one re-reading every post"
            f" {c1.get('poll_rereading_every_post_ms')} -> {c2.get('poll_rereading_every_post_ms')} ms ({c1.get('posts')} ->"
            f" {c2.get('posts')} posts); Voila's log {r['voila_log_bytes_end'] / 1024:.0f} KiB at the end"
            f" ({r['voila_log_bytes_per_hour_of_run'] / 1024:.0f} KiB per hour of the run; rotated at 10 MB, 40 MB"
            f" at most) | {'yes' if r['pss_ratio'] <= 1.2 else '**no**'} |")
    return out


def module_rows(results: dict) -> list[str]:
    """One row per module page: ready vs the blank notebook, with a pool and without."""
    pooled, fresh = results.get("module_ready"), results.get("module_ready_no_pool")
    if pooled is None:
        return []
    if "modules" not in pooled:
        return [f"| Module pages ready vs blank notebook | <= {modules.TARGET}x | failed: {pooled.get('error')} | **no** |"]
    out = []
    for name, r in pooled["modules"].items():
        other = (fresh or {}).get("modules", {}).get(name)
        without = (f"; no pool: {other['median_s']} s vs {fresh['blank_median_s']} s = {other['ratio']}x"
                   if other else "")
        verdict = "yes" if r["ratio"] <= modules.TARGET else "**no**"
        out.append(f"| Module {name} ready (Chromium, 360 px, cold cache; widgets stop changing), median vs blank"
                   f" notebook, pool of {pooled['pool_size']} | <= {modules.TARGET}x | {r['median_s']} s vs"
                   f" {pooled['blank_median_s']} s = **{r['ratio']}x** ({pooled['runs']} runs){without} | {verdict} |")
    for name, label in (("module_room", "the agenda's pool"), ("module_room_no_agenda", "no agenda (a pool of 1)")):
        r = results.get(name)
        if r is None:
            continue
        if "modules" not in r:
            out.append(f"| A room opens a module, {label} | all ready, p95 <= 6 s | failed: {r.get('error')} | **no** |")
            continue
        for module, m in r["modules"].items():
            extra = ""
            if r["agenda"]:
                extra = (f"; pool of {m['pool_target']} filled in {m['pool_fill_s'] and round(m['pool_fill_s'], 1)} s"
                         f" during the segment before, back to size {m['back_to_pool_s'] and round(m['back_to_pool_s'], 1)}"
                         f" s after the room, released {m['released_s'] and round(m['released_s'], 1)} s after the"
                         " next segment started")
            target = "all ready, p95 <= 6 s" + (", pool back to size" if r["agenda"] else " (reported)")
            if not r["agenda"]:
                verdict = "(reported)" if m["all_ready"] else "**no**"
            else:
                verdict = "yes" if (m["all_ready"] and (m["p95_s"] or 99) <= module_room.TARGET_P95_S
                                    and m.get("back_to_pool_s") is not None) else "**no**"
            out.append(f"| A room opens module {module}: {r['pages']} pages within {r['spread_s']:g} s (3 in Chromium,"
                       f" the rest by the replaying client), {label} | {target} | p95 **{m['p95_s']} s** (median"
                       f" {m['median_s']} s, slowest {m['max_s']} s; Chromium"
                       f" {', '.join(map(str, m['chromium_ready_s']))} s){extra} | {verdict} |")
    parts = results.get("module_breakdown", {}).get("kernel")
    if parts:
        shown = "; ".join(f"{name[:2]} {r['cold_cells_ms']} -> {r['warm_cells_ms']} ms ({r['models']} models)"
                          for name, r in parts.items())
        out.append("| Module pages in the kernel: the cells' time in a kernel started from nothing -> in one forked"
                   f" from the module pages' fork server, and the widget models each page makes | (a breakdown) | {shown} | yes |")
    return out


def hub_rows(results: dict) -> list[str]:
    """The hub: a room logging in at once, and what each participant costs (the capacity plan's figures)."""
    r = results.get("hub_logins")
    if r is None:
        return []
    verdict = "yes" if r.get("ok") else "**no**"
    if "spawn_p95_s" not in r:
        return [f"| JupyterHub: participants log in and open module 01 | {hub_logins.TARGET_ALL_S:.0f} s | failed: "
                f"{r.get('error')} | **no** |"]
    load = f"load average {r['load_before'][0]} before, {r['load_after'][0]} after"
    not_started = sum("did not start" in f for f in r["failures"]) and r["failed"]  # (failures keeps five)
    started_note = f"; {not_started} servers did not start in time" if not_started else ""
    runs = r.get("runs", [r])
    med = r.get("medians_of_runs", {k: r[k] for k in hub_logins.FIGURES})
    each = lambda key: ", ".join(str(x[key]) for x in runs)  # noqa: E731
    base = r.get("baseline_not_forked")
    ratios = r.get("ratios_to_baseline", {})
    spawn_ok = not not_started and all(x["spawn_p95_s"] <= hub_logins.TARGET_SPAWN_P95_S for x in runs)
    pss_ok = all(x["pss_p95_mib"] <= hub_logins.TARGET_MIB for x in runs)
    baseline_row = [] if not base else [
        f"| JupyterHub baseline: the same room on a hub that starts every server and kernel from nothing"
        f" (SHINE_HUB_FORK=0) | (the ratios' baseline) | {r['participants'] - base['failed']} of {r['participants']}"
        f" ready, last {base['last_ready_after_s']} s; spawn p95 {base['spawn_p95_s']} s ({base['spawns_logged']}"
        f" started); PSS p95 {base['pss_p95_mib']} MiB; CPU {base['cpu_s_per_participant_median']} s per participant."
        f" Forked/baseline: CPU **{ratios.get('cpu_s_per_participant_median')}x**, memory"
        f" **{ratios.get('pss_p95_mib')}x** | - |"]
    return [
        f"| JupyterHub: {r['participants']} participants log in within {r['spread_s']:.0f} s and open module 01"
        f" ({r['chromium_pages']} in Chromium, the rest by a client that fetches what a Chromium page fetches;"
        f" servers and kernels forked from the zygote; {len(runs)} runs, each on a new hub)"
        f" | all ready <= {hub_logins.TARGET_ALL_S:.0f} s | {r['participants'] - r['failed']} of"
        f" {r['participants']} ready; last page **{med['last_ready_after_s']} s** after the first login (median of"
        f" runs: {each('last_ready_after_s')}; median run: page median {r['ready_median_s']} s, p95"
        f" {r['ready_p95_s']} s; Chromium {', '.join(map(str, r['chromium_ready_s']))} s); {load} | {verdict} |",
        f"| JupyterHub: server start, as the hub logs it | p95 <= {hub_logins.TARGET_SPAWN_P95_S:.0f} s |"
        f" p95 **{med['spawn_p95_s']} s** (runs: {each('spawn_p95_s')}; median run: {r['spawns_logged']} started,"
        f" median {r['spawn_median_s']} s, slowest {r['spawn_max_s']} s){started_note} | {'yes' if spawn_ok else '**no**'} |",
        f"| JupyterHub: memory per participant (single-user server + module 01's kernel, PSS of their OS user's"
        f" processes) and CPU | <= {hub_logins.TARGET_MIB:.0f} MiB | p95 **{med['pss_p95_mib']} MiB** (runs:"
        f" {each('pss_p95_mib')}; USS {med['uss_median_mib']}); CPU {med['cpu_s_per_participant_median']} s per"
        f" participant to log in and open the page, hub and proxy {med['hub_and_proxy_cpu_s_per_participant']} s |"
        f" {'yes' if pss_ok else '**no**'} |",
        *baseline_row,
    ]


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
