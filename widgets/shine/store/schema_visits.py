"""Tables of the Mini Visit tracker (migration 0004): visits of district leaders with a school's
partnership team, the team's agenda, notes (append-only), follow-ups and resources shared."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base, utcnow


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_leader_starts_at", "leader", "starts_at"), Index("ix_visits_team_id", "team_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    leader: Mapped[str] = mapped_column(String(120))  # the district leader for partnerships (an adult)
    starts_at: Mapped[datetime] = mapped_column(DateTime)  # local wall-clock time of the school
    minutes: Mapped[int] = mapped_column(Integer)
    agenda: Mapped[list] = mapped_column(JSON, default=list)  # the team sets its agenda
    status: Mapped[str] = mapped_column(String(12), default="scheduled")  # scheduled | held | cancelled
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VisitNote(Base):
    __tablename__ = "visit_notes"
    __table_args__ = (Index("ix_visit_notes_visit_id", "visit_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FollowUp(Base):
    __tablename__ = "visit_followups"
    __table_args__ = (Index("ix_visit_followups_visit_id", "visit_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    task: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VisitResource(Base):
    __tablename__ = "visit_resources"
    __table_args__ = (Index("ix_visit_resources_visit_id", "visit_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
