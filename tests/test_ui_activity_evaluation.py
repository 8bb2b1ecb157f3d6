"""Module 7: evaluating one activity and deciding what to do with it next year."""

from __future__ import annotations

from conftest import text_of

from shine import content
from shine.lessons.evaluate.activity_evaluation import NOT_YET, PARTLY, YES, ActivityEvaluation


def test_answers_turn_into_strengths_next_steps_and_a_decision():
    ev = ActivityEvaluation()
    questions = content.load().evaluation.questions
    ev.name.value = "Fall family literacy night"
    ev.inputs[questions[0].id].value = YES
    ev.inputs[questions[1].id].value = PARTLY
    ev.inputs[questions[2].id].value = NOT_YET
    ev.decision.value = 1
    ev.summarize.click()
    text = text_of(ev.summary)
    assert "Fall family literacy night" in text and "1 of 3 answers are yes" in text
    assert questions[0].question[:40] in text.split("Next steps")[0]
    assert questions[1].grow[:40] in text and questions[2].grow[:40] in text
    assert content.load().evaluation.decisions[1] in text
    assert f"{len(questions) - 3} questions are not answered yet" in text


def test_nothing_answered_and_a_name_too_long_get_plain_messages():
    ev = ActivityEvaluation()
    ev.summarize.click()
    assert "Answer at least one question" in text_of(ev.summary)
    ev.name.value = "x" * 10_000
    ev.inputs[content.load().evaluation.questions[0].id].value = YES
    ev.summarize.click()
    assert "shorten the activity's name" in text_of(ev.summary)
    assert ev.name.value == "x" * 10_000, "nothing typed is lost"


def test_all_yes_and_markup_in_the_name():
    ev = ActivityEvaluation()
    ev.name.value = "<b>Night</b> ליל משפחה"
    for w in ev.inputs.values():
        w.value = YES
    ev.summarize.click()
    assert "<b>Night" not in ev.summary.value and "&lt;b&gt;Night" in ev.summary.value
    assert "Keep doing what works" in text_of(ev.summary) and "shine-good" in ev.summary.value
