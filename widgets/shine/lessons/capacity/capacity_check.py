"""Module 3's 4 Cs self-check: rate statements about staff and families, see a radar chart, and
get the plays that build the weakest C."""

from __future__ import annotations

import ipywidgets as widgets
from ipywidgets.widgets.widget_selection import ToggleButtonsStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from shine import content
from shine.i18n import _
from shine.web import chart_cache, charts
from shine.web.html import callout, esc, page

SIDES = ("staff", "families")


def side_names() -> dict[str, str]:
    return {"staff": _("Staff side"), "families": _("Family side")}


def capacities() -> list:
    return list(content.load().dual_capacity.capacities)


def averages(ratings: dict[str, int | None]) -> dict[str, dict[str, float | None]]:
    """``{side: {capacity: mean rating or None}}`` from ``{item_id: rating}``."""
    out: dict[str, dict[str, float | None]] = {}
    items = content.load().capacity_check.items
    for side in SIDES:
        out[side] = {}
        for c in capacities():
            vals = [ratings[i.id] for i in items if i.side == side and i.capacity == c.id and ratings.get(i.id)]
            out[side][c.id] = sum(vals) / len(vals) if vals else None
    return out


def weakest(ratings: dict[str, int | None]) -> list[str]:
    """The capacity (or tied capacities) with the lowest mean over every rated statement."""
    items = content.load().capacity_check.items
    means = {}
    for c in capacities():
        vals = [ratings[i.id] for i in items if i.capacity == c.id and ratings.get(i.id)]
        if vals:
            means[c.id] = sum(vals) / len(vals)
    if not means:
        return []
    low = min(means.values())
    return [c for c, m in means.items() if abs(m - low) < 1e-9]


def plays_building(capacity_id: str) -> list:
    return [p for p in content.items("play") if capacity_id in p.capacities]


def radar_figure(ratings: dict[str, int | None]):
    scale = content.load().capacity_check.scale
    avg = averages(ratings)
    series = [(side_names()[s], [avg[s][c.id] for c in capacities()]) for s in SIDES
              if any(v is not None for v in avg[s].values())]
    return charts.radar([c.name for c in capacities()], series, maximum=max(p.value for p in scale.points),
                        title=_("Our school on the 4 Cs"), value_label=_("Average rating"))


def suggestions_html(ratings: dict[str, int | None]) -> str:
    low = weakest(ratings)
    if not low:
        return page(callout("<p>" + esc(_("Rate at least one statement to see your chart and suggestions.")) + "</p>",
                            "note"))
    parts = []
    for cid in low:
        c = content.get("capacity", cid)
        head = _("Your weakest C right now: {name} ({gloss})").format(name=c.name, gloss=c.gloss.rstrip("."))
        rows = []
        for play in plays_building(cid):
            area = content.get("play_area", play.area).name
            role = content.get("role", play.role).name
            rows.append(f"<li><strong>{esc(play.assets[0])}</strong> <span class='shine-meta'>"
                        f"({esc(role)}; {esc(area)})</span><br/>{esc(play.practices[0].text)}</li>")
        plays = f"<ul>{''.join(rows)}</ul>" if rows else "<p>" + esc(_("No play is tagged with this C yet.")) + "</p>"
        parts.append(f"<h3>{esc(head)}</h3><p>" + esc(_('Plays that build it:')) + f"</p>{plays}")
    tip = _("Every C matters. Starting with the weakest one gives your team a clear first step; module 5 explores "
            "each play in depth.")
    return page(callout("".join(parts) + f"<p class='shine-meta'>{esc(tip)}</p>", "good"))


class CapacityCheck(widgets.VBox):
    def __init__(self):
        check = content.load().capacity_check
        self.scale = check.scale
        self.items = list(check.items)
        self.inputs: dict[str, widgets.ToggleButtons] = {}
        tabs = []
        # One layout and one style for all the texts, and one each for all the rating buttons (none
        # is changed on its own): each would otherwise be a model the page fetches before it shows.
        shared, text_style = widgets.Layout(), HTMLStyle()
        rating_style = ToggleButtonsStyle(button_width="6.5rem")
        options = [(p.label, p.value) for p in self.scale.points]
        tooltips = [p.description for p in self.scale.points]
        for side in SIDES:
            rows = []
            for c in capacities():
                heading = f"<h3>{esc(c.name)} <span class='shine-meta'>{esc(c.gloss)}</span></h3>"
                rows.append(widgets.HTML(page(heading), layout=shared, style=text_style))
                for item in (i for i in self.items if i.side == side and i.capacity == c.id):
                    self.inputs[item.id] = widgets.ToggleButtons(options=options, value=None, tooltips=tooltips,
                                                                 layout=shared, style=rating_style)
                    rows += [widgets.HTML(page(f"<p>{esc(item.text)}</p>"), layout=shared, style=text_style),
                             self.inputs[item.id]]
            tabs.append(widgets.VBox(rows, layout=shared))
        self.tabs = widgets.Tab(children=tabs)
        for i, side in enumerate(SIDES):
            self.tabs.set_title(i, side_names()[side])
        self.draw = widgets.Button(description=_("Show my chart"), button_style="primary",
                                   layout=widgets.Layout(width="auto"))
        self.clear = widgets.Button(description=_("Clear my ratings"),
                                    layout=widgets.Layout(width="auto"))
        self.chart = widgets.HTML()
        self.suggestions = widgets.HTML()
        self.draw.on_click(lambda _b: self.show_results())
        self.clear.on_click(lambda _b: self.reset())
        super().__init__([widgets.HTML(page(f"<p>{esc(check.intro.text)}</p>")), self.tabs,
                          widgets.HBox([self.draw, self.clear]), self.chart, self.suggestions])
        self.add_class("shine-component")
        self.add_class("shine-capacity-check")

    @property
    def ratings(self) -> dict[str, int | None]:
        return {item_id: w.value for item_id, w in self.inputs.items()}

    def show_results(self) -> None:
        ratings = self.ratings
        if not any(ratings.values()):
            self.chart.value = ""
            self.suggestions.value = suggestions_html(ratings)
            return
        self.chart.value = chart_cache.html(radar_figure, ratings, source=content.load())
        self.suggestions.value = suggestions_html(ratings)

    def reset(self) -> None:
        for w in self.inputs.values():
            w.value = None
        self.chart.value = self.suggestions.value = ""
