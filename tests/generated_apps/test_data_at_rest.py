"""What lies on the server's disk: for the server's user only, even when an older version made it, and
each SQLite commit on disk before a resident is told it is saved."""

from __future__ import annotations

import sqlite3

from generated_apps.domain.config import Settings
from generated_apps.domain.store import Store
from generated_apps.web.asgi import create_app


def mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_files_an_older_version_left_readable_by_others_are_made_private_at_start(tmp_path, monkeypatch):
    """Before every command ran with umask 077, the data dir, the database, its -wal and -shm files and
    secret.key could be made readable by every user of the machine; the next start takes that away."""
    monkeypatch.delenv("MADOGUCHI_SECRET_KEY", raising=False)
    data_dir = tmp_path / "madoguchi-data"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    (data_dir / "secret.key").write_text("an older key\n")
    (data_dir / "secret.key").chmod(0o644)
    database = data_dir / "madoguchi.sqlite3"
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{database}", public_url="http://testserver")
    Store.open(settings.database_url).engine.dispose()
    # Another process has the database open in WAL mode, so its -wal and -shm files are there too.
    other = sqlite3.connect(database)
    try:
        other.execute("PRAGMA journal_mode=WAL")
        other.execute("CREATE TABLE IF NOT EXISTS older (x)")
        other.commit()
        files = [database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")]
        for path in files:
            path.chmod(0o644)
        assert {mode(path) for path in files} == {0o644}

        app = create_app(settings)

        assert mode(data_dir) == 0o700
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
        assert mode(data_dir / "secret.key") == 0o600
        assert app.state.site.secret == b"an older key"  # the same key, only better kept
    finally:
        other.close()


def test_tightening_only_takes_permissions_away(tmp_path):
    from generated_apps.domain.config import tighten

    read_only = tmp_path / "read-only"
    read_only.write_text("x")
    read_only.chmod(0o444)
    tighten(read_only, 0o600)
    assert mode(read_only) == 0o400
    tighten(tmp_path / "missing", 0o600)  # nothing there: nothing to do


def test_every_sqlite_connection_of_the_store_writes_each_commit_through_to_disk(store):
    """synchronous=FULL (2): a commit is on disk before the resident sees their reference number, even
    if the power fails; and WAL, so that residents' reads never wait for a write."""
    first, second = store.engine.raw_connection(), store.engine.raw_connection()  # two connections of the pool
    try:
        for connection in (first, second):
            cursor = connection.cursor()
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            cursor.close()
    finally:
        first.close()
        second.close()
