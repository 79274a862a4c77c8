"""The audit log for admins: filtered, paged on the server, newest first; and its CSV export.

The log is append-only (database triggers refuse UPDATE and DELETE); nothing here can change it.
Exporting it is itself recorded. Every page of it is asked for as an admin, checked again then.

The log only grows: the page is sent with its filters and a loading state, and the lines (their count,
the actions to filter by) are read in a thread once the browser has connected, so that a long log never
outlasts NiceGUI's page-build limit (3 s) nor stalls the other staff while it is read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import StreamingResponse
from nicegui import ui

from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit, AuditFilter
from generated_apps.domain.exports import neutralise
from generated_apps.domain.models import AuditEvent, StaffUser, as_utc, is_row_id
from generated_apps.domain.store import Store

from .. import roles
from ..i18n import _, local_time
from .components import loading, said_if_it_fails, text_in
from .frame import frame
from .guard import in_thread

if TYPE_CHECKING:
    from .site import StaffSite

PAGE_SIZE = 50
CSV_COLUMNS = ("id", "at_utc", "at_local", "actor", "action", "app_id", "target", "detail")


def day_range(since: str | None, until: str | None, zone: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Dates typed in the city's zone (YYYY-MM-DD, both days included) as UTC bounds; unreadable ones are ignored."""
    def start_of(day: str | None, extra: int) -> dt.datetime | None:
        try:
            date = dt.date.fromisoformat(day or "")
        except ValueError:
            return None
        if not 1970 <= date.year <= 2999:  # the log has nothing else; year 1 or 9999 overflow in UTC
            return None
        return dt.datetime.combine(date + dt.timedelta(days=extra), dt.time(), tzinfo=ZoneInfo(zone))
    return start_of(since, 0), start_of(until, 1)


def csv_lines(store: Store, where: AuditFilter, zone: str) -> Iterator[bytes]:
    """The matching lines as CSV in UTF-8 with a BOM (so that Excel in Japan reads it), batch by batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    writer.writerow(CSV_COLUMNS)
    for batch in Audit(store).batches(where):
        for event in batch:
            writer.writerow([event.id, as_utc(event.at).isoformat(), local_time(event.at, zone, seconds=True),
                             neutralise(event.actor), event.action, event.app_id or "", neutralise(event.target or ""),
                             neutralise(json.dumps(event.detail, ensure_ascii=False, sort_keys=True))])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue().encode()


@dataclass
class Filters:
    """What the admin chose to see, as the filters hold it (and the CSV link carries it)."""

    action: str | None = None
    actor: str = ""
    app_id: int | None = None
    since: str = ""
    until: str = ""


class AuditPage:
    def __init__(self, store: Store, *, time_zone: str) -> None:
        self.store, self.zone = store, time_zone
        self.log = Audit(store)
        self.apps = Apps(store)
        self.filters = Filters()
        self.offset = 0
        self.loads = 0  # tables asked for so far: only the latest one is shown

    def where(self) -> AuditFilter:
        since, until = day_range(self.filters.since, self.filters.until, self.zone)
        return AuditFilter(action=self.filters.action, actor=(self.filters.actor or "").strip() or None,
                           app_id=self.filters.app_id, since=since, until=until)

    def build(self) -> None:
        with ui.row().classes("items-end q-gutter-md q-mb-md"):
            # Its choices (every action ever logged) are read with the table, after the page is sent.
            self.actions = ui.select({None: _("All actions")}, value=None, label=_("Action"),
                                     on_change=lambda e: self.set("action", e.value)).props("outlined").classes(
                "w-56").mark("filter-action")
            ui.input(_("Who (user name)"), on_change=lambda e: self.set("actor", e.value)).props(
                "outlined debounce=300").mark("filter-actor")
            # Its choices too: the apps, by address (not Apps.summaries(): it counts every submission).
            self.app_choice = ui.select({None: _("All apps")}, value=None, label=_("App"),
                                        on_change=lambda e: self.set("app_id", e.value)).props("outlined").classes(
                "w-56").mark("filter-app")
            ui.input(_("From (date)"), on_change=lambda e: self.set("since", e.value)).props(
                "outlined type=date").mark("filter-since")
            ui.input(_("To (date)"), on_change=lambda e: self.set("until", e.value)).props(
                "outlined type=date").mark("filter-until")
            self.download = ui.link(_("Download as CSV"), self.csv_url()).classes("text-body1").mark("audit-csv")
        self.box = ui.column().classes("w-full")
        with self.box:
            loading(_("Loading the audit log…"), "audit-loading")
        ui.timer(0, self.start, once=True)  # NiceGUI runs a timer once the browser has connected

    async def start(self) -> None:
        # None: the server is shutting down
        actions, apps = await in_thread(lambda: (self.log.actions(), self.apps.all())) or ([], [])
        self.actions.set_options({None: _("All actions"), **{a: a for a in actions}}, value=self.actions.value)
        self.app_choice.set_options({None: _("All apps"), **{a.id: a.slug for a in apps}}, value=self.app_choice.value)
        await self.load()

    async def set(self, name: str, value: object) -> None:
        setattr(self.filters, name, value)
        self.offset = 0
        self.download.props["href"] = self.csv_url()
        self.download.update()
        await self.load()

    def csv_url(self) -> str:
        from urllib.parse import urlencode

        query = {k: v for k, v in asdict(self.filters).items() if v not in (None, "")}
        return "/audit.csv" + (f"?{urlencode(query)}" if query else "")

    async def load(self) -> None:
        try:  # a page left open by an admin since demoted, deactivated or signed out shows nothing more
            await in_thread(roles.require_admin, self.store, "audit.read")
        except roles.NotAllowed as refused:
            self.box.clear()
            with self.box:
                ui.label(_(refused.msgid)).classes("text-body1").props('role="alert"')
            return
        self.loads += 1
        this_load = self.loads
        with said_if_it_fails(self.box):
            found = await in_thread(self.log.page, self.where(), offset=self.offset, limit=PAGE_SIZE)
        if found is None or this_load != self.loads:
            return  # a newer filter or page was asked for meanwhile: its table is the one to show
        self.box.clear()
        with self.box:
            self.table(*found)

    def table(self, events: list[AuditEvent], total: int) -> None:
        ui.label(_("{total} entries", total=total)).classes("text-body1").props('role="status"').mark("audit-total")
        with ui.element("table").classes("mdg-table w-full"):
            with ui.element("thead"), ui.element("tr"):
                for heading in (_("When ({zone})", zone=self.zone), _("Who"), _("Action"), _("App"), _("Target"),
                                _("Details")):
                    text_in("th", heading).props('scope="col"').classes("text-left q-pa-sm")
            with ui.element("tbody"):
                for event in events:
                    self.row(event)
        with ui.row().classes("q-gutter-md q-mt-md items-center"):
            ui.button(_("Newer"), on_click=lambda: self.page(-PAGE_SIZE)).props("outline").set_enabled(self.offset > 0)
            ui.label(_("{first}–{last} of {total}", first=min(self.offset + 1, total),
                       last=min(self.offset + PAGE_SIZE, total), total=total)).classes("text-body1")
            ui.button(_("Older"), on_click=lambda: self.page(PAGE_SIZE)).props("outline").set_enabled(
                self.offset + PAGE_SIZE < total)

    def row(self, event: AuditEvent) -> None:
        with ui.element("tr").mark("audit-row"):
            text_in("td", local_time(event.at, self.zone, seconds=True)).classes("q-pa-sm")
            text_in("td", event.actor).classes("q-pa-sm")
            text_in("td", event.action).classes("q-pa-sm")
            text_in("td", str(event.app_id or "")).classes("q-pa-sm")
            text_in("td", event.target or "").classes("q-pa-sm")
            text_in("td", json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else "").classes(
                "q-pa-sm text-caption")

    async def page(self, step: int) -> None:
        self.offset = max(0, self.offset + step)
        await self.load()


# --- the routes ---------------------------------------------------------------------------------------


def page(site: StaffSite, request: Request, user: StaffUser) -> None:
    with frame(request, user, _("Audit log")):
        AuditPage(site.store, time_zone=site.settings.time_zone).build()


def csv_file(site: StaffSite, request: Request, user: StaffUser, action: str | None = None, actor: str | None = None,
             app_id: int | None = None, since: str | None = None, until: str | None = None) -> StreamingResponse:
    store, zone = site.store, site.settings.time_zone
    first, last = day_range(since, until, zone)
    if app_id is not None and not is_row_id(app_id):
        app_id = 0  # typed into the address: the id of no app, whose log is empty (not an OverflowError)
    where = AuditFilter(action=action or None, actor=actor or None, app_id=app_id, since=first, until=last)
    Audit(store).record(user.username, "audit.export", detail={k: v for k, v in request.query_params.items()})
    stamp = dt.datetime.now(ZoneInfo(zone)).strftime("%Y%m%d-%H%M")
    return StreamingResponse(csv_lines(store, where, zone), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="madoguchi-audit-{stamp}.csv"'})
