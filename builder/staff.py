"""The staff GUI composed into the server: NiceGUI mounted under /staff, its sessions and socket guarded.

The pages, their route table and their guard are in builder/pages/ (routes.py). `register` adds them to
NiceGUI's (process-global) app; `mount` also composes NiceGUI into the server. The tests call
`register` inside NiceGUI's user simulation.
"""

from __future__ import annotations

from fastapi import FastAPI

from generated_apps.domain.config import Settings
from generated_apps.domain.store import Store

from . import auth
from .pages.routes import OPEN_PAGES, register

__all__ = ["mount", "register"]


def mount(fastapi_app: FastAPI, store: Store, settings: Settings) -> None:
    """Compose NiceGUI into `fastapi_app`. NiceGUI's app is process-global: call this once per process."""
    from nicegui import app as nicegui_app
    from nicegui import core, ui
    from starlette.middleware import Middleware

    from . import staff_sessions, staff_socket

    staff_sessions.install()  # a browser's storage goes to disk only while someone is signed in to it
    register(store, settings, mount_path="/staff")
    # The session cookie stays on /staff: residents' pages never see it.
    ui.run_with(fastapi_app, mount_path="/staff", title="Madoguchi", language="ja",
                storage_secret=settings.staff_secret_key().decode(),  # the builder's own: replicas never hold it
                session_middleware_kwargs={"path": "/staff", "same_site": "strict", "https_only": settings.https},
                show_welcome_message=False)
    # NiceGUI lets a page on any site open the builder's websocket; only the builder's own pages may.
    # (None is the Socket.IO server's default: the request's own origin, behind a proxy as forwarded.)
    core.sio.eio.cors_allowed_origins = None

    def signed_in() -> bool:
        return auth.session_user(store, temporary_password_ok=True) is not None

    # Only the browser session that opened a page, signed in, speaks for it: on its socket, and at its
    # own addresses (uploads), checked inside NiceGUI's session middleware (the last one added is innermost).
    staff_socket.guard(core.sio, signed_in, OPEN_PAGES)
    core.app.user_middleware.append(Middleware(staff_socket.OwnPagesOnly, signed_in=signed_in, open_pages=OPEN_PAGES))
    core.app.user_middleware.append(Middleware(staff_socket.BrokenFrames))
    staff_socket.quiet_broken_frames(core.sio)
    staff_socket.hide_client_ids()
    staff_sessions.sweep_regularly(nicegui_app)
