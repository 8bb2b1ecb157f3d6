"""Whose rows a store may show: a :class:`Scope`, part of every :class:`~shine.store.Store`.

On a laptop there is nobody to tell apart: :meth:`Scope.everyone` sees and writes everything, as
always. On a JupyterHub, each person's server (``JUPYTERHUB_USER``) gets the scope that the hub
wrote for that name into the store's ``memberships`` table from its roster (``shine hub sync-db``,
and at every start of the hub):

- ``team``: a participant of a school team sees and writes that team only;
- ``leader``: a district leader sees and writes their district's schools;
- ``trainer``: trainers see and write every district (they run the rooms and the courses);
- ``state``: the state's staff read every district (the roll-ups) and write nothing.

Out-of-scope rows are simply not returned (None, an empty list); writing for another team raises
:class:`ScopeError`. The scoped rows are the teams, their plans, their self-assessment answers
and their Mini Visits (with notes, follow-ups and resources). Workshop posts stay as they are: the
wall shows them to the whole room anyway.

The same table drives PostgreSQL's row-level security (``shine.hub.dbroles``), so a participant
who opens the database with their own credentials sees no more than their store shows them. A row
``("*", "scoped")`` marks a store the hub has scoped; without it (a laptop, a hub that never
synced) a server's store behaves as on a laptop.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping

from sqlalchemy import Integer, String, UniqueConstraint, delete, false, insert, or_, select, tuple_
from sqlalchemy.orm import Mapped, mapped_column

from shine.i18n import _

from .errors import StoreError
from .schema import Base, Team

KINDS = ("team", "leader", "trainer", "state")
MARKER = ("*", "scoped")  # (username, kind): this store is scoped by the hub
REVISION = "0005"  # the migration that made the memberships table


class Membership(Base):
    """What a hub user is: a participant of a team, a leader of a district, a trainer, state staff
    (written by the hub from its roster; revision 0005)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("username", "kind", "district", "school", name="uq_memberships"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    district: Mapped[str] = mapped_column(String(200), default="")
    school: Mapped[str] = mapped_column(String(200), default="")


class ScopeError(StoreError):
    """A write for a team outside the person's scope."""


@dataclass(frozen=True)
class Scope:
    """Who is asking: ``name`` and what they may read and write."""

    name: str | None = None
    reads_all: bool = True
    writes_all: bool = True
    districts: frozenset[str] = field(default_factory=frozenset)  # led: read and write
    teams: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (district, school): read and write

    @classmethod
    def everyone(cls) -> "Scope":
        """No hub: everything, as on a laptop."""
        return cls()

    @classmethod
    def of(cls, name: str, rows: list[tuple[str, str, str]]) -> "Scope":
        """The scope of ``name`` from their ``(kind, district, school)`` memberships."""
        kinds = {kind for kind, _d, _s in rows}
        return cls(name=name, reads_all=bool(kinds & {"trainer", "state"}), writes_all="trainer" in kinds,
                   districts=frozenset(d for k, d, _s in rows if k == "leader"),
                   teams=frozenset((d, s) for k, d, s in rows if k == "team"))

    @classmethod
    def from_env(cls, db, environ: Mapping[str, str] | None = None) -> "Scope":
        """A hub user's server (``JUPYTERHUB_USER``, not a hub service): their memberships in a
        store the hub has scoped. Anything else: :meth:`everyone`."""
        environ = os.environ if environ is None else environ
        name = environ.get("JUPYTERHUB_USER", "").strip()
        if not name or environ.get("JUPYTERHUB_SERVICE_NAME"):
            return cls.everyone()
        if (getattr(db, "revision", None) or "") < REVISION:  # opened without upgrading: no memberships yet
            return cls.everyone()
        with db.read() as conn:
            rows = conn.execute(select(Membership.username, Membership.kind, Membership.district, Membership.school)
                                .where(Membership.username.in_([name, MARKER[0]]))).all()
        if not any((r.username, r.kind) == MARKER for r in rows):
            return cls.everyone()
        return cls.of(name, [(r.kind, r.district, r.school) for r in rows if r.username == name])

    # --- what it lets through -----------------------------------------------------------------

    @property
    def is_everyone(self) -> bool:
        return self.reads_all and self.writes_all

    def describe(self) -> str:
        if self.is_everyone:
            return _("everything (no hub)") if self.name is None else _("{name}: every district").format(name=self.name)
        parts = [_("every district, read only")] if self.reads_all else []
        parts += [_("district {name}").format(name=d) for d in sorted(self.districts)]
        parts += [f"{school} ({district})" for district, school in sorted(self.teams)]
        return _("{name}: {what}").format(name=self.name, what=", ".join(parts) or _("nothing"))

    def team_clause(self, *, writing: bool = False):
        """A condition on :class:`Team` for the teams this scope reads (or writes); None: all."""
        if self.writes_all or (self.reads_all and not writing):
            return None
        terms = []
        if self.districts:
            terms.append(Team.district.in_(sorted(self.districts)))
        if self.teams:
            terms.append(tuple_(Team.district, Team.school).in_(sorted(self.teams)))
        return or_(*terms) if terms else false()

    def team_ids(self, *, writing: bool = False):
        """A subquery of the ids of the teams this scope reads (or writes); None: all."""
        clause = self.team_clause(writing=writing)
        return None if clause is None else select(Team.id).where(clause).scalar_subquery()

    def sees(self, district: str, school: str, *, writing: bool = False) -> bool:
        if self.writes_all or (self.reads_all and not writing):
            return True
        return district in self.districts or (district, school) in self.teams

    def refuse(self, district: str, school: str) -> None:
        """Raise :class:`ScopeError` unless this scope may write for that school's team."""
        if not self.sees(district, school, writing=True):
            raise ScopeError(_("{name} may not write for {school} ({district}): that team is not theirs.").format(
                name=self.name, school=school, district=district))

    def check_team(self, db, team_id: int | None) -> None:
        """Raise :class:`ScopeError` unless this scope may write for the team ``team_id``."""
        if team_id is None or self.writes_all:
            return
        with db.read() as conn:
            row = conn.execute(select(Team.district, Team.school).where(Team.id == team_id)).one_or_none()
        if row is None or not self.sees(row.district, row.school, writing=True):
            raise ScopeError(_("{name} may not write for team {id}: that team is not theirs.").format(
                name=self.name, id=team_id))

    def reads_team(self, db, team_id: int) -> bool:
        if self.reads_all:
            return True
        with db.read() as conn:
            row = conn.execute(select(Team.district, Team.school).where(Team.id == team_id)).one_or_none()
        return row is not None and self.sees(row.district, row.school)


def filter_teams(query, scope: Scope, column, *, writing: bool = False):
    """``query`` limited to rows whose ``column`` (a team id) this scope reads; rows of no team stay."""
    ids = scope.team_ids(writing=writing)
    return query if ids is None else query.where(or_(column.is_(None), column.in_(ids)))


def write_memberships(db, rows: list[tuple[str, str, str, str]]) -> None:
    """Replace every membership with ``(username, kind, district, school)`` rows, and mark the
    store scoped (the hub's owner connection only)."""
    wanted = {tuple(r) for r in rows} | {(*MARKER, "", "")}
    with db.write() as conn:
        conn.execute(delete(Membership))
        conn.execute(insert(Membership), [dict(username=u, kind=k, district=d, school=s)
                                          for u, k, d, s in sorted(wanted)])


__all__ = ["KINDS", "MARKER", "Membership", "Scope", "ScopeError", "filter_teams", "write_memberships"]
