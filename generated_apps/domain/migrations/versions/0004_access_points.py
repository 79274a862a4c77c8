"""Access points (the QR codes at counters and on posters) and their scans per day.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_point",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("app_id", sa.Integer, sa.ForeignKey("app.id"), nullable=False),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_access_point_app_id", "access_point", ["app_id"])
    op.create_index("ix_access_point_code", "access_point", ["code"], unique=True)
    op.create_table(
        "scan_count",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("access_point_id", sa.Integer, sa.ForeignKey("access_point.id"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.UniqueConstraint("access_point_id", "day"),
    )
    op.create_index("ix_scan_count_access_point_id", "scan_count", ["access_point_id"])


def downgrade() -> None:
    op.drop_index("ix_scan_count_access_point_id", "scan_count")
    op.drop_table("scan_count")
    op.drop_index("ix_access_point_code", "access_point")
    op.drop_index("ix_access_point_app_id", "access_point")
    op.drop_table("access_point")
