"""The three pillars of district support for partnerships, one at a time."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web.html import bullets, esc, page, section


def pillar_html(pillar_id: str) -> str:
    p = content.get("pillar", pillar_id)
    body = f"<h3>{esc(p.name)}</h3><p>{esc(p.summary)}</p>"
    if p.why:
        body += f'<div class="shine-box"><strong>' + esc(_("Why it matters")) + f'</strong><br/>{esc(p.why)}</div>'
    body += section(_("What it looks like"), bullets(pt.text for pt in p.points))
    body += section(_("What staff learn to do"), bullets(c.text for c in p.staff_competencies))
    if p.family_roles:
        roles = [content.get("family_role", r).name for r in p.family_roles]
        body += section(_("Roles families play"), bullets(roles))
    return page(body)


class DistrictPillars(widgets.VBox):
    def __init__(self):
        support = content.load().district_support
        self.pillars = list(support.pillars)
        self.intro = widgets.HTML(page(f"<p>{esc(support.intro.text)}</p>"))
        self.choice = widgets.ToggleButtons(options=[(p.name, p.id) for p in self.pillars], value=self.pillars[0].id,
                                            style={"button_width": "auto"})
        self.detail = widgets.HTML(pillar_html(self.pillars[0].id))
        self.choice.observe(lambda change: self._show(change["new"]), names="value")
        super().__init__([self.intro, self.choice, self.detail])
        self.add_class("shine-component")
        self.add_class("shine-district-pillars")

    def _show(self, pillar_id: str | None) -> None:
        if pillar_id:
            self.detail.value = pillar_html(pillar_id)
