"""Counter entry: a member of staff fills in a published app for a resident (a paper form, a phone call).

The resident pages' own views in the counter mode (modes.Counter), at other addresses
(`{prefix}/{app_id}/…`): the same questions, one per page, the same validation, check page, bookings
and confirmation. What differs: the submission records who entered it (and the store audits that),
the draft has a cookie of its own so that it never mixes with the staff member's own use of the app,
and the confirmation carries a strip for staff (hidden in print) — printed, the confirmation is the
resident's large-print slip with the reference number.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from generated_apps.domain.apps import Apps
from generated_apps.domain.config import Settings
from generated_apps.domain.live import LiveApps
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import Submissions
from generated_apps.web.modes import Counter
from generated_apps.web.posts import Endpoint
from generated_apps.web.site import ResidentSite


class CounterSite:
    def __init__(self, store: Store, settings: Settings, prefix: str, staff_prefix: str = "") -> None:
        self.site = ResidentSite(store, settings, Counter(prefix, staff_prefix))
        self.store, self.pages = store, self.site.pages
        forms, post = self.site.forms, self.site.posts.view
        get, send = "GET", "POST"
        # The resident views, by what follows the app's address; each finds the app by its slug. The pages
        # are read in a thread; the forms sent and the calendar file are endpoints of their own.
        self.pages_in_thread: dict[tuple[str, str], Callable[[Request], Response]] = {
            (get, ""): forms.start, (get, "p"): forms.question_in_thread, (get, "check"): forms.check,
            (get, "done"): forms.done,
        }
        self.endpoints: dict[tuple[str, str], Endpoint] = {
            (send, "p"): post(forms.answer), (send, "submit"): post(forms.submit),
            (send, "restart"): post(forms.restart),
            (get, "booking.ics"): self.site.booking_views.calendar_file,
        }

    async def respond(self, request: Request, app_id: int, path: str, username: str, display_name: str) -> Response:
        """The counter page at `path` ("", "p/2", "check", "done", …) of the app's published version."""
        app = await run_in_threadpool(Apps(self.store).by_id, app_id)
        if app is None:
            return await run_in_threadpool(self.pages.not_found, request)
        request.state.counter_by, request.state.counter_name, request.state.app_id = username, display_name, app_id
        request.path_params["slug"] = app.slug
        parts = path.strip("/").split("/") if path.strip("/") else []
        name = parts[0] if parts else ""
        if name == "p" and len(parts) == 2 and parts[1].isascii() and parts[1].isdigit() and int(parts[1]) >= 1:
            request.path_params["number"] = int(parts[1])
        elif len(parts) > 1:
            name = "?"
        page = self.pages_in_thread.get((request.method, name))
        if page is not None:
            return await run_in_threadpool(page, request)
        endpoint = self.endpoints.get((request.method, name))
        if endpoint is None:
            return await run_in_threadpool(self.pages.not_found, request)
        return await endpoint(request)

    def slip(self, request: Request, app_id: int, submission_id: int, username: str, display_name: str) -> Response:
        """The confirmation of any submission of the app, again: to print the resident's slip later."""
        submission = Submissions(self.store).get(submission_id)
        app = Apps(self.store).by_id(app_id)
        live = LiveApps(self.store).get(app.slug) if app is not None else None
        if submission is None or live is None or submission.app_id != app_id:
            return self.pages.not_found(request)
        request.state.counter_by, request.state.counter_name, request.state.app_id = username, display_name, app_id
        return self.site.forms.done_page(request, live, submission_id, back_url=None, status_url=None)
