"""Kiosk ready time against a blank notebook (same Voila, same settings, same pool), and the
memory of a kiosk kernel after a participant has joined, picked a school and posted."""

from __future__ import annotations

import time

import psutil

from .common import BLANK_READY, KIOSK_READY, chromium, close_tab, median, open_and_time, workshop_session

POOL = 2


def ready_times(runs: int) -> dict:
    times = {"blank": [], "kiosk": []}
    pages = (("blank", "blank.ipynb", BLANK_READY), ("kiosk", "kiosk.ipynb", KIOSK_READY))
    # Each page takes a preheated kernel; its replacement is started at once here (not after the
    # workshop's delay) and awaited, so every page meets a full pool and a quiet machine.
    with workshop_session(pool=POOL, fill_delay=0.5) as session, chromium() as browser:
        for i in range(runs):
            for key, name, selector in (pages if i % 2 == 0 else pages[::-1]):  # alternate who goes first
                seconds, context, page = open_and_time(browser, session.page_url(name), selector)
                close_tab(page, context)
                times[key].append(seconds)
                session.wait_for_pool()
    ratio = median(times["kiosk"]) / median(times["blank"])
    return {
        "runs": runs, "pool_size": POOL,
        "blank_s": [round(t, 3) for t in times["blank"]], "kiosk_s": [round(t, 3) for t in times["kiosk"]],
        "blank_median_s": round(median(times["blank"]), 3), "kiosk_median_s": round(median(times["kiosk"]), 3),
        "ratio": round(ratio, 3), "target": "<= 1.15", "ok": ratio <= 1.15,
    }


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
