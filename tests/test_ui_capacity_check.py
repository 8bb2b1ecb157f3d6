"""Module 3's 4 Cs self-check: ratings, the radar chart, and the plays for the weakest C."""

from __future__ import annotations

from conftest import text_of

from shine import content
from shine.lessons.capacity.capacity_check import CapacityCheck, plays_building, radar_figure, weakest
from shine.web import charts


def rate(check: CapacityCheck, low_capacity: str, low: int = 1, high: int = 4) -> None:
    for item in check.items:
        check.inputs[item.id].value = low if item.capacity == low_capacity else high


def test_both_sides_have_statements_for_every_c():
    check = CapacityCheck()
    assert [check.tabs.get_title(i) for i in range(2)] == ["Staff side", "Family side"]
    assert len(check.inputs) == len(content.load().capacity_check.items)


def test_nothing_rated_gets_a_prompt_not_a_chart():
    check = CapacityCheck()
    check.draw.click()
    assert check.chart.value == "" and "Rate at least one statement" in text_of(check.suggestions)


def test_the_chart_and_the_plays_that_build_the_weakest_c():
    check = CapacityCheck()
    rate(check, "connections")
    check.draw.click()
    assert 'alt="Radar chart' in check.chart.value
    text = text_of(check.suggestions)
    assert "Your weakest C right now: Connections" in text
    builders = plays_building("connections")
    assert builders
    for play in builders:
        assert play.assets[0] in text
    not_builders = [p for p in content.items("play") if "connections" not in p.capacities]
    assert not any(f"{p.assets[0]} (" in text for p in not_builders)


def test_ties_name_every_weakest_c_and_clearing_resets():
    check = CapacityCheck()
    for item in check.items:
        check.inputs[item.id].value = 2 if item.capacity in ("cognition", "confidence") else 3
    assert weakest(check.ratings) == ["cognition", "confidence"]
    check.draw.click()
    assert "Cognition" in text_of(check.suggestions) and "Confidence" in text_of(check.suggestions)
    check.clear.click()
    assert not any(check.ratings.values()) and check.chart.value == ""


def test_the_radar_chart_is_titled_labelled_and_described():
    check = CapacityCheck()
    for item in check.items:
        if item.side == "staff":
            check.inputs[item.id].value = 3
    fig = radar_figure(check.ratings)
    ax = fig.axes[0]
    assert ax.get_title() == "Our school on the 4 Cs" and ax.get_ylabel()
    assert [t.get_text() for t in ax.get_xticklabels()] == [c.name for c in content.load().dual_capacity.capacities]
    alt = charts.alt_text(fig)
    assert "Staff side: Capabilities 3" in alt and "Family side" not in alt, "only the rated side is drawn"
