"""The header every module opens with: questions, objectives, time, prerequisites, key points.

Rendered from ``modules.yaml`` so the facilitator guide and the notebook can never disagree.

Under Voila the header also starts the page's draft keeper (:mod:`shine.web.drafts`), and its
language links carry the keeper's token, so what a participant typed comes along to the same
module in the other language.
"""

from __future__ import annotations

import ipywidgets as widgets

import os

from shine import content
from shine.i18n import DEFAULT_LANGUAGE, _, available_languages, get_language, language_name, ngettext
from shine.web import drafts
from shine.web.html import bullets, esc, page, section


def languages_html(notebook: str, keep: str | None = None) -> str:
    """Links to this module in every language: the English notebook in ``modules/``, each
    translation in ``modules/<lang>/``. The page's own language is marked, not linked. ``keep``
    (the page's draft token) goes along as ``?keep=``, so the other page restores what was typed."""
    here = os.path.basename(os.getcwd())
    in_folder = here in available_languages() and here != DEFAULT_LANGUAGE
    current = get_language()
    links = []
    for lang in available_languages():
        name = esc(language_name(lang))
        if lang == current:
            links.append(f'<strong aria-current="page" lang="{lang}">{name}</strong>')
            continue
        folder = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
        href = ("../" if in_folder else "") + folder + notebook
        if keep and drafts.valid_token(keep):
            href += f"?{drafts.QUERY_KEY}={keep}"
        links.append(f'<a href="{esc(href)}" lang="{lang}" hreflang="{lang}">{name}</a>')
    label = esc(_("Language"))
    return f'<nav class="shine-languages" aria-label="{label}"><p>{" · ".join(links)}</p></nav>'


def minutes(n: int) -> str:
    return ngettext("{n} minute", "{n} minutes", n).format(n=n)


def header_html(module_id: str, *, facilitator: bool = False, keep: str | None = None) -> str:
    module = content.get("module", module_id)
    prereqs = []
    for p in module.prerequisites:
        prereqs.append(f"{p.text} ({minutes(p.minutes)})" if p.minutes else p.text)
    time = _("Teaching: {teaching} · Exercises: {exercises}").format(
        teaching=minutes(module.teaching_minutes), exercises=minutes(module.exercise_minutes))
    label = _("Module {n}").format(n=module.number)
    nothing = "<p>" + esc(_("Nothing: start here.")) + "</p>"
    body = (
        languages_html(os.path.basename(module.notebook), keep)
        + f"<h2>{esc(label)}: {esc(module.title)}</h2>"
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
    """``ModuleHeader("00-welcome")``; ``facilitator=True`` also shows the instructor notes.

    Under Voila it starts the page's draft keeper (:attr:`keeper`; None elsewhere)."""

    def __init__(self, module_id: str, *, facilitator: bool = False):
        self.module = content.get("module", module_id)
        self.keeper = drafts.keep_page(module_id)
        keep = self.keeper.token if self.keeper else None
        self.html = widgets.HTML(header_html(module_id, facilitator=facilitator, keep=keep))
        super().__init__([self.html], layout=widgets.Layout(width="100%"))
        self.add_class("shine-module-header")


class KeyPoints(widgets.VBox):
    """The module's key points, for its Summary section."""

    def __init__(self, module_id: str):
        self.html = widgets.HTML(keypoints_html(module_id))
        super().__init__([self.html])
