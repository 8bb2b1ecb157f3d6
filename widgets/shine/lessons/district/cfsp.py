"""Module 2's "who can help?": Connecticut Family School Partnerships (CFSP), the statewide
family engagement center. Its goal, its five partners and why it exists, then a question a team
answers: which CFSP offer meets this need?"""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web.announce import live
from shine.web.html import bullets, callout, esc, page, section


def case():
    return content.load().cases.cfsp


def offers() -> list:
    """Everything CFSP does and how it works, in the order the center lists them."""
    return list(case().work) + list(case().how_it_works)


def about_html() -> str:
    c = case()
    partners = []
    for org_id in c.partners:
        org = content.get("organization", org_id)
        partners.append(f"{org.name} ({org.acronym})" if org.acronym else org.name)
    return page(f"<h3>{esc(c.name)}</h3><p>{esc(c.goal)}</p><p>{esc(c.foundation)}</p>"
                + section(_("The five partners"), bullets(partners))
                + f'<p class="shine-meta">{esc(c.advisory)}</p>')


def answer_html(need_id: str, chosen: str | None) -> str:
    need = content.get("cfsp_need", need_id)
    if chosen is None:
        return page(callout("<p>" + esc(_("Choose the CFSP offer you think fits, then check.")) + "</p>", "note"))
    right = content.get("point", need.answer)
    if chosen == need.answer:
        head, tone = _("Yes, that fits."), "good"
    else:
        head, tone = _("Another offer fits better: {offer}").format(offer=right.text), "grow"
    return page(callout(f"<p><strong>{esc(head)}</strong></p><p>{esc(need.explanation)}</p>", tone))


class CfspSupport(widgets.VBox):
    def __init__(self):
        style = {"description_width": "initial"}
        wide = widgets.Layout(width="40rem", max_width="100%")
        self.about = widgets.HTML(about_html())
        self.need = widgets.Dropdown(options=[(n.need, n.id) for n in case().needs], value=case().needs[0].id,
                                     description=_("The need"), style=style, layout=wide)
        self.offer = widgets.RadioButtons(options=[(o.text, o.id) for o in offers()], value=None,
                                          description=_("CFSP offer"), style=style, layout=wide)
        self.check = widgets.Button(description=_("Check"), button_style="primary",
                                    layout=widgets.Layout(width="auto"))
        self.feedback = live(widgets.HTML())
        self.need.observe(lambda _c: self._reset(), names="value")
        self.check.on_click(lambda _b: self.check_answer())
        question = _("Who can help? Choose a need, then the CFSP offer that meets it.")
        super().__init__([self.about, widgets.HTML(page(f"<p><strong>{esc(question)}</strong></p>")), self.need,
                          self.offer, self.check, self.feedback])
        self.add_class("shine-component")
        self.add_class("shine-cfsp")

    def _reset(self) -> None:
        self.offer.value = None
        self.feedback.value = ""

    def check_answer(self) -> bool:
        self.feedback.value = answer_html(self.need.value, self.offer.value)
        return self.offer.value == content.get("cfsp_need", self.need.value).answer
