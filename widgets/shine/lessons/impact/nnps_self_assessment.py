"""Module 4's self-assessment, NNPS style: rate how widely each practice happens (1-5), grouped
by the six types; see your strengths and gaps; save for your school team and compare views.

Answers go to the store (``store.answers.record``) under the team, so they survive a kernel
restart and every member of the team sees the same team view. The functions at the top turn
saved answers into per-type summaries; module 7's program review uses them too.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
from ipywidgets.widgets.widget_selection import ToggleButtonsStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from shine import content
from shine.i18n import _, ngettext
from shine.store import Store, StoreError
from shine.web import charts
from shine.web.announce import live
from shine.web.html import bullets, callout, esc, page, section

from .team_picker import TeamPicker

DIFFER_BY = 2  # members this far apart on a type should talk it through


def assessment():
    return content.load().self_assessment


def scale():
    return content.get("scale", assessment().scale)


def types() -> list:
    return sorted(content.items("type"), key=lambda t: t.number)


def type_label(t) -> str:
    return f"{t.number}. {t.name}"


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def type_means(answers: dict[str, int | None]) -> dict[str, float | None]:
    """Mean rating per type over the items this person rated."""
    out = {}
    for t in types():
        vals = [answers[i.id] for i in assessment().items if i.type == t.id and answers.get(i.id)]
        out[t.id] = sum(vals) / len(vals) if vals else None
    return out


@dataclass(frozen=True)
class TeamView:
    members: list[tuple[str, dict[str, float | None]]]  # (label, type means), "You" first when present
    means: dict[str, float | None]
    strengths: list[str]  # type ids at or above the scale's strong_from
    needs: list[str]
    differ: list[str]  # type ids where members are DIFFER_BY or more apart


def team_view(responses: dict[str, dict[str, int | None]], me: str | None = None) -> TeamView:
    strong = scale().strong_from or max(p.value for p in scale().points)
    ids = sorted(responses, key=lambda c: (c != me, c))
    members = []
    for n, client in enumerate(ids, start=1):
        label = _("You") if client == me else _("Member {n}").format(n=n if me not in ids else n - 1)
        members.append((label, type_means(responses[client])))
    means, strengths, needs, differ = {}, [], [], []
    for t in types():
        vals = [m[t.id] for _label, m in members if m[t.id] is not None]
        means[t.id] = sum(vals) / len(vals) if vals else None
        if means[t.id] is not None:
            (strengths if means[t.id] >= strong else needs).append(t.id)
        if len(vals) > 1 and max(vals) - min(vals) >= DIFFER_BY:
            differ.append(t.id)
    return TeamView(members, means, strengths, needs, differ)


def my_chart(answers: dict[str, int | None]):
    means = type_means(answers)
    s = scale()
    return charts.scores([type_label(t) for t in types()], [means[t.id] for t in types()],
                         threshold=s.strong_from, maximum=max(p.value for p in s.points),
                         title=_("My view: strengths and gaps by type"), xlabel=_("Average rating (1 to 5)"),
                         ylabel=_("Type of involvement"), strong_label=_("strength"), grow_label=_("needs work"))


def team_chart(view: TeamView, school: str):
    s = scale()
    return charts.team_spread([type_label(t) for t in types()],
                              [(label, [m[t.id] for t in types()]) for label, m in view.members],
                              threshold=s.strong_from, maximum=max(p.value for p in s.points),
                              title=_("{school}: how the team sees it").format(school=school),
                              xlabel=_("Average rating (1 to 5)"), ylabel=_("Type of involvement"),
                              mean_label=_("team average"))


def team_summary_html(view: TeamView, school: str) -> str:
    if not view.members:
        empty = _("Nobody on this team has saved ratings yet. Be the first!")
        return page(callout(f"<p>{esc(empty)}</p>", "note"))
    name = {t.id: type_label(t) for t in types()}
    count = ngettext("{n} member of {school} has saved ratings.", "{n} members of {school} have saved ratings.",
                     len(view.members)).format(n=len(view.members), school=school)
    body = f"<p><strong>{esc(count)}</strong></p>"
    strong = _fmt(scale().strong_from)
    body += section(_("Strengths (a team average of {n} or more)").format(n=strong),
                    bullets(name[t] for t in view.strengths)
                    or "<p>" + esc(_("None yet: every type has room to grow.")) + "</p>")
    body += section(_("Where to grow"), bullets(name[t] for t in view.needs) or "<p>" + esc(_("None.")) + "</p>")
    if view.differ:
        body += section(_("Talk these through: members see them quite differently"),
                        bullets(name[t] for t in view.differ))
    return page(callout(body, "info"))


class SelfAssessment(widgets.VBox):
    def __init__(self, store: Store | None = None):
        self.picker = TeamPicker(store, on_join=lambda _p: self._load_mine())
        s = scale()
        self.inputs: dict[str, widgets.ToggleButtons] = {}
        self.saved: dict[str, int | None] = {}
        tabs = []
        # Every layout and style is a model the page fetches and builds before it shows: the texts
        # share one layout and one style, and the rating buttons one each (none is changed on its
        # own), so the whole self-assessment is about 100 models instead of 190.
        shared, text_style = widgets.Layout(), HTMLStyle()
        rating_style = ToggleButtonsStyle(button_width="8.5rem")
        options = [(f"{p.value} {p.label}", p.value) for p in s.points]
        tooltips = [p.description for p in s.points]
        for t in types():
            rows = [widgets.HTML(page(f"<h3>{esc(type_label(t))}</h3><p class='shine-meta'>{esc(t.aim)}</p>"),
                                 layout=shared, style=text_style)]
            for item in (i for i in assessment().items if i.type == t.id):
                self.inputs[item.id] = widgets.ToggleButtons(options=options, value=None, tooltips=tooltips,
                                                             layout=shared, style=rating_style)
                rows += [widgets.HTML(page(f"<p>{esc(item.text)}</p>"), layout=shared, style=text_style),
                         self.inputs[item.id]]
            tabs.append(widgets.VBox(rows, layout=shared))
        self.tabs = widgets.Tab(children=tabs)
        for i, t in enumerate(types()):
            self.tabs.set_title(i, str(t.number))
        legend = " · ".join(f"{t.number} = {t.name}" for t in types())
        self.save = widgets.Button(description=_("Save my ratings"), button_style="primary",
                                   layout=widgets.Layout(width="auto"))
        self.mine = widgets.Button(description=_("My chart"),
                                   layout=widgets.Layout(width="auto"))
        self.compare = widgets.Button(description=_("Compare with my team"),
                                      layout=widgets.Layout(width="auto"))
        self.message = live(widgets.HTML())
        self.chart = widgets.HTML()
        self.summary = widgets.HTML()
        self.save.on_click(lambda _b: self.save_ratings())
        self.mine.on_click(lambda _b: self.show_mine())
        self.compare.on_click(lambda _b: self.show_team())
        super().__init__([
            widgets.HTML(page(f"<p>{esc(assessment().intro.text)}</p>")), self.picker,
            widgets.HTML(page(f'<p class="shine-meta">{esc(legend)}</p>')), self.tabs,
            widgets.HBox([self.save, self.mine, self.compare]), self.message, self.chart, self.summary])
        self.add_class("shine-component")
        self.add_class("shine-nnps-self-assessment")

    @property
    def answers(self) -> dict[str, int | None]:
        return {k: w.value for k, w in self.inputs.items()}

    def say(self, text: str, tone: str = "info") -> None:
        self.message.value = page(callout(f"<p>{esc(text)}</p>", tone))

    def _load_mine(self) -> None:
        try:
            mine = self.picker.store.answers.latest(assessment().instrument, team_id=self.picker.team.id).get(
                self.picker.client_id, {})
        except StoreError as exc:
            self.say(str(exc), "note")
            return
        mine = {k: v for k, v in mine.items() if k in self.inputs}
        for item_id, value in mine.items():
            self.inputs[item_id].value = value
        self.saved = dict(mine)
        if mine:
            self.say(ngettext("Welcome back: your {n} saved rating is loaded.",
                              "Welcome back: your {n} saved ratings are loaded.", len(mine)).format(n=len(mine)),
                     "good")

    def save_ratings(self) -> int:
        """Save what changed since the last save; returns how many answers were written."""
        if self.picker.team is None:
            self.say(_("Join your school team above first, so your ratings are saved for it."), "note")
            return 0
        changed = {k: v for k, v in self.answers.items() if v is not None and self.saved.get(k) != v}
        if not changed:
            self.say(_("Nothing new to save. Rate a practice, or change a rating, then save."), "info")
            return 0
        written = 0
        try:
            for item_id, value in changed.items():
                self.picker.store.answers.record(assessment().instrument, item_id, value, self.picker.client_id,
                                                  team_id=self.picker.team.id)
                self.saved[item_id] = value
                written += 1
        except StoreError as exc:
            self.say(_("Saved {n} ratings, then the database refused: {error}. Your answers are still on this page; "
                       "please press Save again.").format(n=written, error=exc), "note")
            return written
        self.say(ngettext("Saved {n} rating for {school}.", "Saved {n} ratings for {school}.", written).format(
            n=written, school=self.picker.team.school), "good")
        return written

    def show_mine(self) -> None:
        if not any(self.answers.values()):
            self.say(_("Rate at least one practice to see your chart."), "note")
            return
        self.chart.value = charts.to_html(my_chart(self.answers))
        self.summary.value = ""

    def show_team(self) -> None:
        if self.picker.team is None:
            self.say(_("Join your school team above first, to see how your team rated the school."), "note")
            return
        try:
            responses = self.picker.store.answers.latest(assessment().instrument, team_id=self.picker.team.id)
        except StoreError as exc:
            self.say(str(exc), "note")
            return
        view = team_view(responses, self.picker.client_id)
        self.chart.value = charts.to_html(team_chart(view, self.picker.team.school)) if view.members else ""
        self.summary.value = team_summary_html(view, self.picker.team.school)
