"""Counter entry: a member of staff fills in a published app for a resident (a paper form, a phone call).

The resident pages' own code, at other addresses (`{prefix}/{app_id}/…`): the same questions, one per
page, the same validation, check page, bookings and confirmation. What differs: the submission records
who entered it (and the store audits that), the draft has a cookie of its own so that it never mixes
with the staff member's own use of the app, and the confirmation carries a strip for staff (hidden in
print) — printed, the confirmation is the resident's large-print slip with the reference number.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from generated_apps.domain.config import Settings
from generated_apps.domain.store import LiveApp, Store
from generated_apps.web.site import ResidentSite


class CounterSite(ResidentSite):
    limits_posts = False  # one desk sends every form for the residents who come to it

    def __init__(self, store: Store, settings: Settings, prefix: str, staff_prefix: str = "") -> None:
        super().__init__(store, settings)
        self.prefix = prefix.rstrip("/")
        self.staff_prefix = staff_prefix.rstrip("/")  # where the builder's own pages are, for the staff strip
        get, post = "GET", "POST"
        # The resident handlers, by what follows the app's address; each finds the app by its slug.
        self.handlers = {
            (get, ""): self.start, (get, "p"): self._question, (post, "p"): self._form_view(self._answer),
            (get, "check"): self.check, (post, "submit"): self._form_view(self._submit),
            (get, "done"): self.done, (post, "restart"): self._form_view(self._restart),
            (get, "booking.ics"): self.booking_views.calendar_file,
        }

    def _url(self, live: LiveApp, tail: str = "") -> str:
        return f"{self.prefix}/{live.app_id}{tail}"

    def draft_cookie(self, app_id: int) -> str:
        return f"mdg_counter_{app_id}"

    def entered_by(self, request: Request) -> str | None:
        return request.state.counter_by

    def render(self, request: Request, template: str, status: int = 200, **context) -> Response:
        context.pop("cache_key", None)  # pages here name a member of staff: never kept for others
        if not hasattr(request.state, "counter_name"):  # no such app or slip: the plain "not found" page
            return super().render(request, template, status, **context)
        strip = {"by": request.state.counter_name, "list_url": f"{self.staff_prefix}/apps/{request.state.app_id}/submissions"}
        app = context.get("app")
        if template == "start.html":
            context["back_url"] = strip["list_url"]
        if template == "done.html" and app is not None:
            # The slip goes home with the resident: its cancel link is the public one; no phone calendar here.
            context.update(cancel_url=f"/a/{app.slug}/cancel", calendar_url=None)
        return super().render(request, template, status, counter=strip, **context)

    async def respond(self, request: Request, app_id: int, path: str, username: str, display_name: str) -> Response:
        """The counter page at `path` ("", "p/2", "check", "done", …) of the app's published version."""
        app = await run_in_threadpool(self.store.app_by_id, app_id)
        if app is None:
            return await run_in_threadpool(self.not_found, request)
        request.state.counter_by, request.state.counter_name, request.state.app_id = username, display_name, app_id
        request.path_params["slug"] = app.slug
        parts = path.strip("/").split("/") if path.strip("/") else []
        name = parts[0] if parts else ""
        if name == "p" and len(parts) == 2 and parts[1].isascii() and parts[1].isdigit() and int(parts[1]) >= 1:
            request.path_params["number"] = int(parts[1])
        elif len(parts) > 1:
            name = "?"
        handler = self.handlers.get((request.method, name))
        if handler is None:
            return await run_in_threadpool(self.not_found, request)
        if name in ("p", "check", "done", "") and request.method == "GET":
            return await run_in_threadpool(handler, request)
        return await handler(request)

    def slip(self, request: Request, app_id: int, submission_id: int, username: str, display_name: str) -> Response:
        """The confirmation of any submission of the app, again: to print the resident's slip later."""
        submission = self.store.submission(submission_id)
        app = self.store.app_by_id(app_id)
        live = self.store.live_app(app.slug) if app is not None else None
        if submission is None or live is None or submission.app_id != app_id:
            return self.not_found(request)
        request.state.counter_by, request.state.counter_name, request.state.app_id = username, display_name, app_id
        spec = self.store.version_spec(submission.version_id)
        return self.render(request, "done.html", spec=spec, app=live, reference=submission.reference,
                           restart_url=self._url(live, "/restart"), back_url=None,
                           booked=self.booking_views.booked(request, submission.id))
