"""The resident side alone, with no NiceGUI: for public replicas (`uvicorn generated_apps.asgi:app --workers N`).

It reads the same environment as the full server and serves only what has been published. It never
purges expired submissions: the builder, which runs once, does (builder/server.py), not every replica.
It never reads or makes the key that signs staff sessions (`Settings.staff_secret_key`): only the builder holds it.
"""

from __future__ import annotations

import gc
import os

from starlette.applications import Starlette
from starlette.middleware import Middleware

from .config import Settings
from .security import SecurityHeaders
from .store import Store
from .web import ResidentSite


def create_app(settings: Settings | None = None, store: Store | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    settings.keep_private()  # a data dir left readable by an older version: for this user only
    # MADOGUCHI_MIGRATE=0: the builder migrates; this replica's database role need not be able to.
    store = store or Store.open(settings.database_url, migrate_schema=os.environ.get("MADOGUCHI_MIGRATE") != "0")
    site = ResidentSite(store, settings)
    app = Starlette(routes=site.routes(), exception_handlers=site.exception_handlers(),
                    middleware=[Middleware(SecurityHeaders)])  # HSTS, when served over HTTPS
    app.state.site = site
    # Everything loaded so far lives as long as the process: keep the garbage collector from
    # walking it again and again under load.
    gc.freeze()
    return app


def __getattr__(name: str) -> Starlette:
    # `generated_apps.asgi:app` builds the app on first use, so importing the module opens no database.
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(name)
