"""Settings from the environment, with defaults that work on a laptop."""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path


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

    @property
    def https(self) -> bool:
        """Whether people reach Madoguchi over HTTPS (the public address says so, or MADOGUCHI_HTTPS=1):
        then the staff session cookie is sent over HTTPS only."""
        return self.public_url.startswith("https://") or os.environ.get("MADOGUCHI_HTTPS", "") in ("1", "true", "yes")

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("MADOGUCHI_DATA_DIR", "madoguchi-data")).resolve()
        url = os.environ.get("MADOGUCHI_DATABASE_URL") or f"sqlite:///{data_dir / 'madoguchi.sqlite3'}"
        public = os.environ.get("MADOGUCHI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
        help_phone = os.environ.get("MADOGUCHI_HELP_PHONE", cls.help_phone)
        time_zone = os.environ.get("MADOGUCHI_TIME_ZONE", cls.time_zone)
        post_limit = int(os.environ.get("MADOGUCHI_POST_LIMIT", "300"))
        return cls(data_dir=data_dir, database_url=url, public_url=public, help_phone=help_phone, time_zone=time_zone,
                   post_limit=post_limit)

    def secret_key(self) -> bytes:
        """MADOGUCHI_SECRET_KEY (the same on every replica), else a random key made on first run and
        kept in the data dir, readable only by us. Written whole before it appears, so that workers
        starting together never read half a key."""
        if os.environ.get("MADOGUCHI_SECRET_KEY"):
            return os.environ["MADOGUCHI_SECRET_KEY"].encode()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "secret.key"
        if not path.exists():
            fd, temporary = tempfile.mkstemp(dir=self.data_dir, prefix=".secret-")  # mode 0600
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_hex(32).encode())
            try:
                os.link(temporary, path)  # fails if another worker was first: then theirs is the key
            except FileExistsError:
                pass
            finally:
                os.unlink(temporary)
        return path.read_bytes().strip()
