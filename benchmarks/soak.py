"""A whole day compressed: one ``shine workshop`` server, writers posting at a steady rate, the wall
and the facilitator console open in Chromium for the whole run; nothing may slow down or grow.

The full run is 2 hours of a busy room in 20 minutes: 50 writer processes (17 schools) post 3,000
posts in all, evenly spread (2.5 a second), and every fifth post of each writer comes with a "me
too" for a recent challenge of another school (0.5 a second); the console is unlocked with the
facilitator key, a segment is started, and a post is hidden from it every minute (a sixth of the
run when shorter), as a facilitator would. A welcome post goes up before the clock starts, so the
wall's first chart (importing matplotlib) is not counted in the first window. Measured:

- post -> visible on the wall, per post, as in benchmarks/wall.py (the writer's time before the
  insert; the first moment the wall's counter shows that post or a newer one): p95 in the first
  and in the last 5 minutes (a quarter of the run each when shorter); target: last <= 1.2x first;
- the laptop's memory for the server (Voila, its fork server and every kernel, PSS sum; RSS
  too), sampled every 15 s: after the first minute and at the end; target: end <= 1.2x;
- also: the kernel count over time; the wall page's DOM nodes and JavaScript heap (Chromium's own
  counters, after a garbage collection) and the wall kernel's and console kernel's CPU share at
  the start and the end; what one poll of the wall costs (the same Wall, built in this process on
  the same store: a poll, a poll that re-reads every post, the chart) after the first minute and
  at the end; the Voila log's size (all its rotated files) and the store's files.

The kiosk pool is 2, not a workshop's 30: idle preheated kernels are memory that does not change,
and thirty of them would hide a growth of the rest in the ratio.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

from .burst import room_memory
from .common import CHROMIUM, CHROMIUM_ARGS, median, p95, workshop_session
from .wall import OBSERVER

POOL = 2
SAMPLE_S = 15.0
HIDE_EVERY_S = 60.0

WRITER = textwrap.dedent("""
    import json, random, sys, time
    from shine.store import Store
    workshop, worker, start_at, interval, count, out = (int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]),
                                                        float(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    kinds = ("milestone", "challenge", "practice", "question")
    rng = random.Random(worker)
    with Store() as store, open(out, "w") as log:
        tags = [t["id"] for t in (store.room.workshop(workshop).setup or {}).get("tags", [])]
        team = store.teams.ensure(f"District {worker % 5 + 1}", f"School {worker % 17 + 1}")  # 17 schools
        client = f"writer-{worker}"
        store.room.join(workshop, client, team.id)
        for i in range(count):
            wait = start_at + i * interval - time.time()
            if wait > 0:
                time.sleep(wait)
            before = time.time()
            post_id = store.room.add_post(workshop, kinds[(i + worker) % 4],
                                          f"Post {i} from writer {worker}: we met the families on Thursday "
                                          "evening and talked about homework", client, team_id=team.id,
                                          tags=rng.sample(tags, min(2, len(tags))))
            log.write(json.dumps([post_id, before]) + "\\n")
            log.flush()
            if i % 5 == 4:  # "me too" for a recent challenge of another school
                others = [p for p in store.room.posts(workshop, limit=20)
                          if p.kind == "challenge" and p.team_id != team.id]
                if others:
                    store.room.vote(rng.choice(others).id, client)
""")


def _cpu(proc: psutil.Process | None) -> float | None:
    try:
        times = proc.cpu_times()
        return times.user + times.system
    except (psutil.Error, AttributeError):
        return None


def _log_bytes(log_path: Path) -> int:
    return sum(p.stat().st_size for p in log_path.parent.glob(log_path.name + "*") if p.is_file())


def _store_bytes() -> int:
    from shine.store import Store

    with Store() as store:
        path = Path(store.path) if store.path else None
    if path is None:
        return 0
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def _page_metrics(cdp) -> dict:
    """The wall page's own counters after a garbage collection (detached nodes gone)."""
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {"dom_nodes": int(metrics.get("Nodes", 0)), "js_heap_mib": round(metrics.get("JSHeapUsedSize", 0) / 2**20, 1),
            "listeners": int(metrics.get("JSEventListeners", 0))}


def wall_poll_costs(workshop_id: int, polls: int = 8) -> dict:
    """What the wall's kernel does per poll, timed on a Wall built here on the same store (ms):
    a poll (whatever arrived since the last one), a poll after a vote (every post re-read), the
    chart."""
    from shine.room.widgets.wall import Wall
    from shine.store import Store

    with Store() as store:
        started = time.perf_counter()
        # No chart in the polls (timed on its own) and no loop of its own (this process polls it).
        wall = Wall(store, workshop_id, chart_seconds=1e9, poll_seconds=1e9)  # the first drawing: every post read
        first = time.perf_counter() - started
        poll, full = [], []
        for _ in range(polls):
            time.sleep(0.4)
            started = time.perf_counter()
            wall.refresh()
            poll.append(time.perf_counter() - started)
        for _ in range(3):
            wall.fingerprint = None  # as after a "me too": the wall reads every post again
            started = time.perf_counter()
            wall.refresh()
            full.append(time.perf_counter() - started)
        started = time.perf_counter()
        wall._chart_html()
        chart = time.perf_counter() - started
        return {"posts": wall.count, "first_drawing_ms": round(first * 1000, 1),
                "poll_ms": round(median(poll) * 1000, 1), "poll_rereading_every_post_ms": round(median(full) * 1000, 1),
                "chart_ms": round(chart * 1000, 1)}


def soak(minutes: float = 20, writers: int = 50, posts: int = 3000) -> dict:
    from playwright.sync_api import sync_playwright

    from shine.store import Store, new_facilitator_key

    duration = minutes * 60
    each = posts // writers
    interval = duration / each  # one writer's posts are this far apart; the writers share it out evenly
    window = min(300.0, duration / 4)
    hide_every = min(HIDE_EVERY_S, duration / 6)
    with workshop_session(pool=POOL, with_blank=False) as session, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        key = new_facilitator_key()
        with Store() as store:
            store.room.set_facilitator_key(session.workshop_id, key)
        pool = session.kernel_pids()
        wall_page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        wall_page.add_init_script(OBSERVER)
        wall_page.goto(session.page_url("wall.ipynb"))
        wall_page.wait_for_selector(".shine-wall-count", timeout=120_000)
        wall_kernel = next((k for k in session.kernels() if k.pid not in pool), None)
        before_console = session.kernel_pids()
        console = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        console.goto(session.page_url("console.ipynb"))
        console.wait_for_selector("input[type=password]", timeout=120_000)
        console.fill("input[type=password]", key)
        console.get_by_role("button", name="Open the console").click()
        console.get_by_text("Agenda").first.wait_for(timeout=60_000)
        console.get_by_role("button", name="Start", exact=True).first.click()  # the first segment is under way
        console_kernel = next((k for k in session.kernels() if k.pid not in before_console), None)
        cdp = wall_page.context.new_cdp_session(wall_page)
        cdp.send("Performance.enable")
        # The facilitator's welcome post, before the clock: the wall's first chart (matplotlib
        # imported, about a second) is drawn then, not in the middle of the first window.
        with Store() as store:
            store.room.add_post(session.workshop_id, "milestone", "Welcome! Post what your school is proud of.",
                                "facilitator")
        wall_page.wait_for_selector('.shine-wall-count[data-count="1"]', timeout=60_000)
        wall_page.wait_for_selector("img.shine-chart", timeout=60_000)

        logs = [session.home / f"writer-{k}.jsonl" for k in range(writers)]
        # Every writer started, connected and idle by then: fifty Pythons starting up are not the room.
        start_at = time.time() + 10 + writers * 0.6
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(session.workshop_id), str(k),
                                   str(start_at + k * interval / writers), str(interval), str(each), str(logs[k])],
                                  stderr=subprocess.PIPE, text=True)
                 for k in range(writers)]
        while time.time() < start_at - 1 and not all(log.exists() for log in logs):
            time.sleep(0.25)
        writers_ready = all(log.exists() for log in logs)  # each opens its log once connected
        server = psutil.Process(session.server.process.pid)
        watched = {"server": server, "wall kernel": wall_kernel, "console kernel": console_kernel}
        samples, hides, hide_errors = [], 0, []
        next_sample, next_hide = start_at, start_at + hide_every
        first_minute_costs = None
        while any(p.poll() is None for p in procs) and time.time() < start_at + duration + 300:
            now = time.time()
            if now >= next_sample:
                mem = room_memory(server.pid)
                samples.append({"t": round(now - start_at, 1), "kernels": mem.get("kernels"), "pss_mib": mem.get("pss_mib"),
                                "rss_mib": mem.get("rss_mib"), "cpu_s": {n: _cpu(p) for n, p in watched.items()},
                                "log_bytes": _log_bytes(session.server.log_path), **_page_metrics(cdp)})
                next_sample += SAMPLE_S
            if first_minute_costs is None and now >= start_at + 60:
                first_minute_costs = wall_poll_costs(session.workshop_id)
            if now >= next_hide and now < start_at + duration - hide_every:
                try:  # the facilitator hides the fifth newest post from the console
                    console.get_by_role("button", name="Hide", exact=True).nth(4).click(timeout=10_000)
                    hides += 1
                except Exception as exc:  # a row redrawn under the click: the next minute tries again
                    hide_errors.append(repr(exc)[:200])
                next_hide += hide_every
            wall_page.wait_for_timeout(500)  # Playwright's own wait: the pages' events keep flowing
        errors = [p.communicate(timeout=60)[1] for p in procs]
        failed = [e for p, e in zip(procs, errors) if p.returncode != 0]
        wall_page.wait_for_timeout(3000)
        mem = room_memory(server.pid)
        samples.append({"t": round(time.time() - start_at, 1), "kernels": mem.get("kernels"), "pss_mib": mem.get("pss_mib"),
                        "rss_mib": mem.get("rss_mib"), "cpu_s": {n: _cpu(p) for n, p in watched.items()},
                        "log_bytes": _log_bytes(session.server.log_path), **_page_metrics(cdp)})
        end_costs = wall_poll_costs(session.workshop_id)
        seen = wall_page.evaluate("window.__seen")
        wall_count = int(wall_page.locator(".shine-wall-count").get_attribute("data-count"))
        with Store() as store:
            rows = store.room.count_posts(session.workshop_id)
            hidden = sum(p.hidden for p in store.room.posts(session.workshop_id, include_hidden=True))
        store_bytes = _store_bytes()
        log_bytes = _log_bytes(session.server.log_path)
        browser.close()
        written = [json.loads(line) for log in logs if log.exists() for line in log.read_text().splitlines()]
    return _figures(written, seen, samples, start_at, duration, window, writers=writers, posts=posts, failed=failed,
                    writers_ready=writers_ready,
                    rows=rows, hidden=hidden, wall_count=wall_count, hides=hides, hide_errors=hide_errors,
                    costs=(first_minute_costs, end_costs), log_bytes=log_bytes, store_bytes=store_bytes)


def _figures(written, seen, samples, start_at, duration, window, *, writers, posts, failed, writers_ready, rows, hidden,
             wall_count, hides, hide_errors, costs, log_bytes, store_bytes) -> dict:
    latencies, missing = [], 0
    for post_id, before in written:
        shown = next((t for t, newest, _count in seen if newest >= post_id), None)
        if shown is None:
            missing += 1
        else:
            latencies.append((before - start_at, max(0.0, shown / 1000.0 - before)))
    last_at = max((t for t, _l in latencies), default=0.0)
    first = [lat for t, lat in latencies if t < window]
    last = [lat for t, lat in latencies if t >= last_at - window]
    after_minute = next((s for s in samples if s["t"] >= 60), samples[-1])
    start, end = samples[0], samples[-1]

    def cpu_share(name: str, a: dict, b: dict) -> float | None:
        if a["cpu_s"].get(name) is None or b["cpu_s"].get(name) is None or b["t"] <= a["t"]:
            return None
        return round(100 * (b["cpu_s"][name] - a["cpu_s"][name]) / (b["t"] - a["t"]), 1)

    # The first and last windows' samples, for CPU shares.
    in_first = [s for s in samples if s["t"] <= window] or samples[:2]
    in_last = [s for s in samples if s["t"] >= end["t"] - window] or samples[-2:]
    shares = {name: {"first": cpu_share(name, in_first[0], in_first[-1]), "last": cpu_share(name, in_last[0], in_last[-1])}
              for name in start["cpu_s"]}
    p95_first, p95_last = p95(first), p95(last)
    latency_ok = bool(first and last) and p95_last <= 1.2 * p95_first
    memory_ok = end["pss_mib"] <= 1.2 * after_minute["pss_mib"]
    complete = not failed and missing == 0 and len(written) + 1 == rows and len(written) == writers * (posts // writers)
    return {
        "minutes": round(duration / 60, 1), "writers": writers, "writers_ready_before_start": writers_ready,
        "posts_written": len(written),
        "rows_in_store": rows,  # and the welcome post
        "hidden_by_console": hidden, "hides_clicked": hides, "hide_errors": hide_errors[:3],
        "wall_count": wall_count, "wall_count_is_rows_less_hidden": wall_count == rows - hidden,
        "never_shown": missing, "writer_failures": [e[-300:] for e in failed][:3], "window_s": window,
        "latency_p95_first_s": round(p95_first, 3), "latency_p95_last_s": round(p95_last, 3),
        "latency_p95_ratio": round(p95_last / p95_first, 2) if first and last and p95_first else None,
        "latency_median_first_s": round(median(first), 3), "latency_median_last_s": round(median(last), 3),
        "latency_max_s": round(max(lat for _t, lat in latencies), 3) if latencies else None,
        "pss_after_first_minute_mib": after_minute["pss_mib"], "pss_end_mib": end["pss_mib"],
        "pss_ratio": round(end["pss_mib"] / after_minute["pss_mib"], 2),
        "rss_after_first_minute_mib": after_minute["rss_mib"], "rss_end_mib": end["rss_mib"],
        "kernels_over_time": [(s["t"], s["kernels"]) for s in samples],
        "pss_over_time": [(s["t"], s["pss_mib"]) for s in samples],
        "wall_page_after_first_minute": {k: after_minute[k] for k in ("dom_nodes", "js_heap_mib", "listeners")},
        "wall_page_end": {k: end[k] for k in ("dom_nodes", "js_heap_mib", "listeners")},
        "cpu_percent": shares, "wall_poll_after_first_minute": costs[0], "wall_poll_end": costs[1],
        "voila_log_bytes_after_first_minute": after_minute["log_bytes"], "voila_log_bytes_end": log_bytes,
        "voila_log_bytes_per_hour_of_run": round((end["log_bytes"] - start["log_bytes"]) / max(end["t"] - start["t"], 1) * 3600),
        "store_bytes_end": store_bytes,
        "target": "wall p95 (last window) <= 1.2x (first window); server + kernels PSS at the end <= 1.2x after the "
                  "first minute; every post written reaches the wall",
        "ok": latency_ok and memory_ok and complete and wall_count == rows - hidden,
    }
