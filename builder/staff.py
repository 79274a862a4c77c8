"""The staff GUI: NiceGUI pages mounted under /staff. Every page and action asks who is signed in.

`register` adds the pages to NiceGUI's (process-global) app; `mount` also composes NiceGUI into the
server. The tests call `register` inside NiceGUI's user simulation.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from markupsafe import escape
from nicegui import app as nicegui_app
from nicegui import run, ui

from generated_apps.domain import posters, qr
from generated_apps.domain.config import Settings
from generated_apps.domain.models import AccessPoint, StaffUser
from generated_apps.domain.store import (
    DAMAGED_DRAFT,
    AuditFilter,
    SlugTaken,
    Store,
    is_row_id,
    readable_spec,
    shown_title,
)
from generated_apps.web.preview import PreviewSite
from generated_apps.web.security import is_navigation
from widgets import N_, AppSpec, LocalizedText

from . import access_page, audit_page, auth, banner_page, editor, publishing, roles, users_page
from .booking_routes import register as register_booking_routes
from .charts_page import register as register_charts
from .editor import labelled, text_in
from .i18n import BUILDER_LANGS, _, local_time, staff_lang
from .submission_routes import register as register_submission_routes
from .templates_gallery import templates

LANG_WORDS = {"ja": "日本語", "en": "English"}
KINDS = ("form", "notice", "reservation", "consultation")
KIND_NAMES = {"form": N_("Form or survey"), "notice": N_("Notice page"), "reservation": N_("Reservation"),
              "consultation": N_("Consultation")}
STATUS_NAMES = {"draft": N_("Draft"), "scheduled": N_("Scheduled"), "live": N_("Live"),
                "live_with_changes": N_("Live, with changes not yet published"), "retired": N_("Retired")}
STATUS_COLOURS = {"draft": "grey-8", "scheduled": "blue-9", "live": "green-9", "live_with_changes": "orange-10",
                  "retired": "red-10"}


def prefixed(request: Request, path: str) -> str:
    """A path inside the staff GUI as the browser must ask for it (NiceGUI is mounted under a prefix)."""
    return request.scope.get("root_path", "") + path


def register(store: Store, settings: Settings, *, mount_path: str = "/staff") -> None:
    throttle = auth.Throttle(settings.staff_secret_key())  # the builder's key: counts outlive a restart
    grants = auth.SignInGrants()
    ui.add_css(STAFF_CSS + editor.EDITOR_CSS, shared=True)
    preview = PreviewSite(store, settings, prefix=f"{mount_path}/preview")

    def guard(request: Request, *, admin: str | None = None) -> StaffUser | Response:
        """The signed-in member of staff, or where to send the browser instead. With `admin` (the
        action the page is for), only an admin passes; anyone else is refused, and that is recorded."""
        if store.staff_count() == 0:
            return RedirectResponse(prefixed(request, "/setup"), status_code=303)
        user = auth.session_user(store, temporary_password_ok=True)
        here = request.url.path[len(request.scope.get("root_path", "")):] or "/"
        if user is None:
            return RedirectResponse(prefixed(request, f"/signin?next={quote(here)}"), status_code=303)
        if user.must_change_password and here != "/password":
            return RedirectResponse(prefixed(request, "/password"), status_code=303)
        if admin is not None and not roles.is_admin(user):
            store.audit(user.username, "auth.refused", target=here, detail={"action": admin, "role": user.role})
            return not_allowed(request)
        return user

    # --- signing in -------------------------------------------------------------------------------

    def collect_session(request: Request, user: StaffUser, target: str) -> None:
        """Send the tab whose password was just checked to collect its new session, then on to `target`."""
        token = grants.issue(user, request.session.get("id", ""))
        ui.navigate.to(f"/signin/session?{urlencode({'token': token, 'next': target})}")

    # A plain route, not a page: only an HTTP response can give the browser its new session cookie.
    @nicegui_app.get("/signin/session")
    async def new_session(request: Request, token: str = "", next: str = "/") -> Response:  # noqa: A002 - the query parameter's name
        grant = grants.take(token, request.session.get("id", ""))
        if grant is None:  # used already, too old, or issued to another browser: nobody is signed in
            return RedirectResponse(prefixed(request, "/signin"), status_code=303)
        await auth.renew_session(request, grant)
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        return RedirectResponse(prefixed(request, target), status_code=303)

    @ui.page("/setup", title="Madoguchi")
    def setup(request: Request):
        if store.staff_count() > 0:  # the setup page exists only while there is no account at all
            return RedirectResponse(prefixed(request, "/"), status_code=303)
        with narrow_main(request):
            ui.label(_("Create the first admin account")).classes("text-h4").props('role="heading" aria-level="1"')
            if not from_this_machine(request):
                # Until an admin exists, whoever reaches this page first would become one: only on the server.
                ui.label(_("The first admin account can only be made on the server itself: open this page "
                           "there, or run 'madoguchi create-admin' on it.")).classes("text-body1").mark("setup-local")
                return
            ui.label(_("No account exists yet. The account you create now can add the others."))
            username = ui.input(_("User name")).props("outlined autocomplete=username")
            name = ui.input(_("Your name, as colleagues will see it")).props("outlined autocomplete=name")
            password = ui.input(_("Password (at least 10 characters)"), password=True,
                                password_toggle_button=True).props("outlined autocomplete=new-password")
            again = ui.input(_("Password again"), password=True).props("outlined autocomplete=new-password")
            error = ui.label().classes("text-negative text-body1").props('role="alert"')

            async def create() -> None:
                error.text = ""
                if not username.value.strip() or not name.value.strip():
                    error.text = _("Enter a user name and your name")
                    return
                problem = auth.password_problem(password.value, username.value)
                if problem or password.value != again.value:
                    error.text = _(problem or "The two passwords differ")
                    return
                if store.staff_count() > 0:
                    error.text = _("An account was created meanwhile. Sign in instead")
                    return
                hashed = await run.io_bound(auth.hash_password, password.value)
                user = store.create_staff_user(username.value.strip(), name.value.strip(), hashed, "admin",
                                               by="setup")
                store.record_sign_in(user.id)
                collect_session(request, user, "/")

            ui.button(_("Create account and sign in"), on_click=create).props("unelevated size=lg")

    @ui.page("/signin", title="Madoguchi")
    def signin(request: Request, next: str = "/"):  # noqa: A002 - the query parameter's name
        if store.staff_count() == 0:
            return RedirectResponse(prefixed(request, "/setup"), status_code=303)
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        if auth.session_user(store, temporary_password_ok=True) is not None:
            return RedirectResponse(prefixed(request, target), status_code=303)
        client = request.client.host if request.client else "?"
        with narrow_main(request):
            ui.label(_("Sign in to Madoguchi")).classes("text-h4").props('role="heading" aria-level="1"')
            username = ui.input(_("User name")).props("outlined autocomplete=username")
            password = ui.input(_("Password"), password=True).props("outlined autocomplete=current-password")
            error = ui.label().classes("text-negative text-body1").props('role="alert"')

            async def attempt() -> None:
                result = await run.io_bound(auth.check_sign_in, store, throttle, username.value or "",
                                            password.value or "", client)
                if result.wait_seconds:
                    error.text = _("Too many failed tries. Wait {seconds} seconds, then try again",
                                   seconds=result.wait_seconds)
                elif result.user is None:
                    error.text = _("The user name or the password is not right")
                    password.value = ""
                else:
                    collect_session(request, result.user, target)

            password.on("keydown.enter", attempt)
            ui.button(_("Sign in"), on_click=attempt).props("unelevated size=lg")

    # Plain routes, not pages: a page that only redirects would still leave a NiceGUI client behind.
    @nicegui_app.get("/signout")
    def signout(request: Request) -> Response:
        if not is_navigation(request):  # an <img> or a prefetch some page points here signs nobody out
            return RedirectResponse(prefixed(request, "/"), status_code=303)
        user = auth.session_user(store, temporary_password_ok=True)
        if user is not None:
            store.audit(user.username, "auth.sign_out", target=user.username)
        auth.end_session()
        return RedirectResponse(prefixed(request, "/signin"), status_code=303)

    @nicegui_app.get("/lang/{lang}")
    def set_language(request: Request, lang: str, next: str = "/") -> Response:  # noqa: A002 - the query parameter's name
        if lang in BUILDER_LANGS and is_navigation(request):
            nicegui_app.storage.user["lang"] = lang
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        return RedirectResponse(prefixed(request, target), status_code=303)

    # --- the dashboard ----------------------------------------------------------------------------

    @ui.page("/", title="Madoguchi")
    def dashboard(request: Request):
        user = guard(request)
        if isinstance(user, Response):
            return user
        with frame(request, user, _("Apps")):
            dashboard_body(store, user, settings.time_zone)

    @ui.page("/new", title="Madoguchi")
    def new_app(request: Request):
        user = guard(request)
        if isinstance(user, Response):
            return user
        with frame(request, user, _("New app")):
            gallery(store, user, mount_path)

    @ui.page("/apps/{app_id}", title="Madoguchi")
    def edit_app(request: Request, app_id: int):
        user = guard(request)
        if isinstance(user, Response):
            return user
        found = store.app_by_id(app_id)
        with frame(request, user, None, wide=True):
            if found is None:
                ui.label(_("There is no such app. It may have been deleted.")).classes("text-h5")
                ui.link(_("Back to the apps"), "/")
                return
            if readable_spec(found.draft_spec) is None:
                editor.DamagedDraft(store, found, title=shown_title(found), blank=blank_app(store),
                                    current_user=lambda: auth.session_user(store)).build()
                return
            editor.Editor(store, found, user, preview_base=f"{mount_path}/preview/{app_id}",
                          current_user=lambda: auth.session_user(store),
                          sign_in_again=lambda u, p: _sign_in_again(store, throttle, request, u, p)).build()

    @ui.page("/apps/{app_id}/publishing", title="Madoguchi")
    def publishing_page(request: Request, app_id: int):
        user = guard(request)
        if isinstance(user, Response):
            return user
        with frame(request, user, None):
            publishing.PublishingPage(store, app_id, user, time_zone=settings.time_zone).build()

    @ui.page("/apps/{app_id}/access", title="Madoguchi")
    def access_points(request: Request, app_id: int):
        user = guard(request)
        if isinstance(user, Response):
            return user
        with frame(request, user, None):
            access_page.AccessPage(store, settings, app_id).build()

    def file_of(app_id: int, code: str, kind: str, kinds: tuple[str, ...], size: str, sizes) -> AccessPoint | Response:
        """The access point a code or poster file is asked for; 401 signed out, 404 for another app's
        code, an unknown code, or a kind or size not offered."""
        if auth.session_user(store) is None:
            return Response(status_code=401)
        point = store.access_point(code)
        if point is None or point.app_id != app_id or kind not in kinds or size not in sizes:
            return Response(status_code=404)
        return point

    @nicegui_app.get("/apps/{app_id}/access/{code}.{kind}")
    def access_point_code(request: Request, app_id: int, code: str, kind: str, size: str = "medium") -> Response:
        """An access point's QR code as PNG (size small, medium or large, for print) or SVG."""
        point = file_of(app_id, code, kind, ("png", "svg"), size, qr.PRINT_SIZES_MM)
        if isinstance(point, Response):
            return point
        url, logo = access_page.code_url(settings, point.code), access_page.qr_logo(settings)
        if kind == "svg":
            return _file_response(lambda: qr.svg(url, title=url, logo=logo).encode(), "image/svg+xml",
                                  f"madoguchi-{point.code}.svg")
        return _file_response(lambda: qr.print_png(url, size, logo=logo), "image/png",
                              f"madoguchi-{point.code}-{size}.png")

    @nicegui_app.get("/apps/{app_id}/access/{code}/poster.{kind}")
    def one_poster(request: Request, app_id: int, code: str, kind: str, size: str = "a4") -> Response:
        point = file_of(app_id, code, kind, ("pdf", "png"), size, posters.SIZES)
        if isinstance(point, Response):
            return point
        [made] = access_page.posters_of(store, settings, point.app_id, [point])
        if kind == "pdf":
            return _file_response(lambda: posters.pdf([made], size), "application/pdf",
                                  f"madoguchi-{point.code}-{size}.pdf")
        return _file_response(lambda: posters.png(made, size), "image/png", f"madoguchi-{point.code}-{size}.png")

    @nicegui_app.get("/apps/{app_id}/posters.pdf")
    def all_posters(request: Request, app_id: int, size: str = "a4") -> Response:
        """Every poster of the app's access points in use, one page each: "print all posters"."""
        if auth.session_user(store) is None:
            return Response(status_code=401)
        points = [p.point for p in store.access_points(app_id) if p.point.active]
        if not points or size not in posters.SIZES:
            return Response(status_code=404)
        return _file_response(lambda: posters.pdf(access_page.posters_of(store, settings, app_id, points), size),
                              "application/pdf", f"madoguchi-posters-{app_id}-{size}.pdf")

    register_booking_routes(store, settings, guard, frame)  # facilities, their calendars and day sheets
    register_charts(store, settings, guard, frame)  # charts, the printable summary, open data
    register_submission_routes(store, settings, guard, frame, mount_path)  # submissions, exports, counter entry

    # --- admins: users and the audit log ----------------------------------------------------------

    @ui.page("/users", title="Madoguchi")
    def users(request: Request):
        user = guard(request, admin="user.manage")
        if isinstance(user, Response):
            return user
        with frame(request, user, _("Users")):
            users_page.UsersPage(store, time_zone=settings.time_zone).build()

    @ui.page("/banner", title="Madoguchi")
    def banner(request: Request):
        user = guard(request, admin="banner.set")
        if isinstance(user, Response):
            return user
        with frame(request, user, _("Emergency banner")):
            banner_page.BannerPage(store, time_zone=settings.time_zone).build()

    @ui.page("/password", title="Madoguchi")
    def password(request: Request):
        user = guard(request)
        if isinstance(user, Response):
            return user
        with frame(request, user, _("Change your password")), ui.column().classes("max-w-md q-gutter-md"):
            users_page.password_form(store, user, on_done=lambda: ui.navigate.to("/"), throttle=throttle)

    @ui.page("/audit", title="Madoguchi")
    def audit(request: Request):
        user = guard(request, admin="audit.read")
        if isinstance(user, Response):
            return user
        with frame(request, user, _("Audit log")):
            audit_page.AuditPage(store, time_zone=settings.time_zone).build()

    @nicegui_app.get("/audit.csv")
    def audit_csv(request: Request, action: str | None = None, actor: str | None = None, app_id: int | None = None,
                  since: str | None = None, until: str | None = None) -> Response:
        user = guard(request, admin="audit.export")
        if isinstance(user, Response):
            return user
        first, last = audit_page.day_range(since, until, settings.time_zone)
        if app_id is not None and not is_row_id(app_id):
            app_id = 0  # typed into the address: the id of no app, whose log is empty (not an OverflowError)
        where = AuditFilter(action=action or None, actor=actor or None, app_id=app_id, since=first, until=last)
        store.audit(user.username, "audit.export", detail={k: v for k, v in request.query_params.items()})
        stamp = dt.datetime.now(ZoneInfo(settings.time_zone)).strftime("%Y%m%d-%H%M")
        return StreamingResponse(audit_page.csv_lines(store, where, settings.time_zone), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="madoguchi-audit-{stamp}.csv"'})

    # --- the preview: resident pages of the draft -------------------------------------------------

    @nicegui_app.api_route("/preview/{app_id}/{lang}/{path:path}", methods=["GET", "POST"])
    async def preview_page(request: Request, app_id: int, lang: str, path: str = "") -> Response:
        if auth.session_user(store) is None:
            return Response(_("Sign in again to see the preview."), status_code=401, media_type="text/plain")
        found = store.app_by_id(app_id)
        spec = readable_spec(found.draft_spec) if found is not None else None
        if spec is None:  # no such app, or its draft cannot be read (the editor says so and mends it)
            return Response(status_code=404)
        return await preview.respond(request, app_id, spec, lang, path)

    @nicegui_app.get("/template-preview/{name}/{lang}/{path:path}")
    async def template_preview(request: Request, name: str, lang: str, path: str = "") -> Response:
        if auth.session_user(store) is None:
            return Response(status_code=401)
        chosen = {t.name: (i, t) for i, t in enumerate(templates())}.get(name)
        if chosen is None:
            return Response(status_code=404)
        index, template = chosen
        return await preview.respond(request, -1 - index, template.spec, lang, path)


async def _sign_in_again(store: Store, throttle: auth.Throttle, request: Request, username: str,
                         password: str) -> StaffUser | str:
    """For a session that ran out mid-edit: the user, or a message saying why not."""
    client = request.client.host if request.client else "?"
    result = await run.io_bound(auth.check_sign_in, store, throttle, username, password, client)
    if result.wait_seconds:
        return _("Too many failed tries. Wait {seconds} seconds, then try again", seconds=result.wait_seconds)
    if result.user is None:
        return _("The user name or the password is not right")
    auth.start_session(result.user)
    return result.user


# --- page frame ------------------------------------------------------------------------------------


def staff_colours() -> None:
    """Quasar's colours, darkened so that text in each meets WCAG AA contrast (4.5:1) on white."""
    ui.colors(primary="#0d47a1", secondary="#37474f", accent="#6a1b9a", positive="#1b5e20",
              negative="#b71c1c", warning="#7a4100", info="#01579b", dark="#212121")


def narrow_main(request: Request) -> ui.element:
    """The <main> of a page shown before signing in, with the language switch above it."""
    staff_colours()
    with ui.row().classes("w-full justify-end q-pa-sm"):
        language_switch(request)
    return ui.element("main").classes("w-full max-w-md mx-auto q-pa-lg column q-gutter-md").props(
        f'lang="{staff_lang()}"')


class frame:
    """The header every signed-in page shares, and the page's <main>."""

    def __init__(self, request: Request, user: StaffUser, heading: str | None, *, wide: bool = False) -> None:
        self.request, self.user, self.heading, self.wide = request, user, heading, wide

    def __enter__(self) -> ui.element:
        staff_colours()
        with ui.header().classes("items-center q-px-md q-py-sm bg-blue-10").props(f'lang="{staff_lang()}"'):
            ui.link("Madoguchi 窓口", "/").classes("text-h6 text-white no-underline")
            with labelled(ui.element("nav"), _("Main")).classes("row q-gutter-md q-ml-lg"):
                ui.link(_("Apps"), "/").classes("text-white")
                ui.link(_("New app"), "/new").classes("text-white")
                ui.link(_("Facility bookings"), "/resources").classes("text-white")
                if roles.is_admin(self.user):
                    ui.link(_("Users"), "/users").classes("text-white")
                    ui.link(_("Audit log"), "/audit").classes("text-white")
                    ui.link(_("Emergency banner"), "/banner").classes("text-white")
            ui.space()
            ui.link(self.user.display_name, "/password").classes("text-white")
            language_switch(self.request, "white")
            ui.link(_("Sign out"), "/signout").classes("text-white")
        self.main = ui.element("main").classes("w-full q-pa-md" if self.wide else "w-full max-w-screen-xl mx-auto q-pa-md")
        self.main.props(f'lang="{staff_lang()}"')
        self.main.__enter__()
        if self.heading:
            ui.label(self.heading).classes("text-h4 q-mb-md").props('role="heading" aria-level="1"')
        return self.main

    def __exit__(self, *exc: object) -> None:
        self.main.__exit__(*exc)


def _file_response(make: Callable[[], bytes], media_type: str, filename: str) -> Response:
    """A code or poster file, or a plain message in the staff member's language saying why it cannot be made."""
    try:
        body = make()
    except posters.PosterRefused as refused:
        return PlainTextResponse(_(refused.msgid, **refused.params), status_code=422)
    except posters.FontMissing as missing:
        return PlainTextResponse(str(missing), status_code=503)
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'inline; filename="{filename}"'})


def not_allowed(request: Request) -> Response:
    """A polite refusal, in the staff member's language, for a page only admins may open."""
    words = escape(_("Only an admin can open this page. Ask an admin of your office if you need it."))
    back = escape(_("Back to the apps"))
    body = (f'<!doctype html><html lang="{staff_lang()}"><head><meta charset="utf-8"><title>Madoguchi</title></head>'
            f'<body style="font: 1.25rem/1.6 sans-serif; margin: 2rem"><h1>{words}</h1>'
            f'<p><a href="{escape(prefixed(request, "/"))}">{back}</a></p></body></html>')
    return HTMLResponse(body, status_code=403)


def language_switch(request: Request, colour: str = "primary") -> None:
    """A link naming the other language in that language (日本語 / English); it comes back to this page."""
    other = next(code for code in BUILDER_LANGS if code != staff_lang())
    here = request.url.path[len(request.scope.get("root_path", "")):] or "/"
    link = ui.link(LANG_WORDS[other], f"/lang/{other}?next={quote(here)}").classes(f"text-{colour}")
    link.props(f"lang={other}")


# --- dashboard -------------------------------------------------------------------------------------


def dashboard_body(store: Store, user: StaffUser, zone: str) -> None:
    state = {"search": "", "kind": None, "status": None}

    with ui.row().classes("items-end q-gutter-md q-mb-md"):
        ui.input(_("Search by title or address"), on_change=lambda e: (state.update(search=e.value), table.refresh())
                 ).props("outlined clearable debounce=200").classes("w-72").mark("search")
        ui.select({None: _("All kinds"), **{k: _(v) for k, v in KIND_NAMES.items()}}, value=None, label=_("Kind"),
                  on_change=lambda e: (state.update(kind=e.value), table.refresh())).props("outlined").classes(
            "w-56").mark("kind-filter")
        ui.select({None: _("All statuses"), **{k: _(v) for k, v in STATUS_NAMES.items()}}, value=None,
                  label=_("Status"), on_change=lambda e: (state.update(status=e.value), table.refresh())
                  ).props("outlined").classes("w-72").mark("status-filter")
        ui.space()
        ui.button(_("New app"), icon="add", on_click=lambda: ui.navigate.to("/new")).props("unelevated size=lg")

    def duplicate(app_id: int) -> None:
        if auth.session_user(store) is None:
            ui.notify(_("Your session has ended. Sign in again"), type="warning")
            return
        spec = readable_spec(store.app_by_id(app_id).draft_spec)
        if spec is None:
            ui.notify(_(DAMAGED_DRAFT), type="warning")
            return
        title = {lang: text + _(" (copy)") for lang, text in spec.title.root.items()}
        copy = spec.model_copy(update={"slug": store.free_slug(_short(spec.slug, "-copy")),
                                       "title": LocalizedText(title)})
        created = store.create_app(copy, by=user.username)
        ui.navigate.to(f"/apps/{created.id}")

    @ui.refreshable
    def table() -> None:
        if auth.session_user(store) is None:  # a dashboard left open after signing out shows nothing new
            ui.label(_("Your session has ended. Sign in again")).classes("text-body1")
            ui.link(_("Sign in"), "/signin")
            return
        rows = [s for s in store.app_summaries() if _matches(s, state)]
        lang = staff_lang()
        if not rows:
            ui.label(_("No app matches. Change the search or the filters, or make a new app.")).classes("text-body1")
            return
        with ui.element("table").classes("mdg-table w-full"):
            with ui.element("thead"), ui.element("tr"):
                for heading in (_("App"), _("Kind"), _("Status"), _("Last change"), _("Submissions"), _("Actions")):
                    text_in("th", heading).props('scope="col"').classes("text-left q-pa-sm")
            with ui.element("tbody"):
                for s in rows:
                    title = LocalizedText.model_validate(s.spec.get("title", {"ja": ""})).text(lang) or s.slug
                    with ui.element("tr").classes("mdg-row").props(f"data-slug={s.slug}").mark("app-row"):
                        with ui.element("td").classes("q-pa-sm"):
                            ui.link(title, f"/apps/{s.id}").classes("text-body1 text-weight-medium")
                            ui.label(f"/a/{s.slug}").classes("text-caption text-grey-8")
                        text_in("td", _(KIND_NAMES.get(s.kind, s.kind))).classes("q-pa-sm")
                        with ui.element("td").classes("q-pa-sm"):
                            ui.badge(_(STATUS_NAMES[s.status]), color=STATUS_COLOURS[s.status]).classes("text-body2")
                            if s.damaged:  # the editor says what happened and restores it
                                ui.badge(_("Draft cannot be read"), color="red-10").classes("text-body2 q-ml-xs").mark(
                                    f"damaged-{s.slug}")
                        text_in("td", f"{local_time(s.updated_at, zone)} · {s.updated_by or '—'}").classes("q-pa-sm")
                        with ui.element("td").classes("q-pa-sm text-right"):
                            labelled(ui.link(f"{s.submissions:,}", f"/apps/{s.id}/submissions"),
                                     _("Submissions of {title}: {count}", title=title, count=s.submissions)).classes(
                                "text-body1").mark(f"submissions-{s.slug}")
                        with ui.element("td").classes("q-pa-sm"), ui.row().classes("q-gutter-sm no-wrap"):
                            labelled(ui.button(_("Edit"), on_click=lambda s=s: ui.navigate.to(f"/apps/{s.id}")).props(
                                "outline"), _("Edit {title}", title=title))
                            labelled(ui.button(_("Duplicate"), on_click=lambda s=s: duplicate(s.id)).props("outline"),
                                     _("Duplicate {title}", title=title)).mark(f"duplicate-{s.slug}")

    table()


def _matches(summary, state: dict) -> bool:
    if state["kind"] and summary.kind != state["kind"]:
        return False
    if state["status"] and summary.status != state["status"]:
        return False
    needle = (state["search"] or "").strip().lower()
    if not needle:
        return True
    haystack = [summary.slug, *summary.spec.get("title", {}).values()]
    return any(needle in str(text).lower() for text in haystack)


def _short(slug: str, suffix: str) -> str:
    return slug[: 55 - len(suffix)].rstrip("-") + suffix


# --- new app: the templates gallery ----------------------------------------------------------------


def gallery(store: Store, user: StaffUser, mount_path: str) -> None:
    lang = staff_lang()
    ui.label(_("Start from a template: each is a complete app in Japanese and English that you can change. "
               "Nothing is visible to residents until an admin publishes it.")).classes("text-body1 q-mb-md")

    def create(spec: AppSpec) -> None:
        if auth.session_user(store) is None:
            ui.notify(_("Your session has ended. Sign in again"), type="warning")
            return
        try:
            created = store.create_app(spec.model_copy(update={"slug": store.free_slug(spec.slug)}),
                                       by=user.username)
        except SlugTaken:  # taken between the check and the insert: try the next free address
            created = store.create_app(spec.model_copy(update={"slug": store.free_slug(spec.slug)}),
                                       by=user.username)
        ui.navigate.to(f"/apps/{created.id}")

    with ui.element("ul").classes("row q-gutter-lg mdg-gallery").props('role="list"'):
        for template in templates():
            title = template.spec.title.text(lang)
            with ui.element("li").classes("mdg-card-item"), ui.card().classes("w-80"):
                # A picture of the template's first page: inert, so it is neither focused nor read out.
                with ui.element("div").classes("mdg-card-frame"):
                    card_preview = ui.element("iframe").props("loading=lazy inert").classes("mdg-card-preview")
                card_preview.props["src"] = f"{mount_path}/template-preview/{template.name}/{lang}/"
                card_preview.props["title"] = _("Preview of {title}", title=title)
                with ui.row().classes("items-center no-wrap"):
                    ui.icon(template.icon, size="md").props('aria-hidden="true"')
                    ui.label(title).classes("text-h6").props('role="heading" aria-level="2"')
                ui.label(template.blurb.text(lang)).classes("text-body2")
                labelled(ui.button(_("Use this template"), on_click=lambda t=template: create(t.spec)).props(
                    "unelevated"), _("Use the template {title}", title=title)).mark(f"use-{template.name}")
        with ui.element("li").classes("mdg-card-item"), ui.card().classes("w-80"):
            ui.label(_("Blank app")).classes("text-h6").props('role="heading" aria-level="2"')
            ui.label(_("One page with one question. Add the rest from the palette.")).classes("text-body2")
            ui.button(_("Start a blank app"), on_click=lambda: create(blank_app(store))).props("unelevated").mark(
                "use-blank")


def blank_app(store: Store) -> AppSpec:
    return AppSpec.model_validate({
        "slug": store.free_slug("new-app"), "kind": "form", "title": {"ja": ""},
        "pages": [{"widgets": [{"type": "short_text", "key": "answer_1", "label": {"ja": ""}}]}],
    })


STAFF_CSS = """
.nicegui-link { color: #0d47a1; }
.q-header .nicegui-link { color: #ffffff; }
.mdg-table { border-collapse: collapse; }
.mdg-facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem; font-size: 1rem; }
.mdg-facts dd { margin: 0; }
.mdg-table th { border-bottom: 2px solid #424242; font-size: 1rem; }
.mdg-table td { border-bottom: 1px solid #bdbdbd; vertical-align: top; }
.mdg-gallery { list-style: none; padding: 0; }
.mdg-card-frame { width: 100%; height: 240px; overflow: hidden; border: 1px solid #9e9e9e; }
.mdg-card-preview { width: 200%; height: 480px; border: 0; transform: scale(0.5); transform-origin: 0 0;
                    pointer-events: none; }
a:focus-visible, button:focus-visible, [tabindex]:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
"""


def from_this_machine(request: Request) -> bool:
    """Whether the browser is on the server itself. Behind a proxy, uvicorn reports the real client
    (it reads X-Forwarded-For from the proxies it trusts, by default only 127.0.0.1)."""
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# The pages a signed-out browser may use (and so speak for on its socket): signing in, and the first account.
OPEN_PAGES = ("/signin", "/setup")


def mount(fastapi_app, store: Store, settings: Settings) -> None:
    """Compose NiceGUI into `fastapi_app`. NiceGUI's app is process-global: call this once per process."""
    from nicegui import core
    from starlette.middleware import Middleware

    from . import staff_sessions, staff_socket

    staff_sessions.install()  # a browser's storage goes to disk only while someone is signed in to it
    register(store, settings, mount_path="/staff")
    # The session cookie stays on /staff: residents' pages never see it.
    ui.run_with(fastapi_app, mount_path="/staff", title="Madoguchi", language="ja",
                storage_secret=settings.staff_secret_key().decode(),  # the builder's own: replicas never hold it
                session_middleware_kwargs={"path": "/staff", "same_site": "strict", "https_only": settings.https}, show_welcome_message=False)
    # NiceGUI lets a page on any site open the builder's websocket; only the builder's own pages may.
    # (None is the Socket.IO server's default: the request's own origin, behind a proxy as forwarded.)
    core.sio.eio.cors_allowed_origins = None

    def signed_in() -> bool:
        return auth.session_user(store, temporary_password_ok=True) is not None

    # Only the browser session that opened a page, signed in, speaks for it: on its socket, and at its
    # own addresses (uploads), checked inside NiceGUI's session middleware (the last one added is innermost).
    staff_socket.guard(core.sio, signed_in, OPEN_PAGES)
    core.app.user_middleware.append(Middleware(staff_socket.OwnPagesOnly, signed_in=signed_in, open_pages=OPEN_PAGES))
    core.app.user_middleware.append(Middleware(staff_socket.BrokenFrames))
    staff_socket.quiet_broken_frames(core.sio)
    staff_socket.hide_client_ids()
    staff_sessions.sweep_regularly(nicegui_app)
