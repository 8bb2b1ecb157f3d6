"""Module 5's home-visit coverage calculator: families visited / families enrolled, against the
10% level from the 2018 study, with each study's figures shown apart (the CSDE's plays merge
two studies; this keeps them separate)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web import chart_cache, charts
from shine.web.announce import live
from shine.web.html import callout, esc, page

MAX_FAMILIES = 20_000  # far above any one school: a bigger number is a typo


@dataclass(frozen=True)
class Coverage:
    enrolled: int
    visited: int
    threshold: float  # percent

    @property
    def percent(self) -> float:
        return 100.0 * self.visited / self.enrolled

    @property
    def reached(self) -> bool:
        return self.percent >= self.threshold

    @property
    def still_to_visit(self) -> int:
        return max(0, math.ceil(self.threshold * self.enrolled / 100 - 1e-9) - self.visited)


def threshold():
    return content.load().home_visits.threshold


def check_numbers(enrolled, visited) -> str | None:
    """A plain-language problem with the numbers, or None when they can be used."""
    if enrolled is None or visited is None:
        return _("Type both numbers: families enrolled, and families visited.")
    if enrolled < 0 or visited < 0:
        return _("The numbers cannot be below zero.")
    if enrolled == 0:
        return _("Type how many families your school has (at least 1).")
    if enrolled > MAX_FAMILIES:
        return _("{n} families is more than any one school has; please check the number.").format(n=f"{enrolled:,}")
    if visited > enrolled:
        return _("More families visited ({visited}) than enrolled ({enrolled}); please check the numbers.").format(
            visited=visited, enrolled=enrolled)
    return None


def result_html(cov: Coverage) -> str:
    t = threshold()
    study = content.get("study", t.study)
    share = _("{visited} of {enrolled} families: {percent}%.").format(visited=cov.visited, enrolled=cov.enrolled,
                                                                      percent=f"{cov.percent:.1f}")
    if cov.reached:
        verdict = _("You are at or above the {threshold}% level seen in the {year} study. Well done: keep visits "
                    "voluntary and offered to every family.").format(threshold=f"{t.value:g}", year=study.year)
        tone = "good"
    else:
        verdict = _("{n} more families would bring you to the {threshold}% level seen in the {year} study.").format(
            n=cov.still_to_visit, threshold=f"{t.value:g}", year=study.year)
        tone = "grow"
    body = f"<p><strong>{esc(share)}</strong> {esc(verdict)}</p><p class='shine-meta'>{esc(t.meaning)}</p>"
    return page(callout(body, tone))


def studies_html() -> str:
    """One box per study, never merged: its citation, who was studied, and its own findings."""
    t = threshold()
    boxes = []
    for study_id in content.load().home_visits.studies:
        s = content.get("study", study_id)
        findings = "".join(f"<li>{esc(f.text)}</li>" for f in s.findings)
        mark = ""
        if study_id == t.study:
            mark = "<p><strong>" + esc(_("The {threshold}% level comes from this study.").format(
                threshold=f"{t.value:g}")) + "</strong></p>"
        title = _("The {year} study").format(year=s.year)
        boxes.append(f'<div class="shine-box" style="flex:1 1 18rem"><h3>{esc(title)}</h3>'
                     f'<p class="shine-meta">{esc(s.citation)}</p><p>' + esc(_("Who was studied:")) + f' {esc(s.sample)}</p>'
                     f"{mark}<ul>{findings}</ul></div>")
    caution = content.load().home_visits.caution.text
    return page('<div style="display:flex;flex-wrap:wrap;gap:0.8rem">' + "".join(boxes) + "</div>"
                + callout(f"<p>{esc(caution)}</p>", "note"))


def coverage_chart(cov: Coverage):
    t = threshold()
    study = content.get("study", t.study)
    return charts.coverage(cov.percent, t.value, title=_("Home-visit coverage this year"),
                           xlabel=_("Families visited (% of families enrolled)"), ylabel=_("School"),
                           bar_label=_("Our school"),
                           threshold_label=_("{threshold}% level ({year} study)").format(
                               threshold=f"{t.value:g}", year=study.year))


class HomeVisitCalculator(widgets.VBox):
    def __init__(self):
        style = {"description_width": "19rem"}
        wide = widgets.Layout(width="28rem", max_width="100%")
        self.enrolled = widgets.IntText(value=0, description=_("Families enrolled at our school"), style=style,
                                        layout=wide)
        self.visited = widgets.IntText(value=0, description=_("Families who had a home visit this year"), style=style,
                                       layout=wide)
        self.result = live(widgets.HTML())
        self.chart = widgets.HTML()
        self.studies = widgets.HTML(studies_html())
        for w in (self.enrolled, self.visited):
            w.observe(lambda _c: self.update(), names="value")
        super().__init__([widgets.HTML(page(f"<p>{esc(content.load().home_visits.intro.text)}</p>")),
                          self.enrolled, self.visited, self.result, self.chart, self.studies])
        self.add_class("shine-component")
        self.add_class("shine-home-visit-calculator")
        self.update()

    def update(self) -> Coverage | None:
        if not self.enrolled.value and not self.visited.value:
            prompt = _("Type your school's two numbers to see your coverage.")
            self.result.value = page(f"<p>{esc(prompt)}</p>")
            self.chart.value = ""
            return None
        problem = check_numbers(self.enrolled.value, self.visited.value)
        if problem:
            self.result.value = page(callout(f"<p>{esc(problem)}</p>", "note"))
            self.chart.value = ""
            return None
        cov = Coverage(self.enrolled.value, self.visited.value, threshold().value)
        # Drawn first, so text and chart change together; the same numbers are drawn once.
        chart = chart_cache.html(coverage_chart, cov, source=content.load())
        self.chart.value = chart
        self.result.value = result_html(cov)
        return cov
