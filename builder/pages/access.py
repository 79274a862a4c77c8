"""One app's access points: the QR codes put up at counters and printed on posters.

Staff create, rename and disable them, see how often each was scanned and how many submissions
came through it, and download each code as PNG (print sizes) or SVG. A code is never deleted or
changed: it may be laminated on a wall for years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from nicegui import ui

from generated_apps.domain import posters, qr
from generated_apps.domain.access_points import AccessPoints, AccessPointSummary
from generated_apps.domain.apps import Apps
from generated_apps.domain.config import Settings
from generated_apps.domain.errors import Refused
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import AccessPoint, StaffUser
from generated_apps.domain.specs import readable_spec, shown_title
from generated_apps.domain.store import Store

from .. import auth
from ..i18n import _, staff_lang
from .components import damaged_notice, draft_title, labelled, text_in
from .frame import frame
from .guard import in_thread

if TYPE_CHECKING:
    from .site import StaffSite


@dataclass(frozen=True)
class PublicUrlProblem:
    """Why printed codes would fail residents: in a clerk's words, and the setting for the administrator."""

    plain: str
    detail: str


def public_url_problem(public_url: str) -> PublicUrlProblem | None:
    """Why codes made with this public address would fail residents once printed, or None."""
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return PublicUrlProblem(
            _("The address in these codes is not set up correctly, so residents could not open the app with them."),
            _("MADOGUCHI_PUBLIC_URL is not an http(s) address: {url}", url=public_url or "—"))
    host = (parts.hostname or "").lower()
    if host in ("localhost", "127.0.0.1", "::1", "0.0.0.0") or host.endswith(".local"):
        return PublicUrlProblem(
            _("The address in these codes opens only on this computer, so residents' phones could not open the app."),
            _("MADOGUCHI_PUBLIC_URL is {url}, which only this computer can open. "
              "Codes printed now would lead residents nowhere", url=public_url))
    if parts.scheme != "https":
        return PublicUrlProblem(
            _("The address in these codes is not a secure one (https), so residents' phones may warn them not to "
              "open it."),
            _("MADOGUCHI_PUBLIC_URL is not https: {url}. Phones may warn residents", url=public_url))
    return None


LOGO_FILE = "qr-logo.png"  # in the data directory: the city's mark, put in the centre of downloaded codes


def qr_logo(settings: Settings) -> bytes | None:
    """The logo for the centre of the codes, if the data directory has one (and it is a picture)."""
    path = settings.data_dir / LOGO_FILE
    try:
        logo = path.read_bytes()
        qr.logo_png(logo)  # refuses a file that is not a picture
    except (OSError, ValueError):
        return None
    return logo


def code_url(settings: Settings, code: str) -> str:
    return f"{settings.public_url.rstrip('/')}/q/{code}"


def posters_of(store: Store, settings: Settings, app_id: int, points: list[AccessPoint]) -> list[posters.Poster]:
    """The posters of the app's access points: the app as residents see it (the draft if nothing is
    published; of a draft that cannot be read, its title and the city's phone), read once for them all."""
    state = Apps(store).state(app_id)
    if state is None:
        return []
    spec = (LiveApps(store).version_spec(state.live.id) if state.live is not None
            else readable_spec(state.app.draft_spec))
    if spec is None:
        title, purpose, department, phone = shown_title(state.app) or state.app.slug, "", "", settings.help_phone
    else:
        title = spec.title.text("ja")
        purpose = spec.description.text("ja").split("。")[0] + "。" if spec.description else ""
        department = spec.contact.department.text("ja") if spec.contact.department else ""
        phone = spec.contact.phone or settings.help_phone
    return [posters.poster(title, purpose, code_url(settings, point.code), phone, point.label, department)
            for point in points]


CHART_DAYS = 30  # the scans chart shows the last 30 days


@dataclass(frozen=True)
class Shown:
    """The app's access points and what the page says of them, read together in a thread."""

    points: list[AccessPointSummary]
    dates: list[dt.date]  # the chart's days, city time
    scans: dict[tuple[int | None, dt.date], int]  # (access point id, day): scans; asked by AccessPoint.id
    left_out: set[str]  # characters the poster font lacks (emoji, say): left out of the posters
    font_missing: str | None = None  # why no poster can be made at all


class AccessPage:
    def __init__(self, store: Store, settings: Settings, app_id: int) -> None:
        self.store, self.settings, self.app_id = store, settings, app_id
        self.points = AccessPoints(store)
        self.apps = Apps(store)
        self.shown: Shown | None = None

    def read(self) -> Shown:
        """The access points, their scans per day and what their posters leave out: in a thread."""
        points = self.points.of_app(self.app_id)
        today = self.store.now().astimezone(ZoneInfo(self.settings.time_zone)).date()
        since = today - dt.timedelta(days=CHART_DAYS - 1)
        dates = [since + dt.timedelta(days=n) for n in range(CHART_DAYS)]
        if not points:
            return Shown(points, dates, {}, set())
        scans: dict[tuple[int | None, dt.date], int] = {
            (point_id, day): count for point_id, day, count in self.points.scans_per_day(self.app_id, since)}
        try:
            made = posters_of(self.store, self.settings, self.app_id, [p.point for p in points])
        except posters.FontMissing as missing_font:
            return Shown(points, dates, scans, set(), str(missing_font))
        return Shown(points, dates, scans, set().union(*(poster.left_out for poster in made)))

    async def redraw(self) -> None:
        self.shown = await in_thread(self.read)
        self.table.refresh()

    async def build(self) -> None:
        app = await in_thread(self.apps.by_id, self.app_id)
        if app is None:
            ui.label(_("There is no such app. It may have been deleted.")).classes("text-h5")
            return
        title, damaged = draft_title(app, staff_lang())
        ui.label(_("QR codes: {title}", title=title)).classes("text-h4").props('role="heading" aria-level="1"')
        ui.link(_("Back to the editor"), f"/apps/{self.app_id}").classes("text-body1 q-mb-md")
        if damaged:  # the codes and posters work from the published version (or the title alone)
            damaged_notice(self.app_id)
        problem = public_url_problem(self.settings.public_url)
        if problem:
            with ui.card().classes("w-full bg-red-1 q-mb-md").props('role="alert"').mark("public-url-warning"):
                ui.label(_("Do not print these codes yet")).classes("text-h6 text-negative")
                ui.label(problem.plain).classes("text-body1")
                ui.label(_("Ask your system administrator to set the public address of this system. "
                           "You can print the codes once this warning is gone.")).classes("text-body1")
                # The setting's own name is for the administrator, who can act on it; a clerk cannot.
                ui.label(_("For the system administrator: {detail}", detail=problem.detail)).classes(
                    "text-body2 text-grey-9").mark("public-url-detail")
        with ui.card().classes("w-full q-mb-md q-gutter-sm"):
            ui.label(_("Add an access point")).classes("text-h6").props('role="heading" aria-level="2"')
            ui.label(_("One for each place the code is put up: a counter, a poster, an issue of the newsletter. "
                       "Scans and submissions are counted for each.")).classes("text-body2")
            with ui.row().classes("items-end q-gutter-md"):
                label = ui.input(_("Where the code is put up"), placeholder="本庁舎1階 市民課窓口").props(
                    "outlined maxlength=100 counter").classes("w-96").mark("new-label")

                async def add() -> None:
                    user = await in_thread(auth.session_user, self.store)
                    if user is None:
                        ui.notify(_("Your session has ended. Sign in again"), type="warning")
                        return
                    try:
                        await in_thread(self.points.create, self.app_id, label.value or "", user.username)
                    except Refused as refused:
                        ui.notify(_(refused.msgid, **refused.params), type="warning")
                        return
                    label.value = ""
                    await self.redraw()

                ui.button(_("Add"), icon="qr_code", on_click=add).props("unelevated").mark("add-access-point")
        self.shown = await in_thread(self.read)
        self.table()

    @ui.refreshable_method
    def table(self) -> None:
        if self.shown is None:
            return  # the server is shutting down
        points = self.shown.points
        if not points:
            ui.label(_("No access point yet.")).classes("text-body1")
            return
        with ui.row().classes("q-gutter-md q-mb-sm items-center"):
            ui.link(_("Print all posters of this app (one PDF)"), f"/apps/{self.app_id}/posters.pdf").props(
                "target=_blank").classes("text-body1").mark("all-posters")
            ui.link(_("All cards (one PDF)"), f"/apps/{self.app_id}/posters.pdf?size=card").props(
                "target=_blank").classes("text-body1")
            self.left_out_warning(self.shown)
        self.chart(self.shown)
        with ui.element("table").classes("mdg-table w-full"):
            with ui.element("thead"), ui.element("tr"):
                for heading in (_("Code"), _("Where"), _("Address on the code"), _("Scans"), _("Submissions"),
                                _("State"), _("Actions")):
                    text_in("th", heading).props('scope="col"').classes("text-left q-pa-sm")
            with ui.element("tbody"):
                for summary in points:
                    self.row(summary)

    def chart(self, shown: Shown) -> None:
        """Scans per day of the last days (city time), one bar series per access point."""
        dates = shown.dates
        series = [{"name": p.point.label, "type": "bar", "stack": "scans",
                   "data": [shown.scans.get((p.point.id, day), 0) for day in dates]} for p in shown.points]
        with ui.card().classes("w-full q-mb-md"):
            ui.label(_("Scans per day, last {days} days", days=len(dates))).classes("text-h6").props(
                'role="heading" aria-level="2"')
            chart = ui.echart({
                "tooltip": {"trigger": "axis"}, "legend": {"type": "scroll"},
                "xAxis": {"type": "category", "data": [f"{d.month}/{d.day}" for d in dates]},
                "yAxis": {"type": "value", "minInterval": 1}, "series": series,
            }).classes("w-full h-64").mark("scan-chart")
            chart.props["role"] = "img"
            chart.props["aria-label"] = _("Bar chart of scans per day; the table below gives each access point's total")

    def preview(self, code: str, label: str) -> None:
        """The poster as it will print, before anyone prints it."""
        with ui.dialog() as dialog, ui.card().classes("q-gutter-sm"):
            ui.label(_("Poster preview: {label}", label=label)).classes("text-h6").props(
                'role="heading" aria-level="2"')
            image = ui.image(f"/apps/{self.app_id}/access/{code}/poster.png").classes("w-96").mark("poster-preview")
            image.props["alt"] = _("Poster for {label}", label=label)
            ui.button(_("Close"), on_click=dialog.close).props("outline")
        dialog.open()

    def left_out_warning(self, shown: Shown) -> None:
        """Characters the poster font lacks (emoji, say) are left out of the posters: say which."""
        if shown.font_missing is not None:
            ui.label(shown.font_missing).classes("text-negative text-body1").props('role="alert"')
        elif shown.left_out:
            ui.label(_("These characters cannot be printed and are left out of the posters: {chars}",
                       chars=" ".join(sorted(shown.left_out)))).classes("text-warning text-body1").mark("left-out")

    def row(self, summary: AccessPointSummary) -> None:
        point = summary.point
        base = f"/apps/{self.app_id}/access/{point.code}"
        with ui.element("tr").mark(f"access-{point.code}"):
            with ui.element("td").classes("q-pa-sm"):
                image = ui.image(f"{base}.svg").classes("w-24")
                image.props["alt"] = _("QR code of {label}", label=point.label)
            text_in("td", point.label).classes("q-pa-sm")
            text_in("td", code_url(self.settings, point.code)).classes("q-pa-sm")
            text_in("td", str(summary.scans)).classes("q-pa-sm text-right")
            text_in("td", str(summary.submissions)).classes("q-pa-sm text-right")
            text_in("td", _("In use") if point.active else _("Disabled")).classes("q-pa-sm")
            with ui.element("td").classes("q-pa-sm"), ui.row().classes("q-gutter-sm"):
                for size in ("small", "medium", "large"):
                    ui.link(_("PNG {size}", size={"small": "3 cm", "medium": "6 cm", "large": "10 cm"}[size]),
                            f"{base}.png?size={size}").props("download")
                ui.link("SVG", f"{base}.svg").props("download")
                ui.link(_("Poster (A4 PDF)"), f"{base}/poster.pdf").props("target=_blank").mark(f"poster-{point.code}")
                ui.link(_("Poster (A4 PNG)"), f"{base}/poster.png").props("download")
                ui.link(_("Card (PDF)"), f"{base}/poster.pdf?size=card").props("target=_blank")
                labelled(ui.button(_("Preview"), on_click=lambda p=point: self.preview(p.code, p.label)).props(
                    "outline"), _("Poster preview: {label}", label=point.label)).mark(f"preview-{point.code}")
                labelled(ui.button(_("Rename"), on_click=lambda p=point: self.rename(p.id, p.label)).props("outline"),
                         _("Rename {label}", label=point.label)).mark(f"rename-{point.code}")
                verb = _("Disable") if point.active else _("Enable")
                labelled(ui.button(verb, on_click=lambda p=point: self.change(p.id, active=not p.active)).props(
                    "outline"), f"{verb}: {point.label}").mark(f"toggle-{point.code}")

    def rename(self, point_id: int, current: str) -> None:
        with ui.dialog() as dialog, ui.card().classes("q-gutter-sm"):
            ui.label(_("Rename the access point")).classes("text-h6").props('role="heading" aria-level="2"')
            name = ui.input(_("Where the code is put up"), value=current).props("outlined maxlength=100").classes(
                "w-96").mark("rename-label")

            async def save() -> None:
                if await self.change(point_id, label=name.value or ""):
                    dialog.close()

            with ui.row():
                ui.button(_("Save"), on_click=save).props("unelevated").mark("rename-save")
                ui.button(_("Cancel"), on_click=dialog.close).props("outline")
        dialog.open()

    async def change(self, point_id: int, *, label: str | None = None, active: bool | None = None) -> bool:
        user = await in_thread(auth.session_user, self.store)
        if user is None:
            ui.notify(_("Your session has ended. Sign in again"), type="warning")
            return False
        try:
            await in_thread(self.points.change, point_id, user.username, label=label, active=active)
        except Refused as refused:
            ui.notify(_(refused.msgid, **refused.params), type="warning")
            return False
        await self.redraw()
        return True


# --- the routes: the page, and its code and poster files ----------------------------------------------


async def page(site: StaffSite, request: Request, user: StaffUser, app_id: int) -> None:
    with frame(request, user, None):
        await AccessPage(site.store, site.settings, app_id).build()


def _point(store: Store, app_id: int, code: str, kind: str, kinds: tuple[str, ...], size: str,
           sizes: Container[str]) -> AccessPoint | Response:
    """The access point a code or poster file is asked for; 404 for another app's code, an unknown code,
    or a kind or size not offered."""
    point = AccessPoints(store).by_code(code)
    if point is None or point.app_id != app_id or kind not in kinds or size not in sizes:
        return Response(status_code=404)
    return point


def code_file(site: StaffSite, request: Request, user: StaffUser, app_id: int, code: str, kind: str,
              size: str = "medium") -> Response:
    """An access point's QR code as PNG (size small, medium or large, for print) or SVG."""
    point = _point(site.store, app_id, code, kind, ("png", "svg"), size, qr.PRINT_SIZES_MM)
    if isinstance(point, Response):
        return point
    url, logo = code_url(site.settings, point.code), qr_logo(site.settings)
    if kind == "svg":
        return _file_response(lambda: qr.svg(url, title=url, logo=logo).encode(), "image/svg+xml",
                              f"madoguchi-{point.code}.svg")
    return _file_response(lambda: qr.print_png(url, size, logo=logo), "image/png",
                          f"madoguchi-{point.code}-{size}.png")


def poster_file(site: StaffSite, request: Request, user: StaffUser, app_id: int, code: str, kind: str,
                size: str = "a4") -> Response:
    point = _point(site.store, app_id, code, kind, ("pdf", "png"), size, posters.SIZES)
    if isinstance(point, Response):
        return point
    [made] = posters_of(site.store, site.settings, point.app_id, [point])
    if kind == "pdf":
        return _file_response(lambda: posters.pdf([made], size), "application/pdf",
                              f"madoguchi-{point.code}-{size}.pdf")
    return _file_response(lambda: posters.png(made, size), "image/png", f"madoguchi-{point.code}-{size}.png")


def all_posters(site: StaffSite, request: Request, user: StaffUser, app_id: int, size: str = "a4") -> Response:
    """Every poster of the app's access points in use, one page each: "print all posters"."""
    points = [p.point for p in AccessPoints(site.store).of_app(app_id) if p.point.active]
    if not points or size not in posters.SIZES:
        return Response(status_code=404)
    return _file_response(lambda: posters.pdf(posters_of(site.store, site.settings, app_id, points), size),
                          "application/pdf", f"madoguchi-posters-{app_id}-{size}.pdf")


def _file_response(make: Callable[[], bytes], media_type: str, filename: str) -> Response:
    """A code or poster file, or a plain message in the staff member's language saying why it cannot be made."""
    try:
        body = make()
    except posters.PosterRefused as refused:
        return PlainTextResponse(_(refused.msgid, **refused.params), status_code=422)
    except posters.FontMissing as missing:
        return PlainTextResponse(str(missing), status_code=503)
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'inline; filename="{filename}"'})
