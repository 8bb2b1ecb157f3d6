"""Module pages ready against a blank notebook, and where each module's time goes.

``module_ready``: each module (00-07) opened in Chromium (360 px wide, a fresh context = a cold
browser cache) on one Voila run as ``shine serve`` runs it, against a blank notebook on the same
server: median of ``runs``, the order alternating, every page meeting a full pool of preheated
kernels (``pool=0``: no pool, every page starts its kernel, as ``shine serve --pool 0``).

"Ready" is the same rule for every page, the blank one included: Voila shows the cells
(``#rendered_cells`` visible), every widget the notebook displays is in the page (an output area
holding a widget view; each cell of a module displays one widget, the blank page none), and then
nothing in the page changes for :data:`QUIET_MS` (no node added, removed
or changed: the views' children are drawn, and no message from the kernel is still changing one).
The time is that of the page's last change.

``module_breakdown``: where the time goes, for each module

* in the kernel: each cell run in a fresh interpreter, as a kernel started from nothing runs it
  (imports, content, charts), and the same cells after importing ``MODULE_PRELOAD`` (what a kernel
  forked from the module pages' fork server already has, :mod:`shine.lessons.preload`):
  milliseconds per cell, and the widget models the page makes;
* in the page (Performance API, from navigation start): ``html`` (the page arrived), ``app``
  (Voila shows the cells), ``first_widget``, ``ready``; the widget views drawn and the bytes the
  page fetched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

from shine.room import server as ws
from shine.room.kernels import kernel_processes
from shine.web.paths import modules_dir

from .common import Session, blank_notebook, chromium, close_tab, free_port, median, scratch_home

MODULES = ["00-welcome", "01-definition", "02-district-systems", "03-dual-capacity", "04-types-standards-impact",
           "05-plays", "06-plays-to-plan", "07-evaluate-celebrate"]
QUICK = ["00-welcome", "04-types-standards-impact"]  # the lightest and the heaviest page
QUIET_MS = 300
TARGET = 1.3
# A taken kernel's replacement is preheated this long after (as ready.py does for the kiosk): after
# the measured page is ready, so no page is measured while the previous one's replacement starts.
REFILL_AFTER_S = 8.0

PROBE = """
(() => {
  const t = () => performance.now();
  const marks = window.__shineMarks = {last: 0};
  const visible = (el) => el && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
  new MutationObserver(() => {
    const now = t();
    marks.last = now;
    if (!('app' in marks) && visible(document.querySelector('#rendered_cells'))) marks.app = now;
    if (!('first_widget' in marks) && document.querySelector(VIEWS)) marks.first_widget = now;
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""
# Ready: the cells are shown, every widget view is in the page, and the page has not changed for QUIET_MS.
READY = ("(expected) => { const m = window.__shineMarks; return ('app' in m)"
         " && document.querySelectorAll(VIEWS).length >= expected && performance.now() - m.last >= %d; }"
         % QUIET_MS)
VIEWS = "'#rendered_cells .jp-OutputArea-output > .jupyter-widgets'"  # a cell's widget, drawn
PROBE, READY = PROBE.replace("VIEWS", VIEWS), READY.replace("VIEWS", VIEWS)


@contextmanager
def modules_server(pool: int, fill_delay: float = REFILL_AFTER_S, preload: bool = True):
    """A scratch SHINE_HOME and Voila on a copy of modules/ (+ blank.ipynb), as ``shine serve
    --pool`` runs it: ``pool`` preheated kernels for each English module and for the blank page.
    ``preload=False``: the fork server imports only the kiosk's list (as before module pools)."""
    with scratch_home("shine-bench-modules-") as home:
        folder = home / "modules"
        shutil.copytree(modules_dir(), folder)
        blank_notebook(folder / "blank.ipynb")
        from shine.store import Store

        with Store() as store:  # the store exists, as on a trainer's laptop (creating it is not a page's cost)
            checked = {"SHINE_STORE_CHECKED": str(store.path)}  # and was checked at start, as shine serve does
        pools = {**ws.module_pools(folder, pool), "blank.ipynb": pool} if pool else {}
        extra = ws.pool_settings(pools, fill_delay=fill_delay) if pools else []
        env = {ws.PRELOAD_ENV: ws.MODULE_PAGES if preload else "", **checked}
        server = ws.start(folder, port=free_port(), extra=extra, startup_timeout=180, env=env)
        session = Session(home, folder, server, 0, "", server.url, sum(pools.values()))
        try:
            session.wait_for_pool(timeout=600)
            yield session
        finally:
            server.stop()


def widget_cells(folder: Path, name: str) -> int:
    """The widgets a page shows when it is ready: one per code cell (a module's cells each display one)."""
    cells = json.loads((folder / name).read_text(encoding="utf-8"))["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code")


def open_page(browser, url: str, expected: int = 0, timeout_s: float = 90) -> dict:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.add_init_script(PROBE)
    page.goto(url, wait_until="commit")
    page.wait_for_function(READY, arg=expected, timeout=timeout_s * 1000, polling=50)
    marks = page.evaluate(("""() => {
      const m = Object.assign({}, window.__shineMarks);
      m.ready = m.last;
      delete m.last;
      m.html = performance.getEntriesByType('navigation')[0].responseEnd;
      const res = performance.getEntriesByType('resource');
      m.requests = res.length;
      m.kib = Math.round(res.reduce((s, r) => s + (r.encodedBodySize || 0), 0) / 1024);
      m.widget_views = document.querySelectorAll(VIEWS).length;
      m.widgets = document.querySelectorAll('#rendered_cells .jupyter-widgets').length;
      return m;
    }""").replace("VIEWS", VIEWS))
    close_tab(page, context)
    return marks


def _wait_after(session: Session, before: set[int], pool: int) -> None:
    if pool:
        session.wait_for_replacement(before, timeout=300)
    else:
        session.wait_quiet()


def module_ready(runs: int = 5, pool: int = 1, modules: list[str] | None = None, preload: bool = True) -> dict:
    modules = modules or MODULES
    seen: dict[str, list[dict]] = {"blank": [], **{m: [] for m in modules}}
    load = os.getloadavg()[0]
    with modules_server(pool, preload=preload) as session, chromium() as browser:
        memory = pool_memory(session) if pool else {}
        if not pool:  # the fork server starts with the first kernel: not in any measured page
            open_page(browser, session.page_url("blank.ipynb"))
            session.wait_quiet()
        for i in range(runs):
            # Alternating: the blank page first in even runs, last in odd ones; modules reversed too.
            order = ["blank", *modules] if i % 2 == 0 else [*modules[::-1], "blank"]
            for name in order:
                before = session.kernel_pids()
                seen[name].append(open_page(browser, session.page_url(f"{name}.ipynb"),
                                            widget_cells(session.folder, f"{name}.ipynb")))
                _wait_after(session, before, pool)
    blank = median([m["ready"] for m in seen["blank"]]) / 1000
    rows = {}
    for name in modules:
        ready = median([m["ready"] for m in seen[name]]) / 1000
        rows[name] = {"ready_s": [round(m["ready"] / 1000, 3) for m in seen[name]], "median_s": round(ready, 3),
                      "ratio": round(ready / blank, 3)}
    worst = max(r["ratio"] for r in rows.values())
    return {"runs": runs, "pool_size": pool, "preload": preload, "quiet_ms": QUIET_MS, "load_before": round(load, 2),
            "load_after": round(os.getloadavg()[0], 2),
            "blank_s": [round(m["ready"] / 1000, 3) for m in seen["blank"]], "blank_median_s": round(blank, 3),
            "modules": rows, "worst_ratio": worst, "page_ms": _page_medians(seen), **memory,
            "target": f"<= {TARGET}x each", "ok": worst <= TARGET}


def _page_medians(seen: dict[str, list[dict]]) -> dict:
    keys = ("html", "app", "first_widget", "ready", "widget_views", "widgets", "requests", "kib")
    return {name: {k: round(median([m[k] for m in rows if k in m]), 1) for k in keys if any(k in m for m in rows)}
            for name, rows in seen.items()}


def pool_memory(session: Session) -> dict:
    """RSS of the server, and RSS / own memory (USS) of each pooled kernel and of the fork server."""
    kernels = kernel_processes(session.server.process.pid)
    own = []
    for k in kernels:
        try:
            own.append(k.memory_full_info().uss / 2**20)
        except psutil.Error:
            pass
    server = psutil.Process(session.server.process.pid)
    fork_servers = [p for p in server.children() if "forkserver" in " ".join(p.cmdline())]
    fork_rss = sum(p.memory_info().rss for p in fork_servers) / 2**20
    return {"kernels_pooled": len(own), "kernel_uss_mib_max": round(max(own, default=0), 1),
            "kernel_uss_mib_median": round(median(own), 1) if own else None,
            "fork_server_rss_mib": round(fork_rss, 1), "server_rss_mib": round(server.memory_info().rss / 2**20, 1)}


# --- in the kernel ------------------------------------------------------------------------------

CELL_TIMER = r"""
import json, os, sys, time
start = time.perf_counter()
if sys.argv[2] == "warm":  # what a kernel forked from the module pages' fork server has already done
    import importlib
    from shine.room.kernels import MODULE_PRELOAD
    for name in MODULE_PRELOAD:
        importlib.import_module(name)
warm_s = time.perf_counter() - start
import ipywidgets.widgets.widget as widget
path = os.path.abspath(sys.argv[1])
os.chdir(os.path.dirname(path))
cells = []
for cell in json.load(open(path, encoding="utf-8"))["cells"]:
    if cell["cell_type"] != "code":
        continue
    source = "".join(cell["source"])
    models, t = len(widget._instances), time.perf_counter()
    exec(compile(source, "cell", "exec"), {})
    cells.append({"cell": source.strip().splitlines()[-1][:48], "ms": round((time.perf_counter() - t) * 1000),
                  "models": len(widget._instances) - models})
print(json.dumps({"cells": cells, "models": len(widget._instances), "warm_ms": round(warm_s * 1000),
                  "cells_ms": sum(c["ms"] for c in cells), "matplotlib": "matplotlib" in sys.modules}))
"""


def kernel_cells(module: str, mode: str) -> dict:
    """The module's cells run in a fresh interpreter (``cold``) or after the warm preload (``warm``)."""
    home = tempfile.mkdtemp(prefix="shine-bench-cells-")
    try:
        env = {**os.environ, "SHINE_HOME": home}
        env.pop("QUERY_STRING", None)
        # The store exists and was checked by the server (shine serve), as on a trainer's laptop.
        made = subprocess.run([sys.executable, "-c", "from shine.store import Store\nwith Store() as s: print(s.path)"],
                              capture_output=True, text=True, env=env, timeout=120, check=True)
        env["SHINE_STORE_CHECKED"] = made.stdout.strip().splitlines()[-1]
        out = subprocess.run([sys.executable, "-c", CELL_TIMER, str(modules_dir() / f"{module}.ipynb"), mode],
                             capture_output=True, text=True, env=env, timeout=300, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(home, ignore_errors=True)


def module_breakdown(modules: list[str] | None = None, runs: int = 1) -> dict:
    rows = {}
    for module in modules or MODULES:
        cold = [kernel_cells(module, "cold") for _ in range(runs)]
        warm = [kernel_cells(module, "warm") for _ in range(runs)]
        rows[module] = {
            "models": cold[0]["models"],
            "cold_cells_ms": median([c["cells_ms"] for c in cold]),
            "warm_cells_ms": median([w["cells_ms"] for w in warm]),
            "cold_cells": cold[0]["cells"], "warm_cells": warm[0]["cells"],
            "matplotlib": cold[0]["matplotlib"],
        }
    started = time.monotonic()
    warm_import = kernel_cells(modules[0] if modules else MODULES[0], "warm")["warm_ms"]
    return {"kernel": rows, "warm_preload_ms": warm_import, "took_s": round(time.monotonic() - started, 1),
            "ok": True}  # a breakdown, not a target
