"""The scale path (issue 9): resident replicas with two uvicorn workers and the builder as a separate
process, all on one PostgreSQL database, under a bounded load on loopback.

Residents view pages, send surveys and compete for fewer places than there are askers, while staff
publish a new version of the survey. No request may fail, every reference number shown must be
stored exactly once, and the slot must be filled exactly to its places. Throughput figures are
bench/load.py's job; this test only asks that nothing goes wrong.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
from sqlalchemy import text
from sqlmodel import func, select

from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.models import Booking, Submission
from tests.browser.conftest import free_port, running
from widgets import AppSpec

from .test_booking_http import a_gym_time_three_days_ahead
from .test_booking_servers import CSRF
from .test_crash_safety import REFERENCE, SURVEY
from .test_store import _postgres_store

FULL = "その時間は満員です"  # the polite refusal, in Japanese
PLACES, ASKERS, SURVEYS, VIEWS = 10, 40, 80, 200


def expect(response: httpx.Response, status: int) -> httpx.Response:
    assert response.status_code == status, f"{response.request.method} {response.request.url.path}: " \
                                           f"{response.status_code} {response.text[:200]}"
    return response


def send_survey(base: str, n: int) -> str:
    with httpx.Client(base_url=base, timeout=60) as client:
        token = CSRF.search(expect(client.get("/a/iken/p/1"), 200).text).group(1)
        expect(client.post("/a/iken/p/1", data={"csrf": token, "view": f"街灯を増やしてください {n}"}), 303)
        expect(client.post("/a/iken/p/2", data={"csrf": token, "name": f"住民 {n}"}), 303)
        expect(client.post("/a/iken/submit", data={"csrf": token}), 303)
        return REFERENCE.search(expect(client.get("/a/iken/done"), 200).text).group(1)


def try_to_book(base: str, slot_id: int, n: int) -> str | None:
    """The reference number of a booking made, or None when the places were gone (a polite refusal)."""
    with httpx.Client(base_url=base, timeout=60) as client:
        token = CSRF.search(expect(client.get("/a/gym/p/1"), 200).text).group(1)
        chosen = client.post("/a/gym/p/1", data={"csrf": token, "time": str(slot_id)})
        if chosen.status_code == 422 and FULL in chosen.text:  # full before this resident even chose it
            return None
        expect(chosen, 303)
        expect(client.post("/a/gym/p/2", data={"csrf": token, "name": f"住民 {n}"}), 303)
        expect(client.post("/a/gym/p/3", data={"csrf": token, "phone": f"0142{n:06d}"}), 303)
        where = expect(client.post("/a/gym/submit", data={"csrf": token}), 303).headers["location"]
        if where != "/a/gym/done":
            assert "refused=full" in where, where
            return None
        return REFERENCE.search(expect(client.get("/a/gym/done"), 200).text).group(1)


def view_pages(base: str) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        for path in ("/", "/a/iken", "/a/iken/p/1", "/a/gym", "/a/gym/p/1"):
            expect(client.get(path), 200)


def test_two_workers_and_the_builder_on_postgresql_lose_nothing_and_overbook_nothing(tmp_path):
    store, admin, schema = _postgres_store()
    url = store.engine.url.render_as_string(hide_password=False)
    bookings, slot = a_gym_time_three_days_ahead(store, PLACES)
    Apps(store).save_app(SURVEY, by="kato")
    Lifecycle(store).publish(SURVEY.slug, by="kato")

    env = {**os.environ, "MADOGUCHI_DATABASE_URL": url, "MADOGUCHI_DATA_DIR": str(tmp_path),
           "MADOGUCHI_SECRET_KEY": "one-key-for-every-replica", "MADOGUCHI_POST_LIMIT": "0"}  # all from one address
    residents_port, builder_port = free_port(), free_port()
    residents, builder = f"http://127.0.0.1:{residents_port}", f"http://127.0.0.1:{builder_port}"
    log = tmp_path / "servers.log"
    with ExitStack() as servers:
        servers.enter_context(running([sys.executable, "-m", "uvicorn", "generated_apps.web.asgi:app", "--workers", "2",
                                       "--host", "127.0.0.1", "--port", str(residents_port), "--log-level", "warning"],
                                      residents + "/", log, env=env))
        servers.enter_context(running([sys.executable, "-m", "builder", "serve", "--host", "127.0.0.1",
                                       "--port", str(builder_port)], builder + "/", log, env=env))
        expect(httpx.get(f"{builder}/staff/signin", timeout=30, follow_redirects=True), 200)

        republished = threading.Event()

        def staff_publish_a_new_version() -> None:
            time.sleep(0.5)  # while residents are on their way
            Apps(store).save_app(AppSpec.model_validate({**SURVEY.model_dump(mode="json", exclude_none=True),
                                                   "title": {"ja": "ご意見（第2版）", "en": "Your views (2)"}}),
                           by="kato")
            Lifecycle(store).publish("iken", by="kato")
            republished.set()

        with ThreadPoolExecutor(32) as pool:
            staff = pool.submit(staff_publish_a_new_version)
            surveys = [pool.submit(send_survey, residents if n % 4 else builder, n) for n in range(SURVEYS)]
            asks = [pool.submit(try_to_book, residents, slot.slot.id, n) for n in range(ASKERS)]
            views = [pool.submit(view_pages, residents) for _ in range(VIEWS // 5)]
            staff.result()
            shown = [f.result() for f in surveys]
            booked = [r for r in (f.result() for f in asks) if r]
            for f in views:
                f.result()
        assert republished.is_set()
        # Both workers pick up the new version within their short cache time.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            titles = {"第2版" in expect(httpx.get(f"{residents}/a/iken"), 200).text for _ in range(6)}
            if titles == {True}:
                break
            time.sleep(0.5)
        assert titles == {True}, "a worker still serves the old version"
    server_log = (tmp_path / "servers.log").read_text(errors="replace")
    assert "Traceback" not in server_log, server_log[-3000:]

    assert len(set(shown)) == SURVEYS and len(booked) == PLACES
    with store.session() as s:
        stored = list(s.exec(select(Submission.reference)))
        assert sorted(stored) == sorted(shown + booked)  # every one shown is there, once, and nothing else
        assert s.exec(select(func.count()).select_from(Booking)).one() == PLACES
    assert bookings.slot(slot.slot.id).booked == PLACES
    store.engine.dispose()
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()
