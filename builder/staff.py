"""The staff GUI, NiceGUI mounted under /staff. A placeholder until the builder issue."""

from __future__ import annotations

from fastapi import FastAPI
from nicegui import ui

from generated_apps.config import Settings
from generated_apps.store import Store


def mount(app: FastAPI, store: Store, settings: Settings) -> None:
    """Compose NiceGUI into `app`. NiceGUI's app is process-global: call this once per process."""

    @ui.page("/")
    def dashboard() -> None:
        ui.label("Madoguchi 窓口 — staff").classes("text-h4")
        ui.label("The visual builder arrives here. Published apps:")
        for live in store.live_apps():
            ui.link(f"{live.spec.title} — /a/{live.slug}", f"/a/{live.slug}", new_tab=True)

    # The session cookie stays on /staff: residents' pages never see it.
    ui.run_with(app, mount_path="/staff", title="Madoguchi staff", storage_secret=settings.secret_key().decode(),
                session_middleware_kwargs={"path": "/staff"}, show_welcome_message=False)
