"""Security headers that do not depend on the page (HSTS over HTTPS, and the staff side's own), and the
staff side kept to a host name of its own.

Resident pages carry their headers themselves (web.PAGE_HEADERS, computed once). This middleware
adds what only the connection or the path decides:
- over HTTPS (uvicorn reports the scheme; behind a proxy with --proxy-headers), Strict-Transport-Security,
  so a browser that once came over HTTPS never again sends a cookie over plain HTTP;
- under the staff prefix (NiceGUI's pages, which set none of these): no framing by other sites, no
  MIME sniffing, no full address in the Referer, and no copy of a staff page (personal data) in any cache.
A header the response already has is left as it is.
"""

from __future__ import annotations

import re

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
