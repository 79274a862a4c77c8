"""Lifecycle: scheduled and cancelled versions, roll-backs, successors of retired apps; an append-only audit log.

Columns are added with plain ALTER TABLE ADD COLUMN (all nullable), never a batch table copy: on
SQLite a copy drops and recreates the table, which the foreign keys of the rows pointing at it forbid.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APPEND_ONLY = "the audit log is append-only"
VERSION_COLUMNS = ("created_at", "rollback_of", "cancelled_at", "cancelled_by")


def upgrade() -> None:
    # published_at is when residents first see a version (in the future: scheduled);
    # created_at is when an admin made it.
    op.add_column("app_version", sa.Column("created_at", sa.DateTime(timezone=True)))
    op.add_column("app_version", sa.Column("rollback_of", sa.Integer))
    op.add_column("app_version", sa.Column("cancelled_at", sa.DateTime(timezone=True)))
    op.add_column("app_version", sa.Column("cancelled_by", sa.String(100)))
    op.execute("UPDATE app_version SET created_at = published_at")
    postgresql = op.get_bind().dialect.name == "postgresql"
    # No foreign key: SQLite cannot add one to a table in place. The store checks that the
    # successor exists, and apps are never deleted.
    op.add_column("app", sa.Column("successor_id", sa.Integer))
    if postgresql:
        op.execute(f"""
            CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END; $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
                      FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER audit_event_no_{event.lower()} BEFORE {event} ON audit_event
                           BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute("DROP TRIGGER audit_event_no_delete")
    op.drop_column("app", "successor_id")  # SQLite 3.35+ drops a column in place
    for column in reversed(VERSION_COLUMNS):
        op.drop_column("app_version", column)
