"""Module 7's program review reads what the team saved in module 4's self-assessment."""

from __future__ import annotations

import pytest
from conftest import text_of

from shine import content
from shine.lessons.evaluate.program_review import ProgramReview
from shine.store import Store


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'shine.db'}")
    yield s
    s.close()


def test_the_review_shows_the_team_ratings_and_refreshes(store):
    team = store.teams.ensure("Middletown", "Bielefield School")
    items = content.load().self_assessment.items
    for item in items:
        store.answers.record("nnps-self-assessment", item.id, 5 if item.type == "volunteering" else 2, "kernel-one",
                              team_id=team.id)
    review = ProgramReview(store)
    assert review.again.disabled
    assert review.picker.district.options == ("Middletown",)
    review.picker.district.value = "Middletown"
    review.picker.school.value = "Bielefield School"
    review.picker.join_button.click()
    text = text_of(review.summary)
    assert "1 member of Bielefield School has saved ratings" in text
    assert "3. Volunteering" in text.split("Where to grow")[0]
    assert 'alt="Chart, Bielefield School' in review.chart.value
    store.answers.record("nnps-self-assessment", items[0].id, 5, "kernel-two", team_id=team.id)
    review.again.click()
    assert "2 members of Bielefield School" in text_of(review.summary)


def test_a_team_with_no_ratings_yet(store):
    review = ProgramReview(store)
    review.picker.district.value = "Windsor"
    review.picker.school.value = "New School"
    review.picker.join_button.click()
    assert "Nobody on this team has saved ratings yet" in text_of(review.summary)
    assert review.chart.value == ""


def test_known_teams_are_offered_as_suggestions(store):
    store.teams.ensure("Groton", "Harbor School")
    review = ProgramReview(store)
    assert review.picker.district.options == ("Groton",)
    assert review.picker.school.options == ("Harbor School",)
