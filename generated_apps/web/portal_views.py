"""The pages beside any one app's: the portal, the static files, the language switch, and a QR code
opened (/q/CODE)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from generated_apps.domain import i18n
from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.live import LiveApp, LiveApps
from generated_apps.domain.store import Store
from generated_apps.web.addresses import local_path
from generated_apps.web.cookies import LANG_COOKIE, YEAR, set_cookie
from generated_apps.web.pages import Pages
from generated_apps.web.resolve import spec_of
from generated_apps.web.security import is_navigation
from widgets import N_

# The portal's groups, in order, each named in plain words for residents.
PORTAL_GROUPS = (("pinned", N_("Important notices")), ("notice", N_("Notices")),
                 ("apply", N_("Apply, answer or ask")), ("reservation", N_("Book a facility")))
# Link previews and crawlers that fetch a code's address when it is shared, with nobody scanning it:
# those that name themselves. A crawler's address ("+https://…/bot.html") is in no browser's
# User-Agent; "bot" alone is not a sign (Cubot makes phones). Browsers too old to send Sec-Fetch-* count.
NOT_A_PERSON = re.compile(r"\+https?://|Googlebot|bingbot|Slackbot|Twitterbot|facebookexternalhit|Discordbot|"
                          r"TelegramBot|WhatsApp/|LinkedInBot|Applebot|SkypeUriPreview|Embedly|Iframely|"
                          r"Google-InspectionTool|Baiduspider|YandexBot")


class PortalViews:
    def __init__(self, store: Store, pages: Pages, time_zone: str) -> None:
        self.store, self.pages, self.zone = store, pages, ZoneInfo(time_zone)
        self.live_apps = LiveApps(store)
        self.points = AccessPoints(store)
        self.apps = Apps(store)

    def index(self, request: Request) -> Response:
        now = self.store.now()
        apps = [a for a in self.live_apps.all() if a.status(now) == "live"]
        return self.pages.render(request, "index.html", groups=portal_groups(apps))

    async def static(self, request: Request) -> Response:
        asset = self.pages.assets.get(request.path_params["name"])
        if asset is None:
            return self.pages.not_found(request)
        headers = {"Cache-Control": f"public, max-age={YEAR}, immutable", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(asset.gzipped, media_type=asset.media_type, headers={**headers, "Content-Encoding": "gzip"})
        return Response(asset.body, media_type=asset.media_type, headers=headers)

    async def set_language(self, request: Request) -> Response:
        lang = request.path_params["lang"]
        target = local_path(request.query_params.get("next", "/"))
        response = RedirectResponse(target, status_code=303)
        if lang in i18n.UI_LANGS and is_navigation(request):  # never from an <img> some page points here
            set_cookie(response, request, LANG_COOKIE, lang, max_age=YEAR)
        return response

    async def scan(self, request: Request) -> Response:
        return await run_in_threadpool(self._scan, request)

    def _scan(self, request: Request) -> Response:
        """A QR code opened: count it (per access point and day, nothing about the resident) and go to
        the app wherever it is now, noting the access point. The app's own address answers for a
        retired or not yet open app. An unknown or disabled code gets a page with the help number."""
        day = self.store.now().astimezone(self.zone).date()
        code = request.path_params["code"]
        found = self.points.scan(code, day) if is_a_scan(request) else self._access_point(code)
        if found is None:
            return self.pages.render(request, "unknown_code.html", 404)
        point, slug = found
        return RedirectResponse(f"/a/{quote(slug)}?via={point.code}", status_code=303)

    def _access_point(self, code: str) -> tuple[Any, str] | None:
        """What store.scan finds for a code, without counting: for a request that is no one scanning it."""
        point = self.points.by_code(code)
        app = self.apps.by_id(point.app_id) if point is not None and point.active else None
        return (point, app.slug) if app is not None else None


def portal_groups(apps: list[LiveApp]) -> list[tuple[str, str, list[LiveApp]]]:
    """(key, heading msgid, apps) for each group that has an app: pinned ones first, then by kind,
    the newest first in each."""
    def group(app: LiveApp) -> str:
        spec = spec_of(app)  # each app is live
        if spec.pinned:
            return "pinned"
        return spec.kind if spec.kind in ("notice", "reservation") else "apply"

    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    newest_first = sorted(apps, key=lambda a: a.published_at or oldest, reverse=True)
    return [(key, heading, [a for a in newest_first if group(a) == key]) for key, heading in PORTAL_GROUPS
            if any(group(a) == key for a in apps)]


def is_a_scan(request: Request) -> bool:
    """Whether opening /q/CODE counts as a scan: a navigation (not HEAD, not an <img>) by no known bot."""
    return is_navigation(request) and not NOT_A_PERSON.search(request.headers.get("user-agent", ""))
