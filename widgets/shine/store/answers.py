"""Answers to the modules' instruments (self-assessments, checks), kept per team, never per name."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from shine.i18n import N_, _

from .errors import StoreInputError
from .schema import AssessmentResponse
from .scope import filter_teams
from .values import MAX_POST_CHARS, checked_client, clean_text, now


class Answers:
    """``store.answers``: every answer is kept; readers take each participant's last one."""

    def __init__(self, db):
        self.db = db

    def record(self, instrument: str, item_id: str, value: int | None, client_id: str, *,
                        team_id: int | None = None, note: str | None = None) -> None:
        if value is not None and not isinstance(value, int):
            raise StoreInputError(_("A rating must be a whole number."))
        note = clean_text(note, field=N_("The note"), max_chars=MAX_POST_CHARS, required=False)
        self.db.scope.check_team(self.db, team_id)
        with self.db.write() as conn:
            conn.execute(insert(AssessmentResponse).values(
                team_id=team_id, client_id=checked_client(client_id), instrument=instrument, item_id=item_id,
                value=value, note=note, created_at=now()))

    def latest(self, instrument: str, *, team_id: int | None = None) -> dict[str, dict[str, int | None]]:
        """``{client_id: {item_id: value}}``: each participant's last answer to each item."""
        last = (select(func.max(AssessmentResponse.id).label("rid"))
                .where(AssessmentResponse.instrument == instrument)
                .group_by(AssessmentResponse.client_id, AssessmentResponse.item_id))
        if team_id is not None:
            last = last.where(AssessmentResponse.team_id == team_id)
        last = filter_teams(last, self.db.scope, AssessmentResponse.team_id)  # answers of no team stay
        query = select(AssessmentResponse.client_id, AssessmentResponse.item_id, AssessmentResponse.value).where(
            AssessmentResponse.id.in_(last.scalar_subquery()))
        out: dict[str, dict[str, int | None]] = {}
        with self.db.read() as conn:
            for client_id, item_id, value in conn.execute(query):
                out.setdefault(client_id, {})[item_id] = value
        return out
