"""The staff routes for facility bookings: the facilities, each one's calendar, and its printable day sheet.

Any signed-in member of staff may use them. `staff.register` calls `register` with its own `guard`
(who is signed in, or where to send the browser) and page `frame`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from nicegui import app as nicegui_app
from nicegui import ui

from generated_apps.domain.bookings import Bookings
from generated_apps.domain.config import Settings
from generated_apps.domain.models import StaffUser
from generated_apps.domain.store import Store

from .calendar_page import CalendarPage, parse_day
from .day_sheet import day_sheet
from .i18n import _, local_time
from .resources_page import ResourcesPage


def register(store: Store, settings: Settings, guard: Callable[[Request], StaffUser | Response],
             frame: Callable[..., Any]) -> None:
    bookings = Bookings(store, settings.time_zone)

    @ui.page("/resources", title="Madoguchi")
    def resources(request: Request, edit: int | None = None):
        user = guard(request)
        if isinstance(user, Response):
            return user
        with frame(request, user, _("Facility bookings")):
            ResourcesPage(store, bookings, time_zone=settings.time_zone, edit=edit).build()

    @ui.page("/resources/{resource_id}/calendar", title="Madoguchi")
    def calendar(request: Request, resource_id: int, day: str | None = None, view: str = "day"):
        user = guard(request)
        if isinstance(user, Response):
            return user
        # The calendar names who booked: opening it is recorded like an export.
        store.audit(user.username, "bookings.calendar", target=str(resource_id))
        with frame(request, user, None):
            CalendarPage(store, bookings, resource_id, time_zone=settings.time_zone, day=parse_day(day),
                         view=view).build()

    @nicegui_app.get("/resources/{resource_id}/day-sheet")
    def sheet(request: Request, resource_id: int, day: str | None = None) -> Response:
        user = guard(request)
        if isinstance(user, Response):
            return user
        resource = bookings.resource(resource_id)
        now = store.now()
        chosen = parse_day(day) if day else now.astimezone(ZoneInfo(settings.time_zone)).date()
        if resource is None or chosen is None:
            return Response(status_code=404)
        slots = bookings.calendar(resource, chosen, chosen)
        # Residents' names and phone numbers leave the system on paper: recorded like an export.
        store.audit(user.username, "booking.day_sheet", target=f"{resource.name} {chosen.isoformat()}",
                    detail={"resource_id": resource_id, "day": chosen.isoformat()})
        page = day_sheet(resource, chosen, slots, printed=local_time(now, settings.time_zone), zone=settings.time_zone)
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})
