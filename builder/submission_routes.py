"""The staff routes for what residents sent: each app's submissions, one submission, export files,
and counter entry (the resident pages, filled in by staff for a resident).

Any signed-in member of staff may use them. `staff.register` calls `register` with its own `guard`
(who is signed in, or where to send the browser) and page `frame`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import FileResponse, Response
from nicegui import app as nicegui_app
from nicegui import ui
from starlette.background import BackgroundTask

from generated_apps.domain.config import Settings
from generated_apps.domain.models import StaffUser
from generated_apps.domain.store import Store, is_row_id
from generated_apps.web.counter import CounterSite

from .i18n import _
from .submission_page import SubmissionPage
from .submissions_page import ExportFiles, SubmissionsPage


def register(store: Store, settings: Settings, guard: Callable[[Request], StaffUser | Response],
             frame: Callable[..., Any], mount_path: str) -> None:
    files = ExportFiles(settings.data_dir / "exports")
    counter = CounterSite(store, settings, prefix=f"{mount_path}/counter", staff_prefix=mount_path)

    @ui.page("/apps/{app_id}/submissions", title="Madoguchi")
    async def submissions(request: Request, app_id: int):
        user = guard(request)
        if isinstance(user, Response):
            return user
        with frame(request, user, None, wide=True):
            await SubmissionsPage(store, settings, app_id, files, viewer=user.username).build()

    @ui.page("/apps/{app_id}/submissions/{submission_id}", title="Madoguchi")
    async def submission(request: Request, app_id: int, submission_id: int):
        user = guard(request)
        if isinstance(user, Response):
            return user
        with frame(request, user, None):
            # An id typed into the address that no row can have reads as the id of no row: "no such submission".
            submission_id = submission_id if is_row_id(submission_id) else 0
            await SubmissionPage(store, settings, app_id, submission_id, viewer=user.username).build()

    @nicegui_app.get("/exports/{token}")
    def export_file(request: Request, token: str) -> Response:
        user = guard(request)
        if isinstance(user, Response):
            return user
        file = files.take(token, user.username)
        if file is None or not file.path.exists():
            return Response(_("This file has already been downloaded or has expired. Make it again."),
                            status_code=404, media_type="text/plain; charset=utf-8")
        # Downloaded once, then deleted: the file holds residents' personal data.
        return FileResponse(file.path, media_type=file.media_type, filename=file.filename,
                            headers={"Cache-Control": "no-store"},
                            background=BackgroundTask(file.path.unlink, missing_ok=True))

    @nicegui_app.get("/counter/{app_id}/slip/{submission_id}")
    def slip(request: Request, app_id: int, submission_id: int) -> Response:
        user = guard(request)
        if isinstance(user, Response):
            return user
        return counter.slip(request, app_id, submission_id, user.username, user.display_name)

    @nicegui_app.api_route("/counter/{app_id}", methods=["GET", "POST"])
    @nicegui_app.api_route("/counter/{app_id}/{path:path}", methods=["GET", "POST"])
    async def counter_page(request: Request, app_id: int, path: str = "") -> Response:
        user = guard(request)
        if isinstance(user, Response):
            return user
        return await counter.respond(request, app_id, path, user.username, user.display_name)
