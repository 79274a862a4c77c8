"""The resident side's cookies: their names, and one way of writing them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

LANG_COOKIE = "mdg_lang"
YEAR = 365 * 24 * 3600


def draft_cookie(app_id: int) -> str:
    """The cookie naming a resident's draft of an app (counter entry has its own: modes.Counter)."""
    return f"mdg_draft_{app_id}"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
    # Written out by hand: our names and values are plain tokens, and http.cookies is slow on a hot path.
    cookie = f"{name}={value}; HttpOnly; Path=/; SameSite=lax"
    if max_age is not None:
        cookie += f"; Max-Age={max_age}"
    if request.scope.get("scheme") == "https":
        cookie += "; Secure"
    response.raw_headers.append((b"set-cookie", cookie.encode("latin-1")))
