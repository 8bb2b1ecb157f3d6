"""Trading up: pick a lower-impact activity a school often runs and see the higher-impact way to
do the same thing, with the types of involvement it reaches. The plan builder gives the same
advice when a goal rests on lower-impact activities only."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.plan.rules import higher_alternatives
from shine.web.html import esc, page


def lower_examples() -> list:
    return [e for e in content.items("impact_example") if e.impact == "lower"]


def swap_html(example_id: str) -> str:
    lower = content.get("impact_example", example_id)
    types = {t.id: t.name for t in content.items("type")}
    chart = content.get("impact_chart", lower.chart)
    lower_word, higher_word = _("Lower impact"), _("Higher impact")
    parts = [f'<p class="shine-meta">{esc(lower.theme)} · {esc(chart.name)}</p>',
             f'<div class="shine-box shine-note"><strong>{esc(lower_word)}:</strong> {esc(lower.practice)}</div>']
    for alt in higher_alternatives(lower):
        reach = ", ".join(types[t] for t in alt.types)
        reached = _("Types of involvement: {types}").format(types=reach)
        parts.append(f'<div class="shine-box"><strong>{esc(higher_word)}:</strong> {esc(alt.practice)}'
                     f'<br><span class="shine-meta">{esc(reached)}</span></div>')
    return page("".join(parts))


class ImpactSwap(widgets.VBox):
    """A menu of lower-impact activities; each shows its higher-impact counterpart."""

    def __init__(self):
        options = [(e.practice, e.id) for e in lower_examples()]
        self.choice = widgets.Dropdown(options=options, value=options[0][1], description=_("We usually run"),
                                       style={"description_width": "initial"}, layout=widgets.Layout(width="100%"))
        self.html = widgets.HTML(swap_html(self.choice.value))
        self.choice.observe(lambda change: setattr(self.html, "value", swap_html(change["new"])), names="value")
        super().__init__([self.choice, self.html], layout=widgets.Layout(width="100%"))
