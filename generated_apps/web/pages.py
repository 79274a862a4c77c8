"""Rendering a resident page: the templates, the static files, the headers every page carries, the
page cache, the CSRF token filled in per response, and the pages every view may answer with (not
found, a problem)."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import gzip
import hashlib
import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from generated_apps.domain import i18n
from generated_apps.domain.banner import Banner
from generated_apps.domain.config import Settings
from generated_apps.domain.models import EmergencyBanner, as_utc
from generated_apps.domain.store import Store
from generated_apps.web import preferences
from generated_apps.web.addresses import here as address_here
from generated_apps.web.compressed import CachedPage
from generated_apps.web.cookies import set_cookie
from generated_apps.web.forms import CSRF_COOKIE, HONEYPOT, csrf_token, is_csrf_cookie, new_csrf_cookie
from generated_apps.web.modes import Live
from widgets import WIDGET_TYPES, AppSpec, furigana
from widgets.colour import title_bar_css
from widgets.templates import loader as widget_loader

HERE = Path(__file__).parent
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


# Pages with a form: they carry a CSRF token, and set the browser's random CSRF cookie when it has none.
FORM_TEMPLATES = {"question.html", "check.html", "done.html", "cancel.html", "status.html"}
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


# What a kept page is found by: the page's own key (a question of a version, in a language), the
# reading aids, whether it carries the stylesheet, and the banner.
PageKey = tuple[Hashable, ...]

CSRF_SLOT = "\x00csrf\x00"  # where a page's CSRF token goes; filled in per response


def _encoded(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in {**headers, "Content-Type": "text/html; charset=utf-8"}.items()]


class Page(Response):
    """A resident page: HTML with the same headers every time, encoded once rather than per response."""

    media_type = "text/html; charset=utf-8"
    _gzip = [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]

    def __init__(self, body: bytes, status_code: int = 200, *, gzipped: bool = False, colour: str | None = None,
                 frame: str = "'none'") -> None:
        self.status_code, self.body, self.background = status_code, body, None
        self.raw_headers = [(b"content-length", str(len(body)).encode()), *page_headers(frame, colour),
                            *(self._gzip if gzipped else ())]


class Pages:
    """Renders the resident pages of one mode (modes.py): its language, its framing, its readings."""

    def __init__(self, store: Store, settings: Settings, mode: Live, secret: bytes) -> None:
        self.store, self.settings, self.mode, self.secret = store, settings, mode, secret
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
        cookie = (f"{STYLESHEET_COOKIE}={self.assets[STYLESHEET].version}; HttpOnly; Path=/; SameSite=lax; "
                  f"Max-Age={30 * 24 * 3600}")
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
        self._pages: dict[PageKey, CachedPage] = {}  # rendered pages, split where the CSRF token goes

    def translator(self, request: Request) -> i18n.Translator:
        return i18n.Translator(self.mode.lang(request))

    def render(self, request: Request, template: str, status: int = 200, *, spec: AppSpec | None = None,
               cache_key: PageKey | None = None, here: str | None = None, **context: Any) -> Response:
        """Render a page. With `cache_key`, the page (all but its CSRF token) is rendered once and kept:
        only for pages that depend on nothing but the key, such as a blank question of a published version."""
        context = self.mode.page_context(request, template, context)
        cache_key = cache_key if self.mode.keeps_pages else None
        tr = self.translator(request)
        banner = Banner(self.store).current()
        prefs = preferences.read(request.cookies)
        first_page = self.is_first_page(request)
        colour = spec.colour if spec is not None else None
        cache_key = self._with_banner((*cache_key, *prefs.key, first_page), banner) if cache_key else None
        cached = self._pages.get(cache_key) if cache_key else None
        if cached is None:
            token = i18n.current.set(tr)
            try:
                shows_furigana = prefs.shows_furigana
                with furigana.on_page(self.mode.readings(self.store, spec, shows_furigana), shows_furigana):
                    html = self.env.get_template(template).render(
                        lang=tr.lang, langs=i18n.UI_LANGS, lang_names=i18n.LANG_NAMES,
                        here=here if here is not None else address_here(request),
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

    def kept(self, request: Request, template: str, key: PageKey, colour: str | None) -> Response | None:
        """The page render() kept under `key` for this browser's reading aids, or None: without a
        template, a thread or a database query beyond the banner."""
        first_page = self.is_first_page(request)
        prefs = (*preferences.read(request.cookies).key, first_page)
        cached = self._pages.get(self._with_banner((*key, *prefs), Banner(self.store).current()))
        if cached is None:
            return None
        return self._respond(request, template, cached.parts, cached=cached, colour=colour, first_page=first_page)

    def is_first_page(self, request: Request) -> bool:
        """Whether this browser has not yet been sent the stylesheet (this version of it)."""
        return request.cookies.get(STYLESHEET_COOKIE) != self.assets[STYLESHEET].version

    @staticmethod
    def _with_banner(key: PageKey, banner: EmergencyBanner | None) -> PageKey:
        """A cached page is kept per banner: setting or clearing one shows at once on every page."""
        return (*key, banner.id if banner is not None else 0)

    def banner_view(self, banner: EmergencyBanner | None, lang: str) -> dict[str, str] | None:
        if banner is None:
            return None
        english = banner.text_en if lang == "en" and banner.text_en else None
        return {"level": banner.level, "text": english or banner.text, "lang": "en" if english else "ja",
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
        frame = self.mode.frame
        if "gzip" in request.headers.get("accept-encoding", ""):
            response = Page((cached or CachedPage(parts)).gzip(token), status, gzipped=True, colour=colour, frame=frame)
        else:
            response = Page(token.join(parts) if token else parts[0], status, colour=colour, frame=frame)
        if fresh_cookie:
            set_cookie(response, request, CSRF_COOKIE, fresh_cookie, max_age=None)
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

    # --- the pages any view may answer with -----------------------------------------------------------

    def not_found(self, request: Request, spec: AppSpec | None = None) -> Response:
        return self.render(request, "not_found.html", 404, spec=spec)

    def error_page(self, request: Request, status: int, spec: AppSpec | None = None) -> Response:
        return self.render(request, "problem.html", status, spec=spec, code=status)

    def not_open(self, request: Request, opens_at: dt.datetime) -> Response:
        """An app scheduled to open at `opens_at` (its poster may already be up)."""
        opens = i18n.format_moment(opens_at, self.translator(request).lang, self.settings.time_zone)
        return self.render(request, "not_open.html", 404, opens=opens)
