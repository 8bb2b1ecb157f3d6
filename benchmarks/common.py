"""Shared pieces: a throwaway workshop served by Voila exactly as ``shine workshop`` serves it,
Chromium, and waiting for the machine to go quiet between measurements."""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil

from shine.room import live
from shine.room import server as ws
from shine.room.kernels import kernel_processes
from shine.room.session import open_workshop
from shine.web.paths import dashboards_dir

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Installed before any page script runs: records performance.now() when ``selector`` first
# matches a visible, enabled element (or, for the blank page, when Voila shows the cells).
READY_SCRIPT = """
(() => {
  window.__shineReady = null;
  const selector = %s;
  const ready = () => {
    const el = document.querySelector(selector);
    if (!el || el.disabled) return false;
    const style = getComputedStyle(el);
    return style.display !== 'none' && style.visibility !== 'hidden' && el.getClientRects().length > 0;
  };
  const check = () => { if (window.__shineReady === null && ready()) { window.__shineReady = performance.now(); } };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true});
})();
"""
KIOSK_READY = ".shine-kiosk .widget-text input"
BLANK_READY = "#rendered_cells"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def median(values):
    return statistics.median(values) if values else float("nan")


def p95(values):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


@dataclass
class Session:
    home: Path
    folder: Path
    server: ws.Server
    workshop_id: int
    code: str
    url: str
    pool_total: int

    def page_url(self, name: str) -> str:
        return f"{self.url.rstrip('/')}/voila/render/{name}"

    def kernels(self) -> list[psutil.Process]:
        """Kernel processes under the Voila server (launched or forked)."""
        return kernel_processes(self.server.process.pid)

    def wait_for_pool(self, timeout: float = 180) -> float | None:
        """Until every pool is full again (seconds waited, None on timeout), then until quiet."""
        start = time.monotonic()
        waited = None
        while time.monotonic() - start < timeout:
            if len(self.kernels()) >= self.pool_total:  # leaks are the burst benchmark's concern
                waited = time.monotonic() - start
                break
            time.sleep(0.25)
        self.wait_quiet()
        return waited

    def kernel_pids(self) -> set[int]:
        return {k.pid for k in self.kernels()}

    def wait_for_replacement(self, before: set[int], timeout: float = 180) -> None:
        """After a page took a pooled kernel (``before``: the pids then) and was closed: until that
        kernel's replacement is in the pool and the machine is quiet again."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = self.kernel_pids()
            if len(now) >= self.pool_total and now - before:
                break
            time.sleep(0.25)
        self.wait_quiet()

    def wait_quiet(self, timeout: float = 60, threshold: float = 8.0) -> None:
        """Until the server and its kernels use under ``threshold`` % CPU for a second."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            procs = [psutil.Process(self.server.process.pid), *self.kernels()]
            for p in procs:
                try:
                    p.cpu_percent(None)
                except psutil.Error:
                    pass
            time.sleep(1.0)
            busy = 0.0
            for p in procs:
                try:
                    busy += p.cpu_percent(None)
                except psutil.Error:
                    pass
            if busy < threshold:
                return


def blank_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    nbformat.write(nb, path)


@contextmanager
def workshop_session(*, pool: int, cull_idle: int = ws.CULL_IDLE_S, cull_interval: int = ws.CULL_INTERVAL_S,
                     with_blank: bool = True, fill_delay: float = ws.FILL_DELAY_S):
    """A fresh SHINE_HOME, a workshop, and Voila on the dashboards (+ blank.ipynb, same pool)."""
    from shine.store import Store

    with scratch_home("shine-bench-") as home:
        folder = home / "dashboards"
        shutil.copytree(dashboards_dir(), folder)
        pools = {"kiosk.ipynb": pool}
        if with_blank:
            blank_notebook(folder / "blank.ipynb")
            pools["blank.ipynb"] = pool
        with Store() as store:
            workshop, _resumed = open_workshop(store, new=True)
        port = free_port()
        env = {live.WORKSHOP_ENV: str(workshop.id), live.KIOSK_URL_ENV: f"http://127.0.0.1:{port}/voila/render/kiosk.ipynb"}
        server = ws.start(folder, port=port, env=env, extra=ws.pool_settings(pools, fill_delay=fill_delay), cull_idle=cull_idle,
                          cull_interval=cull_interval)
        session = Session(home, folder, server, workshop.id, workshop.code, server.url, sum(pools.values()))
        try:
            session.wait_for_pool()
            yield session
        finally:
            server.stop()


@contextmanager
def scratch_home(prefix: str):
    """A new SHINE_HOME for the benchmark's own processes and the servers it starts; the old one
    is put back and the scratch folder removed afterwards."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    old = os.environ.get("SHINE_HOME")
    os.environ["SHINE_HOME"] = str(home)
    try:
        yield home
    finally:
        if old is None:
            os.environ.pop("SHINE_HOME", None)
        else:
            os.environ["SHINE_HOME"] = old
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        pw.stop()


def close_tab(page, context) -> None:
    """Close as a person closes a tab: the page's unload handlers run (Voila's shutdown beacon is
    sent) before the browser context goes."""
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    context.close()


def open_and_time(browser, url: str, selector: str, *, timeout_s: float = 60, viewport=None):
    """(seconds from navigation start to ready, context, page): a fresh context = a cold cache."""
    context = browser.new_context(viewport=viewport or {"width": 360, "height": 740})
    page = context.new_page()
    page.add_init_script(READY_SCRIPT % repr(selector))
    page.goto(url, wait_until="commit")
    page.wait_for_function("window.__shineReady !== null", timeout=timeout_s * 1000, polling=50)
    return page.evaluate("window.__shineReady") / 1000.0, context, page
