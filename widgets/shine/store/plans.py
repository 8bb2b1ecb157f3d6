"""One-Year Action Plans as saved: every change is a new version, and earlier versions stay."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from shine.i18n import _

from .engine import StoreError, StoreInputError
from .schema import PlanVersion
from .values import aware, now


class Plans:
    """``store.plans``: versions of each team's plan for a school year."""

    def __init__(self, db):
        self.db = db

    def save(self, team_id: int, school_year: str, data: dict, *, client_id: str | None = None) -> int:
        """Save a new version of a team's plan; earlier versions stay. Returns the version number."""
        if not isinstance(data, dict):
            raise StoreInputError(_("A plan must be saved as a mapping of fields."))
        for _attempt in range(5):
            try:
                with self.db.write() as conn:
                    last = conn.execute(select(func.max(PlanVersion.version)).where(
                        PlanVersion.team_id == team_id, PlanVersion.school_year == school_year)).scalar_one()
                    version = (last or 0) + 1
                    conn.execute(insert(PlanVersion).values(
                        team_id=team_id, school_year=school_year, version=version, data=data,
                        client_id=client_id, created_at=now()))
                return version
            except IntegrityError:
                continue  # two devices saved at the same instant: take the next number
        raise StoreError(_("The plan could not be saved; please try again."))

    def latest(self, team_id: int, school_year: str) -> tuple[int, dict] | None:
        with self.db.read() as conn:
            row = conn.execute(
                select(PlanVersion.version, PlanVersion.data)
                .where(PlanVersion.team_id == team_id, PlanVersion.school_year == school_year)
                .order_by(PlanVersion.version.desc()).limit(1)).one_or_none()
        return (row.version, row.data) if row else None

    def versions(self, team_id: int, school_year: str) -> list[tuple[int, datetime]]:
        with self.db.read() as conn:
            return [(r.version, aware(r.created_at)) for r in conn.execute(
                select(PlanVersion.version, PlanVersion.created_at)
                .where(PlanVersion.team_id == team_id, PlanVersion.school_year == school_year)
                .order_by(PlanVersion.version))]
