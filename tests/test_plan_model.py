"""The plan model: what a plan holds, its JSON file, plain-language errors for every kind of bad
input, and plans kept in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from shine.plan.district import district_plans
from shine.plan.model import (
    LONG_CHARS,
    Activity,
    Goal,
    Member,
    PlanError,
    current_school_year,
    latest,
    load_plan_file,
    new_plan,
    plan_from_data,
    plan_from_json,
    save,
    school_years,
)
from shine.store import Store

SAMPLE = Path(__file__).resolve().parents[1] / "widgets" / "shine" / "data" / "sample_plan_high_school.json"
RTL = "مشاركة الأسرة في المدرسة"  # Arabic: "family participation in school"
HEBREW = "שותפות עם משפחות"
EMOJI = "Family reading night 📚👨‍👩‍👧 ✨"
HTML = '<script>alert("x")</script><b onclick="evil()">bold</b> & "quotes"'


@pytest.fixture
def sample_data():
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def plan():
    return load_plan_file(SAMPLE)


def problems_of(data) -> list[str]:
    with pytest.raises(PlanError) as caught:
        plan_from_data(data) if isinstance(data, dict) else plan_from_json(data)
    return caught.value.problems


# --- the file: round trip -------------------------------------------------------------------------


def test_the_json_the_builder_saves_reads_back_the_same(plan, sample_data):
    assert plan.to_data() == sample_data
    again = plan_from_json(plan.to_json())
    assert again == plan
    assert again.to_json() == plan.to_json()
    assert plan_from_json(plan.to_json().encode("utf-8")) == plan  # bytes, as an upload gives them


def test_text_of_every_script_comes_back_exactly(plan):
    plan.goals[0].title = EMOJI
    plan.goals[0].sip_goal = RTL
    plan.goals[1].title = HEBREW
    plan.goals[0].activities[0].what = HTML
    plan.team[0].name = "Zoë Ødegård-Nguyễn"
    again = plan_from_json(plan.to_json())
    assert (again.goals[0].title, again.goals[0].sip_goal, again.goals[1].title) == (EMOJI, RTL, HEBREW)
    assert again.goals[0].activities[0].what == HTML  # text, kept as typed; escaping is the display's job
    assert again.team[0].name == "Zoë Ødegård-Nguyễn"


def test_control_characters_are_dropped_and_line_endings_kept_simple():
    a = Activity(what="Line one\r\nLine two\x00\x07\x1b end\ufffe  ", tasks="\tindented\rsecond")
    assert a.what == "Line one\nLine two end"
    assert a.tasks == "indented\nsecond"


def test_a_plan_written_without_ids_gets_them(sample_data):
    for goal in sample_data["goals"]:
        goal.pop("id")
        for activity in goal["activities"]:
            activity.pop("id")
    plan = plan_from_data(sample_data)
    ids = [g.id for g in plan.goals] + [a.id for _g, a in plan.activities()]
    assert len(set(ids)) == len(ids) == 4 + 12


# --- bad files, each with its message ---------------------------------------------------------------


def test_not_json_not_a_plan_and_not_text():
    assert "not valid JSON (line 1" in problems_of("{ this is not json")[0]
    assert "holds one plan" in problems_of("[1, 2, 3]")[0]
    assert "not a Time to Shine plan" in problems_of('{"format": "spreadsheet"}')[0]
    assert "not text" in problems_of(b"\xff\xfe\x00garbage\x80")[0]


def test_missing_and_misspelt_fields_are_named_in_words(sample_data):
    del sample_data["district"]
    sample_data["goals"][1]["activites"] = []
    sample_data["goals"][1]["activities"][2]["evalaution"] = "typo"
    problems = problems_of(sample_data)
    assert "District is missing." in problems
    assert "Goal 2, activites is not part of a plan (is it misspelt?)." in problems
    assert "Goal 2, activity 3, evalaution is not part of a plan (is it misspelt?)." in problems


def test_a_school_year_must_be_two_years_in_a_row(sample_data):
    for bad in ("2026-2028", "2026", "26-27", "", None):
        sample_data["school_year"] = bad
        assert any("2026-2027 (two years in a row)" in p for p in problems_of(sample_data)), bad


def test_a_date_that_is_not_a_date(sample_data):
    sample_data["goals"][0]["activities"][1]["start"] = "2026-13-45"
    sample_data["goals"][2]["activities"][0]["end"] = "next Tuesday"
    problems = problems_of(sample_data)
    assert "Goal 1, activity 2, Date: '2026-13-45' is not a date; write dates like 2026-10-14." in problems
    assert any(p.startswith("Goal 3, activity 1, Until (optional): 'next Tuesday' is not a date") for p in problems)


def test_ten_thousand_characters_are_refused_with_the_limit(sample_data):
    sample_data["goals"][0]["activities"][0]["evaluation"] = "x" * 10_000
    sample_data["school"] = "S" * 10_000
    problems = problems_of(sample_data)
    assert ("Goal 1, activity 1, How it will be evaluated is 10,000 characters long; the limit is 2,000. "
            "Please shorten it.") in problems
    assert "School is 10,000 characters long; the limit is 200. Please shorten it." in problems


def test_unknown_ids_of_content_are_refused_with_the_known_ones(sample_data):
    sample_data["team"][0]["role"] = "headmaster"
    sample_data["goals"][0]["kind"] = "fun"
    sample_data["goals"][0]["activities"][0]["type"] = "type-7"
    sample_data["goals"][0]["activities"][0]["standard"] = "standard-9"
    sample_data["goals"][0]["activities"][0]["play"] = "no-such-play"
    text = "\n".join(problems_of(sample_data))
    assert "'headmaster' is not a seat on an Action Team; use one of: " in text and "parent-liaison" in text
    assert "'fun' is not a kind of goal or a type of involvement" in text
    assert "'type-7' is not a known type of involvement; use one of: parenting" in text
    assert "'standard-9' is not a known standard" in text
    assert "'no-such-play' is not a known play" in text


def test_students_are_listed_by_role_only(sample_data):
    sample_data["team"][9]["name"] = "Jamie, grade 11"
    assert any("students are listed by role only" in p for p in problems_of(sample_data))
    member = Member(role="student")
    with pytest.raises(ValidationError):
        member.name = "Jamie"
    assert member.name == ""


def test_two_items_with_one_id(sample_data):
    sample_data["goals"][1]["activities"][0]["id"] = sample_data["goals"][0]["id"]
    assert any("share an id" in p for p in problems_of(sample_data))


def test_a_cost_that_is_not_an_amount(sample_data):
    sample_data["goals"][0]["activities"][0]["cost"] = -5
    sample_data["goals"][0]["activities"][1]["cost"] = "lots"
    problems = problems_of(sample_data)
    assert any(p.startswith("Goal 1, activity 1, Cost (dollars): -5 is not an amount") for p in problems)
    assert any(p.startswith("Goal 1, activity 2, Cost (dollars): 'lots' is not an amount") for p in problems)


def test_an_edit_the_model_refuses_leaves_the_last_good_value(plan):
    activity = plan.goals[0].activities[0]
    before = activity.what
    with pytest.raises(ValidationError):
        activity.what = "y" * (LONG_CHARS + 1)
    assert activity.what == before


# --- reading a plan ----------------------------------------------------------------------------------


def test_types_covered_lists_every_type_and_form_t_sections_give_their_type():
    plan = new_plan("Groton", "Oak Street School", "2026-2027", form="T")
    section = Goal(kind="volunteering", activities=[Activity(what="Talent survey"),
                                                    Activity(what="Class parents", type="communicating")])
    plan.goals.append(section)
    covered = plan.types_covered()
    assert list(covered) == ["parenting", "communicating", "volunteering", "learning-at-home", "decision-making",
                             "collaborating-with-community"]
    assert covered["volunteering"] == 1 and covered["communicating"] == 1 and sum(covered.values()) == 2


@pytest.mark.parametrize("today, year", [(date(2026, 6, 30), "2025-2026"), (date(2026, 7, 1), "2026-2027"),
                                         (date(2027, 1, 15), "2026-2027")])
def test_the_current_school_year_turns_over_in_july(today, year):
    assert current_school_year(today) == year
    assert year in school_years(today)


# --- plans in the store ------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'shine.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    with Store(url) as s:
        yield s


def test_a_plan_in_the_store_keeps_every_version_and_every_character(store, plan):
    team = store.teams.ensure(plan.district, plan.school, "high")
    assert latest(store, team.id, plan.school_year) is None
    assert save(store, team.id, plan) == 1
    plan.goals[0].title = EMOJI + " " + RTL
    plan.goals[0].activities[0].what = HTML + "\x00"  # NUL: PostgreSQL's JSON refuses it, so the model drops it
    assert save(store, team.id, plan) == 2
    version, again = latest(store, team.id, plan.school_year)
    assert version == 2 and again == plan
    assert again.goals[0].title == EMOJI + " " + RTL
    assert [v for v, _t in store.plans.versions(team.id, plan.school_year)] == [1, 2]


def test_the_district_view_lists_every_team_with_its_status(store, plan):
    ready = store.teams.ensure(plan.district, plan.school, "high")
    save(store, ready.id, plan)
    draft_team = store.teams.ensure(plan.district, "Maple Middle School", "middle")
    draft = new_plan(plan.district, "Maple Middle School", plan.school_year, level="middle")
    draft.goals.append(Goal(kind="academic", title="Read more"))
    save(store, draft_team.id, draft)
    store.teams.ensure(plan.district, "Oak Street Elementary", "elementary")  # opened, nothing saved
    store.teams.ensure("Another District", "Elsewhere High", "high")
    damaged = store.teams.ensure(plan.district, "Zeta Academy", "high")
    store.plans.save(damaged.id, plan.school_year, {"school": "Zeta Academy", "goals": "not a list"})

    rows = {r.school: r for r in district_plans(store, plan.district, plan.school_year)}
    assert set(rows) == {plan.school, "Maple Middle School", "Oak Street Elementary", "Zeta Academy"}
    assert rows[plan.school].ready and rows[plan.school].version == 1
    assert all(rows[plan.school].types.values())
    maple = rows["Maple Middle School"]
    assert not maple.ready and maple.errors > 0 and sum(maple.types.values()) == 0
    assert rows["Oak Street Elementary"].plan is None and rows["Oak Street Elementary"].version is None
    assert rows["Zeta Academy"].plan is None and "District is missing" in rows["Zeta Academy"].problem


# --- the "types covered" chart --------------------------------------------------------------------


def test_the_types_chart_has_a_title_axes_alt_text_and_reads_in_greyscale(plan):
    from shine.plan.charts import types_covered_chart

    for activity in plan.goals[3].activities:
        activity.type = "communicating"  # volunteering and decision making are no longer reached
    chart = types_covered_chart(plan)
    ax = chart.figure.axes[0]
    assert ax.get_title() == chart.title == "Types of involvement reached: 4 of 6"
    assert ax.get_xlabel() == "Number of activities" and ax.get_ylabel() == "Type of involvement"
    rows = sorted(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())), reverse=True)
    assert rows[0][1] == "1. Parenting" and rows[-1][1] == "6. Collaborating with the community"  # type 1 on top
    assert all(bar.get_hatch() for bar in ax.patches)  # a pattern, not only a colour
    labels = [t.get_text() for t in ax.texts]
    assert labels.count("not yet reached") == 2 and "6 activities" in labels and "1 activity" in labels
    assert "4 of 6 types reached" in chart.alt and "Not yet reached: Volunteering, Decision making." in chart.alt
    assert chart.png()[:8] == b"\x89PNG\r\n\x1a\n"
