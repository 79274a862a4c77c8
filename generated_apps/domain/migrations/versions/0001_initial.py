"""The first schema: apps, their published versions, residents' drafts, submissions, the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(63), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("draft_spec", sa.JSON, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100)),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
        sa.Column("retire_message", sa.Text),
    )
    op.create_index("ix_app_slug", "app", ["slug"], unique=True)

    op.create_table(
        "app_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("app_id", sa.Integer, sa.ForeignKey("app.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("spec_hash", sa.String(64), nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("app_id", "number"),
    )
    op.create_index("ix_app_version_app_id", "app_version", ["app_id"])

    op.create_table(
        "submission",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("app_id", sa.Integer, sa.ForeignKey("app.id"), nullable=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("app_version.id"), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("lang", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("draft_id", sa.String(64), unique=True),
        sa.Column("access_point", sa.String(20)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("entered_by", sa.String(100)),
    )
    op.create_index("ix_submission_app_id", "submission", ["app_id"])
    op.create_index("ix_submission_created_at", "submission", ["created_at"])

    op.create_table(
        "draft",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("app_id", sa.Integer, sa.ForeignKey("app.id"), nullable=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("app_version.id"), nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("access_point", sa.String(20)),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submission.id")),
    )
    op.create_index("ix_draft_app_id", "draft", ["app_id"])
    op.create_index("ix_draft_expires_at", "draft", ["expires_at"])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("app_id", sa.Integer, sa.ForeignKey("app.id")),
        sa.Column("target", sa.String(200)),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_app_id", "audit_event", ["app_id"])


def downgrade() -> None:
    for table in ("audit_event", "draft", "submission", "app_version", "app"):
        op.drop_table(table)
