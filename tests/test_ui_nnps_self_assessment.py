"""Module 4's NNPS-style self-assessment: ratings saved per school team, compared across members,
and still there after the kernel restarts."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import text_of

from shine import content
from shine.lessons.impact.nnps_self_assessment import SelfAssessment, my_chart, team_view
from shine.lessons.impact.team_picker import KERNEL_CLIENT_ID
from shine.store import Store
from shine.web import charts


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'shine.db'}")
    yield s
    s.close()


def join(sa: SelfAssessment, district="Windsor", school="Main Street School", label="") -> None:
    sa.picker.district.value = district
    sa.picker.school.value = school
    sa.picker.label.value = label
    sa.picker.join_button.click()


def rate_all(sa: SelfAssessment, value_of) -> None:
    for item in content.load().self_assessment.items:
        sa.inputs[item.id].value = value_of(item)


def test_items_are_grouped_by_the_six_types(store):
    sa = SelfAssessment(store)
    types = sorted(content.items("type"), key=lambda t: t.number)
    assert len(sa.tabs.children) == 6
    for tab, t in zip(sa.tabs.children, types):
        assert t.name in tab.children[0].value


def test_saving_needs_a_team_and_loses_nothing(store):
    sa = SelfAssessment(store)
    first = content.load().self_assessment.items[0].id
    sa.inputs[first].value = 4
    sa.save.click()
    assert "Join your school team" in text_of(sa.message)
    assert sa.inputs[first].value == 4
    assert store.answers.latest("nnps-self-assessment") == {}


def test_joining_refuses_empty_or_too_long_names_in_plain_words(store):
    sa = SelfAssessment(store)
    join(sa, district="   ", school="")
    assert "type your district and your school" in text_of(sa.picker.status)
    join(sa, school="x" * 10_000)
    assert "too long" in text_of(sa.picker.status)
    join(sa, label="seat " * 40)
    assert "seat label" in text_of(sa.picker.status)
    assert sa.picker.team is None and store.teams.all() == []


def test_saving_and_the_team_view(store):
    me = SelfAssessment(store)
    join(me, label="Table 2, seat 1")
    rate_all(me, lambda item: 5 if item.type == "communicating" else 2)
    assert me.save_ratings() == len(me.inputs)
    assert "Saved 18 ratings for Main Street School" in text_of(me.message)
    assert me.save_ratings() == 0, "nothing changed, nothing written twice"

    colleague = SelfAssessment(store)
    join(colleague, district=" windsor", school="main street  school")  # same team, other spelling
    assert colleague.picker.team.id == me.picker.team.id
    rate_all(colleague, lambda item: 5 if item.type == "communicating" else 4)
    colleague.save.click()

    me.compare.click()
    summary = text_of(me.summary)
    assert "2 members of Main Street School have saved ratings" in summary
    assert "2. Communicating" in summary.split("Where to grow")[0], "a strength for both"
    assert "members see them quite differently" in summary and "1. Parenting" in summary.split("differently")[1]
    assert 'alt="Chart, Main Street School: how the team sees it, for 2 team members' in me.chart.value


def test_changing_one_rating_saves_only_that_one_and_the_latest_counts(store):
    sa = SelfAssessment(store)
    join(sa, label="seat 9")
    first = content.load().self_assessment.items[0].id
    sa.inputs[first].value = 2
    sa.save.click()
    sa.inputs[first].value = 5
    assert sa.save_ratings() == 1
    assert store.answers.latest("nnps-self-assessment", team_id=sa.picker.team.id)[sa.picker.client_id] == {
        first: 5}


def test_my_chart_marks_strengths_and_gaps_in_words():
    answers = {i.id: (5 if i.type == "decision-making" else 1) for i in content.load().self_assessment.items}
    fig = my_chart(answers)
    alt = charts.alt_text(fig)
    assert "5. Decision making: 5 strength" in alt and "1. Parenting: 1 needs work" in alt
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert {p.get_hatch() for p in ax.patches} == {None, "//"}, "gaps are hatched, strengths solid"


def test_team_view_labels_me_first_and_others_without_names():
    view = team_view({"kernel-b": {"sa-1-workshops": 3}, "kernel-a": {"sa-1-workshops": 5}}, me="kernel-b")
    assert [label for label, _m in view.members] == ["You", "Member 1"]
    view = team_view({"kernel-b": {"sa-1-workshops": 3}, "kernel-a": {"sa-1-workshops": 5}}, me=None)
    assert [label for label, _m in view.members] == ["Member 1", "Member 2"]
    assert view.differ == ["parenting"]


RESTARTED_KERNEL = textwrap.dedent("""
    import json, sys
    from shine.store import Store
    from shine.lessons.impact.nnps_self_assessment import SelfAssessment
    sa = SelfAssessment(Store(sys.argv[1]))
    sa.picker.district.value, sa.picker.school.value, sa.picker.label.value = "Groton", "Harbor School", sys.argv[2]
    sa.picker.join_button.click()
    sa.compare.click()
    print(json.dumps({"mine": {k: v for k, v in sa.answers.items() if v}, "message": sa.message.value,
                      "summary": sa.summary.value}))
""")


def test_saved_ratings_survive_a_kernel_restart(tmp_path):
    """Save in this process, then read back in a brand-new Python process, as after a restart."""
    url = f"sqlite:///{tmp_path / 'shine.db'}"
    with Store(url) as store:
        sa = SelfAssessment(store)
        join(sa, district="Groton", school="Harbor School", label="Table 4")
        rate_all(sa, lambda item: 3)
        sa.save.click()
        saved = {k: v for k, v in sa.answers.items() if v}
    env = dict(os.environ, SHINE_HOME=str(tmp_path / "home"))

    def restarted(label: str) -> dict:
        out = subprocess.run([sys.executable, "-c", RESTARTED_KERNEL, url, label], capture_output=True, text=True,
                             env=env, timeout=120)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.strip().splitlines()[-1])

    same_seat = restarted("table 4")
    assert same_seat["mine"] == saved, "the same seat label brings the same answers back"
    assert "Welcome back" in same_seat["message"]
    assert "1 member of Harbor School has saved ratings" in html.unescape(same_seat["summary"])
    new_seat = restarted("")
    assert new_seat["mine"] == {}, "without the label the form starts empty ..."
    assert "1 member of Harbor School" in html.unescape(new_seat["summary"]), "... and the team still sees them"


def test_no_label_means_one_random_id_per_kernel(store):
    sa = SelfAssessment(store)
    join(sa)
    assert sa.picker.client_id == KERNEL_CLIENT_ID and KERNEL_CLIENT_ID.startswith("kernel-")
    labelled = SelfAssessment(store)
    join(labelled, label="Jane Doe")
    assert "jane" not in labelled.picker.client_id.lower(), "a label is hashed, never stored as typed"


@pytest.mark.postgres
def test_the_team_view_on_postgresql(postgres_url):
    with Store(postgres_url) as store:
        a, b = SelfAssessment(store), SelfAssessment(store)
        join(a, label="a")
        join(b, label="b")
        rate_all(a, lambda item: 1)
        rate_all(b, lambda item: 5)
        a.save.click()
        b.save.click()
        b.compare.click()
        assert "2 members of Main Street School" in text_of(b.summary)
        assert "members see them quite differently" in text_of(b.summary)
