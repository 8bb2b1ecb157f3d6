"""Module 7: evaluate one activity soon after it happens. Answer a few questions (yes / partly /
not yet), choose what to do with it next year, and get a short summary with next steps."""

from __future__ import annotations

import re

import ipywidgets as widgets

from shine import content
from shine.i18n import _, ngettext
from shine.web.html import bullets, callout, esc, page, section

MAX_NAME_CHARS = 120
YES, PARTLY, NOT_YET = 0, 1, 2


def evaluation():
    return content.load().evaluation


def summary_html(name: str, answers: dict[str, int | None], decision: int | None) -> str:
    ev = evaluation()
    answered = {k: v for k, v in answers.items() if v is not None}
    if not answered:
        return page(callout("<p>" + esc(_("Answer at least one question to see your summary.")) + "</p>", "note"))
    yes = sum(v == YES for v in answered.values())
    head = ngettext("{yes} of {n} answer is yes.", "{yes} of {n} answers are yes.", len(answered)).format(
        yes=yes, n=len(answered))
    title = name or _("This activity")
    steps = [q.grow for q in ev.questions if answered.get(q.id) in (PARTLY, NOT_YET)]
    strong = [q.question for q in ev.questions if answered.get(q.id) == YES]
    body = f"<h3><bdi>{esc(title)}</bdi></h3><p><strong>{esc(head)}</strong></p>"
    body += section(_("What went well"), bullets(strong))
    body += section(_("Next steps"), bullets(steps) or "<p>" + esc(_("Keep doing what works.")) + "</p>")
    if decision is not None:
        body += "<p><strong>" + esc(_("Our decision:")) + f"</strong> {esc(ev.decisions[decision])}</p>"
    unanswered = len(ev.questions) - len(answered)
    if unanswered:
        body += "<p class='shine-meta'>" + esc(ngettext("{n} question is not answered yet.",
                                                        "{n} questions are not answered yet.", unanswered).format(
            n=unanswered)) + "</p>"
    return page(callout(body, "good" if yes == len(ev.questions) else "info"))


class ActivityEvaluation(widgets.VBox):
    def __init__(self):
        ev = evaluation()
        wide = widgets.Layout(width="30rem", max_width="100%")
        self.name = widgets.Text(placeholder=_("e.g. Fall family literacy night"), description=_("Activity"),
                                 layout=wide, style={"description_width": "6rem"})
        self.inputs: dict[str, widgets.ToggleButtons] = {}
        rows = []
        for q in ev.questions:
            self.inputs[q.id] = widgets.ToggleButtons(options=[(a, i) for i, a in enumerate(ev.answers)], value=None,
                                                      style={"button_width": "7rem"})
            rows += [widgets.HTML(page(f"<p>{esc(q.question)}</p>")), self.inputs[q.id]]
        self.decision = widgets.RadioButtons(options=[(d, i) for i, d in enumerate(ev.decisions)], value=None,
                                             layout=widgets.Layout(width="auto"))
        self.summarize = widgets.Button(description=_("Sum it up"), button_style="primary",
                                        layout=widgets.Layout(width="auto"))
        self.summary = widgets.HTML()
        self.summarize.on_click(lambda _b: self.show_summary())
        super().__init__([widgets.HTML(page(f"<p>{esc(ev.intro.text)}</p>")), self.name, *rows,
                          widgets.HTML(page("<p><strong>" + esc(_("Next year, we will ...")) + "</strong></p>")),
                          self.decision, widgets.HBox([self.summarize]), self.summary])
        self.add_class("shine-component")
        self.add_class("shine-activity-evaluation")

    @property
    def answers(self) -> dict[str, int | None]:
        return {k: w.value for k, w in self.inputs.items()}

    def show_summary(self) -> None:
        name = re.sub(r"\s+", " ", self.name.value or "").strip()
        if len(name) > MAX_NAME_CHARS:
            self.summary.value = page(callout("<p>" + esc(_("Please shorten the activity's name to {limit} characters.")
                                                          .format(limit=MAX_NAME_CHARS)) + "</p>", "note"))
            return
        self.summary.value = summary_html(name, self.answers, self.decision.value)
