"""Module 6's map of the NNPS model the plan belongs to: the network and its four essential
elements (Action Team, six types, One-Year Action Plan, evaluation), one at a time."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.web.html import esc, page


def element_html(element_id: str) -> str:
    e = content.get("nnps_element", element_id)
    return page(f'<div class="shine-box"><h3>{esc(e.name)}</h3><p>{esc(e.summary)}</p></div>')


class NnpsModel(widgets.VBox):
    def __init__(self):
        nnps = content.load().nnps
        self.elements = list(nnps.elements)
        self.network = widgets.HTML(page(f"<p>{esc(nnps.network.text)}</p>"))
        self.choice = widgets.ToggleButtons(options=[(f"{i}. {e.name}", e.id) for i, e in enumerate(self.elements, 1)],
                                            value=self.elements[0].id, style={"button_width": "auto"})
        self.detail = widgets.HTML(element_html(self.elements[0].id))
        self.choice.observe(lambda change: change["new"] and self._show(change["new"]), names="value")
        super().__init__([self.network, self.choice, self.detail])
        self.add_class("shine-component")
        self.add_class("shine-nnps-model")

    def _show(self, element_id: str) -> None:
        self.detail.value = element_html(element_id)
