"""Module 2's "who does what" matcher over the 2009 responsibilities."""

from __future__ import annotations

from conftest import text_of

from shine import content
from shine.lessons.district.responsibility_matcher import ResponsibilityMatcher, parties


def test_duties_come_mixed_so_the_order_does_not_give_the_answer_away():
    m = ResponsibilityMatcher()
    assert sorted(d.id for d in m.duties) == sorted(r.id for r in content.items("responsibility"))
    runs = sum(a.party == b.party for a, b in zip(m.duties, m.duties[1:]))
    in_content = sum(a.party == b.party for a, b in zip(content.items("responsibility"),
                                                        content.items("responsibility")[1:]))
    assert runs < in_content
    assert [p.id for p in parties()] == ["state-department", "school-district", "school", "families",
                                         "community-leaders", "students"]
    assert ResponsibilityMatcher().duties == m.duties, "the same order for everyone in the room"


def test_a_right_match_shows_what_the_duty_looks_like():
    m = ResponsibilityMatcher()
    duty = m.current
    assert duty.duty[:40] in text_of(m.duty)
    m.choice.value = duty.party
    m.check.click()
    feedback = text_of(m.feedback)
    assert "Yes. This belongs to:" in feedback and content.get("role", duty.party).name in feedback
    assert duty.actions[0][:40] in feedback
    assert m.correct == {duty.id: True}


def test_a_wrong_match_names_the_owner_kindly_and_moving_on_needs_a_check():
    m = ResponsibilityMatcher()
    m.next.click()
    assert m.index == 0
    m.check.click()
    assert "Choose a partner first" in text_of(m.feedback)
    duty = m.current
    other = next(p.id for p in m.parties if p.id != duty.party)
    m.choice.value = other
    m.check.click()
    feedback = text_of(m.feedback)
    assert "Good thinking" in feedback and content.get("role", duty.party).name in feedback
    m.next.click()
    assert m.index == 1 and m.choice.value is None


def test_family_and_student_duties_are_framed_as_partnership():
    m = ResponsibilityMatcher()
    while m.current.party not in ("families", "students"):
        m.choice.value = m.current.party
        m.check.click()
        m.next.click()
    m.choice.value = m.current.party
    m.check.click()
    assert "make this one easier" in text_of(m.feedback)


def test_finishing_gives_a_score_and_the_whole_picture():
    m = ResponsibilityMatcher()
    for i, duty in enumerate(list(m.duties)):
        m.choice.value = duty.party if i % 2 == 0 else next(p.id for p in m.parties if p.id != duty.party)
        m.check.click()
        m.next.click()
    right = (len(m.duties) + 1) // 2
    assert f"You placed {right} duties of {len(m.duties)}" in text_of(m.progress)
    assert m.check.disabled
    m.show_all.value = True
    overview = text_of(m.overview)
    for p in parties():
        assert p.name in overview
    m.show_all.value = False
    assert m.overview.value == ""
