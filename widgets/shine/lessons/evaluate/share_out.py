"""Module 7: prepare the team's share-out for an Our Time to Shine meeting: a milestone, a
challenge and a practice to share, previewed as the card the room will see.

The draft stays in this page (nothing is posted from here); at the meeting the team posts it
from the kiosk. It is checked the way the wall will check it, so nothing is refused on the day.
"""

from __future__ import annotations

import re

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.store import MAX_POST_CHARS
from shine.web.html import bullets, callout, esc, page, section

from ..header import minutes

SOFT_LIMIT = 400  # a card people can read from across the room
PARTS = ("milestone", "challenge", "practice")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}")


def part_names() -> dict[str, str]:
    return {"milestone": _("A milestone we are proud of"), "challenge": _("A challenge we would like help with"),
            "practice": _("A practice other schools could use")}


def part_hints() -> dict[str, str]:
    return {"milestone": _("e.g. Our first family math night in two languages: 40 families came."),
            "challenge": _("e.g. Few fathers and grandparents come to our events. What has worked for you?"),
            "practice": _("e.g. Student-led tours for new families in August, with a parent guide.")}


def clean(text: str) -> str:
    return (text or "").replace("\x00", "").strip()


def problems(parts: dict[str, str]) -> list[str]:
    """What would stop the card being posted, in plain words (empty list: ready)."""
    found = []
    if not any(clean(v) for v in parts.values()):
        found.append(_("Write at least one of the three parts."))
    for key, value in parts.items():
        n = len(clean(value))
        if n > MAX_POST_CHARS:
            found.append(_("{part} is {n} characters long; the wall takes at most {limit}.").format(
                part=part_names()[key], n=n, limit=MAX_POST_CHARS))
    return found


def cautions(parts: dict[str, str]) -> list[str]:
    """Things worth a second look; the card can still be used."""
    found = []
    for key, value in parts.items():
        text = clean(value)
        if SOFT_LIMIT < len(text) <= MAX_POST_CHARS:
            found.append(_("{part} is long for a card ({n} characters); two or three sentences read best.").format(
                part=part_names()[key], n=len(text)))
        if _EMAIL.search(text) or _PHONE.search(text):
            found.append(_("{part} seems to hold an e-mail address or a phone number. Share contact details in "
                           "person instead.").format(part=part_names()[key]))
    return found


def meeting_html() -> str:
    """Where the share-out is used, from the regional meeting's agenda."""
    agenda = content.get("agenda", "regional-meeting")
    used = [s for s in agenda.segments if s.kind in ("report", "share", "kiosk", "celebration")]
    items = [f"{s.title} ({minutes(s.minutes)})" for s in used]
    return page(section(_("Where your share-out is used at {meeting}").format(meeting=agenda.name), bullets(items)))


def card_html(team: str, parts: dict[str, str]) -> str:
    body = f"<h3><bdi>" + esc(team or _('Our team')) + f"</bdi></h3>"
    for key in PARTS:
        text = clean(parts.get(key, ""))
        if text:
            body += (f"<p><strong>{esc(part_names()[key])}</strong><br/>"
                     f"<bdi style='white-space:pre-wrap'>{esc(text)}</bdi></p>")
    return page(callout(body, "info"))


class ShareOut(widgets.VBox):
    def __init__(self):
        wide = widgets.Layout(width="36rem", max_width="100%")
        self.team = widgets.Text(placeholder=_("e.g. Main Street Elementary team"), description=_("Team"),
                                 layout=wide)
        self.parts: dict[str, widgets.Textarea] = {}
        self.counters: dict[str, widgets.HTML] = {}
        rows = []
        for key in PARTS:
            self.parts[key] = widgets.Textarea(placeholder=part_hints()[key], layout=widgets.Layout(
                width="36rem", max_width="100%", height="5rem"))
            self.counters[key] = widgets.HTML()
            self.parts[key].observe(lambda _c, k=key: self._count(k), names="value")
            rows += [widgets.HTML(page(f"<p><strong>{esc(part_names()[key])}</strong></p>")), self.parts[key],
                     self.counters[key]]
        self.preview = widgets.Button(description=_("Preview our card"), button_style="primary",
                                      layout=widgets.Layout(width="auto"))
        self.card = widgets.HTML()
        self.preview.on_click(lambda _b: self.show_card())
        reminder = _("Write as a team. Use no child's name: posts belong to the team, and the whole room reads them.")
        super().__init__([widgets.HTML(meeting_html()), widgets.HTML(page(f"<p>{esc(reminder)}</p>")), self.team,
                          *rows, widgets.HBox([self.preview]), self.card])
        self.add_class("shine-component")
        self.add_class("shine-share-out")
        for key in PARTS:
            self._count(key)

    @property
    def values(self) -> dict[str, str]:
        return {k: w.value for k, w in self.parts.items()}

    def _count(self, key: str) -> None:
        n = len(clean(self.parts[key].value))
        text = _("{n} of {limit} characters").format(n=n, limit=MAX_POST_CHARS)
        self.counters[key].value = page(f'<p class="shine-meta">{esc(text)}</p>')

    def show_card(self) -> bool:
        """Shows the card and returns True when it is ready to post; otherwise says why, keeping
        every word typed."""
        stop = problems(self.values)
        if stop:
            self.card.value = page(callout(bullets(stop), "note"))
            return False
        notes = cautions(self.values)
        extra = page(callout(bullets(notes), "note")) if notes else ""
        ready = page("<p>" + esc(_("Ready: post it from the kiosk at the meeting.")) + "</p>")
        self.card.value = card_html(clean(self.team.value)[:200], self.values) + extra + ready
        return True
