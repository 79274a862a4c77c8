"""Furigana: the readings of every Japanese text of a version, computed when it is published.

Versions published before stay NULL here and get their readings the first time they are loaded.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("app_version", sa.Column("readings", sa.JSON))


def downgrade() -> None:
    op.drop_column("app_version", "readings")  # SQLite 3.35+ drops a column in place
