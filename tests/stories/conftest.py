"""The city's stories: one real `madoguchi serve` for the whole run, Debian's Chromium, and a big table.

The server runs as a city runs it (no demo apps, SQLite in a fresh data directory, one admin made
with `madoguchi create-admin`); its log is watched, so a story fails on any server error (tests/watchman.py).
Staff work in a real Chromium (the builder is NiceGUI's), residents in one with JavaScript off.
`big_table` is an app with BIG_TABLE submissions, written once per run straight into the server's
database file, so that every page that lists submissions is also opened over a large table.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.models import Submission
from generated_apps.domain.search_text import search_text
from generated_apps.domain.store import Store
from tests.browser import conftest as browser_tests
from tests.browser.conftest import free_port, madoguchi_command, running
from widgets import AppSpec

ADMIN, ADMIN_NAME, PASSWORD = "ito", "伊藤 直子", "a long admin password"
BIG_TABLE = 100_000
CHUNK = 10_000


@dataclass(frozen=True)
class City:
    url: str  # the server's address; the builder is at url + "/staff"
    data_dir: Path
    database_url: str

    def store(self) -> Store:
        """The server's own database, opened beside it (SQLite in WAL mode takes a second process)."""
        return Store.open(self.database_url)


@pytest.fixture(scope="session")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    data_dir = tmp_path_factory.mktemp("city")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir), "MADOGUCHI_PUBLIC_URL": url,
           "MADOGUCHI_POST_LIMIT": "0"}  # every resident of the stories comes from one loopback address
    for name in ("MADOGUCHI_DATABASE_URL", "MADOGUCHI_SECRET_KEY", "MADOGUCHI_STAFF_SECRET_KEY",
                 "MADOGUCHI_STAFF_URL"):
        env.pop(name, None)
    made = subprocess.run([*madoguchi_command(), "create-admin", ADMIN, "--name", ADMIN_NAME, "--password-stdin"],
                          input=PASSWORD + "\n", env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    log = data_dir.parent / f"{data_dir.name}-server.log"
    with running([*madoguchi_command(), "serve", "--host", "127.0.0.1", "--port", str(port)], url + "/", log,
                 env=env):
        yield City(url, data_dir, f"sqlite:///{data_dir / 'madoguchi.sqlite3'}")


# Debian's Chromium, as in tests/browser (package scope: Playwright's sync API keeps an event loop running).
browser = browser_tests.browser


def sign_in(page, username: str, password: str) -> None:
    """Sign in at the builder's sign-in page (the page is already there)."""
    page.locator("input[autocomplete=username]").fill(username)
    page.locator("input[autocomplete=current-password]").fill(password)
    page.locator("input[autocomplete=current-password]").press("Enter")


@pytest.fixture
def staff(browser, city):
    """A factory of signed-in members of staff in Chromium, at the dashboard, in Japanese as the city
    works (or lang="en"): staff() is the admin; staff(username, password) anyone made since."""
    contexts = []

    def make(username: str = ADMIN, password: str = PASSWORD, lang: str = "ja"):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP", base_url=city.url)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/staff/signin" if lang == "ja" else "/staff/lang/en?next=/signin")
        sign_in(page, username, password)
        page.wait_for_url(re.compile(r"/staff/(\?.*)?$"))
        page.wait_for_function("() => window.did_handshake === true")
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def resident(browser, city):
    """A factory of residents' phones: JavaScript off, Japanese, 390 px wide."""
    contexts = []

    def make(width: int = 390, height: int = 844):
        context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": height},
                                      locale="ja-JP", base_url=city.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def connected(page) -> None:
    """Wait until a NiceGUI page's websocket has shaken hands: events sent before that are lost."""
    page.wait_for_function("() => window.did_handshake === true")


BIG_SPEC = {
    "slug": "big-survey", "kind": "form", "title": {"ja": "市民満足度調査（大きな表）"}, "languages": ["ja"],
    "contact": {"phone": "0142-23-3331"}, "lifecycle": {"retention_days": 3650, "no_end": True},
    "pages": [
        {"widgets": [{"type": "single_choice", "key": "town", "label": {"ja": "お住まいの地区"},
                      "options": [{"value": v, "label": {"ja": ja}} for v, ja in
                                  (("umemoto", "梅本町"), ("suenaga", "末永町"), ("other", "その他"))]}]},
        {"widgets": [{"type": "short_text", "key": "comment", "label": {"ja": "ひとこと"}}]},
    ],
}


@dataclass(frozen=True)
class BigTable:
    app_id: int
    slug: str
    points: tuple[str, ...]  # its two access points' codes
    count: int  # as it was made; a story may add to it (the counter story does)
    database_url: str

    def holds(self) -> dict[str | None, int]:
        """How many submissions it holds now, in all ("all") and by access point code (None: none)."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as c:
                rows = c.execute(text("SELECT access_point, count(*) FROM submission WHERE app_id = :id "
                                      "GROUP BY access_point"), {"id": self.app_id}).all()
        finally:
            engine.dispose()
        found: dict[str | None, int] = {point: n for point, n in rows}
        return {"all": sum(found.values()), **found}


@pytest.fixture(scope="session")
def big_table(city) -> BigTable:
    """An app with BIG_TABLE submissions, a few a day over the past years, through two access points and none."""
    store = city.store()
    try:
        app = Apps(store).create(AppSpec.model_validate(BIG_SPEC), by=ADMIN)
        version = Lifecycle(store).publish(app.slug, by=ADMIN, warnings_acknowledged=True)
        points = tuple(AccessPoints(store).create(app.id, label, by=ADMIN).code for label in ("本庁舎1階", "ポスター"))
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=700)
        step = dt.timedelta(days=700) / BIG_TABLE
        towns = ("umemoto", "suenaga", "other")
        for first in range(0, BIG_TABLE, CHUNK):
            chunk = []
            for i in range(first, min(first + CHUNK, BIG_TABLE)):
                answers = {"town": towns[i % 3], "comment": f"除雪をもっと早く（{i}）"}
                reference = f"BIG{i // 10000:02d}-{i % 10000:04d}"
                chunk.append({"app_id": app.id, "version_id": version.id, "reference": reference, "answers": answers,
                              "lang": "ja", "created_at": start + step * i,
                              "access_point": points[i % 3] if i % 3 < 2 else None, "status": "received",
                              "status_failures": 0, "search_text": search_text(reference, answers)})
            with store.engine.begin() as c:
                c.execute(Submission.__table__.insert(), chunk)
        return BigTable(app.id, app.slug, points, BIG_TABLE, city.database_url)
    finally:
        store.engine.dispose()
