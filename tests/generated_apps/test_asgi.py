"""The resident-only ASGI app for public replicas: built from the environment, with no NiceGUI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from starlette.testclient import TestClient
import generated_apps.web.asgi as asgi
with TestClient(asgi.app) as client:
    print(client.get('/').status_code, client.get('/staff/').status_code)
print('nicegui' in sys.modules, 'builder' in sys.modules)
"""


def test_the_replica_app_reads_the_environment_and_never_loads_nicegui(tmp_path):
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(tmp_path)}
    env.pop("MADOGUCHI_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "404", "False", "False"]
    assert (tmp_path / "madoguchi.sqlite3").exists()  # migrated on start
    assert (tmp_path / "secret.key").exists() and not (tmp_path / "staff.key").exists()


def test_the_replica_never_reads_or_makes_the_key_that_signs_staff_sessions(tmp_path, monkeypatch):
    """Only the builder holds the staff session key (Settings.staff_secret_key): a replica that is broken
    into cannot sign a staff cookie."""
    from generated_apps.domain.config import Settings
    from generated_apps.web.asgi import create_app

    monkeypatch.delenv("MADOGUCHI_SECRET_KEY", raising=False)
    monkeypatch.delenv("MADOGUCHI_STAFF_SECRET_KEY", raising=False)
    data_dir = tmp_path / "fresh"
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'madoguchi.sqlite3'}",
                        public_url="https://madoguchi.city.example")
    create_app(settings)
    assert (data_dir / "secret.key").exists() and not (data_dir / "staff.key").exists()
    # The builder makes its own on first use, apart from the public key, readable by this user only.
    staff_key = settings.staff_secret_key()
    assert (data_dir / "staff.key").stat().st_mode & 0o777 == 0o600
    assert len(staff_key) == 64 and staff_key != settings.secret_key() and settings.staff_secret_key() == staff_key
    monkeypatch.setenv("MADOGUCHI_STAFF_SECRET_KEY", "set-by-the-operator")
    assert settings.staff_secret_key() == b"set-by-the-operator"
