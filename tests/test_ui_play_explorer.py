"""Module 5's play explorer: filter by role, area and type; evidence cited to its own study."""

from __future__ import annotations

import html
import re

from conftest import text_of

from shine import content
from shine.lessons.plays.play_explorer import ANY, PlayExplorer


def test_every_play_is_listed_until_a_filter_is_chosen():
    e = PlayExplorer()
    assert [v for _label, v in e.list.options] == [p.id for p in content.items("play")]
    assert f"{len(content.items('play'))} plays match" in text_of(e.count)
    assert e.list.value == content.items("play")[0].id and e.detail.value


def test_filters_combine_and_clear():
    e = PlayExplorer()
    e.role.value = "teacher"
    assert {content.get("play", v).role for _l, v in e.list.options} == {"teacher"}
    e.type.value = "learning-at-home"
    assert all("learning-at-home" in content.get("play", v).types for _l, v in e.list.options)
    e.area.value = "organizing"
    assert e.list.options == () and "No play matches all three filters" in text_of(e.count)
    assert e.detail.value == ""
    e.clear.click()
    assert (e.role.value, e.area.value, e.type.value) == (ANY, ANY, ANY)
    assert len(e.list.options) == len(content.items("play"))


def test_home_visit_evidence_keeps_each_figure_with_its_study():
    e = PlayExplorer()
    e.list.value = "parent-teacher-home-visits"
    boxes = re.findall(r'<div class="shine-box" style="margin:0.4rem 0">(.*?)</div>', e.detail.value)
    cited = {}
    for box in boxes:
        claim, source = [html.unescape(p) for p in re.findall(r"<p[^>]*>(.*?)</p>", box)[:2]]
        for fig in ("24%", "35%", "21%"):
            if fig in claim:
                cited[fig] = source
    assert "(2015)" in cited["24%"] and "4,700 students" in cited["24%"]
    for fig in ("35%", "21%"):
        assert "(2018)" in cited[fig] and "100,000" in cited[fig]
    assert "seed" not in text_of(e.detail).lower(), "participants read 'the CSDE guidance', not an editor's word"


def test_a_claim_without_a_study_says_so():
    e = PlayExplorer()
    e.list.value = "welcoming-environment"
    assert "without naming a study" in text_of(e.detail)


def test_the_shortlist_holds_two_or_three_plays():
    e = PlayExplorer()
    assert "Your shortlist is empty" in text_of(e.shortlist_view)
    ids = [v for _l, v in e.list.options][:4]
    for pid in ids:
        e.list.value = pid
        e.pick.click()
    e.pick.click()  # the same play twice is kept once
    assert e.shortlist == ids[:3]
    assert "Three is plenty" in text_of(e.shortlist_view)
    e.drop.click()
    assert e.shortlist == [] and e.drop.disabled
