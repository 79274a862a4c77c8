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
import generated_apps.asgi as asgi
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
