"""`madoguchi backup` and `madoguchi restore`: a round trip that loses nothing, on SQLite and PostgreSQL.

Round trips compare every row of every table, so a column or table added later is covered without
touching these tests.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, select, text

from builder.cli import main
from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.backup import BackupError, backup, restore
from generated_apps.domain.bookings import Bookings
from generated_apps.domain.db import MIGRATIONS
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import Submissions
from widgets import AppSpec

from .test_store import _postgres_store

SURVEY = {
    "slug": "kouen", "title": {"ja": "公園のアンケート", "en": "Park survey"},
    "lifecycle": {"retention_days": 365, "no_end": True}, "contact": {"phone": "0142-23-3331"},
    "pages": [{"widgets": [{"type": "long_text", "key": "opinion", "label": {"ja": "ご意見", "en": "Opinion"}}]},
              {"widgets": [{"type": "name", "key": "name", "label": {"ja": "お名前", "en": "Name"}}]}],
}


def fill(store: Store, residents: int = 20) -> None:
    """Apps, versions, staff, access points, submissions with notes, a booking resource and the audit log."""
    app = Apps(store).create(AppSpec.model_validate(SURVEY), by="kato")
    Lifecycle(store).publish(app.slug, by="kato")
    AccessPoints(store).create(app.id, "市役所1階", by="kato")
    StaffAccounts(store).create("suzuki", "鈴木", "argon2-hash", "staff", by="kato")
    version = Apps(store).versions(app.id)[0]
    for n in range(residents):
        answers = {"opinion": f"ベンチを増やして {n} <script>alert(1)</script> =1+1", "name": f"住民 {n}"}
        Drafts(store).submit(Drafts(store).create(app.id, version.id, answers), answers, "ja")
    Bookings(store).create_resource("体育館", {"mon": [{"start": "10:00", "end": "12:00", "capacity": 4}]}, by="kato")


def every_row(engine) -> dict[str, list[tuple]]:
    """Every table's rows, in primary-key order."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as c:
        return {name: [tuple(row) for row in c.execute(select(table).order_by(*table.primary_key.columns))]
                for name, table in sorted(metadata.tables.items())}


@pytest.fixture
def sqlite_store(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'live' / 'madoguchi.sqlite3'}")
    yield store
    store.engine.dispose()


def test_a_sqlite_backup_restored_into_an_empty_place_holds_every_row(sqlite_store, tmp_path):
    fill(sqlite_store)
    before = every_row(sqlite_store.engine)
    summary = backup(str(sqlite_store.engine.url), tmp_path / "backups" / "2026-11-27.sqlite3")
    assert summary.counts["submissions"] == 20 and summary.counts["apps"] == 1 and summary.counts["staff"] == 1

    elsewhere = f"sqlite:///{tmp_path / 'new-machine' / 'madoguchi.sqlite3'}"
    restored, kept = restore(elsewhere, tmp_path / "backups" / "2026-11-27.sqlite3")
    assert kept is None  # there was nothing there to keep
    assert restored == summary
    engine = create_engine(elsewhere)
    assert every_row(engine) == before
    engine.dispose()


def test_a_backup_taken_while_residents_are_sending_is_one_consistent_moment(sqlite_store, tmp_path):
    fill(sqlite_store, residents=5)
    app = Apps(sqlite_store).by_slug("kouen")
    version = Apps(sqlite_store).versions(app.id)[0]
    sent, stop = [], threading.Event()

    def residents_keep_sending() -> None:
        while not stop.is_set():
            answers = {"opinion": "x" * 2000, "name": "住民"}
            sent.append(Drafts(sqlite_store).submit(Drafts(sqlite_store).create(app.id, version.id, answers),
                                                    answers, "ja"))

    writer = threading.Thread(target=residents_keep_sending)
    writer.start()
    try:
        while len(sent) < 20:
            threading.Event().wait(0.01)
        counted_before = len(sent)
        summary = backup(str(sqlite_store.engine.url), tmp_path / "busy.sqlite3")
        counted_after = len(sent)
    finally:
        stop.set()
        writer.join()
    assert 5 + counted_before <= summary.counts["submissions"] <= 5 + counted_after + 1
    copy = sqlite3.connect(tmp_path / "busy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, nothing beside it
    # Each submission's draft is there with it: no half-written resident.
    orphans = copy.execute("SELECT count(*) FROM submission WHERE draft_id IS NOT NULL AND draft_id NOT IN "
                           "(SELECT id FROM draft)").fetchone()[0]
    copy.close()
    assert orphans == 0
    assert not list(tmp_path.glob("*.partial"))


def test_restoring_over_a_database_keeps_what_was_there_in_a_copy_beside_it(sqlite_store, tmp_path):
    fill(sqlite_store, residents=3)
    url = str(sqlite_store.engine.url)
    backup(url, tmp_path / "three.sqlite3")
    fill_more = Apps(sqlite_store).create(AppSpec.model_validate({**SURVEY, "slug": "michi"}), by="kato")
    newer = every_row(sqlite_store.engine)

    _summary, kept = restore(url, tmp_path / "three.sqlite3")
    assert Apps(sqlite_store).by_slug("michi") is None  # the database is as the backup was...
    assert Apps(sqlite_store).by_slug("kouen") is not None
    engine = create_engine(f"sqlite:///{kept}")  # ...and what was there before is all in the copy
    assert every_row(engine) == newer and fill_more.id in [row[0] for row in newer["app"]]
    engine.dispose()


def test_an_older_backup_is_brought_to_the_current_schema_when_opened(tmp_path):
    old = tmp_path / "old.sqlite3"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(f"sqlite:///{old}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
    engine.dispose()
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    summary, _kept = restore(url, old)
    assert summary.revision == "0007"
    store = Store.open(url)
    with store.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() != "0007"
    store.engine.dispose()


@pytest.mark.parametrize("content, reason", [
    (b"", "not a Madoguchi database"),
    (b"PK\x03\x04 this is a zip file, not a database" * 100, "not a SQLite database"),
])
def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(sqlite_store, tmp_path, content, reason):
    fill(sqlite_store, residents=2)
    before = every_row(sqlite_store.engine)
    wrong = tmp_path / "wrong.sqlite3"
    wrong.write_bytes(content)
    with pytest.raises(BackupError, match=reason):
        restore(str(sqlite_store.engine.url), wrong)
    assert every_row(sqlite_store.engine) == before
    assert not list((tmp_path / "live").glob("*before-restore*"))


def test_a_backup_from_a_newer_madoguchi_is_refused(sqlite_store, tmp_path):
    backup(str(sqlite_store.engine.url), tmp_path / "b.sqlite3")
    copy = sqlite3.connect(tmp_path / "b.sqlite3")
    copy.execute("UPDATE alembic_version SET version_num = '9999'")
    copy.commit()
    copy.close()
    with pytest.raises(BackupError, match="newer Madoguchi"):
        restore(str(sqlite_store.engine.url), tmp_path / "b.sqlite3")


def test_a_backup_never_overwrites_another(sqlite_store, tmp_path):
    (tmp_path / "taken.sqlite3").write_bytes(b"yesterday's backup")
    with pytest.raises(BackupError, match="already exists"):
        backup(str(sqlite_store.engine.url), tmp_path / "taken.sqlite3")
    assert (tmp_path / "taken.sqlite3").read_bytes() == b"yesterday's backup"


def test_the_commands_say_what_they_did_and_are_audited(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MADOGUCHI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MADOGUCHI_DATABASE_URL", raising=False)
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'madoguchi.sqlite3'}")
    fill(store, residents=4)
    assert main(["backup", str(tmp_path / "nightly.sqlite3")]) == 0
    assert "4 submissions" in capsys.readouterr().out

    assert main(["backup", str(tmp_path / "nightly.sqlite3")]) == 1
    assert "already exists" in capsys.readouterr().err

    monkeypatch.setattr("builtins.input", lambda _prompt: "no")
    assert main(["restore", str(tmp_path / "nightly.sqlite3")]) == 1
    assert "Nothing was changed" in capsys.readouterr().out

    assert main(["restore", "--yes", str(tmp_path / "nightly.sqlite3")]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "before-restore" in out
    actions = [event.action for event in Audit(store).events()]
    assert actions[-1] == "database.restore"  # written into the restored database
    assert "database.backup" not in actions  # the backup's own line came after its copy was taken
    store.engine.dispose()


def test_a_postgresql_backup_restored_brings_back_every_row():
    store, admin, schema = _postgres_store()
    try:
        fill(store)
        before = every_row(store.engine)
        url = store.engine.url.render_as_string(hide_password=False)
        with tempfile.TemporaryDirectory() as folder:
            dump = Path(folder) / "nightly.dump"
            backup(url, dump)
            with store.engine.begin() as c:  # a bad day: residents' data lost
                c.execute(text("UPDATE submission SET answers = '{}', status = 'closed'"))
                c.execute(text("DELETE FROM access_point"))
                c.execute(text("UPDATE app SET slug = 'broken'"))
            _summary, kept = restore(url, dump)
            assert kept.exists()
        store.engine.dispose()
        assert every_row(store.engine) == before
    finally:
        store.engine.dispose()
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_the_database_and_its_backups_are_readable_by_this_user_only(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'fresh' / 'madoguchi.sqlite3'}")
    fill(store, residents=1)
    backup(str(store.engine.url), tmp_path / "b.sqlite3")
    store.engine.dispose()
    assert (tmp_path / "fresh").stat().st_mode & 0o777 == 0o700
    for path in [*(tmp_path / "fresh").iterdir(), tmp_path / "b.sqlite3"]:
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"


def test_the_postgresql_password_never_appears_on_a_command_line():
    from generated_apps.domain.backup import _libpq

    uri, password, schema = _libpq("postgresql+psycopg://madoguchi:s%40cret@db.example:5432/city"
                                   "?options=-csearch_path%3Dmdg")
    assert (uri, password, schema) == ("postgresql://madoguchi@db.example:5432/city?options=-csearch_path%3Dmdg",
                                       "s@cret", "mdg")


def test_a_failed_statement_never_carries_what_a_resident_wrote(sqlite_store):
    from sqlalchemy.exc import IntegrityError

    fill(sqlite_store, residents=1)
    [submission] = Submissions(sqlite_store).of_app(Apps(sqlite_store).by_slug("kouen").id)
    marker = "伊達市梅本町 2-3 秘密の相談"
    with pytest.raises(IntegrityError) as error, sqlite_store.engine.begin() as c:  # a reference number taken twice
        c.execute(text("INSERT INTO submission (app_id, version_id, reference, answers, lang, created_at, status, "
                       "status_failures, search_text) SELECT app_id, version_id, reference, :answers, lang, "
                       "created_at, status, 0, :answers FROM submission WHERE id = :id"),
                  {"answers": f'{{"secret": "{marker}"}}', "id": submission.id})
    assert marker not in str(error.value)
