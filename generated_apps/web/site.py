"""The resident routes: plain HTML from Jinja2, POST then redirect, no JavaScript needed.

Each view reads the request, asks the store and the flow engine, and renders one template.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import gzip
import hashlib
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MultiDict
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Route

from generated_apps.domain import flow, i18n
from generated_apps.domain.bookings import BookingRefused, Bookings
from generated_apps.domain.config import Settings
from generated_apps.domain.models import Draft, EmergencyBanner
from generated_apps.domain.store import LiveApp, Store, as_utc
from generated_apps.web import booking_views, preferences, status_views
from generated_apps.web.compressed import CachedPage
from generated_apps.web.forms import (
    CSRF_COOKIE,
    HONEYPOT,
    BadForm,
    csrf_ok,
    csrf_token,
    is_csrf_cookie,
    new_csrf_cookie,
    read_form,
)
from generated_apps.web.lookup import POST_PERIOD, PostLimit
from generated_apps.web.open_data_views import OpenDataViews
from generated_apps.web.security import is_navigation
from widgets import N_, WIDGET_TYPES, AppSpec, LocalizedText, Question, field_id, format_date, furigana
from widgets.colour import title_bar_css
from widgets.slot_picker import SlotPicker
from widgets.templates import loader as widget_loader

HERE = Path(__file__).parent
log = logging.getLogger("madoguchi")
STATIC = HERE / "static"


@dataclass(frozen=True)
class Asset:
    """A static file, read and compressed once at start; its address carries a hash of its bytes."""

    name: str
    body: bytes
    gzipped: bytes
    media_type: str
    version: str  # the start of a hash of its bytes: in its address (and in the stylesheet's cookie)

    @property
    def url(self) -> str:
        return f"/static/{self.name}?v={self.version}"

    @classmethod
    def load(cls, name: str, media_type: str) -> Asset:
        body = (STATIC / name).read_bytes()
        if media_type == "text/css":  # its comments are for whoever edits it, not for a phone on a slow network
            body = without_comments(body.decode("utf-8")).encode("utf-8")
        return cls(name, body, gzip.compress(body, compresslevel=9, mtime=0), media_type,
                   hashlib.sha256(body).hexdigest()[:10])


def without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/\s*", "", css, flags=re.S)


LANG_COOKIE = "mdg_lang"
YEAR = 365 * 24 * 3600
# Pages with a form: they carry a CSRF token, and set the browser's random CSRF cookie when it has none.
FORM_TEMPLATES = {"question.html", "check.html", "done.html", "cancel.html", "status.html"}
# What a page's address may carry on into the page's own links (the `next=` of the reading aids and
# the languages), each value of a fixed shape. `change` on every page; the others only where a page
# asks for them (`_here`). Nothing else a request brings is written back into a page, so no page holds
# text of an attacker's choosing beside a resident's answers, and every page can go out compressed.
VIA = re.compile(r"[A-Za-z0-9_-]{1,20}")  # a poster's short code, as a page carries it on
KEPT_PARAMS = {"change": re.compile("1"), "via": VIA}
# A browser's first page carries the stylesheet inline, so that nothing holds up its first paint (one
# round trip less on a slow network), and fetches the file for later pages without waiting for it.
# The cookie says which stylesheet the browser has; later pages link it from the cache.
STYLESHEET = "madoguchi.css"
STYLESHEET_COOKIE = "mdg_css"
INLINE_CSS = Markup(without_comments((STATIC / STYLESHEET).read_text(encoding="utf-8")))


def style_hash(css: str) -> str:
    """What names an inline stylesheet in the Content-Security-Policy."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


# Every resident page: never cached (answers are personal), never framed, and nothing runs or loads
# but our own files (images may come from a city's https:// site) and our inline stylesheets, each
# named by its hash: an injected tag could do nothing.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' {styles}; img-src 'self' https:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors {frame}")
PAGE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


@functools.lru_cache(maxsize=1024)
def page_headers(frame: str, colour: str | None) -> list[tuple[bytes, bytes]]:
    """A resident page's headers, encoded once for each framing rule and app colour (the rule that puts
    an app's colour on its title bar is an inline stylesheet of its own)."""
    styles = " ".join([style_hash(INLINE_CSS), *([style_hash(title_bar_css(colour))] if colour else [])])
    return _encoded({**PAGE_HEADERS, "Content-Security-Policy": CSP.format(styles=styles, frame=frame)})


SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
CSRF_SLOT = "\x00csrf\x00"  # where a page's CSRF token goes; filled in per response


def draft_cookie(app_id: int) -> str:
    return f"mdg_draft_{app_id}"


def _encoded(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in {**headers, "Content-Type": "text/html; charset=utf-8"}.items()]


class Page(Response):
    """A resident page: HTML with the same headers every time, encoded once rather than per response."""

    media_type = "text/html; charset=utf-8"
    frame = "'none'"
    _gzip = [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]

    def __init__(self, body: bytes, status_code: int = 200, *, gzipped: bool = False, colour: str | None = None) -> None:
        self.status_code, self.body, self.background = status_code, body, None
        self.raw_headers = [(b"content-length", str(len(body)).encode()), *page_headers(self.frame, colour),
                            *(self._gzip if gzipped else ())]


class FramedPage(Page):
    """A page the builder shows inside its own editor (the preview): framed by the same site only."""

    frame = "'self'"


@dataclass
class WidgetView:
    widget: Any
    raw: Mapping[str, list[str]]
    error: str | None
    as_heading: bool
    error_field: str | None = None  # the form field the error is about, where a question has several
    data: Any = None  # what a widget shows from the database: a slot picker's week of times

    @property
    def template(self) -> str:
        return self.widget.template_name()


@dataclass
class ErrorLink:
    field_id: str
    text: str


class ResidentSite:
    """The resident side of Madoguchi: its routes, its templates and its store."""

    page_class: type[Page] = Page  # the preview's pages may be framed by the builder
    limits_posts = True  # Settings.post_limit applies (residents); staff at the counter are not limited

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.bookings = Bookings(store, settings.time_zone)
        self.booking_views = booking_views.BookingViews(self)
        self.status_views = status_views.StatusViews(self)
        # Forms sent per client address (not at the counter, where staff send many from one desk).
        self.post_limit = PostLimit(settings.post_limit) if settings.post_limit and self.limits_posts else None
        self.secret = settings.secret_key()
        # This site's own host names: an image from one of them would be a page, loaded with cookies (image.py).
        self.own_hosts = frozenset(host for url in (settings.public_url, settings.staff_url)
                                   if (host := (urlsplit(url).hostname or "").rstrip(".").lower()))
        # The stylesheet, and the script that only adds extras (read aloud) where JavaScript runs.
        self.assets = {STYLESHEET: Asset.load(STYLESHEET, "text/css"),
                       "read_aloud.js": Asset.load("read_aloud.js", "text/javascript"),
                       "error_summary.js": Asset.load("error_summary.js", "text/javascript"),
                       # Named in every page, so browsers never ask for /favicon.ico (a 404 page, uncached).
                       "favicon.svg": Asset.load("favicon.svg", "image/svg+xml")}
        # The stylesheet's cookie, as a first page sends it (over http, over https): written once.
        cookie = f"{STYLESHEET_COOKIE}={self.assets[STYLESHEET].version}; HttpOnly; Path=/; SameSite=lax; Max-Age={30 * 24 * 3600}"
        self._stylesheet_cookie = {secure: (b"set-cookie", (cookie + ("; Secure" if secure else "")).encode("latin-1"))
                                   for secure in (False, True)}
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(HERE / "templates"), widget_loader(list(WIDGET_TYPES))]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True, lstrip_blocks=True,
        )
        self.env.globals["_"] = i18n.page_text  # with furigana where the resident chose them
        self.env.filters["t"] = i18n.localized
        self.env.filters["plain"] = i18n.plain  # for <title> and attributes: never ruby
        self._pages: dict[tuple, CachedPage] = {}  # rendered pages, split where the CSRF token goes

    def routes(self) -> list[Route]:
        return [
            # The page residents open most often comes first: routes are tried in order.
            Route("/a/{slug}/p/{number:int}", self.question, methods=["GET"]),
            Route("/", self.index, methods=["GET"]),
            Route("/static/{name}", self.static, methods=["GET"]),
            Route("/lang/{lang}", self.set_language, methods=["GET"]),
            *preferences.routes(self._cookie, local_path),  # /size/…, /contrast/…, /furigana/…
            Route("/a/{slug}", self.start, methods=["GET"]),
            Route("/q/{code}", self.scan, methods=["GET"]),
            Route("/a/{slug}/p/{number:int}", self._form_view(self._answer), methods=["POST"]),
            Route("/a/{slug}/check", self.check, methods=["GET"]),
            Route("/a/{slug}/submit", self._form_view(self._submit), methods=["POST"]),
            Route("/a/{slug}/done", self.done, methods=["GET"]),
            Route("/a/{slug}/restart", self._form_view(self._restart), methods=["POST"]),
            *self.booking_views.routes(),
            *self.status_views.routes(),
            *OpenDataViews(self).routes(),  # a survey's counts, when an admin publishes them
        ]

    # --- rendering ------------------------------------------------------------------------------

    def translator(self, request: Request) -> i18n.Translator:
        return i18n.Translator(request.cookies.get(LANG_COOKIE, i18n.UI_LANGS[0]))

    def render(self, request: Request, template: str, status: int = 200, *, spec: AppSpec | None = None,
               cache_key: tuple | None = None, here: str | None = None, **context: Any) -> Response:
        """Render a page. With `cache_key`, the page (all but its CSRF token) is rendered once and kept:
        only for pages that depend on nothing but the key, such as a blank question of a published version."""
        tr = self.translator(request)
        banner = self.store.banner()
        prefs = preferences.read(request.cookies)
        first_page = self._first_page(request)
        colour = spec.colour if spec is not None else None
        cache_key = self._with_banner((*cache_key, *prefs.key, first_page), banner) if cache_key else None
        cached = self._pages.get(cache_key) if cache_key else None
        if cached is None:
            token = i18n.current.set(tr)
            try:
                with furigana.on_page(self.readings(spec, prefs.shows_furigana), prefs.shows_furigana):
                    html = self.env.get_template(template).render(
                        lang=tr.lang, langs=i18n.UI_LANGS, lang_names=i18n.LANG_NAMES,
                        here=here if here is not None else _here(request),
                        css=self.assets[STYLESHEET].url, inline_css=INLINE_CSS if first_page else None,
                        title_bar_css=Markup(title_bar_css(colour)) if colour else None,
                        script=self.assets["read_aloud.js"].url, error_script=self.assets["error_summary.js"].url,
                        icon=self.assets["favicon.svg"].url, spec=spec,
                        help=self.help_block(spec), csrf=CSRF_SLOT, honeypot=HONEYPOT,
                        banner=self.banner_view(banner, tr.lang), prefs=prefs, own_hosts=self.own_hosts, **context,
                    )
            finally:
                i18n.current.reset(token)
            parts = [part.encode() for part in html.split(CSRF_SLOT)]
            if not cache_key:
                return self._respond(request, template, parts, status, colour=colour, first_page=first_page)
            if len(self._pages) > 2000:
                self._pages.clear()
            cached = self._pages[cache_key] = CachedPage(parts)
        return self._respond(request, template, cached.parts, status, cached, colour=colour, first_page=first_page)

    def _first_page(self, request: Request) -> bool:
        """Whether this browser has not yet been sent the stylesheet (this version of it)."""
        return request.cookies.get(STYLESHEET_COOKIE) != self.assets[STYLESHEET].version

    def readings(self, spec: AppSpec | None, shown: bool) -> Mapping[str, str]:
        """The readings of the Japanese texts a page may show: those of every published version loaded,
        computed when it was published (the portal shows several apps). Never the dictionary here."""
        return self.store.readings()

    @staticmethod
    def _with_banner(key: tuple, banner: EmergencyBanner | None) -> tuple:
        """A cached page is kept per banner: setting or clearing one shows at once on every page."""
        return (*key, banner.id if banner is not None else 0)

    def banner_view(self, banner: EmergencyBanner | None, lang: str) -> dict[str, str] | None:
        if banner is None:
            return None
        english = lang == "en" and banner.text_en
        return {"level": banner.level, "text": banner.text_en if english else banner.text, "lang": "en" if english else "ja",
                "issued": i18n.format_moment(as_utc(banner.issued_at), lang, self.settings.time_zone)}

    def _respond(self, request: Request, template: str, parts: list[bytes], status: int = 200,
                 cached: CachedPage | None = None, *, colour: str | None = None, first_page: bool = False) -> Response:
        """The page with this browser's CSRF token filled in (and its CSRF cookie, the first time),
        gzip-compressed when the browser takes gzip: the token outside the compression (compressed.py)."""
        csrf_cookie = request.cookies.get(CSRF_COOKIE) or ""
        fresh_cookie = None
        if template in FORM_TEMPLATES and not is_csrf_cookie(csrf_cookie):  # none yet, or not one of ours
            csrf_cookie = fresh_cookie = new_csrf_cookie()
        token = csrf_token(self.secret, csrf_cookie).encode() if len(parts) > 1 else b""
        takes_gzip = "gzip" in request.headers.get("accept-encoding", "")
        if takes_gzip:
            response = self.page_class((cached or CachedPage(parts)).gzip(token), status, gzipped=True, colour=colour)
        else:
            response = self.page_class(token.join(parts) if token else parts[0], status, colour=colour)
        if fresh_cookie:
            self._cookie(response, request, CSRF_COOKIE, fresh_cookie, max_age=None)
        if first_page:  # this page carries the stylesheet, and fetches the file for the next
            response.raw_headers.append(self._stylesheet_cookie[request.scope.get("scheme") == "https"])
        return response

    def help_block(self, spec: AppSpec | None) -> dict[str, Any]:
        """Who to call: the app's own contact, else the site's general help line."""
        contact = spec.contact if spec is not None else None
        phone = (contact.phone if contact and contact.phone else self.settings.help_phone)
        return {
            "phone": phone,
            "tel": "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
            "department": contact.department if contact else None,
            "hours": contact.hours if contact and contact.hours else None,
            "place": contact.place if contact and contact.place else None,
        }

    def _cookie(self, response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
        # Written out by hand: our names and values are plain tokens, and http.cookies is slow on a hot path.
        cookie = f"{name}={value}; HttpOnly; Path=/; SameSite=lax"
        if max_age is not None:
            cookie += f"; Max-Age={max_age}"
        if request.scope.get("scheme") == "https":
            cookie += "; Secure"
        response.raw_headers.append((b"set-cookie", cookie.encode("latin-1")))

    def not_found(self, request: Request, spec: AppSpec | None = None) -> Response:
        return self.render(request, "not_found.html", 404, spec=spec)

    def retired(self, request: Request, live: LiveApp, *, unsent: bool = False) -> Response:
        """The service-ended page, at every address of a retired app. `unsent`: the resident was part-way
        through the form; what they entered is kept as a draft (staff see that it exists), not sent."""
        successor = self.store.live_app(live.successor_slug) if live.successor_slug else None
        if successor is not None and successor.status(self.store.now()) != "live":
            successor = None
        # App text, so the resident reads it in their language when staff wrote one; a plain string is Japanese.
        message = LocalizedText.model_validate(live.retire_message) if live.retire_message else None
        return self.render(request, "retired.html", 410, spec=live.spec, message=message,
                           successor=successor, successor_url=self._url(successor) if successor else None,
                           unsent=unsent)

    def not_open(self, request: Request, live: LiveApp) -> Response:
        """An app scheduled to open later (its poster may already be up)."""
        opens = i18n.format_moment(live.opens_at, self.translator(request).lang, self.settings.time_zone)
        return self.render(request, "not_open.html", 404, opens=opens)

    def error_page(self, request: Request, status: int, spec: AppSpec | None = None) -> Response:
        return self.render(request, "problem.html", status, spec=spec, code=status)

    # --- finding the app and the resident's draft -----------------------------------------------

    def _app(self, request: Request, *, retired_ok: bool = False) -> LiveApp | Response:
        slug = request.path_params["slug"]
        live = self.store.live_app(slug) if SLUG.fullmatch(slug) else None
        if live is not None and live.version_id is not None and live.status(self.store.now()) == "retired":
            if retired_ok:
                return live
            return self.retired(request, live, unsent=self._has_unsent_draft(request, live))
        if live is not None and live.version_id is None and live.opens_at is not None:
            return self.not_open(request, live)
        if live is None or live.version_id is None:
            return self.not_found(request)
        return live

    def _has_unsent_draft(self, request: Request, live: LiveApp) -> bool:
        draft = self._draft(request, live) if self.draft_cookie(live.app_id) in request.cookies else None
        return draft is not None and draft.submission_id is None

    def _flow(self, request: Request) -> tuple[LiveApp, Draft | None] | Response:
        """The app and the resident's draft, for the pages of the form itself.

        A notice has no form; a draft already sent leads to its confirmation.
        """
        live = self._app(request)
        if isinstance(live, Response):
            return live
        if not any(True for _ in live.spec.questions()):
            return RedirectResponse(self._url(live), status_code=303)
        draft = self._draft(request, live)
        if draft is not None and draft.submission_id is not None:
            return RedirectResponse(self._url(live, "/done"), status_code=303)
        return live, draft

    def draft_cookie(self, app_id: int) -> str:
        return draft_cookie(app_id)

    def entered_by(self, request: Request) -> str | None:
        """Who entered the form for a resident: nobody here; the counter (counter.py) names the member of staff."""
        return None

    def _draft(self, request: Request, live: LiveApp) -> Draft | None:
        return self.store.draft(request.cookies.get(self.draft_cookie(live.app_id)), live.app_id)

    def _url(self, live: LiveApp, tail: str = "") -> str:
        return f"/a/{quote(live.slug)}{tail}"

    def _page_url(self, live: LiveApp, index: int | None) -> str:
        return self._url(live, "/check" if index is None else f"/p/{index + 1}")

    # --- views ----------------------------------------------------------------------------------

    def index(self, request: Request) -> Response:
        now = self.store.now()
        apps = [a for a in self.store.live_apps() if a.status(now) == "live"]
        return self.render(request, "index.html", groups=portal_groups(apps))

    async def static(self, request: Request) -> Response:
        asset = self.assets.get(request.path_params["name"])
        if asset is None:
            return self.not_found(request)
        headers = {"Cache-Control": f"public, max-age={YEAR}, immutable", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(asset.gzipped, media_type=asset.media_type, headers={**headers, "Content-Encoding": "gzip"})
        return Response(asset.body, media_type=asset.media_type, headers=headers)

    async def set_language(self, request: Request) -> Response:
        lang = request.path_params["lang"]
        target = local_path(request.query_params.get("next", "/"))
        response = RedirectResponse(target, status_code=303)
        if lang in i18n.UI_LANGS and is_navigation(request):  # never from an <img> some page points here
            self._cookie(response, request, LANG_COOKIE, lang, max_age=YEAR)
        return response

    async def scan(self, request: Request) -> Response:
        return await run_in_threadpool(self._scan, request)

    def _scan(self, request: Request) -> Response:
        """A QR code opened: count it (per access point and day, nothing about the resident) and go to
        the app wherever it is now, noting the access point. The app's own address answers for a
        retired or not yet open app. An unknown or disabled code gets a page with the help number."""
        day = self.store.now().astimezone(ZoneInfo(self.settings.time_zone)).date()
        code = request.path_params["code"]
        found = self.store.scan(code, day) if is_a_scan(request) else self._access_point(code)
        if found is None:
            return self.render(request, "unknown_code.html", 404)
        point, slug = found
        return RedirectResponse(f"/a/{quote(slug)}?via={point.code}", status_code=303)

    def _access_point(self, code: str) -> tuple[Any, str] | None:
        """What store.scan finds for a code, without counting: for a request that is no one scanning it."""
        point = self.store.access_point(code)
        app = self.store.app_by_id(point.app_id) if point is not None and point.active else None
        return (point, app.slug) if app is not None else None

    def start(self, request: Request) -> Response:
        live = self._app(request)
        if isinstance(live, Response):
            return live
        via = _via(request.query_params.get("via"))
        first = flow.flow_pages(live.spec, {})
        start_url = self._page_url(live, first[0] if first else None) + (f"?via={via}" if via else "")
        has_questions = any(True for _ in live.spec.questions())
        lang = self.translator(request).lang
        posted = i18n.format_moment(live.published_at, lang, self.settings.time_zone) if live.published_at else None
        until = i18n.format_moment(live.retired_at, lang, self.settings.time_zone) \
            if live.retired_at is not None and live.retired_at > self.store.now() else None
        return self.render(request, "start.html", spec=live.spec, app=live, start_url=start_url,
                           has_questions=has_questions, back_url="/", posted=posted, until=until,
                           status_url=self.status_views.link(live), here=_here(request, ("via",)),
                           expired=request.query_params.get("expired") == "1")

    async def question(self, request: Request) -> Response:
        # The common case, a resident arriving from a poster: no draft yet, the app already known.
        # Served from memory without a thread or a database query.
        hit, live = self.store.cached_live_app(request.path_params["slug"])
        if hit and live is not None and live.status(self.store.now()) == "live" and not request.scope["query_string"] \
                and self.draft_cookie(live.app_id) not in request.cookies:
            index = request.path_params["number"] - 1
            key = ("question", live.version_id, index, self.translator(request).lang)
            # The same key render() keeps the page under.
            first_page = self._first_page(request)
            prefs = (*preferences.read(request.cookies).key, first_page)
            cached = self._pages.get(self._with_banner((*key, *prefs), self.store.banner()))
            if cached is not None:
                return self._respond(request, "question.html", cached.parts, cached=cached, colour=live.spec.colour,
                                     first_page=first_page)
            # Only pages that pass these checks enter the cache, so a page found there passed them too.
            if flow.may_visit(live.spec, {}, index) and any(True for _ in live.spec.questions()):
                live_data = any(isinstance(w, SlotPicker) for w in live.spec.pages[index].widgets)
                return self._question_page(request, live, live.spec, index, {}, cache_key=None if live_data else key)
        return await run_in_threadpool(self._question, request)

    def _question(self, request: Request) -> Response:
        found = self._flow(request)
        if isinstance(found, Response):
            return found
        live, draft = found
        spec = self.store.version_spec(draft.version_id) if draft else live.spec
        answers = draft.answers if draft else {}
        index = request.path_params["number"] - 1
        if not flow.may_visit(spec, answers, index):
            if not 0 <= index < len(spec.pages):
                return self.not_found(request, spec)
            return RedirectResponse(self._page_url(live, flow.first_unanswered(spec, answers)), status_code=303)
        raws = {q.key: q.to_raw(answers[q.key]) for q in spec.pages[index].questions() if q.key in answers}
        refused = booking_views.refusal_message(request.query_params.get("refused", ""))
        errors = {q.key: self.translator(request).gettext(refused) for q in spec.pages[index].questions()
                  if isinstance(q, SlotPicker)} if refused else None
        return self._question_page(request, live, spec, index, answers, raws=raws, errors=errors)

    def _question_page(self, request: Request, live: LiveApp, spec: AppSpec, index: int, answers: Mapping[str, Any],
                       *, raws: Mapping[str, Mapping[str, list[str]]] | None = None,
                       errors: Mapping[str, str] | None = None, targets: Mapping[str, str] | None = None,
                       status: int = 200, notice: str | None = None, via: str | None = None,
                       cache_key: tuple | None = None) -> Response:
        """One page of the form. `errors` is question key -> message; `targets` the form field each
        error summary link goes to; `raws` what the resident typed, by question key."""
        raws, errors, targets = raws or {}, errors or {}, targets or {}
        page = spec.pages[index]
        visible = flow.visible_widgets(spec, answers, index)
        questions = [w for w in visible if isinstance(w, Question)]
        one_question = len(questions) == 1
        views = [WidgetView(w, raws.get(w.key, {}) if isinstance(w, Question) else {},
                            errors.get(w.key) if isinstance(w, Question) else None,
                            as_heading=one_question and isinstance(w, Question),
                            error_field=targets.get(w.key) if isinstance(w, Question) else None,
                            data=self.booking_views.picker(request, w, self._page_url(live, index))
                            if isinstance(w, SlotPicker) else None)
                 for w in visible]
        error_links = [ErrorLink(field_id(targets[q.key]) if q.key in targets else q.first_field_id(), errors[q.key])
                       for q in questions if q.key in errors]
        change = request.query_params.get("change") == "1"
        previous = flow.previous_page(spec, answers, index)
        back_url = self._url(live, "/check") if change else (
            self._page_url(live, previous) if previous is not None else self._url(live))
        action = self._page_url(live, index) + ("?change=1" if change else "")
        # Where the links of the reading aids come back to: the poster's code until a draft keeps it,
        # and the week a slot picker shows (as the picker worked it out, inside the booking window: never
        # the address's own text).
        here = _here(request, () if answers else ("via",))
        week = next((v.data["days"][0]["iso"] for v in views if v.data and v.data.get("days")), None)
        if week:
            here += ("&" if "?" in here else "?") + urlencode({"week": week})
        return self.render(
            request, "question.html", status, spec=spec, app=live, page=page, views=views,
            one_question=one_question, heading=questions[0].label if one_question else (page.title or spec.title),
            error_links=error_links, action=action, back_url=back_url, notice=notice,
            via=via if via is not None else "" if answers else _via(request.query_params.get("via")),
            progress=flow.progress(spec, answers, index), cache_key=cache_key,
            here=here,
        )

    def _answer(self, request: Request, form: MultiDict) -> Response:
        found = self._flow(request)
        if isinstance(found, Response):
            self._keep_page_of_retired(request, form)  # retired while the resident was answering?
            return found
        live, draft = found
        index = request.path_params["number"] - 1
        # A new draft starts on the version live now, never on one a form names: an old version
        # may lack a question added since (a consent, say).
        spec = self.store.version_spec(draft.version_id) if draft else live.spec
        answers = dict(draft.answers) if draft else {}
        if not 0 <= index < len(spec.pages):
            return self.not_found(request, spec)
        if not flow.may_visit(spec, answers, index):
            # An expired or unknown draft, or a page further on than the resident has reached.
            if draft is None and request.cookies.get(self.draft_cookie(live.app_id)):
                return RedirectResponse(self._url(live, "?expired=1"), status_code=303)
            return RedirectResponse(self._page_url(live, flow.first_unanswered(spec, answers)), status_code=303)
        raws = {q.key: {name: form.getlist(name) for name in q.fields()} for q in spec.pages[index].questions()}
        via = _via(form.get("via"))
        tr = self.translator(request)
        if not csrf_ok(self.secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            notice = tr.gettext("For your security, please press Continue again. Your answers on this page are kept.")
            return self._question_page(request, live, spec, index, answers, raws=raws, status=400, notice=notice,
                                       via=via)
        if form.get(HONEYPOT):
            return RedirectResponse(self._page_url(live, index), status_code=303)
        updates, field_errors = flow.read_page(spec, index, form, answers)
        field_errors += self.booking_views.check_choices(spec, index, answers, updates)
        if field_errors:
            messages = {e.question.key: error_message(tr, e) for e in field_errors}
            targets = {e.question.key: e.params["field"] for e in field_errors if isinstance(e.params.get("field"), str)}
            return self._question_page(request, live, spec, index, answers, raws=raws, errors=messages,
                                       targets=targets, status=422, via=via)
        answers.update(updates)
        response = RedirectResponse("", status_code=303)
        if draft is None:
            point = self.store.access_point(via) if via else None  # only a real code of this app is kept
            via = point.code if point is not None and point.app_id == live.app_id else ""
            draft = self.store.create_draft(live.app_id, live.version_id, answers, access_point=via or None)
            self._cookie(response, request, self.draft_cookie(live.app_id), draft.id, max_age=30 * 24 * 3600)
        else:
            self.store.save_answers(draft.id, answers)
        if request.query_params.get("change") == "1":
            # Back to the check page, unless the change opened a question not yet answered.
            gap = flow.first_unanswered(spec, answers)
            target = self._url(live, "/check") if gap is None else self._page_url(live, gap) + "?change=1"
        else:
            target = self._page_url(live, flow.next_page(spec, answers, index))
        response.headers["location"] = target
        return response

    def _keep_page_of_retired(self, request: Request, form: MultiDict) -> None:
        """Add the valid answers of a page sent after the app retired to the resident's unsent draft."""
        live = self.store.live_app(request.path_params["slug"]) if SLUG.fullmatch(request.path_params["slug"]) else None
        if live is None or live.status(self.store.now()) != "retired":
            return
        draft = self._draft(request, live)
        if draft is None or draft.submission_id is not None:
            return
        if not csrf_ok(self.secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            return
        spec, index = self.store.version_spec(draft.version_id), request.path_params["number"] - 1
        if 0 <= index < len(spec.pages) and flow.may_visit(spec, draft.answers, index):
            updates, _errors = flow.read_page(spec, index, form, draft.answers)
            if updates:
                self.store.save_answers(draft.id, {**draft.answers, **updates})

    def check(self, request: Request) -> Response:
        found = self._flow(request)
        if isinstance(found, Response):
            return found
        live, draft = found
        if draft is None:
            return RedirectResponse(self._url(live), status_code=303)
        return self._check_page(request, live, draft)

    def _check_page(self, request: Request, live: LiveApp, draft: Draft, status: int = 200,
                    notice: str | None = None) -> Response:
        spec = self.store.version_spec(draft.version_id)
        if not flow.is_complete(spec, draft.answers):
            return RedirectResponse(self._page_url(live, flow.first_unanswered(spec, draft.answers)), status_code=303)
        tr = self.translator(request)
        rows = flow.check_rows(spec, draft.answers, tr)
        pages = flow.flow_pages(spec, draft.answers)
        return self.render(request, "check.html", status, spec=spec, app=live, rows=rows, notice=notice,
                           back_url=self._page_url(live, pages[-1]) if pages else self._url(live),
                           change_url=lambda row: self._page_url(live, row.page) + "?change=1",
                           submit_url=self._url(live, "/submit"))

    def _submit(self, request: Request, form: MultiDict) -> Response:
        found = self._flow(request)
        if isinstance(found, Response):
            return found
        live, draft = found
        if draft is None:
            return RedirectResponse(self._url(live, "?expired=1"), status_code=303)
        if not csrf_ok(self.secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            notice = self.translator(request).gettext(
                "For your security, please press Send again. Your answers are kept.")
            return self._check_page(request, live, draft, 400, notice)
        if form.get(HONEYPOT):
            return RedirectResponse(self._url(live, "/check"), status_code=303)
        spec = self.store.version_spec(draft.version_id)
        if not flow.is_complete(spec, draft.answers):
            return RedirectResponse(self._page_url(live, flow.first_unanswered(spec, draft.answers)), status_code=303)
        lang = self.translator(request).lang
        answers = flow.submitted_answers(spec, draft.answers)
        pickers = [q for q in spec.questions() if isinstance(q, SlotPicker) and q.key in answers]
        if not pickers:
            self.store.submit(draft, answers, lang, entered_by=self.entered_by(request))
            return RedirectResponse(self._url(live, "/done"), status_code=303)
        # The places are taken now, with the submission, in one transaction.
        name, phone = flow.submitter_contact(spec, answers)
        try:
            self.bookings.submit(draft, answers, lang, [answers[q.key]["slot"] for q in pickers], name, phone,
                                 entered_by=self.entered_by(request))
        except BookingRefused as refused:
            picker = next((q for q in pickers if answers[q.key]["slot"] == refused.params.get("slot_id")), None)
            if picker is None:  # no name or phone to book in
                return self._check_page(request, live, draft, 422, self.translator(request).format(refused.msgid))
            code = booking_views.refusal_code(refused).value
            page = next(i for i, p in enumerate(spec.pages) if picker in p.widgets)
            return RedirectResponse(self._page_url(live, page) + f"?change=1&refused={code}", status_code=303)
        return RedirectResponse(self._url(live, "/done"), status_code=303)

    def done(self, request: Request) -> Response:
        # A resident who sent the form can see their reference number again, even once the app is retired.
        live = self._app(request, retired_ok=True)
        if isinstance(live, Response):
            return live
        draft = self._draft(request, live)
        if draft is None or draft.submission_id is None:
            return self.retired(request, live, unsent=draft is not None) if live.status(self.store.now()) == "retired" else \
                RedirectResponse(self._url(live), status_code=303)
        submission = self.store.submission(draft.submission_id)
        spec = self.store.version_spec(draft.version_id)
        booked = self.booking_views.booked(request, submission.id)
        return self.render(request, "done.html", spec=spec, app=live, reference=submission.reference,
                           restart_url=self._url(live, "/restart"), back_url=self._url(live), booked=booked,
                           calendar_url=self._url(live, "/booking.ics"), cancel_url=self._url(live, "/cancel"),
                           status_url=self.status_views.link(live))

    def _restart(self, request: Request, form: MultiDict) -> Response:
        """Start the form again from the beginning (after sending it): forget the draft cookie."""
        live = self._app(request)
        if isinstance(live, Response):
            return live
        response = RedirectResponse(self._url(live), status_code=303)
        if csrf_ok(self.secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            response.delete_cookie(self.draft_cookie(live.app_id), path="/")
        return response

    def _form_view(self, handler: Callable[[Request, MultiDict], Response]) -> Callable:
        """A POST endpoint: read the form safely, then run `handler` (it uses the database) in a thread."""

        async def endpoint(request: Request) -> Response:
            if self.post_limit is not None and not self.post_limit.allows(request.client.host if request.client else "?"):
                response = await run_in_threadpool(self.error_page, request, 429)
                response.raw_headers.append((b"retry-after", str(int(POST_PERIOD)).encode()))
                return response
            try:
                form = await read_form(request)
            except BadForm as bad:
                return await run_in_threadpool(self.error_page, request, bad.status)
            except ClientDisconnect:
                return abandoned()
            return await run_in_threadpool(handler, request, form)

        return endpoint

    # --- errors ---------------------------------------------------------------------------------

    def exception_handlers(self) -> dict[Any, Any]:
        async def http_error(request: Request, exc: HTTPException) -> Response:
            if exc.status_code == 404:
                return await run_in_threadpool(self.not_found, request)
            response = await run_in_threadpool(self.error_page, request, exc.status_code)
            if exc.status_code == 405:  # the methods this address takes: GET and POST are often two routes
                response.headers["Allow"] = allowed_methods(request)
            return response

        async def server_error(request: Request, exc: Exception) -> Response:
            return await run_in_threadpool(self.error_page, request, 500)

        return {HTTPException: http_error, Exception: server_error}


# The portal's groups, in order, each named in plain words for residents.
PORTAL_GROUPS = (("pinned", N_("Important notices")), ("notice", N_("Notices")),
                 ("apply", N_("Apply, answer or ask")), ("reservation", N_("Book a facility")))


def portal_groups(apps: list[LiveApp]) -> list[tuple[str, str, list[LiveApp]]]:
    """(key, heading msgid, apps) for each group that has an app: pinned ones first, then by kind,
    the newest first in each."""
    def group(app: LiveApp) -> str:
        if app.spec.pinned:
            return "pinned"
        return app.spec.kind if app.spec.kind in ("notice", "reservation") else "apply"

    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    newest_first = sorted(apps, key=lambda a: a.published_at or oldest, reverse=True)
    return [(key, heading, [a for a in newest_first if group(a) == key]) for key, heading in PORTAL_GROUPS
            if any(group(a) == key for a in apps)]


def error_message(tr: i18n.Translator, error: flow.FieldError) -> i18n.PageMessage:
    """A widget's message in the resident's language, with the question's label and readable dates;
    made into HTML as the page is rendered, with furigana where the resident chose them."""
    params = {k: format_date(v, tr.lang) if isinstance(v, dt.date) else v for k, v in error.params.items()}
    params["label"] = error.question.label  # marked lang="ja" when it falls back to Japanese
    return tr.later(error.message, **params)


# Link previews and crawlers that fetch a code's address when it is shared, with nobody scanning it:
# those that name themselves. A crawler's address ("+https://…/bot.html") is in no browser's
# User-Agent; "bot" alone is not a sign (Cubot makes phones). Browsers too old to send Sec-Fetch-* count.
NOT_A_PERSON = re.compile(r"\+https?://|Googlebot|bingbot|Slackbot|Twitterbot|facebookexternalhit|Discordbot|"
                          r"TelegramBot|WhatsApp/|LinkedInBot|Applebot|SkypeUriPreview|Embedly|Iframely|"
                          r"Google-InspectionTool|Baiduspider|YandexBot")


def is_a_scan(request: Request) -> bool:
    """Whether opening /q/CODE counts as a scan: a navigation (not HEAD, not an <img>) by no known bot."""
    return is_navigation(request) and not NOT_A_PERSON.search(request.headers.get("user-agent", ""))


def abandoned() -> Response:
    """A form whose browser went away before all of it arrived (a closed tab, a lost signal, or the
    body deadline of asgi.TimedHTTP): one calm line in the log, no traceback, and nobody to answer."""
    log.info("A form was abandoned before all of it arrived: nothing was read or kept.")
    return Response(status_code=400)


def allowed_methods(request: Request) -> str:
    """The Allow header of a 405: every method some route of the app takes at this address."""
    methods = {method for route in request.app.router.routes
               if route.matches(request.scope)[0] == Match.PARTIAL for method in getattr(route, "methods", None) or ()}
    return ", ".join(sorted(methods))


def _via(value: Any) -> str:
    """The access point a resident came through (a QR code's short code), or "" when it is not one."""
    return value if isinstance(value, str) and VIA.fullmatch(value) else ""


def _here(request: Request, keep: tuple[str, ...] = ()) -> str:
    """This page's address for its own links: the path, `change` and the parameters in `keep`, each
    only if it has its fixed shape (KEPT_PARAMS); any other parameter is left out."""
    params = request.query_params
    kept = [(name, params[name]) for name in ("change", *keep)
            if name in params and KEPT_PARAMS[name].fullmatch(params[name])]
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


def local_path(target: str) -> str:
    """Only a path on this site: never an open redirect."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
