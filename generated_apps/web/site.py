"""The resident side: its route table, and the parts its views are made of.

Plain HTML from Jinja2, POST then redirect, no JavaScript needed. Each view reads the request, asks
the domain, and renders one template. The same views serve the live site, the builder's preview and
counter entry: what differs between them is the mode they are given (modes.py).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from generated_apps.domain.bookings import Bookings
from generated_apps.domain.config import Settings
from generated_apps.domain.store import Store
from generated_apps.web import preferences
from generated_apps.web.addresses import local_path
from generated_apps.web.booking_views import BookingViews
from generated_apps.web.cookies import LANG_COOKIE, draft_cookie, set_cookie
from generated_apps.web.form_views import FormViews
from generated_apps.web.lookup import PostLimit
from generated_apps.web.modes import LIVE, Live
from generated_apps.web.open_data_views import OpenDataViews
from generated_apps.web.pages import INLINE_CSS, Pages, style_hash
from generated_apps.web.portal_views import PortalViews
from generated_apps.web.posts import Posts, exception_handlers
from generated_apps.web.resolve import Resolver
from generated_apps.web.status_views import StatusViews

# Names other modules imported from here before the resident side was split up.
__all__ = ["INLINE_CSS", "LANG_COOKIE", "ResidentSite", "draft_cookie", "style_hash"]


class ResidentSite:
    """The resident pages in one mode (live unless told): the views, and the collaborators they share."""

    def __init__(self, store: Store, settings: Settings, mode: Live = LIVE) -> None:
        self.store, self.settings, self.mode = store, settings, mode
        zone = settings.time_zone
        self.bookings = Bookings(store, zone)
        self.pages = Pages(store, settings, mode, settings.secret_key())
        self.resolver = Resolver(store, mode, self.pages)
        # Forms sent per client address (not at the counter, where staff send many from one desk).
        limit = PostLimit(settings.post_limit) if settings.post_limit and mode.limits_posts else None
        self.posts = Posts(self.pages, limit)
        self.booking_views = BookingViews(store, self.bookings, mode, self.pages, self.resolver, zone)
        self.status_views = StatusViews(store, mode, self.pages, self.resolver, zone)
        self.forms = FormViews(store, zone, mode, self.pages, self.resolver, self.bookings, self.booking_views)
        self.portal = PortalViews(store, self.pages, zone)
        self.open_data = OpenDataViews(store, self.pages, zone)

    @property
    def secret(self) -> bytes:
        return self.pages.secret

    def routes(self) -> list[Route]:
        forms, bookings, status, portal = self.forms, self.booking_views, self.status_views, self.portal
        post = self.posts.view  # a form's POST: limited per address, read safely, then handled in a thread
        get, send = ["GET"], ["POST"]
        return [
            # The page residents open most often comes first: routes are tried in order.
            Route("/a/{slug}/p/{number:int}", forms.question, methods=get),
            Route("/", portal.index, methods=get),
            Route("/static/{name}", portal.static, methods=get),
            Route("/lang/{lang}", portal.set_language, methods=get),
            *preferences.routes(set_cookie, local_path),  # /size/…, /contrast/…, /furigana/…
            Route("/a/{slug}", forms.start, methods=get),
            Route("/q/{code}", portal.scan, methods=get),
            Route("/a/{slug}/p/{number:int}", post(forms.answer), methods=send),
            Route("/a/{slug}/check", forms.check, methods=get),
            Route("/a/{slug}/submit", post(forms.submit), methods=send),
            Route("/a/{slug}/done", forms.done, methods=get),
            Route("/a/{slug}/restart", post(forms.restart), methods=send),
            # Facility bookings: the phone's calendar file, and cancelling.
            Route("/a/{slug}/booking.ics", bookings.calendar_file, methods=get),
            Route("/a/{slug}/cancel", bookings.cancel_form, methods=get),
            Route("/a/{slug}/cancel", post(bookings.cancel), methods=send),
            Route("/a/{slug}/cancelled", bookings.cancelled, methods=get),
            # A consultation's status, with the reference number and the phone's last four digits.
            Route("/a/{slug}/status", status.status_form, methods=get),
            Route("/a/{slug}/status", post(status.look), methods=send),
            # A survey's counts, when an admin publishes them.
            Route("/a/{slug}/open-data.json", self.open_data.json_file, methods=get),
            Route("/a/{slug}/open-data.csv", self.open_data.csv_file, methods=get),
        ]

    def exception_handlers(self) -> dict[Any, Any]:
        return exception_handlers(self.pages)

    # What the builder asks of the site (builder/server.py): the not-found page for any other address.
    def not_found(self, request: Request) -> Response:
        return self.pages.not_found(request)
