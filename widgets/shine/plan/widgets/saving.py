"""How the plan builder saves, and what it says about it (a part of :class:`PlanBuilder`).

The status line tells the truth: "Not saved yet" from the first change until the write commits,
"Saving…" while it writes, "Saved at … (version n)" only once the version is in the store, and
the reason when it failed. Typing is saved a moment after the person pauses; when the kernel is
asked to shut down (the tab closed: Voila asks for it) or the process exits, whatever is still
waiting is saved first.

Each save names the version the page was built on. When another page saved a newer one
meanwhile, the two are merged field by field (``shine.plan.versions``), the merge is saved, and
the page shows the merged plan and says what came from the other page. When both changed the
same field, nothing is saved until the person chooses which value to keep.
"""

from __future__ import annotations

import asyncio
import atexit
import sys
import traceback
import weakref
from datetime import datetime

from shine.i18n import _, ngettext
from shine.store import StoreError

from .. import versions
from ..merge import THEIRS
from ..model import PlanError, plan_from_data
from .sync import show_plan

_open_builders: "weakref.WeakSet" = weakref.WeakSet()
MAX_LISTED = 8  # changes named in the merge report; the rest are counted


def save_open_builders() -> None:
    """Save what every open builder still has waiting (the kernel is going away)."""
    for builder in list(_open_builders):
        try:
            builder.flush(closing=True)
        except Exception:  # one page's failure never keeps the others from saving
            traceback.print_exc(file=sys.stderr)


atexit.register(save_open_builders)  # the process ends: a clean kernel shutdown runs this too


def watch_kernel_shutdown() -> None:
    """Save open builders as soon as the kernel is asked to shut down or restart, while the page
    and the kernel's connections are still there (``atexit`` comes later, and only if the
    process ends cleanly)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipywidgets brings IPython
        return
    kernel = getattr(get_ipython(), "kernel", None)
    if kernel is None or getattr(kernel, "_shine_saves_plans", False):
        return
    shut_down = kernel.do_shutdown

    def do_shutdown(restart):
        save_open_builders()
        return shut_down(restart)

    kernel.do_shutdown = do_shutdown
    kernel._shine_saves_plans = True


class _Saver:
    """Saves soon after the last change: at once when no event loop runs (a script, a test),
    else ``delay`` seconds after the last request, so a burst of keystrokes is one version.
    ``on_wait`` is told when a change waits for that pause."""

    def __init__(self, save, delay: float, on_wait=None):
        self.save = save
        self.delay = delay
        self.on_wait = on_wait
        self.dirty = False
        self.handle: asyncio.TimerHandle | None = None

    def request(self, *, now: bool = False) -> None:
        self.dirty = True
        loop = None
        if not now and self.delay > 0:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
        if loop is None:
            self.flush()
            return
        if self.handle:
            self.handle.cancel()
        if self.on_wait:
            self.on_wait()
        self.handle = loop.call_later(self.delay, self.flush)

    def flush(self) -> None:
        if self.handle:
            self.handle.cancel()
            self.handle = None
        if self.dirty and self.save():
            self.dirty = False


def _now() -> str:
    return datetime.now().strftime("%H:%M:%S")


class SavesPlan:
    """The builder's saving: needs ``plan``, ``team_id``, ``version``, ``base_data``, ``store``,
    ``client_id``, ``status``, ``merge_message``, ``conflicts`` (a ConflictPanel) and ``_say``."""

    choices: dict
    _closing = False

    def _waiting(self) -> None:
        if self.plan is not None:
            self._say(self.status, _("Not saved yet: your last change is saved when you pause."), "warning")

    def flush(self, *, closing: bool = False) -> None:
        """Save now anything still waiting for the pause after typing. ``closing``: the page is going
        away, so fields both pages changed keep the other page's value (it is already saved)."""
        self._closing = closing
        try:
            self.saver.flush()
        finally:
            self._closing = False

    @property
    def unsaved(self) -> bool:
        """Whether the page holds changes that are not in the store."""
        return self.saver.dirty

    def _save(self) -> bool:
        if self.plan is None or self.team_id is None:
            return True
        self._say(self.status, _("Saving…"))
        try:
            saved = versions.save_merging(
                self.store, self.team_id, self.plan.school_year, self.plan.to_data(), base_version=self.version,
                base_data=self.base_data, client_id=self.client_id, choices=self.choices,
                unresolved=THEIRS if self._closing else None)
        except versions.PlanConflicts as found:
            self.conflicts.show(found.conflicts, found.latest)
            self._say(self.status, _("Not saved yet: on another page someone changed the same things. Choose below "
                                     "which to keep; nothing is saved over their work until you do."), "warning")
            return False
        except StoreError as exc:
            self._say(self.status, _("Not saved: {why} What you typed is still on this page; it will be saved with "
                                     "your next change.").format(why=exc), "error")
            return False
        self.version, self.base_data, self.choices = saved.version, saved.data, {}
        self.conflicts.clear()
        if saved.merged_with is not None:
            self._merged(saved)
        self._say(self.status, _("Saved at {time} (version {n}).").format(time=_now(), n=saved.version))
        self.history.refresh_if_open()
        return True

    def _merged(self, saved: versions.Saved) -> None:
        """Show the merged plan, and say plainly what came from the other page."""
        try:
            show_plan(self, plan_from_data(saved.data))
        except PlanError:  # pragma: no cover - a merge of two plans is a plan
            pass
        text = _("At {time}, your changes were merged with version {n}, saved meanwhile on another page; nothing "
                 "was lost.").format(time=_now(), n=saved.merged_with)
        taken = list(dict.fromkeys(saved.taken))
        if taken:
            listed = "; ".join(taken[:MAX_LISTED])
            if len(taken) > MAX_LISTED:
                rest = len(taken) - MAX_LISTED
                listed += "; " + ngettext("and {n} more", "and {n} more", rest).format(n=rest)
            text += " " + _("From the other page: {changes}.").format(changes=listed)
        self._say(self.merge_message, text)

    def _chosen(self, choices: dict) -> None:
        """The person chose a value for every field both pages changed: save with those choices."""
        self.choices.update(choices)
        self.saver.request(now=True)

    def restore_version(self, version: int) -> bool:
        """Make an earlier version the newest one (a new version with its content), and show it."""
        if self.plan is None or self.team_id is None:
            return False
        self.flush()
        if self.unsaved:
            self.history.say(_("Your last changes are not saved yet (see below); save them before restoring."),
                             "error")
            return False
        try:
            saved = versions.restore(self.store, self.team_id, self.plan.school_year, version)
        except PlanError as exc:
            self.history.say(" ".join(exc.problems), "error")
            return False
        except StoreError as exc:
            self.history.say(str(exc), "error")
            return False
        self.version, self.base_data = saved.version, saved.data
        show_plan(self, plan_from_data(saved.data))
        self._say(self.status, _("Saved at {time} (version {n}).").format(time=_now(), n=saved.version))
        self.history.refresh()
        self.history.say(_("Version {old} is back, saved as version {n}. The versions in between are kept.").format(
            old=version, n=saved.version))
        return True
