"""The One-Year Action Plan builder: a team writes its plan for the year, sees at every step
which rules it meets, and leaves with a file to hand in.

A person opens their school's plan (district, school, school year), then adds, edits, reorders
and deletes goals and activities; the checklist and the "types covered" chart follow every
change, and Undo brings back the last thing deleted. Every change is saved to the store as a
new version of the team's plan (versions are append-only, so nothing is ever overwritten):
typing is saved a moment after the person pauses, anything structural at once, and the status
line says which (``saving.py``). A closed tab saves what was waiting; two pages on one plan are
merged field by field, and the person chooses when both changed the same field
(``conflicts.py``); "Earlier versions" lists every version and brings one back (``history.py``).
Laid out in one column with large targets, for a tablet in Voila.

    from shine.plan.widgets.builder import PlanBuilder
    PlanBuilder()                                      # asks which school
    PlanBuilder("Harbor Valley", "Riverside High")     # opens that team's plan at once

In Voila the page address may name the team too: ``...?district=...&school=...&year=2026-2027``.
"""

from __future__ import annotations

import base64
import os
import secrets
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as widgets

from shine.i18n import _
from shine.store import Store, StoreError
from shine.web.announce import adds_fields, live, say
from shine.web.html import STYLE as BASE_STYLE
from shine.web.html import esc

from .. import export as exporting
from .. import model as plans
from .. import versions
from ..charts import types_covered_chart
from ..model import Activity, Goal, Member, Plan, PlanError, clean, goal_kinds, level_label
from ..rules import Report, check
from .checklist import RuleChecklist
from .conflicts import ConflictPanel
from .fields import button, choice_input, div, text_input
from .goal import GoalCard
from .history import HistoryPanel
from .saving import _open_builders, _Saver, SavesPlan, watch_kernel_shutdown
from .team import TeamEditor

__all__ = ["PlanBuilder", "_Saver"]

AUTOSAVE_DELAY_S = 1.0  # typing is saved this long after the last keystroke
MAX_IMPORT_BYTES = 2_000_000

STYLE = """<style>
.shine-plan { max-width: 48rem; }
.shine-plan .widget-inline-hbox { flex-direction: column; align-items: stretch; height: auto; }
.shine-plan .widget-inline-hbox > .widget-label { width: auto !important; max-width: none; text-align: left;
  white-space: normal; line-height: 1.4; font-weight: 600; margin: 0.5rem 0 0.15rem; }
.shine-plan .widget-inline-hbox > input, .shine-plan .widget-inline-hbox > textarea,
.shine-plan .widget-inline-hbox > select { flex: 0 0 auto; width: 100%; box-sizing: border-box; }
.shine-plan input, .shine-plan textarea, .shine-plan select { font-size: 16px !important; min-height: 40px;
  font-family: inherit; }
.shine-plan textarea { min-height: 5rem; }
.shine-plan .jupyter-button { font-size: 16px; min-height: 44px; margin: 0.25rem 0.4rem 0.25rem 0; }
.shine-plan .jupyter-widget-Collapse-header, .shine-plan .lm-AccordionPanel-title,
.shine-plan .p-Collapse-header { min-height: 44px; font-size: 16px; padding: 0.6rem; }
.shine-plan-error, .shine-plan-error p { color: #9b1c1c; }
.shine-plan-warning { color: #7a4b00; }
.shine-plan-row { border-bottom: 1px solid #d9e2ec; padding-bottom: 0.5rem; margin-bottom: 0.5rem; }
.shine-plan-activity { padding: 0.3rem 0.2rem; }
.shine-checklist li { margin: 0.25rem 0; }
</style>"""

def _heading(text: str) -> widgets.HTML:
    return widgets.HTML(div(f"<h3>{esc(text)}</h3>"))


def _query() -> dict[str, str]:
    query = parse_qs(os.environ.get("QUERY_STRING", ""))
    return {k: v[0] for k, v in query.items() if v}


class PlanBuilder(SavesPlan, widgets.VBox):
    """Build, check, save and export a school's One-Year Action Plan for Partnerships."""

    def __init__(self, district: str | None = None, school: str | None = None, *, school_year: str | None = None,
                 store: Store | str | None = None, autosave_delay: float = AUTOSAVE_DELAY_S,
                 client_id: str | None = None):
        query = _query()
        district = district or query.get("district")
        school = school or query.get("school")
        school_year = school_year or query.get("year")
        self._store_arg = store
        self._store: Store | None = store if isinstance(store, Store) else None
        self.client_id = client_id or "plan-" + secrets.token_hex(6)
        self.plan: Plan | None = None
        self.team_id: int | None = None
        self.version: int | None = None  # the version this page is built on
        self.base_data: dict | None = None  # and its content: what another page's changes are merged against
        self.choices: dict = {}
        self.report: Report | None = None
        self.undo_stack: list[tuple] = []
        self.cards: dict[str, GoalCard] = {}
        self.last_export: tuple[str, bytes] | None = None
        self._loading = False
        self._chart_key: tuple | None = None
        self.saver = _Saver(self._save, autosave_delay, on_wait=self._waiting)

        opening = self._opening(district, school, school_year)
        self.editor = self._editor()
        self.status = widgets.HTML("")
        self.merge_message = widgets.HTML("")
        self.conflicts = ConflictPanel(self._chosen)
        super().__init__([widgets.HTML(BASE_STYLE + STYLE), opening, self.editor, self.status, self.conflicts,
                          self.merge_message], layout=widgets.Layout(width="100%"))
        self.add_class("shine-plan")
        _open_builders.add(self)
        watch_kernel_shutdown()
        if district and school:
            self.open_plan()

    def _opening(self, district: str | None, school: str | None, school_year: str | None) -> widgets.VBox:
        """1. Which plan: the school's district and name, and the school year."""
        self.years = plans.school_years()
        if school_year and school_year not in self.years:
            self.years.append(school_year)
        self.district = text_input(district or "", "district")
        self.school = text_input(school or "", "school")
        self.year = choice_input([(y, y) for y in self.years], school_year or plans.current_school_year(),
                                 "school_year")
        self.open_button = button(_("Open our plan"), style="primary")
        self.open_button.on_click(lambda _b: self.open_plan())
        self.open_message = live(widgets.HTML(""))
        return widgets.VBox([_heading(_("1. Your school")), self.district, self.school, self.year,
                             self.open_button, self.open_message])

    def _editor(self) -> widgets.VBox:
        """2-5. The plan itself, shown once it is open."""
        self.level = choice_input([(_("(choose)"), None)] + [(level_label(lv), lv) for lv in plans.LEVELS],
                                  None, "level")
        self.level.observe(self._level_changed, names="value")
        self.form = widgets.ToggleButtons(
            options=[(_("Form G: by goals"), "G"), (_("Form T: by the six types"), "T")], value="G",
            description=_("Form"), style={"description_width": "initial", "button_width": "auto"})
        self.form.observe(self._form_changed, names="value")
        self.team_box = widgets.VBox()
        self.goals_box = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.add_goal_button = adds_fields(button(_("Add a goal"), style="primary"))
        self.add_goal_button.on_click(lambda _b: self.add_goal())
        self.undo_button = button(_("Undo last delete"), tooltip=_("Bring back what was deleted last"))
        self.undo_button.disabled = True
        self.undo_button.on_click(lambda _b: self.undo())
        self.checklist = RuleChecklist()
        self.chart = widgets.HTML("")
        self.export_buttons = {}
        for fmt, label in (("docx", _("Word (.docx)")), ("md", _("Markdown (.md)")),
                           ("html", _("Printable page (.html)")), ("json", _("Plan file (.json)"))):
            btn = button(label)
            btn.on_click(lambda _b, fmt=fmt: self.export(fmt))
            self.export_buttons[fmt] = btn
        self.download = widgets.HTML("")
        self.upload = widgets.FileUpload(accept=".json,application/json", multiple=False,
                                         description=_("Import a plan file"),
                                         layout=widgets.Layout(min_height="44px", width="auto"))
        self.upload.observe(self._uploaded, names="value")
        self.import_message = live(widgets.HTML(""))
        self.history = HistoryPanel(
            lambda: versions.history(self.store, self.team_id, self.plan.school_year) if self.plan else [],
            lambda n: versions.describe(self.store, self.team_id, self.plan.school_year, n), self.restore_version)
        return widgets.VBox([
            self.level, self.form,
            _heading(_("2. Your Action Team")), self.team_box,
            _heading(_("3. Goals and activities")), self.goals_box, self.add_goal_button, self.undo_button,
            _heading(_("4. Check your plan")), self.checklist, self.chart,
            _heading(_("5. Take your plan with you")),
            widgets.HBox(list(self.export_buttons.values()), layout=widgets.Layout(flex_flow="row wrap")),
            self.download, self.upload, self.import_message,
            _heading(_("6. Earlier versions")), self.history,
        ], layout=widgets.Layout(display="none", width="100%"))

    # --- the store -----------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self._store_arg if isinstance(self._store_arg, str) else None)
        return self._store

    def _say(self, target: widgets.HTML, text: str, kind: str = "info") -> None:
        css = {"error": "shine-plan-error", "info": "shine-meta", "warning": "shine-plan-warning"}[kind]
        say(target, div(f'<p class="{css}">{esc(text)}</p>') if text else "")

    def _team(self, district: str, school: str):
        """The team, matching the spelling already in use ("riverside high " opens "Riverside High")."""
        key = (" ".join(district.split()).casefold(), " ".join(school.split()).casefold())
        for team in self.store.teams.all():
            if (" ".join(team.district.split()).casefold(), " ".join(team.school.split()).casefold()) == key:
                return team
        return self.store.teams.ensure(district, school)

    # --- opening a plan ------------------------------------------------------------------------

    def open_plan(self) -> bool:
        """Open the team's latest plan for the year, or start one."""
        district, school = clean(self.district.value), clean(self.school.value)
        if not district or not school:
            self._say(self.open_message, _("Please type your district and your school, then open the plan."), "error")
            return False
        self.flush()
        if self.unsaved:
            self._say(self.open_message, _("Your last changes are not saved yet (see the end of the page); "
                                           "save them before opening another plan."), "error")
            return False
        unreadable = None
        try:
            team = self._team(district, school)
            found = plans.latest(self.store, team.id, self.year.value)
        except PlanError as exc:
            unreadable, found = "; ".join(exc.problems), None
        except StoreError as exc:
            self._say(self.open_message, str(exc), "error")
            return False
        self.team_id = team.id
        if found:
            self.version, plan = found
            self._say(self.open_message, _("Opened the plan of {school} for {year} (version {n}).").format(
                school=team.school, year=self.year.value, n=self.version))
        else:
            self.version = None
            plan = plans.new_plan(team.district, team.school, self.year.value, level=team.level)
            if unreadable:
                self._say(self.open_message, _("The saved plan could not be read ({why}), so this is a fresh start; "
                                               "earlier versions stay in the database.").format(why=unreadable),
                          "error")
            else:
                self._say(self.open_message, _("A new plan for {school}, {year}. Everything you type is saved as you "
                                               "go.").format(school=team.school, year=self.year.value))
        self.base_data = plan.to_data() if found else None
        self.undo_stack.clear()
        self._load(plan)
        return True

    def _load(self, plan: Plan) -> None:
        self.choices = {}
        self.conflicts.clear()
        self.merge_message.value = ""
        self._loading = True
        try:
            self.plan = plan
            self.level.value = plan.level or ""
            self.form.value = plan.form
            self.team_editor = TeamEditor(plan, on_change=self._changed, on_remove=self._member_removed)
            self.team_box.children = [self.team_editor]
            self.cards = {}
            self._render_goals()
        finally:
            self._loading = False
        self.editor.layout.display = None
        self._refresh()
        self.history.refresh_if_open()

    # --- reacting to changes -------------------------------------------------------------------

    def _changed(self, _attr: str = "") -> None:
        if self._loading or self.plan is None:
            return
        self._refresh()
        self.saver.request()

    def _structure_changed(self, open_goal: str | None = None, open_activity: str | None = None) -> None:
        self._render_goals(open_goal, open_activity)
        self._refresh()
        self.undo_button.disabled = not self.undo_stack
        self.saver.request(now=True)

    def _level_changed(self, change) -> None:
        if self.plan is not None and not self._loading:
            self.plan.level = change["new"] or None
            self._changed("level")

    def _form_changed(self, change) -> None:
        if self.plan is None or self._loading:
            return
        self.plan.form = change["new"]
        for card in self.cards.values():
            card.set_form(self.plan.form)
        self._changed("form")

    def _render_goals(self, open_goal: str | None = None, open_activity: str | None = None) -> None:
        cards = []
        for number, goal in enumerate(self.plan.goals, start=1):
            card = self.cards.get(goal.id)
            if card is None or card.goal is not goal:
                card = GoalCard(self.plan, goal, on_change=self._changed, on_action=self._goal_action)
            card.set_number(number)
            if goal.id == open_goal:
                card.refresh_activities(open_activity)
            elif len(card.accordion.children) != len(goal.activities) or \
                    any(f.activity is not a for f, a in zip(card.accordion.children, goal.activities)):
                card.refresh_activities()
            cards.append(card)
        self.cards = {c.goal.id: c for c in cards}
        self.goals_box.children = cards

    def _refresh(self) -> None:
        """Re-check the rules and show the results where they belong."""
        plan = self.plan
        self.report = report = check(plan)
        self.checklist.show(report)
        goal_findings: dict[str, list] = {}
        activity_findings: dict[str, list] = {}
        for f in report.findings:
            if f.activity_id:
                activity_findings.setdefault(f.activity_id, []).append(f)
            elif f.goal_id:
                goal_findings.setdefault(f.goal_id, []).append(f)
        for card in self.cards.values():
            card.show_issues(goal_findings.get(card.goal.id, []))
            for form in card.forms.values():
                form.show_issues(activity_findings.get(form.activity.id, []))
            card.refresh_titles()
        self._draw_chart()

    def _draw_chart(self) -> None:
        key = tuple(self.plan.types_covered().items())
        if key == self._chart_key:
            return
        chart = types_covered_chart(self.plan)
        self.chart.value = chart.html()
        self._chart_key = key

    # --- goals and activities ------------------------------------------------------------------

    def _next_kind(self) -> str:
        """The kind the plan is missing first (Form G's mix, or the next type in Form T)."""
        kinds = [k for k, _name in goal_kinds(self.plan.form)]
        have = [g.kind for g in self.plan.goals]
        if self.plan.form == "G":
            from shine import content

            for k in content.load().nnps.form_g_goals:
                if have.count(k.id) < k.count:
                    return k.id
            return kinds[0]
        return next((k for k in kinds if k not in have), kinds[0])

    def add_goal(self) -> Goal | None:
        if self.plan is None:
            return None
        goal = Goal(kind=self._next_kind())
        self.plan.goals.append(goal)
        self._structure_changed()
        return goal

    def add_activity(self, goal: Goal) -> Activity:
        activity = Activity()
        goal.activities.append(activity)
        self._structure_changed(goal.id, activity.id)
        return activity

    def _goal_action(self, action: str, goal: Goal, activity: Activity | None) -> None:
        if action == "add":
            self.add_activity(goal)
        elif activity is None:
            self._move_or_delete(self.plan.goals, goal, action, ("goal", None))
        else:
            self._move_or_delete(goal.activities, activity, action, ("activity", goal.id))

    def _move_or_delete(self, items: list, item: Any, action: str, kind: tuple) -> None:
        index = next(i for i, x in enumerate(items) if x is item)
        if action == "delete":
            items.pop(index)
            self.undo_stack.append((kind[0], kind[1], index, item))
        else:
            target = index + (-1 if action == "up" else 1)
            if not 0 <= target < len(items):
                return
            items[index], items[target] = items[target], items[index]
        self._structure_changed()

    def _member_removed(self, index: int, member: Member) -> None:
        self.undo_stack.append(("member", None, index, member))
        self.undo_button.disabled = False
        self._refresh()
        self.saver.request(now=True)

    def undo(self) -> bool:
        """Bring back the last goal, activity or team seat deleted."""
        if self.plan is None:
            return False
        while self.undo_stack:
            kind, parent, index, item = self.undo_stack.pop()
            if kind == "member" or not any(x.id == item.id for g in self.plan.goals for x in [g, *g.activities]):
                break  # (else it is back already: another page, or an earlier version restored)
        else:
            self.undo_button.disabled = True
            return False
        if kind == "goal":
            self.plan.goals.insert(index, item)
        elif kind == "member":
            self.plan.team.insert(index, item)
            self.team_editor.refresh()
        else:
            goal = self.plan.find_goal(parent) or (self.plan.goals[0] if self.plan.goals else None)
            if goal is None:
                goal = Goal(kind=self._next_kind())
                self.plan.goals.append(goal)
            goal.activities.insert(min(index, len(goal.activities)), item)
        self._structure_changed()
        return True

    # --- files ---------------------------------------------------------------------------------

    def export(self, fmt: str) -> tuple[str, bytes] | None:
        """Make the file and offer it as a download link."""
        if self.plan is None:
            return None
        self.flush()
        data = exporting.export(self.plan, fmt, self.report)
        name = exporting.file_name(self.plan, fmt)
        href = f"data:{exporting.MEDIA_TYPES[fmt]};base64,{base64.b64encode(data).decode('ascii')}"
        label = _("Download {name}").format(name=name)
        self.download.value = div(f'<p><a download="{esc(name)}" href="{href}" class="shine-plan-download">'
                                   f"⬇ {esc(label)}</a></p>")
        self.last_export = (name, data)
        return self.last_export

    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        raw = bytes(upload["content"])
        self.upload.value = ()
        self.import_file(raw)

    def import_file(self, raw: bytes) -> bool:
        """Load a plan file (what "Plan file (.json)" saves) and save it as the team's newest version."""
        if len(raw) > MAX_IMPORT_BYTES:
            self._say(self.import_message, _("That file is too large to be a plan ({n} bytes).").format(n=len(raw)),
                      "error")
            return False
        try:
            plan = plans.plan_from_json(raw)
        except PlanError as exc:
            self._say(self.import_message, _("The file was not imported.") + " " + " ".join(exc.problems), "error")
            return False
        self.flush()
        try:
            team = self._team(plan.district, plan.school)
            newest = self.store.plans.latest(team.id, plan.school_year)  # what the file is saved over
        except StoreError as exc:
            self._say(self.import_message, str(exc), "error")
            return False
        self.district.value, self.school.value = team.district, team.school
        if plan.school_year not in self.years:
            self.years.append(plan.school_year)
            self.year.options = [(y, y) for y in self.years]
        self.year.value = plan.school_year
        self.team_id = team.id
        self.undo_stack.clear()
        self.version, self.base_data = (newest[0], versions.normalized(newest[1])) if newest else (None, None)
        self._load(plan)
        self.saver.request(now=True)
        self._say(self.import_message, _("Imported the plan of {school} for {year}.").format(
            school=plan.school, year=plan.school_year))
        return True
