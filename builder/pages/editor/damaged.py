"""The editor's page when an app's draft cannot be read: what happened, the damaged draft to download,
and the way back to a readable draft."""

from __future__ import annotations

import json
from collections.abc import Callable

from nicegui import ui

from generated_apps.domain.apps import Apps
from generated_apps.domain.errors import Refused
from generated_apps.domain.models import App, StaffUser
from generated_apps.domain.store import Store
from widgets import AppSpec

from ...i18n import _
from ..guard import in_thread


class DamagedDraft:
    """An app whose draft cannot be read (an older version wrote it, or a hand in the database): said so,
    with its damaged JSON to download, and a button that restores the draft to the last published
    version (or to `blank` when there is none). Residents are not affected: they see the published version."""

    def __init__(self, store: Store, app: App, *, title: str, blank: AppSpec,
                 current_user: Callable[[], StaffUser | None]) -> None:
        self.store, self.app, self.title, self.blank, self.current_user = store, app, title, blank, current_user
        assert app.id is not None, "a stored app has its id"
        self.app_id: int = app.id

    async def build(self) -> None:
        versions = await in_thread(Apps(self.store).versions, self.app_id) or []  # None: the server is shutting down
        published = [v.number for v in versions if v.cancelled_at is None]
        with ui.column().classes("q-gutter-md max-w-2xl").mark("damaged-draft"):
            ui.label(self.title or self.app.slug).classes("text-h5").props('role="heading" aria-level="1"')
            ui.label(_("The draft of this app cannot be read. It may have been saved by an older version of "
                       "Madoguchi or changed outside the builder. Residents are not affected: they see the "
                       "published version, if there is one.")).classes("text-body1").props('role="alert"')
            if published:
                words = _("Restore the draft from version {number}", number=max(published))
                ui.label(_("Restoring replaces the draft with the last published version. The damaged draft "
                           "is kept in the audit log, and you can download it first.")).classes("text-body1")
            else:
                words = _("Start the draft again from a blank app")
                ui.label(_("The app was never published, so the draft starts again from a blank app at the same "
                           "address. The damaged draft is kept in the audit log, and you can download it first.")
                         ).classes("text-body1")
            with ui.row().classes("q-gutter-sm"):
                ui.button(_("Download the damaged draft"), icon="download", on_click=self.download).props(
                    "outline").mark("download-damaged")
                ui.button(words, icon="restore", on_click=self.restore).props("unelevated").mark("restore-draft")
                ui.link(_("Back to the apps"), "/").classes("text-body1 self-center")

    def download(self) -> None:
        # ASCII escapes: a lone surrogate in the damaged JSON is written as \ud800, never raised.
        ui.download(json.dumps(self.app.draft_spec, indent=2).encode(), f"{self.app.slug}-damaged.json",
                    "application/json")

    async def restore(self) -> None:
        user = await in_thread(self.current_user)  # the browser's session: in_thread carries it along
        if user is None:
            ui.notify(_("Your session has ended. Sign in again"), type="warning")
            return
        try:
            await in_thread(Apps(self.store).restore_draft, self.app_id, user.username, blank=self.blank)
        except Refused as refused:  # someone restored it a moment ago: the editor opens with their draft
            ui.notify(_(refused.msgid, **refused.params), type="info")
        ui.navigate.to(f"/apps/{self.app_id}")
