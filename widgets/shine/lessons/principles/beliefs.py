"""Module 1's "why partner?": how the CSDE frames Connecticut's definition (seed 001), read
before the principles."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web.html import bullets, esc, page


def beliefs_html() -> str:
    beliefs = content.load().definition.beliefs
    question = _("Which of these does your school already live by? Which one is hardest?")
    return page(bullets(b.text for b in beliefs)
                + f'<p class="shine-meta">{esc(question)}</p>')


class PartnershipBeliefs(widgets.VBox):
    def __init__(self):
        super().__init__([widgets.HTML(beliefs_html())])
        self.add_class("shine-component")
        self.add_class("shine-beliefs")
