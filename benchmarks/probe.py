"""Real Chromium kiosk pages opened during a burst, from a process of their own at the lowest CPU
priority: ``python -m benchmarks.probe URL '[delays]'``. It launches Chromium, prints ``ready``,
waits for a line on stdin (the burst starts), opens a page after each delay, and prints the
seconds each took to be ready (or the error) as one JSON list."""

from __future__ import annotations

import asyncio
import json
import os
import sys


def lowest_priority() -> None:
    """A phone's rendering is its own: here it only gets what the server leaves. Linux shares the
    CPU between sessions (autogroups) before it weighs priorities inside one, and Voila and each
    kernel have a session of their own; so this process starts its own session and lowers that
    session's weight, which Chromium and its page processes then inherit."""
    os.setsid()
    os.nice(19)
    try:
        with open("/proc/self/autogroup", "w") as autogroup:
            autogroup.write("19")
    except OSError:
        pass  # no autogroup scheduling here: the nice value above is what counts


def main() -> int:
    url, delays = sys.argv[1], json.loads(sys.argv[2])
    lowest_priority()

    async def run() -> list:
        from playwright.async_api import async_playwright

        from .burst import _chromium_page
        from .common import CHROMIUM, CHROMIUM_ARGS

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
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
