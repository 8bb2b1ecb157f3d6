"""School teams (a district and a school): who posts, plans and is visited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, insert, select
from sqlalchemy.exc import IntegrityError

from shine.i18n import N_, _

from .errors import StoreInputError
from .schema import Team
from .values import MAX_NAME_CHARS, TEAM_LEVELS, clean_text, now


@dataclass(frozen=True)
class TeamInfo:
    id: int
    district: str
    school: str
    level: str | None


class Teams:
    """``store.teams``: a school's team is created the first time anyone names it."""

    def __init__(self, db):
        self.db = db

    def ensure(self, district: str, school: str, level: str | None = None) -> TeamInfo:
        """The team of a school, created on first use (two kiosks may race: both get the same)."""
        district = clean_text(district, field=N_("The district"), max_chars=MAX_NAME_CHARS)
        school = clean_text(school, field=N_("The school"), max_chars=MAX_NAME_CHARS)
        if level is not None and level not in TEAM_LEVELS:
            raise StoreInputError(_("{level!r} is not a school level; use one of: {levels}.").format(
                level=level, levels=", ".join(TEAM_LEVELS)))
        self.db.scope.refuse(district, school)  # a person on a hub: their own team(s) only
        where = and_(Team.district == district, Team.school == school)
        with self.db.read() as conn:
            row = conn.execute(select(Team).where(where)).one_or_none()
        if row is None:
            try:
                with self.db.write() as conn:
                    conn.execute(insert(Team).values(district=district, school=school, level=level,
                                                     created_at=now()))
            except IntegrityError:
                pass  # another kiosk created it a moment ago
            with self.db.read() as conn:
                row = conn.execute(select(Team).where(where)).one()
        return TeamInfo(row.id, row.district, row.school, row.level)

    def all(self, district: str | None = None) -> list[TeamInfo]:
        """Every team (of ``district``) the store's scope reads."""
        query = select(Team).order_by(Team.district, Team.school)
        clause = self.db.scope.team_clause()
        if clause is not None:
            query = query.where(clause)
        if district:
            query = query.where(Team.district == district)
        with self.db.read() as conn:
            return [TeamInfo(r.id, r.district, r.school, r.level) for r in conn.execute(query)]
