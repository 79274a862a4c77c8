"""What the suite does to run fast never reaches production: cheap password hashes only when the tests
ask for them, and a copied database that is the same as one migrated from nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import text

from builder import auth
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store

ROOT = Path(__file__).resolve().parents[1]


def test_a_server_started_without_the_test_setting_hashes_passwords_with_the_strong_defaults(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != auth.CHEAP_HASHES_FOR_TESTS}
    env["MADOGUCHI_DATA_DIR"] = str(tmp_path)
    env.pop("MADOGUCHI_DATABASE_URL", None)
    made = subprocess.run([sys.executable, "-m", "builder", "create-admin", "sato", "--password-stdin"],
                          input="long enough secret\n", capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert made.returncode == 0, made.stderr
    store = Store.open(f"sqlite:///{tmp_path / 'madoguchi.sqlite3'}")
    stored = extract_parameters(StaffAccounts(store).by_username("sato").password_hash)
    store.engine.dispose()
    strong = PasswordHasher()
    assert (stored.time_cost, stored.memory_cost, stored.parallelism) == (
        strong.time_cost, strong.memory_cost, strong.parallelism)
    assert stored.memory_cost >= 64 * 1024 and stored.time_cost >= 2  # at least RFC 9106's low-memory choice


def test_the_tests_themselves_hash_cheaply_because_they_ask_to():
    assert os.environ[auth.CHEAP_HASHES_FOR_TESTS] == "1"
    assert extract_parameters(auth.hash_password("long enough secret")).memory_cost < PasswordHasher().memory_cost


def test_a_copy_of_the_migrated_database_has_the_schema_of_one_migrated_from_nothing(store, tmp_path):
    fresh = Store.open(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        assert _schema(store) == _schema(fresh) and len(_schema(store)) > 20
    finally:
        fresh.engine.dispose()


def _schema(store: Store) -> list[tuple]:
    """Every table, index and trigger as SQLite keeps its CREATE statement, and the Alembic revision."""
    with store.engine.connect() as c:
        return [tuple(row) for row in c.execute(text(
            "SELECT type, name, tbl_name, sql FROM sqlite_master UNION ALL "
            "SELECT 'revision', version_num, '', '' FROM alembic_version ORDER BY 1, 2"))]


@pytest.mark.slow
@pytest.mark.parametrize("parallel", [[], ["-n", "2"]], ids=["serial", "parallel"])
def test_a_traceback_logged_after_every_test_ended_fails_the_run_in_parallel_too(parallel):
    """The watchman's end-of-run check (tests/conftest.py): an xdist worker hands its findings to the controller."""
    run = subprocess.run([sys.executable, "-m", "pytest", "tests/watchman_late_planted.py", *parallel,
                          "-p", "no:cacheprovider", "-q", "-o", "addopts="],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "1 passed" in run.stdout, run.stdout
    assert run.returncode == pytest.ExitCode.TESTS_FAILED and "planted late fault" in run.stdout, run.stdout
