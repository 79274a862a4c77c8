"""The one server: resident routes at the root, NiceGUI under /staff."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import traceback
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from generated_apps.domain.apps import Apps
from generated_apps.domain.bookings import Bookings
from generated_apps.domain.config import Settings
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.live import LiveApps
from generated_apps.domain.retention import Retention
from generated_apps.domain.store import Store
from generated_apps.web.security import ClientGone, RelativeRedirects, SecurityHeaders, StaffHostOnly
from generated_apps.web.site import ResidentSite

from .templates_gallery import templates

# Who the demo apps are saved and published by, in the audit trail.
DEMO_BY = "demo"
PURGE_EVERY = 3600.0  # seconds between retention purges (generated_apps/domain/retention.py)

log = logging.getLogger("madoguchi.retention")


# The facilities the booking template's slot pickers name (resources 1 and 2), made on a database with none.
DEMO_RESOURCES = (
    ("総合体育館（アリーナ）", {day: [{"start": "09:00", "end": "12:00", "capacity": 2},
                              {"start": "13:00", "end": "17:00", "capacity": 2},
                              {"start": "18:00", "end": "21:00", "capacity": 1}]
                        for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}),
    ("カルチャーセンター 会議室A", {day: [{"start": "09:00", "end": "12:00", "capacity": 1},
                                 {"start": "13:00", "end": "17:00", "capacity": 1}]
                           for day in ("mon", "tue", "wed", "thu", "fri")}),
)


def load_demo(store: Store) -> list[str]:
    """Publish every app template as a demo app, unless a version with the same content is already live;
    on a database without facilities, make the two the booking template books."""
    bookings = Bookings(store)
    if bookings.resource(1) is None:
        for name, schedule in DEMO_RESOURCES:
            bookings.create_resource(name, schedule, by=DEMO_BY, monthly_limit=4)
    slugs = []
    for found in templates():
        spec = found.spec
        live = LiveApps(store).get(spec.slug)
        if live is None or live.spec is None or live.spec != spec:
            Apps(store).save_app(spec, by=DEMO_BY)
            Lifecycle(store).publish(spec.slug, by=DEMO_BY, warnings_acknowledged=True)
        slugs.append(spec.slug)
    return slugs


def purge_once(store: Store, stop: threading.Event | None = None) -> None:
    """One retention purge, logged in counts; an error is logged, never raised (the next hour tries again)."""
    try:
        result = Retention(store).purge(by="system", stop=stop)
    except Exception as error:  # no traceback: its messages can quote stored rows (issue 18)
        place = traceback.extract_tb(error.__traceback__)[-1]
        log.error("the retention purge failed (%s at %s:%d); it runs again within the hour",
                  type(error).__name__, Path(place.filename).name, place.lineno)
        return
    for app in result.apps:
        log.info("retention purge of %s deleted submissions=%d notes=%d bookings=%d drafts=%d",
                 app.slug, app.submissions, app.notes, app.bookings, app.drafts)
    if result.drafts:
        log.info("retention purge deleted expired resident drafts=%d", result.drafts)


async def purge_regularly(store: Store, every: float = PURGE_EVERY, stop: threading.Event | None = None) -> None:
    """Purge now, then every `every` seconds, until cancelled. The work runs in a thread: never on the
    event loop that serves staff and residents."""
    while True:
        await asyncio.to_thread(purge_once, store, stop)
        await asyncio.sleep(every)


def purging(store: Store, every: float = PURGE_EVERY) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan that runs `purge_regularly` while the server runs, and stops it between batches at shutdown."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        task = asyncio.create_task(purge_regularly(store, every, stop))
        try:
            yield
        finally:
            stop.set()  # a purge under way ends after its current batch
            task.cancel()

    return lifespan


def create_server(settings: Settings, store: Store, *, staff: bool = True) -> FastAPI:
    problem = settings.staff_url_problem()
    if problem:
        raise ValueError(problem)
    settings.keep_private()
    site = ResidentSite(store, settings)
    # The builder, which runs once, purges what is past its retention period. The resident-only app
    # (generated_apps/web/asgi.py, the public replicas) never does: one purger, not one per replica.
    lifespan = purging(store) if staff else None
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, exception_handlers=site.exception_handlers(),
                  lifespan=lifespan)
    app.router.routes.extend(site.routes())
    if staff and settings.staff_host:
        # The builder on its own host name: /staff elsewhere is the resident side's 404, as on a replica.
        # Resident pages still answer on the staff host: the preview and counter entry use /static and
        # the language and reading-aid switches at the root.
        async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
            response = await run_in_threadpool(site.not_found, Request(scope, receive))
            await response(scope, receive, send)

        app.add_middleware(StaffHostOnly, staff_host=settings.staff_host, staff_prefix="/staff", not_found=not_found)
    app.add_middleware(SecurityHeaders, staff_prefix="/staff" if staff else None)  # HSTS; the staff pages' headers
    app.add_middleware(RelativeRedirects)  # never a redirect to the host the client named (/staff -> /staff/)
    app.add_middleware(ClientGone)  # a request given up mid-body: one calm line, not a traceback
    if staff:
        # NiceGUI keeps each browser's session storage in files: in the data directory, not the working one.
        os.environ.setdefault("NICEGUI_STORAGE_PATH", str(settings.data_dir / "nicegui"))
        from . import staff as staff_gui  # NiceGUI is imported only where the staff side runs

        staff_gui.mount(app, store, settings)
    return app
