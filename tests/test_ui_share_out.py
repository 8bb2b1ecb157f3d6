"""Module 7: preparing the team's share-out (milestone, challenge, practice) for the regional meeting."""

from __future__ import annotations

from conftest import text_of

from shine.lessons.evaluate.share_out import ShareOut
from shine.store import MAX_POST_CHARS


def test_the_card_shows_what_the_team_wrote():
    s = ShareOut()
    s.team.value = "Harbor School team"
    s.parts["milestone"].value = "Our first family math night in two languages."
    s.parts["practice"].value = "Student-led tours for new families."
    assert s.show_card()
    card = text_of(s.card)
    assert "Harbor School team" in card and "A milestone we are proud of" in card
    assert "A challenge we would like help with" not in card, "an empty part is left out"
    assert "Ready: post it from the kiosk" in card
    assert "0 of 2000 characters" in text_of(s.counters["challenge"])


def test_where_it_is_used_comes_from_the_meeting_agenda():
    text = text_of(ShareOut().children[0])
    assert "Our Time to Shine regional meeting" in text and "Post milestones and challenges" in text


def test_empty_or_too_long_is_refused_without_losing_the_words():
    s = ShareOut()
    assert not s.show_card()
    assert "Write at least one of the three parts" in text_of(s.card)
    long = "word " * 1000
    s.parts["challenge"].value = long
    assert not s.show_card()
    assert f"the wall takes at most {MAX_POST_CHARS}" in text_of(s.card)
    assert s.parts["challenge"].value == long


def test_long_text_and_contact_details_get_a_second_look():
    s = ShareOut()
    s.parts["milestone"].value = "A " + "very " * 100 + "long milestone."
    s.parts["challenge"].value = "Call Ms. Diaz at (860) 555-0123 or mdiaz@school.org"
    assert s.show_card()
    text = text_of(s.card)
    assert "long for a card" in text and "e-mail address or a phone number" in text


def test_markup_emoji_and_right_to_left_text_show_as_written():
    s = ShareOut()
    s.team.value = "<script>alert(1)</script>"
    s.parts["practice"].value = "مقهى العائلات 🙂 <b>every</b> month"
    assert s.show_card()
    assert "<script>" not in s.card.value and "<b>every" not in s.card.value
    assert "مقهى العائلات 🙂" in s.card.value and "<bdi" in s.card.value
