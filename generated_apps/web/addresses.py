"""The parts of a resident page's address we read or write back: an app's slug, a poster's short code,
this page's own address for its links, and a `next=` that must stay on this site."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# What a page's address may carry on into the page's own links (the `next=` of the reading aids and
# the languages), each value of a fixed shape. `change` on every page; the others only where a page
# asks for them (`here`). Nothing else a request brings is written back into a page, so no page holds
# text of an attacker's choosing beside a resident's answers, and every page can go out compressed.
VIA = re.compile(r"[A-Za-z0-9_-]{1,20}")  # a poster's short code, as a page carries it on
KEPT_PARAMS = {"change": re.compile("1"), "via": VIA}


def via_code(value: Any) -> str:
    """The access point a resident came through (a QR code's short code), or "" when it is not one."""
    return value if isinstance(value, str) and VIA.fullmatch(value) else ""


def here(request: Request, keep: tuple[str, ...] = ()) -> str:
    """This page's address for its own links: the path, `change` and the parameters in `keep`, each
    only if it has its fixed shape (KEPT_PARAMS); any other parameter is left out."""
    params = request.query_params
    kept = [(name, params[name]) for name in ("change", *keep)
            if name in params and KEPT_PARAMS[name].fullmatch(params[name])]
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


def local_path(target: str) -> str:
    """Only a path on this site: never an open redirect."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
