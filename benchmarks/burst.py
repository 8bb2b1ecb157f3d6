"""A room arriving at once: N kiosk pages opened within a few seconds, each timed to ready;
then all closed, and the kernel count must fall back to the pool size within the cull interval."""

from __future__ import annotations

import asyncio
import resource
import time

import psutil

from shine import workshop as ws

from .common import CHROMIUM, CHROMIUM_ARGS, KIOSK_READY, READY_SCRIPT, p95, median, workshop_session

CULL_INTERVAL_S = ws.CULL_INTERVAL_S


async def _open_all(url: str, pages: int, spread_s: float) -> tuple[list[float], list]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        opened = []

        async def one(i: int):
            await asyncio.sleep(i * spread_s / pages)
            context = await browser.new_context(viewport={"width": 360, "height": 740})
            page = await context.new_page()
            await page.add_init_script(READY_SCRIPT % repr(KIOSK_READY))
            await page.goto(url, wait_until="commit", timeout=120_000)
            await page.wait_for_function("window.__shineReady !== null", timeout=120_000, polling=100)
            opened.append((context, page))
            return await page.evaluate("window.__shineReady") / 1000.0

        results = await asyncio.gather(*(one(i) for i in range(pages)), return_exceptions=True)
        for context, page in opened:
            await page.close(run_before_unload=True)
            await context.close()
        await browser.close()
    return results


def _server_cpu(session) -> float:
    """CPU seconds used so far by Voila and its kernels (what the trainer's laptop carries)."""
    total = 0.0
    for proc in [psutil.Process(session.server.process.pid), *session.kernels()]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def burst(pages: int = 30, spread_s: float = 10.0, pool: int = ws.KIOSK_POOL) -> dict:
    with workshop_session(pool=pool, with_blank=False) as session:
        start = time.monotonic()
        server_before = _server_cpu(session)
        browser_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        results = asyncio.run(_open_all(session.page_url("kiosk.ipynb"), pages, spread_s))
        closed_at = time.monotonic()
        server_cpu = _server_cpu(session) - server_before  # kernels that already exited are not counted
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # Chromium and its driver, reaped on exit
        browser_cpu = (after.ru_utime + after.ru_stime) - (browser_before.ru_utime + browser_before.ru_stime)
        ready = [r for r in results if isinstance(r, float)]
        failures = [repr(r) for r in results if not isinstance(r, float)]
        back_after = None
        while time.monotonic() - closed_at < CULL_INTERVAL_S + 30:
            if len(session.kernels()) == pool:
                back_after = time.monotonic() - closed_at
                break
            time.sleep(0.5)
        kernels_left = len(session.kernels())
    worst = p95(ready)
    ok = not failures and len(ready) == pages and worst <= 6.0 and back_after is not None \
        and back_after <= CULL_INTERVAL_S
    return {
        "pages": pages, "spread_s": spread_s, "pool_size": pool, "all_ready": not failures and len(ready) == pages,
        "failures": failures[:3], "ready_median_s": round(median(ready), 2), "ready_p95_s": round(worst, 2),
        "ready_max_s": round(max(ready), 2) if ready else None, "wall_time_s": round(closed_at - start, 1),
        "kernels_back_to_pool_after_s": None if back_after is None else round(back_after, 1),
        "kernels_left": kernels_left, "cull_interval_s": CULL_INTERVAL_S,
        "browser_cpu_s_per_page": round(browser_cpu / pages, 2), "server_cpu_s_per_page": round(server_cpu / pages, 2),
        "target": "all ready, p95 <= 6 s, kernels back to the pool within the cull interval", "ok": ok,
    }
