"""Which app an address names and whether it answers (live, retired, not yet open, unknown), and the
resident's draft of it: what every view of an app's pages asks first."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from generated_apps.domain.drafts import Drafts
from generated_apps.domain.live import LiveApp, LiveApps
from generated_apps.domain.models import Draft
from generated_apps.domain.store import Store
from generated_apps.web.addresses import SLUG
from generated_apps.web.modes import Live
from generated_apps.web.pages import Pages
from widgets import AppSpec, LocalizedText


def spec_of(live: LiveApp) -> AppSpec:
    """The spec of an app that has a page to show: every app `Resolver.app` lets through has a version
    (live, or retired), so a spec, as has the preview's draft. Only an app with no version published
    (not open yet, or never) has none."""
    if live.spec is None:
        raise ValueError(f"{live.slug}: no version, so no spec")
    return live.spec


class Resolver:
    def __init__(self, store: Store, mode: Live, pages: Pages) -> None:
        self.store, self.mode, self.pages = store, mode, pages
        self.live_apps = LiveApps(store)
        self.drafts = Drafts(store)

    def app(self, request: Request, *, retired_ok: bool = False) -> LiveApp | Response:
        """The live app in the address, else the page that answers for it: retired (unless `retired_ok`),
        not open yet, or not found."""
        slug = request.path_params["slug"]
        live = self.live_apps.get(slug) if SLUG.fullmatch(slug) else None
        if live is not None and live.version_id is not None and live.status(self.store.now()) == "retired":
            if retired_ok:
                return live
            return self.retired(request, live, unsent=self.has_unsent_draft(request, live))
        if live is not None and live.version_id is None and live.opens_at is not None:
            return self.pages.not_open(request, live.opens_at)
        if live is None or live.version_id is None:
            return self.pages.not_found(request)
        return live

    def retired_app(self, request: Request) -> LiveApp | None:
        """The app in the address if it is retired, else None."""
        slug = request.path_params["slug"]
        live = self.live_apps.get(slug) if SLUG.fullmatch(slug) else None
        return live if live is not None and live.status(self.store.now()) == "retired" else None

    def form(self, request: Request) -> tuple[LiveApp, Draft | None] | Response:
        """The app and the resident's draft, for the pages of the form itself.

        A notice has no form; a draft already sent leads to its confirmation.
        """
        live = self.app(request)
        if isinstance(live, Response):
            return live
        if not any(True for _ in spec_of(live).questions()):
            return RedirectResponse(self.mode.url(live), status_code=303)
        draft = self.draft(request, live)
        if draft is not None and draft.submission_id is not None:
            return RedirectResponse(self.mode.url(live, "/done"), status_code=303)
        return live, draft

    def draft(self, request: Request, live: LiveApp) -> Draft | None:
        return self.drafts.get(request.cookies.get(self.mode.draft_cookie(live.app_id)), live.app_id)

    def has_unsent_draft(self, request: Request, live: LiveApp) -> bool:
        draft = self.draft(request, live) if self.mode.draft_cookie(live.app_id) in request.cookies else None
        return draft is not None and draft.submission_id is None

    def retired(self, request: Request, live: LiveApp, *, unsent: bool = False) -> Response:
        """The service-ended page, at every address of a retired app. `unsent`: the resident was part-way
        through the form; what they entered is kept as a draft (staff see that it exists), not sent."""
        successor = self.live_apps.get(live.successor_slug) if live.successor_slug else None
        if successor is not None and successor.status(self.store.now()) != "live":
            successor = None
        # App text, so the resident reads it in their language when staff wrote one; a plain string is Japanese.
        message = LocalizedText.model_validate(live.retire_message) if live.retire_message else None
        return self.pages.render(request, "retired.html", 410, spec=live.spec, message=message,
                                 successor=successor, successor_url=self.mode.url(successor) if successor else None,
                                 unsent=unsent)
