"""Module 5's home-visit coverage calculator: the 10% level of the 2018 study, studies kept apart."""

from __future__ import annotations

import pytest
from conftest import text_of

from shine.lessons.plays.home_visit_calculator import Coverage, HomeVisitCalculator, coverage_chart
from shine.web import charts


def fill(calc: HomeVisitCalculator, enrolled: int, visited: int) -> str:
    calc.enrolled.value = enrolled
    calc.visited.value = visited
    return text_of(calc.result)


def test_below_the_threshold_says_how_many_more_families():
    calc = HomeVisitCalculator()
    assert "Type your school's two numbers" in text_of(calc.result)
    text = fill(calc, 420, 30)
    assert "30 of 420 families: 7.1%" in text
    assert "12 more families would bring you to the 10% level seen in the 2018 study" in text
    assert 'alt="Bar chart, Home-visit coverage this year: 7.1% against a dashed line at 10% (not yet reached)' \
        in calc.chart.value


def test_at_the_threshold_is_celebrated():
    calc = HomeVisitCalculator()
    assert "at or above the 10% level" in fill(calc, 420, 42)
    assert Coverage(7, 1, 10).still_to_visit == 0  # 1 of 7 is already over 10%
    assert Coverage(101, 10, 10).still_to_visit == 1


@pytest.mark.parametrize("enrolled, visited, message", [
    (0, 5, "at least 1"),
    (-3, 1, "below zero"),
    (100, 120, "More families visited (120) than enrolled (100)"),
    (5_000_000, 10, "more than any one school has"),
])
def test_impossible_numbers_get_a_plain_message_and_no_chart(enrolled, visited, message):
    calc = HomeVisitCalculator()
    assert message in fill(calc, enrolled, visited)
    assert calc.chart.value == ""
    assert calc.update() is None


def test_the_two_studies_are_shown_apart_with_their_own_figures():
    text = text_of(HomeVisitCalculator().studies)
    text, caution = text.split("The CSDE's plays quote")
    s2018, s2015 = text.split("The 2015 study")
    assert "The 2018 study" in s2018 and "The 10% level comes from this study" in s2018
    assert "35%" in s2018 and "21%" in s2018 and "24%" not in s2018
    assert "24%" in s2015 and "35%" not in s2015 and "10% level comes" not in s2015
    assert "They come from two" in caution, "the caution about the merged figures"


def test_the_chart_is_readable_without_colour():
    fig = coverage_chart(Coverage(200, 10, 10))
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert ax.patches[0].get_hatch() == "//", "below the line is hatched"
    assert any("2018 study" in t.get_text() for t in ax.texts)
    assert "5.0%" in charts.alt_text(fig)
