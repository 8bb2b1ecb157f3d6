"""Module 7: plan the next Mini Visit. The team sets the agenda (as in the CTHSS practice):
notes for each part the team leads, turned into a one-page agenda to send ahead."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.store import MAX_POST_CHARS
from shine.web.html import callout, esc, page

from ..header import minutes

TEMPLATE_ID = "mini-visit"


def template():
    return content.get("agenda", TEMPLATE_ID)


def led_by(segment) -> str:
    return content.get("role", segment.led_by).name if segment.led_by else ""


def agenda_html(notes: dict[str, str]) -> str:
    t = template()
    rows = []
    for s in t.segments:
        note = (notes.get(s.id) or "").strip()
        shown = f"<br/><bdi style='white-space:pre-wrap'>{esc(note)}</bdi>" if note else ""
        rows.append(f"<tr><td>{esc(minutes(s.minutes))}</td><td><strong>{esc(s.title)}</strong>"
                    f"<br/><span class='shine-meta'>{esc(s.purpose)}</span>{shown}</td><td>{esc(led_by(s))}</td></tr>")
    head = "".join(f"<th>{esc(h)}</th>" for h in (_("Time"), _("Part"), _("Led by")))
    timing = f"<p class='shine-meta'>{esc(t.timing_note)}</p>" if t.timing_note else ""
    return page(f"<h3>{esc(t.name)}</h3>{timing}<table><tr>{head}</tr>{''.join(rows)}</table>")


class MiniVisitPrep(widgets.VBox):
    def __init__(self):
        t = template()
        self.notes: dict[str, widgets.Textarea] = {}
        rows = []
        for s in t.segments:
            if s.led_by == "district-leader":
                continue  # the district leaders prepare their own part
            self.notes[s.id] = widgets.Textarea(placeholder=s.purpose, layout=widgets.Layout(
                width="36rem", max_width="100%", height="4rem"))
            rows += [widgets.HTML(page(f"<p><strong>{esc(s.title)}</strong> ({esc(minutes(s.minutes))})</p>")),
                     self.notes[s.id]]
        self.build = widgets.Button(description=_("Make our agenda"), button_style="primary",
                                    layout=widgets.Layout(width="auto"))
        self.agenda = widgets.HTML()
        self.build.on_click(lambda _b: self.make_agenda())
        super().__init__([widgets.HTML(page(f"<p>{esc(t.purpose)}</p>")), *rows, widgets.HBox([self.build]),
                          self.agenda])
        self.add_class("shine-component")
        self.add_class("shine-mini-visit-prep")

    def make_agenda(self) -> bool:
        long = [s.title for s in template().segments
                if s.id in self.notes and len(self.notes[s.id].value.strip()) > MAX_POST_CHARS]
        if long:
            text = _("Please shorten the notes for: {parts} (at most {limit} characters each).").format(
                parts=", ".join(long), limit=MAX_POST_CHARS)
            self.agenda.value = page(callout(f"<p>{esc(text)}</p>", "note"))
            return False
        self.agenda.value = agenda_html({k: w.value for k, w in self.notes.items()})
        return True
