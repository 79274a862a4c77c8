"""The resident's reading aids: text size, a high-contrast scheme and furigana.

Chosen with plain links (`/size/large?next=…`, `/contrast/high?next=…`, `/furigana/on?next=…`), so
they work without JavaScript, and remembered in a cookie for a year. A page shows them as classes on
`<html>`; the stylesheet does the rest, and the page's text is rendered with or without ruby
(widgets/furigana.py). Each is part of the page cache's key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from generated_apps.web.security import is_navigation

SIZE_COOKIE = "mdg_size"
CONTRAST_COOKIE = "mdg_contrast"
FURIGANA_COOKIE = "mdg_furigana"
SIZES = ("standard", "large", "largest")
CONTRASTS = ("standard", "high")
FURIGANA = ("off", "on")
REMEMBERED = 365 * 24 * 3600  # a year: an older resident should not have to choose again every visit

# Each aid: the address it is chosen at (/{name}/{value}), its cookie and its values (the first is the default).
AIDS: dict[str, tuple[str, tuple[str, ...]]] = {"size": (SIZE_COOKIE, SIZES), "contrast": (CONTRAST_COOKIE, CONTRASTS),
                                                 "furigana": (FURIGANA_COOKIE, FURIGANA)}


@dataclass(frozen=True)
class Preferences:
    size: str = SIZES[0]
    contrast: str = CONTRASTS[0]
    furigana: str = FURIGANA[0]

    @property
    def key(self) -> tuple[str, ...]:
        """What a cached page depends on: part of its cache key, so one resident's choice never reaches another."""
        return self.size, self.contrast, self.furigana

    @property
    def shows_furigana(self) -> bool:
        return self.furigana == "on"

    @property
    def html_class(self) -> str:
        """The classes on `<html>`; empty for the standard page, whose bytes stay as they always were."""
        classes = []
        if self.size != SIZES[0]:
            classes.append(f"size-{self.size}")
        if self.contrast != CONTRASTS[0]:
            classes.append(f"contrast-{self.contrast}")
        if self.shows_furigana:
            classes.append("furigana-on")
        return " ".join(classes)


def read(cookies: Mapping[str, str]) -> Preferences:
    """The resident's choices; a cookie with an unknown value counts as no choice."""
    size, contrast, furigana = cookies.get(SIZE_COOKIE), cookies.get(CONTRAST_COOKIE), cookies.get(FURIGANA_COOKIE)
    return Preferences(size=size if size in SIZES else SIZES[0],
                       contrast=contrast if contrast in CONTRASTS else CONTRASTS[0],
                       furigana=furigana if furigana in FURIGANA else FURIGANA[0])


SetCookie = Callable[[Response, Request, str, str, int | None], None]


def routes(set_cookie: SetCookie, local_path: Callable[[str], str]) -> list[Route]:
    """GET /size/{value}, /contrast/{value} and /furigana/{value}: remember the choice, then back to `next`
    on this site. An unknown value changes nothing (an old bookmark, a typo): the resident is simply taken back."""

    def choose(name: str) -> Callable[[Request], Awaitable[Response]]:
        cookie, values = AIDS[name]

        async def endpoint(request: Request) -> Response:
            response = RedirectResponse(local_path(request.query_params.get("next", "/")), status_code=303)
            value = request.path_params["value"]
            if value in values and is_navigation(request):  # never from an <img> some page points here
                set_cookie(response, request, cookie, value, REMEMBERED)
            return response

        return endpoint

    return [Route(f"/{name}/{{value}}", choose(name), methods=["GET"]) for name in AIDS]
