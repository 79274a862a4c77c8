"""Backup and restore: a consistent copy of the whole database, and putting one back.

SQLite: the online backup API copies the database in one step under a read transaction, so the
copy is a single moment even while residents go on sending (WAL lets them write meanwhile). The
copy is one self-contained file, checked before it is named as the backup.

PostgreSQL: pg_dump's custom format (also one consistent snapshot), put back by pg_restore in a
single transaction, so a restore that fails changes nothing.

A restore first copies what is there now beside it ("before-restore"), so nothing already stored
is lost even by restoring the wrong file. Servers should be stopped while restoring: they keep
published apps in memory.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from alembic.script import ScriptDirectory

from generated_apps.domain.db import MIGRATIONS, private_file

# What a summary counts, so an operator can see at a glance that the copy holds what they expect.
COUNTED = {"apps": "app", "versions": "app_version", "submissions": "submission", "bookings": "booking",
           "staff": "staff_user", "audit lines": "audit_event"}


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    revision: str
    counts: dict[str, int]

    def describe(self) -> str:
        return ", ".join(f"{n} {name}" for name, n in self.counts.items()) + f" (schema {self.revision})"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path:
    path = url.split("///", 1)[-1]
    if not path or path == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return Path(path)


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


# --- SQLite -----------------------------------------------------------------------------------


def _summary(connection: sqlite3.Connection) -> Summary:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" not in tables:
        raise BackupError("This file is not a Madoguchi database (it has no schema revision).")
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    counts = {name: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
              for name, table in COUNTED.items() if table in tables}
    return Summary(revision, counts)


def _check(path: Path) -> Summary:
    """The summary of a SQLite file that is whole and a Madoguchi database, or BackupError saying why not."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"{path} is damaged: {result}")
            return _summary(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database: {error}") from error


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent, self-contained copy of `source` at `target`, written whole or not at all."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    private_file(partial)  # a backup holds the same personal data as the database
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # all pages in one step: one moment of the database, however busy it is
        dst.execute("PRAGMA journal_mode=DELETE")  # one file, with no -wal beside it
        dst.commit()
    finally:
        dst.close()
        src.close()
    with partial.open("rb") as f:
        os.fsync(f.fileno())
    partial.replace(target)


def _restore_sqlite(source: Path, live: Path) -> None:
    """Put `source`'s content into the live database file through SQLite itself, under its locks
    (never by copying files over an open database)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(live, timeout=30)
    try:
        src.backup(dst)
    except sqlite3.OperationalError as error:
        raise BackupError(f"The database is busy or locked ({error}). Stop the servers and try again.") from error
    finally:
        dst.close()
        src.close()


# --- PostgreSQL -------------------------------------------------------------------------------


def _libpq(url: str) -> tuple[str, str | None, str | None]:
    """(a libpq connection URI without its password, the password, the schema named by search_path)
    from SQLAlchemy's URL. The password goes to the child in PGPASSWORD, never on its command line,
    where any user of the machine could read it."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    options = " ".join(parse_qs(parts.query).get("options", []))
    found = re.search(r"-c\s*search_path=([A-Za-z_][A-Za-z0-9_]*)", options)
    netloc = parts.netloc
    password = None
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        user, _, password = credentials.partition(":")
        netloc = f"{user}@{host}"
    uri = urlunsplit((scheme, netloc, parts.path, parts.query, ""))
    return uri, unquote(password) if password else None, found.group(1) if found else None


def _run(command: list[str], password: str | None = None) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: install PostgreSQL's client programs (the same major "
                          "version as the server).")
    env = {**os.environ, "PGPASSWORD": password} if password else None
    result = subprocess.run(command, capture_output=True, text=True, env=env, umask=0o077)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _dump(url: str, target: Path) -> None:
    uri, password, schema = _libpq(url)
    partial = target.with_name(target.name + ".partial")
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={uri}",
          *([f"--schema={schema}"] if schema else [])], password)
    partial.replace(target)


def _summary_of_dump(path: Path) -> None:
    """pg_restore can read its table of contents: the file is a whole custom-format dump."""
    _run(["pg_restore", "--list", str(path)])


# --- the two commands -------------------------------------------------------------------------


def backup(url: str, target: Path) -> Summary | None:
    """Copy the database at `url` to the file `target`. Returns what the copy holds (SQLite) or None
    (PostgreSQL, whose dump is checked by pg_restore --list)."""
    target = target.expanduser().resolve()
    if target.exists():
        raise BackupError(f"{target} already exists. Choose a new file name: a backup never overwrites another.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not is_sqlite(url):
        _dump(url, target)
        _summary_of_dump(target)
        return None
    live = sqlite_path(url)
    if not live.exists():
        raise BackupError(f"There is no database at {live} to back up.")
    _copy_sqlite(live, target)
    try:
        return _check(target)
    except BackupError:
        target.unlink(missing_ok=True)
        raise


def restore(url: str, source: Path) -> tuple[Summary | None, Path | None]:
    """Replace everything in the database at `url` with the backup `source`, after copying what is
    there now beside it. Returns what was restored (SQLite) and where the copy of the old data is."""
    source = source.expanduser().resolve()
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    kept: Path | None
    if not is_sqlite(url):
        _summary_of_dump(source)
        kept = source.with_name(f"before-restore-{_stamp()}.dump")
        _dump(url, kept)
        uri, password, _schema = _libpq(url)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={uri}", str(source)], password)
        return None, kept
    summary = _check(source)
    known = {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if summary.revision not in known:
        raise BackupError(f"This backup was made by a newer Madoguchi (schema {summary.revision}). "
                          "Upgrade Madoguchi first, then restore it.")
    live = sqlite_path(url)
    kept = None
    if live.exists():
        kept = live.with_name(f"{live.name}.before-restore-{_stamp()}")
        _copy_sqlite(live, kept)
    live.parent.mkdir(parents=True, exist_ok=True)
    _restore_sqlite(source, live)
    return summary, kept
