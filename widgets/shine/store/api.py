"""The store's public API: everything the widgets, dashboards and CLI save or read.

Every method opens a short transaction and closes it, so a kernel never holds a lock while a
person is typing. Values passed in are checked here (kinds, lengths, empty text) and refused
with a plain-language :class:`StoreInputError`; statements are always parameterised.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterator

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from ..i18n import N_, _
from . import engine as eng
from .engine import StoreInputError
from .schema import (AssessmentResponse, Attendance, Moderation, Participant, PlanVersion, Post, Team, Vote,
                     Workshop, WorkshopEvent)

POST_KINDS = ("milestone", "challenge", "practice", "question")
TEAM_LEVELS = ("elementary", "middle", "high", "k-8", "k-12", "other")
MAX_POST_CHARS = 2000
MAX_NAME_CHARS = 200
MAX_TAGS = 12
# Built once: the hot path of a busy workshop, so SQLAlchemy's compiled cache serves every post.
_INSERT_POST = insert(Post.__table__).returning(Post.__table__.c.id)
_POST_KEYS = ("workshop_id", "team_id", "client_id", "kind", "body", "tags", "segment_id", "created_at")
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a room
SEGMENT_ACTIONS = ("start", "open", "close")
_KEY_ITERATIONS = 200_000


def new_facilitator_key() -> str:
    """A key a trainer can type: four groups of four from the join-code alphabet (80 bits)."""
    chars = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def _normal_key(key: str) -> str:
    return "".join(ch for ch in (key or "").upper() if ch.isalnum())


def hash_key(key: str) -> str:
    """What the workshops table keeps instead of the key itself."""
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", _normal_key(key).encode(), salt.encode(), _KEY_ITERATIONS).hex()
    return f"pbkdf2_sha256${_KEY_ITERATIONS}${salt}${digest}"


def key_matches(key: str, key_hash: str | None) -> bool:
    try:
        scheme, iterations, salt, digest = (key_hash or "").split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256" or not _normal_key(key):
        return False
    mine = hashlib.pbkdf2_hmac("sha256", _normal_key(key).encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(mine, digest)


def _is_damage(exc: DatabaseError) -> bool:
    """sqlite's words for a file it cannot read (as opposed to a constraint or a lock)."""
    words = str(exc.orig if getattr(exc, "orig", None) else exc)
    return any(w in words for w in ("malformed", "not a database", "disk image", "file is encrypted"))


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def clean_text(value: Any, *, field: str, max_chars: int, required: bool = True) -> str | None:
    """Text as it will be stored: stripped, NUL characters removed (PostgreSQL refuses them).

    ``field`` is the untranslated label (marked with ``N_``); it is translated only for an error."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise StoreInputError(_("{field} must be text.").format(field=_(field)))
    text = value.replace("\x00", "").strip()
    if not text:
        if required:
            raise StoreInputError(_("{field} is empty; please write something.").format(field=_(field)))
        return None
    if len(text) > max_chars:
        raise StoreInputError(
            _("{field} is {n} characters long; the limit is {limit}. Please shorten it.").format(
                field=_(field), n=len(text), limit=max_chars))
    return text


def _client(client_id: str) -> str:
    return clean_text(client_id, field=N_("The participant id"), max_chars=64)


@dataclass(frozen=True)
class WorkshopInfo:
    id: int
    code: str
    name: str
    kind: str
    agenda_id: str | None
    held_on: date | None
    language: str
    created_at: datetime
    setup: dict | None = None


@dataclass(frozen=True)
class TeamInfo:
    id: int
    district: str
    school: str
    level: str | None


@dataclass(frozen=True)
class PostView:
    id: int
    workshop_id: int
    team_id: int | None
    school: str | None
    kind: str
    body: str
    tags: tuple[str, ...]
    segment_id: str | None
    created_at: datetime
    votes: int
    hidden: bool


@dataclass(frozen=True)
class SessionState:
    """Where a live workshop stands: the segment under way and whether posting is open."""

    segment_id: str | None
    segment_started_at: datetime | None
    closed_segments: frozenset[str]
    last_event_id: int

    @property
    def posting_open(self) -> bool:
        return self.segment_id not in self.closed_segments


@dataclass(frozen=True)
class TeamPresent:
    team: TeamInfo
    devices: int
    posts: int


class Store:
    """The one place that touches the database. ``Store()`` opens the default database."""

    def __init__(self, url: str | None = None, *, upgrade: bool = True):
        self.engine = eng.make_engine(url)
        self.url = self.engine.url
        self.revision = eng.upgrade(self.engine) if upgrade else eng.current_revision(self.engine)
        self._sqlite_post = self._compile_sqlite_post() if self.backend == "sqlite" else None
        self._posting = threading.local()  # each thread's own connection for posts (SQLite)
        self._posting_connections: list = []
        self._posting_generation = 0
        self._posting_lock = threading.Lock()

    def _compile_sqlite_post(self) -> tuple[str, list]:
        """SQLAlchemy's own INSERT for a post, compiled once with its value converters.

        Many kiosks post into one SQLite file at once; going through SQLAlchemy's connection
        layer costs more CPU per post than SQLite itself (~0.23 ms against ~0.10 ms), which on
        two cores halves what eight writing processes manage together. The statement and the
        conversions (JSON tags, timestamps) are SQLAlchemy's, so rows are exactly the same.
        """
        dialect = self.engine.dialect
        compiled = _INSERT_POST.compile(dialect=dialect, column_keys=list(_POST_KEYS))
        columns = Post.__table__.c
        converters = [(key, columns[key].type.dialect_impl(dialect).bind_processor(dialect))
                      for key in compiled.positiontup]
        return compiled.string, converters

    def _posting_connection(self) -> sqlite3.Connection:
        """This thread's connection for posts: opened by the engine (so with its busy timeout and
        pragmas), then kept out of the pool and in autocommit mode, where one INSERT is one
        transaction. A pool check-out and return plus BEGIN and COMMIT cost about half again as
        much CPU as the insert itself."""
        conn = getattr(self._posting, "conn", None)
        if conn is None or getattr(self._posting, "generation", None) != self._posting_generation:
            pooled = self.engine.raw_connection()
            conn = pooled.driver_connection
            pooled.detach()  # ours to close now, not the pool's
            conn.isolation_level = None
            self._posting.conn, self._posting.generation = conn, self._posting_generation
            with self._posting_lock:
                self._posting_connections.append(conn)
        return conn

    def _drop_posting_connection(self) -> None:
        conn = getattr(self._posting, "conn", None)
        self._posting.conn = None
        if conn is not None:
            with self._posting_lock:
                if conn in self._posting_connections:
                    self._posting_connections.remove(conn)
            with contextlib.suppress(Exception):
                conn.close()

    def _insert_post_sqlite(self, row: dict) -> int:
        sql, converters = self._sqlite_post
        params = [convert(row[key]) if convert else row[key] for key, convert in converters]
        for attempt in range(3):
            try:
                cur = self._posting_connection().cursor()
                try:
                    # Autocommit: SQLite takes the write lock (waiting up to the busy timeout for
                    # other writers), inserts and commits once the statement has run to its end.
                    cur.execute(sql, params)
                    return cur.fetchall()[0][0]
                finally:
                    cur.close()
            except sqlite3.IntegrityError as exc:
                raise IntegrityError(sql, params, exc) from exc
            except sqlite3.DatabaseError as exc:
                self._drop_posting_connection()  # the next try, or post, starts on a fresh one
                if any(w in str(exc) for w in ("malformed", "not a database", "disk image", "file is encrypted")):
                    raise eng._damaged(self.engine, exc) from exc
                if "locked" not in str(exc) or attempt == 2:
                    raise eng.StoreError(_("The database is busy and could not save; please try again.")) from exc
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._posting_lock:
            opened, self._posting_connections = self._posting_connections, []
            self._posting_generation += 1  # a post after this opens a new connection
        for conn in opened:
            with contextlib.suppress(Exception):  # one opened by another thread may refuse
                conn.close()
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    def describe(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the main file (at the end of a session), so the
        ``.db`` file alone holds everything if someone copies it away."""
        if self.backend != "sqlite":
            return
        raw = self.engine.raw_connection()
        try:  # outside any transaction: a checkpoint inside one cannot finish
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # a kernel still reading: the log stays beside the file, nothing is lost
        finally:
            raw.close()

    # --- transactions ------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One short write transaction, retried if SQLite stays busy past its timeout."""
        for attempt in range(3):
            try:
                with self.engine.connect() as conn:
                    conn.execution_options(shine_write=True)
                    with conn.begin():
                        yield conn
                return
            except OperationalError as exc:
                if _is_damage(exc):
                    raise eng._damaged(self.engine, exc) from exc
                if "locked" not in str(exc) or attempt == 2:
                    raise eng.StoreError(_("The database is busy and could not save; please try again.")) from exc
                time.sleep(0.2 * (attempt + 1))
            except DatabaseError as exc:
                if _is_damage(exc):
                    raise eng._damaged(self.engine, exc) from exc
                raise

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn
        except DatabaseError as exc:
            if _is_damage(exc):
                raise eng._damaged(self.engine, exc) from exc
            raise

    # --- workshops -------------------------------------------------------------------------------

    def create_workshop(self, name: str, kind: str = "regional-meeting", *, agenda_id: str | None = None,
                        held_on: date | None = None, language: str = "en", key_hash: str | None = None,
                        code: str | None = None) -> WorkshopInfo:
        name = clean_text(name, field=N_("The workshop name"), max_chars=MAX_NAME_CHARS)
        kind = clean_text(kind, field=N_("The workshop kind"), max_chars=40)
        for _attempt in range(10):
            join = code or "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))
            try:
                with self._write() as conn:
                    wid = conn.execute(insert(Workshop).values(
                        code=join, name=name, kind=kind, agenda_id=agenda_id, held_on=held_on,
                        language=language, key_hash=key_hash, created_at=_now(),
                    ).returning(Workshop.id)).scalar_one()
                return self.workshop(wid)
            except IntegrityError:
                if code:
                    raise StoreInputError(_("The join code {code} is already used by another workshop.").format(code=code)) from None
        raise eng.StoreError(_("Could not find a free join code; please try again."))

    def _workshop_info(self, row) -> WorkshopInfo:
        return WorkshopInfo(row.id, row.code, row.name, row.kind, row.agenda_id, row.held_on, row.language,
                            _aware(row.created_at), row.setup)

    def workshop(self, workshop_id: int) -> WorkshopInfo:
        with self._read() as conn:
            row = conn.execute(select(Workshop).where(Workshop.id == workshop_id)).one_or_none()
        if row is None:
            raise KeyError(_("There is no workshop number {id}.").format(id=workshop_id))
        return self._workshop_info(row)

    def workshop_by_code(self, code: str) -> WorkshopInfo | None:
        code = (code or "").strip().upper()
        with self._read() as conn:
            row = conn.execute(select(Workshop).where(Workshop.code == code)).one_or_none()
        return self._workshop_info(row) if row else None

    def workshops(self) -> list[WorkshopInfo]:
        with self._read() as conn:
            rows = conn.execute(select(Workshop).order_by(Workshop.id)).all()
        return [self._workshop_info(r) for r in rows]

    # --- teams and participants ------------------------------------------------------------

    def ensure_team(self, district: str, school: str, level: str | None = None) -> TeamInfo:
        """The team of a school, created on first use (two kiosks may race: both get the same)."""
        district = clean_text(district, field=N_("The district"), max_chars=MAX_NAME_CHARS)
        school = clean_text(school, field=N_("The school"), max_chars=MAX_NAME_CHARS)
        if level is not None and level not in TEAM_LEVELS:
            raise StoreInputError(_("{level!r} is not a school level; use one of: {levels}.").format(
                level=level, levels=", ".join(TEAM_LEVELS)))
        where = and_(Team.district == district, Team.school == school)
        with self._read() as conn:
            row = conn.execute(select(Team).where(where)).one_or_none()
        if row is None:
            try:
                with self._write() as conn:
                    conn.execute(insert(Team).values(district=district, school=school, level=level,
                                                     created_at=_now()))
            except IntegrityError:
                pass  # another kiosk created it a moment ago
            with self._read() as conn:
                row = conn.execute(select(Team).where(where)).one()
        return TeamInfo(row.id, row.district, row.school, row.level)

    def teams(self, district: str | None = None) -> list[TeamInfo]:
        query = select(Team).order_by(Team.district, Team.school)
        if district:
            query = query.where(Team.district == district)
        with self._read() as conn:
            return [TeamInfo(r.id, r.district, r.school, r.level) for r in conn.execute(query)]

    def register_participant(self, client_id: str, *, team_id: int | None = None, role: str | None = None) -> None:
        """Remember which team and role a browser session speaks for (no names, ever)."""
        client_id = _client(client_id)
        role = clean_text(role, field=N_("The role"), max_chars=40, required=False)
        try:
            with self._write() as conn:
                conn.execute(insert(Participant).values(client_id=client_id, team_id=team_id, role=role,
                                                        created_at=_now()))
        except IntegrityError:
            with self._write() as conn:
                conn.execute(Participant.__table__.update().where(Participant.client_id == client_id)
                             .values(team_id=team_id, role=role))

    # --- posts --------------------------------------------------------------------------------

    def add_post(self, workshop_id: int, kind: str, body: str, client_id: str, *, team_id: int | None = None,
                 tags: list[str] | tuple[str, ...] = (), segment_id: str | None = None) -> int:
        if kind not in POST_KINDS:
            raise StoreInputError(_("{kind!r} is not a kind of post; use one of: {kinds}.").format(
                kind=kind, kinds=", ".join(POST_KINDS)))
        body = clean_text(body, field=N_("The post"), max_chars=MAX_POST_CHARS)
        tags = [clean_text(t, field=N_("A tag"), max_chars=80) for t in tags]
        if len(tags) > MAX_TAGS:
            raise StoreInputError(_("A post can carry at most {n} tags.").format(n=MAX_TAGS))
        row = dict(workshop_id=workshop_id, team_id=team_id, client_id=_client(client_id), kind=kind, body=body,
                   tags=tags, segment_id=segment_id, created_at=_now())
        if self._sqlite_post is not None:
            return self._insert_post_sqlite(row)
        with self._write() as conn:
            return conn.execute(_INSERT_POST, row).scalar_one()

    def count_posts(self, workshop_id: int | None = None) -> int:
        query = select(func.count(Post.id))
        if workshop_id is not None:
            query = query.where(Post.workshop_id == workshop_id)
        with self._read() as conn:
            return conn.execute(query).scalar_one()

    def posts(self, workshop_id: int, *, since_id: int = 0, include_hidden: bool = False,
              limit: int | None = None, exclude_client: str | None = None) -> list[PostView]:
        """Posts newest first, with their vote counts and whether a moderator hid them."""
        votes = (select(Vote.post_id, func.count(Vote.id).label("n")).group_by(Vote.post_id).subquery())
        last_action = (select(Moderation.post_id, func.max(Moderation.id).label("mid"))
                       .group_by(Moderation.post_id).subquery())
        query = (
            select(Post.__table__, Team.school.label("school"), func.coalesce(votes.c.n, 0).label("n_votes"),
                   Moderation.action.label("action"))
            .outerjoin(Team, Team.id == Post.team_id)
            .outerjoin(votes, votes.c.post_id == Post.id)
            .outerjoin(last_action, last_action.c.post_id == Post.id)
            .outerjoin(Moderation, Moderation.id == last_action.c.mid)
            .where(Post.workshop_id == workshop_id, Post.id > since_id)
            .order_by(Post.id.desc())
        )
        if exclude_client:
            query = query.where(Post.client_id != exclude_client)
        if limit:
            query = query.limit(limit)
        with self._read() as conn:
            rows = conn.execute(query).all()
        out = []
        for r in rows:
            hidden = r.action == "hide"
            if hidden and not include_hidden:
                continue
            out.append(PostView(r.id, r.workshop_id, r.team_id, r.school, r.kind, r.body, tuple(r.tags or ()),
                                r.segment_id, _aware(r.created_at), r.n_votes, hidden))
        return out

    def vote(self, post_id: int, client_id: str) -> bool:
        """A "me too"; returns False when this participant already voted for the post."""
        try:
            with self._write() as conn:
                conn.execute(insert(Vote).values(post_id=post_id, client_id=_client(client_id),
                                                 created_at=_now()))
            return True
        except IntegrityError:
            return False

    def moderate(self, post_id: int, action: str, reason: str | None = None) -> None:
        if action not in ("hide", "show"):
            raise StoreInputError(_("A moderator can hide or show a post, nothing else."))
        reason = clean_text(reason, field=N_("The reason"), max_chars=MAX_POST_CHARS, required=False)
        with self._write() as conn:
            conn.execute(insert(Moderation).values(post_id=post_id, action=action, reason=reason,
                                                   created_at=_now()))

    # --- live sessions ----------------------------------------------------------------------------

    def latest_workshop(self, *, name: str | None = None, held_on: date | None = None) -> WorkshopInfo | None:
        """The newest workshop, optionally with this name and/or date: what a restart resumes."""
        query = select(Workshop).order_by(Workshop.id.desc()).limit(1)
        if name is not None:
            query = query.where(Workshop.name == name)
        if held_on is not None:
            query = query.where(Workshop.held_on == held_on)
        with self._read() as conn:
            row = conn.execute(query).one_or_none()
        return self._workshop_info(row) if row else None

    def set_workshop_setup(self, workshop_id: int, setup: dict) -> None:
        """The session's agenda and tag labels (a copy of content, not something anyone posted)."""
        if not isinstance(setup, dict):
            raise StoreInputError(_("A workshop's setup must be a mapping."))
        with self._write() as conn:
            conn.execute(update(Workshop).where(Workshop.id == workshop_id).values(setup=setup))

    def set_facilitator_key(self, workshop_id: int, key: str) -> None:
        """Keep only the key's hash; the previous key stops working."""
        with self._write() as conn:
            conn.execute(update(Workshop).where(Workshop.id == workshop_id).values(key_hash=hash_key(key)))

    def check_facilitator_key(self, workshop_id: int, key: str) -> bool:
        with self._read() as conn:
            stored = conn.execute(select(Workshop.key_hash).where(Workshop.id == workshop_id)).scalar()
        return key_matches(key, stored)

    def record_event(self, workshop_id: int, action: str, segment_id: str | None = None) -> int:
        """The facilitator started a segment or opened / closed posting for one."""
        if action not in SEGMENT_ACTIONS:
            raise StoreInputError(_("{action!r} is not a session action; use one of: {actions}.").format(
                action=action, actions=", ".join(SEGMENT_ACTIONS)))
        segment_id = clean_text(segment_id, field=N_("The segment"), max_chars=80, required=False)
        with self._write() as conn:
            return conn.execute(insert(WorkshopEvent).values(
                workshop_id=workshop_id, action=action, segment_id=segment_id, created_at=_now(),
            ).returning(WorkshopEvent.id)).scalar_one()

    def session_state(self, workshop_id: int) -> SessionState:
        with self._read() as conn:
            rows = conn.execute(select(WorkshopEvent.id, WorkshopEvent.action, WorkshopEvent.segment_id,
                                       WorkshopEvent.created_at)
                                .where(WorkshopEvent.workshop_id == workshop_id)
                                .order_by(WorkshopEvent.id)).all()
        segment, started, closed, last = None, None, set(), 0
        for row in rows:  # a session has tens of events, not thousands
            last = row.id
            if row.action == "start":
                segment, started = row.segment_id, _aware(row.created_at)
            elif row.action == "close":
                closed.add(row.segment_id)
            else:
                closed.discard(row.segment_id)
        return SessionState(segment, started, frozenset(closed), last)

    def join(self, workshop_id: int, client_id: str, team_id: int | None = None) -> None:
        """A device joined the workshop for a team; every join is kept."""
        with self._write() as conn:
            conn.execute(insert(Attendance).values(workshop_id=workshop_id, team_id=team_id,
                                                   client_id=_client(client_id), created_at=_now()))

    def teams_present(self, workshop_id: int) -> list[TeamPresent]:
        """Teams that joined, with how many devices joined for them and how many posts they made."""
        devices = (select(Attendance.team_id, func.count(func.distinct(Attendance.client_id)).label("n"))
                   .where(Attendance.workshop_id == workshop_id, Attendance.team_id.is_not(None))
                   .group_by(Attendance.team_id).subquery())
        posted = (select(Post.team_id, func.count(Post.id).label("n"))
                  .where(Post.workshop_id == workshop_id).group_by(Post.team_id).subquery())
        query = (select(Team, devices.c.n.label("devices"), func.coalesce(posted.c.n, 0).label("posts"))
                 .join(devices, devices.c.team_id == Team.id)
                 .outerjoin(posted, posted.c.team_id == Team.id)
                 .order_by(Team.district, Team.school))
        with self._read() as conn:
            return [TeamPresent(TeamInfo(r.id, r.district, r.school, r.level), r.devices, r.posts)
                    for r in conn.execute(query)]

    def activity(self, workshop_id: int) -> tuple[int, int, int, int]:
        """A cheap fingerprint of everything a wall shows; it changes whenever the wall must.

        (newest post id of the workshop, newest vote id, newest moderation id, newest event id):
        four index lookups, so a wall can ask every quarter second.
        """
        with self._read() as conn:
            return (
                conn.execute(select(func.max(Post.id)).where(Post.workshop_id == workshop_id)).scalar() or 0,
                conn.execute(select(func.max(Vote.id))).scalar() or 0,
                conn.execute(select(func.max(Moderation.id))).scalar() or 0,
                conn.execute(select(func.max(WorkshopEvent.id)).where(
                    WorkshopEvent.workshop_id == workshop_id)).scalar() or 0,
            )

    def moderation_log(self, workshop_id: int) -> list[tuple[int, str, str | None, datetime]]:
        """Every hide / show on this workshop's posts, oldest first (for the export)."""
        query = (select(Moderation.post_id, Moderation.action, Moderation.reason, Moderation.created_at)
                 .join(Post, Post.id == Moderation.post_id)
                 .where(Post.workshop_id == workshop_id).order_by(Moderation.id))
        with self._read() as conn:
            return [(r.post_id, r.action, r.reason, _aware(r.created_at)) for r in conn.execute(query)]

    # --- plans ----------------------------------------------------------------------------------

    def save_plan(self, team_id: int, school_year: str, data: dict, *, client_id: str | None = None) -> int:
        """Save a new version of a team's plan; earlier versions stay. Returns the version number."""
        if not isinstance(data, dict):
            raise StoreInputError(_("A plan must be saved as a mapping of fields."))
        for _attempt in range(5):
            try:
                with self._write() as conn:
                    last = conn.execute(select(func.max(PlanVersion.version)).where(
                        PlanVersion.team_id == team_id, PlanVersion.school_year == school_year)).scalar_one()
                    version = (last or 0) + 1
                    conn.execute(insert(PlanVersion).values(
                        team_id=team_id, school_year=school_year, version=version, data=data,
                        client_id=client_id, created_at=_now()))
                return version
            except IntegrityError:
                continue  # two devices saved at the same instant: take the next number
        raise eng.StoreError(_("The plan could not be saved; please try again."))

    def latest_plan(self, team_id: int, school_year: str) -> tuple[int, dict] | None:
        with self._read() as conn:
            row = conn.execute(
                select(PlanVersion.version, PlanVersion.data)
                .where(PlanVersion.team_id == team_id, PlanVersion.school_year == school_year)
                .order_by(PlanVersion.version.desc()).limit(1)).one_or_none()
        return (row.version, row.data) if row else None

    def plan_versions(self, team_id: int, school_year: str) -> list[tuple[int, datetime]]:
        with self._read() as conn:
            return [(r.version, _aware(r.created_at)) for r in conn.execute(
                select(PlanVersion.version, PlanVersion.created_at)
                .where(PlanVersion.team_id == team_id, PlanVersion.school_year == school_year)
                .order_by(PlanVersion.version))]

    # --- assessments ------------------------------------------------------------------------------

    def record_response(self, instrument: str, item_id: str, value: int | None, client_id: str, *,
                        team_id: int | None = None, note: str | None = None) -> None:
        if value is not None and not isinstance(value, int):
            raise StoreInputError(_("A rating must be a whole number."))
        note = clean_text(note, field=N_("The note"), max_chars=MAX_POST_CHARS, required=False)
        with self._write() as conn:
            conn.execute(insert(AssessmentResponse).values(
                team_id=team_id, client_id=_client(client_id), instrument=instrument, item_id=item_id,
                value=value, note=note, created_at=_now()))

    def latest_responses(self, instrument: str, *, team_id: int | None = None) -> dict[str, dict[str, int | None]]:
        """``{client_id: {item_id: value}}``: each participant's last answer to each item."""
        last = (select(func.max(AssessmentResponse.id).label("rid"))
                .where(AssessmentResponse.instrument == instrument)
                .group_by(AssessmentResponse.client_id, AssessmentResponse.item_id))
        if team_id is not None:
            last = last.where(AssessmentResponse.team_id == team_id)
        query = select(AssessmentResponse.client_id, AssessmentResponse.item_id, AssessmentResponse.value).where(
            AssessmentResponse.id.in_(last.scalar_subquery()))
        out: dict[str, dict[str, int | None]] = {}
        with self._read() as conn:
            for client_id, item_id, value in conn.execute(query):
                out.setdefault(client_id, {})[item_id] = value
        return out
