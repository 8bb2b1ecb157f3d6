"""Facilitator guides: one per module, generated from content, never out of step with it."""

from __future__ import annotations

import re

import pytest

from shine import content
from shine.kit.guide import render_markdown
from shine.web.paths import guides_dir

MODULES = sorted(content.items("module"), key=lambda m: m.number)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_every_module_has_a_guide_that_matches_the_content(module):
    path = guides_dir() / f"{module.id}.md"
    assert path.exists(), f"run `shine guides` to write {path.name}"
    assert path.read_text(encoding="utf-8") == render_markdown(module.id), \
        f"{path.name} is out of date with the content: run `shine guides`"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_guide_timings_agree_with_the_module_header(module):
    text = render_markdown(module.id)
    minutes = dict(re.findall(r"^\| \**(Teaching|Exercises|Total)\** \| \**(\d+)\** \|$", text, re.M))
    assert int(minutes["Teaching"]) == module.teaching_minutes
    assert int(minutes["Exercises"]) == module.exercise_minutes
    assert int(minutes["Total"]) == module.teaching_minutes + module.exercise_minutes


def test_answer_keys_come_from_the_exercises():
    text = render_markdown("04-types-standards-impact")
    assignment = content.get("assignment", "high-impact-or-not")
    for item in assignment.items:
        example = content.get("impact_example", item.example)
        assert example.practice in text
    assert "Lower impact" in text and "Higher impact" in text


def test_every_guide_names_its_notes_for_interpreters_and_common_questions():
    for module in MODULES:
        text = render_markdown(module.id)
        assert "## Common questions" in text and "## Materials" in text
        if module.instructor_notes:
            assert "interpreters" in text
