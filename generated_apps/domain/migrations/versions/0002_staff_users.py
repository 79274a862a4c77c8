"""Staff accounts for the builder, and who created and last changed each app.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("must_change_password", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_staff_user_username", "staff_user", ["username"], unique=True)
    with op.batch_alter_table("app") as batch:
        batch.add_column(sa.Column("created_by", sa.String(100)))


def downgrade() -> None:
    with op.batch_alter_table("app") as batch:
        batch.drop_column("created_by")
    op.drop_index("ix_staff_user_username", "staff_user")
    op.drop_table("staff_user")
