"""Module 2: the pilot timeline, the three districts, the CTHSS practices and the three pillars."""

from __future__ import annotations

from conftest import text_of

from shine import content
from shine.lessons.district.district_pillars import DistrictPillars
from shine.lessons.district.district_practices import DistrictPractices
from shine.lessons.district.pilot_districts import PilotDistricts
from shine.lessons.district.pilot_timeline import PilotTimeline, timeline_chart
from shine.web import charts


def test_the_timeline_shows_the_pilot_reach_and_the_planned_growth():
    t = PilotTimeline()
    first = text_of(t.detail)
    for fid, words in (("pilot-schools", "24 schools"), ("pilot-students", "about 11,000 students"),
                       ("pilot-districts", "3 districts")):
        assert content.get("figure", fid)  # the number comes from the content
        assert words in first, words
    t.step.value = "growth"
    growth = text_of(t.detail)
    assert "8 districts" in growth and "about 200 schools" in growth
    t.step.value = "lessons"
    assert content.load().cases.pilot.open_question[:40] in text_of(t.detail)
    t.step.value = "commitments"
    assert content.load().cases.pilot.agreement in text_of(t.detail)


def test_the_timeline_chart_marks_the_plan_as_planned_and_carries_alt_text():
    fig = timeline_chart()
    alt = charts.alt_text(fig)
    assert "Districts" in alt and "Schools" in alt and "about 200" in alt and "(planned)" in alt
    for ax in fig.axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        hatches = [bar.get_hatch() for bar in ax.patches]
        assert hatches == [None, "//"], "the planned bar is hatched, not only coloured"
    assert 'alt="' in PilotTimeline().chart.value


def test_each_pilot_district_tells_its_own_route():
    d = PilotDistricts()
    for district in content.load().cases.pilot.districts:
        d.choice.value = district.id
        assert district.approach[:40] in text_of(d.detail)


def test_mini_visits_and_our_time_to_shine():
    p = DistrictPractices()
    assert "17" in text_of(p.context)
    for practice in content.load().cases.cthss.practices:
        p.choice.value = practice.id
        assert practice.how[0][:40] in text_of(p.detail)


def test_the_three_pillars():
    p = DistrictPillars()
    for pillar in content.load().district_support.pillars:
        p.choice.value = pillar.id
        assert pillar.summary[:40] in text_of(p.detail)
    p.choice.value = "building-capacity"
    assert "Supporter" in text_of(p.detail)
