"""Module 1: the seven principle cards and the team's strength-and-growth choice."""

from __future__ import annotations

import html
import re

from shine import content
from shine.lessons.principles.principle_cards import PrincipleCards


def test_choosing_a_strength_and_a_growth_area():
    cards = PrincipleCards()
    assert "Choose a principle in each menu" in cards.result.value
    first, second = sorted(content.items("principle"), key=lambda p: p.number)[:2]
    cards.strong.value = first.id
    cards.grow.value = second.id
    text = html.unescape(re.sub(r"<[^>]+>", "", cards.result.value))
    assert f"Already a strength: {first.name}" in text
    assert f"Ready to grow: {second.name}" in text


def test_the_same_principle_twice_gets_a_gentle_nudge():
    cards = PrincipleCards()
    pid = content.items("principle")[0].id
    cards.strong.value = cards.grow.value = pid
    assert "same principle twice" in cards.result.value
    cards.strong.value = ""
    assert "Ready to grow" in cards.result.value and "Already a strength" not in cards.result.value
