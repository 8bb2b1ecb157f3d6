"""Preheated module pages that follow the day's agenda.

When the trainer says "open module 3", the whole room opens the same page within a few seconds.
A page served from a preheated kernel is ready as fast as a blank one; a page whose kernel must
start first waits for a laptop that is starting thirty of them. So the module server of
``shine workshop`` (and ``shine serve --agenda``) keeps its pools where the agenda is going:

* the segment under way and the one after it (the next to start) name the module pages they
  open (``modules:`` in ``agendas.yaml``). Each of those pages keeps a pool the size of the room,
  filled while the segment before runs, so the room finds it warm when the segment starts, and
  refilled after the room has opened it (latecomers, reloads);
* every other module page keeps none: the pools of segments that are past are released (the
  pages people still have open keep their kernels);
* the room is the number of devices that joined at the kiosk, or the expected size
  (``--kiosks``) before anyone has, plus a tenth for reloads; in a bilingual room each
  language's pages get their share. The total is capped by the memory the laptop had free when
  the workshop started (:func:`kernel_budget`).

This process (the trainer's ``shine workshop``) works the plan out from the store every
:data:`FOLLOW_EVERY_S` seconds and writes it to a small JSON file; the module server's Voila reads
it and resizes its pools (``shine.upstream.voila_pools_follow``), growing them a few kernels at a
time so the pages being used stay fast, and writes back what its pools hold. The facilitator
console shows that (:func:`read_status`).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

MODULE_KERNEL_MIB = 60  # a preheated module page's own memory, the heaviest page (benchmarks/modules.py)
MEMORY_SHARE = 0.6  # of the memory free at the start, what preheated module pages may take
RESERVE_MIB = 1024  # never counted on: the system, the browser, the kiosk server
FOLLOW_EVERY_S = 2.0
STATUS_STALE_S = 15.0  # a status older than this: the module server is not answering
PLAN_ENV = "SHINE_POOL_PLAN"  # in the module server's environment: the plan file it follows
STATUS_SUFFIX = ".status.json"


def kernel_budget(available_bytes: int | None = None) -> int:
    """How many preheated module kernels the laptop can hold: a share of the memory it has free
    now (less a reserve), at :data:`MODULE_KERNEL_MIB` each; at least 2."""
    if available_bytes is None:
        import psutil

        available_bytes = psutil.virtual_memory().available
    usable = max(0.0, available_bytes / 2**20 - RESERVE_MIB) * MEMORY_SHARE
    return max(2, int(usable // MODULE_KERNEL_MIB))


def room_size(devices: int, expected: int) -> int:
    """Pages to keep warm for one module: the devices that joined (or ``expected`` before any
    has), plus a tenth for reloads and latecomers."""
    room = devices if devices > 0 else expected
    return room + max(1, math.ceil(room / 10)) if room > 0 else 0


def notebook_for(module_id: str, lang: str, default_lang: str = "en") -> str:
    """The module page's path as Voila names it: ``03-dual-capacity.ipynb`` or ``es/...``."""
    return f"{module_id}.ipynb" if lang == default_lang else f"{lang}/{module_id}.ipynb"


def plan_pools(segments: list[dict], current: str | None, *, room: int, languages: list[str],
               available: set[str], budget: int, default_lang: str = "en") -> dict[str, int]:
    """``{notebook: pool size}`` for every module page in ``available``.

    The modules of the segment under way (``current``; None before the first) and of the segment
    after it get ``room`` kernels, shared among ``languages``; the rest get 0. When the total
    exceeds ``budget``, the segment under way keeps its pages first (its room is opening them).
    """
    ids = [s.get("id") for s in segments]
    index = ids.index(current) if current in ids else -1
    wanted: list[str] = []  # in order of priority
    for seg in segments[max(index, 0):index + 2]:
        for module in seg.get("modules") or []:
            for lang in languages:
                name = notebook_for(module, lang, default_lang)
                if name in available and name not in wanted:
                    wanted.append(name)
    share = math.ceil(room / max(1, len(languages))) if room > 0 else 0
    plan = dict.fromkeys(sorted(available), 0)
    left = budget
    for name in wanted:
        plan[name] = min(share, left)
        left -= plan[name]
    return plan


@dataclass(frozen=True)
class PoolStatus:
    """What the module server's pools hold, as it last wrote."""

    pools: dict[str, dict]  # notebook -> {"target", "ready", "warming"}
    written_at: float
    stale: bool

    def busy(self) -> dict[str, dict]:
        """The pools that hold or want kernels."""
        return {name: p for name, p in self.pools.items() if p.get("target") or p.get("ready") or p.get("warming")}


def status_path(plan_file: Path) -> Path:
    return plan_file.with_name(plan_file.name.removesuffix(".json") + STATUS_SUFFIX)


def plan_file_for(workshop_id: int) -> Path:
    from shine.web.paths import shine_home

    return shine_home() / "run" / f"pools-{workshop_id}.json"


def write_json(path: Path, data: dict) -> bool:
    """Replace ``path`` with ``data`` at once (a reader never sees half a file); False when the
    disk cannot take it (the pools then stay as they are)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False


def read_status(workshop_id: int, *, now: float | None = None) -> PoolStatus | None:
    """The module server's pools for this workshop, or None when it runs none."""
    try:
        data = json.loads(status_path(plan_file_for(workshop_id)).read_text(encoding="utf-8"))
        written = float(data["written_at"])
        pools = {str(k): dict(v) for k, v in dict(data["pools"]).items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    now = time.time() if now is None else now
    return PoolStatus(pools, written, now - written > STATUS_STALE_S)


def forget_status(workshop_id: int) -> None:
    """Remove the plan and status files of this workshop's module server (none is running)."""
    plan = plan_file_for(workshop_id)
    for path in (plan, status_path(plan)):
        with contextlib.suppress(OSError):
            path.unlink()


class PoolFollower:
    """Works out the module server's pools from the store, every :data:`FOLLOW_EVERY_S` seconds,
    in a thread of ``shine workshop``; the module server reads the file it writes."""

    def __init__(self, workshop_id: int, available: set[str], *, expected: int, budget: int | None = None,
                 plan_file: Path | None = None, every_s: float = FOLLOW_EVERY_S):
        self.workshop_id = workshop_id
        self.available = set(available)  # the module pages the server has, as Voila names them
        self.expected = expected
        self.budget = kernel_budget() if budget is None else budget
        self.plan_file = plan_file or plan_file_for(workshop_id)
        self.every_s = every_s
        self.last: dict[str, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def plan(self, store) -> dict[str, int]:
        from shine.i18n import DEFAULT_LANGUAGE

        from .languages import room_languages

        workshop = store.room.workshop(self.workshop_id)
        setup = workshop.setup or {}
        state = store.room.session_state(self.workshop_id)
        room = room_size(store.room.devices_joined(self.workshop_id), self.expected)
        return plan_pools(setup.get("segments", []), state.segment_id, room=room,
                          languages=room_languages(setup), available=self.available, budget=self.budget,
                          default_lang=DEFAULT_LANGUAGE)

    def step(self, store) -> dict[str, int] | None:
        """One look at the store; the plan when it changed (and was written)."""
        plan = self.plan(store)
        if plan == self.last:
            return None
        if write_json(self.plan_file, {"pools": plan, "written_at": time.time()}):
            self.last = plan
            return plan
        return None

    def start(self) -> PoolFollower:
        from shine.store import Store, StoreError

        def run():
            with contextlib.suppress(StoreError), Store() as store:
                while not self._stop.is_set():
                    with contextlib.suppress(StoreError):  # a busy or failing store: try again next time
                        self.step(store)
                    self._stop.wait(self.every_s)

        self._thread = threading.Thread(target=run, name="shine-pools", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        with contextlib.suppress(OSError):
            self.plan_file.unlink()
        with contextlib.suppress(OSError):
            status_path(self.plan_file).unlink()

