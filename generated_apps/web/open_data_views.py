"""The public addresses of a survey's open data: /a/{slug}/open-data.json and /a/{slug}/open-data.csv.

Anyone may fetch them, from any site (CORS open), while an admin keeps them published; a retired survey's
results stay published until an admin stops them. Counting a large survey takes a while, so each app's
document is kept for CACHE_SECONDS; whether it is published is asked of the database at every request,
so stopping publication takes effect at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from generated_apps.domain import open_data
from generated_apps.domain.apps import Apps
from generated_apps.domain.models import App
from generated_apps.domain.store import Store
from generated_apps.web.pages import Pages

CACHE_SECONDS = 300
HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": f"public, max-age={CACHE_SECONDS}",
           "X-Content-Type-Options": "nosniff"}


# What a kept document belongs to: the app, and its open-data licence and publication time.
Publication = tuple[int | None, str | None, dt.datetime | None]


class OpenDataViews:
    def __init__(self, store: Store, pages: Pages, time_zone: str) -> None:
        self.store, self.pages, self.time_zone = store, pages, time_zone
        # slug -> (when it was made, the publication it belongs to, the document)
        self._documents: dict[str, tuple[dt.datetime, Publication, dict[str, Any]]] = {}
        self._counting: dict[str, threading.Lock] = {}  # slug -> held while one request counts it
        self._guard = threading.Lock()

    async def json_file(self, request: Request) -> Response:
        return await run_in_threadpool(self._file, request, "json")

    async def csv_file(self, request: Request) -> Response:
        return await run_in_threadpool(self._file, request, "csv")

    def _file(self, request: Request, kind: str) -> Response:
        slug = request.path_params["slug"]
        app = Apps(self.store).by_slug(slug)
        if app is None or app.kind != "form" or not open_data.is_published(app):
            return self.pages.not_found(request)
        doc = self.document(app)
        if doc is None:  # being counted for the first time
            response = self.pages.error_page(request, 503)
            response.raw_headers.append((b"retry-after", b"30"))  # a resident Page: its headers are raw
            return response
        licence = doc["licence_url"]
        headers = {**HEADERS, **({"Link": f'<{licence}>; rel="license"'} if licence else {})}
        if kind == "json":
            return Response(open_data.json_bytes(doc), media_type="application/json", headers=headers)
        headers["Content-Disposition"] = f'attachment; filename="{slug}-open-data.csv"'
        return Response(open_data.csv_bytes(doc), media_type="text/csv; charset=utf-8", headers=headers)

    def document(self, app: App) -> dict[str, Any] | None:
        """The app's document, kept or counted now. While another request counts it, that request's last
        count is served (however old), or None when there is none yet: a thread of the server waiting
        behind a long count is a thread no resident can use."""
        store = self.store
        publication: Publication = (app.id, app.open_data_licence, app.open_data_at)
        kept = self._documents.get(app.slug)
        kept = kept if kept is not None and kept[1] == publication else None
        if kept is not None and store.now() - kept[0] < dt.timedelta(seconds=CACHE_SECONDS):
            return kept[2]
        with self._guard:
            lock = self._counting.setdefault(app.slug, threading.Lock())
        if not lock.acquire(blocking=False):
            return kept[2] if kept is not None else None
        try:
            doc = open_data.document(store, app, self.time_zone)
            if len(self._documents) > 1000:  # slugs of published apps only, but never without bound
                self._documents.clear()
            self._documents[app.slug] = (store.now(), publication, doc)
            return doc
        finally:
            lock.release()
