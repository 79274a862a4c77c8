"""The one server: resident routes at the root, NiceGUI under /staff."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI

from generated_apps.config import Settings
from generated_apps.store import Store
from generated_apps.web import ResidentSite
from widgets import AppSpec

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
DEMO_APPS = ("shimin-survey.json", "facility-application.json", "notice-usu.json")


def load_demo(store: Store) -> list[str]:
    """Import and publish the demo apps, unless a version with the same content is already live."""
    slugs = []
    for name in DEMO_APPS:
        spec = AppSpec.model_validate(json.loads((DEMO_DIR / name).read_text(encoding="utf-8")))
        live = store.live_app(spec.slug)
        if live is None or live.spec is None or live.spec != spec:
            store.save_app(spec, by="demo")
            store.publish(spec.slug, by="demo")
        slugs.append(spec.slug)
    return slugs


def create_server(settings: Settings, store: Store, *, staff: bool = True) -> FastAPI:
    site = ResidentSite(store, settings)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, exception_handlers=site.exception_handlers())
    app.router.routes.extend(site.routes())
    if staff:
        from . import staff as staff_gui  # NiceGUI is imported only where the staff side runs

        staff_gui.mount(app, store, settings)
    return app
