"""What a One-Year Action Plan holds: Form G's goals, the fields every activity fills in, and
the checks a plan passes before it goes to the district. All read from the content, so this
page and the builder's checklist always agree."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.plan.rules import rules
from shine.web.html import bullets, esc, page, section


def shape_html() -> str:
    nnps = content.load().nnps
    goals = "".join(f"<tr><td>{k.count}</td><td><strong>{esc(k.name)}</strong></td><td>{esc(k.summary)}</td></tr>"
                    for k in nnps.form_g_goals)
    head = "".join(f"<th>{esc(h)}</th>" for h in (_("How many"), _("Goal"), _("What it is about")))
    plan_element = content.get("nnps_element", "one-year-action-plan")
    return page(
        f"<p>{esc(plan_element.summary)}</p>"
        + section(_("Form G: four goals"), f"<table><thead><tr>{head}</tr></thead><tbody>{goals}</tbody></table>")
        + section(_("For every activity"), bullets(f.text for f in nnps.activity_fields))
        + section(_("What the builder checks"), bullets(r.name for r in rules()))
    )


class PlanShape(widgets.VBox):
    """The shape of a plan, read before writing one."""

    def __init__(self):
        self.html = widgets.HTML(shape_html())
        super().__init__([self.html], layout=widgets.Layout(width="100%"))
