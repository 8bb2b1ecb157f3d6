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

A room of 100 (``burst(pages=100, spread_s=20, rounds=1, pool=100, hold_open=True)``): every page
stays open once ready, as phones do, until the whole room is connected; then the laptop's memory
is sampled (Voila, its fork server and every kernel: PSS and RSS sums, each kernel's own USS)
while the pool refills behind the room, and only then are the pages closed. The pool is the
room's size, ``shine workshop --kiosks 100``, because Voila hands a page that arrives once the
pool is used up the replacement it has queued, which only starts ``FILL_DELAY_S`` (30 s) after
the kernel it replaces was taken: with the default 30, the 31st phone and every one after it wait
up to 30 s (measured: a pool of 3 and 6 pages in 2 s, the last three ready after 30 s). A pool
as large as the room serves all of it from warm kernels, and its refill starts only after the
20 s arrival. The price is memory: with the room connected, the laptop holds the room's kernels
and a full pool again (200 kernels), which is what the peak measures.
"""

from __future__ import annotations

import asyncio
import json
import os
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
from shine.room.kernels import FORKSERVER_MARK, kernel_processes
from shine.room.session import KIOSK_POOL

from .common import CHROMIUM, CHROMIUM_ARGS, KIOSK_READY, READY_SCRIPT, median, p95, workshop_session

CULL_INTERVAL_S = ws.CULL_INTERVAL_S
BROWSER_CONNECTIONS = 6  # Chromium's connections per host
HOLD_ENV = "SHINE_BENCH_HOLD"  # for benchmarks.probe: a folder; its pages stay open until "release" is in it
HOLD_TIMEOUT_S = 600
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


def room_memory(server_pid: int) -> dict:
    """The laptop's memory for a server now (MiB): Voila, its fork server and every kernel. PSS
    shares each page among the processes that map it (the sum is what they take together); RSS
    counts shared pages once per process; USS is a kernel's own (what it adds to the room)."""
    try:
        server = psutil.Process(server_pid)
        procs = [server, *server.children(recursive=True)]
    except psutil.Error:
        return {}
    kernels = {k.pid for k in kernel_processes(server_pid)}
    rows = []
    for proc in procs:
        try:
            m = proc.memory_full_info()
            command = " ".join(proc.cmdline())
        except psutil.Error:
            continue  # it exited while we looked
        role = ("kernel" if proc.pid in kernels else "server" if proc.pid == server_pid
                else "fork server" if FORKSERVER_MARK in command else "other")
        rows.append((role, m.pss / 2**20, m.rss / 2**20, m.uss / 2**20))
    uss = sorted(u for role, _p, _r, u in rows if role == "kernel")

    def pss(role: str) -> float:
        return round(sum(p for r, p, _r, _u in rows if r == role), 1)

    return {"kernels": len(uss), "pss_mib": round(sum(r[1] for r in rows), 1), "rss_mib": round(sum(r[2] for r in rows), 1),
            "server_pss_mib": pss("server"), "fork_server_pss_mib": pss("fork server"), "kernels_pss_mib": pss("kernel"),
            "kernel_uss_max_mib": round(uss[-1], 1) if uss else None,
            "kernel_uss_median_mib": round(median(uss), 1) if uss else None}


class Hold:
    """Pages kept open once ready (or failed), until released: the whole room connected at once.
    The Chromium pages, in benchmarks.probe's process, learn of it through a folder (HOLD_ENV)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.settled = 0
        self.released = asyncio.Event()

    async def wait_settled(self, protocol: int, chromium: int, timeout: float = HOLD_TIMEOUT_S) -> bool:
        deadline = time.monotonic() + timeout
        while self.settled < protocol or len(list(self.folder.glob("settled-*"))) < chromium:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.25)
        return True

    def release(self) -> None:
        self.released.set()
        (self.folder / "release").touch()


async def _held_in_probe(folder: Path) -> None:
    """A Chromium page in benchmarks.probe: say it has settled, and stay open until released."""
    (folder / f"settled-{uuid.uuid4().hex}").touch()
    deadline = time.monotonic() + HOLD_TIMEOUT_S
    while not (folder / "release").exists() and time.monotonic() < deadline:
        await asyncio.sleep(0.25)


PAGE_ENV = "SHINE_BENCH_PAGE"  # for benchmarks.probe: "module:<widgets>" times module pages, else the kiosk


class PageKind:
    """What "ready" is for the pages of a burst: in Chromium (a script added to the page, the
    condition waited for and its argument, the ready time it records, in ms) and for the
    replaying client (the widget states that let a phone draw the page). The default: the kiosk."""

    init_script = READY_SCRIPT % repr(KIOSK_READY)
    ready = "window.__shineReady !== null"
    ready_arg = None
    ready_ms = "window.__shineReady"
    env = "kiosk"

    def states_ok(self, states: dict) -> bool:
        return any(s.get("model_name") == "TextModel" for s in states.values())  # the kiosk's join field


KIOSK = PageKind()


class ModulePage(PageKind):
    """A module page (benchmarks.modules' rule): ready when each of its ``widgets`` is drawn and the
    page has been still for a moment; for the client, when the page's widget states arrive."""

    def __init__(self, widgets: int):
        from .modules import PROBE, READY

        self.init_script, self.ready, self.ready_arg = PROBE, READY, widgets
        self.ready_ms, self.env = "window.__shineMarks.last", f"module:{widgets}"

    def states_ok(self, states: dict) -> bool:
        return bool(states)


def page_kind_from_env() -> PageKind:
    value = os.environ.get(PAGE_ENV, "kiosk")
    return ModulePage(int(value.split(":", 1)[1])) if value.startswith("module:") else KIOSK


async def _until_ready(page, url: str, kind: PageKind) -> float:
    await page.add_init_script(kind.init_script)
    await page.goto(url, wait_until="commit", timeout=120_000)
    await page.wait_for_function(kind.ready, arg=kind.ready_arg, timeout=120_000, polling=100)
    return await page.evaluate(kind.ready_ms) / 1000.0


async def _record_page(browser, url: str, kind: PageKind = KIOSK) -> tuple[list[str], dict]:
    """What one real Chromium page fetches (same-origin GETs), and its ready time."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    context = await browser.new_context(viewport={"width": 360, "height": 740})
    page = await context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if r.method == "GET" and r.url.startswith(origin) else None)
    ready = await _until_ready(page, url, kind)
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


async def _protocol_page(url: str, assets: list[str], hold: Hold | None = None, kind: PageKind = KIOSK) -> float:
    """Seconds until this simulated phone has everything it needs to draw the page (with
    ``hold``, the page then stays connected until released)."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    start = time.monotonic()
    client = AsyncHTTPClient(force_instance=True, max_clients=BROWSER_CONNECTIONS)
    parts = urlsplit(url)
    kernel_id = xsrf = None
    settled = False
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
                    if not kind.states_ok(states):
                        raise RuntimeError("the page's widget states came without what it shows first")
                    ready = time.monotonic() - start
                    if hold is not None:
                        hold.settled, settled = hold.settled + 1, True
                        await hold.released.wait()
                    return ready
        finally:
            socket.close()
    finally:
        if hold is not None and not settled:  # failed: the room is complete without it
            hold.settled += 1
        if kernel_id and xsrf:  # the tab closes: Voila's page sends this beacon on unload
            await client.fetch(f"{parts.scheme}://{parts.netloc}/voila/api/shutdown/{kernel_id}", method="POST",
                               body=f"_xsrf={xsrf}", headers={"Cookie": f"_xsrf={xsrf}"}, raise_error=False)
        client.close()


async def _chromium_page(browser, url: str, kind: PageKind | None = None) -> float:
    context = await browser.new_context(viewport={"width": 360, "height": 740})
    page = await context.new_page()
    try:
        return await _until_ready(page, url, kind or page_kind_from_env())
    finally:
        if os.environ.get(HOLD_ENV):  # a room kept connected (set by _round for benchmarks.probe)
            await _held_in_probe(Path(os.environ[HOLD_ENV]))
        async with page.expect_event("close"):  # unload handlers run: Voila's beacon goes out
            await page.close(run_before_unload=True)
        await context.close()


async def _record(url: str, kind: PageKind = KIOSK) -> tuple[list[str], dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            return await _record_page(browser, url, kind)
        finally:
            await browser.close()


async def _round(session, url: str, assets: list[str], pages: int, spread_s: float, real: set[int],
                 hold_folder: Path | None = None, pool: int = 0, kind: PageKind = KIOSK) -> dict:
    """One burst. With ``hold_folder``, every page stays open once ready until the room's memory
    has been measured (:func:`_connected_memory`); the server's CPU counts until all are ready."""
    # The Chromium pages run in a process of their own, so that neither their event loop nor
    # their CPU is shared with the replaying clients.
    delays = [i * spread_s / pages for i in sorted(real)]
    hold = Hold(hold_folder) if hold_folder else None
    probe = subprocess.Popen([sys.executable, "-m", "benchmarks.probe", url, json.dumps(delays)],
                             cwd=Path(__file__).resolve().parents[1], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, **({HOLD_ENV: str(hold_folder)} if hold else {}),
                                      **{PAGE_ENV: kind.env}))
    if (await asyncio.to_thread(probe.stdout.readline)).strip() != "ready":
        probe.kill()
        raise RuntimeError("the Chromium pages could not start")
    async def one(i: int):
        await asyncio.sleep(i * spread_s / pages)
        return "protocol", await _protocol_page(url, assets, hold, kind)

    memory = None
    with ServerCpu(session.server.process.pid) as server_cpu:
        t0 = time.monotonic()
        probe.stdin.write("go\n")
        probe.stdin.flush()
        protocol = asyncio.gather(*(one(i) for i in range(pages) if i not in real), return_exceptions=True)
        if hold is None:
            results = await protocol
            out, _ = await asyncio.to_thread(probe.communicate, timeout=300)
        else:
            await hold.wait_settled(pages - len(real), len(real))
        finished = time.monotonic() - t0
    if hold is not None:
        try:
            memory = await asyncio.to_thread(_connected_memory, session, pages + pool)
        finally:
            hold.release()
        results = await protocol
        out, _ = await asyncio.to_thread(probe.communicate, timeout=300)
    results += [("chromium", r) if isinstance(r, float) else RuntimeError(r)
                for r in json.loads(out.strip().splitlines()[-1])]
    return {"results": results, "finished_s": finished, "server_cpu": server_cpu.seconds, "memory": memory}


def _connected_memory(session, full: int, every_s: float = 2.0) -> dict:
    """The room connected: its memory at once, then every ``every_s`` while the pool refills
    behind it, until ``full`` kernels (the room and a full pool) and a quiet machine, or the
    fill delay and a minute and a half; the peak is the sample with the largest PSS sum."""
    pid = session.server.process.pid
    start = time.monotonic()
    first = room_memory(pid)
    samples = [(0.0, first)]
    while time.monotonic() - start < ws.FILL_DELAY_S + 90 and samples[-1][1].get("kernels", 0) < full:
        time.sleep(every_s)
        samples.append((time.monotonic() - start, room_memory(pid)))
    session.wait_quiet()
    samples.append((time.monotonic() - start, room_memory(pid)))
    after, peak = max(samples, key=lambda s: s[1].get("pss_mib", 0))
    return {"all_connected": first, "peak": peak, "peak_after_s": round(after, 1),
            "held_s": round(samples[-1][0], 1), "kernels_over_time": [(round(t), m.get("kernels")) for t, m in samples]}


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
          rounds: int = 3, *, hold_open: bool = False, p95_target_s: float = 6.0,
          uss_target_mib: float | None = None) -> dict:
    """``rounds`` bursts on one server, each once the pool is full again; the target must hold in
    every round. ``hold_open``: the room stays connected until its memory is measured (then
    ``uss_target_mib`` bounds each kiosk kernel's own memory)."""
    real = {round((k + 1) * pages / (real_pages + 1)) for k in range(real_pages)}  # spread through the burst
    runs = []
    with workshop_session(pool=pool, with_blank=False) as session:
        url = session.page_url("kiosk.ipynb")
        assets, recorded = _in_thread(_record(url))
        for k in range(rounds):
            session.wait_for_pool()  # the recorded page's kernel, or the last round's, replaced
            hold_folder = None
            if hold_open:
                hold_folder = session.home / f"hold-{k}"
                hold_folder.mkdir()
            run = _in_thread(_round(session, url, assets, pages, spread_s, real, hold_folder, pool))
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
        uss = (run["memory"] or {}).get("all_connected", {}).get("kernel_uss_max_mib")
        uss_ok = uss_target_mib is None or (uss is not None and uss <= uss_target_mib)
        return {
            "all_ready": all_ready, "failures": failures[:3], "ready_median_s": round(median(ready), 2),
            "ready_p95_s": round(p95(ready), 2), "ready_max_s": round(max(ready), 2) if ready else None,
            "chromium_ready_s": [round(r[1], 2) for r in results if isinstance(r, tuple) and r[0] == "chromium"],
            "finished_after_s": round(run["finished_s"], 1),
            "kernels_back_to_pool_after_s": None if back is None else round(back, 1),
            "kernels_left": run["kernels_left"], "server_cpu_s_per_page": round(run["server_cpu"] / pages, 2),
            "ok": (all_ready and p95(ready) <= p95_target_s and back is not None and back <= CULL_INTERVAL_S
                   and uss_ok),
        }

    each = [figures(run) for run in runs]
    p95s = [r["ready_p95_s"] for r in each]
    target = f"all ready, p95 <= {p95_target_s:g} s, kernels back to the pool within the cull interval"
    if uss_target_mib is not None:
        target += f", each kiosk kernel's own memory (USS) <= {uss_target_mib:g} MiB with the room connected"
    memory = {}
    if hold_open:  # the round whose peak was highest
        memory = {"memory": max((r["memory"] for r in runs if r["memory"]),
                                key=lambda m: m["peak"].get("pss_mib", 0), default=None)}
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
        **memory, "each_round": each, "after_burst_failure": failures_after, "server_errors": server_errors[:12],
        "target": target + ", in every round", "ok": all(r["ok"] for r in each),
    }
