"""Settings from the environment, with defaults that work on a laptop."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    public_url: str
    # The general help line shown where an app names no contact of its own.
    help_phone: str = "0142-23-3331"

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("MADOGUCHI_DATA_DIR", "madoguchi-data")).resolve()
        url = os.environ.get("MADOGUCHI_DATABASE_URL") or f"sqlite:///{data_dir / 'madoguchi.sqlite3'}"
        public = os.environ.get("MADOGUCHI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
        help_phone = os.environ.get("MADOGUCHI_HELP_PHONE", cls.help_phone)
        return cls(data_dir=data_dir, database_url=url, public_url=public, help_phone=help_phone)

    def secret_key(self) -> bytes:
        """A random key made on first run, kept in the data dir readable only by us."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "secret.key"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes().strip()
        key = secrets.token_hex(32).encode()
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        return key
