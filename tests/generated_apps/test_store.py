"""The store, on a real SQLite file and on the PostgreSQL server the scale path uses."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.db import MIGRATIONS
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.errors import EditConflict, PublishRefused, SlugTaken
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import Draft, utcnow
from generated_apps.domain.refnum import parse_reference
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import Submissions
from widgets import AppSpec, LocalizedText

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_store():
    """A store in a schema of its own on the local PostgreSQL, or a skip that says why."""
    try:
        admin = create_engine(POSTGRES, connect_args={"connect_timeout": 3})
        schema = "mdg_test_" + secrets.token_hex(4)
        with admin.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means: skip, saying why
        pytest.skip(f"no PostgreSQL reachable at 127.0.0.1:5432 (database 'test', user 'postgres'): {error}")
    store = Store.open(f"{POSTGRES}?options=-csearch_path%3D{schema}")
    return store, admin, schema


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, store):
    if request.param == "sqlite":
        yield store
        return
    pg, admin, schema = _postgres_store()
    yield pg
    pg.engine.dispose()
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_the_schema_comes_from_the_alembic_migrations(any_store):
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    with any_store.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == head == "0011"


def _migrate_to(engine, revision: str, direction: str = "upgrade") -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_database_in_use_upgrades_to_the_newest_schema_and_back(tmp_path, example_spec, database):
    """Not only an empty one: apps, versions, drafts, submissions and audit lines point at the tables changed."""
    from generated_apps.domain.db import make_engine

    if database == "sqlite":
        url, cleanup = f"sqlite:///{tmp_path / 'old.sqlite3'}", None
    else:
        _store, admin, schema = _postgres_store()
        _store.engine.dispose()
        with admin.begin() as c:  # start again from an empty schema
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            c.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{POSTGRES}?options=-csearch_path%3D{schema}"

        def cleanup():
            with admin.begin() as c:
                c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    engine = make_engine(url)
    try:
        _migrate_to(engine, "0002")
        now = utcnow()
        with engine.begin() as c:
            c.execute(text("INSERT INTO app (id, slug, kind, draft_spec, revision, created_at, updated_at) "
                           "VALUES (1, 'library-survey', 'form', :spec, 1, :now, :now)"),
                      {"spec": json.dumps(example_spec), "now": now})
            c.execute(text("INSERT INTO app_version (id, app_id, number, spec, spec_hash, published_by, published_at) "
                           "VALUES (1, 1, 1, :spec, 'h', 'admin', :now)"),
                      {"spec": json.dumps(example_spec), "now": now})
            c.execute(text("INSERT INTO audit_event (at, actor, action, app_id, detail) VALUES (:now, 'admin', "
                           "'app.publish', 1, '{}')"), {"now": now})
        store = Store(engine)
        from generated_apps.domain.db import migrate

        migrate(engine)
        version = Apps(store).versions(1)[0]
        assert (version.number, version.created_at) == (1, version.published_at)
        assert LiveApps(store).get("library-survey").version_number == 1
        _migrate_to(engine, "0002", "downgrade")
        _migrate_to(engine, "head")
        assert LiveApps(store).get("library-survey") is not None
    finally:
        engine.dispose()
        if cleanup:
            cleanup()


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(store):
    with store.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_publishing_freezes_the_draft_into_numbered_versions(any_store, example_spec):
    spec = AppSpec.model_validate(example_spec)
    Apps(any_store).save_app(spec, by="tanaka")
    assert LiveApps(any_store).get(spec.slug).status() == "draft"
    first = Lifecycle(any_store).publish(spec.slug, by="tanaka")
    assert first.number == 1 and len(first.spec_hash) == 64

    example_spec["title"]["ja"] = "図書館アンケート（改訂）"
    Apps(any_store).save_app(AppSpec.model_validate(example_spec), by="sato")
    live = LiveApps(any_store).get(spec.slug)
    assert live.version_number == 1 and live.spec.title.text("ja") == "図書館アンケート"  # residents see v1

    second = Lifecycle(any_store).publish(spec.slug, by="sato")
    assert second.number == 2 and second.spec_hash != first.spec_hash
    assert LiveApps(any_store).get(spec.slug).spec.title.text("ja") == "図書館アンケート（改訂）"
    actions = [e.action for e in Audit(any_store).events(live.app_id)]
    assert actions == ["app.create", "app.publish", "app.update", "app.publish"]


def test_publishing_is_refused_while_the_lint_finds_errors(any_store, example_spec):
    example_spec["pages"][2]["widgets"][0]["key"] = "visited"  # the same data key twice
    Apps(any_store).save_app(AppSpec.model_validate(example_spec), by="tanaka")
    with pytest.raises(PublishRefused) as refused:
        Lifecycle(any_store).publish("library-survey", by="tanaka")
    assert any("visited" in e for e in refused.value.errors)
    assert LiveApps(any_store).get("library-survey").version_id is None


def test_a_retired_app_says_so_from_the_moment_it_is_retired(any_store, example_spec):
    spec = AppSpec.model_validate(example_spec)
    Apps(any_store).save_app(spec, by="tanaka")
    Lifecycle(any_store).publish(spec.slug, by="tanaka")
    Lifecycle(any_store).retire(spec.slug, by="admin", at=utcnow() + dt.timedelta(hours=1))
    live = LiveApps(any_store).get(spec.slug)
    assert live.status() == "live"
    assert live.status(now=utcnow() + dt.timedelta(hours=2)) == "retired"


def _published(store, example_spec):
    spec = AppSpec.model_validate(example_spec)
    Apps(store).save_app(spec, by="tanaka")
    Lifecycle(store).publish(spec.slug, by="tanaka")
    return LiveApps(store).get(spec.slug)


def test_a_draft_is_pinned_to_its_version_and_found_only_with_its_id(any_store, example_spec):
    live = _published(any_store, example_spec)
    draft = Drafts(any_store).create(live.app_id, live.version_id, {"visited": "yes"})
    assert len(draft.id) >= 40
    Drafts(any_store).save_answers(draft.id, {"visited": "no"})
    found = Drafts(any_store).get(draft.id, live.app_id)
    assert found.answers == {"visited": "no"} and found.version_id == live.version_id
    assert Drafts(any_store).get("not-a-real-id", live.app_id) is None
    assert Drafts(any_store).get(draft.id + "x" * 100, live.app_id) is None
    assert Drafts(any_store).get(draft.id, live.app_id + 1) is None


def test_an_expired_draft_is_not_found(any_store, example_spec):
    live = _published(any_store, example_spec)
    draft = Drafts(any_store).create(live.app_id, live.version_id, {})
    with any_store.session() as s:
        row = s.get(Draft, draft.id)
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
        s.add(row)
        s.commit()
    assert Drafts(any_store).get(draft.id, live.app_id) is None


def test_submitting_a_draft_twice_gives_one_submission_and_one_reference(any_store, example_spec):
    live = _published(any_store, example_spec)
    draft = Drafts(any_store).create(live.app_id, live.version_id, {"visited": "no", "town": None})
    first = Drafts(any_store).submit(draft, {"visited": "no", "town": None}, "ja")
    second = Drafts(any_store).submit(draft, {"visited": "no", "town": None}, "ja")
    assert first.reference == second.reference and parse_reference(first.reference) == first.reference
    assert len(Submissions(any_store).of_app(live.app_id)) == 1
    assert Drafts(any_store).get(draft.id, live.app_id).submission_id == first.id


def test_simultaneous_submits_of_one_draft_store_it_once(any_store, example_spec):
    live = _published(any_store, example_spec)
    draft = Drafts(any_store).create(live.app_id, live.version_id, {"visited": "no", "town": None})
    with ThreadPoolExecutor(max_workers=8) as pool:
        refs = list(pool.map(lambda _: Drafts(any_store).submit(draft, {"visited": "no"}, "ja").reference, range(16)))
    assert len(set(refs)) == 1
    assert len(Submissions(any_store).of_app(live.app_id)) == 1


def test_publishing_a_retired_app_reopens_it(any_store, example_spec):
    live = _published(any_store, example_spec)
    Lifecycle(any_store).retire(live.slug, by="admin", message="終了しました")
    assert LiveApps(any_store).get(live.slug).status() == "retired"
    Lifecycle(any_store).publish(live.slug, by="admin")
    assert LiveApps(any_store).get(live.slug).status() == "live"


def test_a_draft_id_that_is_not_ours_is_not_looked_up(any_store, example_spec):
    live = _published(any_store, example_spec)
    for bad in ["a\x00b", "x" * 43 + "\x00", "'; DROP TABLE draft; --", "é" * 43]:
        assert Drafts(any_store).get(bad, live.app_id) is None


# --- the builder's side: drafts saved with a revision check, the dashboard, staff accounts ---------


def test_saving_a_draft_needs_the_revision_it_was_loaded_at(any_store, example_spec):
    example_spec = AppSpec.model_validate(example_spec)
    app = Apps(any_store).create(example_spec, by="sato")
    edited = example_spec.model_copy(update={"description": LocalizedText({"ja": "改訂"})})
    saved = Apps(any_store).save_draft(app.id, edited, revision=app.revision, by="sato")
    assert saved.revision == app.revision + 1
    # A second editor still holding the old revision is refused, and told who saved first.
    with pytest.raises(EditConflict) as conflict:
        Apps(any_store).save_draft(app.id, example_spec, revision=app.revision, by="suzuki")
    assert (conflict.value.revision, conflict.value.updated_by) == (saved.revision, "sato")
    assert Apps(any_store).by_id(app.id).draft_spec["description"] == {"ja": "改訂"}


def test_an_address_belongs_to_one_app(any_store, example_spec):
    example_spec = AppSpec.model_validate(example_spec)
    first = Apps(any_store).create(example_spec, by="sato")
    with pytest.raises(SlugTaken):
        Apps(any_store).create(example_spec, by="sato")
    other = Apps(any_store).create(example_spec.model_copy(update={"slug": "other"}), by="sato")
    with pytest.raises(SlugTaken):
        Apps(any_store).save_draft(other.id, example_spec, revision=other.revision, by="sato")
    assert Apps(any_store).by_id(other.id).slug == "other"
    assert Apps(any_store).free_slug(example_spec.slug) == f"{example_spec.slug}-2"
    assert Apps(any_store).slug_free(example_spec.slug, except_app=first.id)
    assert not Apps(any_store).slug_free(example_spec.slug, except_app=other.id)


def test_a_draft_moves_its_address_at_once_but_a_live_app_only_when_published(any_store, example_spec):
    example_spec = AppSpec.model_validate(example_spec)
    draft_only = Apps(any_store).create(example_spec.model_copy(update={"slug": "not-yet-live"}), by="sato")
    Apps(any_store).save_draft(draft_only.id, example_spec.model_copy(update={"slug": "still-a-draft"}),
                         revision=draft_only.revision, by="sato")
    assert Apps(any_store).by_slug("still-a-draft").id == draft_only.id

    app = Apps(any_store).create(example_spec, by="sato")
    Lifecycle(any_store).publish(example_spec.slug, by="admin")
    Apps(any_store).save_draft(app.id, example_spec.model_copy(update={"slug": "renamed"}), revision=app.revision,
                               by="sato")
    # Residents, and every printed link, still find the live app where it was.
    assert LiveApps(any_store).get(example_spec.slug).version_number == 1
    assert LiveApps(any_store).get("renamed") is None
    Lifecycle(any_store).publish(example_spec.slug, by="admin")
    assert LiveApps(any_store).get(example_spec.slug) is None
    assert LiveApps(any_store).get("renamed").version_number == 2


def test_publishing_a_new_address_another_app_took_is_refused(any_store, example_spec):
    example_spec = AppSpec.model_validate(example_spec)
    app = Apps(any_store).create(example_spec, by="sato")
    Lifecycle(any_store).publish(example_spec.slug, by="admin")
    Apps(any_store).save_draft(app.id, example_spec.model_copy(update={"slug": "wanted"}), revision=app.revision,
                               by="sato")
    Apps(any_store).create(example_spec.model_copy(update={"slug": "wanted"}), by="suzuki")
    with pytest.raises(SlugTaken):
        Lifecycle(any_store).publish(example_spec.slug, by="admin")
    assert LiveApps(any_store).get(example_spec.slug).version_number == 1


def test_the_dashboard_status_is_derived_from_versions_and_the_draft(any_store, example_spec):
    example_spec = AppSpec.model_validate(example_spec)
    app = Apps(any_store).create(example_spec, by="sato")

    def status():
        return {s.slug: s.status for s in Apps(any_store).summaries()}[example_spec.slug]

    assert status() == "draft"
    Lifecycle(any_store).publish(example_spec.slug, by="admin")
    assert status() == "live"
    current = Apps(any_store).by_id(app.id)
    Apps(any_store).save_draft(app.id, example_spec.model_copy(update={"description": LocalizedText({"ja": "改訂"})}),
                         revision=current.revision, by="sato")
    assert status() == "live_with_changes"
    Lifecycle(any_store).retire(example_spec.slug, by="admin", at=utcnow() + dt.timedelta(days=1))
    assert status() == "live_with_changes"  # a retirement still to come changes nothing yet
    Lifecycle(any_store).retire(example_spec.slug, by="admin")
    assert status() == "retired"


def test_the_dashboard_counts_submissions_and_names_who_changed_what(any_store, example_spec):
    example_spec = AppSpec.model_validate(example_spec)
    Apps(any_store).create(example_spec, by="sato")
    Lifecycle(any_store).publish(example_spec.slug, by="admin")
    live = LiveApps(any_store).get(example_spec.slug)
    for _ in range(3):
        draft = Drafts(any_store).create(live.app_id, live.version_id, {})
        Drafts(any_store).submit(draft, {}, "ja")
    [summary] = Apps(any_store).summaries()
    assert (summary.submissions, summary.updated_by, summary.live_version) == (3, "sato", 1)


def test_staff_accounts_have_unique_names(any_store):
    assert StaffAccounts(any_store).count() == 0
    user = StaffAccounts(any_store).create("sato", "佐藤 花子", "$argon2id$x", "admin", by="setup")
    with pytest.raises(ValueError):
        StaffAccounts(any_store).create("sato", "別人", "$argon2id$y", "staff", by="setup")
    assert StaffAccounts(any_store).count() == 1
    StaffAccounts(any_store).record_sign_in(user.id)
    assert StaffAccounts(any_store).by_username("sato").last_sign_in_at is not None
    assert [e.action for e in Audit(any_store).events()] == ["user.create", "auth.sign_in"]


def test_a_burst_of_saves_by_one_person_is_one_audit_line(any_store, example_spec):
    example_spec = AppSpec.model_validate(example_spec)
    app = Apps(any_store).create(example_spec, by="sato")
    revision = app.revision
    for words in ("改", "改訂", "改訂版"):
        revision = Apps(any_store).save_draft(
            app.id, example_spec.model_copy(update={"description": LocalizedText({"ja": words})}),
            revision=revision, by="sato").revision
    revision = Apps(any_store).save_draft(app.id, example_spec, revision=revision, by="suzuki").revision
    edits = [(e.actor, e.action) for e in Audit(any_store).events(app.id) if e.action == "app.edit"]
    assert edits == [("sato", "app.edit"), ("suzuki", "app.edit")]

