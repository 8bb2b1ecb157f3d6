"""The seven guiding principles as cards, and a small choice: one principle the team already
lives well, and one it wants to grow."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web.announce import live
from shine.web.html import callout, esc, page


def principles():
    return sorted(content.items("principle"), key=lambda p: p.number)


def cards_html() -> str:
    cards = "".join(
        f'<div class="shine-box" style="margin:0.4rem 0"><strong>{p.number}. {esc(p.name)}</strong>'
        f"<br/>{esc(p.explanation)}</div>"
        for p in principles())
    return page(cards)


def choice_html(strong_id: str | None, grow_id: str | None) -> str:
    if not strong_id and not grow_id:
        return page("<p>" + esc(_("Choose a principle in each menu to see your team's focus.")) + "</p>")
    if strong_id and strong_id == grow_id:
        text = _("You chose the same principle twice. That is honest: some things we do well and still want to "
                 "do better. Try picking a different one to grow, so your team has two places to look.")
        return page(callout(f"<p>{esc(text)}</p>", "note"))
    parts = []
    if strong_id:
        p = content.get("principle", strong_id)
        parts.append("<p><strong>" + esc(_("Already a strength:")) + f"</strong> {esc(p.name)}. "
                     + esc(_("Name one thing you do that shows it, so others can learn from it.")) + "</p>")
    if grow_id:
        p = content.get("principle", grow_id)
        parts.append("<p><strong>" + esc(_("Ready to grow:")) + f"</strong> {esc(p.name)}. "
                     + esc(_("What is one small step you could try this month?")) + "</p>")
    return page(callout("".join(parts), "good"))


class PrincipleCards(widgets.VBox):
    def __init__(self):
        # "" marks "nothing chosen": a Dropdown shows a blank box for a None value, not its label
        options = [(_("Choose ..."), "")] + [(f"{p.number}. {p.short}", p.id) for p in principles()]
        style = {"description_width": "16rem"}
        layout = widgets.Layout(width="34rem", max_width="100%")
        self.strong = widgets.Dropdown(options=options, value="", description=_("Our team already does this well"),
                                       style=style, layout=layout)
        self.grow = widgets.Dropdown(options=options, value="", description=_("Our team wants to grow in"),
                                     style=style, layout=layout)
        self.cards = widgets.HTML(cards_html())
        self.result = live(widgets.HTML(choice_html(None, None)))
        for w in (self.strong, self.grow):
            w.observe(lambda _c: self._update(), names="value")
        super().__init__([self.cards, self.strong, self.grow, self.result])
        self.add_class("shine-component")
        self.add_class("shine-principle-cards")

    def _update(self) -> None:
        self.result.value = choice_html(self.strong.value, self.grow.value)
