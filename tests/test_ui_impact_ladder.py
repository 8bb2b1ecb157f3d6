"""Module 4's impact ladder: place practices, then see the state's placement."""

from __future__ import annotations

from conftest import text_of

from shine import content
from shine.lessons.impact.impact_ladder import ImpactLadder, practices, rows
from shine.lessons.impact.types_standards import TypesAndStandards


def test_every_row_of_the_charts_can_be_placed_and_the_order_hides_the_answer():
    assert len(rows()) == len({(e.chart, e.theme) for e in content.items("impact_example")})
    hidden = [r for r in rows() if [e.impact for e in practices(r)] != ["higher", "moderate", "lower"]]
    assert hidden, "at least some rows are not listed higher-to-lower"


def test_placing_everything_right_is_celebrated():
    ladder = ImpactLadder()
    for e in practices(ladder.row.value):
        ladder.inputs[e.id].value = e.impact
    ladder.reveal.click()
    text = text_of(ladder.feedback)
    assert "You matched 3 of 3" in text and "shine-good" in ladder.feedback.value
    assert "1 of" in text_of(ladder.tally)


def test_a_different_placement_is_explained_rung_by_rung():
    ladder = ImpactLadder()
    row = next(r for r in rows() if "Staying in touch" in r[1])
    ladder.row.value = row
    robocall = next(e for e in practices(row) if e.impact == "lower")
    for e in practices(row):
        ladder.inputs[e.id].value = "higher"
    ladder.reveal.click()
    text = text_of(ladder.feedback)
    assert "You matched 1 of 3" in text
    assert robocall.practice in text and "you placed it higher (higher impact)" in text
    assert "Lower impact does not mean bad" in text


def test_revealing_before_placing_asks_first_and_changing_row_starts_clean():
    ladder = ImpactLadder()
    ladder.reveal.click()
    assert "Place every practice first" in text_of(ladder.feedback)
    assert ladder.results == {}
    first = practices(ladder.row.value)[0]
    ladder.inputs[first.id].value = "lower"
    ladder.row.value = rows()[1]
    assert ladder.feedback.value == "" and not ladder.placed


def test_the_type_explorer_shows_aims_standards_and_examples():
    explorer = TypesAndStandards()
    for t in content.items("type"):
        explorer.choice.value = t.id
        text = text_of(explorer.detail)
        assert t.aim[:40] in text
        related = [s for s in content.items("standard") if t.id in s.related_types]
        assert all(s.name_2022 in text for s in related)
    explorer.show_standards.value = True
    assert "2022 name" in text_of(explorer.standards)
