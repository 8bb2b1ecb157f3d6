"""Scoped data on the hub: a Groton participant asking for Windsor's plan gets nothing, through the
store's API, through her own database connection (row-level security) and through the CLI; a
district leader gets her district's plans and Mini Visits; the state reads every district.

One PostgreSQL database for the whole module, scoped by ``shine.hub.dbroles.sync_db`` from a
roster; each person connects as their own role, as their server on the hub does."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta

import pytest

from shine.hub.dbroles import person_url, sync_db
from shine.hub.roster import Roster
from shine.hub.settings import HubSettings
from shine.store import MiniVisits, Scope, ScopeError, Store

YEAR = "2026-2027"
TAG = uuid.uuid4().hex[:6]  # roles belong to the whole server: names of this run only
ANA, DEE, SAM, MARIA, BEN = (f"{n}_{TAG}" for n in ("ana", "dee", "sam", "maria", "ben"))


def plan_data(district: str, school: str, kind: str = "parenting") -> dict:
    return {"district": district, "school": school, "school_year": YEAR, "goals": [
        {"id": "g1", "kind": kind, "activities": [
            {"id": "a1", "what": f"{school} family nights", "type": kind, "standard": "welcoming-all-families"}]}]}


def next_weekday(days: int, hour: int) -> datetime:
    day = date.today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, datetime.min.time()).replace(hour=hour)


@pytest.fixture(scope="module")
def hub_store(postgres_server, tmp_path_factory):
    """A scoped store: two districts, a plan and a Mini Visit for each of three schools."""
    import psycopg

    dbname = f"scope_{TAG}"
    with psycopg.connect(postgres_server.conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    owner_url = postgres_server.url(dbname)
    settings = HubSettings.from_env({"SHINE_DB_URL": owner_url,
                                     "SHINE_HUB_STATE_DIR": str(tmp_path_factory.mktemp("state"))})
    roster = Roster.from_data({
        "trainers": [MARIA], "state": [SAM],
        "districts": {"Groton": [ANA, DEE], "Windsor": [BEN]},
        "schools": {"Groton": {"Fitch High School": [ANA]}, "Windsor": {"Windsor High School": [BEN]}}})
    teams = {}
    with Store(owner_url, scope=Scope.everyone()) as owner:
        visits = MiniVisits(owner)
        for hour, (district, school) in enumerate((("Groton", "Fitch High School"), ("Groton", "Cutler Middle School"),
                                                   ("Windsor", "Windsor High School")), start=14):
            team = owner.teams.ensure(district, school)
            teams[school] = team.id
            if school != "Cutler Middle School":  # Cutler has no plan yet
                owner.plans.save(team.id, YEAR, plan_data(district, school))
            owner.answers.record("nnps-self-assessment", "q1", 3, f"kiosk-{team.id}", team_id=team.id)
            visits.schedule(district, school, "Dee Leader" if district == "Groton" else "Bo Leader",
                            next_weekday(7, hour), 45)
    report = sync_db(settings, roster)
    assert report.secured and set(report.roles) == {ANA, DEE, SAM, MARIA, BEN}
    again = sync_db(settings, roster)  # idempotent: the hub runs it at every start
    assert again.roles == report.roles and not again.disabled
    yield settings, teams, owner_url
    with psycopg.connect(postgres_server.conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')


def person_store(settings, name: str) -> Store:
    os_env = {"JUPYTERHUB_USER": name}
    store = Store(person_url(settings, name), scope=Scope.everyone())  # opened as her own role...
    store.scope = Scope.from_env(store, os_env)  # ...and scoped the way Store() is on her server
    return store


def test_a_groton_participant_gets_nothing_of_windsor_through_the_store(hub_store):
    settings, teams, _url = hub_store
    windsor, fitch, cutler = teams["Windsor High School"], teams["Fitch High School"], teams["Cutler Middle School"]
    with person_store(settings, ANA) as ana:
        assert ana.scope.teams == {("Groton", "Fitch High School")} and not ana.scope.reads_all
        assert [t.school for t in ana.teams.all()] == ["Fitch High School"]
        assert ana.plans.latest(windsor, YEAR) is None and ana.plans.latest(cutler, YEAR) is None
        assert ana.plans.get(windsor, YEAR, 1) is None and ana.plans.history(windsor, YEAR) == []
        assert ana.plans.versions(windsor, YEAR) == []
        assert ana.plans.latest(fitch, YEAR)[1]["school"] == "Fitch High School"  # her own team's plan
        assert ana.answers.latest("nnps-self-assessment", team_id=windsor) == {}
        assert list(ana.answers.latest("nnps-self-assessment")) == [f"kiosk-{fitch}"]
        visits = MiniVisits(ana)
        assert [v.school for v in visits.visits()] == ["Fitch High School"]
        assert [r.school for r in visits.board()] == ["Fitch High School"]
        with pytest.raises(ScopeError, match="not theirs"):
            ana.plans.save(windsor, YEAR, {"school": "overwritten"})
        with pytest.raises(ScopeError, match="not theirs"):
            ana.teams.ensure("Windsor", "Windsor High School")
        assert ana.plans.save(fitch, YEAR, plan_data("Groton", "Fitch High School", "communicating")) == 2
    # Without the store's scope (JUPYTERHUB_USER unset in her kernel), her role still sees only her team.
    with Store(person_url(settings, ANA), scope=Scope.everyone()) as bare:
        assert bare.plans.latest(windsor, YEAR) is None and [t.school for t in bare.teams.all()] == [
            "Fitch High School"]
        with pytest.raises(Exception, match="row-level security"):
            bare.plans.save(windsor, YEAR, {"school": "overwritten"})


def test_her_own_connection_returns_no_windsor_row_in_raw_sql(hub_store, postgres_server):
    import psycopg

    settings, teams, owner_url = hub_store
    dbname = owner_url.rsplit("/", 1)[1]
    with psycopg.connect(f"{postgres_server.conninfo(dbname).replace('user=postgres', 'user=' + ANA)}") as conn:
        for table in ("teams", "plan_versions", "assessment_responses", "visits"):
            column = "id" if table == "teams" else "team_id"
            rows = conn.execute(f"SELECT DISTINCT {column} FROM {table}").fetchall()
            assert rows == [(teams["Fitch High School"],)], table
        assert {r[0] for r in conn.execute("SELECT username FROM memberships")} == {ANA, "*"}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO memberships (username, kind, district, school) "
                         "VALUES (%s, 'trainer', '', '')", (ANA,))
    with psycopg.connect(f"{postgres_server.conninfo(dbname).replace('user=postgres', 'user=' + ANA)}") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a room's facilitator key is not hers to set
            conn.execute("UPDATE workshops SET key_hash = 'x'")
    with psycopg.connect(f"{postgres_server.conninfo(dbname).replace('user=postgres', 'user=' + ANA)}") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # Windsor's plan: row-level security
            conn.execute("INSERT INTO plan_versions (team_id, school_year, version, data, created_at) "
                         "VALUES (%s, %s, 99, '{}', now())", (teams["Windsor High School"], YEAR))


def test_the_cli_on_her_server_finds_no_windsor_plan(hub_store, tmp_path):
    settings, teams, _url = hub_store
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHINE_", "JUPYTERHUB_"))}
    env.update(SHINE_DB_URL=person_url(settings, ANA), JUPYTERHUB_USER=ANA, SHINE_HOME=str(tmp_path))
    out = tmp_path / "plan.json"
    run = subprocess.run([sys.executable, "-m", "shine", "plan", "export", "--team", str(teams["Windsor High School"]),
                          "--year", YEAR, "--out", str(out)], env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode != 0 and "No team matches" in run.stderr and not out.exists(), run.stdout + run.stderr
    assert "Windsor" not in run.stderr  # not even the name of another district's school


def test_a_district_leader_sees_her_district_and_the_state_every_district(hub_store):
    settings, teams, _url = hub_store
    with person_store(settings, DEE) as dee:
        assert dee.scope.districts == {"Groton"}
        assert {t.school for t in dee.teams.all()} == {"Fitch High School", "Cutler Middle School"}
        assert dee.plans.latest(teams["Fitch High School"], YEAR) is not None
        assert dee.plans.latest(teams["Cutler Middle School"], YEAR) is None  # none saved
        assert dee.plans.latest(teams["Windsor High School"], YEAR) is None
        assert {v.school for v in MiniVisits(dee).visits()} == {"Fitch High School", "Cutler Middle School"}
        assert MiniVisits(dee).visits("Windsor") == []
    with person_store(settings, SAM) as sam:
        assert sam.scope.reads_all and not sam.scope.writes_all
        assert {r.district for r in MiniVisits(sam).board()} == {"Groton", "Windsor"}
        assert sam.plans.latest(teams["Windsor High School"], YEAR) is not None
        with pytest.raises(ScopeError):
            sam.plans.save(teams["Windsor High School"], YEAR, {"school": "state edit"})
    with person_store(settings, MARIA) as maria:  # trainers run the rooms: every district
        assert len(maria.teams.all()) == 3 and maria.scope.is_everyone


def test_without_a_hub_the_store_is_everyones(tmp_path):
    url = f"sqlite:///{tmp_path / 'shine.db'}"
    with Store(url) as laptop:
        assert laptop.scope.is_everyone
        laptop.teams.ensure("Windsor", "Windsor High School")
    # A hub user's server on a store the hub never scoped: as before.
    with Store(url) as s:
        assert Scope.from_env(s, {"JUPYTERHUB_USER": "ana"}).is_everyone


def test_the_mini_visit_tracker_on_her_server_shows_her_district_only(hub_store, monkeypatch):
    from shine.kit.widgets import MiniVisitTracker

    settings, _teams, _url = hub_store
    monkeypatch.setenv("SHINE_DB_URL", person_url(settings, DEE))
    monkeypatch.setenv("JUPYTERHUB_USER", DEE)
    monkeypatch.delenv("JUPYTERHUB_SERVICE_NAME", raising=False)
    tracker = MiniVisitTracker()  # opens Store() the way the page does: the scope comes with it
    try:
        assert list(tracker.district.options) == ["Groton"]
        assert [r.school for r in tracker.visits.board("Windsor")] == []
        assert {r.school for r in tracker.visits.board("Groton")} == {"Fitch High School", "Cutler Middle School"}
    finally:
        tracker.store.close()


def test_the_state_view_rolls_up_every_district_for_the_state_and_one_for_a_leader(hub_store):
    from shine.kit.state_view import StateView

    settings, _teams, _url = hub_store
    with person_store(settings, SAM) as sam:
        view = StateView(sam)
        view.year.value = YEAR
        view.refresh.click()
        groton, windsor = view.rows
        assert (groton.district, groton.schools, groton.with_plan) == ("Groton", 2, 1)
        assert len(groton.types) == 1 and groton.standards == {"welcoming-all-families"}  # its plan, or Ana's newer one
        assert (windsor.district, windsor.schools, windsor.with_plan, windsor.types) == ("Windsor", 1, 1, {"parenting"})
        assert "Windsor" in view.table.value and 'alt="' in view.chart.value and "<table" in view.chart.value
        assert "download=" in view.export_link.value
        csv = rollup_csv_of(view)
        assert csv.splitlines()[1].startswith("Groton,2,1,") and "welcoming-all-families" in csv.splitlines()[1]
    with person_store(settings, DEE) as dee:
        view = StateView(dee)
        view.year.value = YEAR
        view.refresh.click()
        assert [r.district for r in view.rows] == ["Groton"] and "Windsor" not in view.table.value


def rollup_csv_of(view) -> str:
    import base64

    return base64.b64decode(view.export_link.value.split("base64,")[1].split('"')[0]).decode("utf-8")
