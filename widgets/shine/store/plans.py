"""One-Year Action Plans as saved: every change is a new version, and earlier versions stay.

A save may name the version it was built on (``base``): when another page saved a newer one
meanwhile, the save is refused with :class:`PlanVersionConflict` instead of writing over it, so
the caller can merge the two (``shine.plan.versions``) and save again."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from shine.i18n import _

from .errors import StoreError, StoreInputError
from .schema import PlanVersion
from .scope import filter_teams
from .values import aware, now

ANY_VERSION: Any = object()  # ``save(..., base=ANY_VERSION)``: a new version whatever is there


class PlanVersionConflict(StoreError):
    """The plan has a newer version than the one the save was built on."""

    def __init__(self, latest: int | None, base: int | None):
        self.latest = latest
        self.base = base
        super().__init__(_("Someone else saved version {latest} of this plan meanwhile.").format(latest=latest))


class PlanVersionRow(NamedTuple):
    version: int
    created_at: datetime
    client_id: str | None
    data: dict | None  # only when asked for


class Plans:
    """``store.plans``: versions of each team's plan for a school year."""

    def __init__(self, db):
        self.db = db

    def save(self, team_id: int, school_year: str, data: dict, *, client_id: str | None = None,
             base: int | None = ANY_VERSION) -> int:
        """Save a new version of a team's plan; earlier versions stay. Returns the version number.

        ``base``: the version the data was built on (None: no version yet). If the newest version
        is another one, nothing is written and :class:`PlanVersionConflict` says which is newest."""
        if not isinstance(data, dict):
            raise StoreInputError(_("A plan must be saved as a mapping of fields."))
        self.db.scope.check_team(self.db, team_id)
        for _attempt in range(5):
            try:
                with self.db.write() as conn:
                    last = conn.execute(select(func.max(PlanVersion.version)).where(
                        PlanVersion.team_id == team_id, PlanVersion.school_year == school_year)).scalar_one()
                    if base is not ANY_VERSION and last != base:
                        raise PlanVersionConflict(last, base)
                    version = (last or 0) + 1
                    conn.execute(insert(PlanVersion).values(
                        team_id=team_id, school_year=school_year, version=version, data=data,
                        client_id=client_id, created_at=now()))
                return version
            except IntegrityError:
                continue  # two devices saved at the same instant: the next try sees the other one
        raise StoreError(_("The plan could not be saved; please try again."))

    def _mine(self, query):
        """``query`` on plan versions, limited to the teams the store's scope reads."""
        return filter_teams(query, self.db.scope, PlanVersion.team_id)

    def latest(self, team_id: int, school_year: str) -> tuple[int, dict] | None:
        with self.db.read() as conn:
            row = conn.execute(self._mine(
                select(PlanVersion.version, PlanVersion.data)
                .where(PlanVersion.team_id == team_id, PlanVersion.school_year == school_year))
                .order_by(PlanVersion.version.desc()).limit(1)).one_or_none()
        return (row.version, row.data) if row else None

    def get(self, team_id: int, school_year: str, version: int) -> dict | None:
        """One version's data, or None when there is no such version."""
        with self.db.read() as conn:
            return conn.execute(self._mine(select(PlanVersion.data).where(
                PlanVersion.team_id == team_id, PlanVersion.school_year == school_year,
                PlanVersion.version == version))).scalar_one_or_none()

    def versions(self, team_id: int, school_year: str) -> list[tuple[int, datetime]]:
        with self.db.read() as conn:
            return [(r.version, aware(r.created_at)) for r in conn.execute(self._mine(
                select(PlanVersion.version, PlanVersion.created_at)
                .where(PlanVersion.team_id == team_id, PlanVersion.school_year == school_year)
                .order_by(PlanVersion.version)))]

    def history(self, team_id: int, school_year: str, *, with_data: bool = False) -> list[PlanVersionRow]:
        """Every version, newest first: number, time, the page or command that saved it (and its data)."""
        columns = [PlanVersion.version, PlanVersion.created_at, PlanVersion.client_id]
        if with_data:
            columns.append(PlanVersion.data)
        with self.db.read() as conn:
            rows = conn.execute(self._mine(select(*columns).where(
                PlanVersion.team_id == team_id, PlanVersion.school_year == school_year)
                .order_by(PlanVersion.version.desc()))).all()
        return [PlanVersionRow(r.version, aware(r.created_at), r.client_id, r.data if with_data else None)
                for r in rows]
