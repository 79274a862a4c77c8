"""The resident's status page of a consultation: with the reference number and the last four digits of
the phone number they gave, where their consultation is and the city's reply, in large print.

Only apps of kind "consultation" have one; at any other app the address answers as an unknown app
does. The answer is the response to the POST itself, never a page at an address naming the reference
number. Every look-up that finds nothing gets lookup's one answer; the tries are counted there.
"""

from __future__ import annotations

import datetime as dt
import hmac
from functools import cached_property
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MultiDict
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from generated_apps.domain.live import LiveApp, LiveApps
from generated_apps.domain.models import Submission, as_utc
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import STATUS_NAMES, Submissions, phone_last4
from generated_apps.web.lookup import Lookups
from generated_apps.web.modes import Live
from generated_apps.web.pages import Pages
from generated_apps.web.resolve import Resolver, spec_of
from widgets import N_, format_date
from widgets.slot_picker import clock_time

# Each status as a plain sentence of what it means (its word is STATUS_NAMES, the one staff see).
MEANINGS = {
    "received": N_("We have received your consultation. A member of staff will look at it."),
    "in_progress": N_("A member of staff is working on your consultation."),
    "answered": N_("We have replied. The reply is below."),
    "closed": N_("This consultation is closed."),
}


def status_link(live: LiveApp) -> str | None:
    """The status page of a consultation app, for its start and confirmation pages: always the public
    address, also when those pages are shown at the counter, whose own addresses differ."""
    return f"/a/{quote(live.slug)}/status" if spec_of(live).kind == "consultation" else None


class StatusViews:
    def __init__(self, store: Store, mode: Live, pages: Pages, resolver: Resolver, time_zone: str) -> None:
        self.store, self.mode, self.pages, self.resolver = store, mode, pages, resolver
        self.submissions = Submissions(store, time_zone)
        self.zone = ZoneInfo(time_zone)

    @cached_property
    def lookups(self) -> Lookups:
        return Lookups(self.store, self.pages.secret)

    def _consultation(self, request: Request) -> LiveApp | Response:
        # A retired consultation keeps its status page: its replies are still to be read.
        live = self.resolver.app(request, retired_ok=True)
        if isinstance(live, Response) or spec_of(live).kind == "consultation":
            return live
        return self.pages.not_found(request)

    async def status_form(self, request: Request) -> Response:
        return await run_in_threadpool(self._form, request)

    def _form(self, request: Request) -> Response:
        live = self._consultation(request)
        return live if isinstance(live, Response) else self._page(request, live)

    def _page(self, request: Request, live: LiveApp, status: int = 200, *, values: dict[str, str] | None = None,
              errors: dict[str, str] | None = None, notice: str | None = None, call: bool = False,
              found: Submission | None = None) -> Response:
        errors = errors or {}
        action = self.mode.url(live, "/status")
        return self.pages.render(
            request, "status.html", status, spec=live.spec, app=live,
            title=N_("Your consultation") if found else N_("Check your consultation"),
            values=values or {}, errors=errors, notice=notice, call=call, action=action,
            error_links=[{"field_id": f"f-{k}", "text": v} for k, v in errors.items()],
            found=self._found(found, self.pages.translator(request).lang) if found else None,
            back_url=action if found else self.mode.url(live))

    def _found(self, submission: Submission, lang: str) -> dict[str, Any]:
        return {"reference": submission.reference, "word": STATUS_NAMES[submission.status],
                "meaning": MEANINGS[submission.status], "sent": self._when(submission.created_at, lang),
                "reply": submission.reply or None, "reply_lang": submission.lang,
                "replied": self._when(submission.replied_at, lang) if submission.replied_at else None}

    def _when(self, moment: dt.datetime, lang: str) -> str:
        """A moment with the era year, in the city's time: 令和8年（2026年）11月2日 9:30."""
        local = as_utc(moment).astimezone(self.zone)
        return f"{format_date(local.date(), lang)}{', ' if lang == 'en' else ' '}{clock_time(local)}"

    def look(self, request: Request, form: MultiDict) -> Response:
        live = self._consultation(request)
        if isinstance(live, Response):
            return live
        tr = self.pages.translator(request)
        lookup = self.lookups.read(request, form, tr)
        if lookup.bot:
            return RedirectResponse(request.url.path, status_code=303)
        if lookup.ready:
            found = self._find(live, lookup.reference, lookup.last4)
            if found is not None:
                self.lookups.found(lookup)
                return self._page(request, live, found=found)
            lookup.not_found(tr)
        return self._page(request, live, lookup.status, values=lookup.values, errors=lookup.errors,
                          notice=lookup.notice, call=lookup.call)

    def _find(self, live: LiveApp, reference: str, last4: str) -> Submission | None:
        """This app's consultation with this reference number, if the digits are its phone's last four."""
        submission = self.submissions.by_reference(live.app_id, reference)
        if submission is None:
            return None
        expected = phone_last4(LiveApps(self.store).version_spec(submission.version_id), submission.answers)
        return submission if expected is not None and hmac.compare_digest(expected, last4) else None
