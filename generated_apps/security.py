"""Security headers that do not depend on the page: HSTS over HTTPS, and the staff side's own.

Resident pages carry their headers themselves (web.PAGE_HEADERS, computed once). This middleware
adds what only the connection or the path decides:
- over HTTPS (uvicorn reports the scheme; behind a proxy with --proxy-headers), Strict-Transport-Security,
  so a browser that once came over HTTPS never again sends a cookie over plain HTTP;
- under the staff prefix (NiceGUI's pages, which set none of these): no framing by other sites, no
  MIME sniffing, no full address in the Referer, and no copy of a staff page (personal data) in any cache.
A header the response already has is left as it is.
"""

from __future__ import annotations

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
