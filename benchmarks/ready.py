"""Kiosk ready time against a blank notebook (same Voila, same settings, same pool), and the
memory of a kiosk kernel after a participant has joined, picked a school and posted."""

from __future__ import annotations

import os
import time

import psutil

from .common import BLANK_READY, KIOSK_READY, chromium, close_tab, median, open_and_time, workshop_session

POOL = 2


# A taken kernel's replacement is preheated this long after: after the measured page is ready
# (the slowest, on one core, takes about 4 s), as in a workshop (FILL_DELAY_S, 30 s), so no page
# is measured while its predecessor's replacement is being preheated.
REFILL_AFTER_S = 8.0


def measured_pages(runs: int, measure) -> dict[str, list]:
    """``measure(browser, url, selector)`` for the blank notebook and the kiosk, ``runs`` times each,
    alternating which goes first; every page meets a full pool and a quiet machine."""
    pages = (("blank", "blank.ipynb", BLANK_READY), ("kiosk", "kiosk.ipynb", KIOSK_READY))
    seen: dict[str, list] = {"blank": [], "kiosk": []}
    with workshop_session(pool=POOL, fill_delay=REFILL_AFTER_S) as session, chromium() as browser:
        for i in range(runs):
            for key, name, selector in (pages if i % 2 == 0 else pages[::-1]):
                before = session.kernel_pids()
                seen[key].append(measure(browser, session.page_url(name), selector))
                session.wait_for_replacement(before)
    return seen


def _ready_seconds(browser, url: str, selector: str) -> float:
    seconds, context, page = open_and_time(browser, url, selector)
    close_tab(page, context)
    return seconds


def ready_times(runs: int) -> dict:
    times = measured_pages(runs, _ready_seconds)
    ratio = median(times["kiosk"]) / median(times["blank"])
    return {
        "runs": runs, "pool_size": POOL,
        "blank_s": [round(t, 3) for t in times["blank"]], "kiosk_s": [round(t, 3) for t in times["kiosk"]],
        "blank_median_s": round(median(times["blank"]), 3), "kiosk_median_s": round(median(times["kiosk"]), 3),
        "ratio": round(ratio, 3), "target": "<= 1.15", "ok": ratio <= 1.15,
    }


def on_one_core(run):
    """``run()`` with everything it starts (Voila, its kernels, Chromium) on one core, as
    ``taskset -c 0`` would run it: a machine half as fast, where a page's fixed costs show more."""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})  # inherited by every process started from here on
    try:
        return {**run(), "cores": 1}
    finally:
        os.sched_setaffinity(0, before)


def kiosk_memory() -> dict:
    with workshop_session(pool=1, with_blank=False) as session, chromium() as browser:
        _t, context, page = open_and_time(browser, session.page_url("kiosk.ipynb"), KIOSK_READY)
        page.fill(KIOSK_READY, session.code)
        page.get_by_role("button", name="Join", exact=True).click()
        page.wait_for_selector(".shine-kiosk select")
        page.select_option(".shine-kiosk select", label="My school is not in the list")
        fields = page.locator(".shine-kiosk .widget-text input")
        fields.nth(0).fill("Groton")
        fields.nth(1).fill("Cutler Middle School")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Milestone", exact=True).click()
        page.fill(".shine-kiosk textarea", "First family night: 40 families came")
        page.get_by_role("button", name="Parenting", exact=True).click()
        page.get_by_role("button", name="Post", exact=True).click()
        page.wait_for_selector("text=Posted!")
        time.sleep(2)
        kernels = session.kernels()
        rss, uss = [], []  # uss: memory the kernel holds on its own (forked kernels share the rest)
        for kernel in kernels:
            try:
                rss.append(kernel.memory_info().rss / 2**20)
                uss.append(kernel.memory_full_info().uss / 2**20)
            except psutil.Error:
                pass
        context.close()
    worst = max(rss)
    return {"kernels_measured": len(rss), "rss_mib": [round(r, 1) for r in rss], "max_rss_mib": round(worst, 1),
            "uss_mib": [round(u, 1) for u in uss], "max_uss_mib": round(max(uss), 1),
            "target": "<= 80 MiB", "ok": worst <= 80}
