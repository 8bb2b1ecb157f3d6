"""What the live-session dashboards (kiosk, wall, console) share: which workshop the server runs,
and a background loop that keeps a page up to date.

The loop is an asyncio task on the kernel's own event loop that calls a function which sets
widget traits; it never clears outputs or touches widgets from a thread (voila#431, #465).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import Callable

from shine.web.keys import WORKSHOP_ENV  # noqa: F401 - one name for it, kept where the kit can read it

KIOSK_URL_ENV = "SHINE_KIOSK_URL"
log = logging.getLogger("shine.live")


def workshop_id_from_env() -> int | None:
    """The workshop ``shine workshop`` is serving, or None (a notebook run on its own)."""
    value = os.environ.get(WORKSHOP_ENV, "").strip()
    return int(value) if value.isdigit() else None


def kiosk_url_from_env() -> str | None:
    return os.environ.get(KIOSK_URL_ENV) or None


def repeat(seconds: float, step: Callable[[], object]) -> asyncio.Task | None:
    """Call ``step`` every ``seconds`` on the running event loop; None when there is no loop.

    Inside a kernel (Voila, JupyterLab) a loop runs while cells execute; in a plain Python test
    there is none, and tests call ``step`` themselves.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None

    async def run():
        while True:
            await asyncio.sleep(seconds)
            try:
                step()
            except Exception:  # one bad poll (a busy database) must not stop the page updating
                log.exception("live update failed; trying again")

    return loop.create_task(run())


def when_requested(use: Callable[[dict[str, str]], object]) -> threading.Thread | None:
    """In a preheated kernel, call ``use(request details)`` on the kernel's loop once Voila hands
    the kernel to a page (``QUERY_STRING``, ``HTTP_X_SHINE_DEVICE``...): a preheated page was built
    before anyone asked for it. A kernel started for its page has them in its environment
    already, and nothing is called."""
    from shine import upstream

    if os.environ.get("VOILA_PREHEAT", "False") == "False":
        return None
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None

    def wait() -> None:
        info = upstream.voila_request_info()
        if info:
            loop.call_soon_threadsafe(use, info)

    thread = threading.Thread(target=wait, name="shine-page-request", daemon=True)
    thread.start()
    return thread
