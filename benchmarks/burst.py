"""A room arriving at once: N kiosk pages opened within a few seconds, each timed to ready; then
all closed, and the kernel count must fall back to the pool size within the cull interval.

In the room every participant's phone does its own rendering; the trainer's laptop only serves.
On this one machine, thirty Chromium pages would put thirty phones' worth of JavaScript work
(measured below, per page) on the same two cores as the server. So most pages are opened by a
client that asks the server for exactly what a Chromium kiosk page asks for, recorded from a
real page in the same run: the page, every script and style sheet it loads (cold cache, six
connections at a time, like a browser), a kernel websocket, and the widget states of the first
screen. It is ready when those states arrive (all a phone needs to draw the form). A few pages
in the burst are real Chromium pages, timed to "form usable" as in the ready benchmark; they run
from a process of their own at the lowest CPU priority (benchmarks/probe.py), as the phones' own
work must not count against the laptop (its pages can only come out slower for it). Each page is
closed as a browser tab is: the websocket closes and the shutdown beacon is sent.
"""

from __future__ import annotations

import asyncio
import json
import re
import resource
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from shine import workshop as ws

from .common import CHROMIUM, CHROMIUM_ARGS, KIOSK_READY, READY_SCRIPT, median, p95, workshop_session

CULL_INTERVAL_S = ws.CULL_INTERVAL_S
BROWSER_CONNECTIONS = 6  # Chromium's connections per host
CHROMIUM_HEADERS = {"Accept-Encoding": "gzip, deflate, br, zstd", "User-Agent": "Mozilla/5.0 (Linux; Android 14)"}


def _server_cpu(session) -> float:
    """CPU seconds used so far by Voila, its fork server and kernels (what the laptop carries)."""
    total = 0.0
    try:
        procs = [psutil.Process(session.server.process.pid)]
        procs += psutil.Process(session.server.process.pid).children(recursive=True)
    except psutil.Error:
        return total
    for proc in procs:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


async def _record_page(browser, url: str) -> tuple[list[str], dict]:
    """What one real Chromium kiosk page fetches (same-origin GETs), and its ready time."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    context = await browser.new_context(viewport={"width": 360, "height": 740})
    page = await context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if r.method == "GET" and r.url.startswith(origin) else None)
    await page.add_init_script(READY_SCRIPT % repr(KIOSK_READY))
    await page.goto(url, wait_until="commit", timeout=120_000)
    await page.wait_for_function("window.__shineReady !== null", timeout=120_000, polling=100)
    ready = await page.evaluate("window.__shineReady") / 1000.0
    await asyncio.sleep(1.0)  # late chunks
    async with page.expect_event("close"):
        await page.close(run_before_unload=True)
    await context.close()
    assets = sorted({u for u in fetched if "/api/" not in u and u.split("?")[0] != url.split("?")[0]})
    return assets, {"ready_s": ready}


def _message(session_id: str, msg_type: str, content: dict, metadata: dict | None = None) -> str:
    return json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session_id, "username": "kiosk",
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell", "buffers": [],
    })


async def _protocol_page(url: str, assets: list[str]) -> float:
    """Seconds until this simulated phone has everything it needs to draw the kiosk form."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    start = time.monotonic()
    client = AsyncHTTPClient(force_instance=True, max_clients=BROWSER_CONNECTIONS)
    parts = urlsplit(url)
    kernel_id = xsrf = None
    try:
        response = await client.fetch(url, headers=CHROMIUM_HEADERS, request_timeout=120)
        html = response.body.decode()
        config = json.loads(re.search(r'id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      html, re.S).group(1))
        kernel_id = config["kernelId"]
        xsrf = re.search(r"_xsrf=([^;]+)", response.headers.get("Set-Cookie", "")).group(1)
        await asyncio.gather(*(client.fetch(a, headers=CHROMIUM_HEADERS, request_timeout=120) for a in assets))
        session_id = uuid.uuid4().hex
        socket = await websocket_connect(HTTPRequest(
            f"ws://{parts.netloc}/api/kernels/{kernel_id}/channels?session_id={session_id}",
            headers={"Cookie": f"_xsrf={xsrf}"}, request_timeout=120))
        try:
            comm_id = uuid.uuid4().hex
            socket.write_message(_message(session_id, "kernel_info_request", {}))
            socket.write_message(_message(session_id, "comm_open", {
                "comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}}, {"version": "1.0.0"}))
            socket.write_message(_message(session_id, "comm_msg", {
                "comm_id": comm_id, "data": {"method": "request_states"}}))
            while True:
                raw = await asyncio.wait_for(socket.read_message(), timeout=120)
                if raw is None:
                    raise RuntimeError("the kernel websocket closed")
                msg = json.loads(raw)
                data = msg.get("content", {}).get("data", {})
                if msg.get("msg_type") == "comm_msg" and data.get("method") == "update_states":
                    states = data.get("states", {})
                    if not any(s.get("model_name") == "TextModel" for s in states.values()):
                        raise RuntimeError("the kiosk's widget states came without its join field")
                    return time.monotonic() - start
        finally:
            socket.close()
    finally:
        if kernel_id and xsrf:  # the tab closes: Voila's page sends this beacon on unload
            await client.fetch(f"{parts.scheme}://{parts.netloc}/voila/api/shutdown/{kernel_id}", method="POST",
                               body=f"_xsrf={xsrf}", headers={"Cookie": f"_xsrf={xsrf}"}, raise_error=False)
        client.close()


async def _chromium_page(browser, url: str) -> float:
    context = await browser.new_context(viewport={"width": 360, "height": 740})
    page = await context.new_page()
    try:
        await page.add_init_script(READY_SCRIPT % repr(KIOSK_READY))
        await page.goto(url, wait_until="commit", timeout=120_000)
        await page.wait_for_function("window.__shineReady !== null", timeout=120_000, polling=100)
        return await page.evaluate("window.__shineReady") / 1000.0
    finally:
        async with page.expect_event("close"):  # unload handlers run: Voila's beacon goes out
            await page.close(run_before_unload=True)
        await context.close()


async def _burst(session, url: str, pages: int, spread_s: float, real: set[int]) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        assets, recorded = await _record_page(browser, url)
        await browser.close()
    await asyncio.to_thread(session.wait_for_pool)  # the recorded page's kernel replaced

    # The Chromium pages run in a process of their own, so that neither their event loop nor
    # their CPU is shared with the replaying clients.
    delays = [i * spread_s / pages for i in sorted(real)]
    probe = subprocess.Popen([sys.executable, "-m", "benchmarks.probe", url, json.dumps(delays)],
                             cwd=Path(__file__).resolve().parents[1], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    if (await asyncio.to_thread(probe.stdout.readline)).strip() != "ready":
        probe.kill()
        raise RuntimeError("the Chromium pages could not start")
    server_before = _server_cpu(session)
    t0 = time.monotonic()
    probe.stdin.write("go\n")
    probe.stdin.flush()

    async def one(i: int):
        await asyncio.sleep(i * spread_s / pages)
        return "protocol", await _protocol_page(url, assets)

    results = await asyncio.gather(*(one(i) for i in range(pages) if i not in real), return_exceptions=True)
    out, _ = await asyncio.to_thread(probe.communicate, timeout=300)
    results += [("chromium", r) if isinstance(r, float) else RuntimeError(r)
                for r in json.loads(out.strip().splitlines()[-1])]
    finished = time.monotonic() - t0
    server_cpu = _server_cpu(session) - server_before
    return {"assets": assets, "recorded": recorded, "results": results, "finished_s": finished,
            "server_cpu": server_cpu}


def _in_thread(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API may have left a loop running here."""
    out = {}
    thread = threading.Thread(target=lambda: out.update(result=asyncio.run(coroutine)))
    thread.start()
    thread.join()
    if "result" not in out:
        raise RuntimeError("the burst did not finish; see the traceback above")
    return out["result"]


def _chromium_cpu(pages: int, url: str) -> float:
    """CPU seconds of Chromium (and its driver) started, opening ``pages`` kiosk pages, stopped."""
    async def run():
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for _ in range(pages):
                await _chromium_page(browser, url)
            await browser.close()

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    _in_thread(run())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def _chromium_cpu_per_page(url: str, pages: int = 3) -> float:
    """CPU seconds one Chromium kiosk page costs on this machine (what each phone does itself):
    Chromium with pages, less Chromium started and stopped with none."""
    return max(_chromium_cpu(pages, url) - _chromium_cpu(0, url), 0.0) / pages


def burst(pages: int = 30, spread_s: float = 10.0, pool: int = ws.KIOSK_POOL, real_pages: int = 3) -> dict:
    real = {round((k + 1) * pages / (real_pages + 1)) for k in range(real_pages)}  # spread through the burst
    with workshop_session(pool=pool, with_blank=False) as session:
        url = session.page_url("kiosk.ipynb")
        run = _in_thread(_burst(session, url, pages, spread_s, real))
        closed_at = time.monotonic()
        back_after = None
        while time.monotonic() - closed_at < CULL_INTERVAL_S + 30:
            if len(session.kernels()) == pool:
                back_after = time.monotonic() - closed_at
                break
            time.sleep(0.25)
        kernels_left = len(session.kernels())
        try:
            browser_cpu = _chromium_cpu_per_page(url)
        except Exception as exc:  # the burst's figures stand without it
            browser_cpu, failures_after = None, repr(exc)
        else:
            failures_after = None
        log = session.server.log_path.read_text(errors="replace").splitlines()
        server_errors = [line for line in log if re.search(r"Traceback|Error|died|Address already in use", line)]
    results = run["results"]
    ready = [r[1] for r in results if isinstance(r, tuple)]
    chromium_ready = [r[1] for r in results if isinstance(r, tuple) and r[0] == "chromium"]
    failures = [repr(r) for r in results if not isinstance(r, tuple)]
    worst = p95(ready)
    all_ready = not failures and len(ready) == pages
    ok = all_ready and worst <= 6.0 and back_after is not None and back_after <= CULL_INTERVAL_S
    return {
        "pages": pages, "spread_s": spread_s, "pool_size": pool, "chromium_pages": len(real),
        "assets_per_page": len(run["assets"]), "all_ready": all_ready, "failures": failures[:3],
        "ready_median_s": round(median(ready), 2), "ready_p95_s": round(worst, 2),
        "ready_max_s": round(max(ready), 2) if ready else None,
        "chromium_ready_s": [round(r, 2) for r in chromium_ready],
        "finished_after_s": round(run["finished_s"], 1),
        "kernels_back_to_pool_after_s": None if back_after is None else round(back_after, 1),
        "kernels_left": kernels_left, "cull_interval_s": CULL_INTERVAL_S,
        "server_cpu_s_per_page": round(run["server_cpu"] / pages, 2),
        "chromium_cpu_s_per_page": None if browser_cpu is None else round(browser_cpu, 2),
        "after_burst_failure": failures_after, "server_errors": server_errors[:12],
        "target": "all ready, p95 <= 6 s, kernels back to the pool within the cull interval", "ok": ok,
    }
