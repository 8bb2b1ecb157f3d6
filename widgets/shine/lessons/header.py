"""The header every module opens with: questions, objectives, time, prerequisites, key points.

Rendered from ``modules.yaml`` so the facilitator guide and the notebook can never disagree.
"""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _, ngettext
from shine.web.html import bullets, esc, page, section


def minutes(n: int) -> str:
    return ngettext("{n} minute", "{n} minutes", n).format(n=n)


def header_html(module_id: str, *, facilitator: bool = False) -> str:
    module = content.get("module", module_id)
    prereqs = []
    for p in module.prerequisites:
        prereqs.append(f"{p.text} ({minutes(p.minutes)})" if p.minutes else p.text)
    time = _("Teaching: {teaching} · Exercises: {exercises}").format(
        teaching=minutes(module.teaching_minutes), exercises=minutes(module.exercise_minutes))
    label = _("Module {n}").format(n=module.number)
    nothing = "<p>" + esc(_("Nothing: start here.")) + "</p>"
    body = (
        f"<h2>{esc(label)}: {esc(module.title)}</h2>"
        f'<p class="shine-meta">{esc(time)}</p>'
        + section(_("Questions"), bullets(module.questions))
        + section(_("By the end you will be able to"), bullets(module.objectives))
        + section(_("Before you start"), bullets(prereqs) or nothing)
    )
    if facilitator and module.instructor_notes:
        notes = section(_("Notes for the facilitator"), bullets(module.instructor_notes))
        body += f'<div class="shine-box shine-note">{notes}</div>'
    return page(body)


def keypoints_html(module_id: str) -> str:
    module = content.get("module", module_id)
    points = section(_("Key points"), bullets(module.keypoints))
    return page(f'<div class="shine-box">{points}</div>')


class ModuleHeader(widgets.VBox):
    """``ModuleHeader("00-welcome")``; ``facilitator=True`` also shows the instructor notes."""

    def __init__(self, module_id: str, *, facilitator: bool = False):
        self.module = content.get("module", module_id)
        self.html = widgets.HTML(header_html(module_id, facilitator=facilitator))
        super().__init__([self.html], layout=widgets.Layout(width="100%"))
        self.add_class("shine-module-header")


class KeyPoints(widgets.VBox):
    """The module's key points, for its Summary section."""

    def __init__(self, module_id: str):
        self.html = widgets.HTML(keypoints_html(module_id))
        super().__init__([self.html])
