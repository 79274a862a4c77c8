"""The three ways the resident pages are shown, as one object each set of views is given.

Live: a resident at `/a/{slug}/…`, answers kept as a draft in the database under a cookie, pages never
framed. Preview: staff see an unpublished draft at `{prefix}/{app_id}/{lang}/…` in the editor's frame;
answers are kept in memory (preview.py), furigana computed from the draft as it is now. Counter: staff
fill in a published app for a resident at `{prefix}/{app_id}/…`; the submission names who entered it,
the draft has a cookie of its own, and every page carries a strip for staff.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from starlette.requests import Request

from generated_apps.domain import i18n
from generated_apps.domain.live import LiveApp, LiveApps
from generated_apps.domain.store import Store
from generated_apps.web.cookies import LANG_COOKIE, draft_cookie
from widgets import AppSpec, furigana
from widgets.text import japanese_texts


class Live:
    """The public site: what the other modes differ from."""

    frame = "'none'"  # who may show the pages in a frame: nobody
    limits_posts = True  # Settings.post_limit applies per client address
    keeps_pages = True  # a page that depends on nothing but its cache key is rendered once and kept

    def url(self, live: LiveApp, tail: str = "") -> str:
        return f"/a/{quote(live.slug)}{tail}"

    def page_url(self, live: LiveApp, index: int | None) -> str:
        """Page `index` of the form, or its check page for None (nothing left to answer)."""
        return self.url(live, "/check" if index is None else f"/p/{index + 1}")

    def lang(self, request: Request) -> str:
        return request.cookies.get(LANG_COOKIE, i18n.UI_LANGS[0])

    def draft_cookie(self, app_id: int) -> str:
        return draft_cookie(app_id)

    def entered_by(self, request: Request) -> str | None:
        """Who entered the form for a resident: nobody here; at the counter, the member of staff."""
        return None

    def readings(self, store: Store, spec: AppSpec | None, shown: bool) -> Mapping[str, str]:
        """The readings of the Japanese texts a page may show: those of every published version loaded,
        computed when it was published (the portal shows several apps). Never the dictionary here."""
        return LiveApps(store).readings()

    def page_context(self, request: Request, template: str, context: dict[str, Any]) -> dict[str, Any]:
        """What this mode adds to or changes in a page's template context."""
        return context


LIVE = Live()


class Preview(Live):
    frame = "'self'"  # shown in the editor's frame, on the same site only

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.rstrip("/")

    def url(self, live: LiveApp, tail: str = "") -> str:
        return f"{self.prefix}/{live.app_id}/{getattr(live, 'lang', 'ja')}{tail}"

    def lang(self, request: Request) -> str:
        return request.path_params.get("lang") or "ja"

    def readings(self, store: Store, spec: AppSpec | None, shown: bool) -> Mapping[str, str]:
        """The draft's furigana, computed now (each text once: furigana.annotate keeps them) so staff see
        them before publishing; with furigana off only what the page needs to show its text plain."""
        if spec is None:
            return super().readings(store, spec, shown)
        return furigana.readings(japanese_texts(spec), automatic=shown)


class Counter(Live):
    limits_posts = False  # one desk sends every form for the residents who come to it
    keeps_pages = False  # pages here name a member of staff: never kept for others

    def __init__(self, prefix: str, staff_prefix: str = "") -> None:
        self.prefix = prefix.rstrip("/")
        self.staff_prefix = staff_prefix.rstrip("/")  # where the builder's own pages are, for the staff strip

    def url(self, live: LiveApp, tail: str = "") -> str:
        return f"{self.prefix}/{live.app_id}{tail}"

    def draft_cookie(self, app_id: int) -> str:
        return f"mdg_counter_{app_id}"  # never mixed with the staff member's own use of the app

    def entered_by(self, request: Request) -> str | None:
        by: str = request.state.counter_by  # the member of staff's user name (counter.py sets it)
        return by

    def page_context(self, request: Request, template: str, context: dict[str, Any]) -> dict[str, Any]:
        if not hasattr(request.state, "counter_name"):  # no such app or slip: the plain "not found" page
            return context
        strip = {"by": request.state.counter_name,
                 "list_url": f"{self.staff_prefix}/apps/{request.state.app_id}/submissions"}
        app = context.get("app")
        if template == "start.html":
            context["back_url"] = strip["list_url"]
        if template == "done.html" and app is not None:
            # The slip goes home with the resident: its cancel link is the public one; no phone calendar here.
            context.update(cancel_url=f"/a/{app.slug}/cancel", calendar_url=None)
        return {**context, "counter": strip}
