"""Who may speak for a staff page: only the browser session that opened it, still signed in.

NiceGUI names a page by a random client id, and its controls by element and listener ids that the
page itself carries. Its Socket.IO handlers (nicegui/nicegui.py) then trust anyone who sends them:
a socket with no cookie at all that knew an admin's page's ids could click its buttons with the
admin's rights, and NiceGUI's `log` event wrote whatever it was sent into the server log, at ERROR.
The upload of a page (`/_nicegui/client/ID/upload/N`) was the same: the client id was the key.

`guard` replaces those handlers on the staff side's Socket.IO server. The session a socket belongs to is
the one named by the session cookie of its connecting request (Starlette's SessionMiddleware has
read it into the request's scope; no cookie, no session). A socket may shake hands for a page only
if that is the session the page was opened by, and (but on the pages for signing in) it is still
signed in. Every later message must name a page this socket shook hands for. Anything else is
dropped, with at most one short line per socket in the log. What a page's own browser reports
through `log` becomes one short warning line, its control characters escaped, a few per socket.
`OwnPagesOnly` applies the same rule to the HTTP addresses of a page (its uploads).

`hide_client_ids` keeps page ids out of the access log (the socket's query and the upload's path).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeGuard
from urllib.parse import parse_qs

import socketio
from nicegui import Client
from nicegui.storage import request_contextvar
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from generated_apps.web.security import CLIENT_ID, shown

log = logging.getLogger("madoguchi.staff_socket")

# NiceGUI's error pages (a page path of '') are shown to anyone, like the sign-in page.
ERROR_PAGE = ""
BROWSER_LINES = 3  # `log` messages of one socket that reach the log; the rest are dropped
PAGE_ADDRESS = re.compile(r"/_nicegui/client/([^/]+)/")


def session_id(scope: Mapping[str, Any]) -> str:
    """The browser session a request or socket belongs to, as its signed cookie says; "" without one."""
    found = (scope.get("session") or {}).get("id")
    return found if isinstance(found, str) else ""


def owns(client: Client | None, session: str) -> TypeGuard[Client]:
    """Whether `client` (a page) was opened by the browser session `session`."""
    if client is None or not session:
        return False
    try:
        opened_by = session_id(client.request.scope)
    except RuntimeError:  # a page without a request: not one a browser opened
        return False
    return bool(opened_by) and secrets.compare_digest(opened_by, session)


class Guard:
    """The staff side's Socket.IO handlers, in front of NiceGUI's own."""

    def __init__(self, sio: socketio.AsyncServer, signed_in: Callable[[], bool], open_pages: Collection[str]) -> None:
        self.sio = sio
        self.signed_in = signed_in  # asked in the context of a page's own request
        self.open_pages = {*open_pages, ERROR_PAGE}
        # NiceGUI's handlers, called once a message has passed
        self.nicegui: dict[str, Callable[..., Any]] = dict(sio.handlers["/"])
        self.decode = sio.eio.handlers["message"]  # python-socketio's: every frame, before any handler
        self.warned: set[str] = set()
        self.documents: dict[str, str] = {}  # page (client id) -> the document that shook hands for it first
        self.browser_lines: dict[str, int] = {}
        sio.eio.on("message", self.frame)
        for event, handler in (("connect", self.connect), ("handshake", self.handshake),
                               ("disconnect", self.disconnect), ("event", self.event),
                               ("javascript_response", self.javascript_response),
                               ("ack", self.ack), ("log", self.browser_log)):
            sio.on(event, handler)

    # --- frames: only what a page's script sends ---------------------------------------------------

    async def frame(self, eio_sid: str, data: object) -> Any:
        """A frame that is no Socket.IO packet NiceGUI's pages send is dropped here: python-socketio
        would raise on it, and each such frame cost a traceback of some 30 lines."""
        try:
            packet = self.sio.packet_class(encoded_packet=data) if isinstance(data, str) else None
        except (ValueError, TypeError, IndexError):
            packet = None
        if packet is None or packet.packet_type not in (socketio.packet.CONNECT, socketio.packet.DISCONNECT,
                                                        socketio.packet.EVENT, socketio.packet.ACK) or (
                packet.packet_type == socketio.packet.EVENT and not (
                    isinstance(packet.data, list) and packet.data and isinstance(packet.data[0], str))):
            self.refuse(f"({eio_sid})", "a frame that is no packet of a page")
            return None
        return await self.decode(eio_sid, data)

    # --- who may shake hands ----------------------------------------------------------------------

    def may_shake_hands(self, sid: str, client_id: object, document_id: object, environ: dict[str, Any]) -> bool:
        client = Client.instances.get(client_id) if isinstance(client_id, str) else None
        if not owns(client, session_id(environ.get("asgi.scope", {}))):
            self.refuse(sid, "its session did not open that page")
            return False
        if client.page.path not in self.open_pages and not self.signed_in_for(client):
            self.refuse(sid, "its session is signed out", level=logging.INFO)  # e.g. a tab left open
            return False
        # A page is loaded once (one document); its sockets reconnect with that document's id. Sockets of
        # several documents for one page make NiceGUI delete the page once per document, and fail.
        if not isinstance(document_id, str) or self.documents.setdefault(client.id, document_id) != document_id:
            self.refuse(sid, "a second document for one page")
            return False
        if len(self.documents) > 10_000:
            self.documents = {c: d for c, d in self.documents.items() if c in Client.instances}
        return True

    def signed_in_for(self, client: Client) -> bool:
        token = request_contextvar.set(client.request)
        try:
            return self.signed_in()
        finally:
            request_contextvar.reset(token)

    async def connect(self, sid: str, environ: dict[str, Any], auth: object = None) -> Any:
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if not session_id(environ.get("asgi.scope", {})):
            self.refuse(sid, "no session cookie")
            raise socketio.exceptions.ConnectionRefusedError("Implicit handshake failed")  # the page reloads
        if query.get("implicit_handshake") == "true" and not self.may_shake_hands(
                sid, query.get("client_id"), query.get("document_id"), environ):
            raise socketio.exceptions.ConnectionRefusedError("Implicit handshake failed")
        return await self.nicegui["connect"](sid, environ, auth)

    async def handshake(self, sid: str, data: object = None, *_: object) -> bool:
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("client_id", "tab_id",
                                                                                         "document_id")):
            self.refuse(sid, "a malformed handshake")
            return False
        if not self.may_shake_hands(sid, data["client_id"], data["document_id"], self.sio.get_environ(sid) or {}):
            return False
        shaken: bool = await self.nicegui["handshake"](sid, data)
        return shaken

    def disconnect(self, sid: str, *args: object) -> None:
        self.warned.discard(sid)
        self.browser_lines.pop(sid, None)
        self.nicegui["disconnect"](sid)

    # --- what a socket may say after ---------------------------------------------------------------

    def for_own_page(self, sid: str, msg: object, event: str) -> dict[str, Any] | None:
        """`msg`, if it is for a page this socket shook hands for and that page is still there; else None,
        and the message is dropped."""
        client_id = msg.get("client_id") if isinstance(msg, dict) else None
        # NiceGUI's handshake puts the socket in one room per page
        if not isinstance(client_id, str) or client_id not in self.sio.rooms(sid):
            self.refuse(sid, f"'{event}' for a page it did not shake hands for")
            return None
        return msg if isinstance(msg, dict) and client_id in Client.instances else None

    def event(self, sid: str, message: object = None, *_: object) -> None:
        msg = self.for_own_page(sid, message, "event")
        if msg is None:
            return
        args = msg.get("args", [])
        if not (isinstance(msg.get("id"), int) and isinstance(msg.get("listener_id"), str) and isinstance(args, list)
                and all(a is None or isinstance(a, str) for a in args)):
            self.refuse(sid, "a malformed event")
            return
        try:
            self.nicegui["event"](sid, msg)
        except (KeyError, ValueError, TypeError, IndexError):
            # An unknown listener, or arguments that are not JSON: the message's fault. A handler's own
            # errors never come here: NiceGUI catches and logs them (events.handle_event).
            self.refuse(sid, "an event for no control of the page, or not JSON")

    def javascript_response(self, sid: str, message: object = None, *_: object) -> None:
        msg = self.for_own_page(sid, message, "javascript_response")
        if msg is not None:
            if isinstance(msg.get("request_id"), str):
                self.nicegui["javascript_response"](sid, msg)

    def ack(self, sid: str, message: object = None, *_: object) -> None:
        msg = self.for_own_page(sid, message, "ack")
        if msg is not None:
            if isinstance(msg.get("next_message_id"), int):
                self.nicegui["ack"](sid, msg)

    def browser_log(self, sid: str, message: object = None, *_: object) -> None:
        """What a page's browser reports (a script's error, mostly): a short warning at most, never
        an error of the server's; debug and info are dropped, as the server's own would be."""
        msg = self.for_own_page(sid, message, "log")
        if msg is None or msg.get("level") not in ("warning", "error"):
            return
        count = self.browser_lines.get(sid, 0) + 1
        self.browser_lines[sid] = count
        if count <= BROWSER_LINES:
            log.warning("a staff page's browser reported: %s", shown(msg.get("message", "")))
        elif count == BROWSER_LINES + 1:
            log.warning("a staff page's browser reports more; the rest from this socket is not logged")

    def refuse(self, sid: str, why: str, *, level: int = logging.WARNING) -> None:
        """One short line per socket, whatever it goes on sending."""
        if sid not in self.warned:
            if len(self.warned) > 10_000:  # sockets that never said goodbye
                self.warned.clear()
            self.warned.add(sid)
            log.log(level, "staff socket %s refused: %s", sid, why)


def guard(sio: socketio.AsyncServer, signed_in: Callable[[], bool], open_pages: Collection[str]) -> Guard:
    """Put the Guard in front of NiceGUI's handlers on `sio` (call once, after NiceGUI registered them)."""
    return Guard(sio, signed_in, open_pages)


class OwnPagesOnly:
    """A page's own HTTP addresses (NiceGUI's `/_nicegui/client/ID/...`, its uploads) answer only the
    browser session that opened the page, signed in; anyone else gets 404, before the body is read.
    Inside NiceGUI's session middleware, which puts the cookie's session into the scope."""

    def __init__(self, app: ASGIApp, signed_in: Callable[[], bool], open_pages: Collection[str] = ()) -> None:
        self.app, self.signed_in, self.open_pages = app, signed_in, {*open_pages, ERROR_PAGE}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = PAGE_ADDRESS.search(scope["path"]) if scope["type"] == "http" else None
        if found is not None:
            client = Client.instances.get(found[1])
            # The request is the page's session's own here, so the session asked is the page's.
            if not owns(client, session_id(scope)) or (client.page.path not in self.open_pages
                                                        and not self.signed_in()):
                await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BrokenFrames:
    """A websocket frame that is no Engine.IO packet at all makes python-engineio raise out of the
    application (a traceback of some 80 lines for each such socket): the socket is closed with one line.
    Only Engine.IO's own transport raises here: handlers' errors are caught and logged inside it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        except ValueError:
            log.warning("a staff websocket sent a frame that is no Engine.IO packet; closed")


class BrokenPolls(logging.Filter):
    """python-engineio logs a long-polling POST whose body is no Engine.IO payload with a traceback, at
    ERROR: one short warning line instead (the body is the client's, not a fault of the server)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "post request handler error":
            record.msg, record.args = "a long-polling request's body was no Engine.IO payload; ignored", ()
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class HideClientIds(logging.Filter):
    """Takes page ids out of uvicorn's lines (the access log, and its websocket lines): `client_id=…`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(CLIENT_ID.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args)
        return True


def quiet_broken_frames(sio: socketio.AsyncServer) -> None:
    logger = sio.eio.logger
    if not any(isinstance(f, BrokenPolls) for f in logger.filters):
        logger.addFilter(BrokenPolls())


def hide_client_ids() -> None:
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideClientIds) for f in logger.filters):
            logger.addFilter(HideClientIds())
