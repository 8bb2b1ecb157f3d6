"""Module 1's principle sort: read an everyday situation, say which guiding principle it shows or
breaks, and get kind, immediate feedback with an explanation (announced to a screen reader; "Next
situation" leaves the focus on the new situation's title)."""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets

from shine import content
from shine.i18n import _, ngettext
from shine.web.announce import live, say
from shine.web.html import callout, esc, page


@dataclass(frozen=True)
class Outcome:
    """How one answer compares with the scenario: ``exact`` (principle and verdict both right),
    ``principle`` (right principle, wrong verdict), ``related`` (a fair second reading) or
    ``different``."""

    kind: str
    verdict_right: bool

    @property
    def counts(self) -> bool:
        return self.kind == "exact"


def judge(scenario, principle_id: str, verdict: str) -> Outcome:
    verdict_right = verdict == scenario.verdict
    if principle_id == scenario.principle:
        return Outcome("exact" if verdict_right else "principle", verdict_right)
    if principle_id in scenario.also_relates:
        return Outcome("related", verdict_right)
    return Outcome("different", verdict_right)


def _principle_label(p) -> str:
    return _("{n}. {name}").format(n=p.number, name=p.short)


def feedback_html(scenario, outcome: Outcome) -> str:
    principle = content.get("principle", scenario.principle)
    named = f"<strong>{esc(_principle_label(principle))}</strong>"
    shows = scenario.verdict == "shows"
    verdict_words = esc(_("shows this principle at work") if shows
                        else _("is a moment where this principle was missed"))
    if outcome.kind == "exact":
        head = esc(_("Well spotted!")) + " " + esc(_("This situation is mainly about")) + f" {named}, "
        tone = "good"
    elif outcome.kind == "principle":
        head = (esc(_("You found the right principle:")) + f" {named}. "
                + esc(_("Look again at whether it is lived out here: this situation")) + " ")
        tone = "grow"
    elif outcome.kind == "related":
        head = (esc(_("That is a fair reading, and that principle is here too.")) + " "
                + esc(_("The situation is written mainly about")) + f" {named}, ")
        tone = "grow"
    else:
        head = (esc(_("Not quite, and that is what practice is for.")) + " "
                + esc(_("This situation is mainly about")) + f" {named}, ")
        tone = "grow"
    body = f"<p>{head}{verdict_words}.</p><p>{esc(scenario.explanation)}</p>"
    if scenario.better:
        body += f"<p><strong>" + esc(_('A way to turn it around:')) + f"</strong> {esc(scenario.better)}</p>"
    body += f'<p class="shine-meta">' + esc(_("The principle in full:")) + f' {esc(principle.name)}</p>'
    return page(callout(body, tone))


def _prompt(text: str) -> widgets.HTML:
    return widgets.HTML(page(f"<p><strong>{esc(text)}</strong></p>"))


class ScenarioSort(widgets.VBox):
    """One situation at a time: choose a principle and "shows" or "breaks", then check."""

    def __init__(self):
        self.intro = content.load().scenarios.intro
        self.scenarios = list(content.load().scenarios.scenarios)
        self.principles = sorted(content.items("principle"), key=lambda p: p.number)
        self.index = 0
        self.answers: dict[str, Outcome] = {}

        self.progress = widgets.HTML()
        self.situation = widgets.HTML()
        self.principle = widgets.Dropdown(
            options=[(_("Choose a principle ..."), "")] + [(_principle_label(p), p.id) for p in self.principles],
            value="", description=_("Principle"), style={"description_width": "initial"},
            layout=widgets.Layout(width="32rem", max_width="100%"))
        self.verdict = widgets.ToggleButtons(
            options=[(_("Shows it"), "shows"), (_("Breaks it"), "breaks")], value=None,
            style={"button_width": "9rem"})
        self.check = widgets.Button(description=_("Check my answer"), button_style="primary",
                                    layout=widgets.Layout(width="auto"))
        self.next = widgets.Button(description=_("Next situation"), disabled=True,
                                   layout=widgets.Layout(width="auto"))
        self.restart = widgets.Button(description=_("Start again"),
                                      layout=widgets.Layout(width="auto"))
        self.feedback = live(widgets.HTML())
        self.check.on_click(lambda _b: self.check_answer())
        self.next.on_click(lambda _b: self.go_next())
        self.restart.on_click(lambda _b: self.start_over())
        super().__init__([
            widgets.HTML(page(f"<p>{esc(self.intro.text)}</p>")),
            self.progress, self.situation,
            _prompt(_("Which principle is this situation mainly about?")),
            self.principle,
            _prompt(_("Does it show the principle at work, or break it?")),
            self.verdict,
            widgets.HBox([self.check, self.next, self.restart]), self.feedback,
        ])
        self.add_class("shine-component")
        self.add_class("shine-scenario-sort")
        self._show()

    @property
    def current(self):
        return self.scenarios[self.index] if self.index < len(self.scenarios) else None

    @property
    def score(self) -> int:
        return sum(o.counts for o in self.answers.values())

    def _show(self) -> None:
        total = len(self.scenarios)
        if self.current is None:
            self.situation.value = ""
            self.progress.value = self.summary_html()
            for w in (self.principle, self.verdict, self.check, self.next):
                w.disabled = True
            return
        done = _("Situation {n} of {total}").format(n=self.index + 1, total=total)
        self.progress.value = page(f'<p class="shine-meta">{esc(done)}</p>')
        s = self.current
        self.situation.value = page(f'<div class="shine-box"><h3>{esc(s.title)}</h3><p>{esc(s.situation)}</p></div>')
        self.principle.value = ""  # the placeholder: a Dropdown shows nothing at all for None
        self.verdict.value = None
        for w in (self.principle, self.verdict, self.check):
            w.disabled = False
        self.next.disabled = True
        self.feedback.value = ""

    def check_answer(self) -> None:
        s = self.current
        if s is None:
            return
        if not self.principle.value or self.verdict.value is None:
            missing = _("Choose a principle, and whether the situation shows it or breaks it, then check.")
            say(self.feedback, page(callout(f"<p>{esc(missing)}</p>", "note")))
            return
        outcome = judge(s, self.principle.value, self.verdict.value)
        self.answers[s.id] = outcome
        say(self.feedback, feedback_html(s, outcome))
        self.next.disabled = False
        last = self.index == len(self.scenarios) - 1
        self.next.description = _("See my summary") if last else _("Next situation")

    def go_next(self) -> None:
        if self.current is not None and self.current.id not in self.answers:
            return  # nothing checked yet: stay, so no situation is skipped by a double click
        self.index += 1
        self._show()

    def start_over(self) -> None:
        self.index = 0
        self.answers.clear()
        self.next.description = _("Next situation")
        self._show()

    def summary_html(self) -> str:
        total = len(self.scenarios)
        head = ngettext("You matched {n} situation of {total} exactly.",
                        "You matched {n} situations of {total} exactly.", self.score).format(n=self.score, total=total)
        close = sum(1 for o in self.answers.values() if o.kind in ("principle", "related"))
        rows = []
        for s in self.scenarios:
            outcome = self.answers.get(s.id)
            mark = {"exact": _("matched"), "principle": _("right principle"), "related": _("fair reading"),
                    "different": _("worth another look")}.get(outcome.kind if outcome else "", _("not answered"))
            p = content.get("principle", s.principle)
            rows.append(f"<tr><td>{esc(s.title)}</td><td>{esc(_principle_label(p))}</td><td>{esc(mark)}</td></tr>")
        table = "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>".format(
            esc(_("Situation")), esc(_("Mainly about")), esc(_("Your answer")), "".join(rows))
        extra = ngettext("{n} more was a fair reading or the right principle.",
                         "{n} more were fair readings or the right principle.", close).format(n=close)
        talk = _("Talk it over: which situation would your school find hardest to turn around, and why?")
        return page(callout(f"<p><strong>{esc(head)}</strong> {esc(extra)}</p>{table}<p>{esc(talk)}</p>", "good"))
