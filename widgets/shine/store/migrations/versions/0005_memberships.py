"""Memberships: what each hub user is (a team's participant, a district's leader, a trainer, the
state), written by the hub from its roster; the store's scope and PostgreSQL's row-level security
read it.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("district", sa.String(200), nullable=False),
        sa.Column("school", sa.String(200), nullable=False),
        sa.UniqueConstraint("username", "kind", "district", "school", name="uq_memberships"),
    )
    op.create_index("ix_memberships_username", "memberships", ["username"])


def downgrade() -> None:
    op.drop_index("ix_memberships_username", "memberships")
    op.drop_table("memberships")
