"""Module 5's community asset map: list the partners your school already has, sector by sector,
and see the gaps across the sectors the CSDE's guidance names."""

from __future__ import annotations

import re
from dataclasses import dataclass

import ipywidgets as widgets

from shine import content
from shine.i18n import _, ngettext
from shine.web import charts
from shine.web.announce import live
from shine.web.html import bullets, callout, esc, page

MAX_NAME_CHARS = 120
MAX_PARTNERS = 200


@dataclass(frozen=True)
class Partner:
    name: str
    sector: str


def sectors() -> list:
    return list(content.load().plays.community_sectors)


def clean_name(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\x00", "")).strip()


def counts(partners: list[Partner]) -> dict[str, int]:
    return {s.id: sum(p.sector == s.id for p in partners) for s in sectors()}


def gaps(partners: list[Partner]) -> list:
    have = counts(partners)
    return [s for s in sectors() if not have[s.id]]


def map_html(partners: list[Partner]) -> str:
    if not partners:
        return page("<p>" + esc(_("No partners yet. Add the first one above: a library, a clinic, a faith group, "
                                  "a business ...")) + "</p>")
    rows = []
    for s in sectors():
        names = [p.name for p in partners if p.sector == s.id]
        if names:
            shown = ", ".join(f"<bdi>{esc(n)}</bdi>" for n in names)  # bdi: a right-to-left name stays whole
            rows.append(f"<tr><th>{esc(s.name)}</th><td>{shown}</td></tr>")
    missing = gaps(partners)
    ideas = []
    for s in missing:
        hint = f" ({', '.join(s.examples)})" if s.examples else ""
        ideas.append(f"{s.name}{hint}")
    total = ngettext("{n} partner", "{n} partners", len(partners)).format(n=len(partners))
    gap_head = ngettext("{n} sector with no partner yet:", "{n} sectors with no partner yet:", len(missing)).format(
        n=len(missing))
    body = f'<p class="shine-meta">{esc(total)}</p><table>{"".join(rows)}</table>'
    if missing:
        body += callout(f"<p><strong>{esc(gap_head)}</strong></p>{bullets(ideas)}<p class='shine-meta'>"
                        + esc(_("Gaps are not failures: they show where to look next. Who in your community could "
                                "fill one?")) + "</p>", "grow")
    else:
        body += callout("<p>" + esc(_("Every sector has at least one partner. Now ask: are they working together?"))
                        + "</p>", "good")
    return page(body)


def sectors_chart(partners: list[Partner]):
    have = counts(partners)
    return charts.counts([s.name for s in sectors()], [have[s.id] for s in sectors()],
                         title=_("Our community partners, by sector"), xlabel=_("Number of partners"),
                         ylabel=_("Sector"), gap_label=_("gap"))


class AssetMap(widgets.VBox):
    def __init__(self):
        self.partners: list[Partner] = []
        wide = widgets.Layout(width="28rem", max_width="100%")
        style = {"description_width": "6rem"}
        self.name = widgets.Text(placeholder=_("e.g. the public library"), description=_("Partner"), layout=wide,
                                 style=style)
        self.sector = widgets.Dropdown(options=[(s.name, s.id) for s in sectors()], value=sectors()[0].id,
                                       description=_("Sector"), layout=wide, style=style)
        self.add = widgets.Button(description=_("Add partner"), button_style="primary",
                                  layout=widgets.Layout(width="auto"))
        self.undo = widgets.Button(description=_("Remove the last one"), disabled=True,
                                   layout=widgets.Layout(width="auto"))
        self.message = live(widgets.HTML())
        self.map = widgets.HTML(map_html([]))
        self.chart = widgets.HTML()
        self.add.on_click(lambda _b: self.add_partner())
        self.undo.on_click(lambda _b: self.remove_last())
        ask = _("List the organizations, businesses and people your school already works with. Use a group's "
                "name, never a child's.")
        super().__init__([widgets.HTML(page(f"<p>{esc(ask)}</p>")), self.name, self.sector,
                          widgets.HBox([self.add, self.undo]), self.message, self.map, self.chart])
        self.add_class("shine-component")
        self.add_class("shine-asset-map")

    def say(self, text: str, tone: str) -> None:
        self.message.value = page(callout(f"<p>{esc(text)}</p>", tone))

    def add_partner(self) -> bool:
        name = clean_name(self.name.value)
        if not name:
            self.say(_("Type the partner's name first."), "note")
            return False
        if len(name) > MAX_NAME_CHARS:
            self.say(_("That name is {n} characters long; please keep it under {limit}.").format(
                n=len(name), limit=MAX_NAME_CHARS), "note")
            return False
        if len(self.partners) >= MAX_PARTNERS:
            self.say(_("That is {n} partners already, the most this map holds.").format(n=MAX_PARTNERS), "note")
            return False
        if any(p.name.casefold() == name.casefold() and p.sector == self.sector.value for p in self.partners):
            self.say(_("{name} is already on the map in this sector.").format(name=name), "note")
            return False
        self.partners.append(Partner(name, self.sector.value))
        self.name.value = ""
        self.say(_("Added {name}.").format(name=name), "good")
        self._redraw()
        return True

    def remove_last(self) -> None:
        if self.partners:
            gone = self.partners.pop()
            self.say(_("Removed {name}.").format(name=gone.name), "info")
            self._redraw()

    def _redraw(self) -> None:
        self.undo.disabled = not self.partners
        self.map.value = map_html(self.partners)
        self.chart.value = charts.to_html(sectors_chart(self.partners)) if self.partners else ""
