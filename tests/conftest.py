"""Fixtures shared by every test: the watchman, a real SQLite file per test, and a small example app."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generated_apps.domain.config import Settings
from generated_apps.domain.store import Store

from . import watchman as _watchman

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
            {"type": "single_choice", "key": "visited", "label": {"ja": "この1年に図書館を使いましたか", "en": "Did you use the library this year?"},
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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "server_errors(*patterns): the test provokes server errors matching these on purpose")
    config.addinivalue_line("markers", "browser: drives Debian's headless Chromium against the real server")


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


def pytest_sessionfinish(session: pytest.Session) -> None:
    late = _watchman.leftovers()
    if late:
        print("\n\nThe watchman: a server logged an unhandled exception after the tests that drove it ended:\n\n"
              + "\n\n".join(late))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def example_spec() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'test.sqlite3'}",
                    public_url="http://testserver")


@pytest.fixture
def store(settings) -> Store:
    store = Store.open(settings.database_url)
    yield store
    store.engine.dispose()
