"""The staff side of a real `madoguchi serve`: its own session key, a new session at every sign-in, a
Secure cookie behind a proxy that ends TLS, and the builder kept to a host name of its own.

Each test starts a server of its own (the session's shared one has no staff address and an admin
whose password another test chose), over plain HTTP on loopback.
"""

from __future__ import annotations

import base64
import os
import re
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import itsdangerous
import pytest

from .conftest import free_port, madoguchi_command, running
from .test_server import request

USERNAME, PASSWORD = "kato", "a long staff password"
PUBLIC, STAFF = "madoguchi.city.example", "staff.city.example"


@contextmanager
def serving(data_dir: Path, **settings: str) -> Iterator[str]:
    """`madoguchi serve` on a fresh data dir with one admin (USERNAME), and MADOGUCHI_* `settings`; its address."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir), "MADOGUCHI_PUBLIC_URL": url,
           **{f"MADOGUCHI_{name.upper()}": value for name, value in settings.items()}}
    for name in ("MADOGUCHI_DATABASE_URL", "MADOGUCHI_SECRET_KEY", "MADOGUCHI_STAFF_SECRET_KEY"):
        if name.removeprefix("MADOGUCHI_").lower() not in settings:
            env.pop(name, None)
    made = subprocess.run([*madoguchi_command(), "create-admin", USERNAME, "--password-stdin"], input=PASSWORD + "\n",
                          env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    log = data_dir.parent / f"{data_dir.name}-server.log"
    with running([*madoguchi_command(), "serve", "--host", "127.0.0.1", "--port", str(port)], url + "/", log,
                 env=env):
        yield url


def session_cookie(set_cookies: list[str]) -> str:
    """The whole Set-Cookie line of NiceGUI's session cookie."""
    [cookie] = [c for c in set_cookies if c.strip().startswith("session=")]
    return cookie


def flags(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def signed_by(key: bytes, value: str) -> bool:
    """Whether Starlette's session cookie `value` carries a valid signature made with `key`."""
    try:
        itsdangerous.TimestampSigner(key.decode()).unsign(value.encode())
    except itsdangerous.BadSignature:
        return False
    return True


@pytest.mark.browser
def test_a_session_cookie_planted_before_sign_in_signs_nobody_in_after_it(browser, tmp_path):
    """Session fixation: someone visits the sign-in page, keeps the cookie they got, and plants it in a
    colleague's browser. The colleague signs in; the planted cookie still names a signed-out session."""
    data_dir = tmp_path / "data"
    with serving(data_dir) as url:
        planted = session_cookie(request(url, "/staff/signin").cookies()).split(";", 1)[0].split("=", 1)[1]
        context = browser.new_context(base_url=url, locale="ja-JP")
        context.set_default_timeout(20_000)
        try:
            context.add_cookies([{"name": "session", "value": planted, "domain": "127.0.0.1", "path": "/staff",
                                  "httpOnly": True, "sameSite": "Strict"}])
            page = context.new_page()
            page.goto("/staff/signin")
            page.locator("input[autocomplete=username]").fill(USERNAME)
            page.locator("input[autocomplete=current-password]").fill(PASSWORD)
            page.locator("input[autocomplete=current-password]").press("Enter")
            page.wait_for_url(re.compile(r"/staff/$"))
            page.get_by_role("link", name="English").wait_for()  # the dashboard, signed in
            [own] = [c["value"] for c in context.cookies() if c["name"] == "session"]
        finally:
            context.close()
        with_planted = request(url, "/staff/", headers={"Cookie": f"session={planted}"})
        with_own = request(url, "/staff/", headers={"Cookie": f"session={own}"})
    assert own != planted
    assert with_planted.status == 303 and with_planted.header("location").startswith("/staff/signin")
    assert with_own.status == 200
    # Signed with the builder's own key, which only it has (0600): not with the key every replica holds.
    staff_key, public_key = ((data_dir / "staff.key").read_bytes().strip(),
                             (data_dir / "secret.key").read_bytes().strip())
    assert staff_key != public_key and (data_dir / "staff.key").stat().st_mode & 0o777 == 0o600
    assert signed_by(staff_key, own) and not signed_by(public_key, own)


def test_the_staff_cookie_is_secure_when_tls_ends_at_a_proxy(tmp_path):
    with serving(tmp_path / "data", https="1") as url:
        cookie = session_cookie(request(url, "/staff/signin").cookies())
    assert {"secure", "httponly", "samesite=strict", "path=/staff"} <= flags(cookie), cookie


def upgrade(url: str, path: str, host: str) -> int:
    """The status a websocket handshake for `path` on `host` gets (101: the socket is open)."""
    key = base64.b64encode(os.urandom(16)).decode()
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=15) as raw:
        raw.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://{host}\r\n\r\n").encode())
        status_line = raw.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_with_a_staff_address_the_builder_answers_only_on_its_own_host(tmp_path):
    """MADOGUCHI_STAFF_URL: on the public host /staff (pages, NiceGUI's files, its websocket) is the
    residents' own not-found page, as on a replica, and NiceGUI never sees it; on the staff host it is the
    builder. Resident pages answer on both: the preview and counter entry use /static and the switches."""
    socket_path = "/staff/_nicegui_ws/socket.io/?EIO=4&transport=websocket"
    with serving(tmp_path / "data", public_url=f"http://{PUBLIC}", staff_url=f"http://{STAFF}") as url:
        public = {path: request(url, path, headers={"Host": PUBLIC})
                  for path in ("/staff", "/staff/", "/staff/signin",
                               "/staff/_nicegui_ws/socket.io/?EIO=4&transport=polling")}
        public_socket = upgrade(url, socket_path, PUBLIC)
        staff = request(url, "/staff/", headers={"Host": STAFF})
        staff_sign_in = request(url, "/staff/signin", headers={"Host": f"{STAFF.upper()}:8443"})  # name only, any case
        staff_socket = upgrade(url, socket_path, STAFF)
        portal = {host: request(url, "/", headers={"Host": host}).status for host in (PUBLIC, STAFF)}
        unnamed = request(url, "/staff/signin", headers={"Host": "127.0.0.1"}).status
        # Host headers no browser sends, which a proxy may pass to its default (public) server while a
        # URL parser reads the staff name out of them.
        bent = {host: request(url, "/staff/signin", headers={"Host": host}).status
                for host in (f"{PUBLIC}@{STAFF}", f"{STAFF}#", f"{STAFF}/x", f"{STAFF}?", f"{PUBLIC}:1@{STAFF}")}
    for path, reply in public.items():
        assert reply.status == 404, f"{path} on the public host answered {reply.status}"
        assert "text/html" in reply.header("content-type") and 'lang="ja"' in reply.text, path  # the residents' page
        assert not [c for c in reply.cookies() if c.startswith("session=")], f"{path} on the public host: NiceGUI"
    assert public_socket == 403
    assert staff.status == 303 and staff.header("location") == "/staff/signin?next=/"
    assert staff_sign_in.status == 200 and "/staff/_nicegui/" in staff_sign_in.text
    assert session_cookie(staff_sign_in.cookies())
    assert staff_socket == 101
    assert portal == {PUBLIC: 200, STAFF: 200}
    assert unnamed == 404  # any host but the staff one, even the server's own address
    assert set(bent.values()) == {404}, bent


def test_a_staff_address_on_the_public_host_is_refused_at_start(tmp_path):
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(tmp_path), "MADOGUCHI_PUBLIC_URL": f"https://{PUBLIC}",
           "MADOGUCHI_STAFF_URL": f"https://{PUBLIC}:8443"}
    env.pop("MADOGUCHI_DATABASE_URL", None)
    result = subprocess.run([*madoguchi_command(), "serve", "--port", str(free_port())], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "MADOGUCHI_STAFF_URL must name a host of its own" in result.stderr
