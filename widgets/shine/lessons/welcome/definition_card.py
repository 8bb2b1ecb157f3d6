"""Connecticut's definition of family engagement, quoted with attribution, with the meaning of
full, equal and equitable one click away."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web.html import esc, page


def definition_html() -> str:
    d = content.load().definition.definition
    unofficial = ""
    if d.text != content.english().definition.definition.text:  # shown in translation: say it is ours
        label = esc(_("unofficial translation"))
        unofficial = f' <span class="shine-unofficial">({label})</span>'
    return page(
        f'<div class="shine-box"><p class="shine-quote">&ldquo;{esc(d.text)}&rdquo;{unofficial}</p>'
        f'<p class="shine-meta">&mdash; {esc(d.attribution)}</p></div>'
        f'<p class="shine-meta">{esc(d.published)}</p>'
    )


class DefinitionCard(widgets.VBox):
    """The quote, and a button per word (Full, Equal, Equitable) that explains it."""

    def __init__(self):
        d = content.load().definition.definition
        self.dimensions = {dim.id: dim for dim in d.dimensions}
        self.quote = widgets.HTML(definition_html())
        self.buttons = widgets.ToggleButtons(
            options=[(dim.name, dim.id) for dim in d.dimensions], value=None,
            description="", tooltips=[_("What does “{word}” mean?").format(word=dim.name) for dim in d.dimensions],
            style={"button_width": "9rem"},
        )
        self.meaning = widgets.HTML(page("<p>" + esc(_("Choose a word to see what it means.")) + "</p>"))
        self.buttons.observe(self._show, names="value")
        super().__init__([self.quote, self.buttons, self.meaning])

    def _show(self, change) -> None:
        dim = self.dimensions.get(change["new"])
        if dim is None:
            return
        self.meaning.value = page(f'<div class="shine-box"><strong>{esc(dim.name)}</strong>: {esc(dim.meaning)}</div>')
