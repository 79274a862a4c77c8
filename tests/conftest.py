"""Fixtures shared by every test: the watchman, a real SQLite file per test, and a small example app."""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path
from typing import Any

# Cheap Argon2 parameters for every password the tests hash, in this process and in every server it
# starts (they inherit the environment): set before builder.auth is first imported. Production never
# sets it; tests/test_suite_settings.py proves a server without it hashes with the strong defaults.
os.environ["MADOGUCHI_INSECURE_CHEAP_HASHES_FOR_TESTS"] = "1"

import pytest
from hypothesis import settings

from generated_apps.domain.config import Settings
from generated_apps.domain.store import Store

from . import watchman as _watchman

# Hypothesis's own 200 ms limit per example is a timed assertion: on shared, busy cores it fails tests whose
# code is right (it did, for the rating widget). Speed is measured in bench/, never asserted here.
settings.register_profile("madoguchi", deadline=None)
settings.load_profile("madoguchi")

EXAMPLE: dict[str, Any] = {
    "slug": "library-survey",
    "kind": "form",
    "title": {"ja": "図書館アンケート", "en": "Library survey"},
    "description": {"ja": "図書館についてお聞きします。", "en": "Tell us about the library."},
    "languages": ["ja", "en"],
    "contact": {"phone": "0142-23-3331", "hours": {"ja": "平日 8:45〜17:30", "en": "Weekdays 8:45-17:30"},
                "place": {"ja": "本庁舎1階", "en": "Main building, 1st floor"}},
    "lifecycle": {"retention_days": 365, "no_end": True},
    "pages": [
        {"widgets": [
            {"type": "heading", "text": {"ja": "図書館の利用", "en": "Using the library"}},
            {"type": "single_choice", "key": "visited",
             "label": {"ja": "この1年に図書館を使いましたか", "en": "Did you use the library this year?"},
             "options": [{"value": "yes", "label": {"ja": "はい", "en": "Yes"}},
                         {"value": "no", "label": {"ja": "いいえ", "en": "No"}}]},
        ]},
        {"widgets": [
            {"type": "short_text", "key": "book", "show_if": {"key": "visited", "op": "equals", "value": "yes"},
             "label": {"ja": "借りた本の題名", "en": "Title of a book you borrowed"}, "max_length": 100},
        ]},
        {"widgets": [
            {"type": "short_text", "key": "town", "required": False,
             "label": {"ja": "お住まいの町名", "en": "Your town"}},
        ]},
    ],
}


# The folders of the tests that drive Debian's Chromium, and the servers started once for a whole run
# (tests/browser/conftest.py, tests/stories/conftest.py).
CHROMIUM_FOLDERS = ("tests/browser/", "tests/stories/")


# Modules whose tests start servers or other processes, each taking seconds: `slow`, left out of
# `make test-quick`. Listed here rather than in each file so that the list is read in one place.
SLOW_MODULES = {
    "tests/test_install.py", "tests/test_watchman.py",
    "tests/builder/test_cli.py", "tests/builder/test_create_admin.py", "tests/builder/test_edges_startup.py",
    "tests/generated_apps/test_booking_servers.py", "tests/generated_apps/test_crash_safety.py",
    "tests/generated_apps/test_edges_server.py", "tests/generated_apps/test_logs.py",
    "tests/generated_apps/test_lookup_limits.py", "tests/generated_apps/test_naughty_strings.py",
    "tests/generated_apps/test_replica_role.py", "tests/generated_apps/test_scale_path.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of SLOW_MODULES `slow`; in CHROMIUM_FOLDERS, each test by what it uses: `browser`
    (Chromium), `slow` (a server started for the run, but no browser). The markers are in pyproject.toml."""
    for item in items:
        if item.nodeid.split("::", 1)[0] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        elif item.nodeid.startswith(CHROMIUM_FOLDERS):
            uses = set(getattr(item, "fixturenames", ()))
            if "browser" in uses:
                item.add_marker(pytest.mark.browser)
            elif uses & {"base_url", "city"}:
                item.add_marker(pytest.mark.slow)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """How a parallel run (make test: pytest-xdist) shares out the tests: each of CHROMIUM_FOLDERS goes
    whole to one worker, its tests one after another, so that its Chromium and servers start once and
    no two browser tests measure pages side by side; every other test module goes whole to whichever
    worker is free, its module-scoped fixtures made once. The biggest go first."""
    from xdist.scheduler import LoadScopeScheduling

    class FoldersAndModules(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((folder for folder in CHROMIUM_FOLDERS if nodeid.startswith(folder)),
                        nodeid.split("::", 1)[0])

    return FoldersAndModules(config, log)


@pytest.fixture(autouse=True)
def watchman(request: pytest.FixtureRequest):
    """Fails the test during which any server it drove logged an unhandled exception (tests/watchman.py)."""
    watch = _watchman.Watch()
    yield
    marker = request.node.get_closest_marker("server_errors")
    found = _watchman.unexpected(watch.stop(), list(marker.args) if marker else [])
    if found:
        pytest.fail("a server logged an unhandled exception during this test:\n\n" + "\n\n".join(found),
                    pytrace=False)


_from_workers: list[str] = []  # what each parallel worker's watchman found outside its tests


def pytest_sessionfinish(session: pytest.Session) -> None:
    late = _watchman.leftovers() + _from_workers
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:  # a pytest-xdist worker: its own exit status is not the run's
        worker_output["watchman"] = late  # handed to the controller (below), which reports them
        return
    if late:
        print("\n\nThe watchman: a server logged an unhandled exception after the tests that drove it ended:\n\n"
              + "\n\n".join(late))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's controller, as each worker finishes
def pytest_testnodedown(node, error) -> None:
    _from_workers.extend(getattr(node, "workeroutput", {}).get("watchman", []))


@pytest.fixture
def example_spec() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file at the newest schema, migrated once per run (per worker) for every test to copy."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
    Store.open(f"sqlite:///{path}").engine.dispose()  # the last connection closed folds the WAL in
    return path


@pytest.fixture
def settings(tmp_path, migrated_database) -> Settings:
    """Settings on a data dir of this test's own, whose database starts as a copy of the migrated one:
    opening it finds the schema already at the newest revision, instead of running every migration."""
    database = tmp_path / "test.sqlite3"
    shutil.copyfile(migrated_database, database)
    database.chmod(0o600)
    return Settings(data_dir=tmp_path, database_url=f"sqlite:///{database}", public_url="http://testserver")


@pytest.fixture
def store(settings) -> Store:
    store = Store.open(settings.database_url)
    yield store
    store.engine.dispose()
