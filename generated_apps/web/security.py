"""Security headers that do not depend on the page (HSTS over HTTPS, and the staff side's own), and the
staff side kept to a host name of its own.

Resident pages carry their headers themselves (web.PAGE_HEADERS, computed once). This middleware
adds what only the connection or the path decides:
- over HTTPS (uvicorn reports the scheme; behind a proxy with --proxy-headers), Strict-Transport-Security,
  so a browser that once came over HTTPS never again sends a cookie over plain HTTP;
- under the staff prefix (NiceGUI's pages, which set none of these): no framing by other sites, no
  MIME sniffing, no full address in the Referer, and no copy of a staff page (personal data) in any cache.
A header the response already has is left as it is.

Also here, for the whole server: redirects kept to paths of this site (`RelativeRedirects`), and a
request its client gave up on ended with one calm line (`ClientGone`).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("madoguchi.requests")
SHOWN_CHARS = 100  # of anything a client sent, in a log line
# NiceGUI's page ids, which are all it takes to act for a page: in a socket's query and a page's own addresses.
CLIENT_ID = re.compile(r"(client_id=|/_nicegui/client/)[0-9A-Za-z-]+")

HSTS = (b"strict-transport-security", b"max-age=31536000")
STAFF_HEADERS = [
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, staff_prefix: str | None = None) -> None:
        self.app = app
        self.staff_prefix = staff_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        staff = self.staff_prefix is not None and scope["path"].startswith(self.staff_prefix)
        if not (https or staff):  # the common case, a resident's page over plain HTTP: nothing to add
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [HSTS] if https else []
                if staff:
                    extra += STAFF_HEADERS
                    content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                    if content_type.startswith(b"text/html"):
                        extra.append(NO_STORE)
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class StaffHostOnly:
    """With a host name of the builder's own (MADOGUCHI_STAFF_URL), everything under the staff prefix
    (NiceGUI's pages, files and websocket) answers only on that host. On any other, the public one,
    it is not found, as on a public replica: a redirect would tell anyone who tries /staff where the
    builder lives. Such a request never reaches NiceGUI: no session cookie, no client, no socket.

    `not_found` answers those requests (the resident side's own 404 page); by default a plain 404.
    The host is the request's Host header, as the reverse proxy passes it on, compared by name only.
    """

    def __init__(self, app: ASGIApp, staff_host: str, staff_prefix: str = "/staff",
                 not_found: ASGIApp | None = None) -> None:
        self.app = app
        self.staff_host = staff_host.lower()
        self.staff_prefix = staff_prefix
        self.not_found = not_found or PlainTextResponse("Not Found", status_code=404)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not self._is_staff(scope["path"]) \
                or request_host(scope) == self.staff_host:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # before accepting: refused with 403
        else:
            await self.not_found(scope, receive, send)

    def _is_staff(self, path: str) -> bool:
        return path == self.staff_prefix or path.startswith(self.staff_prefix + "/")


# A Host header as browsers send it: a name or an [IPv6 address], and a port. Nothing else ("user@",
# "#", "/"): a proxy may send such a header to its default server while a URL parser reads another
# name out of it.
HOST = re.compile(r"(?P<name>[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?")


def request_host(scope: Scope) -> str:
    """The host name the request was sent to (its Host header, without the port), lower case; "" if none
    or not a plain host[:port]."""
    raw = next((value for name, value in scope.get("headers", []) if name == b"host"), b"")
    found = HOST.fullmatch(raw.decode("latin-1").lower())
    return found["name"].strip("[]").rstrip(".") if found else ""


def shown(text: object) -> str:
    """Text a client sent, fit for one log line: page ids hidden, at most SHOWN_CHARS characters, and
    control characters escaped (no forged second line)."""
    text = CLIENT_ID.sub(r"\1…", str(text))
    safe = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:SHOWN_CHARS])
    return safe + ("…" if len(text) > SHOWN_CHARS else "")


class RelativeRedirects:
    """A redirect's address made a path on this site. Starlette builds the redirects that add or take
    away a trailing slash (/staff -> /staff/) from the request's Host header, which the client chooses:
    a forged Host sent the browser to another site. An absolute Location naming the host the request
    gave (or, without a Host header, the server's own address) is cut to its path and query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def relative(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                message = {**message, "headers": [(name, _local(value, scope) if name.lower() == b"location" else value)
                                                  for name, value in message.get("headers", [])]}
            await send(message)

        await self.app(scope, receive, relative)


def _local(location: bytes, scope: Scope) -> bytes:
    parts = urlsplit(location.decode("latin-1"))
    if not parts.scheme or not parts.netloc:
        return location  # already a path
    host = next((value for name, value in scope.get("headers", []) if name == b"host"), b"").decode("latin-1")
    server = scope.get("server")
    own = {host.lower()} if host else {f"{server[0]}:{server[1]}" if server else ""}
    if parts.netloc.lower() not in own:
        return location  # an address of some other site, chosen by the code: left as it is
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return ("/" + path.lstrip("/")).encode("latin-1")  # never "//host": that would be another site again


class ClientGone:
    """A client that hangs up before its request's body has arrived (Starlette raises ClientDisconnect
    wherever the body is read: a form, an upload) ends that request with one calm line, not tracebacks
    of some 270 lines; nobody is left to answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        except ClientDisconnect:
            log.info("%s %s: the client went away before its request had arrived", scope["method"],
                     shown(scope["path"]))


def is_navigation(request: Request) -> bool:
    """Whether a GET is a person opening the address: a top-level page in a browser, not an image, a
    frame or a script's fetch some page made (Sec-Fetch-Dest, Sec-Fetch-Mode; absent in older
    browsers, which count), and not a prefetch (Sec-Purpose; Purpose in older Chrome and Safari)."""
    headers = request.headers
    return (request.method == "GET" and headers.get("sec-fetch-dest", "document") == "document"
            and headers.get("sec-fetch-mode", "navigate") == "navigate"
            and "prefetch" not in (headers.get("sec-purpose", "") + headers.get("purpose", "")
                                   + headers.get("x-moz", "")))
