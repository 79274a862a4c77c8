"""The fields of a facility: its name, weekly times with their places, closed days and booking rules.

The form only gathers what staff type: the store checks it (overlapping times, dates, limits) and
says what is wrong, so the rules live in one place.
"""

from __future__ import annotations

import copy
from typing import Any

from nicegui import ui

from generated_apps.domain.booking_rules import WEEKDAYS
from generated_apps.domain.models import Resource

from ..i18n import _
from .booking_text import WEEKDAY_NAMES
from .components import labelled

NEW_TIME = {"start": "09:00", "end": "12:00", "capacity": 10}  # a new row starts as a usual morning


def whole(value: Any) -> Any:
    """A number field's value as an int when it is whole (ui.number gives floats); anything else as typed."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class ResourceForm:
    def __init__(self, resource: Resource | None) -> None:
        self.resource = resource
        start = resource or Resource(name="", schedule={})
        self.schedule: dict[str, list[dict[str, Any]]] = {day: copy.deepcopy(start.schedule.get(day, []))
                                                          for day in WEEKDAYS}
        self.closed_dates: list[str] = list(start.closed_dates)

    def build(self) -> None:
        start = self.resource or Resource(name="", schedule={})
        self.name = ui.input(_("Name of the facility"), value=start.name).props("outlined maxlength=100").classes(
            "w-96").mark("resource-name")
        ui.label(_("Weekly times")).classes("text-h6 q-mt-md").props('role="heading" aria-level="3"')
        ui.label(_("Each time residents can book, with how many places it has.")).classes("text-body2")
        self.week()
        ui.label(_("Closed days")).classes("text-h6 q-mt-md").props('role="heading" aria-level="3"')
        self.holidays_closed = ui.switch(_("Closed on Japanese public holidays"), value=start.holidays_closed).mark(
            "holidays-closed")
        self.closed_days()
        ui.label(_("Booking rules")).classes("text-h6 q-mt-md").props('role="heading" aria-level="3"')
        with ui.row().classes("q-gutter-md items-start"):
            self.days_ahead = ui.number(_("Residents can book up to (days ahead)"), value=start.days_ahead, min=1,
                                        precision=0).props("outlined").classes("w-72").mark("days-ahead")
            self.hours_before = ui.number(_("Booking closes (hours before the start)"), value=start.hours_before,
                                          min=0, precision=0).props("outlined").classes("w-72").mark("hours-before")
            self.monthly_limit = ui.number(_("Monthly limit per phone number"), value=start.monthly_limit, min=1,
                                           precision=0).props("outlined clearable").classes("w-72").mark(
                "monthly-limit")
            self.monthly_limit.props["hint"] = _("Empty: no limit")
        self.active = ui.switch(_("Taking bookings"), value=start.active).mark("active")

    @ui.refreshable_method
    def week(self) -> None:
        with ui.element("div").classes("column q-gutter-sm"):
            for day in WEEKDAYS:
                with ui.row().classes("items-start q-gutter-sm").mark(f"day-{day}"):
                    ui.label(_(WEEKDAY_NAMES[day])).classes("text-body1 text-weight-medium w-28 q-pt-md")
                    with ui.column().classes("q-gutter-xs"):
                        for n, time in enumerate(self.schedule[day]):
                            self.time_row(day, n, time)
                        labelled(ui.button(_("Add a time"), icon="add", on_click=lambda d=day: self.add_time(d)).props(
                            "flat dense"), _("Add a time on {day}", day=_(WEEKDAY_NAMES[day]))).mark(f"add-time-{day}")

    def time_row(self, day: str, n: int, time: dict[str, Any]) -> None:
        name = _(WEEKDAY_NAMES[day])
        with ui.row().classes("items-center q-gutter-sm no-wrap"):
            labelled(ui.input(_("Start time"), value=time.get("start", ""),
                              on_change=lambda e: time.update(start=e.value))
                     .props("outlined dense type=time"), _("{day} time {n}: start", day=name, n=n + 1)).mark(
                f"start-{day}-{n}")
            labelled(ui.input(_("End time"), value=time.get("end", ""), on_change=lambda e: time.update(end=e.value))
                     .props("outlined dense type=time"), _("{day} time {n}: end", day=name, n=n + 1)).mark(
                f"end-{day}-{n}")
            labelled(ui.number(_("Places"), value=time.get("capacity"), min=1, precision=0,
                               on_change=lambda e: time.update(capacity=whole(e.value))).props("outlined dense")
                     .classes("w-28"), _("{day} time {n}: places", day=name, n=n + 1)).mark(f"capacity-{day}-{n}")
            labelled(ui.button(icon="delete", on_click=lambda: self.remove_time(day, n)).props("flat round"),
                     _("Remove {day} time {n}", day=name, n=n + 1)).mark(f"remove-{day}-{n}")

    def add_time(self, day: str) -> None:
        self.schedule[day].append(dict(NEW_TIME))
        self.week.refresh()

    def remove_time(self, day: str, n: int) -> None:
        del self.schedule[day][n]
        self.week.refresh()

    @ui.refreshable_method
    def closed_days(self) -> None:
        with ui.row().classes("items-center q-gutter-sm"):
            for day in self.closed_dates:
                ui.chip(day, removable=True, on_value_change=lambda e, d=day: self.remove_closed(d) if not e.value
                        else None).props("outline").mark(f"closed-{day}")
        with ui.row().classes("items-center q-gutter-sm"):
            self.new_closed = ui.input(_("Another closed day")).props("outlined dense type=date").mark("closed-date")
            ui.button(_("Add the day"), icon="event_busy", on_click=self.add_closed).props("outline").mark(
                "add-closed-date")

    def add_closed(self) -> None:
        day = (self.new_closed.value or "").strip()
        if day and day not in self.closed_dates:
            self.closed_dates = sorted([*self.closed_dates, day])
        self.closed_days.refresh()

    def remove_closed(self, day: str) -> None:
        self.closed_dates = [d for d in self.closed_dates if d != day]
        self.closed_days.refresh()

    def values(self) -> dict[str, Any]:
        """What staff typed, as the store's settings of a facility (checked by the store)."""
        schedule = {day: [{"start": t.get("start") or "", "end": t.get("end") or "",
                           "capacity": whole(t.get("capacity"))}
                          for t in times] for day, times in self.schedule.items() if times}
        limit = whole(self.monthly_limit.value)
        return {"name": self.name.value or "", "schedule": schedule, "closed_dates": list(self.closed_dates),
                "holidays_closed": bool(self.holidays_closed.value), "days_ahead": whole(self.days_ahead.value),
                "hours_before": whole(self.hours_before.value), "monthly_limit": limit,
                "active": bool(self.active.value)}
