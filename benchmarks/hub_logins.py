"""Fifty participants log in through the hub and open module 01, on this machine.

A real hub (:mod:`benchmarks.hubsetup`: ``deploy/hub/jupyterhub_config.py``, configurable-http-
proxy, PostgreSQL, one OS user per participant). The participants arrive within ``spread_s``
seconds, as a room does after "log in now". Each one, as a browser does: the login form, the hub
starts their server (``/hub/spawn``, JupyterLab as their OS user), and module 01 opens in Voila
through the proxy (``/user/<name>/voila/render/modules/01-definition.ipynb``: OAuth with the hub,
the page, which runs the module's cells in a new kernel). Most participants are a client that
fetches what a Chromium module-01 page fetches, recorded from a real page on the same hub (the
page, every script and style sheet, the kernel websocket and the widget states of the page); it
is ready when the states arrive with the module's widgets. Three are real Chromium pages, from a
process of their own at the lowest CPU priority (:mod:`benchmarks.probe`), ready when the
principle sort can be used. A page's time runs from its participant's login to ready.

Servers and kernels are forked from the hub's zygote (:mod:`shine.hub.zygote`), as deployed;
the result is the median of three rooms, each on a new hub, and one room on a hub that starts
everything from nothing (``SHINE_HUB_FORK=0``) gives the baseline for the ratios.

Measured: every page ready, and the time from the first login to the last page ready (target
<= 90 s); each server's start as the hub logs it ("took N seconds to start", target p95 <= 20 s);
memory per participant once every page is open: the proportional set size (PSS) of everything
their OS user runs, the single-user server and the module's kernel (target <= 200 MiB), with the
unique set (USS) beside it; CPU seconds per participant (their processes) and of the hub and
proxy, for the capacity plan. The machine's load is recorded before and after.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit

import psutil

from .common import CHROMIUM, CHROMIUM_ARGS, median, p95
from .hubsetup import log_in, processes_of, running_hub

MODULE = "modules/01-definition.ipynb"
READY_SELECTOR = ".shine-scenario-sort select"
WIDGETS = {"DropdownModel", "ButtonModel"}  # the principle sort's: drawn from these states
TARGET_ALL_S, TARGET_SPAWN_P95_S, TARGET_MIB = 90.0, 20.0, 200.0
TIMEOUT_S = 600  # a page waits this long: the figures, not a timeout, must say how slow
MIB = 1024 * 1024


def module_path(name: str) -> str:
    return f"/user/{name}/voila/render/{MODULE}"


def login_next(name: str) -> str:
    """Where the login sends a participant: start their server, then open module 01."""
    return quote(f"/hub/spawn?next={quote(module_path(name), safe='')}", safe="")


def _message(session_id: str, msg_type: str, content: dict, metadata: dict | None = None) -> str:
    return json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session_id, "username": "p",
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell", "buffers": []})


async def _widget_states(ws_url: str, cookie: str) -> set[str]:
    """The page's widget states, as a page asks for them over the kernel websocket."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    socket = await websocket_connect(HTTPRequest(ws_url, headers={"Cookie": cookie}, request_timeout=TIMEOUT_S))
    try:
        session_id = ws_url.rsplit("session_id=", 1)[-1]
        comm_id = uuid.uuid4().hex
        socket.write_message(_message(session_id, "kernel_info_request", {}))
        socket.write_message(_message(session_id, "comm_open", {
            "comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}}, {"version": "1.0.0"}))
        socket.write_message(_message(session_id, "comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}))
        while True:
            raw = await asyncio.wait_for(socket.read_message(), timeout=TIMEOUT_S)
            if raw is None:
                raise RuntimeError("the kernel websocket closed")
            msg = json.loads(raw)
            data = msg.get("content", {}).get("data", {})
            if msg.get("msg_type") == "comm_msg" and data.get("method") == "update_states":
                return {s.get("model_name") for s in data.get("states", {}).values()}
    finally:
        socket.close()


def wait_for_server(api, name: str) -> None:
    """Follow the hub's progress events for ``name``'s server (as the spawn-pending page does)
    until it is ready; a failed start raises, with the hub's reason."""
    with api("GET", f"users/{name}/server/progress", stream=True, timeout=TIMEOUT_S) as events:
        if events.status_code != 200:
            raise RuntimeError(f"{name}: progress {events.status_code} {events.text[:200]}")
        for line in events.iter_lines(decode_unicode=True):
            if not line or not line.startswith("data:"):
                continue
            event = json.loads(line[5:])
            if event.get("ready"):
                return
            if event.get("failed"):
                raise RuntimeError(f"{name}'s server did not start: {event.get('message', '')[:300]}")
    raise RuntimeError(f"{name}: the hub's progress events ended without the server ready")


def protocol_participant(url: str, name: str, assets: list[str], recorded_as: str, api) -> dict:
    """One participant by the replay client: seconds from login to the module's widget states."""
    t0 = time.monotonic()
    session = log_in(url, name)
    started = session.get(url + f"hub/spawn?next={quote(module_path(name), safe='')}", allow_redirects=False,
                          timeout=60)
    if started.status_code not in (200, 302):
        raise RuntimeError(f"spawn of {name}: {started.status_code}")
    wait_for_server(api, name)  # what the spawn-pending page waits for
    page_url = url.rstrip("/") + module_path(name)
    page = session.get(page_url, timeout=TIMEOUT_S)
    if page.status_code != 200 or "jupyter-config-data" not in page.text:
        raise RuntimeError(f"{name}'s page: {page.status_code}")
    config = json.loads(re.search(r'id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  page.text, re.S).group(1))
    kernel_id = config["kernelId"]
    mine = [a.replace(f"/user/{recorded_as}/", f"/user/{name}/") for a in assets]
    with ThreadPoolExecutor(6) as pool:  # Chromium's six connections per host
        for answer in pool.map(lambda a: session.get(a, timeout=120), mine):
            if answer.status_code != 200:
                raise RuntimeError(f"{answer.status_code} for {answer.url}")
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    parts = urlsplit(url)
    ws_url = f"ws://{parts.netloc}/user/{name}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
    models = asyncio.run(_widget_states(ws_url, cookie))
    if not WIDGETS <= models:
        raise RuntimeError(f"{name}'s page came without the principle sort: {sorted(models)[:8]}")
    session.close()
    return {"name": name, "kind": "protocol", "ready_s": time.monotonic() - t0}


# -- Chromium --------------------------------------------------------------------------------


async def _chromium_participant(browser, url: str, name: str) -> float:
    context = await browser.new_context(viewport={"width": 360, "height": 740})
    page = await context.new_page()
    try:
        t0 = time.monotonic()
        await page.goto(f"{url}hub/login?next={login_next(name)}", timeout=TIMEOUT_S * 1000)
        await page.fill("#username_input", name)
        await page.fill("#password_input", "any")
        await page.click("#login_submit")
        failed = page.get_by_text("Spawn failed")  # the hub's spawn-pending page, when it gives up
        await page.locator(READY_SELECTOR).or_(failed).first.wait_for(state="visible", timeout=TIMEOUT_S * 1000)
        if await failed.count():
            raise RuntimeError(f"{name}'s server did not start")
        return time.monotonic() - t0
    finally:
        await context.close()


async def _record(url: str, name: str) -> tuple[list[str], float]:
    """What a real Chromium module-01 page fetches from its participant's server (same-origin GETs)."""
    from playwright.async_api import async_playwright

    fetched: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = await browser.new_context(viewport={"width": 360, "height": 740})
        page = await context.new_page()
        prefix = url.rstrip("/") + f"/user/{name}/"
        page.on("request", lambda r: fetched.append(r.url) if r.method == "GET" and r.url.startswith(prefix) else None)
        t0 = time.monotonic()
        await page.goto(f"{url}hub/login?next={login_next(name)}", timeout=TIMEOUT_S * 1000)
        await page.fill("#username_input", name)
        await page.fill("#password_input", "any")
        await page.click("#login_submit")
        await page.wait_for_selector(READY_SELECTOR, state="visible", timeout=TIMEOUT_S * 1000)
        took = time.monotonic() - t0
        await asyncio.sleep(1.0)  # late chunks
        await browser.close()
    page_url = url.rstrip("/") + module_path(name)
    skip = ("/api/", "/oauth_callback", "/voila/render/")
    return sorted({u for u in fetched if not any(s in u for s in skip) and u.split("?")[0] != page_url}), took


def probe_main(url: str, names: list[str], delays: list[float]) -> None:
    """``python -m benchmarks.hub_logins probe URL NAMES DELAYS``: the Chromium participants."""
    from .probe import browser_lowest_priority, lowest_priority

    lowest_priority()

    async def run() -> list:
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            browser_lowest_priority()
            print("ready", flush=True)
            await asyncio.to_thread(sys.stdin.readline)

            async def one(name: str, delay: float):
                await asyncio.sleep(delay)
                return await _chromium_participant(browser, url, name)

            results = await asyncio.gather(*(one(n, d) for n, d in zip(names, delays)), return_exceptions=True)
            await browser.close()
        return [r if isinstance(r, float) else repr(r) for r in results]

    print(json.dumps(asyncio.run(run())), flush=True)


# -- Measuring -------------------------------------------------------------------------------


def _cpu_s(procs: list[psutil.Process]) -> float:
    total = 0.0
    for proc in procs:
        try:
            times = proc.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.Error:
            pass
    return total


def participant_figures(name: str) -> dict:
    """Memory (PSS, USS) and CPU of everything the participant's OS user runs."""
    pss = uss = rss = 0
    procs = processes_of(name)
    for proc in procs:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        pss, uss, rss = pss + info.pss, uss + info.uss, rss + info.rss
    return {"processes": len(procs), "pss_mib": pss / MIB, "uss_mib": uss / MIB, "rss_mib": rss / MIB,
            "cpu_s": _cpu_s(procs)}


def hub_tree_cpu(pid: int) -> float:
    """CPU seconds of the hub and what it runs as root (proxy, culler): not the participants'."""
    try:
        hub = psutil.Process(pid)
        procs = [hub, *[p for p in hub.children(recursive=True) if p.uids().real == 0]]
    except psutil.Error:
        return 0.0
    return sum(t.user + t.system for t in (p.cpu_times() for p in procs if p.is_running()))


def spawn_times(log: str) -> list[float]:
    return [float(s) for s in re.findall(r"User \S+ took ([\d.]+) seconds to start", log)]


def _busy_others(seconds: float = 3.0) -> float:
    """CPU % (of one core) used on this machine before the benchmark starts: the shared load."""
    psutil.cpu_percent(None)
    time.sleep(seconds)
    return round(psutil.cpu_percent(None) * (os.cpu_count() or 1), 1)


def one_run(participants: int = 50, spread_s: float = 10.0, chromium_pages: int = 3, fork: bool = True) -> dict:
    """One room logging in, on a new hub; ``fork=False``: servers and kernels started from nothing
    (``SHINE_HUB_FORK=0``), the baseline."""
    load_before, busy_before = os.getloadavg(), _busy_others()
    with running_hub(participants + 1, SHINE_HUB_FORK="1" if fork else "0") as hub:
        recorder, names = hub.users[-1], hub.users[:-1]
        assets, recorded_ready = asyncio.run(_record(hub.url, recorder))
        hub.api("DELETE", f"users/{recorder}/server")  # its server stops: the room is the 50
        time.sleep(5)
        real = {round((k + 1) * participants / (chromium_pages + 1)) for k in range(chromium_pages)}
        delays = {i: i * spread_s / participants for i in range(participants)}
        probe = subprocess.Popen([sys.executable, "-m", "benchmarks.hub_logins", "probe", hub.url,
                                  json.dumps([names[i] for i in sorted(real)]), json.dumps([delays[i] for i in sorted(real)])],
                                 cwd=Path(__file__).resolve().parents[1], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True)
        if probe.stdout.readline().strip() != "ready":
            probe.kill()
            raise RuntimeError("the Chromium pages could not start")
        hub_cpu_before = hub_tree_cpu(hub.proc.pid)
        results: list = []

        def one(i: int):
            time.sleep(delays[i])
            try:
                return protocol_participant(hub.url, names[i], assets, recorder, hub.api)
            except Exception as exc:  # noqa: BLE001 (one failed page is a figure, not the end of the run)
                return RuntimeError(f"{names[i]}: {exc!r}")

        probe.stdin.write("go\n")
        probe.stdin.flush()
        with ThreadPoolExecutor(participants) as pool:
            futures = [pool.submit(one, i) for i in range(participants) if i not in real]
            out, _ = probe.communicate(timeout=TIMEOUT_S + 120)
            results = [f.result() for f in futures]
        for i, r in zip(sorted(real), json.loads(out.strip().splitlines()[-1])):
            results.append({"name": names[i], "kind": "chromium", "ready_s": r} if isinstance(r, float)
                           else RuntimeError(f"{names[i]}: {r}"))
        ready = [r for r in results if isinstance(r, dict)]
        failures = [str(r) for r in results if not isinstance(r, dict)]
        last_ready = max((delays[names.index(r["name"])] + r["ready_s"] for r in ready), default=float("nan"))
        hub_cpu = hub_tree_cpu(hub.proc.pid) - hub_cpu_before
        time.sleep(5)  # every page open and settled: what each participant holds
        per = {name: participant_figures(name) for name in names}
        spawns = spawn_times(hub.log_text())
        log_errors = [line for line in hub.log_text().splitlines() if re.search(r"Traceback|\[E ", line)][:10]
        memory = psutil.virtual_memory()
    load_after = os.getloadavg()
    pss = [p["pss_mib"] for p in per.values() if p["processes"]]
    uss = [p["uss_mib"] for p in per.values() if p["processes"]]
    cpu = [p["cpu_s"] for p in per.values() if p["processes"]]
    times = [r["ready_s"] for r in ready]
    all_ready = not failures and len(ready) == participants
    result = {
        "forked": fork, "participants": participants, "spread_s": spread_s, "chromium_pages": len(real),
        "assets_per_page": len(assets), "recorded_page_ready_s": round(recorded_ready, 1),
        "all_ready": all_ready, "failures": failures[:5], "failed": len(failures),
        "last_ready_after_s": round(last_ready, 1), "ready_median_s": round(median(times), 1),
        "ready_p95_s": round(p95(times), 1), "ready_max_s": round(max(times), 1) if times else None,
        "chromium_ready_s": [round(r["ready_s"], 1) for r in ready if r["kind"] == "chromium"],
        "spawns_logged": len(spawns), "spawn_median_s": round(median(spawns), 1), "spawn_p95_s": round(p95(spawns), 1),
        "spawn_max_s": round(max(spawns), 1) if spawns else None,
        "pss_median_mib": round(median(pss), 1), "pss_p95_mib": round(p95(pss), 1),
        "pss_max_mib": round(max(pss), 1) if pss else None, "uss_median_mib": round(median(uss), 1),
        "processes_per_participant": median([p["processes"] for p in per.values()]),
        "cpu_s_per_participant_median": round(median(cpu), 1), "cpu_s_per_participant_p95": round(p95(cpu), 1),
        "hub_and_proxy_cpu_s_per_participant": round(hub_cpu / participants, 2),
        "memory_used_mib_with_all_open": round((memory.total - memory.available) / MIB),
        "load_before": [round(x, 2) for x in load_before], "busy_before_pct": busy_before,
        "load_after": [round(x, 2) for x in load_after], "hub_log_errors": log_errors,
        "target": f"all ready within {TARGET_ALL_S:.0f} s of the first login; spawn p95 <= {TARGET_SPAWN_P95_S:.0f} s; "
                  f"PSS per participant (p95) <= {TARGET_MIB:.0f} MiB",
    }
    result["ok"] = bool(all_ready and last_ready <= TARGET_ALL_S and spawns and p95(spawns) <= TARGET_SPAWN_P95_S
                        and pss and p95(pss) <= TARGET_MIB)
    return result


FIGURES = ("last_ready_after_s", "ready_p95_s", "spawn_p95_s", "pss_p95_mib", "uss_median_mib",
           "cpu_s_per_participant_median", "hub_and_proxy_cpu_s_per_participant")


def hub_logins(participants: int = 50, spread_s: float = 10.0, chromium_pages: int = 3, runs: int = 3,
               baseline: bool = True) -> dict:
    """``runs`` rooms logging in on forking hubs, each on a new hub: the run with the median last
    page is the result, with every run's figures and their medians beside it; then, for the ratios,
    one room on a hub that starts everything from nothing (the baseline, ``SHINE_HUB_FORK=0``)."""
    done = [one_run(participants, spread_s, chromium_pages, fork=True) for _ in range(runs)]
    ordered = sorted(done, key=lambda r: (not r["all_ready"], r["last_ready_after_s"]))
    result = dict(ordered[(len(ordered) - 1) // 2])
    result["runs"] = [{k: r[k] for k in ("ok", "failed", *FIGURES)} for r in done]
    result["medians_of_runs"] = {k: round(median([r[k] for r in done]), 2) for k in FIGURES}
    result["ok"] = all(r["ok"] for r in done)
    if baseline:
        base = one_run(participants, spread_s, chromium_pages, fork=False)
        result["baseline_not_forked"] = {k: base[k] for k in ("ok", "failed", "spawns_logged", *FIGURES)}
        mine = result["medians_of_runs"]
        result["ratios_to_baseline"] = {k: round(mine[k] / base[k], 3) for k in ("cpu_s_per_participant_median",
                                                                                  "pss_p95_mib") if base[k]}
    return result


def main(argv: list[str]) -> int:
    if argv and argv[0] == "probe":
        probe_main(argv[1], json.loads(argv[2]), json.loads(argv[3]))
        return 0
    participants = int(argv[0]) if argv else 50
    runs = int(argv[1]) if len(argv) > 1 else 3
    print(json.dumps(hub_logins(participants=participants, spread_s=10.0 if participants >= 20 else 2.0,
                                chromium_pages=3 if participants >= 10 else 1, runs=runs,
                                baseline=not (len(argv) > 2 and argv[2] == "--no-baseline")), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
