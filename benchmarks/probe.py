"""Real Chromium kiosk pages opened during a burst, from a process of their own at the lowest CPU
priority: ``python -m benchmarks.probe URL '[delays]'``. It launches Chromium, prints ``ready``,
waits for a line on stdin (the burst starts), opens a page after each delay, and prints the
seconds each took to be ready (or the error) as one JSON list."""

from __future__ import annotations

import asyncio
import json
import os
import sys


def _lowest_weight(pid: int | str = "self") -> None:
    """Linux shares the CPU between sessions (autogroups) before it weighs priorities inside one:
    give the session of ``pid`` the lowest weight (where autogroup scheduling is on)."""
    try:
        with open(f"/proc/{pid}/autogroup", "w") as autogroup:
            autogroup.write("19")
    except OSError:
        pass  # no autogroup scheduling here: nice values are what count


def lowest_priority() -> None:
    """A phone's rendering is its own: here it only gets what the server leaves. Voila and each
    kernel have a session of their own, so this process starts its own at the lowest weight."""
    os.setsid()
    os.nice(19)
    _lowest_weight()


def browser_lowest_priority() -> None:
    """The same for Chromium, once launched: Playwright starts it in a session of its own, and
    Chromium raises its main process's priority, so it would compete with the server as an equal
    (or better) and count a phone's work against the laptop."""
    import psutil

    sessions = set()
    for proc in psutil.Process().children(recursive=True):
        try:
            proc.nice(19)
            sid = os.getsid(proc.pid)
        except (psutil.Error, OSError):
            continue
        if sid not in sessions:
            sessions.add(sid)
            _lowest_weight(proc.pid)


def main() -> int:
    url, delays = sys.argv[1], json.loads(sys.argv[2])
    lowest_priority()

    async def run() -> list:
        from playwright.async_api import async_playwright

        from .burst import _chromium_page
        from .common import CHROMIUM, CHROMIUM_ARGS

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            browser_lowest_priority()
            print("ready", flush=True)
            await asyncio.to_thread(sys.stdin.readline)

            async def one(delay: float):
                await asyncio.sleep(delay)
                return await _chromium_page(browser, url)

            results = await asyncio.gather(*(one(d) for d in delays), return_exceptions=True)
            await browser.close()
        return [r if isinstance(r, float) else repr(r) for r in results]

    print(json.dumps(asyncio.run(run())), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
