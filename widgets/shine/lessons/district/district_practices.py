"""Two district practices from the Connecticut Technical High School System: Mini Visits with
each school's team, and the Our Time to Shine regional meeting."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web.html import bullets, esc, page, section


def practice_html(practice_id: str) -> str:
    p = content.get("case_practice", practice_id)
    heading = ""
    if p.heading:
        heading = f'<p class="shine-meta">' + esc(_("NNPS lists it under: {heading}").format(heading=p.heading)) + "</p>"
    return page(f"<h3>{esc(p.name)}</h3>{heading}<p>{esc(p.purpose)}</p>" + section(_("How it works"), bullets(p.how)))


def context_html() -> str:
    case = content.load().cases.cthss
    body = f"<p>{esc(case.summary)}</p>"
    if case.office:
        body += f"<p>{esc(case.office)}</p>"
    body += section(_("Why they needed it"), bullets(case.context))
    if case.recognition:
        body += f'<p class="shine-meta">{esc(case.recognition)}</p>'
    return page(body)


class DistrictPractices(widgets.VBox):
    def __init__(self):
        self.practices = list(content.load().cases.cthss.practices)
        self.context = widgets.HTML(context_html())
        self.choice = widgets.ToggleButtons(options=[(p.name, p.id) for p in self.practices],
                                            value=self.practices[0].id, style={"button_width": "auto"})
        self.detail = widgets.HTML(practice_html(self.practices[0].id))
        self.choice.observe(lambda change: change["new"] and self._show(change["new"]), names="value")
        super().__init__([self.context, self.choice, self.detail])
        self.add_class("shine-component")
        self.add_class("shine-district-practices")

    def _show(self, practice_id: str) -> None:
        self.detail.value = practice_html(practice_id)
