"""Mini Visits: district leaders meet each school's partnership team at the end of the school day.

The rules a district leader relies on are checked here, with plain messages: the school must be
known, a visit falls on a weekday inside the end-of-day window, a leader is never booked twice at
once, notes are not empty, a follow-up has an owner and a due date that is not already past.
Notes are append-only, so nothing written after a visit is ever overwritten.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, insert, select, update

from shine.i18n import N_, _
from shine.web.sheets import csv_text

from .errors import StoreInputError
from .schema import PlanVersion, Team
from .schema_visits import FollowUp, Visit, VisitNote, VisitResource
from .teams import TeamInfo
from .values import MAX_POST_CHARS, clean_text, now

END_OF_DAY = (time(14, 0), time(17, 30))  # school lets out; teams meet before evening commitments
MIN_MINUTES, MAX_MINUTES = 15, 120
STATUSES = ("scheduled", "held", "cancelled")


class VisitRuleError(StoreInputError):
    """A visit or follow-up breaks one of the tracker's rules; the message says which."""


@dataclass(frozen=True)
class FollowUpInfo:
    id: int
    visit_id: int
    task: str
    owner: str
    due_on: date
    done: bool


@dataclass(frozen=True)
class VisitInfo:
    id: int
    team_id: int
    district: str
    school: str
    leader: str
    starts_at: datetime
    minutes: int
    agenda: tuple[str, ...]
    status: str
    notes: tuple[str, ...] = ()
    followups: tuple[FollowUpInfo, ...] = ()
    resources: tuple[tuple[str, str | None], ...] = ()

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


@dataclass
class BoardRow:
    team_id: int
    district: str
    school: str
    last_visit: date | None = None
    next_visit: datetime | None = None
    visits_held: int = 0
    open_followups: int = 0
    overdue_followups: int = 0
    plan_version: int | None = None
    extra: dict = field(default_factory=dict)

    def days_since_visit(self, today: date) -> int | None:
        return (today - self.last_visit).days if self.last_visit else None


def _clock(t: time) -> str:
    return t.strftime("%H:%M")


class MiniVisits:
    """The tracker over a :class:`Store`; ``today`` and the end-of-day window can be set."""

    def __init__(self, store, *, window: tuple[time, time] = END_OF_DAY, today: date | None = None):
        self.store = store
        self.window = window
        self._today = today

    @property
    def today(self) -> date:
        return self._today or date.today()

    # --- schools ---

    def find_school(self, district: str, school: str) -> TeamInfo:
        district = (district or "").strip()
        school = (school or "").strip()
        teams = self.store.teams.all(district)
        for team in teams:
            if team.school.casefold() == school.casefold():
                return team
        if not teams:
            raise VisitRuleError(_("There is no district called {district!r} yet. Add its schools first.").format(
                district=district))
        close = difflib.get_close_matches(school, [t.school for t in teams], n=3, cutoff=0.5)
        hint = _(" Did you mean: {names}?").format(names=", ".join(close)) if close else ""
        raise VisitRuleError(_("{school!r} is not a school of {district}.").format(school=school, district=district) + hint)

    def add_schools(self, district: str, schools: list[str], level: str | None = None) -> list[TeamInfo]:
        return [self.store.teams.ensure(district, s, level) for s in schools if s.strip()]

    # --- visits ---

    def check_slot(self, starts_at: datetime, minutes: int) -> None:
        if not isinstance(minutes, int) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
            raise VisitRuleError(_("A Mini Visit lasts between {low} and {high} minutes.").format(
                low=MIN_MINUTES, high=MAX_MINUTES))
        if starts_at.weekday() >= 5:
            raise VisitRuleError(_("{day} is a weekend day; Mini Visits happen on school days.").format(
                day=starts_at.strftime("%A %d %B")))
        opens, closes = self.window
        ends = (starts_at + timedelta(minutes=minutes)).time()
        if starts_at.time() < opens or ends > closes or ends <= starts_at.time():
            raise VisitRuleError(_("Mini Visits are held at the end of the school day, between {opens} and {closes}; "
                                   "this one would run {start} to {end}.").format(
                opens=_clock(opens), closes=_clock(closes), start=_clock(starts_at.time()), end=_clock(ends)))

    def schedule(self, district: str, school: str, leader: str, starts_at: datetime, minutes: int = 60,
                 agenda: list[str] | tuple[str, ...] = ()) -> int:
        team = self.find_school(district, school)
        self.store.scope.refuse(team.district, team.school)
        leader = clean_text(leader, field=N_("The district leader"), max_chars=120)
        starts_at = starts_at.replace(second=0, microsecond=0, tzinfo=None)
        self.check_slot(starts_at, minutes)
        items = [clean_text(a, field=N_("An agenda item"), max_chars=300) for a in agenda if a and a.strip()]
        ends_at = starts_at + timedelta(minutes=minutes)
        with self.store.write() as conn:  # the overlap check and the insert in one transaction
            day = conn.execute(select(Visit.id, Visit.team_id, Visit.starts_at, Visit.minutes).where(
                func.lower(Visit.leader) == leader.lower(), Visit.status != "cancelled",
                Visit.starts_at >= starts_at - timedelta(minutes=MAX_MINUTES), Visit.starts_at < ends_at)).all()
            for other in day:
                if other.starts_at + timedelta(minutes=other.minutes) > starts_at:
                    school_name = conn.execute(select(Team.school).where(Team.id == other.team_id)).scalar_one()
                    raise VisitRuleError(_("{leader} is already booked with {school} from {start} to {end} that day.").format(
                        leader=leader, school=school_name, start=_clock(other.starts_at.time()),
                        end=_clock((other.starts_at + timedelta(minutes=other.minutes)).time())))
            return conn.execute(insert(Visit).values(
                team_id=team.id, leader=leader, starts_at=starts_at, minutes=minutes, agenda=items,
                status="scheduled", created_at=now()).returning(Visit.id)).scalar_one()

    def set_status(self, visit_id: int, status: str) -> None:
        if status not in STATUSES:
            raise VisitRuleError(_("A visit is scheduled, held or cancelled."))
        self._visit_exists(visit_id)
        with self.store.write() as conn:
            starts_at = conn.execute(select(Visit.starts_at).where(Visit.id == visit_id)).scalar()
            if starts_at is None:
                raise VisitRuleError(_("There is no visit number {id}.").format(id=visit_id))
            if status == "held" and starts_at.date() > self.today:
                raise VisitRuleError(_("This visit is on {day}; it can be marked held from that day on.").format(
                    day=starts_at.date().isoformat()))
            conn.execute(update(Visit).where(Visit.id == visit_id).values(status=status))

    def add_note(self, visit_id: int, text: str) -> None:
        body = clean_text(text, field=N_("The note"), max_chars=MAX_POST_CHARS * 5)
        self._visit_exists(visit_id)
        with self.store.write() as conn:
            conn.execute(insert(VisitNote).values(visit_id=visit_id, body=body, created_at=now()))

    def add_followup(self, visit_id: int, task: str, owner: str, due_on: date) -> int:
        task = clean_text(task, field=N_("The follow-up"), max_chars=MAX_POST_CHARS)
        owner = clean_text(owner, field=N_("The follow-up's owner"), max_chars=120)
        if not isinstance(due_on, date):
            raise VisitRuleError(_("A follow-up needs a due date."))
        if due_on < self.today:
            raise VisitRuleError(_("The due date {due} is already past; choose today or a later day.").format(
                due=due_on.isoformat()))
        self._visit_exists(visit_id)
        with self.store.write() as conn:
            return conn.execute(insert(FollowUp).values(visit_id=visit_id, task=task, owner=owner, due_on=due_on,
                                                        created_at=now()).returning(FollowUp.id)).scalar_one()

    def complete_followup(self, followup_id: int) -> None:
        with self.store.read() as conn:
            visit_id = conn.execute(select(FollowUp.visit_id).where(FollowUp.id == followup_id)).scalar()
        if visit_id is None:
            return
        self._visit_exists(visit_id)
        with self.store.write() as conn:
            conn.execute(update(FollowUp).where(FollowUp.id == followup_id, FollowUp.done_at.is_(None))
                         .values(done_at=now()))

    def add_resource(self, visit_id: int, title: str, link: str | None = None) -> None:
        title = clean_text(title, field=N_("The resource"), max_chars=300)
        link = clean_text(link, field=N_("The link"), max_chars=500, required=False)
        self._visit_exists(visit_id)
        with self.store.write() as conn:
            conn.execute(insert(VisitResource).values(visit_id=visit_id, title=title, link=link, created_at=now()))

    def _visit_exists(self, visit_id: int) -> None:
        """A visit this store's scope may write for (one it may not even read does not exist)."""
        scope = self.store.scope
        with self.store.read() as conn:
            row = conn.execute(select(Team.district, Team.school).join(Visit, Visit.team_id == Team.id)
                               .where(Visit.id == visit_id)).one_or_none()
        if row is None or not scope.sees(row.district, row.school):
            raise VisitRuleError(_("There is no visit number {id}.").format(id=visit_id))
        scope.refuse(row.district, row.school)

    def visits(self, district: str | None = None, *, team_id: int | None = None) -> list[VisitInfo]:
        query = (select(Visit.id, Visit.team_id, Team.district, Team.school, Visit.leader, Visit.starts_at,
                        Visit.minutes, Visit.agenda, Visit.status).join(Team, Team.id == Visit.team_id)
                 .order_by(Visit.starts_at))
        clause = self.store.scope.team_clause()
        if clause is not None:
            query = query.where(clause)
        if district:
            query = query.where(Team.district == district)
        if team_id is not None:
            query = query.where(Visit.team_id == team_id)
        with self.store.read() as conn:
            rows = conn.execute(query).all()
            ids = [r.id for r in rows]
            notes, follow, res = {}, {}, {}
            if ids:
                for n in conn.execute(select(VisitNote.visit_id, VisitNote.body).where(VisitNote.visit_id.in_(ids))
                                      .order_by(VisitNote.id)):
                    notes.setdefault(n.visit_id, []).append(n.body)
                for f in conn.execute(select(FollowUp).where(FollowUp.visit_id.in_(ids)).order_by(FollowUp.id)):
                    follow.setdefault(f.visit_id, []).append(
                        FollowUpInfo(f.id, f.visit_id, f.task, f.owner, f.due_on, f.done_at is not None))
                for r in conn.execute(select(VisitResource.visit_id, VisitResource.title, VisitResource.link)
                                      .where(VisitResource.visit_id.in_(ids)).order_by(VisitResource.id)):
                    res.setdefault(r.visit_id, []).append((r.title, r.link))
        return [VisitInfo(r.id, r.team_id, r.district, r.school, r.leader, r.starts_at, r.minutes, tuple(r.agenda or ()),
                          r.status, tuple(notes.get(r.id, ())), tuple(follow.get(r.id, ())), tuple(res.get(r.id, ())))
                for r in rows]

    # --- the district progress board ---

    def board(self, district: str | None = None) -> list[BoardRow]:
        """One row per school: last visit, next visit, open and overdue follow-ups, plan saved.
        A handful of aggregate queries, so a state view of 200 schools stays quick."""
        teams = select(Team.id, Team.district, Team.school).order_by(Team.district, Team.school)
        clause = self.store.scope.team_clause()  # rows are filled for these teams only
        if clause is not None:
            teams = teams.where(clause)
        if district:
            teams = teams.where(Team.district == district)
        with self.store.read() as conn:
            rows = {t.id: BoardRow(t.id, t.district, t.school) for t in conn.execute(teams)}
            held = (select(Visit.team_id, func.max(Visit.starts_at), func.count(Visit.id))
                    .where(Visit.status == "held").group_by(Visit.team_id))
            for team_id, last, count in conn.execute(held):
                if team_id in rows:
                    rows[team_id].last_visit = last.date() if last else None
                    rows[team_id].visits_held = count
            upcoming = (select(Visit.team_id, func.min(Visit.starts_at))
                        .where(Visit.status == "scheduled", Visit.starts_at >= datetime.combine(self.today, time(0)))
                        .group_by(Visit.team_id))
            for team_id, nxt in conn.execute(upcoming):
                if team_id in rows:
                    rows[team_id].next_visit = nxt
            open_f = (select(Visit.team_id, func.count(FollowUp.id),
                             func.sum(case((FollowUp.due_on < self.today, 1), else_=0)))
                      .join(Visit, Visit.id == FollowUp.visit_id).where(FollowUp.done_at.is_(None))
                      .group_by(Visit.team_id))
            for team_id, n_open, n_overdue in conn.execute(open_f):
                if team_id in rows:
                    rows[team_id].open_followups = n_open
                    rows[team_id].overdue_followups = int(n_overdue or 0)
            plans = select(PlanVersion.team_id, func.max(PlanVersion.version)).group_by(PlanVersion.team_id)
            for team_id, version in conn.execute(plans):
                if team_id in rows:
                    rows[team_id].plan_version = version
        return list(rows.values())

    def board_csv(self, district: str | None = None) -> str:
        rows = []
        for r in self.board(district):
            days = r.days_since_visit(self.today)
            rows.append([r.district, r.school, r.last_visit or "", "" if days is None else days,
                         r.next_visit.strftime("%Y-%m-%d %H:%M") if r.next_visit else "", r.visits_held,
                         r.open_followups, r.overdue_followups,
                         f"version {r.plan_version}" if r.plan_version else "no"])
        return csv_text(["district", "school", "last_visit", "days_since_visit", "next_visit", "visits_held",
                         "open_followups", "overdue_followups", "plan_saved"], rows)

