"""What residents write never reaches the server's log, even at debug level with every request logged;
nor does a reference number, which no address a resident's browser asks for ever holds."""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.store import Store
from tests.browser.conftest import free_port, running

from .test_booking_http import a_gym_time_three_days_ahead
from .test_booking_servers import CSRF
from .test_crash_safety import REFERENCE, SURVEY

SECRET_WORDS = "梅本町の秘密 0142-99-8765 hanako@example.jp"


@contextmanager
def server_logging_everything(tmp_path: Path, url: str) -> Iterator[httpx.Client]:
    """A resident's browser on a real server at debug level, which logs every request to tmp_path/server.log."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MADOGUCHI_DATABASE_URL": url, "MADOGUCHI_DATA_DIR": str(tmp_path)}
    with running([sys.executable, "-m", "uvicorn", "generated_apps.web.asgi:app", "--port", str(port),
                  "--log-level", "debug"], base + "/", tmp_path / "server.log", env=env):
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client


def published_survey(tmp_path: Path) -> str:
    """A database on disk with the survey published; its URL."""
    url = f"sqlite:///{tmp_path / 'madoguchi.sqlite3'}"
    store = Store.open(url)
    Apps(store).save_app(SURVEY, by="kato")
    Lifecycle(store).publish("iken", by="kato")
    store.engine.dispose()
    return url


def test_answers_names_and_phone_numbers_stay_out_of_the_server_log(tmp_path):
    url = published_survey(tmp_path)
    with server_logging_everything(tmp_path, url) as client:
        token = CSRF.search(client.get("/a/iken/p/1").text).group(1)
        client.post("/a/iken/p/1", data={"csrf": token, "view": SECRET_WORDS})
        client.post("/a/iken/p/2", data={"csrf": token, "name": "x" * 600 + SECRET_WORDS})  # refused: too long
        client.post("/a/iken/p/2", data={"csrf": token, "name": SECRET_WORDS})
        client.post("/a/iken/submit", data={"csrf": token})
        assert REFERENCE.search(client.get("/a/iken/done").text)
        client.post("/a/iken/p/1", data={"csrf": "forged", "view": SECRET_WORDS})  # refused: bad token
        client.post("/a/iken/status", data={"csrf": token, "reference": SECRET_WORDS, "last4": "8765"})
    logged = (tmp_path / "server.log").read_text(errors="replace")
    assert "POST /a/iken/p/1" in logged  # requests are logged...
    for word in SECRET_WORDS.split():
        assert word not in logged, f"{word!r} is in the server log"  # ...what residents wrote is not


def test_a_booking_and_its_cancellation_leave_no_reference_number_in_the_server_log(tmp_path):
    url = f"sqlite:///{tmp_path / 'madoguchi.sqlite3'}"
    store = Store.open(url)
    bookings, view = a_gym_time_three_days_ahead(store, 5)
    store.engine.dispose()
    with server_logging_everything(tmp_path, url) as client:
        token = CSRF.search(client.get("/a/gym/p/1").text).group(1)
        for page, answer in ((1, {"time": str(view.slot.id)}), (2, {"name": "梅本 花子"}),
                             (3, {"phone": "0142-98-7654"})):
            assert client.post(f"/a/gym/p/{page}", data={"csrf": token, **answer}).status_code == 303
        assert client.post("/a/gym/submit", data={"csrf": token}).headers["location"] == "/a/gym/done"
        reference = REFERENCE.search(client.get("/a/gym/done").text).group(1)
        assert client.get("/a/gym/booking.ics").status_code == 200
        typed = {"csrf": token, "reference": reference, "last4": "7654"}
        assert "この予約を取り消しますか" in client.post("/a/gym/cancel", data=typed).text
        cancelled = client.post("/a/gym/cancel", data={**typed, "confirm": "yes"})
        assert cancelled.headers["location"] == "/a/gym/cancelled"
        assert reference in client.get("/a/gym/cancelled").text
        client.get("/lang/en", params={"next": "/a/gym/cancelled"})  # the page in another language
        assert reference in client.get("/a/gym/cancelled").text
    assert bookings.slot(view.slot.id).booked == 0
    logged = (tmp_path / "server.log").read_text(errors="replace")
    assert "GET /a/gym/cancelled HTTP/1.1" in logged  # the pages that show it are logged...
    for word in (reference, reference.replace("-", ""), "梅本", "0142-98-7654"):
        assert word not in logged, f"{word!r} is in the server log"  # ...the reference number is not


def test_a_replica_never_redirects_to_the_host_a_request_names_and_an_abandoned_form_is_one_calm_line(tmp_path):
    """The replica app as the operator runs it (issue 18, point 8): Starlette's trailing-slash redirect
    used to be built from the Host header, and a form given up mid-body used to log a traceback."""
    url = published_survey(tmp_path)
    with server_logging_everything(tmp_path, url) as client:
        reply = client.get("/a/iken/", headers={"Host": "evil.example"})
        assert reply.status_code in (301, 307, 308) and reply.headers["location"] == "/a/iken"
        host, port = client.base_url.host, client.base_url.port
        with socket.create_connection((host, port)) as raw:
            raw.sendall(b"POST /a/iken/p/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        b"Content-Length: 1000\r\n\r\ncsrf=abc&view=")
            time.sleep(0.5)
        assert client.get("/a/iken").status_code == 200
        time.sleep(0.5)
    logged = (tmp_path / "server.log").read_text(errors="replace")
    assert "Traceback" not in logged and "evil.example" not in logged
