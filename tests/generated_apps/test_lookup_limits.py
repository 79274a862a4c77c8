"""Limits on tries held in the database (attempts.py): taken atomically before what they guard is checked,
shared by every process on one database and kept across restarts, forgotten after their window and then
purged. On SQLite and PostgreSQL, through the counter itself and through two real server processes."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest
from sqlalchemy import select

from generated_apps.domain.attempts import Attempts, Limit, forget_old
from generated_apps.domain.models import Attempt
from generated_apps.domain.refnum import check_digit, format_reference
from generated_apps.domain.retention import Retention
from generated_apps.domain.store import Store
from generated_apps.web.lookup import CLIENT, REFERENCE
from tests.browser.conftest import stop

from .test_booking_servers import (
    database,  # noqa: F401 - the fixture, on SQLite and PostgreSQL
    server,
)
from .test_lifecycle import Clock
from .test_store import any_store  # noqa: F401 - the fixture, on SQLite and PostgreSQL
from .test_submissions import CONSULTATION, publish, send

SECRET = b"the site's secret"
GUESSES = Limit("test-guesses", free=5, window=3600)
BACKING_OFF = Limit("test-sign-in", free=3, window=3600, waits=(2, 4, 8))
T0 = dt.datetime(2026, 11, 2, 0, 30, tzinfo=dt.UTC)


def test_tries_sent_together_never_get_past_the_limit(any_store):  # noqa: F811
    attempts = Attempts(any_store, SECRET)
    with ThreadPoolExecutor(max_workers=12) as pool:
        taken = list(pool.map(lambda _: attempts.take({GUESSES: "4821-0937"}).ok, range(30)))
    assert taken.count(True) == GUESSES.free


def test_a_try_is_counted_against_every_limit_or_against_none(any_store):  # noqa: F811
    attempts = Attempts(any_store, SECRET)
    for n in range(GUESSES.free):
        assert attempts.take({GUESSES: f"number {n}", CLIENT: "192.0.2.7"}).ok
    for _ in range(GUESSES.free):
        attempts.take({GUESSES: "one number"})
    refused = attempts.take({GUESSES: "one number", CLIENT: "192.0.2.7"})
    assert refused.refused == {GUESSES.name} and refused.wait == pytest.approx(GUESSES.window, abs=5)
    for n in range(CLIENT.free - GUESSES.free):  # the refused try was not counted against the address
        assert attempts.take({CLIENT: "192.0.2.7"}).ok, n
    assert attempts.take({CLIENT: "192.0.2.7"}).refused == {CLIENT.name}


def test_a_count_is_shared_by_two_stores_on_one_database_and_kept_when_one_is_opened_again(any_store):  # noqa: F811
    url = any_store.engine.url.render_as_string(hide_password=False)
    other = Store.open(url)
    try:
        for store in (any_store, other) * 2 + (any_store,):
            assert Attempts(store, SECRET).take({GUESSES: "4821-0937"}).ok
        assert not Attempts(other, SECRET).take({GUESSES: "4821-0937"}).ok
        other.engine.dispose()
        other = Store.open(url)  # a restart
        assert not Attempts(other, SECRET).take({GUESSES: "4821-0937"}).ok
    finally:
        other.engine.dispose()


def test_past_the_free_tries_each_waits_longer(any_store):  # noqa: F811
    any_store.clock = clock = Clock(T0)
    attempts = Attempts(any_store, SECRET)
    for _ in range(BACKING_OFF.free):
        assert attempts.take({BACKING_OFF: "sato"}).ok
    for wait in (2, 4, 8, 8):
        refused = attempts.take({BACKING_OFF: "sato"})
        assert not refused.ok and refused.wait == pytest.approx(wait)
        clock.move(dt.timedelta(seconds=wait))
        assert attempts.take({BACKING_OFF: "sato"}).ok


def test_a_count_is_forgotten_after_its_window_and_then_purged(any_store):  # noqa: F811
    any_store.clock = clock = Clock(T0)
    attempts = Attempts(any_store, SECRET)
    for _ in range(GUESSES.free):
        attempts.take({GUESSES: "4821-0937"})
    attempts.take({GUESSES: "0000-0000"})
    clock.move(dt.timedelta(seconds=GUESSES.window - 1))
    assert not attempts.take({GUESSES: "4821-0937"}).ok  # a refused try does not push the window on
    clock.move(dt.timedelta(seconds=1))
    assert forget_old(any_store) == 2
    assert attempts.take({GUESSES: "4821-0937"}).ok
    clock.move(dt.timedelta(days=1))
    Retention(any_store).purge()  # the builder's hourly purge takes the forgotten counts with it
    with any_store.session() as s:
        assert s.exec(select(Attempt)).all() == []


def test_the_table_holds_keyed_hashes_never_an_address_a_name_or_a_number(any_store):  # noqa: F811
    attempts = Attempts(any_store, SECRET)
    attempts.take({GUESSES: "4821-0937", CLIENT: "192.0.2.7"})
    with any_store.session() as s:
        keys = [row.key for row in s.exec(select(Attempt)).scalars()]
    assert len(keys) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)
    assert Attempts(any_store, b"another secret").key(CLIENT, "192.0.2.7") not in keys


# --- through two real servers ------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
NOTICE = re.compile(r'<div class="notice[^"]*" role="alert">(.*?)</div>', re.S)


def look(base: str, reference: str, last4: str) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=30) as client:
        token = CSRF.search(client.get("/a/soudan/status").text).group(1)
        return client.post("/a/soudan/status", data={"csrf": token, "reference": reference, "last4": last4})


def made_up(n: int) -> str:
    return format_reference(f"{n:07d}" + str(check_digit(f"{n:07d}")))


def test_two_servers_share_the_limits_and_a_restart_forgets_neither(database, tmp_path):  # noqa: F811
    store, url = database
    sent = send(store, publish(store, CONSULTATION), {"question": "除雪", "topics": ["snow"], "phone": "0142-23-4567"})
    store.engine.dispose()
    with ExitStack() as stack:
        (first_proc, first), (_, second) = [stack.enter_context(server(url, tmp_path, tmp_path / "servers.log"))
                                            for _ in range(2)]
        assert look(first, sent.reference, "4567").status_code == 200
        for n in range(REFERENCE.free):  # wrong digits, to one server and the other
            assert look((first, second)[n % 2], sent.reference, "0000").status_code == 422
        worn = look(first, sent.reference, "4567")
        assert worn.status_code == 422 and "お電話ください" in NOTICE.search(worn.text).group(1)
        stop(first_proc)
        _, first = stack.enter_context(server(url, tmp_path, tmp_path / "servers.log"))  # a restart: the count
        assert look(first, sent.reference, "4567").status_code == 422  # is in the database, not in the process
        # The address's limit: each number once, to either server.
        for n in range(CLIENT.free - REFERENCE.free):
            assert look((first, second)[n % 2], made_up(1000 + n), "4567").status_code == 422
        assert look(second, made_up(5000), "4567").status_code == 429
        assert look(first, made_up(5001), "4567").status_code == 429
