"""The facilities residents book by the time slot: the list, adding one, and changing its settings.

Any member of staff may: counter staff look after the facilities. A change the store refuses
because of bookings already taken is shown on the page with those bookings, for staff to call
the residents and move or cancel them first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Request
from nicegui import ui

from generated_apps.domain.booking_rules import WEEKDAYS
from generated_apps.domain.bookings import Bookings
from generated_apps.domain.errors import BookingRefused, Refused
from generated_apps.domain.models import Resource, StaffUser, is_row_id
from generated_apps.domain.store import Store
from widgets.phone import written_phone

from .. import roles
from ..i18n import _
from .booking_text import REASONS, WEEKDAY_SHORT, city_date, clock, day_name, refusal
from .components import labelled, text_in
from .frame import frame
from .guard import in_thread
from .resource_form import ResourceForm

if TYPE_CHECKING:
    from .site import StaffSite


class ResourcesPage:
    def __init__(self, store: Store, bookings: Bookings, *, time_zone: str, edit: int | None = None) -> None:
        self.store, self.bookings, self.zone = store, bookings, time_zone
        self.edit_first = edit if edit is not None and is_row_id(edit) else None
        self.editing: Resource | None = None
        self.adding = False
        self.refused: Refused | None = None

    async def build(self) -> None:
        if self.edit_first is not None:
            self.editing = await in_thread(self.bookings.resource, self.edit_first)
        ui.label(_("Facilities residents book by the time. Open a facility's calendar to book for a resident, "
                   "move or cancel a booking, or close a time.")).classes("text-body1 q-mb-md")
        ui.button(_("Add a facility"), icon="add", on_click=self.add).props("unelevated").mark("add-resource")
        await self.table()
        self.form_area()

    @ui.refreshable_method
    async def table(self) -> None:
        resources = await in_thread(self.bookings.resources) or []
        if not resources:
            ui.label(_("No facility yet.")).classes("text-body1 q-my-md").mark("no-resources")
            return
        with ui.element("table").classes("mdg-table w-full q-my-md"):
            with ui.element("thead"), ui.element("tr"):
                for heading in (_("Facility number"), _("Facility"), _("Times each week"), _("Booking rules"),
                                _("State"), _("Actions")):
                    text_in("th", heading).props('scope="col"').classes("text-left q-pa-sm")
            with ui.element("tbody"):
                for resource in resources:
                    self.row(resource)

    def row(self, resource: Resource) -> None:
        times = ", ".join(f"{_(WEEKDAY_SHORT[day])} {len(resource.schedule[day])}" for day in WEEKDAYS
                          if resource.schedule.get(day))
        rules = _("Up to {days} days ahead, until {hours} hours before", days=resource.days_ahead,
                  hours=resource.hours_before)
        if resource.monthly_limit is not None:
            rules += " · " + _("{limit} a month per phone number", limit=resource.monthly_limit)
        with ui.element("tr").mark(f"resource-{resource.id}"):
            # The number a slot picker names in an app (its "Facility number" property).
            text_in("td", str(resource.id)).classes("q-pa-sm text-weight-bold")
            text_in("td", resource.name).classes("q-pa-sm text-weight-medium")
            text_in("td", times or "—").classes("q-pa-sm")
            text_in("td", rules).classes("q-pa-sm")
            text_in("td", _("Taking bookings") if resource.active else _("Not taking bookings")).classes("q-pa-sm")
            with ui.element("td").classes("q-pa-sm"), ui.row().classes("q-gutter-sm no-wrap"):
                labelled(ui.link(_("Calendar"), f"/resources/{resource.id}/calendar"),
                         _("Calendar of {name}", name=resource.name)).classes("text-body1 q-pt-xs text-no-wrap").mark(
                    f"calendar-{resource.id}")
                labelled(ui.button(_("Edit"), on_click=lambda r=resource: self.edit(r.id)).props("outline no-wrap"),
                         _("Edit {title}", title=resource.name)).mark(f"edit-{resource.id}")

    def add(self) -> None:
        self.editing, self.adding, self.refused = None, True, None
        self.form_area.refresh()

    async def edit(self, resource_id: int) -> None:
        self.editing, self.adding, self.refused = await in_thread(self.bookings.resource, resource_id), False, None
        self.form_area.refresh()

    def close(self) -> None:
        self.editing, self.adding, self.refused = None, False, None
        self.form_area.refresh()

    @ui.refreshable_method
    def form_area(self) -> None:
        if self.editing is None and not self.adding:
            return
        with ui.card().classes("w-full q-gutter-sm").mark("resource-form"):
            # (editing is None just when adding)
            title = _("Add a facility") if self.editing is None else _("Settings of {name}", name=self.editing.name)
            ui.label(title).classes("text-h5").props('role="heading" aria-level="2"')
            self.form = ResourceForm(self.editing)
            self.form.build()
            self.refusal()
            with ui.row().classes("q-gutter-md q-mt-md"):
                ui.button(_("Save"), icon="save", on_click=self.save).props("unelevated size=lg").mark("save-resource")
                ui.button(_("Cancel"), on_click=self.close).props("outline size=lg")

    async def save(self) -> None:
        values = self.form.values()
        editing = self.editing
        self.refused = None
        if editing is None:
            saved = await roles.as_staff(self.store, lambda by: self.create(values, by), on_refused=self.show_refusal)
        else:
            resource_id = editing.id
            assert resource_id is not None  # read from the database
            saved = await roles.as_staff(self.store,
                                         lambda by: self.bookings.update_resource(resource_id, by, **values),
                                         on_refused=self.show_refusal)
        if saved is None:
            return
        ui.notify(_("Saved: {name}", name=saved.name), type="positive")
        self.close()
        await self.table.refresh()

    def create(self, values: dict[str, Any], by: str) -> Resource:
        settings = dict(values)
        return self.bookings.create_resource(settings.pop("name"), settings.pop("schedule"), by, **settings)

    def show_refusal(self, refused: Refused) -> None:
        self.refused = refused
        self.refusal.refresh()

    @ui.refreshable_method
    def refusal(self) -> None:
        """Why the store refused the last save, and the bookings in the way (if that was why)."""
        if self.refused is None:
            return
        with ui.card().classes("w-full bg-red-1").props('role="alert"').mark("refusal"):
            ui.label(_("Not saved")).classes("text-h6 text-negative")
            ui.label(refusal(self.refused)).classes("text-body1")
            in_the_way = self.refused.bookings if isinstance(self.refused, BookingRefused) else ()
            if not in_the_way:
                return
            assert self.editing is not None  # only a change to a facility has bookings in its way
            resource_id = self.editing.id
            ui.label(_("Call these residents, then move or cancel their bookings in the calendar:")).classes(
                "text-body1")
            with ui.element("table").classes("mdg-table w-full bg-white").mark("affected-bookings"):
                with ui.element("thead"), ui.element("tr"):
                    for heading in (_("Time"), _("Reference number"), _("Name"), _("Phone"), _("Why")):
                        text_in("th", heading).props('scope="col"').classes("text-left q-pa-sm")
                with ui.element("tbody"):
                    for booking in in_the_way:
                        day = city_date(booking.starts_at, self.zone)
                        with ui.element("tr"):
                            with ui.element("td").classes("q-pa-sm"):
                                ui.link(f"{day_name(day)} {clock(booking.starts_at, self.zone)}–"
                                        f"{clock(booking.ends_at, self.zone)}",
                                        f"/resources/{resource_id}/calendar?day={day.isoformat()}")
                            text_in("td", booking.reference).classes("q-pa-sm")
                            text_in("td", booking.name).classes("q-pa-sm")
                            text_in("td", written_phone(booking.phone)).classes("q-pa-sm")
                            text_in("td", _(REASONS[booking.reason])).classes("q-pa-sm")


# --- the route ----------------------------------------------------------------------------------------


async def page(site: StaffSite, request: Request, user: StaffUser, edit: int | None = None) -> None:
    with frame(request, user, _("Facility bookings")):
        await ResourcesPage(site.store, site.bookings, time_zone=site.settings.time_zone, edit=edit).build()
