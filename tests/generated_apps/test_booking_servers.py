"""Two hundred residents send their booking for the same ten places at the same moment, through two
real server processes (`uvicorn generated_apps.web.asgi:app`) on one database, SQLite and PostgreSQL:
exactly ten bookings and ten submissions, every other resident sent back to choose another time,
and the slot's count matching the bookings. Nothing is faked: real processes, real HTTP, real files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import func, select

from generated_apps.domain.models import Booking, Submission
from generated_apps.domain.store import Store
from tests.browser.conftest import free_port, running

from .test_booking_http import a_gym_time_three_days_ahead
from .test_store import _postgres_store

RESIDENTS, PLACES = 200, 10
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@contextmanager
def server(url: str, data_dir: Path, log: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """A resident server (`uvicorn generated_apps.web.asgi:app`) on the database at `url`, its output added to `log`:
    (its process, its address)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MADOGUCHI_DATABASE_URL": url, "MADOGUCHI_DATA_DIR": str(data_dir),
           "MADOGUCHI_SECRET_KEY": "the-same-on-both-servers", "MADOGUCHI_POST_LIMIT": "0"}  # all from one address
    with running([sys.executable, "-m", "uvicorn", "generated_apps.web.asgi:app", "--host", "127.0.0.1",
                  "--port", str(port), "--log-level", "warning"], base + "/", log, env=env) as proc:
        yield proc, base


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """(the store, its URL) on a fresh SQLite file or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        store = Store.open(url)
        yield store, url
        store.engine.dispose()
        return
    store, admin, schema = _postgres_store()
    yield store, store.engine.url.render_as_string(hide_password=False)
    store.engine.dispose()
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def resident_at_check(base: str, slot_id: int, n: int) -> httpx.Client:
    """A resident's browser that has chosen the slot and given a name and phone: at the check page."""
    client = httpx.Client(base_url=base, timeout=60)
    token = CSRF.search(client.get("/a/gym/p/1").text).group(1)
    for page, data in ((1, {"time": str(slot_id)}), (2, {"name": f"住民 {n}"}), (3, {"phone": f"0142{n:06d}"})):
        response = client.post(f"/a/gym/p/{page}", data={"csrf": token, **data})
        assert response.status_code == 303, (page, response.status_code, response.text[:300])
    assert client.get("/a/gym/check").status_code == 200
    return client


def test_two_hundred_residents_at_ten_places_through_two_servers_make_exactly_ten_bookings(database, tmp_path):
    store, url = database
    bookings, view = a_gym_time_three_days_ahead(store, PLACES)

    with ExitStack() as stack:
        servers = [stack.enter_context(server(url, tmp_path, tmp_path / "servers.log")) for _ in range(2)]
        with ThreadPoolExecutor(8) as pool:  # getting everyone to the check page, half on each server
            residents = list(pool.map(lambda n: resident_at_check(servers[n % 2][1], view.slot.id, n),
                                      range(RESIDENTS)))
        # Everyone presses Send at the same moment. A resident whose page failed to load still
        # arrives at the barrier (and reports it), so no one is left waiting for them.
        start = threading.Barrier(RESIDENTS, timeout=120)

        def send(client: httpx.Client) -> str:
            try:
                page = client.get("/a/gym/check")
                token = CSRF.search(page.text).group(1)
            except (httpx.HTTPError, AttributeError) as error:
                start.wait()
                return f"no check page: {error!r}"
            start.wait()
            try:
                return client.post("/a/gym/submit", data={"csrf": token}).headers.get("location", "")
            except httpx.HTTPError as error:
                return f"sending failed: {error!r}"

        with ThreadPoolExecutor(RESIDENTS) as pool:
            sent = list(pool.map(send, residents))
    failed = [outcome for outcome in sent if not outcome.startswith("/a/gym/")]
    assert not failed, (f"{len(failed)} residents did not get an answer: {failed[:3]}\n"
                        f"{(tmp_path / 'servers.log').read_text()[-2000:]}")
    assert sent.count("/a/gym/done") == PLACES
    assert sent.count("/a/gym/p/1?change=1&refused=full") == RESIDENTS - PLACES
    with store.session() as s:
        assert s.exec(select(func.count()).select_from(Booking)).one() == PLACES
        assert s.exec(select(func.count()).select_from(Submission)).one() == PLACES
        references = set(s.exec(select(Booking.reference)))
        assert references == set(s.exec(select(Submission.reference)))
    assert bookings.slot(view.slot.id).booked == PLACES
    for client in residents:
        client.close()
