"""Tries counted in the database (attempts.py): one row per key, shared by every process and kept across
restarts. The per-booking count of wrong cancelling tries goes: a reference number is counted there
now, whether a booking has it or not, so that counting does not tell which numbers exist.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attempt",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("next_at", sa.Float, nullable=False),
        sa.Column("forget_at", sa.Float, nullable=False),
    )
    op.create_index("ix_attempt_forget_at", "attempt", ["forget_at"])
    op.drop_column("booking", "cancel_failures")  # SQLite 3.35+ drops a column in place


def downgrade() -> None:
    op.add_column("booking", sa.Column("cancel_failures", sa.Integer, nullable=False, server_default="0"))
    op.drop_index("ix_attempt_forget_at", "attempt")
    op.drop_table("attempt")
