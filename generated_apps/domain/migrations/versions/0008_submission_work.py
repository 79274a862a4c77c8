"""Working through submissions: assignment, consultation replies, wrong tries at the status page, a search
text, staff notes, open data; indexes that keep paging quick at a million submissions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from generated_apps.domain.search_text import search_text

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("submission", sa.Column("assigned_to", sa.String(100)))
    op.add_column("submission", sa.Column("updated_at", sa.DateTime(timezone=True)))
    op.add_column("submission", sa.Column("reply", sa.Text))
    op.add_column("submission", sa.Column("replied_at", sa.DateTime(timezone=True)))
    op.add_column("submission", sa.Column("replied_by", sa.String(100)))
    op.add_column("submission", sa.Column("status_failures", sa.Integer, nullable=False, server_default="0"))
    op.add_column("submission", sa.Column("search_text", sa.Text, nullable=False, server_default=""))
    # Each list the table shows is one walk down one of these (the newest first, or by status).
    op.create_index("ix_submission_app_created", "submission", ["app_id", "created_at", "id"])
    op.create_index("ix_submission_app_status", "submission", ["app_id", "status", "created_at", "id"])
    op.create_index("ix_submission_app_reference", "submission", ["app_id", "reference"])

    submission = sa.table("submission", sa.column("id", sa.Integer), sa.column("answers", sa.JSON),
                          sa.column("reference", sa.String), sa.column("search_text", sa.Text))
    connection = op.get_bind()
    rows = connection.execute(sa.select(submission.c.id, submission.c.reference, submission.c.answers)).all()
    for row in rows:
        connection.execute(sa.update(submission).where(submission.c.id == row.id)
                           .values(search_text=search_text(row.reference, row.answers or {})))

    op.create_table(
        "submission_note",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submission.id"), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )

    op.add_column("app", sa.Column("open_data_licence", sa.String(100)))
    op.add_column("app", sa.Column("open_data_at", sa.DateTime(timezone=True)))
    op.add_column("app", sa.Column("open_data_by", sa.String(100)))


def downgrade() -> None:
    for column in ("open_data_by", "open_data_at", "open_data_licence"):
        op.drop_column("app", column)  # SQLite 3.35+ drops a column in place
    op.drop_table("submission_note")
    op.drop_index("ix_submission_app_reference", "submission")
    op.drop_index("ix_submission_app_status", "submission")
    op.drop_index("ix_submission_app_created", "submission")
    for column in ("search_text", "status_failures", "replied_by", "replied_at", "reply", "updated_at",
                   "assigned_to"):
        op.drop_column("submission", column)
