"""One facility's calendar, by day or by week: each time with its places and bookings.

From here staff book for a resident on the phone or at the counter, move or cancel a booking,
and close a time (the page then lists the residents to call) or open it again. Every action is
done and audited by the store, as the member of staff signed in at that moment.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from nicegui import run, ui

from generated_apps.domain.audit import Audit
from generated_apps.domain.bookings import Bookings, CalendarSlot
from generated_apps.domain.models import Booking, Resource, Slot, StaffUser, is_row_id
from generated_apps.domain.store import Store
from widgets.phone import written_phone

from .. import roles
from ..i18n import _, local_time
from .booking_text import city_date, counts, day_name, entered_by, state, time_span
from .components import labelled, text_in
from .day_sheet import day_sheet
from .frame import frame
from .guard import in_thread

if TYPE_CHECKING:
    from .site import StaffSite

VIEWS = ("day", "week")


# The days a calendar shows: a day far outside them (0001-01-01 from a typed address) has no
# time in the city's zone, and nothing is ever booked there.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def parse_day(text: str | None) -> dt.date | None:
    """The day an address asks for (YYYY-MM-DD), or None when it is not one or is out of range."""
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def slot_id(slot: Slot) -> int:
    """The id of a slot read from the database (only a slot not yet stored has none)."""
    assert slot.id is not None, "a stored slot has its id"
    return slot.id


class CalendarPage:
    def __init__(self, store: Store, bookings: Bookings, resource_id: int, *, time_zone: str,
                 day: dt.date | None = None, view: str = "day") -> None:
        self.store, self.bookings, self.resource_id, self.zone = store, bookings, resource_id, time_zone
        self.day = day or self.today()
        self.view = view if view in VIEWS else "day"
        self.resource: Resource | None = None
        self.items: list[CalendarSlot] = []

    def today(self) -> dt.date:
        return self.store.now().astimezone(ZoneInfo(self.zone)).date()

    def period(self) -> tuple[dt.date, dt.date]:
        if self.view == "day":
            return self.day, self.day
        monday = self.day - dt.timedelta(days=self.day.weekday())
        return monday, monday + dt.timedelta(days=6)

    def fetch(self) -> tuple[Resource | None, list[CalendarSlot]]:
        if not is_row_id(self.resource_id):  # an id typed into the address that no facility can have
            return None, []
        resource = self.bookings.resource(self.resource_id)  # afresh: its settings may have changed
        return resource, [] if resource is None else self.bookings.calendar(resource, *self.period())

    async def build(self) -> None:
        self.resource, self.items = await in_thread(self.fetch) or (None, [])  # None: the server is shutting down
        if self.resource is None:
            ui.label(_("There is no such facility.")).classes("text-h5")
            ui.link(_("All facilities"), "/resources")
            return
        ui.label(_("Calendar: {name}", name=self.resource.name)).classes("text-h4").props(
            'role="heading" aria-level="1"')
        with ui.row().classes("q-gutter-md q-mb-md"):
            ui.link(_("All facilities"), "/resources").classes("text-body1")
            ui.link(_("Settings of {name}", name=self.resource.name), f"/resources?edit={self.resource_id}").classes(
                "text-body1")
        self.dialogs = ui.element("div")  # dialogs live here, so that refreshing the calendar leaves them open
        self.body()

    async def go(self, *, view: str | None = None, day: dt.date | None = None, step: int = 0) -> None:
        self.view = view or self.view
        moved = (day or self.day) + dt.timedelta(days=step * (7 if self.view == "week" else 1))
        if not FIRST_DAY <= moved <= LAST_DAY:
            ui.notify(_("The calendar shows the days from {first} to {last}", first=FIRST_DAY.isoformat(),
                        last=LAST_DAY.isoformat()), type="info")
            return
        self.day = moved
        await self.reload()

    async def reload(self) -> None:
        fetched = await run.io_bound(self.fetch)
        if fetched is not None:
            self.resource, self.items = fetched
            self.body.refresh()

    @ui.refreshable_method
    def body(self) -> None:
        first, last = self.period()
        with ui.row().classes("items-center q-gutter-sm q-mb-md"):
            ui.toggle({"day": _("Day"), "week": _("Week")}, value=self.view,
                      on_change=lambda e: self.go(view=e.value)).mark("view")
            ui.button(_("Previous"), icon="chevron_left", on_click=lambda: self.go(step=-1)).props("outline").mark(
                "previous")
            ui.button(_("Today"), on_click=lambda: self.go(day=self.today())).props("outline").mark("today")
            ui.button(_("Next"), icon="chevron_right", on_click=lambda: self.go(step=1)).props("outline").mark("next")
        with ui.row().classes("items-center q-gutter-md q-mb-sm"):
            period = day_name(first) if first == last else f"{day_name(first)} – {day_name(last)}"
            ui.label(period).classes("text-h5").props('role="heading" aria-level="2"').mark("period")
            if self.view == "day":
                ui.link(_("Print the day sheet"), f"/resources/{self.resource_id}/day-sheet?day={first.isoformat()}",
                        new_tab=True).classes("text-body1").mark("day-sheet")
        if self.view == "day":
            self.day_view()
        else:
            self.week_view(first)

    # --- the two views ----------------------------------------------------------------------------

    def day_view(self) -> None:
        if not self.items:
            ui.label(_("No times on this day.")).classes("text-body1").mark("no-times")
        for item in self.items:
            self.slot_card(item)

    def week_view(self, monday: dt.date) -> None:
        by_day: dict[dt.date, list[CalendarSlot]] = {monday + dt.timedelta(days=n): [] for n in range(7)}
        for item in self.items:
            by_day[city_date(item.view.slot.starts_at, self.zone)].append(item)
        with ui.element("div").classes("row no-wrap q-gutter-sm items-start w-full"):
            for day, items in by_day.items():
                with ui.column().classes("col q-gutter-xs").mark(f"week-{day.isoformat()}"):
                    labelled(ui.button(day_name(day), on_click=lambda d=day: self.go(view="day", day=d)).props(
                        "flat no-caps"), _("Open {day}", day=day_name(day))).mark(f"open-{day.isoformat()}")
                    if not items:
                        ui.label("—").classes("text-body2 text-grey-8")
                    for item in items:
                        self.slot_summary(item)

    def slot_summary(self, item: CalendarSlot) -> None:
        """A slot in the week view: its time, counts and who booked it."""
        view = item.view
        with ui.card().classes("w-full q-pa-sm").mark(f"slot-{view.slot.id}"):
            ui.label(time_span(view.slot, self.zone)).classes("text-weight-bold")
            ui.label(f"{counts(view)} · {state(view)}").classes("text-body2")
            for booking in item.bookings:
                ui.label(f"{booking.reference} {booking.name} {written_phone(booking.phone)} "
                         f"({entered_by(booking)})").classes("text-caption")

    def slot_card(self, item: CalendarSlot) -> None:
        view, slot = item.view, item.view.slot
        when = f"{day_name(self.day)} {time_span(slot, self.zone)}"
        with ui.card().classes("w-full q-mb-md").mark(f"slot-{slot.id}"):
            with ui.row().classes("items-center q-gutter-md w-full"):
                ui.label(time_span(slot, self.zone)).classes("text-h6").props('role="heading" aria-level="3"')
                ui.label(counts(view)).classes("text-body1")
                colour = "grey-8" if slot.closed else "red-10" if view.left == 0 else "green-9"
                ui.badge(state(view), color=colour).classes("text-body2").mark(f"state-{slot.id}")
                ui.space()
                if slot.closed:
                    labelled(ui.button(_("Reopen"), icon="lock_open", on_click=lambda: self.reopen(slot)).props(
                        "outline"), _("Reopen {when}", when=when)).mark(f"reopen-{slot.id}")
                else:
                    labelled(ui.button(_("Book for a resident"), icon="person_add",
                                       on_click=lambda: self.book_dialog(slot, when)).props("unelevated"),
                             _("Book {when} for a resident", when=when)).mark(f"book-{slot.id}")
                    labelled(ui.button(_("Close this time"), icon="block", on_click=lambda: self.close(slot)).props(
                        "outline color=negative"), _("Close {when}", when=when)).mark(f"close-{slot.id}")
            if slot.closed and item.bookings:
                ui.label(_("Closed: call these residents, then move or cancel their bookings.")).classes(
                    "text-body1 text-negative")
            if not item.bookings:
                ui.label(_("No bookings yet.")).classes("text-body2 text-grey-8")
                return
            with ui.element("table").classes("mdg-table w-full"):
                with ui.element("thead"), ui.element("tr"):
                    for heading in (_("Reference number"), _("Name"), _("Phone"), _("Entered by"), _("Actions")):
                        text_in("th", heading).props('scope="col"').classes("text-left q-pa-sm")
                with ui.element("tbody"):
                    for booking in item.bookings:
                        self.booking_row(booking, slot)

    def booking_row(self, booking: Booking, slot: Slot) -> None:
        with ui.element("tr").mark(f"booking-{booking.reference}"):
            text_in("td", booking.reference).classes("q-pa-sm text-weight-medium")
            text_in("td", booking.name).classes("q-pa-sm")
            text_in("td", written_phone(booking.phone)).classes("q-pa-sm")
            text_in("td", entered_by(booking)).classes("q-pa-sm")
            with ui.element("td").classes("q-pa-sm"), ui.row().classes("q-gutter-sm no-wrap"):
                labelled(ui.button(_("Move"), on_click=lambda: self.move_dialog(booking, slot)).props("outline"),
                         _("Move the booking {reference}", reference=booking.reference)).mark(
                    f"move-{booking.reference}")
                labelled(ui.button(_("Cancel"), on_click=lambda: self.cancel_dialog(booking)).props(
                    "outline color=negative"), _("Cancel the booking {reference}", reference=booking.reference)).mark(
                    f"cancel-{booking.reference}")

    # --- actions ----------------------------------------------------------------------------------

    def book_dialog(self, slot: Slot, when: str) -> None:
        with self.dialogs, ui.dialog() as dialog, ui.card().classes("q-gutter-sm"):
            ui.label(_("Book for a resident: {when}", when=when)).classes("text-h6").props(
                'role="heading" aria-level="2"')
            name = ui.input(_("Name")).props("outlined maxlength=200").classes("w-80").mark("booking-name")
            phone = ui.input(_("Phone number")).props("outlined type=tel maxlength=20").classes("w-80").mark(
                "booking-phone")

            async def save() -> None:
                booking = await roles.as_staff(self.store, lambda by: self.bookings.book(
                    slot_id(slot), name.value or "", phone.value or "", by=by))
                if booking is not None:
                    dialog.close()
                    ui.notify(_("Booked. Reference number {reference}", reference=booking.reference), type="positive")
                    await self.reload()

            with ui.row():
                ui.button(_("Book"), on_click=save).props("unelevated").mark("booking-save")
                ui.button(_("Back"), on_click=dialog.close).props("outline")
        dialog.open()

    async def move_dialog(self, booking: Booking, slot: Slot) -> None:
        with self.dialogs, ui.dialog() as dialog, ui.card().classes("q-gutter-sm"):
            ui.label(_("Move the booking {reference} ({name})", reference=booking.reference,
                       name=booking.name)).classes("text-h6").props('role="heading" aria-level="2"')
            day = ui.input(_("Date"), value=city_date(slot.starts_at, self.zone).isoformat()).props(
                "outlined type=date").mark("move-day")
            to = ui.select({}, label=_("New time")).props("outlined").classes("w-80").mark("move-to")
            none_left = ui.label(_("No time on this day has a place left. Choose another day.")).classes(
                "text-body1").mark("no-time-left")

            async def times() -> None:
                """The day's open times with a place left, other than the booking's own."""
                chosen, resource = parse_day(day.value), self.resource
                found: list[CalendarSlot] = []
                if chosen and resource:  # None from io_bound: the server is shutting down
                    found = await run.io_bound(self.bookings.calendar, resource, chosen, chosen) or []
                to.set_options({i.view.slot.id: f"{time_span(i.view.slot, self.zone)} ({state(i.view)})"
                                for i in found if i.view.slot.id != slot.id and not i.view.slot.closed
                                and i.view.left > 0}, value=None)
                none_left.visible = not to.options

            day.on_value_change(times)

            async def save() -> None:
                if to.value is None:
                    ui.notify(_("Choose the new time"), type="warning")
                    return
                moved = await roles.as_staff(self.store, lambda by: self.bookings.move(booking.reference, to.value, by))
                if moved is not None:
                    dialog.close()
                    ui.notify(_("Moved: {reference}", reference=booking.reference), type="positive")
                    await self.reload()

            with ui.row():
                ui.button(_("Move"), on_click=save).props("unelevated").mark("move-save")
                ui.button(_("Back"), on_click=dialog.close).props("outline")
        dialog.open()
        await times()

    def cancel_dialog(self, booking: Booking) -> None:
        with self.dialogs, ui.dialog() as dialog, ui.card().classes("q-gutter-sm"):
            ui.label(_("Cancel the booking {reference} of {name}?", reference=booking.reference, name=booking.name)
                     ).classes("text-h6").props('role="heading" aria-level="2"')
            ui.label(_("The place is free for others at once. This cannot be undone.")).classes("text-body1")

            async def cancel() -> None:
                done = await roles.as_staff(self.store, lambda by: self.bookings.cancel(booking.reference, "", by=by))
                dialog.close()
                if done is not None:
                    ui.notify(_("Cancelled: {reference}", reference=booking.reference), type="positive")
                await self.reload()

            with ui.row():
                ui.button(_("Cancel the booking"), on_click=cancel).props("unelevated color=negative").mark(
                    "cancel-confirm")
                ui.button(_("Keep it"), on_click=dialog.close).props("outline")
        dialog.open()

    async def close(self, slot: Slot) -> None:
        to_call = await roles.as_staff(self.store, lambda by: self.bookings.close_slot(slot_id(slot), by))
        if to_call is None:
            return
        await self.reload()
        if not to_call:
            ui.notify(_("Closed. Nobody had booked this time."), type="positive")
            return
        with self.dialogs, ui.dialog() as dialog, ui.card().classes("q-gutter-sm").mark("to-call"):
            ui.label(_("Closed. Call these residents")).classes("text-h6").props('role="heading" aria-level="2"')
            ui.label(_("Their bookings are kept until you move or cancel them.")).classes("text-body1")
            with ui.element("table").classes("mdg-table w-full"):
                with ui.element("thead"), ui.element("tr"):
                    for heading in (_("Name"), _("Phone"), _("Reference number")):
                        text_in("th", heading).props('scope="col"').classes("text-left q-pa-sm")
                with ui.element("tbody"):
                    for booking in to_call:
                        with ui.element("tr"):
                            text_in("td", booking.name).classes("q-pa-sm")
                            text_in("td", written_phone(booking.phone)).classes("q-pa-sm text-h6")
                            text_in("td", booking.reference).classes("q-pa-sm")
            ui.button(_("Close"), on_click=dialog.close).props("outline")
        dialog.open()

    async def reopen(self, slot: Slot) -> None:
        if await roles.as_staff(self.store, lambda by: self.bookings.reopen_slot(slot_id(slot), by)) is not None:
            ui.notify(_("Open for bookings again"), type="positive")
            await self.reload()


# --- the routes: the calendar, and its printable day sheet ---------------------------------------------


async def page(site: StaffSite, request: Request, user: StaffUser, resource_id: int, day: str | None = None,
               view: str = "day") -> None:
    # The calendar names who booked: opening it is recorded like an export.
    await in_thread(Audit(site.store).record, user.username, "bookings.calendar", target=str(resource_id))
    with frame(request, user, None):
        await CalendarPage(site.store, site.bookings, resource_id, time_zone=site.settings.time_zone,
                           day=parse_day(day), view=view).build()


def sheet(site: StaffSite, request: Request, user: StaffUser, resource_id: int, day: str | None = None) -> Response:
    store, zone = site.store, site.settings.time_zone
    resource = site.bookings.resource(resource_id)
    now = store.now()
    chosen = parse_day(day) if day else now.astimezone(ZoneInfo(zone)).date()
    if resource is None or chosen is None:
        return Response(status_code=404)
    slots = site.bookings.calendar(resource, chosen, chosen)
    # Residents' names and phone numbers leave the system on paper: recorded like an export.
    Audit(store).record(user.username, "booking.day_sheet", target=f"{resource.name} {chosen.isoformat()}",
                detail={"resource_id": resource_id, "day": chosen.isoformat()})
    page = day_sheet(resource, chosen, slots, printed=local_time(now, zone), zone=zone)
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})
