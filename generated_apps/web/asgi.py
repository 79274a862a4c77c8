"""The resident side alone, with no NiceGUI: for public replicas (`uvicorn generated_apps.web.asgi:app --workers N`).

It reads the same environment as the full server and serves only what has been published. It never
purges expired submissions: the builder, which runs once, does (builder/server.py), not every replica.
It never reads or makes the key that signs staff sessions (`Settings.staff_secret_key`): only the builder holds it.

`TimedHTTP` is uvicorn's HTTP/1.1 with deadlines for what a client sends: `madoguchi serve` uses it, and
a replica takes it with `uvicorn generated_apps.web.asgi:app --http generated_apps.web.asgi:TimedHTTP`.
"""

from __future__ import annotations

import asyncio
import gc
import os

from starlette.applications import Starlette
from starlette.middleware import Middleware
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from generated_apps.domain.config import Settings
from generated_apps.domain.store import Store
from generated_apps.web.security import ClientGone, RelativeRedirects, SecurityHeaders
from generated_apps.web.site import ResidentSite


def create_app(settings: Settings | None = None, store: Store | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    settings.keep_private()  # a data dir left readable by an older version: for this user only
    # MADOGUCHI_MIGRATE=0: the builder migrates; this replica's database role need not be able to.
    store = store or Store.open(settings.database_url, migrate_schema=os.environ.get("MADOGUCHI_MIGRATE") != "0")
    site = ResidentSite(store, settings)
    app = Starlette(routes=site.routes(), exception_handlers=site.exception_handlers(),
                    # A request given up mid-body is one calm line; no redirect names the host the client
                    # gave (Starlette's trailing-slash ones did); HSTS, when served over HTTPS.
                    middleware=[Middleware(ClientGone), Middleware(RelativeRedirects), Middleware(SecurityHeaders)])
    app.state.site = site
    # Everything loaded so far lives as long as the process: keep the garbage collector from
    # walking it again and again under load.
    gc.freeze()
    return app


# Seconds a client has for a request's head (its line and headers, counted from the connection, or
# from the end of the previous answer on a kept-alive one), and then for its body. Generous for a
# phone on a weak signal (a form is at most 256 KiB); short enough that slow or silent connections
# ("slowloris") cannot hold the server's sockets for long. uvicorn itself has neither.
HEADER_TIMEOUT = float(os.environ.get("MADOGUCHI_HEADER_TIMEOUT", "20"))
BODY_TIMEOUT = float(os.environ.get("MADOGUCHI_BODY_TIMEOUT", "60"))


class TimedHTTP(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol (httptools) with one deadline at a time: the head, then the body.
    A connection that misses one is closed; a handler still reading the body then gets uvicorn's
    disconnect (posts.abandoned). While the app works on an answer no deadline runs."""

    _deadline: asyncio.TimerHandle | None = None

    def _expect(self, seconds: float) -> None:
        self._no_deadline()
        self._deadline = self.loop.call_later(seconds, self._too_slow)

    def _no_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._expect(HEADER_TIMEOUT)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._expect(BODY_TIMEOUT)  # until on_message_complete, at once for a request without a body

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._no_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.timeout_keep_alive_task is not None:  # kept alive and idle (not a pipelined request): the next head
            self._expect(HEADER_TIMEOUT)

    def handle_websocket_upgrade(self) -> None:
        self._no_deadline()  # the websocket protocol takes the connection over
        super().handle_websocket_upgrade()

    def connection_lost(self, exc: Exception | None) -> None:
        self._no_deadline()
        super().connection_lost(exc)


app: Starlette  # declared only: no value until __getattr__ below builds it


def __getattr__(name: str) -> Starlette:
    # `generated_apps.web.asgi:app` builds the app on first use, so importing the module opens no database.
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(name)
