"""The one server: resident routes at the root, NiceGUI under /staff."""

from __future__ import annotations

import os

from fastapi import FastAPI

from generated_apps.bookings import Bookings
from generated_apps.config import Settings
from generated_apps.store import Store
from generated_apps.web import ResidentSite

from .templates_gallery import templates

# Who the demo apps are saved and published by, in the audit trail.
DEMO_BY = "demo"


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
        live = store.live_app(spec.slug)
        if live is None or live.spec is None or live.spec != spec:
            store.save_app(spec, by=DEMO_BY)
            store.publish(spec.slug, by=DEMO_BY, warnings_acknowledged=True)
        slugs.append(spec.slug)
    return slugs


def create_server(settings: Settings, store: Store, *, staff: bool = True) -> FastAPI:
    site = ResidentSite(store, settings)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, exception_handlers=site.exception_handlers())
    app.router.routes.extend(site.routes())
    if staff:
        # NiceGUI keeps each browser's session storage in files: in the data directory, not the working one.
        os.environ.setdefault("NICEGUI_STORAGE_PATH", str(settings.data_dir / "nicegui"))
        from . import staff as staff_gui  # NiceGUI is imported only where the staff side runs

        staff_gui.mount(app, store, settings)
    return app
