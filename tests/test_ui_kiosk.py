"""The kiosk, driven through its widgets as a participant would (set values, click buttons)."""

from __future__ import annotations

import pytest

from shine.room.session import open_workshop
from shine.room.widgets.kiosk import Kiosk
from shine.store import MAX_POST_CHARS, POST_KINDS, Store


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'shine.db'}") as s:
        yield s


@pytest.fixture
def workshop(store):
    return open_workshop(store)[0]


def joined(store, workshop, *, school="Cutler Middle School", district="Groton", clock=None) -> Kiosk:
    kiosk = Kiosk(store, workshop.id, clock=clock or Clock())
    kiosk.code.value = workshop.code.lower()
    kiosk.join_button.click()
    assert kiosk.screen == "team", kiosk.join_message.value
    known = [value for label, value in kiosk.team_choice.options if label.startswith(school)]
    if known:
        kiosk.team_choice.value = known[0]
    else:
        kiosk.team_choice.value = "new"
        kiosk.district.value, kiosk.school.value = district, school
    kiosk.team_button.click()
    assert kiosk.screen == "post", kiosk.team_message.value
    return kiosk


def post(kiosk: Kiosk, kind: str, body: str, tags=()) -> str:
    kiosk.kind.value = kind
    kiosk.body.value = body
    for tag in tags:
        kiosk.tag_buttons[tag].value = True
    kiosk.post_button.click()
    return kiosk.post_message.value


@pytest.mark.parametrize("code, says", [
    ("", "type the join code"),
    ("   ", "type the join code"),
    ("ZZZZZZ", "does not match this workshop"),
    ("' OR 1=1 --", "six letters and numbers"),
    ("<script>alert(1)</script>", "six letters and numbers"),
    ("X" * 10_000, "six letters and numbers"),
])
def test_a_wrong_join_code_gets_a_plain_message(store, workshop, code, says):
    kiosk = Kiosk(store, workshop.id)
    kiosk.code.value = code
    kiosk.join_button.click()
    assert kiosk.screen == "join"
    assert says in kiosk.join_message.value
    assert "<script>" not in kiosk.join_message.value


def test_a_code_for_another_workshop_is_refused(store, workshop):
    other = store.room.create_workshop("Another room")
    kiosk = Kiosk(store, workshop.id)
    kiosk.code.value = other.code
    kiosk.join_button.click()
    assert kiosk.screen == "join" and "does not match" in kiosk.join_message.value


def test_join_pick_a_new_school_then_an_existing_one(store, workshop):
    kiosk = Kiosk(store, workshop.id)
    kiosk.code.value = workshop.code
    kiosk.join_button.click()
    kiosk.team_button.click()  # nothing chosen yet
    assert "choose your school" in kiosk.team_message.value
    kiosk.team_choice.value = "new"
    assert kiosk.new_team.layout.display == "flex"
    kiosk.team_button.click()  # district and school left empty
    assert "empty" in kiosk.team_message.value and kiosk.screen == "team"
    kiosk.district.value, kiosk.school.value = "Groton", "Cutler Middle School"
    kiosk.team_button.click()
    assert kiosk.screen == "post" and "Cutler Middle School" in kiosk.heading.value
    second = joined(store, workshop)  # the school is in the list now
    assert second.team == kiosk.team
    assert [t.devices for t in store.room.teams_present(workshop.id)] == [2]


def test_posting_each_kind_with_tags_then_the_form_resets(store, workshop):
    kiosk = joined(store, workshop)
    tags = list(kiosk.tag_buttons)
    assert any(t.startswith("type:") for t in tags) and any(t.startswith("standard:") for t in tags)
    for i, kind in enumerate(POST_KINDS):
        message = post(kiosk, kind, f"{kind} number {i}", tags=[tags[i], tags[-1 - i]])
        assert "Posted!" in message
        assert kiosk.body.value == "" and kiosk.kind.value is None
        assert not any(b.value for b in kiosk.tag_buttons.values())
    saved = store.room.posts(workshop.id)
    assert [p.kind for p in reversed(saved)] == list(POST_KINDS)
    assert saved[-1].tags == (tags[0], tags[-1]) and saved[-1].school == "Cutler Middle School"


def test_a_post_needs_a_kind(store, workshop):
    kiosk = joined(store, workshop)
    kiosk.body.value = "kept"
    kiosk.post_button.click()
    assert "Choose what you are posting" in kiosk.post_message.value and kiosk.body.value == "kept"
    assert store.room.count_posts(workshop.id) == 0


@pytest.mark.parametrize("body", [
    "Nos reunimos con 12 familias 🎉👨‍👩‍👧",
    "اجتماع الأسر يوم الخميس",
    "<script>window.__pwned = 1</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(document.cookie)",
    "Robert'); DROP TABLE posts;--",
])
def test_any_text_is_saved_exactly_and_shown_as_text(store, workshop, body):
    first = joined(store, workshop)
    post(first, "practice", "kept from before")
    kiosk = joined(store, workshop, school="Moody School", district="Middletown")
    assert "Posted!" in post(kiosk, "practice", body)
    assert [p.body for p in store.room.posts(workshop.id)] == [body, "kept from before"]
    first.refresh_others()
    shown = first.other_rows[0][1].value
    assert "<script>" not in shown and "<img" not in shown and "&lt;" in shown or "<" not in body


@pytest.mark.parametrize("body, says", [
    ("", "empty"),
    ("  \n\t ", "empty"),
    ("x" * 10_000, f"10000 characters long; the limit is {MAX_POST_CHARS}"),
])
def test_bad_posts_get_a_message_and_keep_the_text_and_earlier_posts(store, workshop, body, says):
    kiosk = joined(store, workshop)
    post(kiosk, "milestone", "kept")
    message = post(kiosk, "challenge", body)
    assert says in message
    assert kiosk.body.value == body and kiosk.kind.value == "challenge"
    assert [p.body for p in store.room.posts(workshop.id)] == ["kept"]


def test_closed_posting_keeps_the_text_until_it_opens(store, workshop):
    store.room.record_event(workshop.id, "start", "rm-break")
    store.room.record_event(workshop.id, "close", "rm-break")
    kiosk = joined(store, workshop)
    assert "paused" in post(kiosk, "question", "Where is the coffee?")
    assert kiosk.body.value == "Where is the coffee?" and store.room.count_posts(workshop.id) == 0
    store.room.record_event(workshop.id, "open", "rm-break")
    kiosk.post_button.click()
    assert "Posted!" in kiosk.post_message.value
    assert store.room.posts(workshop.id)[0].segment_id == "rm-break"


def test_me_too_counts_once_and_never_on_my_own_post(store, workshop):
    author = joined(store, workshop)
    post(author, "challenge", "Few fathers come to conferences")
    author.refresh_others()
    assert author.other_rows[0][0].layout.display == "none"  # my own post is not offered
    other = joined(store, workshop, school="Moody School", district="Middletown")
    row, text, button = other.other_rows[0]
    assert "Few fathers" in text.value and button.description == "Me too (0)"
    button.click()
    assert button.description == "Me too (1)" and button.disabled and "counted" in other.vote_message.value
    button.disabled = False
    button.click()  # a second tap
    assert "already" in other.vote_message.value
    assert store.room.posts(workshop.id)[0].votes == 1


def test_an_idle_kiosk_returns_to_the_start_for_the_next_person(store, workshop):
    clock = Clock()
    kiosk = joined(store, workshop, clock=clock)
    kiosk.kind.value, kiosk.body.value = "milestone", "half typed"
    clock.now += kiosk.idle_seconds - 1
    assert kiosk.check_idle() is False and kiosk.screen == "post"
    clock.now += 2
    assert kiosk.check_idle() is True
    assert kiosk.screen == "team" and kiosk.team is None and "Welcome" in kiosk.team_message.value
    assert kiosk.body.value == "" and kiosk.kind.value is None
    assert store.room.count_posts(workshop.id) == 0
    clock.now += 10 * kiosk.idle_seconds
    assert kiosk.check_idle() is False  # already at the start


def test_the_kiosk_builds_its_later_screens_only_when_needed(store, workshop):
    kiosk = Kiosk(store, workshop.id)
    assert kiosk._team_screen is None and kiosk._post_screen is None
    # its style, the language switch and the join screen: a small first page
    assert kiosk.children == (kiosk.style, kiosk.language_button, kiosk.join_screen)


def test_the_first_screen_sends_few_models_to_the_phone(store, workshop):
    """Every model (widget, layout, style) is fetched and built by the phone before the form shows."""
    from conftest import widget_tree

    kiosk = Kiosk(store, workshop.id)
    assert len(widget_tree(kiosk)) <= 13  # with the language switch, which shares the Join button's style
    kiosk.code.value = workshop.code
    kiosk.join_button.click()
    assert kiosk.screen == "team"  # sharing a layout changed nothing a person sees or does


def test_the_kiosk_page_draws_its_stylesheet_as_part_of_the_page(store, workshop, monkeypatch):
    """The page shows the stylesheet at once; the kiosk itself then carries only its screens."""
    import IPython.display

    from shine.room.widgets.kiosk import CSS, kiosk_page

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **_kw: shown.extend(objs))
    kiosk = kiosk_page(store=store, workshop_id=workshop.id)
    assert [o.data for o in shown] == [CSS]
    assert kiosk.children == (kiosk.language_button, kiosk.join_screen) and kiosk.screen == "join"
    kiosk.code.value = workshop.code
    kiosk.join_button.click()
    assert kiosk.screen == "team" and kiosk.children[:-1] == (kiosk.language_button,)


def test_messages_are_announced_and_posted_hands_the_focus_back_to_the_form(store, workshop):
    """Each message widget is a live region of its own (its element stays, its text changes), the
    same problem twice is said twice, and "Posted!" takes the focus, then gives it to the text box."""
    from shine.web.announce import FOCUS, LIVE

    kiosk = joined(store, workshop)
    for message in (kiosk.join_message, kiosk.team_message, kiosk.post_message, kiosk.vote_message):
        assert LIVE in message._dom_classes
    sent = []
    kiosk.post_message.observe(lambda change: sent.append(change["new"]), names="value")
    kiosk.post_button.click()
    kiosk.post_button.click()  # the same problem again: emptied first, so it is announced again
    assert [bool(v) for v in sent] == [True, False, True] and "Choose what" in sent[-1]
    assert FOCUS not in sent[-1]  # a problem leaves the focus on the button, to try again

    said = post(kiosk, "milestone", "We met 12 families")
    assert f'class="{FOCUS}"' in said and 'data-shine-return="shine-kiosk-body"' in said
    assert "shine-kiosk-body" in kiosk.body._dom_classes  # where the focus goes back to
    assert 'role="status"' not in said  # the widget is the region; none is inserted with the text

    other = joined(store, workshop, school="مدرسة النور", district="Groton")
    shown = other.other_rows[0][1].value
    assert '<div dir="auto">We met 12 families</div>' in shown and "<bdi>Cutler Middle School</bdi>" in shown
