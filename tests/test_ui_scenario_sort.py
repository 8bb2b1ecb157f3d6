"""Module 1's principle sort, used as a participant would: choose, check, read the feedback."""

from __future__ import annotations

import html

import pytest
from conftest import edit_yaml

from shine import content
from shine.lessons.principles.scenario_sort import ScenarioSort


def shown(widget) -> str:
    return html.unescape(widget.value)


def answer(sort: ScenarioSort, principle: str, verdict: str) -> str:
    sort.principle.value = principle
    sort.verdict.value = verdict
    sort.check.click()
    return shown(sort.feedback)


def test_first_situation_is_shown_with_an_empty_choice():
    sort = ScenarioSort()
    first = sort.scenarios[0]
    assert first.situation[:40] in shown(sort.situation)
    assert "Situation 1 of" in shown(sort.progress)
    assert sort.principle.value == "" and sort.principle.label.startswith("Choose")
    assert sort.next.disabled


def test_checking_without_an_answer_asks_kindly_and_records_nothing():
    sort = ScenarioSort()
    sort.check.click()
    assert "Choose a principle" in shown(sort.feedback)
    assert sort.answers == {} and sort.next.disabled
    sort.next.click()
    assert sort.index == 0, "an unchecked situation cannot be skipped"


def test_a_right_answer_is_praised_and_explained():
    sort = ScenarioSort()
    s = sort.current
    text = answer(sort, s.principle, s.verdict)
    assert "Well spotted" in text
    assert s.explanation[:50] in text
    assert content.get("principle", s.principle).name in text
    assert not sort.next.disabled and sort.score == 1


def test_other_answers_get_kind_feedback_that_names_the_principle():
    sort = ScenarioSort()
    s = sort.current
    wrong_verdict = "breaks" if s.verdict == "shows" else "shows"
    assert "You found the right principle" in answer(sort, s.principle, wrong_verdict)
    assert s.also_relates, "the first situation has a fair second reading"
    assert "fair reading" in answer(sort, s.also_relates[0], s.verdict)
    unrelated = next(p.id for p in content.items("principle") if p.id != s.principle and p.id not in s.also_relates)
    text = answer(sort, unrelated, s.verdict)
    assert "Not quite" in text and content.get("principle", s.principle).short in text
    assert sort.score == 0, "only an exact match counts"


def test_a_situation_that_breaks_a_principle_says_how_to_turn_it_around():
    sort = ScenarioSort()
    while sort.current.verdict != "breaks":
        answer(sort, sort.current.principle, sort.current.verdict)
        sort.next.click()
    s = sort.current
    assert s.better[:40] in answer(sort, s.principle, s.verdict)


def test_working_through_every_situation_ends_in_a_summary_and_can_start_again():
    sort = ScenarioSort()
    total = len(sort.scenarios)
    for i in range(total):
        s = sort.current
        answer(sort, s.principle, s.verdict if i else ("breaks" if s.verdict == "shows" else "shows"))
        sort.next.click()
    summary = shown(sort.progress)
    assert f"You matched {total - 1} situations of {total} exactly" in summary
    assert "1 more was a fair reading or the right principle" in summary
    assert sort.check.disabled and sort.principle.disabled
    sort.restart.click()
    assert sort.index == 0 and sort.answers == {} and not sort.check.disabled


@pytest.fixture
def hostile_scenarios(content_copy):
    edit_yaml(content_copy, "scenarios.yaml", lambda d: d["scenarios"][0].update(
        situation="<img src=x onerror=alert(1)> & <b>bold</b>", explanation="<script>alert('x')</script>"))


def test_markup_in_the_content_shows_as_text(hostile_scenarios):
    sort = ScenarioSort()
    assert "<img" not in sort.situation.value and "&lt;img" in sort.situation.value
    s = sort.current
    text = answer(sort, s.principle, s.verdict)
    assert "<script>" in text  # unescaped for reading here, so check the raw value too
    assert "<script>" not in sort.feedback.value


def test_the_result_is_announced_every_time_it_is_checked():
    """The feedback widget is a live region; checking the same answer twice says it twice."""
    from shine.web.announce import LIVE

    sort = ScenarioSort()
    assert LIVE in sort.feedback._dom_classes
    first = sort.scenarios[0]
    sent = []
    sort.feedback.observe(lambda change: sent.append(change["new"]), names="value")
    answer(sort, first.principle, first.verdict)
    sort.check.click()
    assert [bool(v) for v in sent] == [True, False, True] and "Well spotted!" in shown(sort.feedback)
