"""Reading a resident's POST safely: a size limit, plain url-encoded forms, and the CSRF token."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import TypeGuard
from urllib.parse import parse_qsl

from starlette.datastructures import MultiDict
from starlette.requests import Request

MAX_BODY = 256 * 1024  # bytes; the longest answer is a few thousand characters
MAX_FIELDS = 300
CSRF_COOKIE = "mdg_csrf"
CSRF_COOKIE_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")
HONEYPOT = "hp-website"  # a hyphen: never a data key, so no question can be named like it


class BadForm(Exception):
    """A body too large or not a form: answered with a friendly page."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


async def read_form(request: Request) -> MultiDict:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise BadForm(413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise BadForm(413)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("", "application/x-www-form-urlencoded"):
        raise BadForm(415)
    try:
        # Broken UTF-8 becomes U+FFFD rather than an error; validation then sees it as text.
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError as too_many:
        raise BadForm(413) from too_many
    return MultiDict(pairs)


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)  # 32 characters of CSRF_COOKIE_SHAPE


def csrf_token(secret: bytes, cookie: str) -> str:
    """The form token is an HMAC of the browser's random cookie: a page elsewhere can read neither.
    Its own prefix keeps it from ever equalling another signature made with the same key for
    text the browser chose (the cookie is the browser's to set)."""
    return hmac.new(secret, b"csrf\x00" + cookie.encode(), hashlib.sha256).hexdigest()[:40]


def is_csrf_cookie(cookie: str | None) -> TypeGuard[str]:
    """Whether the cookie has the shape new_csrf_cookie gives it; any other is replaced, never signed."""
    return cookie is not None and CSRF_COOKIE_SHAPE.fullmatch(cookie) is not None


def csrf_ok(secret: bytes, cookie: str | None, token: str | None) -> bool:
    if not token or not is_csrf_cookie(cookie):
        return False
    return hmac.compare_digest(csrf_token(secret, cookie).encode(), token.encode())  # bytes: any text compares
