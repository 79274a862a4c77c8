"""Forget what was typed as the user name of a refused staff sign-in, unless it is an account's name.

Such text may be a password typed into the wrong box or a person's name, and the audit log keeps its
lines for ever. Since this version it is never written (builder/auth._refused); this removes what
older versions wrote, keeping each line's action, time and client address. The append-only trigger
is lifted for this one statement, inside the migration's transaction, and an audit line says so.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

APPEND_ONLY = "the audit log is append-only"  # as in 0003


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    if postgresql:
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
    # actor is what was typed (cut to 100 characters); an account's name has at most 64.
    forgotten = bind.execute(sa.text(
        "UPDATE audit_event SET actor = '?', target = NULL WHERE action IN ('auth.failed', 'auth.throttled') "
        "AND (actor <> '?' OR target IS NOT NULL) AND actor NOT IN (SELECT username FROM staff_user)")).rowcount
    if postgresql:
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    else:
        op.execute(f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
                       BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""")
    if forgotten:
        audit = sa.table("audit_event", sa.column("at", sa.DateTime(timezone=True)), sa.column("actor", sa.String),
                         sa.column("action", sa.String), sa.column("detail", sa.JSON))
        op.bulk_insert(audit, [{"at": dt.datetime.now(dt.UTC), "actor": "system", "action": "audit.names_forgotten",
                                "detail": {"actions": ["auth.failed", "auth.throttled"], "lines": forgotten}}])


def downgrade() -> None:
    pass  # what was forgotten cannot come back
