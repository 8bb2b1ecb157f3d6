"""Earlier versions of a plan, in the builder: each with its number and the time it was saved,
and a way to bring one back (as a new version, so nothing is lost by restoring)."""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from shine.i18n import _
from shine.web.announce import live, say
from shine.web.html import esc

from ..versions import Version
from .fields import button, div


def version_label(v: Version) -> str:
    """"Version 7 · 2026-10-03 14:22:05 (restored from version 3)", in the computer's local time."""
    label = _("Version {n} · {time}").format(n=v.version, time=v.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"))
    if v.restored_from is not None:
        label += " " + _("(restored from version {n})").format(n=v.restored_from)
    return label


class HistoryPanel(widgets.VBox):
    """``list_versions()`` gives the versions (newest first), ``preview(n)`` one version's summary
    in words, ``on_restore(n)`` brings version n back."""

    def __init__(self, list_versions: Callable[[], list[Version]], preview: Callable[[int], str],
                 on_restore: Callable[[int], bool]):
        self.list_versions = list_versions
        self.preview_of = preview
        self.on_restore = on_restore
        self.is_open = False
        self.show_button = button(_("Show earlier versions"))
        self.show_button.on_click(lambda _b: self.refresh())
        self.versions = widgets.Select(options=[], value=None, rows=8, description=_("Version"),
                                       layout=widgets.Layout(width="100%"), style={"description_width": "initial"})
        self.versions.observe(lambda _c: self._selected(), names="value")
        self.preview = widgets.HTML("")
        self.restore_button = button(_("Restore this version"),
                                     tooltip=_("Save this version again as the newest; the others are kept"))
        self.restore_button.disabled = True
        self.restore_button.on_click(lambda _b: self.restore())
        self.message = live(widgets.HTML(""))
        self.body = widgets.VBox([self.versions, self.preview, self.restore_button],
                                 layout=widgets.Layout(display="none", width="100%"))
        intro = widgets.HTML(div("<p>" + esc(_(
            "Every change is kept as a version. Bring an earlier one back if something went wrong: it becomes "
            "the newest version, and the versions in between stay here.")) + "</p>"))
        super().__init__([intro, self.show_button, self.body, self.message], layout=widgets.Layout(width="100%"))

    def refresh(self) -> None:
        """List the versions (and keep the one chosen, if it is still there)."""
        chosen = self.versions.value
        found = self.list_versions()
        self.versions.options = [(version_label(v), v.version) for v in found]
        self.versions.value = chosen if chosen in [v.version for v in found] else None
        self.is_open = True
        self.body.layout.display = None
        if not found:
            self.say(_("No version is saved yet."))
        self._selected()

    def refresh_if_open(self) -> None:
        if self.is_open:
            self.refresh()

    def _selected(self) -> None:
        version = self.versions.value
        self.restore_button.disabled = version is None
        self.preview.value = div(f"<p>{esc(self.preview_of(version))}</p>") if version is not None else ""

    def restore(self) -> bool:
        if self.versions.value is None:
            return False
        return self.on_restore(self.versions.value)

    def say(self, text: str, kind: str = "info") -> None:
        css = "shine-plan-error" if kind == "error" else "shine-meta"
        say(self.message, div(f'<p class="{css}">{esc(text)}</p>') if text else "")
