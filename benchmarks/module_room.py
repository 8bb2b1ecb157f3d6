"""A room opens a module: 30 pages of module 03, then 30 of module 06, each within 10 s.

Measured like the kiosk burst (:mod:`benchmarks.burst`): most pages are a client that asks the
server for exactly what a Chromium page asks for (the page, its scripts and styles over six
connections, a kernel websocket, the widget states), and a few are real Chromium pages, timed to
ready as in :mod:`benchmarks.modules`. Each page closes as a tab does once it is ready.

Two ways of serving, each on a fresh server and a workshop whose room has ``pages`` devices
joined at the kiosk:

* ``agenda``: the module server of ``shine workshop`` (:func:`shine.room.server.start_module_server`).
  The agenda's segment before the module is started; the pool fills for the room (the time it
  takes is reported); then the module's segment starts and the room opens the page. Afterwards
  the pool must be back to its size (the kernels taken are replaced), and the module's pool is
  released once the segment after it starts (the time each takes is reported);
* ``plain``: ``shine serve`` as it is without an agenda (a pool of 1 per module).
"""

from __future__ import annotations

import os
import shutil
import time

from shine.room import server as ws
from shine.room import pools
from shine.web.paths import modules_dir

from . import burst
from .common import Session, free_port, median, p95, scratch_home
from .modules import widget_cells

MODULES = ("03-dual-capacity", "06-plays-to-plan")
TARGET_P95_S = 6.0
BACK_TIMEOUT_S = 240


def _segments(modules: tuple[str, ...]) -> list[dict]:
    """An agenda with a segment before each module's and one after: talk, module, talk, module, ..."""
    segments = []
    for i, module in enumerate(modules):
        segments += [{"id": f"before-{i}", "minutes": 10, "kind": "discussion"},
                     {"id": f"module-{i}", "minutes": 30, "kind": "module", "modules": [module]}]
    return [*segments, {"id": "closing", "minutes": 10, "kind": "closing"}]


def _status(follower, name: str) -> dict:
    status = pools.read_status(follower.workshop_id)
    return status.pools.get(name, {}) if status else {}


def _wait_for(check, timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(0.25)
    return None


def _start_segment(workshop_id: int, segment: str) -> None:
    from shine.store import Store

    with Store() as store:
        store.room.record_event(workshop_id, "start", segment)


def module_room(pages: int = 30, spread_s: float = 10.0, modules: tuple[str, ...] = MODULES, agenda: bool = True,
                real_pages: int = 3) -> dict:
    from shine.room.session import open_workshop
    from shine.store import Store

    real = {round((k + 1) * pages / (real_pages + 1)) for k in range(real_pages)}
    rows = {}
    with scratch_home("shine-bench-room-") as home:
        folder = home / "modules"
        shutil.copytree(modules_dir(), folder)
        with Store() as store:
            workshop, _ = open_workshop(store, new=True)
            store.room.set_workshop_setup(workshop.id, {**workshop.setup, "segments": _segments(modules)})
            for i in range(pages):
                store.room.join(workshop.id, f"phone-{i:03d}")
            checked = {"SHINE_STORE_CHECKED": str(store.path)}
        follower = None
        if agenda:
            server, follower = ws.start_module_server(workshop.id, port=free_port(), lan=False, expected=pages,
                                                      notebooks=folder)
        else:
            server = ws.start(folder, port=free_port(), startup_timeout=180,
                              env={ws.PRELOAD_ENV: ws.MODULE_PAGES, **checked},
                              extra=ws.pool_settings(ws.module_pools(folder, ws.MODULE_POOL)))
        session = Session(home, folder, server, workshop.id, workshop.code, server.url, 0)
        try:
            if not agenda:
                session.pool_total = len(ws.module_pools(folder, ws.MODULE_POOL)) * ws.MODULE_POOL
                session.wait_for_pool(timeout=600)
            # Every Voila page loads the same scripts and styles: recorded from a page not measured.
            welcome = "00-welcome.ipynb"
            assets, _recorded = burst._in_thread(burst._record(session.page_url(welcome),
                                                               burst.ModulePage(widget_cells(folder, welcome))))
            session.wait_quiet()
            for i, module in enumerate(modules):
                name = f"{module}.ipynb"
                row = {"pool_fill_s": None}
                if follower is not None:
                    if i == 0:  # later ones started when the last module's segment ended
                        _start_segment(workshop.id, "before-0")
                        segment_started = time.monotonic()
                    target = pools.room_size(pages, pages)
                    row["pool_target"] = target
                    if _wait_for(lambda: _status(follower, name).get("ready", 0) >= target, 600) is not None:
                        row["pool_fill_s"] = time.monotonic() - segment_started
                    session.wait_quiet()
                    _start_segment(workshop.id, f"module-{i}")
                kind = burst.ModulePage(widget_cells(folder, name))
                run = burst._in_thread(burst._round(session, session.page_url(name), assets, pages, spread_s, real,
                                                    kind=kind))
                ready = [r[1] for r in run["results"] if isinstance(r, tuple)]
                failures = [repr(r) for r in run["results"] if not isinstance(r, tuple)]
                row.update({"all_ready": len(ready) == pages and not failures, "failures": failures[:3],
                            "median_s": round(median(ready), 3) if ready else None,
                            "p95_s": round(p95(ready), 3) if ready else None,
                            "max_s": round(max(ready), 3) if ready else None,
                            "chromium_ready_s": [round(r[1], 2) for r in run["results"]
                                                 if isinstance(r, tuple) and r[0] == "chromium"],
                            "server_cpu_s_per_page": round(run["server_cpu"] / pages, 2)})
                if follower is not None:
                    row["back_to_pool_s"] = _wait_for(
                        lambda: _status(follower, name).get("ready", 0) >= row["pool_target"], BACK_TIMEOUT_S)
                    _start_segment(workshop.id, f"before-{i + 1}" if i + 1 < len(modules) else "closing")
                    segment_started = time.monotonic()
                    row["released_s"] = _wait_for(lambda: not any(_status(follower, name).values()), 120)
                rows[module] = row
                session.wait_quiet()
        finally:
            if follower is not None:
                follower.stop()
            server.stop()
    if agenda:
        ok = all(r["all_ready"] and (r["p95_s"] or 1e9) <= TARGET_P95_S and r.get("back_to_pool_s") is not None
                 for r in rows.values())
    else:  # the figures without an agenda are reported, not held to the target
        ok = all(r["all_ready"] for r in rows.values())
    return {"pages": pages, "spread_s": spread_s, "agenda": agenda, "modules": rows,
            "load_after": round(os.getloadavg()[0], 2),
            "target": f"all ready, p95 <= {TARGET_P95_S} s, pool back to size" if agenda else "reported (all ready)",
            "ok": ok}
