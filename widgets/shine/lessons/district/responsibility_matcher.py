"""Module 2's "who does what": match each duty in the State Board's 2009 policy guidance to the
partner it belongs to, then see what that duty looks like in practice."""

from __future__ import annotations

import random

import ipywidgets as widgets

from shine import content
from shine.i18n import _, ngettext
from shine.web.announce import live
from shine.web.html import bullets, callout, esc, page

SHUFFLE_SEED = 2009  # a fixed mix, so the same duty comes up at the same place for a whole room


def parties() -> list:
    """The partners named in the guidance, in the order the guidance gives them."""
    seen = []
    for r in content.items("responsibility"):
        if r.party not in seen:
            seen.append(r.party)
    return [content.get("role", p) for p in seen]


def shuffled_duties(seed: int = SHUFFLE_SEED) -> list:
    duties = list(content.items("responsibility"))
    random.Random(seed).shuffle(duties)  # grouped by partner in the content, which would give it away
    return duties


def feedback_html(duty, chosen_party: str) -> str:
    owner = content.get("role", duty.party)
    actions = bullets(duty.actions)
    if chosen_party == duty.party:
        head = esc(_("Yes. This belongs to:")) + f" <strong>{esc(owner.name)}</strong>."
        tone = "good"
    else:
        chosen = content.get("role", chosen_party)
        head = (esc(_("Good thinking: partners often share the work, and {chosen} may well help here.").format(
            chosen=chosen.name)) + " " + esc(_("In the 2009 guidance, this duty belongs to:"))
            + f" <strong>{esc(owner.name)}</strong>.")
        tone = "grow"
    body = f"<p>{head}</p><p>" + esc(_('What it looks like:')) + f"</p>{actions}"
    if duty.party in ("families", "students"):
        body += "<p class='shine-meta'>" + esc(_(
            "Every partner has a share of the work. What could your school do to make this one easier?")) + "</p>"
    return page(callout(body, tone))


def frame_html() -> str:
    """The guidance's frame before its duties: three equal partners, shared goals."""
    shared = content.load().responsibilities.shared
    return page(f'<div class="shine-box">{bullets(p.text for p in shared)}</div>')


def overview_html() -> str:
    rows = []
    for party in parties():
        duties = [r.duty for r in content.items("responsibility") if r.party == party.id]
        rows.append(f"<tr><th>{esc(party.name)}</th><td>{bullets(duties)}</td></tr>")
    note = content.load().responsibilities.guidance.text
    return page(f"<p>{esc(note)}</p><table>{''.join(rows)}</table>")


class ResponsibilityMatcher(widgets.VBox):
    def __init__(self, seed: int = SHUFFLE_SEED):
        self.duties = shuffled_duties(seed)
        self.parties = parties()
        self.index = 0
        self.correct: dict[str, bool] = {}
        self.progress = widgets.HTML()
        self.duty = widgets.HTML()
        self.choice = widgets.ToggleButtons(options=[(p.name, p.id) for p in self.parties], value=None,
                                            style={"button_width": "auto"})
        self.check = widgets.Button(description=_("Check"), button_style="primary",
                                    layout=widgets.Layout(width="auto"))
        self.next = widgets.Button(description=_("Next duty"), disabled=True,
                                   layout=widgets.Layout(width="auto"))
        self.show_all = widgets.ToggleButton(value=False, description=_("Show the whole picture"),
                                            layout=widgets.Layout(width="auto"))
        self.feedback = live(widgets.HTML())
        self.overview = widgets.HTML()
        self.check.on_click(lambda _b: self.check_answer())
        self.next.on_click(lambda _b: self.go_next())
        self.show_all.observe(lambda change: self._toggle_overview(change["new"]), names="value")
        question = _("Who owes this duty to the partnership?")
        self.frame = widgets.HTML(frame_html())
        super().__init__([self.frame, self.progress, self.duty, widgets.HTML(page(f"<p>{esc(question)}</p>")), self.choice,
                          widgets.HBox([self.check, self.next, self.show_all]), self.feedback, self.overview])
        self.add_class("shine-component")
        self.add_class("shine-responsibility-matcher")
        self._show()

    @property
    def current(self):
        return self.duties[self.index] if self.index < len(self.duties) else None

    def _show(self) -> None:
        total = len(self.duties)
        if self.current is None:
            right = sum(self.correct.values())
            text = ngettext("You placed {n} duty of {total} with its owner.",
                            "You placed {n} duties of {total} with their owners.", right).format(n=right, total=total)
            tip = _("Open the whole picture to see every partner's share side by side.")
            self.progress.value = page(callout(f"<p><strong>{esc(text)}</strong> {esc(tip)}</p>", "good"))
            self.duty.value = ""
            self.choice.disabled = self.check.disabled = self.next.disabled = True
            return
        where = _("Duty {n} of {total}").format(n=self.index + 1, total=total)
        self.progress.value = page(f'<p class="shine-meta">{esc(where)}</p>')
        self.duty.value = page(f'<div class="shine-box"><p class="shine-quote">{esc(self.current.duty)}</p></div>')
        self.choice.value = None
        self.choice.disabled = self.check.disabled = False
        self.next.disabled = True
        self.feedback.value = ""

    def check_answer(self) -> None:
        if self.current is None:
            return
        if self.choice.value is None:
            self.feedback.value = page(callout("<p>" + esc(_("Choose a partner first, then check.")) + "</p>", "note"))
            return
        self.correct[self.current.id] = self.choice.value == self.current.party
        self.feedback.value = feedback_html(self.current, self.choice.value)
        self.next.disabled = False

    def go_next(self) -> None:
        if self.current is None or self.current.id not in self.correct:
            return
        self.index += 1
        self._show()

    def _toggle_overview(self, shown: bool) -> None:
        self.overview.value = overview_html() if shown else ""
