"""The edges of the running server that outside probes found (issue 18, findings 6 and 8), each shown
against a real `madoguchi serve` on SQLite, over real sockets: what a stored image address may load,
what counts as a scan, slow and aborted requests, 405s, and digits that are not digits."""

from __future__ import annotations

import json
import os
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.store import Store
from tests.browser.conftest import free_port, madoguchi_command, running
from tests.htmlpage import form_fields, parse
from widgets import AppSpec

REPO = Path(__file__).resolve().parents[2]
# Short deadlines for this server, so that the tests need not wait the real ones (asgi.HEADER_TIMEOUT …).
HEADER_SECONDS, BODY_SECONDS = 2, 3
SAFE_IMAGE = "https://www.city.date.hokkaido.jp/map.png"

SPEC = {
    "slug": "sports-day", "kind": "form", "title": {"ja": "運動会の申し込み"}, "languages": ["ja"],
    "contact": {"phone": "0142-23-3331"},
    "lifecycle": {"retention_days": 30, "no_end": True},
    "pages": [
        {"widgets": [
            {"type": "image", "src": SAFE_IMAGE, "alt": {"ja": "会場の地図"}},
            {"type": "number", "key": "people", "label": {"ja": "参加する人数"}, "unit": {"ja": "人"}, "min": 1,
             "max": 100},
        ]},
        {"widgets": [{"type": "phone", "key": "phone", "label": {"ja": "電話番号"}}]},
        {"widgets": [{"type": "postal_code", "key": "postal", "label": {"ja": "郵便番号"}}]},
    ],
}


@dataclass(frozen=True)
class Server:
    url: str
    host: str
    port: int
    log: Path
    store: Store
    app_id: int
    code: str  # an access point's code: /q/CODE

    def scans(self) -> int:
        return sum(s.scans for s in AccessPoints(self.store).of_app(self.app_id))

    def log_since(self, mark: int) -> str:
        return self.log.read_bytes()[mark:].decode("utf-8", "replace")

    def log_mark(self) -> int:
        return self.log.stat().st_size


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("edges")
    url_db = f"sqlite:///{data_dir / 'madoguchi.sqlite3'}"
    store = Store.open(url_db)
    app = Apps(store).create(AppSpec.model_validate(SPEC), by="suzuki")
    Lifecycle(store).publish(app.slug, by="suzuki")
    code = AccessPoints(store).create(app.id, "ポスター", by="suzuki").code
    # Stored before images were limited to https: pages of this very site, which a browser loads with the
    # resident's cookies (signing staff out, counting a scan, climbing out of a folder).
    with store.engine.begin() as db:
        for table in ("app_version", "app"):
            column = "spec" if table == "app_version" else "draft_spec"
            db.execute(text(f"UPDATE {table} SET {column} = replace({column}, :safe, :evil)"),  # noqa: S608
                       {"safe": json.dumps(SAFE_IMAGE)[1:-1], "evil": f"/q/{code}"})
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir), "MADOGUCHI_PUBLIC_URL": url, "MADOGUCHI_POST_LIMIT": "0",
           "MADOGUCHI_HEADER_TIMEOUT": str(HEADER_SECONDS), "MADOGUCHI_BODY_TIMEOUT": str(BODY_SECONDS)}
    for name in ("MADOGUCHI_DATABASE_URL", "MADOGUCHI_STAFF_URL", "LANG", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    log = data_dir.parent / f"{data_dir.name}-server.log"
    try:
        with running([*madoguchi_command(), "serve", "--host", "127.0.0.1", "--port", str(port)], url + "/", log,
                     env=env, cwd=REPO):
            yield Server(url, "127.0.0.1", port, log, store, app.id, code)
    finally:
        store.engine.dispose()


def connect(server: Server) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=10)


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes `sock` (or answers and closes) within `within` seconds."""
    sock.settimeout(within)
    try:
        while sock.recv(4096):
            pass
        return True
    except TimeoutError:
        return False
    except ConnectionError:
        return True


# --- finding 6: image addresses, and what counts as a scan ------------------------------------------


def test_an_image_stored_with_an_address_on_this_site_is_never_loaded_by_a_residents_browser(server):
    with httpx.Client(base_url=server.url) as client:
        page = parse(client.get("/a/sports-day/p/1").text)
    assert not page.find_all("img"), "an address of this site's own pages was put in an <img>"
    assert "会場の地図" in page.find("figure").text  # what the image shows is still said, in words


@pytest.mark.parametrize("headers", [
    pytest.param({"Sec-Fetch-Dest": "image", "Sec-Fetch-Mode": "no-cors"}, id="an image on a page"),
    pytest.param({"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Sec-Purpose": "prefetch"},
                 id="a prefetch"),
    pytest.param({"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"}, id="a script's fetch"),
    pytest.param({"Sec-Fetch-Dest": "iframe", "Sec-Fetch-Mode": "navigate"}, id="a frame"),
    pytest.param({"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}, id="a link preview"),
    pytest.param({"User-Agent": "facebookexternalhit/1.1"}, id="another link preview"),
    pytest.param({"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
                 id="a crawler"),
])
def test_only_a_browser_opening_the_code_counts_a_scan(server, headers):
    before = server.scans()
    with httpx.Client(base_url=server.url) as client:
        response = client.get(f"/q/{server.code}", headers=headers)
        assert response.status_code == 303 and response.headers["location"].startswith("/a/sports-day")
        assert client.head(f"/q/{server.code}").status_code == 303
    assert server.scans() == before


def test_a_phone_opening_the_code_counts_one_scan_with_or_without_fetch_metadata(server):
    before = server.scans()
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 15_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " \
             "Version/15.6 Mobile/15E148 Safari/604.1"
    with httpx.Client(base_url=server.url) as client:
        assert client.get(f"/q/{server.code}", headers={"User-Agent": iphone}).status_code == 303
        navigation = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36",
                      "Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "none"}
        assert client.get(f"/q/{server.code}", headers=navigation).status_code == 303
    assert server.scans() == before + 2


# --- finding 8: slow and aborted requests -------------------------------------------------------------


def test_a_request_whose_head_trickles_in_is_cut_off_and_others_are_served_meanwhile(server):
    slow = []
    for _ in range(20):
        sock = connect(server)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        slow.append(sock)
    idle = connect(server)  # one that says nothing at all
    started = time.monotonic()
    for _ in range(2):  # a header line now and then keeps a slowloris connection open without a deadline
        time.sleep(HEADER_SECONDS / 2)
        for sock in slow:
            sock.sendall(b"X-a: b\r\n")
    assert httpx.get(server.url + "/", timeout=5).status_code == 200
    assert all(closed_by_server(sock, HEADER_SECONDS + 3 - (time.monotonic() - started)) for sock in [*slow, idle])
    for sock in [*slow, idle]:
        sock.close()


def test_a_body_that_trickles_in_is_cut_off_calmly(server):
    mark = server.log_mark()
    sock = connect(server)
    sock.sendall(b"POST /a/sports-day/p/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 1000\r\n\r\npeople=1")
    started = time.monotonic()
    closed = False
    while time.monotonic() - started < BODY_SECONDS + 4:
        try:
            sock.sendall(b"1")
        except OSError:
            closed = True
            break
        if closed_by_server(sock, 0.5):
            closed = True
            break
    sock.close()
    assert closed and time.monotonic() - started < BODY_SECONDS + 4
    time.sleep(0.5)
    assert "Traceback" not in server.log_since(mark)


def test_a_post_abandoned_half_way_leaves_one_calm_line_in_the_log(server):
    mark = server.log_mark()
    for _ in range(3):
        sock = connect(server)
        sock.sendall(b"POST /a/sports-day/p/1 HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 5000\r\n\r\npeople=12&csrf=")
        time.sleep(0.2)
        sock.close()
    time.sleep(1)
    logged = server.log_since(mark)
    assert "Traceback" not in logged and "ClientDisconnect" not in logged
    assert len([line for line in logged.splitlines() if line.strip()]) <= 3, logged


# --- finding 8: 405s, and digits --------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/a/sports-day"), ("PUT", "/a/sports-day/p/1"),
                                              ("POST", "/"), ("POST", "/q/ABC")])
def test_every_method_not_allowed_says_which_are(server, method, path):
    response = httpx.request(method, server.url + path)
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers.get("allow", "").split(",") if m.strip()}
    assert allowed and method not in allowed and "GET" in allowed


@pytest.mark.parametrize(("typed", "kept"), [("１２", 12), ("12人", 12), ("１２人", 12), ("⁰⁴⁵", None), ("₄₅", None),
                                              ("④", None), ("٤٥", None), ("𝟒𝟓", None)])
def test_the_number_of_people_reads_full_width_digits_and_refuses_digits_that_are_not_typed_as_numbers(
        server, typed, kept):
    with httpx.Client(base_url=server.url, follow_redirects=False) as client:
        page = parse(client.get("/a/sports-day/p/1").text)
        response = client.post("/a/sports-day/p/1", data={**form_fields(page), "people": typed})
        if kept is None:
            assert response.status_code == 422
            assert "「参加する人数」は数字で入力してください" in re.sub(r"\s+", "", parse(response.text).text)
        else:
            assert response.status_code == 303 and response.headers["location"] == "/a/sports-day/p/2"
            check = parse(client.get("/a/sports-day/p/1").text)
            assert form_fields(check)["people"] == str(kept)
