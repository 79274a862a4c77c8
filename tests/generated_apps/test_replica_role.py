"""A public replica can run with a PostgreSQL role that reads and writes only what residents need.

The builder migrates the schema (as the owner); the replica starts with MADOGUCHI_MIGRATE=0 and the
role README.md documents (REPLICA_GRANTS): it serves pages, takes a survey, and answers the status
page, but cannot read staff accounts, staff notes or the audit log, nor change any table.
"""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import Submissions
from generated_apps.web.asgi import create_app
from tests.htmlpage import form_fields, parse
from widgets import AppSpec

from .test_crash_safety import REFERENCE, SURVEY
from .test_store import POSTGRES, _postgres_store

# What README.md tells a city to grant its replicas' role (schema and role names filled in).
REPLICA_GRANTS = """
GRANT USAGE ON SCHEMA {schema} TO {role};
GRANT SELECT ON {schema}.alembic_version, {schema}.app, {schema}.app_version, {schema}.access_point,
      {schema}.emergency_banner, {schema}.resource, {schema}.slot TO {role};
GRANT SELECT, INSERT, UPDATE ON {schema}.draft, {schema}.submission, {schema}.booking, {schema}.scan_count TO {role};
GRANT DELETE ON {schema}.booking TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON {schema}.attempt TO {role};
GRANT UPDATE ON {schema}.slot TO {role};
GRANT UPDATE (readings) ON {schema}.app_version TO {role};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role};
"""


@pytest.fixture
def replica_url():
    store, admin, schema = _postgres_store()
    role = "mdg_replica_" + secrets.token_hex(4)
    with admin.begin() as c:
        c.execute(text(f"CREATE ROLE {role} LOGIN"))
        for statement in REPLICA_GRANTS.format(schema=schema, role=role).split(";"):
            if statement.strip():
                c.execute(text(statement))
    url = POSTGRES.replace("postgres@", f"{role}@", 1) + f"?options=-csearch_path%3D{schema}"
    yield store, url
    store.engine.dispose()
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        c.execute(text(f"DROP OWNED BY {role}"))
        c.execute(text(f"DROP ROLE {role}"))
    admin.dispose()


def test_a_replica_with_only_the_residents_grants_serves_and_takes_forms(replica_url, settings, monkeypatch):
    owner, url = replica_url
    spec = AppSpec.model_validate({**SURVEY.model_dump(mode="json", exclude_none=True), "kind": "consultation",
                                   "pages": [*SURVEY.model_dump(mode="json", exclude_none=True)["pages"],
                                             {"widgets": [{"type": "phone", "key": "phone",
                                                           "label": {"ja": "電話番号", "en": "Phone"}}]}]})
    Apps(owner).save_app(spec, by="kato")
    Lifecycle(owner).publish("iken", by="kato")

    monkeypatch.setenv("MADOGUCHI_MIGRATE", "0")
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", url)
    with TestClient(create_app(settings.__class__(**{**settings.__dict__, "database_url": url})),
                    follow_redirects=False) as client:
        assert client.get("/").status_code == 200
        token = form_fields(parse(client.get("/a/iken/p/1").text))["csrf"]
        for page, data in ((1, {"view": "公園にベンチを"}), (2, {"name": "伊達 花子"}), (3, {"phone": "0142-23-3331"})):
            assert client.post(f"/a/iken/p/{page}", data={"csrf": token, **data}).status_code == 303
        assert client.post("/a/iken/submit", data={"csrf": token}).status_code == 303
        reference = REFERENCE.search(client.get("/a/iken/done").text).group(1)
        token = form_fields(parse(client.get("/a/iken/status").text))["csrf"]
        status = client.post("/a/iken/status", data={"csrf": token, "reference": reference, "last4": "3331"})
        assert status.status_code == 200 and "受付済" in status.text
    assert [s.reference for s in Submissions(owner).of_app(Apps(owner).by_slug("iken").id)] == [reference]

    replica = create_engine(url)
    try:
        for table in ("staff_user", "submission_note", "audit_event"):
            with pytest.raises(ProgrammingError, match="permission denied"), replica.connect() as c:
                c.execute(text(f"SELECT count(*) FROM {table}"))
        with pytest.raises(ProgrammingError, match="permission denied|must be owner"), replica.begin() as c:
            c.execute(text("ALTER TABLE submission ADD COLUMN stolen text"))
    finally:
        replica.dispose()


def test_a_replica_told_not_to_migrate_leaves_the_schema_alone(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'empty.sqlite3'}", migrate_schema=False)
    with store.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'table'")).scalar() == 0
    store.engine.dispose()
