"""Module 5's play explorer: every play in the content, filtered by role, area and type, each
with its evidence cited to the study it comes from (or said plainly to have none named)."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _, ngettext
from shine.web.html import bullets, callout, esc, page, section

ANY = "any"
SHORTLIST_MAX = 3  # the module asks a team to choose two or three plays


def plays(role: str = ANY, area: str = ANY, type_id: str = ANY) -> list:
    return [p for p in content.items("play")
            if (role == ANY or p.role == role) and (area == ANY or p.area == area)
            and (type_id == ANY or type_id in p.types)]


def play_title(play) -> str:
    return play.assets[0]


def evidence_html(evidence) -> str:
    claim = f"<p>{esc(evidence.claim)}</p>"
    if evidence.related:  # another programme's result: headed as such, never as the play's own
        heading = esc(_("A related program with a different model"))
        claim = f"<p><strong>{heading}</strong></p><p>{esc(evidence.related)}</p>" + claim
    if evidence.study:
        study = content.get("study", evidence.study)
        cite = _("Source: {citation} Who was studied: {sample}").format(citation=study.citation, sample=study.sample)
        body = claim + f'<p class="shine-meta">{esc(cite)}</p>'
    elif not evidence.note:
        body = claim + '<p class="shine-meta">' + esc(_("No study is named for this claim.")) + "</p>"
    else:
        body = claim
    if evidence.note:
        body += f'<p class="shine-meta">' + esc(_("Note:")) + f' {esc(reader_note(evidence.note))}</p>'
    return f'<div class="shine-box" style="margin:0.4rem 0">{body}</div>'


def reader_note(note: str) -> str:
    """Content notes are written for content editors, for whom "the seed" is the source document
    a play was drawn from (the CSDE's guidance); participants read that name instead."""
    return note.replace("The seed", _("The CSDE guidance")).replace("the seed", _("the CSDE guidance"))


def play_html(play_id: str) -> str:
    p = content.get("play", play_id)
    role = content.get("role", p.role).name
    area = content.get("play_area", p.area).name
    practices = "".join(
        f"<p>{'<strong>' + esc(pr.heading) + ':</strong> ' if pr.heading else ''}{esc(pr.text)}</p>"
        for pr in p.practices)
    types = [content.get("type", t) for t in p.types]
    stds = [content.get("standard", s) for s in p.standards]
    tags = [_("Types: {types}").format(types=", ".join(f"{t.number}. {t.name}" for t in types)),
            _("PTA standards: {standards}").format(standards=", ".join(f"{s.number}. {s.name_2022}" for s in stds))]
    if p.capacities:
        tags.append(_("Builds: {cs}").format(cs=", ".join(content.get("capacity", c).name for c in p.capacities)))
    body = (f"<h3>{esc(play_title(p))}</h3>"
            f'<p class="shine-meta">' + esc(_("For: {role} · Area: {area}").format(role=role, area=area)) + f'</p>'
            + (section(_("Resources"), bullets(p.assets)) if len(p.assets) > 1 else "")
            + section(_("The practice"), practices))
    if p.evidence:
        body += section(_("The evidence"), "".join(evidence_html(e) for e in p.evidence))
    if p.examples:
        body += section(_("Examples and models"), bullets(p.examples))
    body += f'<p class="shine-meta">{esc(" · ".join(tags))}</p>'
    return page(body)


class PlayExplorer(widgets.VBox):
    def __init__(self):
        roles = []
        for p in content.items("play"):
            if p.role not in roles:
                roles.append(p.role)
        style = {"description_width": "5rem"}
        wide = widgets.Layout(width="30rem", max_width="100%")
        self.role = widgets.Dropdown(options=[(_("any role"), ANY)] + [(content.get("role", r).name, r) for r in roles],
                                     value=ANY, description=_("Role"), style=style, layout=wide)
        areas = [(a.name, a.id) for a in content.items("play_area")]
        self.area = widgets.Dropdown(options=[(_("any area"), ANY)] + areas,
                                     value=ANY, description=_("Area"), style=style, layout=wide)
        types = sorted(content.items("type"), key=lambda t: t.number)
        self.type = widgets.Dropdown(options=[(_("any type"), ANY)] + [(f"{t.number}. {t.name}", t.id) for t in types],
                                     value=ANY, description=_("Type"), style=style, layout=wide)
        self.count = widgets.HTML()
        self.list = widgets.Select(options=[], rows=8, description=_("Plays"), style=style, layout=wide)
        self.clear = widgets.Button(description=_("Clear the filters"),
                                    layout=widgets.Layout(width="auto"))
        self.detail = widgets.HTML()
        self.shortlist: list[str] = []
        self.pick = widgets.Button(description=_("Add to our shortlist"), button_style="success",
                                   layout=widgets.Layout(width="auto"))
        self.drop = widgets.Button(description=_("Empty the shortlist"), disabled=True,
                                   layout=widgets.Layout(width="auto"))
        self.shortlist_view = widgets.HTML(shortlist_html([]))
        self.pick.on_click(lambda _b: self.add_to_shortlist())
        self.drop.on_click(lambda _b: self.empty_shortlist())
        for w in (self.role, self.area, self.type):
            w.observe(lambda _c: self._filter(), names="value")
        self.list.observe(lambda change: self._show(change["new"]), names="value")
        self.clear.on_click(lambda _b: self.reset())
        self.intro = widgets.HTML(page(f'<p>{esc(content.load().plays.intro.text)}</p>'))
        super().__init__([self.intro, self.role, self.area, self.type, self.count, widgets.HBox([self.list, self.clear]),
                          widgets.HBox([self.pick, self.drop]), self.shortlist_view, self.detail])
        self.add_class("shine-component")
        self.add_class("shine-play-explorer")
        self._filter()

    @property
    def shown(self) -> list:
        return plays(self.role.value, self.area.value, self.type.value)

    def reset(self) -> None:
        self.role.value = self.area.value = self.type.value = ANY

    def _filter(self) -> None:
        found = self.shown
        if not found:
            text = _("No play matches all three filters. Try “any” for one of them, or clear the filters.")
            self.count.value = page(callout(f"<p>{esc(text)}</p>", "note"))
            self.list.options = []
            self.detail.value = ""
            return
        n = ngettext("{n} play matches.", "{n} plays match.", len(found)).format(n=len(found))
        self.count.value = page(f'<p class="shine-meta">{esc(n)}</p>')
        self.list.options = [(play_title(p), p.id) for p in found]
        self.list.value = found[0].id
        self._show(found[0].id)

    def _show(self, play_id: str | None) -> None:
        if play_id:
            self.detail.value = play_html(play_id)

    def add_to_shortlist(self) -> None:
        play_id = self.list.value
        if play_id is None or play_id in self.shortlist:
            return
        if len(self.shortlist) >= SHORTLIST_MAX:
            self.shortlist_view.value = shortlist_html(self.shortlist, full=True)
            return
        self.shortlist.append(play_id)
        self.drop.disabled = False
        self.shortlist_view.value = shortlist_html(self.shortlist)

    def empty_shortlist(self) -> None:
        self.shortlist.clear()
        self.drop.disabled = True
        self.shortlist_view.value = shortlist_html([])


def shortlist_html(play_ids: list[str], full: bool = False) -> str:
    if not play_ids:
        text = _("Your shortlist is empty. Pick two or three plays that fit your school's goals and community.")
        return page(f'<p class="shine-meta">{esc(text)}</p>')
    names = [play_title(content.get("play", p)) for p in play_ids]
    body = "<p><strong>" + esc(_("Our shortlist")) + "</strong></p>" + bullets(names)
    if full:
        body += "<p>" + esc(_("Three is plenty for one year. Empty the list to choose again.")) + "</p>"
    return page(callout(body, "note" if full else "good"))
