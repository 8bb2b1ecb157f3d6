"""Tables of the store (SQLAlchemy 2 declarative). Migrations in ``migrations/`` create them.

Design choices that the workshop depends on:

* Workshop posts, votes, moderation actions, plan saves and assessment answers are
  **append-only** rows. Readers aggregate (latest plan version, last answer per participant,
  hidden = latest moderation action), so concurrent kiosks never update the same row and no
  earlier state is ever overwritten.
* No student personal data: a participant is a random ``client_id`` (a browser session or a
  kiosk), optionally tied to a school team and a role; there are no names, e-mails or birth
  dates. Teams are schools, not people.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Workshop(Base):
    __tablename__ = "workshops"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    agenda_id: Mapped[str | None] = mapped_column(String(80))
    held_on: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(10), default="en")
    key_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # revision 0003: what a session's kiosks and wall show (agenda segments, tag labels), copied
    # from the content when the workshop starts, so a kiosk kernel needs no content models.
    setup: Mapped[dict | None] = mapped_column(JSON)


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("district", "school", name="uq_teams_district_school"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district: Mapped[str] = mapped_column(String(200))
    school: Mapped[str] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Participant(Base):
    __tablename__ = "participants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    role: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_workshop_id_id", "workshop_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    segment_id: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("post_id", "client_id", name="uq_votes_post_client"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- revision 0002 ---------------------------------------------------------------------------


class Moderation(Base):
    __tablename__ = "moderation"
    __table_args__ = (Index("ix_moderation_post_id", "post_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    action: Mapped[str] = mapped_column(String(10))  # hide | show
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlanVersion(Base):
    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("team_id", "school_year", "version", name="uq_plan_versions"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    school_year: Mapped[str] = mapped_column(String(9))  # "2026-2027"
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssessmentResponse(Base):
    __tablename__ = "assessment_responses"
    __table_args__ = (Index("ix_assessment_team_instrument", "team_id", "instrument"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    instrument: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[str] = mapped_column(String(80))
    value: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- revision 0003 ---------------------------------------------------------------------------


class WorkshopEvent(Base):
    """What the facilitator did: start a segment, open or close posting for one (append-only)."""

    __tablename__ = "workshop_events"
    __table_args__ = (Index("ix_workshop_events_workshop_id_id", "workshop_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"))
    action: Mapped[str] = mapped_column(String(20))  # start | open | close
    segment_id: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Attendance(Base):
    """A kiosk or phone joined a workshop for a team (append-only; teams present = distinct teams)."""

    __tablename__ = "attendance"
    __table_args__ = (Index("ix_attendance_workshop_id", "workshop_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
