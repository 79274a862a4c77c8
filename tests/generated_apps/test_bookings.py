"""Reservations in the store: slots from a weekly schedule, holidays closed, and never a double booking."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import pytest

from generated_apps.domain.audit import Audit
from generated_apps.domain.bookings import Bookings, schedule_problems
from generated_apps.domain.errors import BookingRefused, Refusal
from generated_apps.domain.models import as_utc
from generated_apps.domain.store import Store

from .test_lifecycle import Clock
from .test_store import any_store  # noqa: F401 - the fixture: SQLite and PostgreSQL

NOW = dt.datetime(2026, 11, 16, 0, 0, tzinfo=dt.UTC)  # Monday 16 November 2026, 9:00 in Date City
WEEKLY = {"mon": [{"start": "09:00", "end": "12:00", "capacity": 10},
                  {"start": "13:00", "end": "17:00", "capacity": 2}],
          "sat": [{"start": "10:00", "end": "12:00", "capacity": 1}]}


@pytest.fixture
def bookings(any_store):  # noqa: F811
    any_store.clock = Clock(NOW)
    return Bookings(any_store)


@pytest.fixture
def gym(bookings):
    return bookings.create_resource("体育館", WEEKLY, by="kato", closed_dates=["2026-11-30"], monthly_limit=3)


def starts(views) -> list[str]:
    return [v.slot.starts_at.astimezone(dt.timezone(dt.timedelta(hours=9))).strftime("%m-%d %H:%M") for v in views]


def test_a_schedule_with_overlapping_or_broken_times_is_refused(bookings):
    assert schedule_problems(WEEKLY) == []
    bad = {"mon": [{"start": "09:00", "end": "12:00", "capacity": 5},
                   {"start": "11:00", "end": "13:00", "capacity": 5}],
           "tue": [{"start": "14:00", "end": "13:00", "capacity": 5}],
           "wed": [{"start": "9", "end": "10:00", "capacity": 0}],
           "someday": []}
    assert len(schedule_problems(bad)) == 4
    with pytest.raises(BookingRefused, match="overlap"):
        bookings.create_resource("会議室A", bad, by="kato")


def test_slots_follow_the_weekly_schedule_with_holidays_and_closed_dates_left_out(bookings, gym):
    views = bookings.slots(gym, dt.date(2026, 11, 16), dt.date(2026, 12, 5))
    # 23 November is a public holiday (勤労感謝の日) and 30 November a closed date: no Monday slots then.
    assert starts(views) == ["11-16 09:00", "11-16 13:00", "11-21 10:00", "11-28 10:00", "12-05 10:00"]
    again = bookings.slots(gym, dt.date(2026, 11, 16), dt.date(2026, 12, 5))  # made once, found after
    assert [v.slot.id for v in again] == [v.slot.id for v in views]
    # Today's slots start within 24 hours: shown, not bookable.
    assert [v.bookable for v in views] == [False, False, True, True, True]


def test_a_slot_outside_the_window_is_refused_but_staff_may_book_it(bookings, gym):
    [today, *_rest] = bookings.slots(gym, dt.date(2026, 11, 16), dt.date(2026, 11, 16))
    with pytest.raises(BookingRefused, match="outside the booking period") as refused:
        bookings.book(today.slot.id, "伊達 花子", "0142-23-3331")
    assert refused.value.code is Refusal.OUTSIDE_WINDOW  # what the resident's page decides by
    booking = bookings.book(today.slot.id, "伊達 花子", "0142-23-3331", by="sato")
    assert booking.entered_by == "sato"
    assert Audit(bookings.store).events()[-1].action == "booking.create"


def test_the_last_place_goes_once_and_cancelling_frees_it_at_once(bookings, gym):
    saturday = bookings.slots(gym, dt.date(2026, 11, 21), dt.date(2026, 11, 21))[0].slot  # capacity 1
    first = bookings.book(saturday.id, "伊達 花子", "0142-23-3331")
    with pytest.raises(BookingRefused, match="full") as full:
        bookings.book(saturday.id, "有珠 太郎", "090-1234-5678")
    assert full.value.code is Refusal.FULL
    with pytest.raises(BookingRefused, match="No booking matches") as no_match:
        bookings.cancel(first.reference, "0000")
    assert no_match.value.code is Refusal.NO_MATCH
    assert bookings.slot(saturday.id).booked == 1
    assert bookings.cancel(first.reference, "3331").status == "cancelled"
    assert bookings.slot(saturday.id).booked == 0
    with pytest.raises(BookingRefused):
        bookings.cancel(first.reference, "3331")  # not twice
    assert bookings.book(saturday.id, "有珠 太郎", "090-1234-5678").status == "booked"


def test_a_phone_number_books_at_most_the_monthly_limit(bookings, gym):
    december = [v.slot for v in bookings.slots(gym, dt.date(2026, 12, 1), dt.date(2026, 12, 31))]
    january = [v.slot for v in bookings.slots(gym, dt.date(2027, 1, 4), dt.date(2027, 1, 10))]
    for slot in december[:3]:
        bookings.book(slot.id, "伊達 花子", "0142-23-3331")
    with pytest.raises(BookingRefused, match="3 bookings") as refused:
        bookings.book(december[3].id, "伊達 花子", "0142 23 3331")  # the same number, written otherwise
    assert refused.value.code is Refusal.MONTHLY_LIMIT
    assert bookings.slot(december[3].id).booked == 0  # the refused attempt took no place
    assert bookings.book(december[3].id, "有珠 太郎", "090-1234-5678").status == "booked"
    assert bookings.book(january[0].id, "伊達 花子", "0142-23-3331").status == "booked"


@pytest.mark.parametrize("name,phone", [("", "0142233331"), ("伊達", "123"), ("伊達", "")])
def test_a_booking_needs_a_name_and_a_phone_number(bookings, gym, name, phone):
    slot = bookings.slots(gym, dt.date(2026, 11, 21), dt.date(2026, 11, 21))[0].slot
    with pytest.raises(BookingRefused) as refused:
        bookings.book(slot.id, name, phone)
    assert refused.value.code is Refusal.NO_NAME_OR_PHONE


def test_a_tampered_slot_id_is_refused(bookings, gym):
    with pytest.raises(BookingRefused) as refused:
        bookings.book(999_999, "伊達 花子", "0142-23-3331")
    assert refused.value.code is Refusal.CANNOT_BOOK


def _attempt(bookings: Bookings, slot_id: int, n: int) -> str:
    try:
        return bookings.book(slot_id, f"住民{n}", f"0142{n:06d}").reference
    except BookingRefused:
        return ""


def test_two_hundred_simultaneous_attempts_at_ten_places_make_exactly_ten_bookings(bookings, gym):
    morning = next(v.slot for v in bookings.slots(gym, dt.date(2026, 12, 7), dt.date(2026, 12, 7))
                   if v.slot.capacity == 10)
    with ThreadPoolExecutor(16) as pool:
        references = list(pool.map(lambda n: _attempt(bookings, morning.id, n), range(200)))
    taken = [r for r in references if r]
    assert len(taken) == 10 and len(set(taken)) == 10
    assert bookings.slot(morning.id).booked == 10


def _process_attempts(url: str, slot_id: int, first: int, count: int, queue) -> None:
    store = Store.open(url)
    store.clock = Clock(NOW)
    bookings = Bookings(store)
    with ThreadPoolExecutor(8) as pool:
        queue.put([r for r in pool.map(lambda n: _attempt(bookings, slot_id, n), range(first, first + count)) if r])
    store.engine.dispose()


def test_two_processes_booking_at_once_on_the_same_database_never_overbook(bookings, gym):
    morning = next(v.slot for v in bookings.slots(gym, dt.date(2026, 12, 14), dt.date(2026, 12, 14))
                   if v.slot.capacity == 10)
    url = bookings.store.engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_process_attempts, args=(url, morning.id, 100 * p, 100, queue))
                 for p in range(2)]
    for p in processes:
        p.start()
    taken = queue.get(timeout=120) + queue.get(timeout=120)
    for p in processes:
        p.join(timeout=30)
    assert len(taken) == 10 and bookings.slot(morning.id).booked == 10


# --- staff: changing a resource, the calendar, closing and moving ----------------------------------------

def saturday_slot(bookings, gym, day: int = 21):
    return bookings.slots(gym, dt.date(2026, 11, day), dt.date(2026, 11, day))[0].slot


def monday_slots(bookings, gym, day: int = 16):
    return [v.slot for v in bookings.slots(gym, dt.date(2026, 11, day), dt.date(2026, 11, day))]


def actions_of(store) -> list[str]:
    return [e.action for e in Audit(store).events()]


def test_resources_are_listed_by_name_and_inactive_ones_only_when_asked(bookings):
    for name in ("会議室B", "会議室A", "会議室C"):
        created = bookings.create_resource(name, WEEKLY, by="kato")
    bookings.update_resource(created.id, "kato", active=False)
    assert [r.name for r in bookings.resources()] == ["会議室A", "会議室B", "会議室C"]
    assert [r.name for r in bookings.resources(include_inactive=False)] == ["会議室A", "会議室B"]
    assert Audit(bookings.store).events()[-1].detail["changed"] == ["active"]


def test_a_changed_schedule_reaches_the_slots_already_made(bookings, gym):
    [morning, afternoon] = monday_slots(bookings, gym, 16)
    saturday = saturday_slot(bookings, gym)
    cancelled = bookings.book(saturday.id, "伊達 花子", "0142-23-3331")
    bookings.cancel(cancelled.reference, "3331")
    schedule = {"mon": [{"start": "09:00", "end": "11:00", "capacity": 4},
                        {"start": "13:00", "end": "17:00", "capacity": 6}]}
    changed = bookings.update_resource(gym.id, "kato", name=" 総合 体育館 ", schedule=schedule, days_ahead=30)
    assert (changed.name, changed.days_ahead) == ("総合 体育館", 30)
    # The morning's end and both capacities follow; Saturday left the schedule, and the slot a cancelled
    # booking points at is closed rather than deleted.
    assert (bookings.slot(morning.id).capacity, bookings.slot(afternoon.id).capacity) == (4, 6)
    assert bookings.slot(morning.id).ends_at.astimezone(dt.timezone(dt.timedelta(hours=9))).strftime("%H:%M") == "11:00"
    assert bookings.slot(saturday.id).closed
    assert starts(bookings.slots(changed, dt.date(2026, 11, 21), dt.date(2026, 11, 28))) == ["11-21 10:00"]
    event = Audit(bookings.store).events()[-1]
    assert (event.action, event.actor, event.target) == ("resource.update", "kato", "総合 体育館")
    assert event.detail["changed"] == ["days_ahead", "name", "schedule"]
    # Saturday back in the schedule: the slot closed by the change takes bookings again.
    bookings.update_resource(gym.id, "kato", schedule={**schedule, "sat": WEEKLY["sat"]})
    assert not bookings.slot(saturday.id).closed


def test_a_slot_with_no_booking_at_all_is_deleted_when_its_day_closes(bookings, gym):
    saturday = saturday_slot(bookings, gym, 28)
    bookings.update_resource(gym.id, "kato", closed_dates=["2026-11-28", "2026-11-30"])
    assert bookings.slot(saturday.id) is None
    assert starts(bookings.slots(bookings.resource(gym.id), dt.date(2026, 11, 28), dt.date(2026, 11, 28))) == []
    bookings.update_resource(gym.id, "kato", closed_dates=[])
    assert starts(bookings.slots(bookings.resource(gym.id), dt.date(2026, 11, 28), dt.date(2026, 11, 30))) == [
        "11-28 10:00", "11-30 09:00", "11-30 13:00"]


def test_lowering_capacity_below_the_places_taken_is_refused_with_the_bookings_to_deal_with(bookings, gym):
    [_morning, afternoon] = monday_slots(bookings, gym, 16)
    first = bookings.book(afternoon.id, "伊達 花子", "0142-23-3331", by="sato")
    second = bookings.book(afternoon.id, "有珠 太郎", "090-1234-5678", by="sato")
    lower = {**WEEKLY, "mon": [WEEKLY["mon"][0], {**WEEKLY["mon"][1], "capacity": 1}]}
    with pytest.raises(BookingRefused, match="below the places already booked") as refused:
        bookings.update_resource(gym.id, "kato", name="別の名前", schedule=lower)
    assert [(b.reference, b.name, b.phone, b.reason) for b in refused.value.bookings] == [
        (first.reference, "伊達 花子", "0142233331", "capacity"),
        (second.reference, "有珠 太郎", "09012345678", "capacity")]
    assert refused.value.bookings[0].starts_at == as_utc(afternoon.starts_at)
    # Nothing changed: not the name, not the schedule, not the slot.
    assert (bookings.resource(gym.id).name, bookings.resource(gym.id).schedule) == ("体育館", WEEKLY)
    assert bookings.slot(afternoon.id).capacity == 2
    assert actions_of(bookings.store)[-1] == "booking.create"
    # Down to exactly the places taken is fine.
    exact = {**WEEKLY, "mon": [WEEKLY["mon"][0], {**WEEKLY["mon"][1], "capacity": 2}]}
    bookings.update_resource(gym.id, "kato", schedule=exact)


def test_a_time_with_bookings_cannot_leave_the_schedule_change_or_fall_on_a_closed_day(bookings, gym):
    saturday = saturday_slot(bookings, gym)
    booking = bookings.book(saturday.id, "伊達 花子", "0142-23-3331")
    with pytest.raises(BookingRefused, match="would leave the schedule") as refused:
        bookings.update_resource(gym.id, "kato", schedule={"mon": WEEKLY["mon"]})
    assert [(b.reference, b.reason) for b in refused.value.bookings] == [(booking.reference, "leaves")]
    later = {**WEEKLY, "sat": [{"start": "10:00", "end": "13:00", "capacity": 1}]}
    with pytest.raises(BookingRefused, match="would change"):
        bookings.update_resource(gym.id, "kato", schedule=later)
    with pytest.raises(BookingRefused, match="A day you are closing has bookings") as refused:
        bookings.update_resource(gym.id, "kato", closed_dates=["2026-11-21"])
    assert [b.reason for b in refused.value.bookings] == ["closes"]
    assert bookings.slot(saturday.id).booked == 1 and not bookings.slot(saturday.id).closed
    # Holidays opened, 23 November (勤労感謝の日, a Monday) is booked: closing holidays again is refused.
    bookings.update_resource(gym.id, "kato", holidays_closed=False)
    [holiday_morning, _] = monday_slots(bookings, bookings.resource(gym.id), 23)
    bookings.book(holiday_morning.id, "有珠 太郎", "090-1234-5678", by="sato")
    with pytest.raises(BookingRefused, match="closing"):
        bookings.update_resource(gym.id, "kato", holidays_closed=True)


def test_a_change_of_settings_is_checked(bookings, gym):
    overlapping = {"mon": [{"start": "09:00", "end": "12:00", "capacity": 5},
                           {"start": "11:00", "end": "13:00", "capacity": 5}]}
    for change, message in [({"schedule": overlapping}, "overlap"), ({"name": "  "}, "name"),
                            ({"closed_dates": ["2026-13-01"]}, "not a date"), ({"days_ahead": 0}, "days ahead"),
                            ({"hours_before": -1}, "deadline"), ({"monthly_limit": 0}, "monthly limit")]:
        with pytest.raises(BookingRefused, match=message):
            bookings.update_resource(gym.id, "kato", **change)
    with pytest.raises(BookingRefused, match="no such resource"):
        bookings.update_resource(999_999, "kato", name="x")
    assert bookings.resource(gym.id).schedule == WEEKLY
    assert bookings.update_resource(gym.id, "kato", monthly_limit=None).monthly_limit is None


def test_the_calendar_gives_every_slot_with_its_counts_and_bookings(bookings, gym):
    [morning, afternoon] = monday_slots(bookings, gym, 16)
    first = bookings.book(afternoon.id, "伊達 花子", "0142-23-3331", by="sato")
    second = bookings.book(afternoon.id, "有珠 太郎", "090-1234-5678", by="sato")
    bookings.cancel(first.reference, "", by="sato")
    week = bookings.calendar(gym, dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert starts([c.view for c in week]) == ["11-16 09:00", "11-16 13:00", "11-21 10:00"]
    assert [c.view.slot.id for c in week[:2]] == [morning.id, afternoon.id]
    assert [(c.view.left, [b.reference for b in c.bookings]) for c in week] == [
        (10, []), (1, [second.reference]), (1, [])]


def test_closing_a_slot_stops_bookings_at_once_and_gives_the_residents_to_call(bookings, gym):
    monday = [v.slot for v in bookings.slots(gym, dt.date(2026, 12, 7), dt.date(2026, 12, 7))][0]
    kept = bookings.book(monday.id, "伊達 花子", "0142-23-3331")
    assert [b.reference for b in bookings.close_slot(monday.id, "sato")] == [kept.reference]
    with pytest.raises(BookingRefused, match="full"):
        bookings.book(monday.id, "有珠 太郎", "090-1234-5678", by="sato")
    assert bookings.slot(monday.id).booked == 1  # the booking stays until staff move or cancel it
    bookings.close_slot(monday.id, "sato")  # closing twice is one audit line
    assert bookings.reopen_slot(monday.id, "sato").closed is False
    assert bookings.book(monday.id, "有珠 太郎", "090-1234-5678").status == "booked"
    assert actions_of(bookings.store)[-2:] == ["slot.close", "slot.reopen"]
    assert Audit(bookings.store).events()[-1].target == "体育館 2026-12-07 09:00"


def test_a_slot_out_of_the_schedule_is_not_reopened(bookings, gym):
    saturday = saturday_slot(bookings, gym)
    bookings.cancel(bookings.book(saturday.id, "伊達 花子", "0142-23-3331").reference, "3331")
    bookings.update_resource(gym.id, "kato", schedule={"mon": WEEKLY["mon"]})
    with pytest.raises(BookingRefused, match="no longer in the schedule"):
        bookings.reopen_slot(saturday.id, "sato")
    with pytest.raises(BookingRefused, match="no such time"):
        bookings.close_slot(999_999, "sato")


def test_moving_a_booking_takes_the_new_place_and_frees_the_old_one(bookings, gym):
    [morning, afternoon] = monday_slots(bookings, gym, 16)
    saturday = saturday_slot(bookings, gym)
    booking = bookings.book(morning.id, "伊達 花子", "0142-23-3331", by="sato")  # today: staff only
    moved = bookings.move(booking.reference, afternoon.id, "sato")
    assert (moved.slot_id, moved.reference, moved.status) == (afternoon.id, booking.reference, "booked")
    assert (bookings.slot(morning.id).booked, bookings.slot(afternoon.id).booked) == (0, 1)
    event = Audit(bookings.store).events()[-1]
    assert (event.action, event.actor, event.target) == ("booking.move", "sato", booking.reference)
    assert event.detail["to"] == "体育館 2026-11-16 13:00"
    # Full, closed, the same time, another resource's slot, a cancelled booking: refused, nothing changed.
    bookings.book(saturday.id, "有珠 太郎", "090-1234-5678")
    with pytest.raises(BookingRefused, match="full"):
        bookings.move(booking.reference, saturday.id, "sato")
    bookings.close_slot(morning.id, "sato")
    with pytest.raises(BookingRefused, match="closed"):
        bookings.move(booking.reference, morning.id, "sato")
    with pytest.raises(BookingRefused, match="already at that time"):
        bookings.move(booking.reference, afternoon.id, "sato")
    hall = bookings.create_resource("会議室A", WEEKLY, by="kato")
    with pytest.raises(BookingRefused, match="cannot be booked"):
        bookings.move(booking.reference, monday_slots(bookings, hall, 16)[0].id, "sato")
    assert [bookings.slot(s.id).booked for s in (morning, afternoon, saturday)] == [0, 1, 1]
    bookings.cancel(booking.reference, "", by="sato")
    with pytest.raises(BookingRefused, match="No booking has that reference number"):
        bookings.move(booking.reference, monday_slots(bookings, gym, 16)[0].id, "sato")


def test_many_moves_into_the_last_place_at_once_make_exactly_one(bookings, gym):
    december = [v.slot for v in bookings.slots(gym, dt.date(2026, 12, 7), dt.date(2026, 12, 7))]
    morning, afternoon = december  # capacities 10 and 2
    references = [bookings.book(morning.id, f"住民{n}", f"0142{n:06d}", by="sato").reference for n in range(8)]
    bookings.book(afternoon.id, "伊達 花子", "0142-23-3331", by="sato")  # one place left

    def attempt(reference: str) -> bool:
        try:
            bookings.move(reference, afternoon.id, "sato")
            return True
        except BookingRefused:
            return False

    with ThreadPoolExecutor(8) as pool:
        moved = list(pool.map(attempt, references))
    assert moved.count(True) == 1
    assert (bookings.slot(morning.id).booked, bookings.slot(afternoon.id).booked) == (7, 2)
