"""Bookings made with a resident's form: the submission they belong to, and wrong tries at cancelling.

Columns added in place (no batch copy of the table), as in 0003.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("booking", sa.Column("submission_id", sa.Integer))
    op.add_column("booking", sa.Column("cancel_failures", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_booking_submission_id", "booking", ["submission_id"])


def downgrade() -> None:
    op.drop_index("ix_booking_submission_id", "booking")
    with op.batch_alter_table("booking") as batch:
        batch.drop_column("cancel_failures")
        batch.drop_column("submission_id")
