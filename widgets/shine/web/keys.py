"""Pages that open only with the facilitator key, and wrong keys counted where a reload can't
reset them.

Each page runs in a kernel of its own, so a count kept in the page would start again at every
reload (five fresh tries each time). :class:`KeyLock` keeps the failed tries of one workshop in a
small file under the shine home, shared by every page's kernel and locked while it is read and
written:

- **per client address** (the browser's address on the room's network, which our Voila handler
  passes to the page: ``HTTP_X_SHINE_CLIENT``): after 5 wrong keys within 15 minutes that address
  waits 30 s, then twice as long after each further wrong key, up to 15 minutes;
- **per server**: after 50 wrong keys within 15 minutes from anywhere, every address waits a
  minute, which slows down guessing spread over many devices.

A right key clears its address's count. ``shine workshop`` issues a new key at every start and
clears the counts with it. A facilitator key is 16 characters from 32 (80 bits): nobody guesses
one; the lockout is a second line, so a wall of wrong tries never turns into a chance.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from pathlib import Path
from typing import Callable

import ipywidgets as widgets

from shine.i18n import _

from .announce import live, say
from .html import esc
from .paths import shine_home

CLIENT_ENV = "HTTP_X_SHINE_CLIENT"
WORKSHOP_ENV = "SHINE_WORKSHOP"  # the workshop a `shine workshop` server serves
FREE_TRIES = 5
FIRST_WAIT_S = 30
LONGEST_WAIT_S = 15 * 60
WINDOW_S = 15 * 60
SERVER_TRIES = 50
SERVER_WAIT_S = 60
KEPT = 500  # failures kept per file: a flood cannot grow it without bound


def client_address() -> str:
    """The page's client address as the server saw it; "local" outside Voila."""
    return (os.environ.get(CLIENT_ENV) or "local")[:64]


class KeyLock:
    """``KeyLock("workshop-3")``: wrong facilitator keys for one workshop, per address and in all."""

    @classmethod
    def for_workshop(cls, workshop, **kwargs) -> "KeyLock":
        """The count every page of one workshop shares (its id and join code name it)."""
        return cls(f"workshop-{workshop.id}-{workshop.code}", **kwargs)

    def __init__(self, scope: str, *, folder: Path | None = None, clock: Callable[[], float] = time.time):
        safe = "".join(c for c in scope if c.isalnum() or c in "-_")[:80] or "default"
        self.path = Path(folder or shine_home() / "locks") / f"keys-{safe}.json"
        self.clock = clock

    @contextlib.contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                data = json.loads(fh.read() or "{}")
                failures = [(float(t), str(c)) for t, c in data.get("failures", [])]
            except (ValueError, TypeError, AttributeError):
                failures = []  # a damaged count starts again: the key itself still protects
            now = self.clock()
            state = {"failures": [(t, c) for t, c in failures if now - t < WINDOW_S][-KEPT:]}
            yield state
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps({"failures": state["failures"]}))

    def wait_seconds(self, client: str) -> int:
        """How long ``client`` must wait before the next try; 0 when it may try now."""
        try:
            with self._locked() as state:
                return self._wait(state["failures"], client)
        except OSError:
            return 0  # a full or read-only disk must not lock the facilitator out

    def _wait(self, failures: list[tuple[float, str]], client: str) -> int:
        now = self.clock()
        waits = [0.0]
        mine = [t for t, c in failures if c == client]
        if len(mine) >= FREE_TRIES:
            extra = len(mine) - FREE_TRIES
            waits.append(mine[-1] + min(FIRST_WAIT_S * 2 ** extra, LONGEST_WAIT_S) - now)
        if len(failures) >= SERVER_TRIES:
            waits.append(failures[-1][0] + SERVER_WAIT_S - now)
        return max(0, int(max(waits) + 0.999))

    def failed(self, client: str) -> int:
        """Count a wrong key; returns the wait it now brings (0 while tries are left)."""
        try:
            with self._locked() as state:
                state["failures"].append((self.clock(), client))
                state["failures"] = state["failures"][-KEPT:]
                return self._wait(state["failures"], client)
        except OSError:
            return 0

    def succeeded(self, client: str) -> None:
        with contextlib.suppress(OSError), self._locked() as state:
            state["failures"] = [(t, c) for t, c in state["failures"] if c != client]

    def clear(self) -> None:
        """A new key was issued: every count starts again."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class KeyGate(widgets.VBox):
    """A page's front door: a key box and a button; ``on_open()`` builds the page behind it.

    Nothing behind the door exists before the key is accepted, so a browser without the key has
    no widget it could send a message to. The typed key is cleared after every try, right or
    wrong, and while the address must wait."""

    def __init__(self, title: str, check: Callable[[str], bool], on_open: Callable[[], None], lock: KeyLock, *,
                 client: str | None = None, css: str = ""):
        self.check, self.on_open, self.lock = check, on_open, lock
        self.client = client or client_address()
        self.key = widgets.Password(placeholder=_("Facilitator key, e.g. K7QH-M2XP-9RTA-4WNC"),
                                    description=_("Facilitator key"), layout=widgets.Layout(width="100%",
                                                                                             max_width="28rem"),
                                    style={"description_width": "initial"})
        self.open_button = widgets.Button(description=_("Open"), button_style="primary")
        self.message = live(widgets.HTML())  # "wrong key" is announced, every time
        self.open_button.on_click(lambda _b: self.try_key())
        intro = ("<h2>" + esc(title) + "</h2><p>"
                 + esc(_("Type the facilitator key that `shine workshop` printed.")) + "</p>")
        super().__init__([widgets.HTML(css + intro), self.key, self.open_button, self.message])
        self.add_class("shine-key-gate")

    def _say(self, text: str) -> None:
        say(self.message, f"<p>{esc(text)}</p>")

    def try_key(self) -> bool:
        key, self.key.value = self.key.value, ""  # never leave the key sitting in the page
        wait = self.lock.wait_seconds(self.client)
        if wait:
            self._say(_("Too many wrong keys. Wait {n} seconds, then try again.").format(n=wait))
            return False
        if not self.check(key):
            wait = self.lock.failed(self.client)
            said = _("That is not this workshop's facilitator key. Check the key `shine workshop` printed "
                     "(a new one is issued every time it starts).")
            if wait:
                said += " " + _("Too many wrong keys. Wait {n} seconds, then try again.").format(n=wait)
            self._say(said)
            return False
        self.lock.succeeded(self.client)
        self.message.value = ""
        self.on_open()
        return True
