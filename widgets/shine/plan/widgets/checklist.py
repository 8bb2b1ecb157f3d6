"""The live checklist of a plan's rules: every rule with whether it is met, and what to fix.

Each line starts with a symbol *and* a word (Done / To fix / Advice), so it reads the same
without colour, and on a screen reader. The summary above the list ("2 things to fix ...") is a
live region: a screen reader announces it whenever a change to the plan changes it, not the
whole list at every keystroke.
"""

from __future__ import annotations

import ipywidgets as widgets

from shine.i18n import _, ngettext
from shine.web.announce import live
from shine.web.html import esc, page

from ..rules import Report


def summary_text(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    if not errors and not warnings:
        return _("Ready to hand in: the plan passes every rule.")
    if not errors:
        return ngettext("Ready to hand in, with {n} piece of advice.", "Ready to hand in, with {n} pieces of advice.",
                        warnings).format(n=warnings)
    text = ngettext("{n} thing to fix before the plan is ready.", "{n} things to fix before the plan is ready.",
                    errors).format(n=errors)
    if warnings:
        text += " " + ngettext("{n} piece of advice.", "{n} pieces of advice.", warnings).format(n=warnings)
    return text


def summary_html(report: Report) -> str:
    return page(f'<p class="shine-checklist-summary"><strong>{esc(summary_text(report))}</strong></p>')


def checklist_html(report: Report) -> str:
    """Every rule, met or not (the summary is :func:`summary_html`)."""
    done, fix, advice = _("Done"), _("To fix"), _("Advice")
    items = []
    for result in report.results:
        rule = result.rule
        if result.passed:
            items.append(f'<li class="shine-rule-ok">✔ <strong>{esc(done)}:</strong> {esc(rule.name)}</li>')
            continue
        word = fix if rule.severity == "error" else advice
        symbol = "✖" if rule.severity == "error" else "⚠"
        details = "".join(f"<li>{esc(f.message)}</li>" for f in result.findings)
        items.append(f'<li class="shine-rule-{esc(rule.severity)}">{symbol} <strong>{esc(word)}:</strong> '
                     f"{esc(rule.name)}<ul>{details}</ul></li>")
    return page(f'<div class="shine-box"><ul class="shine-checklist">{"".join(items)}</ul></div>')


class RuleChecklist(widgets.VBox):
    """``show(report)`` after every change to the plan."""

    def __init__(self, report: Report | None = None):
        self.summary = live(widgets.HTML(""))
        self.html = widgets.HTML("")
        super().__init__([self.summary, self.html], layout=widgets.Layout(width="100%"))
        self.add_class("shine-plan-checklist")
        if report is not None:
            self.show(report)

    def show(self, report: Report) -> None:
        self.report = report
        self.summary.value = summary_html(report)
        self.html.value = checklist_html(report)
