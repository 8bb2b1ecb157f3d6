"""The One-Year Action Plan rules (content/plan_rules.yaml): each rule passes on the complete
sample plan and fails, with its own plain-language message, on a plan that breaks it; rules are
data a district can change."""

from __future__ import annotations

import typing
from datetime import date
from pathlib import Path

import pytest
from conftest import edit_yaml

from shine import content
from shine.content.models_plan import AnyRule
from shine.plan.model import Activity, Goal, Member, goal_label, load_plan_file
from shine.plan.rules import CHECKS, check, fill, rules

SAMPLE = Path(__file__).resolve().parents[1] / "widgets" / "shine" / "data" / "sample_plan_high_school.json"


@pytest.fixture
def plan():
    return load_plan_file(SAMPLE)


def findings(plan, rule_id):
    return [f for f in check(plan).findings if f.rule == rule_id]


def rule(rule_id):
    return next(r for r in content.load().plan_rules.rules if r.id == rule_id)


# --- the sample passes everything -------------------------------------------------------------


def test_the_sample_high_school_plan_passes_every_rule(plan):
    report = check(plan)
    assert report.ok and not report.warnings, [f.message for f in report.findings]
    assert {r.rule.id for r in report.results} == {r.id for r in rules(plan)}
    assert plan.level == "high" and len(plan.goals) == 4 and len(plan.activities()) >= 8


def test_every_check_the_content_can_name_has_code_and_the_other_way_round():
    union = typing.get_args(typing.get_args(AnyRule)[0])
    named = {typing.get_args(cls.model_fields["check"].annotation)[0] for cls in union}
    assert named == set(CHECKS)


# --- each rule: one way to break it --------------------------------------------------------------


def break_goal_mix(p):
    p.goals[3].kind = "academic"
    return ['"Welcoming climate of partnerships"; this plan has 0', '"Academic goals"; this plan has 3']


def break_goal_linked(p):
    p.goals[1].sip_goal = "  "
    p.goals[2].sip_goal = "SIP"  # too short to say which goal it is
    return ["Goal 2", "Goal 3", "school improvement"]


def break_goal_written(p):
    p.goals[0].result = ""
    return ["Goal 1", "Desired result"]


def break_duplicate_goal(p):
    p.goals[1].title = "  more NINTH graders read at or above grade level "
    return ["Goal 2", "Goal 1"]


def break_activities_per_goal(p):
    del p.goals[2].activities[1:]
    return ["Goal 3", "1 activity", "at least 2"]


def break_activity_essentials(p):
    p.goals[0].activities[1].lead = ""
    p.goals[3].activities[0].start = None
    p.goals[3].activities[0].end = None
    return ["Goal 1, activity 2", "Person in charge", "Goal 4, activity 1", "Date"]


def break_dates_in_year(p):
    p.goals[0].activities[0].start = date(2025, 10, 15)  # typed last year by mistake
    return ["2025-10-15", "2026-2027", "2026-07-01", "2027-06-30"]


def break_dates_in_order(p):
    a = p.goals[1].activities[0]
    a.end = date(2026, 11, 1)
    return ["ends on 2026-11-01", "starts on 2026-11-14"]


def break_team_families(p):
    p.team = [m for m in p.team if m.role not in ("parent", "parent-liaison")]
    return ["0 family member", "at least 2"]


def break_team_students(p):
    p.team = [m for m in p.team if m.role != "student"]
    return ["High school", "at least 2 students", "lists 0"]


def break_team_size(p):
    p.team = p.team[:3]
    return ["3 member", "at least 6"]


def break_types_covered(p):
    for _goal, activity in p.activities():
        activity.type = "communicating"
    return ["1 of the six types", "at least 4", "Parenting", "Decision making"]


def break_lower_impact(p):
    goal = p.goals[3]
    goal.activities = [
        Activity(what="Monthly newsletter to all families", start=date(2026, 10, 1), lead="Office", evaluation="Count"),
        Activity(what="Robocall reminders before events", start=date(2026, 11, 1), lead="Office", evaluation="Count"),
    ]
    return ["Goal 4", "Monthly newsletter", "staffed family center", "two-way calls"]


BREAKERS = {
    "form-g-goal-mix": break_goal_mix,
    "goal-linked": break_goal_linked,
    "goal-written": break_goal_written,
    "duplicate-goal": break_duplicate_goal,
    "activities-per-goal": break_activities_per_goal,
    "activity-essentials": break_activity_essentials,
    "dates-in-school-year": break_dates_in_year,
    "dates-in-order": break_dates_in_order,
    "team-has-families": break_team_families,
    "team-has-students": break_team_students,
    "team-size": break_team_size,
    "types-covered": break_types_covered,
    "lower-impact-only": break_lower_impact,
}


def test_every_rule_of_the_content_is_tested_here():
    tested = set(BREAKERS) | {"form-t-type-sections"}
    assert {r.id for r in content.load().plan_rules.rules} == tested


@pytest.mark.parametrize("rule_id", sorted(BREAKERS))
def test_a_rule_passes_on_the_sample_and_fails_when_broken(plan, rule_id):
    assert findings(plan, rule_id) == []
    expected_words = BREAKERS[rule_id](plan)
    found = findings(plan, rule_id)
    assert found, f"{rule_id} did not notice"
    assert {f.severity for f in found} == {rule(rule_id).severity}
    text = " ".join(f.message for f in found)
    for words in expected_words:
        assert words.casefold() in text.casefold(), (words, text)
    assert "{" not in text, "every placeholder is filled in"
    # The other rules are not disturbed by this one break (except the ones it implies).
    implied = {"activity-essentials": {"dates-in-school-year"}, "lower-impact-only": {"types-covered"},
               "types-covered": set(), "team-has-families": {"team-size"}, "team-has-students": set(),
               "team-size": {"team-has-families", "team-has-students"}, "form-g-goal-mix": set()}
    others = {f.rule for f in check(plan).findings} - {rule_id} - implied.get(rule_id, set())
    assert not others, others


def test_findings_point_at_the_goal_or_activity_they_are_about(plan):
    break_activity_essentials(plan)
    found = findings(plan, "activity-essentials")
    assert {f.activity_id for f in found} == {plan.goals[0].activities[1].id, plan.goals[3].activities[0].id}
    break_goal_linked(plan)
    assert {f.goal_id for f in findings(plan, "goal-linked")} == {plan.goals[1].id, plan.goals[2].id}


# --- rules that depend on the school level or the form ----------------------------------------------


def test_students_are_asked_of_high_schools_and_k12_schools_only(plan):
    break_team_students(plan)
    for level, expected in (("high", 1), ("k-12", 1), ("middle", 0), ("elementary", 0), ("k-8", 0), (None, 0)):
        plan.level = level
        assert len(findings(plan, "team-has-students")) == expected, level


def test_the_parent_liaison_counts_as_a_family_member(plan):
    plan.team = [m for m in plan.team if m.role != "parent"] + [Member(role="parent")]
    assert findings(plan, "team-has-families") == []  # one parent + the liaison
    plan.team = [m for m in plan.team if m.role != "parent-liaison"]
    assert findings(plan, "team-has-families")


def form_t_plan(plan):
    plan.form = "T"
    types = [t.id for t in sorted(content.items("type"), key=lambda t: t.number)]
    acts = [a for _g, a in plan.activities()]
    plan.goals = []
    for i, type_id in enumerate(types):
        section = Goal(kind=type_id, title=f"Section {i + 1}", sip_goal="School improvement goal 1: reading",
                       result="More families take part", measure="Sign-in sheets")
        for a in acts[2 * i:2 * i + 2]:
            a.type = None  # in Form T an activity takes its section's type
            section.activities.append(a)
        plan.goals.append(section)
    return plan


def test_form_t_has_one_section_per_type_and_its_own_rules(plan):
    plan = form_t_plan(plan)
    report = check(plan)
    assert report.ok, [f.message for f in report.errors]
    assert report.result("form-g-goal-mix") is None  # a Form G rule does not apply to Form T
    assert report.result("form-t-type-sections").passed
    assert all(n == 2 for n in plan.types_covered().values())
    plan.goals[5].kind = plan.goals[0].kind
    found = findings(plan, "form-t-type-sections")
    assert len(found) == 1 and "Goal 6" in found[0].message and "Parenting" in found[0].message
    plan.goals[5].kind = "academic"  # a Form G kind in a Form T plan
    assert findings(plan, "form-t-type-sections")


def test_form_g_rule_does_not_apply_to_form_t(plan):
    assert all("G" in r.forms for r in rules(plan) if r.check == "goal-mix")
    plan.form = "T"
    assert all(r.check != "goal-mix" for r in rules(plan))


def test_lower_impact_advice_counts_chosen_examples_and_allows_a_mix(plan):
    break_lower_impact(plan)
    goal = plan.goals[3]
    goal.activities[0].example = "c2-resources-moderate"  # the team says it is more than a newsletter
    assert findings(plan, "lower-impact-only") == []  # not *only* lower impact any more
    stricter = rule("lower-impact-only").model_copy(update={"when": "any-lower"})
    report = check(plan, [stricter])
    assert len(report.findings) == 1 and "Robocall" in report.findings[0].message
    assert report.findings[0].severity == "warning"


def test_lower_impact_judges_the_activity_not_stray_words(plan):
    """"Home visits by appointment" is not the lower-impact "visit the school by appointment", and an
    activity that puts a play to work is one of the CSDE's high-impact practices."""
    goal = plan.goals[3]
    visits = Activity(what="Home visits by appointment, in pairs", type="parenting", start=date(2026, 10, 1),
                      lead="Teachers", evaluation="Count")
    goal.activities = [visits]
    assert findings(plan, "lower-impact-only") == []
    news = Activity(what="A newsletter about our home-visit program", type="communicating",
                    play="parent-teacher-home-visits", start=date(2026, 10, 1), lead="Office", evaluation="Count")
    goal.activities = [news]
    assert findings(plan, "lower-impact-only") == [], "a play's activity is not judged by the word newsletter"
    news.play = None
    assert findings(plan, "lower-impact-only"), "without a play, a general newsletter is lower impact"
    news.type = "decision-making"
    assert findings(plan, "lower-impact-only") == [], "words only name an example of the activity's own type"
    goal.activities = [Activity(what="Families may visit the school by appointment", type="communicating",
                                start=date(2026, 10, 1), lead="Office", evaluation="Count")]
    assert findings(plan, "lower-impact-only")


def test_the_school_level_is_named_in_the_readers_language(plan):
    from shine.i18n import language

    break_team_students(plan)
    assert "The Action Team of a high school includes at least 2 students" in findings(plan, "team-has-students")[0].message
    with language("es"):
        message = check(plan, [rule("team-has-students")]).findings[0].message
    assert message.startswith("El Equipo de Acción de una escuela secundaria"), message


def test_an_empty_plan_fails_the_rules_that_need_content():
    from shine.plan.model import new_plan

    report = check(new_plan("Groton", "Oak Street School", "2026-2027", level="elementary"))
    failing = {r.rule.id for r in report.results if not r.passed}
    assert {"form-g-goal-mix", "team-has-families", "types-covered"} <= failing
    assert "team-has-students" not in failing
    assert not report.ok


# --- rules are data ---------------------------------------------------------------------------------


def test_a_district_can_adjust_a_rule_with_its_own_numbers(plan):
    stricter = rule("activities-per-goal").model_copy(update={"minimum": 4})
    report = check(plan, [stricter])
    assert len(report.errors) == 4 and "at least 4" in report.errors[0].message
    softer = rule("types-covered").model_copy(update={"minimum": 6, "severity": "warning"})
    break_types_covered(plan)
    report = check(plan, [softer])
    assert report.ok and len(report.warnings) == 1


def test_a_message_with_an_unknown_placeholder_still_shows(plan):
    assert fill("{goal} has {nonsense} and {", {"goal": "Goal 1"}) == "{goal} has {nonsense} and {"
    assert fill("{goal} has {nonsense}", {"goal": "Goal 1"}) == "Goal 1 has {nonsense}"


def edit_rules(folder, change):
    edit_yaml(folder, "plan_rules.yaml", change)


def test_a_district_copy_of_the_content_switches_a_rule_off_and_rewords_another(content_copy, plan):
    def change(data):
        for r in data["rules"]:
            if r["id"] == "team-has-students":
                r["enabled"] = False
            if r["id"] == "activities-per-goal":
                r["minimum"] = 3
                r["message"] = "Our district asks for {minimum} activities per goal; {goal} has {found}."

    edit_rules(content_copy, change)
    break_team_students(plan)
    report = check(plan)
    assert report.result("team-has-students") is None
    assert report.result("activities-per-goal").passed  # every goal of the sample has three
    plan.goals[0].activities.pop()
    label = goal_label(plan, plan.goals[0])
    assert [f.message for f in check(plan).findings if f.rule == "activities-per-goal"] == [
        f"Our district asks for 3 activities per goal; {label} has 2."]


def test_a_misspelt_check_or_parameter_is_reported_by_the_content_check(content_copy):
    def change(data):
        by_id = {r["id"]: r for r in data["rules"]}
        by_id["form-g-goal-mix"]["check"] = "goal-mixx"
        by_id["activities-per-goal"]["minimun"] = 2
        by_id["activity-essentials"]["required"] = ["what", "colour"]

    edit_rules(content_copy, change)
    _cur, _index, problems = content.check_dir(content_copy)
    where = [f"{p.where} {p.message}" for p in problems if p.file == "plan_rules.yaml"]
    assert len(where) >= 3, where
    assert any("goal-mixx" in w for w in where)
    assert any("minimun" in w for w in where)
    assert any("colour" in w for w in where)


def test_a_keyword_naming_an_unknown_impact_example_is_reported(content_copy):
    def change(data):
        lower = next(r for r in data["rules"] if r["id"] == "lower-impact-only")
        lower["keywords"].append({"example": "no-such-example", "words": ["bake sale"]})

    edit_rules(content_copy, change)
    _cur, _index, problems = content.check_dir(content_copy)
    assert [p.code for p in problems] == ["unknown-impact-example"]
