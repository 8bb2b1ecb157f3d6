"""Mini Visits: visits, notes, follow-ups, resources shared.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("leader", sa.String(120), nullable=False),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("agenda", sa.JSON, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_visits_leader_starts_at", "visits", ["leader", "starts_at"])
    op.create_index("ix_visits_team_id", "visits", ["team_id"])
    for name, columns in (
        ("visit_notes", [sa.Column("body", sa.Text, nullable=False)]),
        ("visit_followups", [sa.Column("task", sa.Text, nullable=False), sa.Column("owner", sa.String(120), nullable=False),
                             sa.Column("due_on", sa.Date, nullable=False), sa.Column("done_at", TS)]),
        ("visit_resources", [sa.Column("title", sa.String(300), nullable=False), sa.Column("link", sa.String(500))]),
    ):
        op.create_table(
            name,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("visit_id", sa.Integer, sa.ForeignKey("visits.id"), nullable=False),
            *columns,
            sa.Column("created_at", TS, nullable=False),
        )
        op.create_index(f"ix_{name}_visit_id", name, ["visit_id"])


def downgrade() -> None:
    for name in ("visit_resources", "visit_followups", "visit_notes", "visits"):
        op.drop_table(name)
