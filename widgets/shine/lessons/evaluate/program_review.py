"""Module 7: the year's program as your team rated it. Reads the self-assessment every member
saved in module 4 and shows strengths, needs and where views differ."""

from __future__ import annotations

import ipywidgets as widgets

from shine.i18n import _
from shine.store import Store, StoreError
from shine.web import charts
from shine.web.html import callout, esc, page

from ..impact.nnps_self_assessment import assessment, team_chart, team_summary_html, team_view
from ..impact.team_picker import TeamPicker


class ProgramReview(widgets.VBox):
    def __init__(self, store: Store | None = None):
        self.picker = TeamPicker(store, on_join=lambda _p: self.refresh())
        self.again = widgets.Button(description=_("Refresh"), disabled=True,
                                    layout=widgets.Layout(width="auto"))
        self.chart = widgets.HTML()
        self.summary = widgets.HTML()
        self.again.on_click(lambda _b: self.refresh())
        how = _("Read the result as a team: celebrate the strengths, pick one or two needs for next year's plan, and "
                "talk through any type where members see things differently.")
        super().__init__([self.picker, widgets.HBox([self.again]), self.chart, self.summary,
                          widgets.HTML(page(f'<p class="shine-meta">{esc(how)}</p>'))])
        self.add_class("shine-component")
        self.add_class("shine-program-review")

    def refresh(self) -> None:
        team = self.picker.team
        if team is None:
            return
        self.again.disabled = False
        try:
            responses = self.picker.store.answers.latest(assessment().instrument, team_id=team.id)
        except StoreError as exc:
            self.summary.value = page(callout(f"<p>{esc(str(exc))}</p>", "note"))
            return
        view = team_view(responses, self.picker.client_id)
        self.chart.value = charts.to_html(team_chart(view, team.school)) if view.members else ""
        self.summary.value = team_summary_html(view, team.school)
