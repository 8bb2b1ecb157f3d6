"""Module 7: the team's notes for its next Mini Visit, made into an agenda."""

from __future__ import annotations

from conftest import text_of

from shine import content
from shine.lessons.evaluate.mini_visit_prep import MiniVisitPrep


def test_the_team_fills_its_parts_and_gets_the_whole_agenda():
    prep = MiniVisitPrep()
    template = content.get("agenda", "mini-visit")
    team_parts = [s for s in template.segments if s.led_by != "district-leader"]
    assert list(prep.notes) == [s.id for s in team_parts]
    prep.notes["mv-needs"].value = "Reaching fathers; interpreters for Portuguese."
    assert prep.make_agenda()
    agenda = text_of(prep.agenda)
    for s in template.segments:
        assert s.title in agenda
    assert "Reaching fathers" in agenda and "District leader" in agenda


def test_overlong_notes_are_refused_and_kept():
    prep = MiniVisitPrep()
    prep.notes["mv-progress"].value = "x" * 5000
    assert not prep.make_agenda()
    assert "Please shorten the notes for: Progress report" in text_of(prep.agenda)
    assert len(prep.notes["mv-progress"].value) == 5000
