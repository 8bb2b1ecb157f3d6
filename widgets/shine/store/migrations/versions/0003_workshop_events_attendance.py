"""Live sessions: the facilitator's actions, teams present, the session's setup snapshot.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("setup", sa.JSON))
    op.create_table(
        "workshop_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshops.id"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("segment_id", sa.String(80)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_workshop_events_workshop_id_id", "workshop_events", ["workshop_id", "id"])
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshops.id"), nullable=False),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id")),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_attendance_workshop_id", "attendance", ["workshop_id"])


def downgrade() -> None:
    op.drop_table("attendance")
    op.drop_table("workshop_events")
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("setup")
