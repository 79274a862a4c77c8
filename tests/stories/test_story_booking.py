"""A facility booking, as the city lives it (issue 17, story d).

The lifelong-learning section opens the city gymnasium to bookings: a clerk adds the facility with its
weekly times, makes the booking app from the template, points its time pickers at the gymnasium, and an
admin publishes it. A resident books a morning on their phone (JavaScript off) and gets a reference
number. The clerk sees the booking on the gymnasium's calendar, and at the resident's request moves it to
another day. The resident later cancels it with the reference number and the last four digits of their
phone: the cancel page names the new day, and the calendar shows the place free again. Then the floor is
to be waxed: the clerk closes that morning, and residents can no longer choose it.

Staff work in English (lang="en"); the resident in Japanese, on an old phone.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.resident import fill_in

from .desk import address_of, go, make_an_app_from_the_template, notified, open_staff_page, press, publish

GYM = "総合体育館"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PHONE_DIGITS = "3331"  # the resident gives 0142-23-3331 (tests/browser/resident.py)


# --- the clerk ------------------------------------------------------------------------------------------


def add_the_facility_with_a_morning_every_day(page, name: str) -> int:
    """Facility bookings → Add a facility → its name, a time each day (09:00–12:00, 10 places) → Save; its number."""
    open_staff_page(page, "/resources")
    page.get_by_role("button", name="Add a facility").click()
    page.get_by_label("Name of the facility").fill(name)
    for day in DAYS:
        page.get_by_role("button", name=f"Add a time on {day}").click()
        page.get_by_label(f"{day} time 1: start").wait_for()
    page.get_by_role("button", name="Save").click()
    notified(page, f"Saved: {name}")
    row = page.locator("tr", has=page.get_by_text(name, exact=True))
    return int(row.locator("td").first.inner_text())


def point_the_time_pickers_at(page, app_id: int, facility: int) -> None:
    """In the editor, each slot picker (pages 2 and 3 of the template) → its Facility number."""
    open_staff_page(page, f"/apps/{app_id}")
    for page_index, key in ((1, "gym_time"), (2, "room_time")):
        page.locator(f'li.mdg-widget[data-page="{page_index}"][data-index="0"] .mdg-widget-name').click()
        expect(page.get_by_label("Data name", exact=True)).to_have_value(key)  # its properties are shown
        number = page.get_by_label("Facility number")
        number.wait_for()
        if number.input_value() != str(facility):
            number.fill(str(facility))
            number.press("Tab")
            page.get_by_text("All changes saved").wait_for()


def open_the_calendar(page, facility: int, day: str) -> None:
    """The facility's calendar (Facility bookings → Calendar), on the day the resident named."""
    open_staff_page(page, "/resources")
    page.get_by_label(f"Calendar of {GYM}").click()
    page.wait_for_url(re.compile(rf"/staff/resources/{facility}/calendar"))
    open_staff_page(page, f"/resources/{facility}/calendar?day={day}")
    page.get_by_role("heading", name=re.compile(rf"^{day} \(")).wait_for()


def move_the_booking(page, reference: str, to_day: str) -> None:
    page.get_by_role("button", name=f"Move the booking {reference}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Date").fill(to_day)
    dialog.get_by_label("Date").press("Tab")
    dialog.get_by_label("New time").click()
    page.get_by_role("option", name=re.compile(r"^09:00–12:00")).click()
    dialog.get_by_role("button", name="Move", exact=True).click()
    notified(page, f"Moved: {reference}")


def close_the_time(page, day: str) -> None:
    page.get_by_role("button", name=re.compile(rf"^Close {day} \(.*\) 09:00–12:00$")).click()
    notified(page, "Closed. Nobody had booked this time.")


# --- the resident ---------------------------------------------------------------------------------------


def choose_the_gym(page, address: str) -> None:
    go(page, address)
    with page.expect_navigation():
        page.locator("main .button--start").click()
    page.locator("input[name='facility']").first.check()
    press(page)


def open_times(page) -> list[tuple[str, str]]:
    """(day, slot) of each time the picker offers, in order."""
    offered = page.locator("li.slot--open input[type=radio]")
    return [(offered.nth(i).evaluate("(e) => e.closest('ul').getAttribute('aria-labelledby').slice(4)"),
             offered.nth(i).get_attribute("value")) for i in range(offered.count())]


def book(page, slot: str) -> str:
    page.locator(f"li.slot--open input[value='{slot}']").check()
    press(page)
    for _ in range(5):
        if page.url.endswith("/check"):
            break
        fill_in(page)  # name, phone 0142-23-3331, consent
        press(page)
    press(page)
    assert page.locator("h1").inner_text() == "予約が確定しました"
    return page.locator(".reference").inner_text().strip()


def cancel(page, address: str, reference: str) -> str:
    """The cancel page: the reference number and the phone's last 4 digits → what it names → Yes, cancel."""
    go(page, f"{address}/cancel")
    page.locator("#f-reference").fill(reference)
    page.locator("#f-last4").fill(PHONE_DIGITS)
    press(page, 200)
    assert page.locator("h1").inner_text() == "この予約を取り消しますか"
    named = page.locator("main").inner_text()
    press(page)
    assert page.locator("h1").inner_text() == "予約を取り消しました"
    return named


def japanese_day(iso: str) -> str:
    _year, month, day = (int(part) for part in iso.split("-"))
    return f"{month}月{day}日"


def test_a_resident_books_staff_see_and_move_it_the_resident_cancels_and_staff_close_the_time(staff, resident):
    clerk = staff(lang="en")
    gym = add_the_facility_with_a_morning_every_day(clerk, GYM)
    app_id = make_an_app_from_the_template(clerk, "Book the gym or a meeting room")
    point_the_time_pickers_at(clerk, app_id, gym)
    publish(clerk, app_id)
    address = address_of(clerk, app_id)

    # A resident books the first morning offered.
    phone = resident()
    choose_the_gym(phone, address)
    times = open_times(phone)
    assert len(times) >= 2, times
    (first_day, first_slot), (second_day, _second_slot) = times[0], times[1]
    reference = book(phone, first_slot)
    assert re.fullmatch(r"\d{4}-\d{4}", reference), reference

    # The clerk sees it on the calendar, and moves it to the next morning offered.
    open_the_calendar(clerk, gym, first_day)
    booking = clerk.locator("tr", has=clerk.get_by_text(reference, exact=True))
    assert "伊達 花子" in booking.inner_text()
    clerk.get_by_text("1 of 10 booked").wait_for()
    move_the_booking(clerk, reference, second_day)
    clerk.get_by_text("No bookings yet.").wait_for()
    open_the_calendar(clerk, gym, second_day)
    clerk.get_by_text(reference, exact=True).wait_for()

    # The resident cancels: the cancel page names the new day.
    named = cancel(phone, address, reference)
    assert japanese_day(second_day) in named, named
    open_the_calendar(clerk, gym, second_day)
    clerk.get_by_text("0 of 10 booked").wait_for()
    assert clerk.get_by_text(reference, exact=True).count() == 0

    # The clerk closes the first morning: residents can no longer choose it.
    open_the_calendar(clerk, gym, first_day)
    close_the_time(clerk, first_day)
    clerk.get_by_text("Closed", exact=True).wait_for()
    late = resident()
    choose_the_gym(late, address)
    assert first_slot not in [slot for _day, slot in open_times(late)]
    assert late.locator(f"input[value='{first_slot}']:not([disabled])").count() == 0
