"""The staff side's Socket.IO connection and its other doors, probed from outside as an attacker would:
raw Socket.IO clients (python-socketio's own, over websocket), raw HTTP, and a real Chromium for the
member of staff whose page is attacked.

NiceGUI names a page by a random client id and its controls by element and listener ids, and once
trusted whoever knew them. Here only the browser session that opened a page may speak for it, a
session that is still signed in (but on the pages made for signing in), and what a browser may write
into the server's log is one short line. Nothing a stranger does writes to the data directory, and no
redirect is built from the Host header.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
import socket
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
import socketio

from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store

from .test_server import request
from .test_staff_server import PASSWORD, USERNAME, serving

pytestmark = pytest.mark.browser

SOCKET_PATH = "/staff/_nicegui_ws/socket.io"
FORGED_LINE = 'INFO:     127.0.0.1:1 - "GET /a/consultation/status?reference=1234-5678 HTTP/1.1" 200 OK'
BLOB = "x" * 200_000


class Server:
    def __init__(self, url: str, data_dir: Path) -> None:
        self.url, self.data_dir = url, data_dir
        self.log = data_dir.parent / f"{data_dir.name}-server.log"

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, size: int) -> str:
        time.sleep(1)  # what the server does with the last frames, and its log's flush
        with self.log.open("rb") as f:
            f.seek(size)
            return f.read().decode("utf-8", errors="replace")

    def usernames(self) -> set[str]:
        store = Store.open(f"sqlite:///{self.data_dir / 'madoguchi.sqlite3'}")
        try:
            return {user.username for user in StaffAccounts(store).all()}
        finally:
            store.engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("socket") / "data"
    with serving(data_dir) as url:
        yield Server(url, data_dir)


@pytest.fixture
def staff(browser, server):
    """A factory of signed-in Chromium pages of the admin, each in a browser (session) of its own."""
    contexts = []

    def sign_in(path: str = "/staff/"):
        context = browser.new_context(base_url=server.url, locale="ja-JP", viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/staff/signin")
        signed_in(page)
        if path != "/staff/":
            page.goto(path)
        connected(page)
        return page

    yield sign_in
    for context in contexts:
        context.close()


def connected(page) -> None:
    page.wait_for_function("() => window.did_handshake === true")


def signed_in(page) -> None:
    """Sign in on the sign-in page `page` shows, and land on the dashboard; failing, say where the page is
    and what it shows. The fields are filled once the page's socket is up: a page whose socket came too
    late is reloaded by NiceGUI, which would empty fields filled before."""
    try:
        connected(page)
        page.locator("input[autocomplete=username]").fill(USERNAME)
        page.locator("input[autocomplete=current-password]").fill(PASSWORD)
        page.locator("input[autocomplete=current-password]").press("Enter")
        page.wait_for_url(re.compile(r"/staff/$"))
    except Exception as error:
        shows = page.evaluate("document.body ? document.body.innerText : ''")[:500]
        raise AssertionError(f"signing in failed at {page.url}, which shows: {shows!r}") from error


def cookie_of(page) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies() if c["name"] == "session")


def tab_of(page) -> str:
    return page.evaluate("sessionStorage.__nicegui_tab_id")


def listeners(page) -> dict[str, tuple[int, str]]:
    """`label/event type` -> (element id, listener id) of every control on the page, as NiceGUI sent them."""
    found = page.evaluate("""() => Object.entries(mounted_app.elements).flatMap(([id, e]) =>
        (e.events || []).map(ev => [`${e.props.label || e.text || e.tag}/${ev.type}`,
                                    [Number(id), ev.listener_id]]))""")
    return {name: (element, listener) for name, (element, listener) in found}


def event(client_id: str, control: tuple[int, str], *args: object) -> dict:
    """The frame a browser sends when a control fires (NiceGUI's `event`)."""
    element, listener = control
    return {"id": element, "client_id": client_id, "listener_id": listener, "args": [json.dumps(a) for a in args]}


def speak(url: str, client_id: str, frames: list[tuple[str, object]], *, cookie: str | None = None,
          implicit: bool = True, tab_id: str | None = None) -> dict:
    """Open a raw Socket.IO connection to the staff side as a browser's page `client_id` would (the cookie
    given, or none), shake hands (in the connect query, or with a `handshake` event), send `frames`
    and close. `tab_id`: the page's own (NiceGUI pins a client to the first tab that shook hands for it).
    What happened: {"connected": bool, "handshake": bool | None}."""

    async def run() -> dict:
        client = socketio.AsyncClient(reconnection=False)
        query = {"client_id": client_id, "tab_id": tab_id or str(uuid.uuid4()), "document_id": str(uuid.uuid4()),
                 "next_message_id": 0, "implicit_handshake": "true" if implicit else "false"}
        try:
            await client.connect(f"{url}?{urlencode(query)}", socketio_path=SOCKET_PATH, transports=["websocket"],
                                 headers={"Cookie": cookie} if cookie else {}, wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            return {"connected": False, "handshake": None}
        shook = None
        try:
            if not implicit:
                shook = await client.call("handshake", {k: query[k] for k in ("client_id", "tab_id", "document_id")},
                                          timeout=10)
            for name, data in frames:
                await client.emit(name, data)
            await asyncio.sleep(0.5)
        finally:
            await client.disconnect()
        return {"connected": True, "handshake": shook}

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's own loop runs in this thread
        return pool.submit(asyncio.run, run()).result(timeout=60)


def send_frames(url: str, query: dict[str, str], frames: list[str], cookie: str | None = None) -> None:
    """Raw websocket frames after Engine.IO's open and a Socket.IO connect: what no Socket.IO client sends."""
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    address = f"{url.replace('http', 'ws', 1)}{SOCKET_PATH}/?{urlencode({**query, 'EIO': 4, 'transport': 'websocket'})}"
    with connect(address, additional_headers={"Cookie": cookie} if cookie else {}, open_timeout=10) as ws:
        ws.recv(timeout=10)  # Engine.IO's open
        ws.send("40")
        ws.recv(timeout=10)  # connected, or refused
        try:
            for frame in frames:
                ws.send(frame)
            time.sleep(0.5)
        except (ConnectionClosed, OSError):  # the server hung up on a frame: fine
            pass


GARBAGE = ["42garbage", '42["event"]', '42["event",1,2,3]', "4", "49", '42{"a":1}', '42[1]', '42["handshake"]', "43",
           "41", '45-["x"]', '451-["event",{"_placeholder":true,"num":0}]', "4" + "[" * 5000,
           "x" * 1000]  # no Engine.IO packet: the server hangs up


def anonymous_page(url: str, path: str = "/staff/signin") -> tuple[str, str]:
    """A page fetched as a stranger's script would: its session cookie and its client id."""
    reply = request(url, path)
    assert reply.status == 200, f"{path} answered {reply.status}"
    cookie = "; ".join(c.split(";", 1)[0] for c in reply.cookies() if c.startswith("session="))
    return cookie, re.search(r"'client_id': '([0-9a-f-]{36})'", reply.text)[1]


def test_a_socket_without_the_pages_own_signed_in_session_cannot_act_for_it(server, staff):
    """The outside probe: knowing an admin page's client and listener ids, a socket with no cookie added
    a user, audited as the admin. Now neither a socket without a cookie nor one of another signed-in
    session of the same admin can do anything on that page; the page itself still can."""
    page = staff("/staff/users")
    client_id = page.evaluate("window.clientId")
    controls = listeners(page)
    username, name, add = (controls[k] for k in ("ユーザー名（a-z、0-9、. _ -）/update:value",
                                                  "氏名（ほかの職員に表示されます）/update:value", "追加/click"))
    forged = [("event", event(client_id, username, "mallory")), ("event", event(client_id, name, "Mallory")),
              ("event", event(client_id, add))]
    other_session = cookie_of(staff())  # the same admin, signed in in another browser
    assert other_session != cookie_of(page)

    tab = tab_of(page)
    tries = {
        "no cookie, handshake in the connect query": speak(server.url, client_id, forged, tab_id=tab),
        "no cookie, handshake as an event": speak(server.url, client_id, forged, implicit=False, tab_id=tab),
        "another session, handshake in the connect query": speak(server.url, client_id, forged, cookie=other_session,
                                                                 tab_id=tab),
        "another session, handshake as an event": speak(server.url, client_id, forged, cookie=other_session,
                                                        implicit=False, tab_id=tab),
    }
    for how, result in tries.items():
        assert not result["connected"] or result["handshake"] is False, f"{how}: {result}"
    assert "mallory" not in server.usernames()

    # The page itself, on its own socket, still adds a member of staff.
    page.get_by_label("ユーザー名（a-z、0-9、. _ -）").fill("carol")
    page.get_by_label("氏名（ほかの職員に表示されます）").fill("Carol")
    page.get_by_role("button", name="追加").click()
    page.get_by_text("carol").first.wait_for()
    assert "carol" in server.usernames() and "mallory" not in server.usernames()


def test_a_signed_out_session_cannot_take_its_old_page_back(server, staff):
    """A page opened while signed in, then signed out in another tab: its own cookie no longer speaks for it."""
    page = staff("/staff/users")
    client_id, cookie = page.evaluate("window.clientId"), cookie_of(page)
    controls = listeners(page)
    other = page.context.new_page()
    other.goto("/staff/signout")
    other.wait_for_url(re.compile(r"/staff/signin"))
    result = speak(server.url, client_id, [("event", event(client_id, controls["追加/click"]))], cookie=cookie,
                   tab_id=tab_of(page))
    assert not result["connected"], result


def test_only_a_short_line_of_what_a_browser_says_reaches_the_log(server):
    """The outside probe wrote a forged access-log line and a 200 KB blob into the log through NiceGUI's
    `log` event, and each malformed event left a traceback of about 30 lines. A stranger's socket now
    writes nothing for a page not its own, and a page's own socket (anyone owns the sign-in page they
    fetched) one short line with its control characters escaped, and a few at most. Frames that are no
    packet at all cost a socket a short line or two, never a traceback."""
    cookie, client_id = anonymous_page(server.url)
    tab = str(uuid.uuid4())
    size = server.log_size()
    speak(server.url, client_id, [("log", {"client_id": client_id, "level": "error", "message": FORGED_LINE}),
                                  ("log", {"client_id": client_id, "level": "error", "message": BLOB})], tab_id=tab)
    malformed = [("event", {"nope": 1}), ("event", "a string"), ("event", {"client_id": client_id, "id": "x"}),
                 ("event", {"client_id": client_id, "id": 0, "listener_id": "nope", "args": ["{"]}),
                 ("ack", {"client_id": client_id}), ("javascript_response", {"client_id": 5}), ("log", [1, 2]),
                 ("handshake", None), ("no such event", {"client_id": client_id})]
    owned = speak(server.url, client_id,
                  [("log", {"client_id": client_id, "level": "error", "message": "\n" + FORGED_LINE + "\n" + BLOB})]
                  + malformed * 10
                  + [("log", {"client_id": client_id, "level": "warning", "message": FORGED_LINE})] * 20,
                  cookie=cookie, tab_id=tab)
    assert owned["connected"], "the sign-in page's own socket was refused"
    for _ in range(5):  # each a page load of its own (a document id of its own), as a browser's would be
        for who in (None, cookie):  # a stranger's, and the page's own
            query = {"client_id": client_id, "tab_id": tab, "document_id": str(uuid.uuid4()),
                     "implicit_handshake": "true"}
            send_frames(server.url, query, GARBAGE, cookie=who)
    logged = server.log_since(size)
    lines = logged.splitlines()
    assert "Traceback" not in logged, logged[:3000]
    assert "xxxxxxxxxx" * 10 not in logged
    assert not [line for line in lines if line.startswith(FORGED_LINE[:30])], logged[:3000]
    assert all(len(line) <= 300 for line in lines), max(lines, key=len)[:500]
    sockets = len([line for line in lines if '"WebSocket /socket.io/' in line])
    ours = [line for line in lines
            if '"WebSocket /socket.io/' not in line and not line.startswith("INFO:     connection")]
    assert sockets == 12 and len(ours) <= 3 * sockets, logged[:3000]  # was some 30 for each malformed frame


def test_client_ids_stay_out_of_the_log(server, staff):
    """An upload's address and the socket's query name the page's client id, which was all it took to act
    for the page: the access log keeps neither."""
    size = server.log_size()
    page = staff()
    client_id = page.evaluate("window.clientId")
    page.reload()
    connected(page)
    second = page.evaluate("window.clientId")
    logged = server.log_since(size)
    assert "WebSocket" in logged or "socket.io" in logged  # the socket's lines are there...
    assert client_id not in logged and second not in logged  # ...without the ids


def editor_with_upload(staff) -> tuple[object, str]:
    """A new blank app's editor with its import dialog open; the address of the dialog's upload."""
    page = staff("/staff/new")
    page.locator("main button").last.click()  # a blank app
    page.wait_for_url(re.compile(r"/staff/apps/\d+$"))
    connected(page)
    page.get_by_role("button", name=re.compile("読み込|取り込|Import")).first.click()
    page.wait_for_function("() => Object.values(mounted_app.elements)"
                           ".some(e => (e.props.url || '').includes('/upload/'))")
    url = page.evaluate("() => Object.values(mounted_app.elements)"
                        ".map(e => e.props.url || '').find(u => u.includes('/upload/'))")
    return page, "/staff" + url


def post_and_abort(url: str, path: str, cookie: str | None) -> None:
    """A multipart POST announced as 100 KB that stops after a few hundred bytes and hangs up."""
    port = int(url.rsplit(":", 1)[1])
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
            f"Content-Length: 100000\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n")
    body = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="app.json"\r\n\r\n{"slug": "' + b"a" * 500
    with socket.create_connection(("127.0.0.1", port), timeout=15) as raw:
        raw.sendall(head.encode() + body)
        time.sleep(0.5)


def post_file(url: str, path: str, content: bytes, cookie: str | None) -> int:
    boundary = "xyz"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="app.json"\r\n'
            f"Content-Type: application/json\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    import http.client

    port = int(url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("POST", path, body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", **({"Cookie": cookie} if cookie else {})})
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_page_upload_answers_only_its_own_session_and_an_aborted_one_costs_one_calm_line(server, staff):
    """NiceGUI's upload address is the page's client id: a stranger who learnt it could send the editor
    a file. Only the page's own signed-in session may; a stranger's POST is refused before its body is
    read. An upload the browser gives up mid-way left about 270 lines of ClientDisconnect tracebacks."""
    page, upload = editor_with_upload(staff)
    other_session = cookie_of(staff())
    size = server.log_size()
    assert post_file(server.url, upload, b'{"slug": "stranger"}', None) == 404
    assert post_file(server.url, upload, b'{"slug": "stranger"}', other_session) == 404
    post_and_abort(server.url, upload, None)
    post_and_abort(server.url, upload, cookie_of(page))
    logged = server.log_since(size)
    assert "Traceback" not in logged and "ClientDisconnect" not in logged, logged[:3000]
    assert len(logged.splitlines()) <= 5, logged[:3000]
    assert page.evaluate("window.did_handshake") is True


def nicegui_files(data_dir: Path) -> dict[str, bytes]:
    folder = data_dir / "nicegui"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*"))} if folder.exists() else {}


def test_anonymous_requests_leave_the_data_directory_as_it_was(server):
    """The outside probe: each cookie-less GET of /staff/lang/en wrote a session file, 100 requests 100
    files, never removed. Nothing anyone does before signing in writes to disk."""
    before = nicegui_files(server.data_dir)
    for _ in range(100):
        for path in ("/staff/lang/en", "/staff/lang/ja?next=/signin", "/staff/signin"):
            assert request(server.url, path).status in (200, 303)
    for path in ("/staff/", "/staff", "/staff/signout", "/staff/setup", "/staff/signin/session?token=x",
                 "/staff/no-such-page", "/staff/users", "/staff/audit.csv", "/staff/preview/1/ja/"):
        request(server.url, path)
    # A stranger's browser on the sign-in page, in English, with its socket: still nothing on disk.
    cookie, client_id = anonymous_page(server.url)
    request(server.url, "/staff/lang/en?next=/signin", headers={"Cookie": cookie})
    speak(server.url, client_id, [], cookie=cookie)
    time.sleep(1)  # NiceGUI writes its files in the background
    assert nicegui_files(server.data_dir) == before


def test_the_language_chosen_before_signing_in_still_holds_after(server, browser):
    """Choosing English on the sign-in page keeps working although nothing is stored for it on disk."""
    context = browser.new_context(base_url=server.url, locale="ja-JP")
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.goto("/staff/lang/en?next=/signin")
        page.get_by_text("Sign in to Madoguchi").wait_for()
        signed_in(page)
        page.get_by_role("link", name="Sign out").wait_for()
    finally:
        context.close()


def test_signing_out_removes_the_sessions_file(server, staff):
    """A signed-in session's file (it keeps the sign-in across a restart) goes when it signs out, though it
    still holds the language chosen."""
    before = set(nicegui_files(server.data_dir))
    page = staff()
    page.goto("/staff/lang/en")
    page.get_by_role("link", name="Sign out").wait_for()
    time.sleep(1)
    files = set(nicegui_files(server.data_dir)) - before
    assert len(files) == 1, files  # the signed-in session's
    page.goto("/staff/signout")
    page.wait_for_url(re.compile(r"/staff/signin"))
    time.sleep(1)
    assert not set(nicegui_files(server.data_dir)) & files


@pytest.mark.parametrize(("path", "location"), [("/staff", "/staff/"), ("/staff?next=x", "/staff/?next=x"),
                                                ("/staff/users/", "/staff/users"), ("/a/no-such-app/", None)])
def test_redirects_never_name_the_host_the_request_gave(server, path, location):
    """Starlette builds its trailing-slash redirects from the Host header: a forged Host sent the browser
    to another site. Every redirect is a path on this site."""
    reply = request(server.url, path, headers={"Host": "evil.example"})
    where = reply.header("location")
    assert "evil.example" not in where, f"{path} -> {where}"
    if location is not None:
        assert reply.status in (301, 307, 308) and where == location, f"{path} -> {reply.status} {where}"


def test_an_image_pointing_at_sign_out_or_language_changes_nothing(server, staff):
    """A staff page may show an image another site of the city's serves; an <img> of /staff/signout or
    /staff/lang/en there must neither sign the viewer out nor change the language (issue 18, point 6).
    Opening the link itself still does both."""
    page = staff()
    page.evaluate("""() => Promise.all(['/staff/signout', '/staff/lang/en'].map(src => new Promise(done => {
        const image = new Image(); image.onload = image.onerror = done; image.src = src; })))""")
    page.goto("/staff/")
    page.wait_for_url(re.compile(r"/staff/$"))
    page.get_by_role("link", name="サインアウト").wait_for()  # still signed in, still in Japanese
    page.goto("/staff/signout")
    page.wait_for_url(re.compile(r"/staff/signin"))
