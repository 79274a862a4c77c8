"""Settings from the environment, with defaults that work on a laptop."""

from __future__ import annotations

import errno
import logging
import os
import secrets
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    public_url: str
    # The general help line shown where an app names no contact of its own.
    help_phone: str = "0142-23-3331"
    # Times are stored in UTC and shown, and typed by staff, in this zone.
    time_zone: str = "Asia/Tokyo"
    # Forms a client address may send in POST_PERIOD seconds, per server process; 0: no limit. From the
    # environment it is 300 unless MADOGUCHI_POST_LIMIT says otherwise: generous for residents behind
    # one shared mobile-network address, a wall for a script.
    post_limit: int = 0
    # The builder's own address (MADOGUCHI_STAFF_URL), e.g. https://staff.city.example: /staff then answers
    # only on that host. Empty: the builder shares the public address (one machine for a small town).
    staff_url: str = ""

    @property
    def https(self) -> bool:
        """Whether staff reach the builder over HTTPS (its own address, else the public one, says so, or
        MADOGUCHI_HTTPS=1): then the staff session cookie is sent over HTTPS only."""
        address = self.staff_url or self.public_url
        return address.startswith("https://") or os.environ.get("MADOGUCHI_HTTPS", "") in ("1", "true", "yes")

    @property
    def staff_host(self) -> str | None:
        """The host name the builder answers on, or None when it answers on any."""
        return (urlsplit(self.staff_url).hostname or "").rstrip(".") or None if self.staff_url else None

    def staff_url_problem(self) -> str | None:
        """Why MADOGUCHI_STAFF_URL cannot be used, or None."""
        if not self.staff_url:
            return None
        parts = urlsplit(self.staff_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
            return f"MADOGUCHI_STAFF_URL must be an address such as https://staff.city.example, not {self.staff_url!r}."
        if self.staff_host == (urlsplit(self.public_url).hostname or "").rstrip("."):
            # Cookies do not tell ports apart, and the host check compares names only.
            return "MADOGUCHI_STAFF_URL must name a host of its own, not the host of MADOGUCHI_PUBLIC_URL."
        return None

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("MADOGUCHI_DATA_DIR", "madoguchi-data")).resolve()
        url = os.environ.get("MADOGUCHI_DATABASE_URL") or f"sqlite:///{data_dir / 'madoguchi.sqlite3'}"
        public = os.environ.get("MADOGUCHI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
        help_phone = os.environ.get("MADOGUCHI_HELP_PHONE", cls.help_phone)
        time_zone = os.environ.get("MADOGUCHI_TIME_ZONE", cls.time_zone)
        post_limit = int(os.environ.get("MADOGUCHI_POST_LIMIT", "300"))
        staff_url = os.environ.get("MADOGUCHI_STAFF_URL", "").rstrip("/")
        return cls(data_dir=data_dir, database_url=url, public_url=public, help_phone=help_phone, time_zone=time_zone,
                   post_limit=post_limit, staff_url=staff_url)

    def secret_key(self) -> bytes:
        """MADOGUCHI_SECRET_KEY (the same on every replica), else a random key made on first run and kept
        in the data dir. It signs resident CSRF and cancel tokens, so every replica holds it."""
        return os.environ.get("MADOGUCHI_SECRET_KEY", "").encode() or self._key_file("secret.key")

    def staff_secret_key(self) -> bytes:
        """MADOGUCHI_STAFF_SECRET_KEY, else a random key made on first run as `staff.key` in the data dir.
        It signs the staff session cookie, and only the builder reads it: never give it to a replica."""
        return os.environ.get("MADOGUCHI_STAFF_SECRET_KEY", "").encode() or self._key_file("staff.key")

    def keep_private(self) -> None:
        """Tighten what an older version, run without umask 077, left readable by others: the data dir
        to 0700 and secret.key to 0600 (the database: `db.private_file`). New files are made that way already."""
        if self.data_dir.is_dir():
            private_dir(self.data_dir)
            tighten(self.data_dir / "secret.key", 0o600)  # staff.key is the builder's: tightened when it reads it

    def _key_file(self, name: str) -> bytes:
        """The key kept in the data dir as `name`, made on first use: 32 random bytes as hex, readable only by
        us, written whole before it appears, so that workers starting together never read half a key."""
        private_dir(self.data_dir)
        path = self.data_dir / name
        if not path.exists():
            fd, temporary = tempfile.mkstemp(dir=self.data_dir, prefix=f".{path.stem}-")  # mode 0600
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_hex(32).encode())
            try:
                os.link(temporary, path)  # fails if another worker was first: then theirs is the key
            except FileExistsError:
                pass
            finally:
                os.unlink(temporary)
        tighten(path, 0o600)  # made by an older version without umask 077
        return path.read_bytes().strip()


def private_dir(path: Path) -> None:
    """A folder for this user only: made 0700, or an existing one (perhaps made by an older version
    without umask 077) tightened to 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    tighten(path, 0o700)


def tighten(path: Path, mode: int) -> None:
    """Take from `path`, if it exists and is ours, every permission that `mode` does not give. A file
    or folder someone else owns keeps the mode its owner chose (and we could not change it)."""
    try:
        found = path.stat()
        if found.st_uid == os.getuid() and found.st_mode & 0o777 & ~mode:
            path.chmod(found.st_mode & 0o777 & mode)
    except FileNotFoundError:
        return
    except OSError as error:  # a read-only file system (a replica's image, say): nothing to tighten there
        logging.getLogger("madoguchi").warning("could not tighten %s to %o: %s", path, mode, error)


# --- why the server could not start, in the operator's words ------------------------------------------

def N_(message: str) -> str:  # marks a msgid for extraction (widgets.text.N_, without importing widgets here)
    return message


READ_ONLY = N_("Madoguchi cannot write to {path}: the folder or disk is read-only, or belongs to another user. "
               "Let the server's user write there (MADOGUCHI_DATA_DIR) and start again.")
DISK_FULL = N_("The disk that holds {path} is full. Make room on it and start again.")
DAMAGED = N_("The database {path} is damaged or is not a Madoguchi database. Restore a backup with "
             "`madoguchi restore FILE`, or move the file away to start with an empty one.")
UNREACHABLE = N_("The database at {path} could not be reached or refused the connection. Check "
                 "MADOGUCHI_DATABASE_URL and that the database server is running.")
UNKNOWN = N_("Madoguchi stopped with an error ({kind}). Its details are not shown, as they may hold what "
             "residents wrote; set MADOGUCHI_DEBUG=1 to see them.")
_READ_ONLY_ERRORS = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def operator_lang() -> str:
    """The language of the operator's terminal (LC_ALL, LC_MESSAGES, LANG): Japanese or English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "ja" if value.startswith("ja") else "en"
    return "en"


def start_problem(error: BaseException, settings: Settings | None) -> str:
    """One line that says why start-up failed and what to do, in the operator's language. It names a
    kind of failure and a path, never the error's own text: a failed statement or a stored app that no
    longer reads may quote what residents wrote (a traceback once printed a stored row)."""
    from generated_apps.domain.i18n import (
        Translator,  # only on failure: config is imported by everything, and lightly
    )

    msgid, params = _classify(error, settings)
    return Translator(operator_lang()).format(msgid, **params)


def _classify(error: BaseException, settings: Settings | None) -> tuple[str, dict[str, str]]:
    data_dir = str(settings.data_dir) if settings else "MADOGUCHI_DATA_DIR"
    database = _database_path(settings) if settings else data_dir
    for cause in _causes(error):
        if isinstance(cause, sqlite3.Error):
            code = getattr(cause, "sqlite_errorcode", None) or 0
            if code & 0xFF == sqlite3.SQLITE_FULL:
                return DISK_FULL, {"path": database}
            if code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
                return DAMAGED, {"path": database}
            if code & 0xFF in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
                return READ_ONLY, {"path": database}
            if code & 0xFF == sqlite3.SQLITE_IOERR:
                return DISK_FULL if _disk_full(database) else READ_ONLY, {"path": database}
        elif isinstance(cause, OSError) and cause.errno in _READ_ONLY_ERRORS | _FULL_ERRORS:
            path = str(cause.filename) if cause.filename else data_dir
            return (DISK_FULL if cause.errno in _FULL_ERRORS else READ_ONLY), {"path": path}
        elif type(cause).__module__.split(".")[0] in ("psycopg", "psycopg2") and "Operational" in type(cause).__name__:
            return UNREACHABLE, {"path": _database_host(settings)}
    return UNKNOWN, {"kind": type(error).__name__}


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, what it wraps (SQLAlchemy's .orig) and what it was raised from, once each."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [error]
    while stack:
        found = stack.pop()
        if found is None or id(found) in seen:
            continue
        seen.add(id(found))
        yield found
        stack += [getattr(found, "orig", None), found.__cause__, found.__context__]


def _database_path(settings: Settings) -> str:
    url = settings.database_url
    return url.split("///", 1)[-1] if url.startswith("sqlite") else _database_host(settings)


def _database_host(settings: Settings | None) -> str:
    parts = urlsplit(settings.database_url) if settings else None
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}" if parts else "MADOGUCHI_DATABASE_URL"


def _disk_full(path: str) -> bool:
    """Whether the file system that holds `path` has no room left (SQLite says only "disk I/O error")."""
    try:
        found = os.statvfs(Path(path).parent)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < 64 * 1024
