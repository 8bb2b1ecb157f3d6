"""Groton, Middletown and Windsor: three districts, three routes through the same pilot."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web.html import bullets, esc, page, section


def district_html(district_id: str) -> str:
    d = content.get("district", district_id)
    voice = f'<p class="shine-quote">{esc(d.voice)}</p>' if d.voice else ""
    return page(f"<h3>{esc(d.name)}</h3><p>{esc(d.approach)}</p>{voice}"
                + section(_("What came of it"), bullets(d.results)))


class PilotDistricts(widgets.VBox):
    def __init__(self):
        self.districts = list(content.load().cases.pilot.districts)
        self.choice = widgets.ToggleButtons(options=[(d.name, d.id) for d in self.districts],
                                            value=self.districts[0].id, style={"button_width": "9rem"})
        self.detail = widgets.HTML(district_html(self.districts[0].id))
        self.choice.observe(lambda change: change["new"] and self._show(change["new"]), names="value")
        question = _("Which of these routes would fit your district best, and why?")
        super().__init__([self.choice, self.detail, widgets.HTML(page(f'<p class="shine-meta">{esc(question)}</p>'))])
        self.add_class("shine-component")
        self.add_class("shine-pilot-districts")

    def _show(self, district_id: str) -> None:
        self.detail.value = district_html(district_id)
