"""Facility reservations: resources, their slots, and bookings taken and cancelled atomically.

Through the store's engine and clock (`Bookings(store)`), as the store's own part for reservations.
A place is taken by one conditional UPDATE (`booked = booked + 1 WHERE booked < capacity`), never
read-then-write, and the database itself refuses `booked` above `capacity` (a CHECK constraint):
two residents taking the last place at the same moment get one booking and one clear refusal.
Slots are made from each resource's weekly schedule when first needed (an idempotent insert).
The rules that need no database (a resource's settings) are in booking_rules.py; refusals in errors.py.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from generated_apps.domain.booking_rules import (
    SLOT_FIELDS,
    WEEKDAYS,
    checked_settings,
    japanese_holidays,
)
from generated_apps.domain.booking_rules import (
    schedule_problems as schedule_problems,  # callers import it from here
)
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.errors import AffectedBooking, BookingRefused, Refusal
from generated_apps.domain.models import (
    AuditEvent,
    Booking,
    Draft,
    Resource,
    Slot,
    Submission,
    as_utc,
    is_row_id,
)
from generated_apps.domain.refnum import new_reference
from generated_apps.domain.store import Store
from widgets import N_

# Residents cancel online with the phone's last four digits (their tries are counted by lookup.py).
NO_MATCH = N_("No booking matches that reference number and phone number")


@dataclass(frozen=True)
class SlotView:
    slot: Slot
    left: int  # places left
    bookable: bool  # inside the window, open, not full


@dataclass(frozen=True)
class CalendarSlot:
    """A slot as staff see it in the calendar: its counts, and the bookings taken in it."""

    view: SlotView
    bookings: list[Booking]


class Bookings:
    def __init__(self, store: Store, time_zone: str = "Asia/Tokyo") -> None:
        self.store, self.zone = store, ZoneInfo(time_zone)

    # --- resources ----------------------------------------------------------------------------------

    def create_resource(self, name: str, schedule: dict[str, Any], by: str, **settings: Any) -> Resource:
        """A new resource; its settings checked as a change to one is (`checked_settings`)."""
        checked = self.checked_settings({**settings, "name": name, "schedule": schedule})
        name = checked["name"]
        with self.store.session() as s:
            resource = Resource(**checked)
            s.add(resource)
            s.flush()
            s.add(AuditEvent(actor=by, action="resource.create", target=name, detail={"id": resource.id}))
            s.commit()
            return resource

    def resource(self, resource_id: int) -> Resource | None:
        if not is_row_id(resource_id):  # typed into an address: no facility has it, and SQLite cannot bind it
            return None
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
            s.exec(self.store.insert(Slot).values(rows)
                   .on_conflict_do_nothing(index_elements=["resource_id", "starts_at"]))
            s.commit()

    def slots(self, resource: Resource, first: dt.date, last: dt.date) -> list[SlotView]:
        """The slots from `first` to `last` (city dates), made when first asked for, with what is left."""
        self.ensure_slots(resource, first, last)
        start = dt.datetime.combine(first, dt.time(), self.zone).astimezone(dt.UTC)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), self.zone).astimezone(dt.UTC)
        window = self.window(resource)
        with self.store.session() as s:
            found = list(s.exec(select(Slot).where(Slot.resource_id == resource.id, Slot.starts_at >= start,
                                                   Slot.starts_at < end).order_by(col(Slot.starts_at))))
        return [SlotView(slot, max(slot.capacity - slot.booked, 0), self.why_not(slot, resource, window) is None)
                for slot in found]

    def why_not(self, slot: Slot | None, resource: Resource | None,
                window: tuple[dt.datetime, dt.datetime] | None = None) -> str | None:
        """Why a resident cannot book the slot of this resource now (a msgid), or None when they can.
        What a page shows; the place itself is taken only by the conditional UPDATE (`_take`)."""
        if slot is None or resource is None or not resource.active or slot.resource_id != resource.id or slot.closed:
            return N_("That time cannot be booked. Choose another")
        if slot.booked >= slot.capacity:
            return N_("That time is full. Choose another")
        earliest, latest = window or self.window(resource)
        if not earliest <= as_utc(slot.starts_at) <= latest:
            return N_("That time is outside the booking period. Choose another")
        return None

    # --- booking ------------------------------------------------------------------------------------

    def book(self, slot_id: int, name: str, phone: str, *, by: str | None = None) -> Booking:
        """Take one place in the slot, in one conditional UPDATE. BookingRefused when it is full, closed,
        outside the booking window, or the phone number has booked its monthly limit. `by`: a member
        of staff booking for a resident (audited; the window and the limit do not bind staff)."""
        digits = "".join(ch for ch in phone if ch.isdigit())
        if len(digits) < 10 or not name.strip():
            raise BookingRefused("Give a name and a phone number of 10 or 11 digits", Refusal.NO_NAME_OR_PHONE)
        for _attempt in range(5):  # again only if the random reference number was taken
            try:
                return self._book(slot_id, name.strip(), digits, by)
            except IntegrityError:
                continue
        raise RuntimeError("could not draw a free reference number")

    def _book(self, slot_id: int, name: str, digits: str, by: str | None) -> Booking:
        with self.store.session() as s:
            self._take_place(s, slot_id, digits, by)
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

    def _take_place(self, s: Session, slot_id: int, digits: str, by: str | None) -> Slot:
        """Take one place in the slot inside the caller's transaction, with one conditional UPDATE.
        BookingRefused (the caller's transaction then rolls back) when it cannot be had."""
        slot = s.get(Slot, slot_id)
        resource = s.get(Resource, slot.resource_id) if slot is not None else None
        if slot is None or resource is None or not resource.active:
            raise BookingRefused("That time cannot be booked. Choose another", Refusal.CANNOT_BOOK, slot_id=slot_id)
        earliest, latest = self.window(resource)
        starts = as_utc(slot.starts_at)
        if by is None and not earliest <= starts <= latest:
            raise BookingRefused("That time is outside the booking period. Choose another", Refusal.OUTSIDE_WINDOW,
                                 slot_id=slot_id)
        if not self._take(s, slot_id):
            raise BookingRefused("That time is full. Choose another", Refusal.FULL, slot_id=slot_id)
        if resource.monthly_limit is not None and by is None:
            local = starts.astimezone(self.zone)
            month = dt.datetime(local.year, local.month, 1, tzinfo=self.zone)
            following = dt.datetime(local.year + local.month // 12, local.month % 12 + 1, 1, tzinfo=self.zone)
            already = s.exec(select(func.count()).select_from(Booking).join(Slot, col(Slot.id) == Booking.slot_id)
                             .where(Booking.phone == digits, Booking.status == "booked",
                                    Slot.resource_id == resource.id, Slot.starts_at >= month.astimezone(dt.UTC),
                                    Slot.starts_at < following.astimezone(dt.UTC))).one()
            if already >= resource.monthly_limit:
                raise BookingRefused("This phone number already has {limit} bookings that month", Refusal.MONTHLY_LIMIT,
                                     limit=resource.monthly_limit, slot_id=slot_id)
        return slot

    @staticmethod
    def _take(s: Session, slot_id: int) -> bool:
        """The one way a place is taken: a conditional UPDATE, never read-then-write."""
        return s.exec(update(Slot).where(col(Slot.id) == slot_id, col(Slot.booked) < Slot.capacity,
                                         col(Slot.closed).is_(False))
                      .values(booked=col(Slot.booked) + 1)).rowcount == 1

    # --- a resident's booking, sent with their form -------------------------------------------------

    def submit(self, draft: Draft, answers: dict[str, Any], lang: str, slot_ids: list[int], name: str,
               phone: str, *, entered_by: str | None = None) -> Submission:
        """Send a resident's form and take its places in one transaction: the submission and its
        bookings are stored together or not at all. The (first) booking shares the submission's
        reference number. Sending the same draft twice returns the first submission and books nothing
        more. BookingRefused (with `params["slot_id"]`) when a place cannot be had; nothing is stored then."""
        digits = "".join(ch for ch in phone if ch.isdigit())
        if len(digits) < 10 or not name.strip():
            raise BookingRefused("Give a name and a phone number of 10 or 11 digits", Refusal.NO_NAME_OR_PHONE)

        def take_places(s: Session, submission: Submission) -> None:
            for n, slot_id in enumerate(slot_ids):
                self._take_place(s, slot_id, digits, None)
                s.add(Booking(slot_id=slot_id, reference=submission.reference if n == 0 else new_reference(),
                              name=name.strip(), phone=digits, created_at=submission.created_at,
                              submission_id=submission.id, entered_by=entered_by))
                s.flush()  # IntegrityError when a second booking's reference is taken: the store tries again

        return Drafts(self.store).submit(draft, answers, lang, along=take_places, entered_by=entered_by)

    def bookings_of(self, submission_id: int) -> list[tuple[Booking, Slot, Resource]]:
        """The bookings a resident's submission made, with their slots and facilities."""
        with self.store.session() as s:
            return [(booking, slot, resource) for booking, slot, resource in s.exec(
                select(Booking, Slot, Resource).join(Slot, col(Slot.id) == Booking.slot_id)
                .join(Resource, col(Resource.id) == Slot.resource_id)
                .where(Booking.submission_id == submission_id).order_by(col(Booking.id)))]

    def cancel(self, reference: str, phone_last4: str, *, app_id: int | None = None, by: str | None = None) -> Booking:
        """Cancel with the reference number and the last four digits of the phone given; the place is
        free at once. A resident's page gives its `app_id`: only a booking sent with that app's form is
        found. Staff (`by`) need no digits; the cancellation is audited."""
        with self.store.session() as s:
            booking = self._match(s, reference, phone_last4, app_id) if by is None else \
                s.exec(select(Booking).where(Booking.reference == reference, Booking.status == "booked")).first()
            if booking is None:
                raise BookingRefused(NO_MATCH, Refusal.NO_MATCH)
            # Still booked, and in the slot read above (a move committed meanwhile: refused, not freed twice).
            taken = s.exec(update(Booking).where(col(Booking.id) == booking.id, col(Booking.status) == "booked",
                                                 col(Booking.slot_id) == booking.slot_id)
                           .values(status="cancelled", cancelled_at=self.store.now()))
            if taken.rowcount != 1:  # cancelled by another request just now
                raise BookingRefused(NO_MATCH, Refusal.NO_MATCH)
            s.exec(update(Slot).where(col(Slot.id) == booking.slot_id, col(Slot.booked) > 0)
                   .values(booked=col(Slot.booked) - 1))
            if by is not None:
                s.add(AuditEvent(actor=by, action="booking.cancel", target=booking.reference))
            s.commit()
            s.refresh(booking)
            return booking

    def find(self, app_id: int, reference: str, phone_last4: str) -> tuple[Booking, Slot, Resource] | None:
        """A resident's booking made with the app `app_id`, to show before they cancel it, or None."""
        with self.store.session() as s:
            booking = self._match(s, reference, phone_last4, app_id)
            return self._with_place(s, booking) if booking is not None else None

    def booking(self, app_id: int, reference: str) -> tuple[Booking, Slot, Resource] | None:
        """The booking with this reference number made with the app `app_id`, whatever its state."""
        with self.store.session() as s:
            booking = s.exec(self._of_app(select(Booking), app_id).where(Booking.reference == reference)).first()
            return self._with_place(s, booking) if booking is not None else None

    @staticmethod
    def _of_app(query: SelectOfScalar[Booking], app_id: int | None) -> SelectOfScalar[Booking]:
        if app_id is None:
            return query
        return query.join(Submission, col(Submission.id) == Booking.submission_id).where(Submission.app_id == app_id)

    @staticmethod
    def _with_place(s: Session, booking: Booking) -> tuple[Booking, Slot, Resource]:
        slot = s.get(Slot, booking.slot_id)
        assert slot is not None  # a slot bookings point at is never deleted (_fit_slots)
        resource = s.get(Resource, slot.resource_id)
        assert resource is not None  # resources are never deleted
        return booking, slot, resource

    def _match(self, s: Session, reference: str, phone_last4: str, app_id: int | None) -> Booking | None:
        """The booked booking with this reference number and phone (of the app `app_id`, when given)."""
        booking = s.exec(self._of_app(select(Booking), app_id).where(Booking.reference == reference)).first()
        if booking is None or booking.status != "booked":
            return None
        if not (phone_last4.isascii() and hmac.compare_digest(booking.phone[-4:], phone_last4)):
            return None
        return booking

    def slot(self, slot_id: int) -> Slot | None:
        with self.store.session() as s:
            return s.get(Slot, slot_id)

    # --- staff: resources, calendar, closing, moving ------------------------------------------------


    def resources(self, include_inactive: bool = True) -> list[Resource]:
        """Every resource, by name."""
        query = select(Resource).order_by(col(Resource.name), col(Resource.id))
        if not include_inactive:
            query = query.where(col(Resource.active).is_(True))
        with self.store.session() as s:
            return list(s.exec(query))

    def checked_settings(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Changes to a resource's settings, tidied; BookingRefused for the first one that will not do."""
        return checked_settings(changes)

    def update_resource(self, resource_id: int, by: str, **changes: Any) -> Resource:
        """Change a resource's settings, and its slots already made from today on to match: a slot that
        leaves the schedule (or falls on a newly closed day) is deleted, or closed if cancelled bookings
        point at it; a changed capacity or end time is applied. Refused, with nothing changed and the
        bookings in the way in `BookingRefused.bookings`, when taken places would not fit any more."""
        checked = self.checked_settings(changes)
        with self.store.session() as s:
            resource = s.exec(select(Resource).where(Resource.id == resource_id).with_for_update()).first()
            if resource is None:
                raise BookingRefused("There is no such resource", Refusal.NO_SUCH_RESOURCE)
            before = Resource(**resource.model_dump())
            changed = sorted(field for field, value in checked.items() if getattr(resource, field) != value)
            if not changed:
                return resource
            for field in changed:
                setattr(resource, field, checked[field])
            s.add(resource)
            # The write first: on SQLite the transaction holds the write lock from here, so no booking slips in.
            s.flush()
            detail: dict[str, Any] = {"id": resource_id, "changed": changed}
            if SLOT_FIELDS & set(changed):
                detail.update(self._fit_slots(s, before, resource))
            s.add(AuditEvent(actor=by, action="resource.update", target=resource.name, detail=detail))
            s.commit()
            return resource

    def _fit_slots(self, s: Session, before: Resource, after: Resource) -> dict[str, int]:
        """Bring the resource's slots from now on in line with its new settings, in the caller's transaction."""
        slots = list(s.exec(select(Slot).where(Slot.resource_id == after.id, Slot.starts_at >= self.store.now())
                            .order_by(col(Slot.starts_at)).with_for_update()))
        with_rows = set(s.exec(select(Booking.slot_id).where(col(Booking.slot_id).in_([x.id for x in slots]))).all())
        in_the_way: dict[int, str] = {}  # slot id -> reason
        removed = changed = 0
        for slot in slots:
            assert slot.id is not None  # read from the database
            day, start, end = self._local(slot)
            new, old = self.scheduled(after, day, start), self.scheduled(before, day, start)
            made_by_old = old is not None and old["end"] == end  # the old settings made this very slot
            if new is None:
                if slot.booked:
                    in_the_way[slot.id] = "closes" if self.closed_on(after, day) else "leaves"
                elif slot.id in with_rows:  # cancelled bookings point at it: kept, closed
                    removed += s.exec(update(Slot).where(col(Slot.id) == slot.id, col(Slot.booked) == 0)
                                      .values(closed=True)).rowcount
                else:
                    removed += s.exec(delete(Slot).where(col(Slot.id) == slot.id, col(Slot.booked) == 0)).rowcount
                continue
            values: dict[str, Any] = {}
            if new["end"] != end:
                if slot.booked:
                    in_the_way[slot.id] = "changes"
                ends = dt.datetime.combine(day, dt.time.fromisoformat(new["end"]), self.zone)
                values["ends_at"] = ends.astimezone(dt.UTC)
            if new["capacity"] != slot.capacity:
                if new["capacity"] < slot.booked:
                    in_the_way[slot.id] = "capacity"
                values["capacity"] = new["capacity"]
            if slot.closed and not made_by_old:  # closed by an earlier change that took it out; back in now
                values["closed"] = False
            if values and slot.id not in in_the_way:
                changed += s.exec(update(Slot).where(col(Slot.id) == slot.id).values(**values)).rowcount
        if in_the_way:
            raise self._refusal(s, in_the_way, {x.id: x for x in slots if x.id is not None})
        return {"slots_removed": removed, "slots_changed": changed}

    def _refusal(self, s: Session, in_the_way: dict[int, str], slots: dict[int, Slot]) -> BookingRefused:
        reasons = set(in_the_way.values())
        if reasons == {"capacity"}:
            refused = BookingRefused("The new capacity is below the places already booked. "
                                     "Move or cancel these bookings first", Refusal.BOOKINGS_IN_THE_WAY)
        elif reasons == {"leaves"}:
            refused = BookingRefused("A time with bookings would leave the schedule. "
                                     "Move or cancel these bookings first", Refusal.BOOKINGS_IN_THE_WAY)
        elif reasons == {"changes"}:
            refused = BookingRefused("A time with bookings would change. Move or cancel these bookings first",
                                     Refusal.BOOKINGS_IN_THE_WAY)
        elif reasons == {"closes"}:
            refused = BookingRefused("A day you are closing has bookings. Move or cancel these bookings first",
                                     Refusal.BOOKINGS_IN_THE_WAY)
        else:
            refused = BookingRefused("This change would affect bookings already taken. "
                                     "Move or cancel these bookings first", Refusal.BOOKINGS_IN_THE_WAY)
        found = s.exec(select(Booking).where(col(Booking.slot_id).in_(list(in_the_way)), Booking.status == "booked")
                       .order_by(col(Booking.id))).all()
        refused.bookings = tuple(sorted(
            (AffectedBooking(b.reference, b.name, b.phone, as_utc(slots[b.slot_id].starts_at),
                             as_utc(slots[b.slot_id].ends_at), in_the_way[b.slot_id]) for b in found),
            key=lambda a: a.starts_at))
        return refused

    def _local(self, slot: Slot) -> tuple[dt.date, str, str]:
        """The slot's city date, start and end (HH:MM)."""
        start, end = as_utc(slot.starts_at).astimezone(self.zone), as_utc(slot.ends_at).astimezone(self.zone)
        return start.date(), start.strftime("%H:%M"), end.strftime("%H:%M")

    def scheduled(self, resource: Resource, day: dt.date, start: str) -> dict[str, Any] | None:
        """The schedule's time starting at `start` (HH:MM) on `day`, or None: no such time, or the day is
        closed."""
        if self.closed_on(resource, day):
            return None
        return next((t for t in resource.schedule.get(WEEKDAYS[day.weekday()], []) if t["start"] == start), None)

    def calendar(self, resource: Resource, first: dt.date, last: dt.date) -> list[CalendarSlot]:
        """The slots from `first` to `last` (city dates) in order, each with the bookings taken in it."""
        views = self.slots(resource, first, last)
        taken: dict[int, list[Booking]] = {v.slot.id: [] for v in views if v.slot.id is not None}
        with self.store.session() as s:
            for booking in s.exec(select(Booking).where(col(Booking.slot_id).in_(list(taken)),
                                                        Booking.status == "booked")
                                  .order_by(col(Booking.created_at), col(Booking.id))):
                taken[booking.slot_id].append(booking)
        return [CalendarSlot(v, taken[v.slot.id]) for v in views if v.slot.id is not None]

    def close_slot(self, slot_id: int, by: str) -> list[Booking]:
        """Stop taking bookings in the slot at once. Its bookings are kept until staff move or cancel
        them: they are returned, the residents to call."""
        with self.store.session() as s:
            slot = s.get(Slot, slot_id)
            if slot is None:
                raise BookingRefused("There is no such time", Refusal.NO_SUCH_TIME)
            if s.exec(update(Slot).where(col(Slot.id) == slot_id, col(Slot.closed).is_(False))
                      .values(closed=True)).rowcount:
                s.add(AuditEvent(actor=by, action="slot.close", target=self._slot_name(s, slot),
                                 detail={"slot_id": slot_id}))
            s.commit()
            return list(s.exec(select(Booking).where(Booking.slot_id == slot_id, Booking.status == "booked")
                               .order_by(col(Booking.created_at), col(Booking.id))))

    def reopen_slot(self, slot_id: int, by: str) -> Slot:
        """Take bookings in a closed slot again; refused when its time is no longer in the schedule."""
        with self.store.session() as s:
            slot = s.get(Slot, slot_id)
            if slot is None:
                raise BookingRefused("There is no such time", Refusal.NO_SUCH_TIME)
            day, start, end = self._local(slot)
            resource = s.get(Resource, slot.resource_id)
            assert resource is not None  # resources are never deleted
            entry = self.scheduled(resource, day, start)
            if entry is None or entry["end"] != end:
                raise BookingRefused("That time is no longer in the schedule, or its day is closed", Refusal.CLOSED)
            if s.exec(update(Slot).where(col(Slot.id) == slot_id, col(Slot.closed).is_(True))
                      .values(closed=False)).rowcount:
                s.add(AuditEvent(actor=by, action="slot.reopen", target=self._slot_name(s, slot),
                                 detail={"slot_id": slot_id}))
            s.commit()
            s.refresh(slot)
            return slot

    def move(self, reference: str, to_slot_id: int, by: str) -> Booking:
        """Move a booking to another slot of the same resource: a place is taken there by the same
        conditional UPDATE as `book`, and the old one freed, in one transaction. Staff only, audited."""
        with self.store.session() as s:
            booking = s.exec(select(Booking).where(Booking.reference == reference)).first()
            if booking is None or booking.status != "booked":
                raise BookingRefused("No booking has that reference number", Refusal.NO_MATCH)
            source, target = s.get(Slot, booking.slot_id), s.get(Slot, to_slot_id)
            # A slot bookings point at is never deleted (_fit_slots).
            assert source is not None and source.id is not None
            if target is None or target.resource_id != source.resource_id:
                raise BookingRefused("That time cannot be booked. Choose another", Refusal.CANNOT_BOOK)
            assert target.id is not None  # read from the database
            if target.id == source.id:
                raise BookingRefused("The booking is already at that time", Refusal.SAME_TIME)
            if target.closed:
                raise BookingRefused("That time is closed. Choose another", Refusal.CLOSED)
            # The booking first, on the condition that nobody cancelled or moved it since it was read.
            if s.exec(update(Booking).where(col(Booking.id) == booking.id, col(Booking.status) == "booked",
                                            col(Booking.slot_id) == source.id)
                      .values(slot_id=target.id)).rowcount != 1:
                raise BookingRefused("No booking has that reference number", Refusal.NO_MATCH)
            if not self._take(s, target.id):
                raise BookingRefused("That time is full. Choose another", Refusal.FULL)
            s.exec(update(Slot).where(col(Slot.id) == source.id, col(Slot.booked) > 0)
                   .values(booked=col(Slot.booked) - 1))
            s.add(AuditEvent(actor=by, action="booking.move", target=reference,
                             detail={"from": self._slot_name(s, source), "to": self._slot_name(s, target),
                                     "from_slot_id": source.id, "to_slot_id": target.id}))
            s.commit()
            s.refresh(booking)
            return booking

    def _slot_name(self, s: Session, slot: Slot) -> str:
        """How the audit log names a slot: the resource and the city time, 体育館 2026-12-05 10:00."""
        resource = s.get(Resource, slot.resource_id)
        assert resource is not None  # resources are never deleted
        return f"{resource.name} {as_utc(slot.starts_at).astimezone(self.zone):%Y-%m-%d %H:%M}"
