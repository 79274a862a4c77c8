"""Reservations in the store: slots from a weekly schedule, holidays closed, and never a double booking."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import pytest

from generated_apps.bookings import BookingRefused, Bookings, schedule_problems
from generated_apps.store import Store

from .test_lifecycle import Clock
from .test_store import any_store  # noqa: F401 - the fixture: SQLite and PostgreSQL

NOW = dt.datetime(2026, 11, 16, 0, 0, tzinfo=dt.UTC)  # Monday 16 November 2026, 9:00 in Date City
WEEKLY = {"mon": [{"start": "09:00", "end": "12:00", "capacity": 10}, {"start": "13:00", "end": "17:00", "capacity": 2}],
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
    bad = {"mon": [{"start": "09:00", "end": "12:00", "capacity": 5}, {"start": "11:00", "end": "13:00", "capacity": 5}],
           "tue": [{"start": "14:00", "end": "13:00", "capacity": 5}], "wed": [{"start": "9", "end": "10:00", "capacity": 0}],
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
    with pytest.raises(BookingRefused, match="outside the booking period"):
        bookings.book(today.slot.id, "伊達 花子", "0142-23-3331")
    booking = bookings.book(today.slot.id, "伊達 花子", "0142-23-3331", by="sato")
    assert booking.entered_by == "sato"
    assert bookings.store.audit_events()[-1].action == "booking.create"


def test_the_last_place_goes_once_and_cancelling_frees_it_at_once(bookings, gym):
    saturday = bookings.slots(gym, dt.date(2026, 11, 21), dt.date(2026, 11, 21))[0].slot  # capacity 1
    first = bookings.book(saturday.id, "伊達 花子", "0142-23-3331")
    with pytest.raises(BookingRefused, match="full"):
        bookings.book(saturday.id, "有珠 太郎", "090-1234-5678")
    with pytest.raises(BookingRefused, match="No booking matches"):
        bookings.cancel(first.reference, "0000")
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
    with pytest.raises(BookingRefused, match="3 bookings"):
        bookings.book(december[3].id, "伊達 花子", "0142 23 3331")  # the same number, written otherwise
    assert bookings.slot(december[3].id).booked == 0  # the refused attempt took no place
    assert bookings.book(december[3].id, "有珠 太郎", "090-1234-5678").status == "booked"
    assert bookings.book(january[0].id, "伊達 花子", "0142-23-3331").status == "booked"


@pytest.mark.parametrize("name,phone", [("", "0142233331"), ("伊達", "123"), ("伊達", "")])
def test_a_booking_needs_a_name_and_a_phone_number(bookings, gym, name, phone):
    slot = bookings.slots(gym, dt.date(2026, 11, 21), dt.date(2026, 11, 21))[0].slot
    with pytest.raises(BookingRefused):
        bookings.book(slot.id, name, phone)


def test_a_tampered_slot_id_is_refused(bookings, gym):
    with pytest.raises(BookingRefused):
        bookings.book(999_999, "伊達 花子", "0142-23-3331")


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
    processes = [context.Process(target=_process_attempts, args=(url, morning.id, 100 * p, 100, queue)) for p in range(2)]
    for p in processes:
        p.start()
    taken = queue.get(timeout=120) + queue.get(timeout=120)
    for p in processes:
        p.join(timeout=30)
    assert len(taken) == 10 and bookings.slot(morning.id).booked == 10
