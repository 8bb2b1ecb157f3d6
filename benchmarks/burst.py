"""A room arriving at once: N kiosk pages opened within a few seconds, each timed to ready; then
all closed, and the kernel count must fall back to the pool size within the cull interval.

In the room every participant's phone does its own rendering; the trainer's laptop only serves.
On this one machine, thirty Chromium pages would put thirty phones' worth of JavaScript work
(measured below, per page) on the same two cores as the server. So most pages are opened by a
client that asks the server for exactly what a Chromium kiosk page asks for, recorded from a
real page in the same run: the page, every script and style sheet it loads (cold cache, over six
connections kept open, like a browser), a kernel websocket, and the widget states of the first
screen. It is ready when those states arrive (all a phone needs to draw the form). A few pages
in the burst are real Chromium pages, timed to "form usable" as in the ready benchmark; they run
from a process of their own, and Chromium at the lowest CPU priority (benchmarks/probe.py), as
the phones' own work must not count against the laptop (its pages can only come out slower for
it). Each page is closed as a browser tab is: the websocket closes and the shutdown beacon is
sent. The burst is repeated on the same server once its pool is full again; the target must hold
in every round.
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

from shine.room import server as ws
from shine.room.session import KIOSK_POOL

from .common import CHROMIUM, CHROMIUM_ARGS, KIOSK_READY, READY_SCRIPT, median, p95, workshop_session

CULL_INTERVAL_S = ws.CULL_INTERVAL_S
BROWSER_CONNECTIONS = 6  # Chromium's connections per host
CHROMIUM_HEADERS = {"Accept-Encoding": "gzip, deflate, br, zstd", "User-Agent": "Mozilla/5.0 (Linux; Android 14)"}


class ServerCpu:
    """CPU seconds used by Voila, its fork server and its kernels while running: sampled every
    quarter second, so that a kernel that comes and goes within the round still counts (a sum
    over the processes alive at the end would drop every kernel shut down before it)."""

    def __init__(self, server_pid: int, every_s: float = 0.25):
        self.server_pid, self.every_s = server_pid, every_s
        self.first: dict = {}
        self.last: dict = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, initial: bool = False) -> None:
        try:
            server = psutil.Process(self.server_pid)
            procs = [server, *server.children(recursive=True)]
        except psutil.Error:
            return
        for proc in procs:
            try:
                key = (proc.pid, proc.create_time())
                times = proc.cpu_times()
            except psutil.Error:
                continue
            # Alive at the start: count from now on; started since: count from its start.
            self.first.setdefault(key, times.user + times.system if initial else 0.0)
            self.last[key] = times.user + times.system

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self._sample()

    def __enter__(self) -> "ServerCpu":
        self._sample(initial=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def seconds(self) -> float:
        return sum(cpu - self.first[key] for key, cpu in self.last.items())


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


async def _fetch_assets(parts, assets: list[str], xsrf: str) -> None:
    """GET every asset as a browser does: over six connections kept open from one request to the
    next (tornado's client would open a connection per file, which costs the server and this
    process far more than a phone costs them). Bodies are read, not decoded: that is the phone's
    work."""
    queue = list(reversed(assets))
    host, port = parts.hostname, parts.port or 80
    request = ("GET {path} HTTP/1.1\r\nHost: " + parts.netloc + "\r\nConnection: keep-alive\r\n"
               + "".join(f"{k}: {v}\r\n" for k, v in CHROMIUM_HEADERS.items())
               + f"Cookie: _xsrf={xsrf}\r\n\r\n")

    async def connection():
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while queue:
                url = urlsplit(queue.pop())
                path = url.path + (f"?{url.query}" if url.query else "")
                writer.write(request.format(path=path).encode())
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                status = int(head[0].split()[1])
                fields = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:] if h)}
                if "content-length" in fields:
                    await reader.readexactly(int(fields["content-length"]))
                elif fields.get("transfer-encoding") == "chunked":
                    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                        await reader.readexactly(size + 2)
                    await reader.readuntil(b"\r\n")
                if status != 200:
                    raise RuntimeError(f"{status} for {path}")
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(min(BROWSER_CONNECTIONS, len(assets)))))


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
        await _fetch_assets(parts, assets, xsrf)
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


async def _record(url: str) -> tuple[list[str], dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            return await _record_page(browser, url)
        finally:
            await browser.close()


async def _round(session, url: str, assets: list[str], pages: int, spread_s: float, real: set[int]) -> dict:
    # The Chromium pages run in a process of their own, so that neither their event loop nor
    # their CPU is shared with the replaying clients.
    delays = [i * spread_s / pages for i in sorted(real)]
    probe = subprocess.Popen([sys.executable, "-m", "benchmarks.probe", url, json.dumps(delays)],
                             cwd=Path(__file__).resolve().parents[1], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    if (await asyncio.to_thread(probe.stdout.readline)).strip() != "ready":
        probe.kill()
        raise RuntimeError("the Chromium pages could not start")
    async def one(i: int):
        await asyncio.sleep(i * spread_s / pages)
        return "protocol", await _protocol_page(url, assets)

    with ServerCpu(session.server.process.pid) as server_cpu:
        t0 = time.monotonic()
        probe.stdin.write("go\n")
        probe.stdin.flush()
        results = await asyncio.gather(*(one(i) for i in range(pages) if i not in real), return_exceptions=True)
        out, _ = await asyncio.to_thread(probe.communicate, timeout=300)
        finished = time.monotonic() - t0
    results += [("chromium", r) if isinstance(r, float) else RuntimeError(r)
                for r in json.loads(out.strip().splitlines()[-1])]
    return {"results": results, "finished_s": finished, "server_cpu": server_cpu.seconds}


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


def _back_to_pool(session, pool: int) -> tuple[float | None, int]:
    """Seconds until the kernel count is the pool size again (None: not within the cull interval
    and a margin), and the count at the end."""
    closed_at = time.monotonic()
    while time.monotonic() - closed_at < CULL_INTERVAL_S + 30:
        if len(session.kernels()) == pool:
            return time.monotonic() - closed_at, pool
        time.sleep(0.25)
    return None, len(session.kernels())


def burst(pages: int = 30, spread_s: float = 10.0, pool: int = KIOSK_POOL, real_pages: int = 3,
          rounds: int = 3) -> dict:
    """``rounds`` bursts on one server, each once the pool is full again; the target must hold in
    every round."""
    real = {round((k + 1) * pages / (real_pages + 1)) for k in range(real_pages)}  # spread through the burst
    runs = []
    with workshop_session(pool=pool, with_blank=False) as session:
        url = session.page_url("kiosk.ipynb")
        assets, recorded = _in_thread(_record(url))
        for _ in range(rounds):
            session.wait_for_pool()  # the recorded page's kernel, or the last round's, replaced
            run = _in_thread(_round(session, url, assets, pages, spread_s, real))
            run["back_after"], run["kernels_left"] = _back_to_pool(session, pool)
            runs.append(run)
        try:
            browser_cpu = _chromium_cpu_per_page(url)
        except Exception as exc:  # the burst's figures stand without it
            browser_cpu, failures_after = None, repr(exc)
        else:
            failures_after = None
        log = session.server.log_path.read_text(errors="replace").splitlines()
        server_errors = [line for line in log if re.search(r"Traceback|Error|died|Address already in use", line)]

    def figures(run: dict) -> dict:
        results = run["results"]
        ready = [r[1] for r in results if isinstance(r, tuple)]
        failures = [repr(r) for r in results if not isinstance(r, tuple)]
        all_ready = not failures and len(ready) == pages
        back = run["back_after"]
        return {
            "all_ready": all_ready, "failures": failures[:3], "ready_median_s": round(median(ready), 2),
            "ready_p95_s": round(p95(ready), 2), "ready_max_s": round(max(ready), 2) if ready else None,
            "chromium_ready_s": [round(r[1], 2) for r in results if isinstance(r, tuple) and r[0] == "chromium"],
            "finished_after_s": round(run["finished_s"], 1),
            "kernels_back_to_pool_after_s": None if back is None else round(back, 1),
            "kernels_left": run["kernels_left"], "server_cpu_s_per_page": round(run["server_cpu"] / pages, 2),
            "ok": all_ready and p95(ready) <= 6.0 and back is not None and back <= CULL_INTERVAL_S,
        }

    each = [figures(run) for run in runs]
    p95s = [r["ready_p95_s"] for r in each]
    return {
        "pages": pages, "spread_s": spread_s, "pool_size": pool, "chromium_pages": len(real), "rounds": rounds,
        "assets_per_page": len(assets), "recorded_page_ready_s": round(recorded["ready_s"], 2),
        "all_ready": all(r["all_ready"] for r in each), "failures": [f for r in each for f in r["failures"]][:3],
        "ready_p95_s": round(median(p95s), 2), "ready_p95_worst_s": max(p95s),
        "ready_median_s": round(median([r["ready_median_s"] for r in each]), 2),
        "ready_max_s": max((r["ready_max_s"] or 0) for r in each),
        "chromium_ready_s": [t for r in each for t in r["chromium_ready_s"]],
        "kernels_back_to_pool_after_s": max((r["kernels_back_to_pool_after_s"] or 0) for r in each)
        if all(r["kernels_back_to_pool_after_s"] is not None for r in each) else None,
        "kernels_left": each[-1]["kernels_left"], "cull_interval_s": CULL_INTERVAL_S,
        "server_cpu_s_per_page": round(median([r["server_cpu_s_per_page"] for r in each]), 2),
        "chromium_cpu_s_per_page": None if browser_cpu is None else round(browser_cpu, 2),
        "each_round": each, "after_burst_failure": failures_after, "server_errors": server_errors[:12],
        "target": "all ready, p95 <= 6 s, kernels back to the pool within the cull interval, in every round",
        "ok": all(r["ok"] for r in each),
    }
