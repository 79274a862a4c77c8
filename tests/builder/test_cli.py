"""The `madoguchi` command: schema, import, export, purge."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.submissions import Submissions
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


def test_an_app_file_that_names_a_key_twice_is_refused_and_replaces_no_app(tmp_path):
    """json.loads keeps the last of two keys: a file that seems to be 'citizen-survey' at its top could
    replace another live app named further down. Such a file is refused, with the key it repeats."""
    survey = (ROOT / "builder" / "app_templates" / "citizen-survey.json").read_text(encoding="utf-8")
    assert madoguchi("import", str(ROOT / "builder" / "app_templates" / "citizen-survey.json"), "--publish",
                     data_dir=tmp_path).returncode == 0
    other = tmp_path / "looks-like-a-survey.json"
    # The survey's own slug first, as a reader sees it; "sports-day" further down, as json.loads takes it.
    other.write_text('{"slug": "citizen-survey",' + survey.strip()[1:].replace('"citizen-survey"', '"sports-day"', 1),
                     encoding="utf-8")
    result = madoguchi("import", str(other), "--publish", data_dir=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert 'gives "slug" twice in one place' in result.stderr
    assert madoguchi("export", "sports-day", data_dir=tmp_path).returncode == 1  # nothing was stored
    nested = tmp_path / "nested.json"
    nested.write_text(survey.replace('"type": "single_choice",', '"type": "single_choice", "type": "image",', 1),
                      encoding="utf-8")
    result = madoguchi("import", str(nested), data_dir=tmp_path)
    assert result.returncode == 1 and 'gives "type" twice' in result.stderr


def test_a_number_too_long_to_read_or_beyond_its_limit_is_refused_with_a_message(tmp_path):
    survey = json.loads((ROOT / "builder" / "app_templates" / "citizen-survey.json").read_text(encoding="utf-8"))
    too_long = tmp_path / "too-long.json"
    too_long.write_text(json.dumps({**survey, "lifecycle": {"retention_days": 1}}).replace(
        '"retention_days": 1', '"retention_days": ' + "9" * 5000))
    result = madoguchi("import", str(too_long), data_dir=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "a number too long to read" in result.stderr
    too_big = tmp_path / "too-big.json"
    too_big.write_text(json.dumps({**survey, "lifecycle": {"retention_days": 10**100}}))
    result = madoguchi("import", str(too_big), data_dir=tmp_path)
    assert result.returncode == 1 and "lifecycle.retention_days: Enter 36500 or less" in result.stderr


def test_an_imported_title_with_a_lone_surrogate_or_nul_is_stored_clean(tmp_path):
    survey = json.loads((ROOT / "builder" / "app_templates" / "citizen-survey.json").read_text(encoding="utf-8"))
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({**survey, "title": {"ja": "市民\ud800アンケート\u0000"}}))  # valid JSON, \u escapes
    assert madoguchi("import", str(odd), data_dir=tmp_path).returncode == 0
    exported = madoguchi("export", survey["slug"], data_dir=tmp_path)
    assert exported.returncode == 0 and json.loads(exported.stdout)["title"] == {"ja": "市民アンケート"}


def test_purge_deletes_what_is_past_its_period_and_a_dry_run_only_says_so(tmp_path):
    from generated_apps.domain.store import Store

    store = Store.open(f"sqlite:///{tmp_path / 'madoguchi.sqlite3'}")
    survey = AppSpec.model_validate_json((ROOT / "builder" / "app_templates" / "citizen-survey.json").read_bytes())
    days = survey.lifecycle.retention_days
    store.clock = lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=days + 2)  # sent before the period began
    Apps(store).create(survey, by="suzuki")
    Lifecycle(store).publish(survey.slug, by="admin", warnings_acknowledged=True)
    app_id = Apps(store).by_slug(survey.slug).id
    version = Apps(store).versions(app_id)[0]
    for _ in range(2):
        Drafts(store).submit(Drafts(store).create(app_id, version.id, {}), {}, "ja")
    store.engine.dispose()

    dry = madoguchi("purge", "--dry-run", data_dir=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert f"citizen-survey: kept for {days} days; 2 submissions would be deleted now." in dry.stdout
    assert "Nothing was deleted (dry run)." in dry.stdout
    assert len(Submissions(store).of_app(app_id)) == 2

    purged = madoguchi("purge", data_dir=tmp_path)
    assert purged.returncode == 0, purged.stderr
    assert "citizen-survey: deleted 2 submissions with 0 notes, 0 bookings and 0 drafts" in purged.stdout
    assert "Deleted 2 expired resident drafts." in purged.stdout
    assert Submissions(store).of_app(app_id) == []
    assert [e.actor for e in Audit(store).events() if e.action == "retention.purge"] == ["cli", "cli"]

    again = madoguchi("purge", data_dir=tmp_path)
    assert again.returncode == 0 and "Nothing was deleted." in again.stdout
