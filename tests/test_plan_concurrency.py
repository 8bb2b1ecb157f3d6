"""Two people on one plan: two builders (two tabs, two kernels) on the same school's plan edit it
in turns, each still showing what it loaded. Nothing either typed is lost; what both changed is
shown to the one saving, who chooses; every version stays, and an earlier one can be brought back
from the builder and from ``shine plan``."""

from __future__ import annotations

import html

import pytest

from shine.cli import main
from shine.plan import model as plans
from shine.plan.merge import MINE, THEIRS, merge
from shine.store import Store
from test_plan_builder import cards, forms, open_builder  # one way to open a builder, for every plan test

YEAR = "2026-2027"
TITLE = "More ninth graders read on grade level"


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'shine.db'}"


@pytest.fixture
def store(db):
    with Store(db) as s:
        yield s


def latest(store):
    team = store.teams.ensure("Harbor Valley", "Riverside High")
    return plans.latest(store, team.id, YEAR)


def text(widget) -> str:
    return html.unescape(widget.value)


def two_pages(store, goals: int = 1):
    """A plan with ``goals`` goals (one activity each), open on two pages."""
    first = open_builder(store)
    for g in range(goals):
        first.add_goal_button.click()
        cards(first)[g].add_activity.click()
    return first, open_builder(store)


# --- item 10: merged, not overwritten --------------------------------------------------------------


def test_two_pages_edit_one_plan_in_turns_and_none_of_five_edits_is_lost(store):
    first, second = two_pages(store)
    before = latest(store)[0]

    cards(first)[0].fields["title"].value = TITLE                                  # 1. first page
    forms(cards(second)[0])[0].fields["what"].value = "Family reading night"      # 2. second page
    message = text(second.merge_message)  # it says plainly what came from the other page
    assert f"merged with version {before + 1}" in message and "nothing was lost" in message
    assert "From the other page: Goal 1, Goal changed." in message
    first.team_editor.new_role.value = "parent"                                   # 3. first page
    first.team_editor.add.click()
    assert "Goal 1, activity 1, Activity changed" in text(first.merge_message)
    cards(second)[0].fields["measure"].value = "District reading assessment"      # 4. second page
    assert "Action Team changed" in text(second.merge_message)
    forms(cards(first)[0])[0].fields["lead"].value = "Ms. Rivera"                 # 5. first page

    version, plan = latest(store)
    assert version == before + 5  # one version per edit, none refused
    goal, activity = plan.goals[0], plan.goals[0].activities[0]
    assert (goal.title, activity.what, [m.role for m in plan.team], goal.measure, activity.lead) == \
        (TITLE, "Family reading night", ["parent"], "District reading assessment", "Ms. Rivera")

    # Each page shows the merged plan after its save.
    assert first.plan.to_data() == plan.to_data()
    assert forms(cards(first)[0])[0].fields["what"].value == "Family reading night"
    assert cards(first)[0].fields["measure"].value == "District reading assessment"
    assert cards(second)[0].fields["title"].value == TITLE
    assert len(second.team_editor.rows) == 1
    assert "Saved at" in first.status.value and "Saved at" in second.status.value
    assert first.conflicts.layout.display == "none" and second.conflicts.layout.display == "none"


def test_goals_added_and_deleted_on_two_pages_are_all_kept(store):
    first, second = two_pages(store, goals=2)
    first.add_goal_button.click()
    cards(first)[2].fields["title"].value = "Every family feels welcome"
    second.add_goal_button.click()
    cards(second)[2].fields["title"].value = "Fewer students are chronically absent"
    cards(second)[0].delete.click()  # the second page deletes goal 1, which the first left alone
    cards(first)[1].down.click()     # ... after the first moved goal 2 down

    plan = latest(store)[1]
    assert [g.title for g in plan.goals] == ["Every family feels welcome", "", "Fewer students are chronically absent"]
    assert len(plan.goals) == 3 and len({g.id for g in plan.goals}) == 3
    assert first.plan.to_data() == plan.to_data()


@pytest.mark.parametrize("keep", [MINE, THEIRS])
def test_both_pages_change_one_field_and_the_person_saving_chooses(store, keep):
    first, second = two_pages(store)
    cards(first)[0].fields["title"].value = "<b>Read</b> on grade level"  # saved first
    saved_first = latest(store)

    cards(second)[0].fields["title"].value = "Every ninth grader reads"   # the same field
    cards(second)[0].fields["result"].value = "From 58% to 68%"           # and another, not in conflict
    assert latest(store) == saved_first  # nothing saved over the first page's value
    assert "Not saved yet" in text(second.status) and "Saved at" not in second.status.value
    panel = second.conflicts
    assert panel.layout.display is None and len(panel.conflicts) == 1
    shown = text(panel.rows_box.children[0].children[0])
    assert "Goal 1, Goal" in shown and "Every ninth grader reads" in shown and "<b>Read</b> on grade level" in shown
    assert "<b>Read</b>" not in panel.rows_box.children[0].children[0].value  # escaped, shown as text

    panel.save_button.click()  # no choice yet
    assert "1 left" in text(panel.message) and latest(store) == saved_first
    panel.choices[panel.conflicts[0].key].value = keep
    panel.save_button.click()

    plan = latest(store)[1]
    expected = "Every ninth grader reads" if keep == MINE else "<b>Read</b> on grade level"
    assert plan.goals[0].title == expected and plan.goals[0].result == "From 58% to 68%"
    assert cards(second)[0].fields["title"].value == expected
    assert panel.layout.display == "none" and "Saved at" in second.status.value
    cards(first)[0].fields["measure"].value = "Reading assessment"  # the first page catches up
    assert cards(first)[0].fields["title"].value == expected
    assert cards(first)[0].fields["result"].value == "From 58% to 68%"


def test_a_goal_deleted_on_one_page_and_edited_on_the_other_is_a_choice(store):
    first, second = two_pages(store, goals=2)
    cards(first)[1].delete.click()
    cards(second)[1].fields["title"].value = "Every family feels welcome"
    conflict = second.conflicts.conflicts[0]
    assert conflict.where == "Goal 2" and conflict.theirs_text == "Deleted"
    assert "Every family feels welcome" in conflict.mine_text
    second.conflicts.choices[conflict.key].value = MINE
    second.conflicts.save_button.click()
    assert [g.title for g in latest(store)[1].goals] == ["", "Every family feels welcome"]


def test_a_page_closed_before_choosing_saves_the_rest_and_keeps_the_other_value(store):
    first, second = two_pages(store)
    cards(first)[0].fields["title"].value = "From the first page"
    cards(second)[0].fields["title"].value = "From the second page"
    cards(second)[0].fields["measure"].value = "Reading assessment"
    assert second.unsaved
    second.flush(closing=True)
    plan = latest(store)[1]
    assert (plan.goals[0].title, plan.goals[0].measure) == ("From the first page", "Reading assessment")


def test_merging_seats_order_and_fields_without_a_page():
    base = plans.new_plan("Harbor Valley", "Riverside High", YEAR).to_data()
    base["team"] = [{"role": "teacher", "name": "Ann"}, {"role": "parent", "name": ""}]
    mine = {**base, "team": base["team"] + [{"role": "administrator", "name": ""}], "level": "high"}
    theirs = {**base, "team": [{"role": "teacher", "name": "Ann"}], "form": "T"}
    result = merge(base, mine, theirs)
    assert result.ok and result.data["team"] == [{"role": "teacher", "name": "Ann"},
                                                 {"role": "administrator", "name": ""}]
    assert (result.data["level"], result.data["form"]) == ("high", "T")

    both_add = merge(base, {**base, "team": base["team"] + [{"role": "parent", "name": "Luz"}]},
                     {**base, "team": base["team"] + [{"role": "teacher", "name": "Bo"}]})
    assert [m["name"] for m in both_add.data["team"]] == ["Ann", "", "Luz", "Bo"]

    clash = merge(base, {**base, "level": "high"}, {**base, "level": "middle"})
    assert [(c.key, c.mine_text, c.theirs_text) for c in clash.conflicts] == \
        [("level", "High school", "Middle school")]
    assert merge(base, {**base, "level": "high"}, {**base, "level": "middle"},
                 {"level": (MINE, "middle")}).data["level"] == "high"
    assert not merge(base, {**base, "level": "high"}, {**base, "level": "k-8"},
                     {"level": (MINE, "middle")}).ok  # chosen against another value: asked again


def test_merging_the_order_of_goals_without_a_page():
    goals = [plans.Goal(kind="academic", title=t).model_dump(mode="json") for t in ("Read", "Count", "Attend")]
    base = {**plans.new_plan("Harbor Valley", "Riverside High", YEAR).to_data(), "goals": goals}
    read, count, attend = goals
    added = plans.Goal(kind="climate", title="Welcome").model_dump(mode="json")

    one_side = merge(base, {**base, "goals": [count, read, attend]}, {**base, "goals": goals + [added]})
    assert [g["title"] for g in one_side.data["goals"]] == ["Count", "Read", "Attend", "Welcome"]

    both = merge(base, {**base, "goals": [count, read, attend]}, {**base, "goals": [read, attend, count]})
    conflict = both.conflicts[0]
    assert (conflict.where, conflict.mine_text, conflict.theirs_text) == \
        ("The order of the goals", "1. Count; 2. Read; 3. Attend", "1. Read; 2. Attend; 3. Count")
    chosen = merge(base, {**base, "goals": [count, read, attend]}, {**base, "goals": [read, attend, count]},
                   {conflict.key: (MINE, conflict.theirs)})
    assert chosen.ok and [g["title"] for g in chosen.data["goals"]] == ["Count", "Read", "Attend"]


# --- history and restore ----------------------------------------------------------------------------


def test_earlier_versions_are_listed_and_one_is_brought_back_from_the_builder(store):
    builder = open_builder(store)
    builder.add_goal_button.click()
    cards(builder)[0].fields["title"].value = TITLE
    good = latest(store)
    cards(builder)[0].delete.click()  # a mistake, saved at once
    assert latest(store)[1].goals == []

    panel = builder.history
    assert panel.body.layout.display == "none"
    panel.show_button.click()
    labels = [label for label, _v in panel.versions.options]
    assert [v for _label, v in panel.versions.options] == [3, 2, 1]
    assert labels[0].startswith("Version 3 · 20") and len(labels[0].split("·")[1].strip()) == 19  # date and time
    panel.versions.value = good[0]
    assert "1 goal, 0 activities" in text(panel.preview) and TITLE in text(panel.preview)
    panel.restore_button.click()

    version, plan = latest(store)
    assert version == 4 and plan.to_data() == good[1].to_data()
    assert [c.fields["title"].value for c in cards(builder)] == [TITLE]
    assert "Version 2 is back, saved as version 4" in text(panel.message)
    assert panel.versions.options[0][0].endswith("(restored from version 2)")
    assert "Saved at" in builder.status.value and "(version 4)" in builder.status.value
    builder.undo_button.click()  # the deleted goal is back already: Undo adds no second copy
    assert len(latest(store)[1].goals) == 1


def test_shine_plan_history_and_restore(store, db, monkeypatch, capsys):
    monkeypatch.setenv("SHINE_DB_URL", db)
    builder = open_builder(store)
    builder.add_goal_button.click()
    cards(builder)[0].fields["title"].value = TITLE
    cards(builder)[0].delete.click()
    capsys.readouterr()

    assert main(["plan", "history", "Riverside High", "--year", YEAR]) == 0
    out = capsys.readouterr().out
    assert "Riverside High (Harbor Valley), 2026-2027: 3 versions" in out
    rows = [line.split() for line in out.splitlines() if line.startswith("  ")]
    assert [r[0] for r in rows] == ["3", "2", "1"] and "0 goals" in " ".join(rows[0])
    assert "shine plan restore 'Riverside High' VERSION" in out

    assert main(["plan", "restore", "Riverside High", "2", "--year", YEAR]) == 0
    assert "as version 4" in capsys.readouterr().out
    assert latest(store)[1].goals[0].title == TITLE
    assert main(["plan", "history", "1", "--year", YEAR]) == 0  # by the team's number
    assert "(restored from version 2)" in capsys.readouterr().out
    assert main(["plan", "restore", "Riverside High", "4", "--year", YEAR]) == 0
    assert "already the newest" in capsys.readouterr().out
    assert main(["plan", "restore", "Riverside High", "9", "--year", YEAR]) == 1
    assert "no version 9" in capsys.readouterr().err
    assert main(["plan", "history", "Nowhere High", "--year", YEAR]) == 2
    assert main(["plan", "history", "Riverside High", "--year", "2031-2032"]) == 1
    assert len(store.plans.versions(builder.team_id, YEAR)) == 4  # a refused restore saves nothing
