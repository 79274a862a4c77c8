"""The submissions of one app, as staff work through them: a table paged, sorted and filtered on the
server (quick at a million rows), search, and exports made in the background with their progress.

Any signed-in member of staff may read submissions (roles.py). Every read of the table goes through
`run.io_bound`: a slow query must never stall the other staff connected to the builder. The page is sent
with its title and filters only; what grows with the table (the count, the rows, the retention note) is
read once the browser has connected, so that a million submissions never outlast NiceGUI's page-build
limit (3 s).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import FileResponse, Response
from nicegui import run, ui
from starlette.background import BackgroundTask

from generated_apps.domain import exports
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.config import Settings
from generated_apps.domain.i18n import Translator
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import StaffUser, Submission
from generated_apps.domain.retention import Retention, describe
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import (
    STATUS_NAMES,
    STATUSES,
    SubmissionFilter,
    SubmissionPage,
    Submissions,
)
from widgets import N_, AppSpec, Question

from .. import auth
from ..i18n import _, local_time, staff_lang
from .calendar import FIRST_DAY, LAST_DAY, parse_day
from .components import damaged_notice, draft_title, labelled, loading, no_such_app, said_if_it_fails, text_in
from .export_files import ExportFile, ExportFiles
from .frame import frame

if TYPE_CHECKING:
    from .site import StaffSite

PAGE_SIZE = 50
SORTABLE = {"reference": N_("Reference number"), "created_at": N_("Received at"), "status": N_("Status")}
PREVIEW_ANSWERS = 2  # the first questions' answers shown in each row
STATUS_COLOURS = {"received": "blue-9", "in_progress": "orange-10", "answered": "green-9", "closed": "grey-8"}


def grouped(number: int) -> str:
    return f"{number:,}"  # 1,000,000: the same in Japanese and English


def short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def latest_spec(store: Store, app_id: int) -> AppSpec | None:
    """The spec of the newest published version: its questions are what the filters offer."""
    versions = [v for v in Apps(store).versions(app_id) if v.cancelled_at is None]
    if not versions:
        return None
    newest = max(versions, key=lambda v: v.number)
    assert newest.id is not None  # read from the database
    return LiveApps(store).version_spec(newest.id)


class SubmissionsPage:
    def __init__(self, store: Store, settings: Settings, app_id: int, files: ExportFiles, *, viewer: str) -> None:
        self.store, self.settings, self.app_id, self.files, self.viewer = store, settings, app_id, files, viewer
        self.zone = settings.time_zone
        self.submissions = Submissions(store, settings.time_zone)
        self.filters: dict[str, Any] = {"search": "", "status": None, "access_point": None, "version": None,
                                        "assigned_to": None, "since": "", "until": "", "answer_key": None,
                                        "answer": ""}
        self.sort, self.descending, self.offset = "created_at", True, 0
        self.specs: dict[int, AppSpec] = {}
        self.loads = 0  # tables asked for so far: only the latest one is shown

    # --- the page ------------------------------------------------------------------------------

    async def build(self) -> None:
        app = await run.io_bound(Apps(self.store).by_id, self.app_id)
        if app is None:
            no_such_app()
            return
        # Reading personal data is recorded like changing it: who opened which app's submissions.
        await run.io_bound(Audit(self.store).record, self.viewer, "submissions.list", app_id=self.app_id)
        spec = await run.io_bound(latest_spec, self.store, self.app_id)
        choices = await run.io_bound(self.choices)  # small tables: quick
        if choices is None:
            return  # None from run.io_bound: the server is shutting down
        self.points, self.numbers, self.staff = choices
        lang = staff_lang()
        title, damaged = draft_title(app, lang)
        ui.label(_("Submissions: {title}", title=title)).classes("text-h4 q-mb-sm").props(
            'role="heading" aria-level="1"')
        if damaged:  # what was sent is read with the published versions, which are intact
            damaged_notice(self.app_id)
        with ui.row().classes("q-gutter-md q-mb-md items-center"):
            ui.link(_("Edit the app"), f"/apps/{self.app_id}")
            ui.link(_("Charts"), f"/apps/{self.app_id}/charts")
            if spec is not None:
                ui.link(_("Enter a form for a resident (counter)"), f"/counter/{self.app_id}").mark("counter-link")
        if spec is None:
            ui.label(_("This app has not been published yet, so nothing has been sent.")).classes("text-body1")
            return
        self.spec: AppSpec = spec  # the newest published version's: the filters and the table read it
        self.retention = ui.column().classes("q-gap-none q-mb-md").mark("retention")
        self.filter_row()
        self.box = ui.column().classes("w-full")
        with self.box:
            loading(_("Loading the submissions…"), "submissions-loading")
        # The page is sent here; what takes longer the more submissions there are follows over the websocket.
        await ui.context.client.connected()
        await self.retention_note()
        await self.load()

    async def retention_note(self) -> None:
        """What the next purge will delete, and when the next submission reaches the end of its period."""
        plans = await run.io_bound(Retention(self.store).plan, self.app_id)
        if not plans:  # none for an app kept for ever; None while the server shuts down
            return
        with self.retention:
            for msgid, params in describe(plans[0]):
                shown = {k: local_time(v, self.zone) if isinstance(v, dt.datetime) else v for k, v in params.items()}
                ui.label(_(msgid, **shown)).classes("text-body1")

    def choices(self) -> tuple[dict[str, str], dict[int, int], dict[str, str]]:
        """What the filters offer, read once: access points, version numbers by id, staff by user name."""
        points = self.submissions.access_point_labels(self.app_id)
        numbers = {v.id: v.number for v in Apps(self.store).versions(self.app_id)
                   if v.cancelled_at is None and v.id is not None}  # (read from the database: every id is set)
        staff = {u.username: u.display_name for u in StaffAccounts(self.store).all()}
        return points, numbers, staff

    def filter_row(self) -> None:
        questions = [q for q in self.spec.questions()]
        lang = staff_lang()
        points, staff = self.points, self.staff
        versions = sorted(set(self.numbers.values()))
        with ui.row().classes("items-end q-gutter-md q-mb-md"):
            labelled(ui.input(_("Search: reference number or words"), on_change=lambda e: self.set("search", e.value))
                     .props("outlined clearable debounce=400").classes("w-72"), _("Search")).mark("search")
            ui.select({None: _("All statuses"), **{s: _(STATUS_NAMES[s]) for s in STATUSES}}, value=None,
                      label=_("Status"), on_change=lambda e: self.set("status", e.value)).props("outlined").classes(
                "w-48").mark("filter-status")
            ui.select({None: _("All access points"), "-": _("None (the app's address)"), **points}, value=None,
                      label=_("Access point"), on_change=lambda e: self.set("access_point", e.value)).props(
                "outlined").classes("w-56").mark("filter-access-point")
            ui.select({None: _("All versions"), **{n: _("Version {number}", number=n) for n in versions}}, value=None,
                      label=_("Version"), on_change=lambda e: self.set("version", e.value)).props("outlined").classes(
                "w-40").mark("filter-version")
            ui.select({None: _("Anyone or nobody"), "-": _("Nobody yet"), **staff}, value=None, label=_("Assigned to"),
                      on_change=lambda e: self.set("assigned_to", e.value)).props("outlined").classes("w-48").mark(
                "filter-assigned")
            ui.input(_("From (date)"), on_change=lambda e: self.set("since", e.value)).props(
                "outlined type=date").mark("filter-since")
            ui.input(_("To (date)"), on_change=lambda e: self.set("until", e.value)).props(
                "outlined type=date").mark("filter-until")
        self.day_problem = ui.label().classes("text-body1 text-negative q-mb-md").props('role="alert"').mark(
            "date-problem")
        self.day_problem.set_visibility(False)
        with ui.row().classes("items-end q-gutter-md q-mb-md"):
            ui.select({None: _("Any question"), **{q.key: short(q.label.text(lang), 30) for q in questions}},
                      value=None, label=_("Question"), on_change=lambda e: self.set("answer_key", e.value)).props(
                "outlined").classes("w-72").mark("filter-question")
            ui.input(_("Answer contains"), on_change=lambda e: self.set("answer", e.value)).props(
                "outlined clearable debounce=400").classes("w-56").mark("filter-answer")
            ui.space()
            ui.button(_("Export…"), icon="download", on_click=self.export_dialog).props("unelevated").mark("export")

    def where(self) -> SubmissionFilter:
        f = self.filters
        return SubmissionFilter(since=parse_day(f["since"]), until=parse_day(f["until"]), status=f["status"],
                                access_point=f["access_point"], version=f["version"], assigned_to=f["assigned_to"],
                                search=(f["search"] or "").strip() or None, answer_key=f["answer_key"],
                                answer=(f["answer"] or "").strip() or None)

    async def set(self, name: str, value: Any) -> None:
        self.filters[name] = value
        self.offset = 0
        if name in ("since", "until"):
            self.tell_day_problem()
        await self.load()

    def tell_day_problem(self) -> None:
        """A date the filter cannot use (a browser's date field takes years 1 to 275760; a day outside the
        city's clock has no time in its zone) is said, and left out of the filter."""
        unused = [text for text in (self.filters["since"], self.filters["until"]) if text and parse_day(text) is None]
        if unused:
            self.day_problem.text = _("Enter a date from {first} to {last}. This one is not used: {day}",
                                      first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat(), day=unused[0])
        self.day_problem.set_visibility(bool(unused))

    async def sort_by(self, column: str) -> None:
        self.descending = not self.descending if self.sort == column else column == "created_at"
        self.sort, self.offset = column, 0
        await self.load()

    async def go(self, offset: int) -> None:
        self.offset = max(0, offset)
        await self.load()

    # --- the table -------------------------------------------------------------------------------

    async def load(self) -> None:
        if auth.session_user(self.store) is None:
            self.box.clear()
            with self.box:
                ui.label(_("Your session has ended. Sign in again")).classes("text-body1")
            return
        self.loads += 1
        this_load = self.loads
        with said_if_it_fails(self.box):
            page = await run.io_bound(self.submissions.page, self.app_id, self.where(), sort=self.sort,
                                      descending=self.descending, offset=self.offset, limit=PAGE_SIZE)
            if page is None:
                return  # None from run.io_bound: the server is shutting down
            for version_id in {row.version_id for row in page.rows} - set(self.specs):
                spec = await run.io_bound(LiveApps(self.store).version_spec, version_id)
                if spec is None:
                    return  # the server is shutting down
                self.specs[version_id] = spec
        if this_load != self.loads:
            return  # a newer search or filter was asked for meanwhile: its table is the one to show
        self.offset = page.offset
        self.box.clear()
        with self.box:
            self.table(page)

    def table(self, page: SubmissionPage) -> None:
        total = page.total
        first, last = (page.offset + 1, page.offset + len(page.rows)) if page.rows else (0, 0)
        ui.label(_("{total} submissions", total=grouped(total))).classes("text-body1").props('role="status"').mark(
            "submissions-total")
        if not page.rows:
            filtered = self.where() != SubmissionFilter()
            ui.label(_("Nothing matches. Change the search or the filters.") if filtered
                     else _("Nothing has been sent yet.")).classes("text-body1").mark("submissions-empty")
            return
        questions = [q for q in self.spec.questions()][:PREVIEW_ANSWERS]
        tr = Translator(staff_lang())
        with ui.element("table").classes("mdg-table w-full"):
            with ui.element("thead"), ui.element("tr"):
                self.sort_heading("reference")
                self.sort_heading("created_at")
                self.sort_heading("status")
                for heading in (_("Access point"), _("Version"), _("Assigned to"), _("Entered by staff")):
                    text_in("th", heading).props('scope="col"').classes("text-left q-pa-sm")
                for q in questions:
                    text_in("th", short(q.label.text(tr.lang), 24)).props('scope="col"').classes("text-left q-pa-sm")
            with ui.element("tbody"):
                for row in page.rows:
                    self.row(row, questions, tr)
        with ui.row().classes("q-gutter-md q-mt-md items-center"):
            ui.button(_("First"), on_click=lambda: self.go(0)).props("outline").set_enabled(page.offset > 0)
            ui.button(_("Previous"), on_click=lambda: self.go(page.offset - PAGE_SIZE)).props("outline").set_enabled(
                page.offset > 0)
            ui.label(_("{first}–{last} of {total}", first=grouped(first), last=grouped(last),
                       total=grouped(total))).classes("text-body1").mark("submissions-range")
            ui.button(_("Next"), on_click=lambda: self.go(page.offset + PAGE_SIZE)).props("outline").set_enabled(
                last < total).mark("next-page")
            ui.button(_("Last"), on_click=lambda: self.go((total - 1) // PAGE_SIZE * PAGE_SIZE)).props(
                "outline").set_enabled(last < total).mark("last-page")

    def sort_heading(self, column: str) -> None:
        with ui.element("th").props('scope="col"').classes("text-left q-pa-sm") as th:
            arrow = ""
            if self.sort == column:
                th.props(f'aria-sort="{"descending" if self.descending else "ascending"}"')
                arrow = " ▼" if self.descending else " ▲"
            labelled(ui.button(_(SORTABLE[column]) + arrow, on_click=lambda: self.sort_by(column)).props(
                "flat dense no-caps"), _("Sort by {column}", column=_(SORTABLE[column]))).mark(f"sort-{column}")

    def row(self, row: Submission, questions: list[Question], tr: Translator) -> None:
        spec = self.specs.get(row.version_id, self.spec)
        with ui.element("tr").mark("submission-row"):
            with ui.element("td").classes("q-pa-sm"):
                ui.link(row.reference, f"/apps/{self.app_id}/submissions/{row.id}").classes(
                    "text-body1 text-weight-medium")
            text_in("td", local_time(row.created_at, self.zone)).classes("q-pa-sm")
            with ui.element("td").classes("q-pa-sm"):
                ui.badge(_(STATUS_NAMES.get(row.status, row.status)), color=STATUS_COLOURS.get(row.status, "grey-8")
                         ).classes("text-body2")
            text_in("td", self.points.get(row.access_point, row.access_point) if row.access_point else "—").classes(
                "q-pa-sm")
            text_in("td", str(self.numbers.get(row.version_id, "?"))).classes("q-pa-sm")
            text_in("td", self.staff.get(row.assigned_to, row.assigned_to) if row.assigned_to else "—").classes(
                "q-pa-sm")
            text_in("td", self.staff.get(row.entered_by, row.entered_by) if row.entered_by else "").classes("q-pa-sm")
            for q in questions:
                asked = spec.question(q.key) or q
                value = row.answers.get(q.key)
                text_in("td", short(asked.display(value, tr)) if value is not None else "").classes("q-pa-sm")

    # --- exports -------------------------------------------------------------------------------

    def export_dialog(self) -> None:
        where = self.where()
        filtered = where != SubmissionFilter()
        with ui.dialog() as dialog, ui.card().classes("q-pa-lg").style("min-width: 28rem"):
            ui.label(_("Export submissions")).classes("text-h5").props('role="heading" aria-level="2"')
            fmt = ui.radio({f: _(exports.FORMAT_NAMES[f]) for f in exports.FORMATS}, value="csv").mark("export-format")
            only = ui.checkbox(_("Only the submissions the filters show"), value=filtered).mark("export-filtered")
            only.set_visibility(filtered)
            ui.label(_("The file holds residents' personal data. Keep it on the office network and delete it when "
                       "you no longer need it. The export is recorded in the audit log.")).classes("text-body2")
            progress = ui.linear_progress(value=0, show_value=False).classes("w-full")
            progress.set_visibility(False)
            status = ui.label().classes("text-body1").props('role="status"').mark("export-status")
            result = ui.column()
            start: ui.button  # declared first: its own click hands it to run_export, which disables it
            with ui.row().classes("q-gutter-md"):
                start = ui.button(_("Make the file"), on_click=lambda: self.run_export(
                    fmt.value, where if only.value else None, progress, status, result, start)).props(
                    "unelevated").mark("export-start")
                ui.button(_("Close"), on_click=dialog.close).props("outline")
        dialog.open()

    async def run_export(self, fmt: str, where: SubmissionFilter | None, progress: ui.linear_progress,
                         status: ui.label, result: ui.column, start: ui.button) -> None:
        user = auth.session_user(self.store)
        if user is None:
            ui.notify(_("Your session has ended. Sign in again"), type="warning")
            return
        start.disable()
        progress.set_visibility(True)
        done = {"rows": 0, "total": 0}

        def tick(rows: int, total: int) -> None:  # called from the export's thread
            done.update(rows=rows, total=total)

        def show() -> None:
            if done["total"]:
                progress.value = done["rows"] / done["total"]
                status.text = _("{rows} of {total} rows written", rows=grouped(done["rows"]),
                                total=grouped(done["total"]))
                if done["rows"] == done["total"]:  # an Excel file is zipped after its last row: that takes a moment
                    status.text += " " + _("Finishing the file…")

        timer = ui.timer(0.5, show)
        suffix = ".json" if fmt == "json" else ".xlsx" if fmt == "xlsx" else ".csv"
        token, path = self.files.new_path(suffix)
        try:
            made = await run.io_bound(exports.export, self.store, self.app_id, fmt, path, by=user.username,
                                      where=where, lang=staff_lang(), time_zone=self.zone, progress=tick)
        except Exception:
            path.unlink(missing_ok=True)
            status.text = _("The file could not be made. Nothing was lost; try again, or ask the system administrator.")
            start.enable()
            raise
        finally:
            timer.cancel()
        if made is None:  # the server is shutting down (run.io_bound gives None then): no file to hand over
            path.unlink(missing_ok=True)
            return
        self.files.add(token, ExportFile(path=path, filename=made.filename, media_type=made.media_type,
                                         username=user.username, made=time.monotonic()))
        progress.value = 1
        status.text = _("{rows} rows written. The file is ready.", rows=grouped(made.rows))
        with result:
            download = ui.button(_("Download {filename}", filename=made.filename), icon="download").props(
                "unelevated no-caps").mark("export-download")
            download.on_click(lambda: self.download(token, download, status))
            if made.unencodable:
                ui.label(_("{cells} cells had characters that Shift_JIS cannot hold; they show as ?. Use the "
                           "UTF-8 CSV or Excel file to keep them.", cells=made.unencodable)).classes(
                    "text-body1 text-negative").props('role="alert"')
        start.enable()

    @staticmethod
    def download(token: str, button: ui.button, status: ui.label) -> None:
        """Hand the file to the browser as a download (the builder stays where it is), once: the server deletes
        it as it is sent, so its button goes rather than lead to a bare "already downloaded" page."""
        ui.download.from_url(f"/exports/{token}")
        button.delete()
        status.text = _("The file is in your browser's downloads. It is no longer kept here: to download it "
                        "again, make it again.")


# --- the routes: the list, and the export files it makes ----------------------------------------------


async def page(site: StaffSite, request: Request, user: StaffUser, app_id: int) -> None:
    with frame(request, user, None, wide=True):
        await SubmissionsPage(site.store, site.settings, app_id, site.files, viewer=user.username).build()


def export_file(site: StaffSite, request: Request, user: StaffUser, token: str) -> Response:
    file = site.files.take(token, user.username)
    if file is None or not file.path.exists():
        return Response(_("This file has already been downloaded or has expired. Make it again."),
                        status_code=404, media_type="text/plain; charset=utf-8")
    # Downloaded once, then deleted: the file holds residents' personal data.
    return FileResponse(file.path, media_type=file.media_type, filename=file.filename,
                        headers={"Cache-Control": "no-store"},
                        background=BackgroundTask(file.path.unlink, missing_ok=True))
