"""The facilitator's agenda: each segment with its minutes, a Start button, a timer for the
segment under way, and posting opened or closed per segment. Every click is an append-only
event in the store, so the kiosks and the wall see it and a restarted server remembers it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

import ipywidgets as widgets

from shine.i18n import _, get_language
from shine.store import SessionState, Store, StoreError
from shine.web.announce import live, say
from shine.web.html import esc

from ..languages import text_in


def _now() -> datetime:
    return datetime.now(timezone.utc)


def clock_text(seconds: float) -> str:
    seconds = int(abs(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def timer_text(minutes: int, started: datetime | None, now: datetime) -> str:
    if started is None:
        return ""
    elapsed = (now - started).total_seconds()
    left = minutes * 60 - elapsed
    if left >= 0:
        return _("{time} left of {minutes} min").format(time=clock_text(left), minutes=minutes)
    return _("{time} over time ({minutes} min planned)").format(time=clock_text(left), minutes=minutes)


class AgendaTimer(widgets.VBox):
    """One row per segment of ``setup["segments"]`` (copied from the agenda template)."""

    def __init__(self, store: Store, workshop_id: int, segments: list[dict], *,
                 now: Callable[[], datetime] = _now):
        self.store = store
        self.workshop_id = workshop_id
        self.segments = segments
        self.now = now
        self.state: SessionState | None = None
        self.timer = widgets.HTML()
        self.message = live(widgets.HTML())
        self.rows: dict[str, tuple[widgets.HTML, widgets.Button, widgets.ToggleButton]] = {}
        boxes = []
        for seg in segments:
            label = widgets.HTML()
            start = widgets.Button(description=_("Start"), tooltip=_("Start this segment now"),
                                   layout=widgets.Layout(width="7rem", flex="0 0 auto"))
            posting = widgets.ToggleButton(value=True, layout=widgets.Layout(width="12rem", flex="0 0 auto"))
            start.on_click(lambda _b, s=seg["id"]: self.start(s))
            posting.observe(lambda change, s=seg["id"]: self._posting_changed(s, change), names="value")
            self.rows[seg["id"]] = (label, start, posting)
            # Read in order: the segment, then what can be done to it.
            label.layout = widgets.Layout(flex="1 1 12rem")
            boxes.append(widgets.HBox([label, start, posting], layout=widgets.Layout(align_items="center")))
        super().__init__([widgets.HTML("<h3>" + esc(_("Agenda")) + "</h3>"), self.timer, *boxes, self.message])
        self._syncing = False
        self.sync()

    def sync(self) -> None:
        """Show what the store says (another console may have changed it)."""
        self.state = self.store.room.session_state(self.workshop_id)
        self._syncing = True
        try:
            for seg in self.segments:
                label, start, posting = self.rows[seg["id"]]
                current = seg["id"] == self.state.segment_id
                length = _("{n} min").format(n=seg["minutes"])
                text = f"{esc(text_in(seg['title'], get_language()))} · {esc(length)}"
                label.value = f"<b>▶ {text}</b>" if current else text
                start.button_style = "info" if current else ""
                is_open = seg["id"] not in self.state.closed_segments
                posting.value = is_open
                posting.description = _("Posting open") if is_open else _("Posting closed")
                posting.button_style = "success" if is_open else "warning"
        finally:
            self._syncing = False
        self.tick()

    def tick(self) -> None:
        """Redraw the running segment's timer (called every second by the console)."""
        if self.state is None or self.state.segment_id is None:
            self.timer.value = "<p>" + esc(_("No segment started yet. Press Start on the first one.")) + "</p>"
            return
        seg = next((s for s in self.segments if s["id"] == self.state.segment_id), None)
        if seg is None:
            return
        text = timer_text(seg["minutes"], self.state.segment_started_at, self.now())
        title = text_in(seg["title"], get_language())
        self.timer.value = f'<p class="shine-timer"><b>{esc(title)}</b>: {esc(text)}</p>'

    def start(self, segment_id: str) -> None:
        self._record("start", segment_id)

    def set_posting(self, segment_id: str, is_open: bool) -> None:
        self._record("open" if is_open else "close", segment_id)

    def _posting_changed(self, segment_id: str, change) -> None:
        if not self._syncing:
            self.set_posting(segment_id, change["new"])

    def _record(self, action: str, segment_id: str) -> None:
        try:
            self.store.room.record_event(self.workshop_id, action, segment_id)
        except StoreError as exc:
            say(self.message, f"<p>{esc(str(exc))}</p>")
            return
        self.message.value = ""
        self.sync()
