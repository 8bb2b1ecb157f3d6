"""The CSDE district pilot as a timeline: what it reached in its two years, and the growth the
state planned next. Every number comes from the case in ``cases.yaml``."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web import chart_cache, charts
from shine.web.html import bullets, esc, page, section

STEPS = ("pilot", "commitments", "lessons", "growth")


def figure(figure_id: str):
    return content.get("figure", figure_id)


def amount(figure_id: str) -> str:
    f = figure(figure_id)
    number = f"{f.value:,.0f}"
    text = _("about {n}").format(n=number) if f.approximate else number
    return f"{text} {f.unit}"


def timeline_chart():
    names = (_("Pilot, {years}").format(years=amount("pilot-years")),
             _("Next {years}").format(years=amount("growth-years")))
    measures = [
        (figure("pilot-districts").unit.capitalize(),
         [figure("pilot-districts").value, figure("growth-districts").value]),
        (figure("pilot-schools").unit.capitalize(),
         [figure("pilot-schools").value, figure("growth-schools").value]),
    ]
    approximate = [[figure("pilot-districts").approximate, figure("growth-districts").approximate],
                   [figure("pilot-schools").approximate, figure("growth-schools").approximate]]
    return charts.phases(names, measures, [False, True], title=_("The CSDE district pilot and its planned growth"),
                         xlabel=_("Phase"), planned_label=_("planned"), approximate=approximate)


def step_html(step: str) -> str:
    pilot = content.load().cases.pilot
    if step == "pilot":
        partners = [content.get("organization", o).name for o in pilot.partners]
        facts = [f"{figure(i).label}: {amount(i)}" for i in ("pilot-years", "pilot-districts", "pilot-schools",
                                                               "pilot-students", "pilot-cost")]
        body = (f"<p>{esc(pilot.rationale)}</p><p>{esc(pilot.aim)}</p><p>{esc(pilot.summary)}</p>"
                + section(_("Why these three districts"), f"<p>{esc(pilot.chosen_because)}</p>")
                + section(_("In numbers"), bullets(facts)) + section(_("Partners"), bullets(partners)))
    elif step == "commitments":
        rows = "".join(f"<h3>{esc(content.get('role', c.party).name)}</h3>{bullets(c.items)}"
                       for c in pilot.commitments)
        body = f"<p>{esc(pilot.agreement)}</p>{rows}"
    elif step == "lessons":
        body = (section(_("What was hard"), bullets(pilot.challenges))
                + section(_("How the pilot was evaluated"), f"<p>{esc(pilot.evaluator)}</p>" + bullets(pilot.evaluated))
                + section(_("What the evaluation found"), bullets(p.text for p in pilot.evaluation_findings))
                + f'<div class="shine-box shine-note"><strong>' + esc(_("Still an open question")) + f'</strong><br/>'
                  f"{esc(pilot.open_question)}</div>")
    else:
        facts = [f"{f.label}: {amount(f.id)}" for f in pilot.growth_figures]
        body = f"<p>{esc(pilot.growth_plan)}</p>" + section(_("In numbers"), bullets(facts))
    return page(body)


class PilotTimeline(widgets.VBox):
    def __init__(self):
        # Drawn once per language and content (shine.web.chart_cache): the same for everyone.
        self.chart = widgets.HTML(chart_cache.html(timeline_chart, source=content.load()))
        labels = {"pilot": _("1. The pilot"), "commitments": _("2. Who promised what"),
                  "lessons": _("3. Lessons"), "growth": _("4. Planned growth")}
        self.step = widgets.ToggleButtons(options=[(labels[s], s) for s in STEPS], value=STEPS[0],
                                          style={"button_width": "auto"})
        self.detail = widgets.HTML(step_html(STEPS[0]))
        self.step.observe(lambda change: self._show(change["new"]), names="value")
        super().__init__([self.chart, self.step, self.detail])
        self.add_class("shine-component")
        self.add_class("shine-pilot-timeline")

    def _show(self, step: str | None) -> None:
        if step:
            self.detail.value = step_html(step)
