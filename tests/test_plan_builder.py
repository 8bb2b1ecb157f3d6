"""The plan builder, driven the way a team uses it: type, press buttons, break a rule and read
the message, fix it, lose the kernel and find everything again; and every kind of bad input."""

from __future__ import annotations

import asyncio
import html
import threading
from datetime import date, datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import widget_tree

from shine.plan import model as plans
from shine.plan.model import load_plan_file
from shine.plan.rules import year_window
from shine.plan.widgets.builder import PlanBuilder, _Saver
from shine.store import Store, StoreError

SAMPLE = Path(__file__).resolve().parents[1] / "widgets" / "shine" / "data" / "sample_plan_high_school.json"
YEAR = "2026-2027"
FIRST_DAY, LAST_DAY = year_window(YEAR)


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'shine.db'}"


@pytest.fixture
def store(db):
    with Store(db) as s:
        yield s


def open_builder(store, district="Harbor Valley", school="Riverside High") -> PlanBuilder:
    builder = PlanBuilder(store=store, school_year=YEAR, autosave_delay=0)
    builder.district.value = district
    builder.school.value = school
    builder.open_button.click()
    return builder


def cards(builder):
    return list(builder.goals_box.children)


def forms(card):
    return list(card.accordion.children)


def checklist(builder) -> str:
    return html.unescape(builder.checklist.summary.value + builder.checklist.html.value)


def fill_goal(card, title, kind=None):
    if kind:
        card.kind.value = kind
    card.fields["title"].value = title
    card.fields["sip_goal"].value = "School improvement goal: " + title
    card.fields["result"].value = "From 60% to 70%"
    card.fields["measure"].value = "District assessment"


def fill_activity(form, what, type_id, when):
    form.fields["what"].value = what
    form.fields["type"].value = type_id
    form.fields["start"].value = when
    form.fields["lead"].value = "Ms. Rivera"
    form.fields["evaluation"].value = "Sign-in sheet and an exit card"


def saved(store, builder):
    team = store.teams.ensure(builder.district.value, builder.school.value)
    return plans.latest(store, team.id, YEAR)


# --- a whole plan from an empty page --------------------------------------------------------------


def test_a_team_builds_a_plan_from_empty_and_finds_it_again_after_the_kernel_dies(store, db):
    builder = PlanBuilder(store=store, school_year=YEAR, autosave_delay=0)
    assert builder.editor.layout.display == "none"
    builder.open_button.click()  # nothing typed yet
    assert "Please type your district and your school" in builder.open_message.value
    builder.district.value, builder.school.value = "Harbor Valley", "Riverside High"
    builder.open_button.click()
    assert "A new plan for Riverside High" in builder.open_message.value
    assert builder.editor.layout.display is None
    assert "things to fix" in checklist(builder)

    builder.level.value = "high"
    team = builder.team_editor
    for role in ("teacher", "teacher", "parent", "parent", "administrator", "community-member", "student",
                 "student"):
        team.new_role.value = role
        team.add.click()
    team.rows[0].name.value = "Ms. Rivera"
    assert team.rows[6].name.disabled  # students are listed by role only

    types = ["learning-at-home", "communicating", "parenting", "volunteering", "decision-making",
             "collaborating-with-community", "learning-at-home", "communicating"]
    titles = ["More ninth graders read on grade level", "More students pass Algebra I",
              "Fewer students are chronically absent", "Every family feels welcome"]
    for g, title in enumerate(titles):
        builder.add_goal_button.click()
        card = cards(builder)[g]
        fill_goal(card, title)
        for a in range(2):
            card.add_activity.click()
            fill_activity(forms(card)[a], f"{title}: activity {a + 1}", types[2 * g + a],
                          date(2026, 10 + a, 1 + g))
    kinds = [c.kind.value for c in cards(builder)]
    assert kinds == ["academic", "academic", "behavioral", "climate"]  # Add a goal picks what Form G still needs
    assert "Ready to hand in" in checklist(builder), checklist(builder)
    assert "6 of 6" in builder.chart.value or "6 types reached" in builder.chart.value
    assert builder.status.value and "Saved at" in builder.status.value

    built = builder.plan.to_data()
    del builder  # the kernel dies: nothing but the store remains

    with Store(db) as fresh_store:
        again = open_builder(fresh_store)
        assert "Opened the plan of Riverside High" in again.open_message.value
        assert again.plan.to_data() == built
        assert [c.fields["title"].value for c in cards(again)] == titles
        assert forms(cards(again)[3])[1].fields["what"].value == "Every family feels welcome: activity 2"
        assert again.team_editor.rows[0].name.value == "Ms. Rivera"
        assert again.level.value == "high"
        assert "Ready to hand in" in checklist(again)


def test_break_a_rule_see_the_message_fix_it(store):
    builder = PlanBuilder(store=store, autosave_delay=0)
    builder.import_file(SAMPLE.read_bytes())
    assert "Ready to hand in" in checklist(builder)
    form = forms(cards(builder)[0])[0]

    form.fields["start"].value = date(FIRST_DAY.year - 1, 10, 15)  # last year's date, typed by habit
    text = checklist(builder)
    assert "1 thing to fix" in text
    assert f"is dated {FIRST_DAY.year - 1}-10-15, outside the {YEAR} school year" in text
    assert "outside the" in html.unescape(form.issues.value)  # shown on the activity too
    assert "⚠" in cards(builder)[0].accordion.titles[0]
    assert saved(store, builder)[1].goals[0].activities[0].start == date(FIRST_DAY.year - 1, 10, 15)

    form.fields["start"].value = date(FIRST_DAY.year, 10, 15)
    assert "Ready to hand in" in checklist(builder)
    assert form.issues.value == ""
    assert "⚠" not in cards(builder)[0].accordion.titles[0]

    form.fields["lead"].value = ""
    assert 'still needs "Person in charge"' in checklist(builder)
    form.fields["lead"].value = "Ms. Rivera"
    assert "Ready to hand in" in checklist(builder)


def test_a_goal_typed_twice_is_pointed_out(store):
    builder = PlanBuilder(store=store, autosave_delay=0)
    builder.import_file(SAMPLE.read_bytes())
    first = cards(builder)[0].fields["title"].value
    cards(builder)[1].fields["title"].value = first.upper() + "!!"
    text = checklist(builder)
    assert "No goal is written twice" in text and "says the same as Goal 1" in text
    assert "says the same as" in html.unescape(cards(builder)[1].issues.value)
    cards(builder)[1].fields["title"].value = "More students pass Algebra I"
    assert "says the same as" not in checklist(builder)


# --- bad input ----------------------------------------------------------------------------------


def test_ten_thousand_characters_get_a_message_and_lose_nothing_saved(store):
    builder = PlanBuilder(store=store, autosave_delay=0)
    builder.import_file(SAMPLE.read_bytes())
    form = forms(cards(builder)[1])[0]
    before = form.activity.tasks
    form.fields["tasks"].value = "z" * 10_000
    message = html.unescape(form.issues.value)
    assert "What needs to be done and when is 10,000 characters long; the limit is 2,000" in message
    assert "The last accepted version is kept" in message
    assert form.activity.tasks == before
    assert saved(store, builder)[1].goals[1].activities[0].tasks == before
    form.fields["tasks"].value = "Shorter: September, invitations; October, the event."
    assert "characters long" not in form.issues.value
    assert saved(store, builder)[1].goals[1].activities[0].tasks.startswith("Shorter")


def test_emoji_right_to_left_and_html_are_kept_as_text_and_shown_escaped(store, db):
    builder = open_builder(store)
    builder.add_goal_button.click()
    card = cards(builder)[0]
    evil = '📚 مشاركة الأسرة <img src=x onerror="alert(1)">'
    card.fields["title"].value = evil
    card.add_activity.click()
    forms(card)[0].fields["what"].value = "<script>alert('x')</script> שותפות 👨‍👩‍👧"
    builder.add_goal_button.click()
    cards(builder)[1].fields["title"].value = evil  # a duplicate, so the title reaches the checklist

    raw = builder.checklist.html.value
    assert "<img src=x" not in raw and "&lt;img src=x onerror=" in raw
    assert "<script>" not in card.issues.value + builder.checklist.html.value
    assert "📚 مشاركة الأسرة" in raw

    with Store(db) as other:
        again = open_builder(other)
    assert cards(again)[0].fields["title"].value == evil
    assert forms(cards(again)[0])[0].fields["what"].value == "<script>alert('x')</script> שותפות 👨‍👩‍👧"


def test_a_cost_that_is_not_a_number(store):
    builder = open_builder(store)
    builder.add_goal_button.click()
    cards(builder)[0].add_activity.click()
    form = forms(cards(builder)[0])[0]
    form.fields["cost"].value = "$1,250"
    assert form.activity.cost == 1250
    form.fields["cost"].value = "about fifty"
    assert "write an amount in dollars" in form.issues.value
    assert form.activity.cost == 1250
    form.fields["cost"].value = ""
    assert form.activity.cost is None and form.issues.value == "" or "amount" not in form.issues.value


def test_a_student_role_clears_a_name_and_disables_it(store):
    builder = open_builder(store)
    team = builder.team_editor
    team.new_role.value = "parent"
    team.add.click()
    row = team.rows[0]
    row.name.value = "Luz Marquez"
    row.role.value = "student"
    assert row.member.role == "student" and row.member.name == "" and row.name.value == ""
    assert row.name.disabled
    assert saved(store, builder)[1].team[0].name == ""


def test_a_store_that_cannot_save_says_so_and_keeps_the_text(store, monkeypatch):
    builder = open_builder(store)
    builder.add_goal_button.click()
    card = cards(builder)[0]

    def refuse(*_args, **_kwargs):
        raise StoreError("The database is busy and could not save; please try again.")

    monkeypatch.setattr(store.plans, "save", refuse)
    card.fields["title"].value = "Written while the database was busy"
    assert "Not saved" in builder.status.value and "still on this page" in builder.status.value
    monkeypatch.undo()
    card.fields["result"].value = "More families"  # the next change saves everything
    assert "Saved at" in builder.status.value
    assert saved(store, builder)[1].goals[0].title == "Written while the database was busy"


# --- structure: reorder, delete, undo -----------------------------------------------------------


def test_reorder_delete_and_undo(store):
    builder = PlanBuilder(store=store, autosave_delay=0)
    builder.import_file(SAMPLE.read_bytes())
    titles = [c.goal.title for c in cards(builder)]

    cards(builder)[2].up.click()
    assert [c.goal.title for c in cards(builder)] == [titles[0], titles[2], titles[1], titles[3]]
    assert "Goal 2" in cards(builder)[1].heading.value
    cards(builder)[0].up.click()  # already first: nothing moves
    assert cards(builder)[0].goal.title == titles[0]
    assert [g.title for g in saved(store, builder)[1].goals] == [titles[0], titles[2], titles[1], titles[3]]

    card = cards(builder)[0]
    whats = [a.what for a in card.goal.activities]
    forms(card)[0].down.click()
    assert [a.what for a in card.goal.activities] == [whats[1], whats[0], whats[2]]

    forms(card)[2].delete.click()
    assert len(card.goal.activities) == 2
    assert not builder.undo_button.disabled
    cards(builder)[3].delete.click()
    assert len(cards(builder)) == 3
    assert "Form G asks for 1 goal(s)" in checklist(builder)
    builder.team_editor.rows[0].remove.click()
    assert len(builder.plan.team) == 11

    builder.undo_button.click()  # the team seat
    assert len(builder.plan.team) == 12 and builder.team_editor.rows[0].member.role == "team-chair"
    builder.undo_button.click()  # the goal
    assert [c.goal.title for c in cards(builder)][3] == titles[3]
    builder.undo_button.click()  # the activity, back in its place
    assert [a.what for a in card.goal.activities] == [whats[1], whats[0], whats[2]]
    assert builder.undo_button.disabled
    assert "Ready to hand in" in checklist(builder)
    assert len(saved(store, builder)[1].goals[0].activities) == 3


def test_switching_to_form_t_offers_the_six_types_as_sections(store):
    builder = open_builder(store)
    builder.add_goal_button.click()
    builder.form.value = "T"
    assert builder.plan.form == "T"
    assert "parenting" in cards(builder)[0].kind_ids and "academic" in cards(builder)[0].kind_ids
    builder.add_goal_button.click()
    assert [c.goal.kind for c in cards(builder)] == ["academic", "parenting"]
    assert "Form T has one section per type" in checklist(builder)
    cards(builder)[0].kind.value = "communicating"
    assert "Done:</strong> Form T has one section per type" in builder.checklist.html.value or \
        "✔ Done: Form T has one section per type" in checklist(builder)


# --- files -------------------------------------------------------------------------------------


def test_export_buttons_offer_each_file_and_the_json_imports_back(store):
    builder = PlanBuilder(store=store, autosave_delay=0)
    builder.import_file(SAMPLE.read_bytes())
    for fmt, magic in (("docx", b"PK"), ("md", b"# One-Year"), ("html", b"<!DOCTYPE html>"), ("json", b"{")):
        builder.export_buttons[fmt].click()
        name, data = builder.last_export
        assert name == f"riverside-high-school-{YEAR}-plan.{fmt}"
        assert data.startswith(magic)
        assert f'download="{name}"' in builder.download.value
    other = PlanBuilder(store=store, autosave_delay=0)
    other.upload.value = ({"name": "plan.json", "type": "application/json", "size": len(data),
                           "content": memoryview(data), "last_modified": datetime.now(timezone.utc)},)
    assert "Imported the plan of Riverside High School" in other.import_message.value
    assert other.plan == load_plan_file(SAMPLE)
    assert other.upload.value == ()


def test_a_bad_file_is_not_imported_and_says_why(store):
    builder = PlanBuilder(store=store, autosave_delay=0)
    assert not builder.import_file(b'{"format": "shine-plan", "school": "X", "district": "Y", '
                                   b'"school_year": "2026-2030"}')
    assert "two years in a row" in html.unescape(builder.import_message.value)
    assert builder.plan is None
    assert not builder.import_file(b"x" * 3_000_000)
    assert "too large" in builder.import_message.value


def test_the_page_address_can_name_the_team(store, monkeypatch):
    team = store.teams.ensure("Harbor Valley Public Schools", "Riverside High School")
    plans.save(store, team.id, load_plan_file(SAMPLE))
    monkeypatch.setenv("QUERY_STRING", "district=Harbor+Valley+Public+Schools&school=Riverside+High+School"
                                       f"&year={YEAR}")
    builder = PlanBuilder(store=store, autosave_delay=0)
    assert builder.plan == load_plan_file(SAMPLE)


# --- autosave while typing ----------------------------------------------------------------------


def test_typing_is_saved_once_the_person_pauses():
    saves = []
    saver = _Saver(lambda: saves.append(1) or True, delay=0.05)
    during = []

    async def typing():
        # The loop's own clock, moved by the test: keystrokes a millisecond apart stay a
        # millisecond apart however busy the machine running the test is.
        loop = asyncio.get_running_loop()
        clock = [loop.time()]
        loop.time = lambda: clock[0]
        for _ in range(20):  # twenty keystrokes in quick succession
            saver.request()
            clock[0] += 0.001
            await asyncio.sleep(0)
        during.append(list(saves))
        clock[0] += 0.06  # the person pauses for longer than the delay
        for _ in range(3):
            await asyncio.sleep(0)

    # In a thread of its own, as in a kernel: this worker's thread may already hold Playwright's loop.
    worker = threading.Thread(target=lambda: asyncio.run(typing()))
    worker.start()
    worker.join(10)
    assert during == [[]]
    assert saves == [1]
    saver.request(now=True)  # a structural change saves at once
    assert saves == [1, 1]


def test_a_failed_save_is_retried_with_the_next_change():
    results = iter([False, True])
    saver = _Saver(lambda: next(results), delay=0)
    saver.request()
    assert saver.dirty
    saver.request()
    assert not saver.dirty


def run_in_a_loop(steps) -> None:
    """Run ``await steps(advance)`` in an event loop, as a kernel runs widget callbacks (in a thread
    of its own: this worker's thread may hold Playwright's loop). ``advance(s)`` moves the loop's
    clock by ``s`` seconds and lets the timers that are due run."""
    failures = []

    async def main():
        loop = asyncio.get_running_loop()
        clock = [loop.time()]
        loop.time = lambda: clock[0]

        async def advance(seconds: float) -> None:
            clock[0] += seconds
            for _ in range(3):
                await asyncio.sleep(0)

        try:
            await steps(advance)
        except BaseException as exc:  # handed to the test's thread
            failures.append(exc)

    worker = threading.Thread(target=lambda: asyncio.run(main()))
    worker.start()
    worker.join(60)
    if failures:
        raise failures[0]


def paused_builder(store) -> PlanBuilder:
    """A builder that saves typing 1 s after the last keystroke, with one goal saved."""
    builder = PlanBuilder(store=store, school_year=YEAR, autosave_delay=1.0)
    builder.district.value, builder.school.value = "Harbor Valley", "Riverside High"
    builder.open_button.click()
    builder.add_goal_button.click()  # structural: saved at once
    assert "Saved at" in builder.status.value and "(version 1)" in builder.status.value
    return builder


def test_the_status_says_not_saved_until_the_version_is_written(store, monkeypatch):
    builder = paused_builder(store)
    title = cards(builder)[0].fields["title"]
    during_write = []
    write = store.plans.save
    monkeypatch.setattr(store.plans, "save", lambda *a, **k: during_write.append(builder.status.value) or write(*a, **k))

    async def steps(advance):
        title.value = "More ninth graders"
        assert "Not saved yet" in builder.status.value and "Saved at" not in builder.status.value
        assert saved(store, builder)[1].goals[0].title == ""  # a kernel killed now loses it, and the page says so
        await advance(0.6)
        title.value = "More ninth graders read on grade level"  # still typing
        await advance(0.6)
        assert "Not saved yet" in builder.status.value and saved(store, builder)[0] == 1
        await advance(0.5)  # the pause is over: the waiting save runs
        assert "Saved at" in builder.status.value and "(version 2)" in builder.status.value

    run_in_a_loop(steps)
    assert len(during_write) == 1 and "Saving…" in during_write[0]
    assert saved(store, builder)[1].goals[0].title == "More ninth graders read on grade level"
    assert not builder.unsaved


def test_a_failed_write_says_so_and_never_saved(store, monkeypatch):
    builder = paused_builder(store)

    def refuse(*_args, **_kwargs):
        raise StoreError("The disk is full.")

    monkeypatch.setattr(store.plans, "save", refuse)

    async def steps(advance):
        cards(builder)[0].fields["title"].value = "Written while the disk was full"
        await advance(1.1)
        assert "Not saved: The disk is full." in builder.status.value
        assert "Saved at" not in builder.status.value and builder.unsaved

    run_in_a_loop(steps)
    monkeypatch.undo()
    builder.flush()  # space again: the next save writes it
    assert "Saved at" in builder.status.value
    assert saved(store, builder)[1].goals[0].title == "Written while the disk was full"


class FakeKernel:
    """What the builder needs of ipykernel's kernel: ``do_shutdown``, which a shutdown request
    (Voila sends one when the tab closes) calls before the kernel stops."""

    def __init__(self):
        self.asked = []

    def do_shutdown(self, restart):
        self.asked.append(restart)
        return {"status": "ok", "restart": restart}


def test_a_kernel_shutting_down_saves_what_was_waiting(store, monkeypatch):
    kernel = FakeKernel()
    monkeypatch.setattr("IPython.get_ipython", lambda: SimpleNamespace(kernel=kernel))
    builder = paused_builder(store)

    async def steps(advance):
        cards(builder)[0].fields["title"].value = "Typed just before the tab closed"
        assert builder.unsaved and saved(store, builder)[1].goals[0].title == ""
        assert kernel.do_shutdown(False) == {"status": "ok", "restart": False}  # as ipykernel calls it

    run_in_a_loop(steps)
    assert kernel.asked == [False]
    assert saved(store, builder)[1].goals[0].title == "Typed just before the tab closed"
    assert "Saved at" in builder.status.value and not builder.unsaved


def test_a_real_kernel_asked_to_shut_down_saves_the_last_words_typed(tmp_path):
    """The whole path in a real kernel: typing waits for the pause, the tab closes (a shutdown
    request, as Voila sends), and the store has the words."""
    from jupyter_client.manager import KernelManager

    url = f"sqlite:///{tmp_path / 'shine.db'}"
    code = f"""
from shine.plan.widgets.builder import PlanBuilder
from shine.store import Store
builder = PlanBuilder("Harbor Valley", "Riverside High", school_year="{YEAR}", store=Store("{url}"),
                      autosave_delay=30)
builder.add_goal_button.click()
builder.goals_box.children[0].fields["title"].value = "Typed just before the tab closed"
print(builder.status.value, builder.unsaved)
"""
    printed = []
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(tmp_path))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        reply = client.execute_interactive(
            code, timeout=120, output_hook=lambda m: printed.append(m["content"].get("text", "")))
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)  # a shutdown request, then the process ends
    assert "Not saved yet" in "".join(printed) and "True" in "".join(printed)
    with Store(url) as fresh:
        team = fresh.teams.ensure("Harbor Valley", "Riverside High")
        assert plans.latest(fresh, team.id, YEAR)[1].goals[0].title == "Typed just before the tab closed"


# --- what the browser needs ---------------------------------------------------------------------------


def test_every_widget_is_open_to_the_browser(store):
    """A component whose widget never opens its channel shows as "model not found" in Voila."""
    from shine.lessons.planning.seats import TeamSeats
    from shine.lessons.planning.shape import PlanShape
    from shine.lessons.planning.swaps import ImpactSwap
    from shine.plan.widgets.checklist import RuleChecklist

    builder = PlanBuilder(store=store, autosave_delay=0)
    builder.import_file(SAMPLE.read_bytes())
    for component in (builder, RuleChecklist(builder.report), TeamSeats(), PlanShape(),
                      ImpactSwap()):
        tree = widget_tree(component)
        closed = [type(w).__name__ for w in tree if w.comm is None]
        assert not closed, f"{type(component).__name__}: {closed}"
    assert len(widget_tree(builder)) < 700  # shared layouts keep a full plan's page light


def test_an_empty_choice_shows_a_dash_and_means_none(store):
    builder = open_builder(store)
    builder.add_goal_button.click()
    cards(builder)[0].add_activity.click()
    form = forms(cards(builder)[0])[0]
    assert form.fields["type"].value == "" and form.fields["type"].label == "—"
    form.fields["type"].value = "parenting"
    assert form.activity.type == "parenting"
    form.fields["type"].value = ""
    assert form.activity.type is None
    form.fields["play"].value = "interactive-homework"  # a play fills in what is still empty
    assert form.activity.type == "learning-at-home" and form.activity.standard == "supporting-student-success"
    assert form.activity.what.startswith("Involve Families in Learning")
    assert builder.level.value == "" and builder.plan.level is None
    builder.level.value = "middle"
    assert builder.plan.level == "middle"


def test_a_saved_plan_that_cannot_be_read_is_left_alone_and_said_so(store):
    team = store.teams.ensure("Harbor Valley", "Riverside High")
    store.plans.save(team.id, YEAR, {"format": "shine-plan", "school": "Riverside High", "goals": 12})
    builder = open_builder(store, "harbor valley", "RIVERSIDE  high")  # another spelling: the same team
    message = html.unescape(builder.open_message.value)
    assert "could not be read" in message and "District is missing" in message
    assert builder.team_id == team.id and builder.plan.goals == []
    builder.add_goal_button.click()
    assert [v for v, _t in store.plans.versions(team.id, YEAR)] == [1, 2]  # the old version is still there


def test_the_checklist_summary_is_announced_and_adding_moves_the_focus_on(store):
    """The checklist's summary line is a live region (said when it changes, not the whole list at
    every keystroke); the buttons that add fields hand the focus to the first field they add."""
    from shine.web.announce import ADDS, LIVE

    builder = open_builder(store)
    summary = builder.checklist.summary
    assert LIVE in summary._dom_classes and LIVE not in builder.checklist.html._dom_classes
    assert "things to fix" in summary.value and "things to fix" not in builder.checklist.html.value
    assert LIVE in builder.open_message._dom_classes and LIVE in builder.import_message._dom_classes
    builder.add_goal_button.click()
    card = cards(builder)[0]
    card.fields["title"].value = "More families at conferences"
    sent = []
    summary.observe(lambda change: sent.append(change["new"]), names="value")
    card.fields["title"].value = "More families at parent conferences"
    assert sent == []  # the same summary: nothing new is said while a person types
    card.fields["title"].value = ""
    assert len(sent) == 1 and sent[0] != ""  # a goal without words: the summary changes, and is said
    assert ADDS in builder.add_goal_button._dom_classes and ADDS in card.add_activity._dom_classes
    assert ADDS in builder.team_editor.add._dom_classes
