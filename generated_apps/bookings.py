"""Facility reservations: resources, their slots, and bookings taken and cancelled atomically.

Through the store's engine and clock (`Bookings(store)`), as the store's own part for reservations.
A place is taken by one conditional UPDATE (`booked = booked + 1 WHERE booked < capacity`), never
read-then-write, and the database itself refuses `booked` above `capacity` (a CHECK constraint):
two residents taking the last place at the same moment get one booking and one clear refusal.
Slots are made from each resource's weekly schedule when first needed (an idempotent insert).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from .models import AuditEvent, Booking, Resource, Slot
from .refnum import new_reference
from .store import Refused, Store, as_utc

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class BookingRefused(Refused):
    """A booking or cancellation that cannot be made: `msgid` says why (full, outside the window, …)."""


@dataclass(frozen=True)
class SlotView:
    slot: Slot
    left: int  # places left
    bookable: bool  # inside the window, open, not full


@cache
def japanese_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("JP", years=year, language="ja"))


def schedule_problems(schedule: dict[str, Any]) -> list[str]:
    """What is wrong with a weekly schedule (English msgids), or [] when it will do."""
    problems = []
    for day, times in schedule.items():
        if day not in WEEKDAYS:
            problems.append(f"There is no weekday {day}")
            continue
        spans = []
        for t in times:
            start, end, capacity = t.get("start", ""), t.get("end", ""), t.get("capacity")
            if not (TIME.fullmatch(str(start)) and TIME.fullmatch(str(end))) or start >= end:
                problems.append(f"A time on {day} is not a start before an end (HH:MM)")
            elif not isinstance(capacity, int) or not 1 <= capacity <= 10_000:
                problems.append(f"The capacity of {start} on {day} must be a whole number from 1")
            else:
                spans.append((start, end))
        spans.sort()
        problems += [f"Times overlap on {day}: {a[0]}-{a[1]} and {b[0]}-{b[1]}"
                     for a, b in zip(spans, spans[1:], strict=False) if b[0] < a[1]]
    return problems


class Bookings:
    def __init__(self, store: Store, time_zone: str = "Asia/Tokyo") -> None:
        self.store, self.zone = store, ZoneInfo(time_zone)

    # --- resources ----------------------------------------------------------------------------------

    def create_resource(self, name: str, schedule: dict[str, Any], by: str, **settings: Any) -> Resource:
        name = " ".join(name.split())
        if not name:
            raise BookingRefused("Give the resource a name")
        problems = schedule_problems(schedule)
        if problems:
            raise BookingRefused("The schedule has problems: {problems}", problems="; ".join(problems))
        with self.store.session() as s:
            resource = Resource(name=name, schedule=schedule, **settings)
            s.add(resource)
            s.flush()
            s.add(AuditEvent(actor=by, action="resource.create", target=name, detail={"id": resource.id}))
            s.commit()
            return resource

    def resource(self, resource_id: int) -> Resource | None:
        with self.store.session() as s:
            return s.get(Resource, resource_id)

    # --- slots --------------------------------------------------------------------------------------

    def window(self, resource: Resource) -> tuple[dt.datetime, dt.datetime]:
        """The earliest and the latest start a resident may book now."""
        now = self.store.now()
        return now + dt.timedelta(hours=resource.hours_before), now + dt.timedelta(days=resource.days_ahead)

    def closed_on(self, resource: Resource, day: dt.date) -> bool:
        return day.isoformat() in resource.closed_dates or (
            resource.holidays_closed and day in japanese_holidays(day.year))

    def ensure_slots(self, resource: Resource, first: dt.date, last: dt.date) -> None:
        """Make the slots of the schedule from `first` to `last` (city dates) that do not exist yet."""
        rows = []
        day = first
        while day <= last:
            if not self.closed_on(resource, day):
                for t in resource.schedule.get(WEEKDAYS[day.weekday()], []):
                    start = dt.datetime.combine(day, dt.time.fromisoformat(t["start"]), self.zone)
                    end = dt.datetime.combine(day, dt.time.fromisoformat(t["end"]), self.zone)
                    rows.append({"resource_id": resource.id, "starts_at": start.astimezone(dt.UTC),
                                 "ends_at": end.astimezone(dt.UTC), "capacity": t["capacity"], "booked": 0,
                                 "closed": False})
            day += dt.timedelta(days=1)
        if not rows:
            return
        with self.store.session() as s:
            s.exec(self.store.insert(Slot).values(rows).on_conflict_do_nothing(index_elements=["resource_id", "starts_at"]))
            s.commit()

    def slots(self, resource: Resource, first: dt.date, last: dt.date) -> list[SlotView]:
        """The slots from `first` to `last` (city dates), made when first asked for, with what is left."""
        self.ensure_slots(resource, first, last)
        start = dt.datetime.combine(first, dt.time(), self.zone).astimezone(dt.UTC)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), self.zone).astimezone(dt.UTC)
        earliest, latest = self.window(resource)
        with self.store.session() as s:
            found = list(s.exec(select(Slot).where(Slot.resource_id == resource.id, Slot.starts_at >= start,
                                                   Slot.starts_at < end).order_by(Slot.starts_at)))
        views = []
        for slot in found:
            starts = as_utc(slot.starts_at)
            left = max(slot.capacity - slot.booked, 0)
            views.append(SlotView(slot, left, left > 0 and not slot.closed and earliest <= starts <= latest))
        return views

    # --- booking ------------------------------------------------------------------------------------

    def book(self, slot_id: int, name: str, phone: str, *, by: str | None = None) -> Booking:
        """Take one place in the slot, in one conditional UPDATE. BookingRefused when it is full, closed,
        outside the booking window, or the phone number has booked its monthly limit. `by`: a member
        of staff booking for a resident (audited; the window and the limit do not bind staff)."""
        digits = "".join(ch for ch in phone if ch.isdigit())
        if len(digits) < 10 or not name.strip():
            raise BookingRefused("Give a name and a phone number of 10 or 11 digits")
        for _attempt in range(5):  # again only if the random reference number was taken
            try:
                return self._book(slot_id, name.strip(), digits, by)
            except IntegrityError:
                continue
        raise RuntimeError("could not draw a free reference number")

    def _book(self, slot_id: int, name: str, digits: str, by: str | None) -> Booking:
        with self.store.session() as s:
            slot = s.get(Slot, slot_id)
            resource = s.get(Resource, slot.resource_id) if slot is not None else None
            if slot is None or resource is None or not resource.active:
                raise BookingRefused("That time cannot be booked. Choose another")
            earliest, latest = self.window(resource)
            starts = as_utc(slot.starts_at)
            if by is None and not earliest <= starts <= latest:
                raise BookingRefused("That time is outside the booking period. Choose another")
            taken = s.exec(update(Slot).where(Slot.id == slot_id, Slot.booked < Slot.capacity, Slot.closed.is_(False))
                           .values(booked=Slot.booked + 1))
            if taken.rowcount != 1:
                raise BookingRefused("That time is full. Choose another")
            if resource.monthly_limit is not None and by is None:
                local = starts.astimezone(self.zone)
                month = dt.datetime(local.year, local.month, 1, tzinfo=self.zone)
                following = dt.datetime(local.year + local.month // 12, local.month % 12 + 1, 1, tzinfo=self.zone)
                already = s.exec(select(func.count()).select_from(Booking).join(Slot, Slot.id == Booking.slot_id)
                                 .where(Booking.phone == digits, Booking.status == "booked",
                                        Slot.resource_id == resource.id, Slot.starts_at >= month.astimezone(dt.UTC),
                                        Slot.starts_at < following.astimezone(dt.UTC))).one()
                if already >= resource.monthly_limit:
                    raise BookingRefused("This phone number already has {limit} bookings that month",
                                         limit=resource.monthly_limit)
            booking = Booking(slot_id=slot_id, reference=new_reference(), name=name, phone=digits,
                              created_at=self.store.now(), entered_by=by)
            s.add(booking)
            s.flush()  # IntegrityError when the reference is taken: the whole attempt is rolled back
            if by is not None:
                s.add(AuditEvent(actor=by, action="booking.create", target=booking.reference,
                                 detail={"slot_id": slot_id}))
            s.commit()
            s.refresh(booking)
            return booking

    def cancel(self, reference: str, phone_last4: str, *, by: str | None = None) -> Booking:
        """Cancel with the reference number and the last four digits of the phone given; the place is free at once."""
        with self.store.session() as s:
            booking = s.exec(select(Booking).where(Booking.reference == reference)).first()
            if booking is None or booking.status != "booked" or (by is None and booking.phone[-4:] != phone_last4):
                raise BookingRefused("No booking matches that reference number and phone number")
            booking.status, booking.cancelled_at = "cancelled", self.store.now()
            s.add(booking)
            s.exec(update(Slot).where(Slot.id == booking.slot_id, Slot.booked > 0).values(booked=Slot.booked - 1))
            if by is not None:
                s.add(AuditEvent(actor=by, action="booking.cancel", target=booking.reference))
            s.commit()
            s.refresh(booking)
            return booking

    def slot(self, slot_id: int) -> Slot | None:
        with self.store.session() as s:
            return s.get(Slot, slot_id)

