"""Module 4's impact ladder: place three versions of the same kind of activity on the rungs
higher, moderate and lower impact, then see where Connecticut's charts place them."""

from __future__ import annotations

import random

import ipywidgets as widgets

from shine import content
from shine.i18n import _, ngettext
from shine.web.announce import live
from shine.web.html import callout, esc, page

LEVELS = ("higher", "moderate", "lower")


def level_names() -> dict[str, str]:
    return {"higher": _("Higher impact"), "moderate": _("Moderate impact"), "lower": _("Lower impact")}


def rows() -> list[tuple[str, str]]:
    """(chart id, theme) for every row of the charts, in content order."""
    seen: list[tuple[str, str]] = []
    for e in content.items("impact_example"):
        if (e.chart, e.theme) not in seen:
            seen.append((e.chart, e.theme))
    return seen


def row_label(row: tuple[str, str]) -> str:
    chart = content.get("impact_chart", row[0])
    return _("{theme} ({setting})").format(theme=row[1], setting=chart.setting.lower())


def practices(row: tuple[str, str]) -> list:
    found = [e for e in content.items("impact_example") if (e.chart, e.theme) == row]
    random.Random(row[1]).shuffle(found)  # the content lists higher first, which would give it away
    return found


def placement_html(row: tuple[str, str], placed: dict[str, str]) -> str:
    names = level_names()
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    rungs = []
    for level in LEVELS:
        for e in (p for p in practices(row) if p.impact == level):
            mine = placed.get(e.id)
            if mine == level:
                verdict = "✓ " + _("you placed it here too")
            elif mine is None:
                verdict = _("you did not place it")
            elif order[mine] < order[level]:
                verdict = _("you placed it higher ({level})").format(level=names[mine].lower())
            else:
                verdict = _("you placed it lower ({level})").format(level=names[mine].lower())
            rungs.append(f'<tr><th style="white-space:nowrap">{esc(names[level])}</th><td>{esc(e.practice)}'
                         f'<br/><span class="shine-meta">{esc(verdict)}</span></td></tr>')
    matched = sum(placed.get(e.id) == e.impact for e in practices(row))
    total = len(practices(row))
    head = ngettext("You matched {n} of {total} with the state's placement.",
                    "You matched {n} of {total} with the state's placement.", matched).format(n=matched, total=total)
    why = content.load().impact.intro.text
    kind = _("Lower impact does not mean bad: a potluck builds community. The question is how to raise the impact "
             "of what you already do.")
    tone = "good" if matched == total else "grow"
    return page(callout(f"<p><strong>{esc(head)}</strong></p><table>{''.join(rungs)}</table>"
                        f"<p>{esc(why)}</p><p class='shine-meta'>{esc(kind)}</p>", tone))


class ImpactLadder(widgets.VBox):
    def __init__(self):
        self.rows = rows()
        self.results: dict[tuple[str, str], int] = {}
        self.row = widgets.Dropdown(options=[(row_label(r), r) for r in self.rows], value=self.rows[0],
                                    description=_("Activity"), style={"description_width": "5rem"},
                                    layout=widgets.Layout(width="34rem", max_width="100%"))
        self.cards = widgets.VBox()
        self.reveal = widgets.Button(description=_("See the state's placement"), button_style="primary",
                                     layout=widgets.Layout(width="auto"))
        self.feedback = live(widgets.HTML())
        self.tally = widgets.HTML()
        self.inputs: dict[str, widgets.ToggleButtons] = {}
        self.row.observe(lambda _c: self._build(), names="value")
        self.reveal.on_click(lambda _b: self.check())
        ask = _("Place each practice on a rung: which has the most impact on children's learning?")
        super().__init__([self.row, widgets.HTML(page(f"<p>{esc(ask)}</p>")), self.cards, widgets.HBox([self.reveal]),
                          self.feedback, self.tally])
        self.add_class("shine-component")
        self.add_class("shine-impact-ladder")
        self._build()

    def _build(self) -> None:
        self.inputs = {}
        children = []
        for e in practices(self.row.value):
            self.inputs[e.id] = widgets.ToggleButtons(options=[(level_names()[lvl], lvl) for lvl in LEVELS],
                                                      value=None, style={"button_width": "9rem"})
            children += [widgets.HTML(page(f'<div class="shine-box">{esc(e.practice)}</div>')), self.inputs[e.id]]
        self.cards.children = children
        self.feedback.value = ""

    @property
    def placed(self) -> dict[str, str]:
        return {k: w.value for k, w in self.inputs.items() if w.value}

    def check(self) -> None:
        if len(self.placed) < len(self.inputs):
            text = _("Place every practice first; there is no wrong guess here.")
            self.feedback.value = page(callout(f"<p>{esc(text)}</p>", "note"))
            return
        row = self.row.value
        self.results[row] = sum(self.placed[e.id] == e.impact for e in practices(row))
        self.feedback.value = placement_html(row, self.placed)
        done, total = len(self.results), len(self.rows)
        matched = sum(self.results.values())
        possible = sum(len(practices(r)) for r in self.results)
        text = _("So far: {done} of {total} activities placed, {matched} of {possible} practices matched.").format(
            done=done, total=total, matched=matched, possible=possible)
        self.tally.value = page(f'<p class="shine-meta">{esc(text)}</p>')
