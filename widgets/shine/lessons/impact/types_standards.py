"""Epstein's six types, one at a time, with the PTA standards they relate to and the state's
higher-impact examples of each; and the six standards side by side, 2008 and 2022 names."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web.html import bullets, esc, page, section


def types() -> list:
    return sorted(content.items("type"), key=lambda t: t.number)


def standards() -> list:
    return sorted(content.items("standard"), key=lambda s: s.number)


def standard_name(s) -> str:
    return _("Standard {n}: {name} (2022; in 2008: {old})").format(n=s.number, name=s.name_2022, old=s.name_2008)


def type_html(type_id: str) -> str:
    t = content.get("type", type_id)
    related = [standard_name(s) for s in standards() if type_id in s.related_types]
    higher = [e.practice for e in content.items("impact_example") if e.impact == "higher" and type_id in e.types]
    body = (f"<h3>" + esc(_('Type {n}: {name}').format(n=t.number, name=t.name)) + f"</h3><p>{esc(t.aim)}</p>"
            + section(_("Sample practices"), bullets(t.sample_practices))
            + section(_("Related PTA standards (this curriculum's alignment)"), bullets(related)))
    if higher:
        body += section(_("Higher-impact examples from Connecticut's charts"), bullets(higher))
    return page(body)


def school_duties(standard_id: str) -> list[str]:
    """What the State Board's 2009 guidance asks of schools that this curriculum files under a
    standard (``standards.school_responsibility_map``)."""
    return [content.get("responsibility", m.responsibility).duty
            for m in content.load().standards.school_responsibility_map if standard_id in m.standards]


def standards_html() -> str:
    rows = []
    for s in standards():
        # A standard whose 2022 goals are not published by name shows its 2008 goals, labelled.
        goals = bullets(s.goals_2022) or (f"<span class='shine-meta'>" + esc(_("2008 goals:")) + "</span>"
                                          + bullets(s.goals_2008))
        duties = bullets(school_duties(s.id))
        rows.append(f"<tr><td>{s.number}</td><td>{esc(s.name_2022)}</td><td>{goals}</td>"
                    f"<td>{esc(s.name_2008)}{bullets(s.goals_2008)}</td><td>{duties}</td></tr>")
    head = "".join(f"<th>{esc(h)}</th>" for h in ("#", _("2022 name"), _("2022 goals"), _("2008 name and goals"),
                                                    _("What Connecticut's 2009 guidance asks schools to do")))
    note = content.load().standards.framework.text
    align = _("Linking the guidance to the standards is this curriculum's alignment.")
    return page(f"<p>{esc(note)}</p><div style='overflow-x:auto'><table><tr>{head}</tr>{''.join(rows)}</table></div>"
                f"<p class='shine-meta'>{esc(align)}</p>")


class TypesAndStandards(widgets.VBox):
    def __init__(self):
        first = types()[0]
        self.framework = widgets.HTML(page(f"<p>{esc(content.load().six_types.framework.text)}</p>"))
        self.choice = widgets.ToggleButtons(options=[(f"{t.number}. {t.name}", t.id) for t in types()],
                                            value=first.id, style={"button_width": "auto"})
        self.detail = widgets.HTML(type_html(first.id))
        self.show_standards = widgets.ToggleButton(value=False, description=_("Show the six PTA standards"),
                                                   layout=widgets.Layout(width="auto"))
        self.standards = widgets.HTML()
        self.choice.observe(lambda change: change["new"] and self._show(change["new"]), names="value")
        self.show_standards.observe(lambda change: self._toggle(change["new"]), names="value")
        super().__init__([self.framework, self.choice, self.detail, widgets.HBox([self.show_standards]),
                          self.standards])
        self.add_class("shine-component")
        self.add_class("shine-types-standards")

    def _show(self, type_id: str) -> None:
        self.detail.value = type_html(type_id)

    def _toggle(self, shown: bool) -> None:
        self.standards.value = standards_html() if shown else ""
