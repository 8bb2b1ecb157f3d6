"""Moderation of posts, plan versions, assessment responses.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "moderation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_moderation_post_id", "moderation", ["post_id"])
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("school_year", sa.String(9), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("client_id", sa.String(64)),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("team_id", "school_year", "version", name="uq_plan_versions"),
    )
    op.create_table(
        "assessment_responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id")),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("instrument", sa.String(80), nullable=False),
        sa.Column("item_id", sa.String(80), nullable=False),
        sa.Column("value", sa.Integer),
        sa.Column("note", sa.Text),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_assessment_team_instrument", "assessment_responses", ["team_id", "instrument"])


def downgrade() -> None:
    op.drop_table("assessment_responses")
    op.drop_table("plan_versions")
    op.drop_table("moderation")
