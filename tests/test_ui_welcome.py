"""The welcome module's components, driven as a participant would use them."""

from __future__ import annotations

import html

import pytest
from conftest import edit_yaml

from shine import content
from shine.lessons.header import KeyPoints, ModuleHeader, header_html
from shine.lessons.welcome.course_map import CourseMap, participant_roles
from shine.lessons.welcome.definition_card import DefinitionCard


def test_header_shows_what_the_content_says():
    module = content.get("module", "00-welcome")
    html = ModuleHeader("00-welcome").html.value
    assert module.title.replace("'", "&#x27;") in html
    for question in module.questions:
        assert question.replace("'", "&#x27;")[:30] in html
    assert f"{module.teaching_minutes} minute" in html
    assert "Notes for the facilitator" not in html


def test_facilitator_header_adds_the_instructor_notes():
    module = content.get("module", "00-welcome")
    html = header_html("00-welcome", facilitator=True)
    if module.instructor_notes:
        assert "Notes for the facilitator" in html


def test_keypoints():
    module = content.get("module", "00-welcome")
    assert module.keypoints[0].replace("'", "&#x27;")[:30] in KeyPoints("00-welcome").html.value


def test_definition_card_explains_each_word_when_chosen():
    card = DefinitionCard()
    assert "full, equal, and equitable partnership" in card.quote.value
    assert "Choose a word" in card.meaning.value
    for dim_id, dim in card.dimensions.items():
        card.buttons.value = dim_id  # what a click does
        assert dim.meaning.replace("'", "&#x27;")[:40] in card.meaning.value


def test_course_map_filters_modules_by_role():
    course = CourseMap()
    everything = course.table.value
    assert "00-welcome" not in everything  # titles are shown, not ids
    roles = participant_roles()
    assert roles, "content lists who participates"
    modules = content.items("module")
    for m in modules:
        assert html.escape(m.title) in everything
    for role in roles:
        course.role.value = role.id  # what choosing in the menu does
        for m in modules:
            shown = f"<td>{html.escape(m.title)}</td>" in course.table.value
            assert shown == (role.id in m.audience), (role.id, m.id)
    course.role.value = None
    assert course.table.value == everything


@pytest.fixture
def hostile_content(content_copy):
    """A district's copy of the content with markup in it: it must show as text."""
    edit_yaml(content_copy, "modules.yaml",
              lambda d: d["modules"][0].update(title="<script>alert('x')</script> & <b>bold</b>"))


def test_markup_in_content_is_escaped(hostile_content):
    html = ModuleHeader("00-welcome").html.value
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert "<script>" not in CourseMap().table.value
