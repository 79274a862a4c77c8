"""Upgrading forgets what older versions wrote down as the user name of a refused staff sign-in, unless it
is an account's name (migration 0010): the line, its time and the client's address stay, the log stays
append-only, and a line of its own says how many were changed."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from generated_apps.domain.audit import Audit
from generated_apps.domain.db import make_engine
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store

from .test_store import POSTGRES, _migrate_to, _postgres_store

TYPED = "correct horse battery"  # a password typed into the name box


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """An empty database of either kind, with no schema yet."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield engine
        engine.dispose()
        return
    store, admin, schema = _postgres_store()
    store.engine.dispose()
    with admin.begin() as c:  # start again from an empty schema
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        c.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(f"{POSTGRES}?options=-csearch_path%3D{schema}")
    yield engine
    engine.dispose()
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def lines(store: Store) -> list[tuple[str, str, str | None, dict]]:
    return [(e.action, e.actor, e.target, e.detail) for e in Audit(store).events()]


def test_upgrading_forgets_typed_names_that_are_no_account_and_keeps_the_rest(engine):
    _migrate_to(engine, "0009")
    store = Store(engine)
    StaffAccounts(store).create("sato", "佐藤 花子", "not a real hash", "staff", by="admin")
    client = {"client": "192.0.2.7"}
    # What version 0009 wrote: the text typed, whatever it was.
    Audit(store).record(TYPED, "auth.failed", target=TYPED, detail=client)
    Audit(store).record("sato", "auth.failed", target="sato", detail=client)
    Audit(store).record("佐藤花子", "auth.throttled", target="佐藤花子", detail=client)
    Audit(store).record("?", "auth.failed", target="", detail=client)  # nothing typed
    before, times = lines(store), [e.at for e in Audit(store).events()]

    _migrate_to(engine, "head")
    assert lines(store) == [
        *before[:1],  # the account was made
        ("auth.failed", "?", None, client),
        ("auth.failed", "sato", "sato", client),
        ("auth.throttled", "?", None, client),
        ("auth.failed", "?", None, client),
        ("audit.names_forgotten", "system", None, {"actions": ["auth.failed", "auth.throttled"], "lines": 3}),
    ]
    assert [e.at for e in Audit(store).events()][:5] == times
    for statement in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as c:
            c.execute(text(statement))


def test_a_database_with_nothing_to_forget_gets_no_line_about_it(engine):
    _migrate_to(engine, "0009")
    store = Store(engine)
    Audit(store).record("?", "auth.failed", target=None, detail={"client": "192.0.2.7"})  # as this version writes it
    _migrate_to(engine, "head")
    assert [e.action for e in Audit(store).events()] == ["auth.failed"]
