"""Moderation for the facilitator: the newest posts, each with Hide / Show. Hiding takes a post
off the wall and the kiosks but keeps it in the store (and in the export), marked hidden.

A post is shown in its own writing direction (``dir="auto"``: Arabic or Hebrew right to left), and
the school's name is isolated from the counts around it; what a click did is announced."""

from __future__ import annotations

import ipywidgets as widgets

from shine.i18n import _, ngettext
from shine.store import PostView, Store, StoreError
from shine.web.announce import live, say
from shine.web.html import esc

from .kiosk import kind_labels

ROWS = 15


class ModerationList(widgets.VBox):
    def __init__(self, store: Store, workshop_id: int, *, rows: int = ROWS):
        self.store = store
        self.workshop_id = workshop_id
        self.shown: list[PostView] = []
        self.message = live(widgets.HTML())
        self.rows = []
        for _i in range(rows):
            text = widgets.HTML(layout=widgets.Layout(width="100%"))
            button = widgets.Button(layout=widgets.Layout(width="7rem", flex="0 0 auto"))
            button.on_click(self._toggle)
            self.rows.append((widgets.HBox([text, button], layout=widgets.Layout(display="none")), text, button))  # the post, then Hide
        self.refresh_button = widgets.Button(description=_("Refresh"))
        self.refresh_button.on_click(lambda _b: self.refresh())
        title = widgets.HTML("<h3>" + esc(_("Posts (newest first)")) + "</h3>")
        super().__init__([title, self.refresh_button, self.message, *[r[0] for r in self.rows]])
        self.refresh()

    def refresh(self) -> None:
        try:
            self.shown = self.store.room.posts(self.workshop_id, include_hidden=True, limit=len(self.rows))
        except StoreError as exc:
            self.message.value = f"<p>{esc(str(exc))}</p>"  # said once, not again at every refresh
            return
        for i, (box, text, button) in enumerate(self.rows):
            if i >= len(self.shown):
                box.layout.display = "none"
                continue
            post = self.shown[i]
            votes = ngettext("{n} me too", "{n} me too", post.votes).format(n=post.votes)
            state = _("HIDDEN") + " · " if post.hidden else ""
            where = post.school or _("a team")
            kind = kind_labels().get(post.kind, post.kind)  # "Question", "Pregunta": never the raw code
            text.value = (f'<div data-post-id="{post.id}">{esc(state)}<b>{esc(kind)}</b> · '
                          f'<bdi>{esc(where)}</bdi> · {esc(votes)}<div dir="auto">{esc(post.body[:300])}</div></div>')
            button.description = _("Show") if post.hidden else _("Hide")
            button.button_style = "" if post.hidden else "danger"
            box.layout.display = "flex"

    def hide(self, post_id: int) -> None:
        self._moderate(post_id, "hide")

    def show(self, post_id: int) -> None:
        self._moderate(post_id, "show")

    def _toggle(self, button: widgets.Button) -> None:
        index = next(i for i, row in enumerate(self.rows) if row[2] is button)
        post = self.shown[index]
        self._moderate(post.id, "show" if post.hidden else "hide")

    def _moderate(self, post_id: int, action: str) -> None:
        try:
            self.store.room.moderate(post_id, action, _("by the facilitator"))
        except StoreError as exc:
            say(self.message, f"<p>{esc(str(exc))}</p>")
            return
        self.refresh()
        done = _("Taken off the wall and the kiosks.") if action == "hide" else _("Back on the wall and the kiosks.")
        say(self.message, f"<p>{esc(done)}</p>")
