"""The facility-booking screens, in the user simulation against a real SQLite store with a moved clock:
facilities and their schedules, the calendar by day and week, staff booking, moving, cancelling and
closing for residents, and the printable day sheet."""

from __future__ import annotations

import datetime as dt

import pytest

from generated_apps.domain.audit import Audit
from generated_apps.domain.bookings import Bookings
from tests.generated_apps.test_lifecycle import Clock
from tests.htmlpage import parse

from .conftest import until
from .test_lifecycle_screens import choose

NOW = dt.datetime(2026, 11, 16, 0, 0, tzinfo=dt.UTC)  # Monday 16 November 2026, 9:00 in Date City
WEEKLY = {"mon": [{"start": "09:00", "end": "12:00", "capacity": 10},
                  {"start": "13:00", "end": "17:00", "capacity": 2}],
          "sat": [{"start": "10:00", "end": "12:00", "capacity": 1}]}
MONDAY = dt.date(2026, 11, 16)


@pytest.fixture
async def desk(signed_in):
    """A member of staff (sato) signed in, in English, on Monday 16 November 2026 at 9:00 city time."""
    signed_in.store.clock = Clock(NOW)
    signed_in.bookings = Bookings(signed_in.store)
    return signed_in


@pytest.fixture
def gym(desk):
    return desk.bookings.create_resource("体育館", WEEKLY, by="kato")


def monday_slots(desk, gym):
    return [v.slot for v in desk.bookings.slots(gym, MONDAY, MONDAY)]


def actions(store) -> list[tuple[str, str]]:
    return [(e.action, e.actor) for e in Audit(store).events()]


async def test_staff_add_a_facility_with_its_weekly_times_and_rules(desk):
    await desk.open("/resources")
    await desk.should_see(marker="no-resources")
    desk.find(marker="add-resource").click()
    await desk.should_see(marker="resource-name")
    desk.find(marker="resource-name").type("体育館")
    desk.find(marker="add-time-mon").click()  # a new time starts as 09:00-12:00 with 10 places
    await desk.should_see(marker="start-mon-0")
    desk.find(marker="add-time-mon").click()
    await desk.should_see(marker="start-mon-1")
    desk.find(marker="start-mon-1").clear().type("13:00")
    desk.find(marker="end-mon-1").clear().type("17:00")
    desk.find(marker="capacity-mon-1").clear().type("2")
    desk.find(marker="add-time-sat").click()
    await desk.should_see(marker="remove-sat-0")
    desk.find(marker="remove-sat-0").click()  # added by mistake, taken away again
    desk.find(marker="closed-date").type("2026-11-30")
    desk.find(marker="add-closed-date").click()
    await desk.should_see(marker="closed-2026-11-30")
    desk.find(marker="monthly-limit").type("3")
    desk.find(marker="save-resource").click()
    await until(lambda: len(desk.bookings.resources()) == 1)
    [gym] = desk.bookings.resources()
    assert (gym.name, gym.schedule, gym.closed_dates) == ("体育館", {"mon": WEEKLY["mon"]}, ["2026-11-30"])
    assert (gym.holidays_closed, gym.days_ahead, gym.hours_before, gym.monthly_limit, gym.active) == (
        True, 60, 24, 3, True)
    assert actions(desk.store)[-1] == ("resource.create", "sato")
    await desk.should_see("Saved: 体育館")
    await desk.should_see(marker=f"resource-{gym.id}")


async def test_overlapping_times_are_refused_and_nothing_is_made(desk):
    await desk.open("/resources")
    desk.find(marker="add-resource").click()
    await desk.should_see(marker="resource-name")
    desk.find(marker="resource-name").type("会議室A")
    for _ in range(2):
        desk.find(marker="add-time-tue").click()  # twice 09:00-12:00
    await desk.should_see(marker="start-tue-1")
    desk.find(marker="save-resource").click()
    await desk.should_see(marker="refusal")
    await desk.should_see("Times overlap on Tuesday: 09:00-12:00 and 09:00-12:00")
    assert desk.bookings.resources() == []


async def test_lowering_places_below_the_bookings_taken_is_refused_with_the_residents_to_call(desk, gym):
    [_morning, afternoon] = monday_slots(desk, gym)
    first = desk.bookings.book(afternoon.id, "伊達 花子", "0142-23-3331", by="kato")
    second = desk.bookings.book(afternoon.id, "有珠 太郎", "090-1234-5678", by="kato")
    await desk.open(f"/resources?edit={gym.id}")
    await desk.should_see(marker="capacity-mon-1")
    desk.find(marker="capacity-mon-1").clear().type("1")
    desk.find(marker="save-resource").click()
    await desk.should_see("The new capacity is below the places already booked. Move or cancel these bookings first")
    with desk.scope(marker="affected-bookings"):
        for text in (first.reference, "伊達 花子", "0142-23-3331", second.reference, "有珠 太郎", "090-1234-5678",
                     "2026-11-16 (Mon) 13:00–17:00", "Fewer places than bookings"):
            await desk.should_see(text)
    assert desk.bookings.resource(gym.id).schedule == WEEKLY
    assert desk.bookings.slot(afternoon.id).capacity == 2


async def test_the_calendar_shows_each_time_with_its_counts_and_bookings_by_day_and_by_week(desk, gym):
    [morning, afternoon] = monday_slots(desk, gym)
    taken = [desk.bookings.book(afternoon.id, name, phone, by="kato")
             for name, phone in (("伊達 花子", "0142-23-3331"), ("有珠 太郎", "090-1234-5678"))]
    await desk.open(f"/resources/{gym.id}/calendar")  # today, by day
    await desk.should_see("2026-11-16 (Mon)")
    opened = Audit(desk.store).events()[-1]  # it names who booked: opening it is in the audit log
    assert (opened.action, opened.target) == ("bookings.calendar", str(gym.id))
    with desk.scope(marker=f"slot-{morning.id}"):
        await desk.should_see("0 of 10 booked")
        await desk.should_see("10 left")
        await desk.should_see("No bookings yet.")
    with desk.scope(marker=f"slot-{afternoon.id}"):
        await desk.should_see("2 of 2 booked")
        await desk.should_see("Full")
        for booking in taken:
            await desk.should_see(booking.reference)
        await desk.should_see("0142-23-3331")  # as phone numbers are written
        await desk.should_see("kato")
    choose(desk, "view", "week")
    await desk.should_see(marker="week-2026-11-21")
    await desk.should_see("2026-11-16 (Mon) – 2026-11-22 (Sun)")
    with desk.scope(marker="week-2026-11-21"):
        await desk.should_see("10:00–12:00")
        await desk.should_see("0 of 1 booked · 1 left")
    desk.find(marker="next").click()
    await desk.should_see("2026-11-23 (Mon) – 2026-11-29 (Sun)")
    with desk.scope(marker="week-2026-11-23"):  # 勤労感謝の日: closed
        await desk.should_see("—")
    desk.find(marker="open-2026-11-28").click()
    await desk.should_see(marker="day-sheet")  # the day view, which the toggle now says
    assert desk.find(marker="view").elements.pop().value == "day"
    assert desk.find(marker="period").elements.pop().text == "2026-11-28 (Sat)"
    desk.find(marker="today").click()
    await desk.should_see(f"{taken[0].reference}")


async def test_staff_book_move_and_cancel_for_a_resident_and_each_is_in_the_audit_log(desk, gym):
    [morning, afternoon] = monday_slots(desk, gym)
    await desk.open(f"/resources/{gym.id}/calendar?day=2026-11-16")
    desk.find(marker=f"book-{morning.id}").click()
    await desk.should_see(marker="booking-name")
    desk.find(marker="booking-name").type("伊達 花子")
    desk.find(marker="booking-phone").type("0142-23-3331")
    desk.find(marker="booking-save").click()
    await until(lambda: desk.bookings.slot(morning.id).booked == 1)
    [item] = [c for c in desk.bookings.calendar(gym, MONDAY, MONDAY) if c.bookings]
    booking = item.bookings[0]
    assert (booking.name, booking.phone, booking.entered_by) == ("伊達 花子", "0142233331", "sato")
    await desk.should_see(f"Booked. Reference number {booking.reference}")
    await desk.should_see(marker=f"booking-{booking.reference}")

    desk.find(marker=f"move-{booking.reference}").click()
    await desk.should_see(marker="move-to")
    await until(lambda: afternoon.id in desk.find(marker="move-to").elements.pop().options)
    await desk.should_not_see(marker="no-time-left")
    choose(desk, "move-to", afternoon.id)
    desk.find(marker="move-save").click()
    await until(lambda: desk.bookings.slot(afternoon.id).booked == 1)
    assert desk.bookings.slot(morning.id).booked == 0
    await desk.should_see(f"Moved: {booking.reference}")

    def listed_at(slot_id: int) -> bool:  # the calendar redraws after the move: look at it as it is now
        try:
            cards = desk.find(marker=f"slot-{slot_id}").elements
        except AssertionError:  # between two drawings
            return False
        return any(booking.reference in str(getattr(e, "text", "")) for card in cards for e in card.descendants())

    await until(lambda: listed_at(afternoon.id))
    desk.find(marker=f"cancel-{booking.reference}").click()
    await desk.should_see(marker="cancel-confirm")
    desk.find(marker="cancel-confirm").click()
    await until(lambda: desk.bookings.slot(afternoon.id).booked == 0)
    await desk.should_see(f"Cancelled: {booking.reference}")
    assert actions(desk.store)[-3:] == [("booking.create", "sato"), ("booking.move", "sato"),
                                        ("booking.cancel", "sato")]


async def test_a_booking_refused_by_the_store_is_told_and_the_dialog_stays(desk, gym):
    saturday = desk.bookings.slots(gym, dt.date(2026, 11, 21), dt.date(2026, 11, 21))[0].slot
    await desk.open(f"/resources/{gym.id}/calendar?day=2026-11-21")
    desk.find(marker=f"book-{saturday.id}").click()
    await desk.should_see(marker="booking-name")
    desk.find(marker="booking-name").type("伊達 花子")
    desk.find(marker="booking-phone").type("123")
    desk.find(marker="booking-save").click()
    await desk.should_see("Give a name and a phone number of 10 or 11 digits")
    await desk.should_see(marker="booking-save")
    assert desk.bookings.slot(saturday.id).booked == 0


async def test_closing_a_time_lists_the_residents_to_call_and_it_can_be_reopened(desk, gym):
    [morning, _afternoon] = monday_slots(desk, gym)
    for name, phone in (("伊達 花子", "0142-23-3331"), ("有珠 太郎", "090-1234-5678")):
        desk.bookings.book(morning.id, name, phone, by="kato")
    await desk.open(f"/resources/{gym.id}/calendar?day=2026-11-16")
    desk.find(marker=f"close-{morning.id}").click()
    await desk.should_see(marker="to-call")
    with desk.scope(marker="to-call"):
        for text in ("伊達 花子", "0142-23-3331", "有珠 太郎", "090-1234-5678"):
            await desk.should_see(text)
    assert desk.bookings.slot(morning.id).closed and desk.bookings.slot(morning.id).booked == 2
    await desk.should_see(marker=f"reopen-{morning.id}")
    assert desk.find(marker=f"state-{morning.id}").elements.pop().text == "Closed"
    desk.find(marker=f"reopen-{morning.id}").click()
    await until(lambda: not desk.bookings.slot(morning.id).closed)
    assert actions(desk.store)[-2:] == [("slot.close", "sato"), ("slot.reopen", "sato")]


async def test_the_day_sheet_prints_every_time_of_the_day_and_its_bookings(desk, gym):
    [morning, afternoon] = monday_slots(desk, gym)
    taken = [desk.bookings.book(afternoon.id, name, phone, by="kato")
             for name, phone in (("伊達 花子", "0142-23-3331"), ("<b>有珠</b> 太郎", "090-1234-5678"))]
    response = await desk.http_client.get(f"/resources/{gym.id}/day-sheet?day=2026-11-16")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    page = parse(response.text)
    assert page.find("h1").text == "体育館 2026-11-16 (Mon)"
    assert [h.text for h in page.find_all("h2")] == ["09:00–12:00 0 of 10 booked · 10 left",
                                                     "13:00–17:00 2 of 2 booked · Full"]
    rows = [[td.text for td in tr.find_all("td")] for tr in page.find_all("tr") if tr.find("td")]
    assert rows == [["", taken[0].reference, "伊達 花子", "0142-23-3331", "kato"],  # as phone numbers are written
                    ["", taken[1].reference, "<b>有珠</b> 太郎", "090-1234-5678", "kato"]]  # escaped, not markup
    assert len(page.find_all("span", cls="box")) == 2
    assert "@media print" in response.text
    assert Audit(desk.store).events()[-1].action == "booking.day_sheet"
    assert (await desk.http_client.get(f"/resources/{gym.id + 1}/day-sheet")).status_code == 404
    # A facility id no table can hold is no such facility either (SQLite cannot even bind it).
    assert (await desk.http_client.get(f"/resources/{2**63}/day-sheet")).status_code == 404


async def test_the_booking_pages_ask_for_a_sign_in(staff_gui):
    from .conftest import add_staff

    add_staff(staff_gui.store)
    gym = Bookings(staff_gui.store).create_resource("体育館", WEEKLY, by="kato")
    response = await staff_gui.http_client.get(f"/resources/{gym.id}/day-sheet")
    assert response.status_code == 303 and "/signin" in response.headers["location"]
    assert (await staff_gui.http_client.get("/resources")).status_code == 303


async def test_every_member_of_staff_finds_the_facilities_in_the_header(desk):
    await desk.open("/")
    desk.find("Facility bookings").click()
    await desk.should_see(marker="add-resource")
