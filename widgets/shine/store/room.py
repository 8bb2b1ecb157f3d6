"""A live session's records: workshops, who joined, posts, "me too" votes, moderation, and the
facilitator's agenda events. Posts are append-only rows; the wall aggregates on read, and
polls for new posts with a :class:`PostCursor` (feed.py) that never skips one committed late."""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from shine.i18n import N_, _

from .db import WRITE_ATTEMPTS
from .errors import StoreError, StoreInputError
from .feed import PostCursor
from .schema import Attendance, Moderation, Post, Team, Vote, Workshop, WorkshopEvent
from .teams import TeamInfo
from .values import (
    JOIN_CODE_ALPHABET,
    MAX_NAME_CHARS,
    MAX_POST_CHARS,
    MAX_TAGS,
    POST_KINDS,
    aware,
    checked_client,
    clean_text,
    hash_key,
    key_matches,
    now,
)

# Built once: the hot path of a busy workshop, so SQLAlchemy's compiled cache serves every post.
_INSERT_POST = insert(Post.__table__).returning(Post.__table__.c.id)
_POST_KEYS = ("workshop_id", "team_id", "client_id", "kind", "body", "tags", "segment_id", "created_at")
SEGMENT_ACTIONS = ("start", "open", "close")


def _pg_functions(engine) -> tuple[str, str]:
    """PostgreSQL's names for "this transaction's id", and a query for the current snapshot's
    ``xmin``, ``xmax``, the next transaction id, and the snapshot as text.

    ``xmax`` is one past the newest transaction to *end*, not the next id to be handed out: a
    transaction that took its id before one that has committed since, and is still running, is at
    or above ``xmax`` and absent from the snapshot's list. The next id is read with ``age()``, which
    measures from the next transaction id (read once per transaction, after its snapshot); every
    transaction that took an id before the snapshot has an id below it (feed.py relies on it)."""
    if (engine.dialect.server_version_info or (0,)) >= (13,):
        return ("pg_current_xact_id()",
                "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint, "
                "pg_snapshot_xmax(s)::text::bigint + age(xid(pg_snapshot_xmax(s))), s::text "
                "FROM pg_current_snapshot() AS s")
    return ("txid_current()",
            "SELECT txid_snapshot_xmin(s), txid_snapshot_xmax(s), "
            "txid_snapshot_xmax(s) + age((txid_snapshot_xmax(s) % 4294967296)::text::xid), s::text "
            "FROM txid_current_snapshot() AS s")


def _pg_insert_post(xact_id: str):
    """The INSERT of a post on PostgreSQL: the transaction takes its id before the post takes
    its id from the sequence (the row is selected from a materialised ``xact`` row, and the id's
    default is computed on that row), which the wall's cursor relies on (feed.py)."""
    table = Post.__table__
    xact = select(text(f"{xact_id} AS x")).cte("xact").prefix_with("MATERIALIZED")
    row = select(*(bindparam(key, type_=table.c[key].type) for key in _POST_KEYS)).select_from(xact)
    return insert(table).from_select(list(_POST_KEYS), row).returning(table.c.id)


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


class Room:
    """``store.room``: everything a regional meeting records."""

    def __init__(self, db):
        self.db = db
        self.engine = db.engine
        self._sqlite_post = self._compile_sqlite_post() if db.backend == "sqlite" else None
        self._pg_post = self._pg_snapshot = None
        if db.backend == "postgresql":
            xact_id, snapshot = _pg_functions(self.engine)
            self._pg_post, self._pg_snapshot = _pg_insert_post(xact_id), text(snapshot)
        self._posting = threading.local()  # each thread's own connection for posts (SQLite)
        self._posting_connections: list = []
        self._posting_generation = 0
        self._posting_lock = threading.Lock()
        db.on_close(self._close_posting_connections)

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
        for attempt in range(WRITE_ATTEMPTS):
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
                self.db.retry_or_raise(exc, attempt)
        raise AssertionError("unreachable")

    def _close_posting_connections(self) -> None:
        with self._posting_lock:
            opened, self._posting_connections = self._posting_connections, []
            self._posting_generation += 1  # a post after this opens a new connection
        for conn in opened:
            with contextlib.suppress(Exception):  # one opened by another thread may refuse
                conn.close()

    # --- workshops -------------------------------------------------------------------------------

    def create_workshop(self, name: str, kind: str = "regional-meeting", *, agenda_id: str | None = None,
                        held_on: date | None = None, language: str = "en", key_hash: str | None = None,
                        code: str | None = None) -> WorkshopInfo:
        name = clean_text(name, field=N_("The workshop name"), max_chars=MAX_NAME_CHARS)
        kind = clean_text(kind, field=N_("The workshop kind"), max_chars=40)
        for _attempt in range(10):
            join = code or "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))
            try:
                with self.db.write() as conn:
                    wid = conn.execute(insert(Workshop).values(
                        code=join, name=name, kind=kind, agenda_id=agenda_id, held_on=held_on,
                        language=language, key_hash=key_hash, created_at=now(),
                    ).returning(Workshop.id)).scalar_one()
                return self.workshop(wid)
            except IntegrityError:
                if code:
                    raise StoreInputError(_("The join code {code} is already used by another workshop.").format(code=code)) from None
        raise StoreError(_("Could not find a free join code; please try again."))

    def _workshop_info(self, row) -> WorkshopInfo:
        return WorkshopInfo(row.id, row.code, row.name, row.kind, row.agenda_id, row.held_on, row.language,
                            aware(row.created_at), row.setup)

    def workshop(self, workshop_id: int) -> WorkshopInfo:
        with self.db.read() as conn:
            row = conn.execute(select(Workshop).where(Workshop.id == workshop_id)).one_or_none()
        if row is None:
            raise KeyError(_("There is no workshop number {id}.").format(id=workshop_id))
        return self._workshop_info(row)

    def workshop_by_code(self, code: str) -> WorkshopInfo | None:
        code = (code or "").strip().upper()
        with self.db.read() as conn:
            row = conn.execute(select(Workshop).where(Workshop.code == code)).one_or_none()
        return self._workshop_info(row) if row else None

    def workshops(self) -> list[WorkshopInfo]:
        with self.db.read() as conn:
            rows = conn.execute(select(Workshop).order_by(Workshop.id)).all()
        return [self._workshop_info(r) for r in rows]

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
        row = dict(workshop_id=workshop_id, team_id=team_id, client_id=checked_client(client_id), kind=kind, body=body,
                   tags=tags, segment_id=segment_id, created_at=now())
        self.db.refuse_writes()
        if self._sqlite_post is not None:
            return self._insert_post_sqlite(row)
        with self.db.write() as conn:
            return conn.execute(self._pg_post if self._pg_post is not None else _INSERT_POST, row).scalar_one()

    def count_posts(self, workshop_id: int | None = None) -> int:
        query = select(func.count(Post.id))
        if workshop_id is not None:
            query = query.where(Post.workshop_id == workshop_id)
        with self.db.read() as conn:
            return conn.execute(query).scalar_one()

    def _posts_query(self, workshop_id: int):
        # Counted for this workshop's posts only: a store keeps every workshop, and the votes and
        # moderation of all of them would otherwise be counted at every call.
        mine = select(Post.id).where(Post.workshop_id == workshop_id)
        votes = (select(Vote.post_id, func.count(Vote.id).label("n")).where(Vote.post_id.in_(mine))
                 .group_by(Vote.post_id).subquery())
        last_action = (select(Moderation.post_id, func.max(Moderation.id).label("mid"))
                       .where(Moderation.post_id.in_(mine)).group_by(Moderation.post_id).subquery())
        return (
            select(Post.__table__, Team.school.label("school"), func.coalesce(votes.c.n, 0).label("n_votes"),
                   Moderation.action.label("action"))
            .outerjoin(Team, Team.id == Post.team_id)
            .outerjoin(votes, votes.c.post_id == Post.id)
            .outerjoin(last_action, last_action.c.post_id == Post.id)
            .outerjoin(Moderation, Moderation.id == last_action.c.mid)
            .where(Post.workshop_id == workshop_id)
            .order_by(Post.id.desc())
        )

    @staticmethod
    def _views(rows, include_hidden: bool) -> list[PostView]:
        out = []
        for r in rows:
            hidden = r.action == "hide"
            if hidden and not include_hidden:
                continue
            out.append(PostView(r.id, r.workshop_id, r.team_id, r.school, r.kind, r.body, tuple(r.tags or ()),
                                r.segment_id, aware(r.created_at), r.n_votes, hidden))
        return out

    def posts(self, workshop_id: int, *, since_id: int = 0, include_hidden: bool = False,
              limit: int | None = None, exclude_client: str | None = None) -> list[PostView]:
        """Posts newest first, with their vote counts and whether a moderator hid them.

        ``since_id`` gives the posts above an id, which on PostgreSQL can miss one that commits
        late: a page that polls for new posts uses :meth:`new_posts`."""
        query = self._posts_query(workshop_id).where(Post.id > since_id)
        if exclude_client:
            query = query.where(Post.client_id != exclude_client)
        if limit:
            query = query.limit(limit)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return self._views(rows, include_hidden)

    def new_posts(self, workshop_id: int, cursor: PostCursor | None = None, *,
                  include_hidden: bool = False) -> tuple[list[PostView], PostCursor]:
        """The posts not returned to ``cursor`` yet (all of them without one), newest first, and
        the cursor for the next call. None is ever skipped, even one that commits after a post
        with a higher id (PostgreSQL); see feed.py."""
        cursor = cursor or PostCursor()
        xmin = following = None
        with self.db.read(snapshot=True) as conn:
            if self._pg_snapshot is not None:  # first: the snapshot the next statements see
                xmin, _xmax, following, _running = conn.execute(self._pg_snapshot).one()
            visible = conn.execute(select(Post.id).where(Post.workshop_id == workshop_id, Post.id > cursor.floor)
                                   ).scalars().all()
            fresh = cursor.fresh(visible)
            rows = []
            if fresh:
                rows = conn.execute(self._posts_query(workshop_id).where(Post.id.between(min(fresh), max(fresh)))
                                    ).all()
        wanted = set(fresh)
        return self._views([r for r in rows if r.id in wanted], include_hidden), cursor.advance(visible, xmin, following)

    def vote(self, post_id: int, client_id: str) -> bool:
        """A "me too"; returns False when this participant already voted for the post."""
        try:
            with self.db.write() as conn:
                conn.execute(insert(Vote).values(post_id=post_id, client_id=checked_client(client_id),
                                                 created_at=now()))
            return True
        except IntegrityError:
            return False

    def moderate(self, post_id: int, action: str, reason: str | None = None) -> None:
        if action not in ("hide", "show"):
            raise StoreInputError(_("A moderator can hide or show a post, nothing else."))
        reason = clean_text(reason, field=N_("The reason"), max_chars=MAX_POST_CHARS, required=False)
        with self.db.write() as conn:
            conn.execute(insert(Moderation).values(post_id=post_id, action=action, reason=reason,
                                                   created_at=now()))

    # --- live sessions ----------------------------------------------------------------------------

    def latest_workshop(self, *, name: str | None = None, held_on: date | None = None) -> WorkshopInfo | None:
        """The newest workshop, optionally with this name and/or date: what a restart resumes."""
        query = select(Workshop).order_by(Workshop.id.desc()).limit(1)
        if name is not None:
            query = query.where(Workshop.name == name)
        if held_on is not None:
            query = query.where(Workshop.held_on == held_on)
        with self.db.read() as conn:
            row = conn.execute(query).one_or_none()
        return self._workshop_info(row) if row else None

    def set_workshop_setup(self, workshop_id: int, setup: dict) -> None:
        """The session's agenda and tag labels (a copy of content, not something anyone posted)."""
        if not isinstance(setup, dict):
            raise StoreInputError(_("A workshop's setup must be a mapping."))
        with self.db.write() as conn:
            conn.execute(update(Workshop).where(Workshop.id == workshop_id).values(setup=setup))

    def set_facilitator_key(self, workshop_id: int, key: str) -> None:
        """Keep only the key's hash; the previous key stops working."""
        with self.db.write() as conn:
            conn.execute(update(Workshop).where(Workshop.id == workshop_id).values(key_hash=hash_key(key)))

    def check_facilitator_key(self, workshop_id: int, key: str) -> bool:
        with self.db.read() as conn:
            stored = conn.execute(select(Workshop.key_hash).where(Workshop.id == workshop_id)).scalar()
        return key_matches(key, stored)

    def record_event(self, workshop_id: int, action: str, segment_id: str | None = None) -> int:
        """The facilitator started a segment or opened / closed posting for one."""
        if action not in SEGMENT_ACTIONS:
            raise StoreInputError(_("{action!r} is not a session action; use one of: {actions}.").format(
                action=action, actions=", ".join(SEGMENT_ACTIONS)))
        segment_id = clean_text(segment_id, field=N_("The segment"), max_chars=80, required=False)
        with self.db.write() as conn:
            return conn.execute(insert(WorkshopEvent).values(
                workshop_id=workshop_id, action=action, segment_id=segment_id, created_at=now(),
            ).returning(WorkshopEvent.id)).scalar_one()

    def session_state(self, workshop_id: int) -> SessionState:
        with self.db.read() as conn:
            rows = conn.execute(select(WorkshopEvent.id, WorkshopEvent.action, WorkshopEvent.segment_id,
                                       WorkshopEvent.created_at)
                                .where(WorkshopEvent.workshop_id == workshop_id)
                                .order_by(WorkshopEvent.id)).all()
        segment, started, closed, last = None, None, set(), 0
        for row in rows:  # a session has tens of events, not thousands
            last = row.id
            if row.action == "start":
                segment, started = row.segment_id, aware(row.created_at)
            elif row.action == "close":
                closed.add(row.segment_id)
            else:
                closed.discard(row.segment_id)
        return SessionState(segment, started, frozenset(closed), last)

    def join(self, workshop_id: int, client_id: str, team_id: int | None = None) -> None:
        """A device joined the workshop for a team; every join is kept."""
        with self.db.write() as conn:
            conn.execute(insert(Attendance).values(workshop_id=workshop_id, team_id=team_id,
                                                   client_id=checked_client(client_id), created_at=now()))

    def devices_joined(self, workshop_id: int) -> int:
        """How many devices joined the workshop (a phone that joined twice counts once)."""
        query = select(func.count(func.distinct(Attendance.client_id))).where(Attendance.workshop_id == workshop_id)
        with self.db.read() as conn:
            return conn.execute(query).scalar_one()

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
        clause = self.db.scope.team_clause()  # on a hub: the teams of the person's scope
        if clause is not None:
            query = query.where(clause)
        with self.db.read() as conn:
            return [TeamPresent(TeamInfo(r.id, r.district, r.school, r.level), r.devices, r.posts)
                    for r in conn.execute(query)]

    def activity(self, workshop_id: int) -> tuple:
        """A cheap fingerprint of everything a wall shows; it changes whenever the wall must.

        (posts, newest vote id, newest moderation id, newest event id of the workshop): one
        statement of four index lookups, so a wall can ask every quarter second. ``posts`` is the
        newest post id on SQLite. On PostgreSQL, where a post can commit after a higher id, it is
        (newest post id, the snapshot and the next transaction id, or None when no transaction is in
        progress): a late post's commit changes the snapshot, so the fingerprint changes then too.
        The next id counts: a transaction at or above the snapshot's ``xmax`` is running but not
        listed (see ``_pg_functions``), and only the next id shows it.
        """
        def newest(column, *where):
            return select(func.max(column)).where(*where).scalar_subquery()

        query = select(newest(Post.id, Post.workshop_id == workshop_id), newest(Vote.id), newest(Moderation.id),
                       newest(WorkshopEvent.id, WorkshopEvent.workshop_id == workshop_id))
        with self.db.read(snapshot=True) as conn:
            running = conn.execute(self._pg_snapshot).one() if self._pg_snapshot is not None else None
            posts, votes, moderation, events = (n or 0 for n in conn.execute(query).one())
        if running is not None:
            xmin, xmax, following, in_progress = running
            posts = (posts, None if xmin == xmax == following else (in_progress, following))
        return posts, votes, moderation, events

    def moderation_log(self, workshop_id: int) -> list[tuple[int, str, str | None, datetime]]:
        """Every hide / show on this workshop's posts, oldest first (for the export)."""
        query = (select(Moderation.post_id, Moderation.action, Moderation.reason, Moderation.created_at)
                 .join(Post, Post.id == Moderation.post_id)
                 .where(Post.workshop_id == workshop_id).order_by(Moderation.id))
        with self.db.read() as conn:
            return [(r.post_id, r.action, r.reason, aware(r.created_at)) for r in conn.execute(query)]
