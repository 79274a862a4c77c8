"""Crash safety (issue 9): the server is killed with SIGKILL while residents send forms and book places.

The server runs on SQLite in its own process; residents in this process send surveys and bookings
through HTTP. Mid-stream the server is killed without warning, then started again on the same files.
Every reference number a resident was shown must be in the database, with its answers, and no slot
may hold more bookings than its places. Residents then carry on with the restarted server.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
from sqlmodel import func, select

from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.models import Booking, Submission
from generated_apps.domain.store import Store
from tests.browser.conftest import free_port, running
from widgets import AppSpec

from .test_booking_http import a_gym_time_three_days_ahead
from .test_booking_servers import CSRF

PLACES = 12  # fewer places than the residents who try for them, so the limit is hit while the server dies
REFERENCE = re.compile(r'<p class="reference">([0-9]{4}-[0-9]{4})</p>')
SURVEY = AppSpec.model_validate({
    "slug": "iken", "title": {"ja": "ご意見", "en": "Your views"},
    "contact": {"phone": "0142-23-3331"}, "lifecycle": {"retention_days": 365, "no_end": True},
    "pages": [{"widgets": [{"type": "long_text", "key": "view", "label": {"ja": "ご意見", "en": "Your view"}}]},
              {"widgets": [{"type": "name", "key": "name", "label": {"ja": "お名前", "en": "Name"},
                            "reading": "none"}]}],
})


class Server:
    """`uvicorn generated_apps.web.asgi:app` on the data dir's SQLite, in a process of its own."""

    def __init__(self, url: str, data_dir: Path, log: Path) -> None:
        self.url, self.data_dir, self.log = url, data_dir, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.running = ExitStack()  # every process started, each stopped by stop()

    def start(self) -> None:
        env = {**os.environ, "MADOGUCHI_DATABASE_URL": self.url, "MADOGUCHI_DATA_DIR": str(self.data_dir),
               "MADOGUCHI_SECRET_KEY": "kept-across-restarts", "MADOGUCHI_POST_LIMIT": "0"}  # all from one address
        self.proc = self.running.enter_context(running(
            [sys.executable, "-m", "uvicorn", "generated_apps.web.asgi:app", "--host", "127.0.0.1", "--port",
             str(self.port), "--log-level", "warning"], self.base + "/", self.log, env=env))

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        self.running.close()


def survey_sent(base: str, n: int) -> str | None:
    """One resident's survey, start to reference number; None when the server went away on the way."""
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            token = CSRF.search(client.get("/a/iken/p/1").text).group(1)
            client.post("/a/iken/p/1", data={"csrf": token, "view": f"除雪をお願いします {n}"})
            client.post("/a/iken/p/2", data={"csrf": token, "name": f"住民 {n}"})
            client.post("/a/iken/submit", data={"csrf": token})
            found = REFERENCE.search(client.get("/a/iken/done").text)
            return found.group(1) if found else None
    except (httpx.HTTPError, AttributeError):
        return None


def booking_made(base: str, slot_id: int, n: int) -> str | None:
    """One resident's booking, start to reference number; None when refused or the server went away."""
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            token = CSRF.search(client.get("/a/gym/p/1").text).group(1)
            client.post("/a/gym/p/1", data={"csrf": token, "time": str(slot_id)})
            client.post("/a/gym/p/2", data={"csrf": token, "name": f"住民 {n}"})
            client.post("/a/gym/p/3", data={"csrf": token, "phone": f"0142{n:06d}"})
            if client.post("/a/gym/submit", data={"csrf": token}).headers.get("location") != "/a/gym/done":
                return None
            found = REFERENCE.search(client.get("/a/gym/done").text)
            return found.group(1) if found else None
    except (httpx.HTTPError, AttributeError):
        return None


def test_a_server_killed_mid_stream_loses_no_reference_number_it_showed_and_overbooks_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'madoguchi.sqlite3'}"
    store = Store.open(url)
    bookings, view = a_gym_time_three_days_ahead(store, PLACES)
    Apps(store).save_app(SURVEY, by="kato")
    Lifecycle(store).publish("iken", by="kato")

    shown: list[str] = []  # reference numbers residents saw on the confirmation page
    lock = threading.Lock()
    server = Server(url, tmp_path, tmp_path / "server.log")
    server.start()
    try:
        def resident(n: int) -> None:
            reference = booking_made(server.base, view.slot.id, n) if n % 3 == 0 else survey_sent(server.base, n)
            if reference:
                with lock:
                    shown.append(reference)

        with ThreadPoolExecutor(8) as pool:
            work = [pool.submit(resident, n) for n in range(400)]
            while len(shown) < 40:  # well under way: then, without warning
                time.sleep(0.01)
            server.kill()
            for done in work:
                done.result()
        seen_before_kill = list(shown)

        server.start()  # the same files, a new process
        after = [survey_sent(server.base, 1000 + n) for n in range(5)]
    finally:
        server.stop()

    assert len(seen_before_kill) >= 40 and len(seen_before_kill) < 400, "the kill did not land mid-stream"
    with store.session() as s:
        stored = set(s.exec(select(Submission.reference)))
        missing = [r for r in seen_before_kill if r not in stored]
        assert not missing, f"{len(missing)} reference numbers shown to residents are gone: {missing[:5]}"
        for submission in s.exec(select(Submission).where(Submission.reference.in_(seen_before_kill))):
            assert submission.answers, submission.reference
        booked = s.exec(select(func.count()).select_from(Booking).where(Booking.slot_id == view.slot.id)).one()
    assert booked <= PLACES
    assert bookings.slot(view.slot.id).booked == booked  # the slot's count agrees with its bookings
    assert all(after), "residents could not carry on after the restart"
    with store.session() as s:
        assert set(after) <= set(s.exec(select(Submission.reference)))
    store.engine.dispose()
