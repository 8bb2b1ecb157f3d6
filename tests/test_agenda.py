"""Run-of-show agendas: the arithmetic a trainer relies on when the room is waiting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shine import content
from shine.cli import main as shine_main
from shine.kit import agenda as ag

TEMPLATES = [t.id for t in content.items("agenda")]


def assert_contiguous(plan: ag.Agenda) -> None:
    for before, after in zip(plan.slots, plan.slots[1:]):
        assert before.end == after.start, (before.title, after.title)  # no gap, no overlap
    assert plan.end - plan.start == timedelta(minutes=plan.total_minutes)


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_templates_fill_their_slot_exactly(template_id):
    plan = ag.build(template_id, start="15:00")
    template = content.get("agenda", template_id)
    assert plan.total_minutes == template.total_minutes and plan.fits and not plan.problems
    assert_contiguous(plan)
    assert plan.start.strftime("%H:%M") == "15:00"


def test_chosen_modules_take_the_learning_segment_in_order():
    modules = ["01-definition", "05-plays"]
    plan = ag.build("regional-meeting", modules, start="09:00", available_minutes=600)
    placed = [s.module_id for s in plan.slots if s.kind == "module"]
    assert placed == modules
    expected = sum(content.get("module", m).teaching_minutes + content.get("module", m).exercise_minutes
                   for m in modules)
    learning = next(s for s in content.get("agenda", "regional-meeting").segments if s.kind == "module")
    template_total = content.get("agenda", "regional-meeting").total_minutes
    assert plan.total_minutes == template_total - learning.minutes + expected
    assert any(s.kind == "kiosk" for s in plan.slots)
    assert_contiguous(plan)


def test_an_agenda_that_does_not_fit_says_by_how_much():
    plan = ag.build("regional-meeting", [m.id for m in content.items("module")], available_minutes=180)
    assert not plan.fits
    over = plan.total_minutes - 180
    assert f"runs {over} minutes over the 180 available" in plan.problems[0]


def test_a_template_without_a_learning_segment_says_so():
    plan = ag.build("mini-visit", ["01-definition"])
    assert plan.problems and "no learning segment" in plan.problems[0]


@pytest.mark.parametrize("kwargs, message", [
    (dict(template_id="picnic"), "no agenda template"),
    (dict(template_id="regional-meeting", modules=["99-nothing"]), "no module"),
    (dict(template_id="regional-meeting", start="3pm"), "not a time of day"),
    (dict(template_id="regional-meeting", available_minutes=0), "more than 0"),
])
def test_bad_requests_get_plain_messages(kwargs, message):
    with pytest.raises(ag.AgendaError, match=message):
        ag.build(**kwargs)


def test_renderings_escape_and_agree(tmp_path):
    plan = ag.build("mini-visit", start="14:45")
    text, md, html = ag.as_text(plan), ag.as_markdown(plan), ag.as_html(plan)
    for slot in plan.slots:
        assert slot.title in text and slot.title in md
    assert "14:45" in text and "15:45" in text
    assert "<script" not in html and html.count("<tr>") == len(plan.slots)


def test_the_cli_exit_code_tells_whether_it_fits(tmp_path, capsys):
    assert shine_main(["agenda", "--template", "mini-visit", "--start", "14:45"]) == 0
    assert "Total: 60 of 60 minutes" in capsys.readouterr().out
    assert shine_main(["agenda", "--modules", "01-definition,04-types-standards-impact", "--minutes", "120"]) == 1
    out = tmp_path / "agenda.html"
    assert shine_main(["agenda", "--format", "html", "--out", str(out)]) == 0 and "<table>" in out.read_text()
    assert shine_main(["agenda", "--start", "noon"]) == 2
