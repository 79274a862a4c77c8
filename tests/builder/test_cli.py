"""The `madoguchi` command: schema, import, export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from widgets import AppSpec

ROOT = Path(__file__).resolve().parents[2]


def madoguchi(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir)}
    env.pop("MADOGUCHI_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "builder", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def test_schema_prints_the_json_schema_of_an_app_file(tmp_path):
    result = madoguchi("schema", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["title"] == "Madoguchi app file"
    assert {"slug", "kind", "title", "pages", "contact", "lifecycle"} <= set(schema["properties"])


def test_import_publish_and_export_round_trip(tmp_path):
    survey = ROOT / "builder" / "app_templates" / "citizen-survey.json"
    result = madoguchi("import", str(survey), "--publish", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Published citizen-survey as version 1" in result.stdout
    assert (tmp_path / "madoguchi.sqlite3").exists()
    exported = madoguchi("export", "citizen-survey", data_dir=tmp_path)
    assert exported.returncode == 0
    assert json.loads(exported.stdout)["slug"] == "citizen-survey"
    assert AppSpec.model_validate_json(exported.stdout) == AppSpec.model_validate_json(survey.read_bytes())


def test_a_broken_app_file_is_refused_with_a_clear_message(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"slug": "../etc", "title": "x", "pages": []}))
    result = madoguchi("import", str(broken), data_dir=tmp_path)
    assert result.returncode == 1
    assert "not a valid app file" in result.stderr and "slug" in result.stderr
    assert "Traceback" not in result.stderr
    missing = madoguchi("import", str(tmp_path / "nope.json"), data_dir=tmp_path)
    assert missing.returncode == 1 and "Cannot read" in missing.stderr
    assert madoguchi("export", "nope", data_dir=tmp_path).returncode == 1
