"""A resident books the gym and cancels it in Chromium with JavaScript off, at 320 and 390 px: the slot
picker, the check page, the confirmation, and the cancel pages (with a refusal), each passing our own
checks and axe as ACCESSIBILITY.md configures it. The demo server's facility 1 is the gymnasium."""

from __future__ import annotations

import pytest

from .demo import BOOKING
from .resident import press_continue
from .test_other_pages import assert_checks

pytestmark = pytest.mark.browser

PHONE = {320: "0142-23-3320", 390: "0142-23-3390"}  # one resident per width: the monthly limit is per phone


def small_contact_links(page) -> list[str]:
    """Phone and mail links under 44 x 44 px (ACCESSIBILITY.md 7). Our page checks let a link inside a
    sentence be smaller (WCAG's inline exception); a resident's thumb must still hit the number to call."""
    small = []
    for link in page.locator("a[href^='tel:'], a[href^='mailto:']").all():
        box = link.bounding_box()
        if box is not None and (box["width"] < 43.5 or box["height"] < 43.5):
            small.append(f"{link.get_attribute('href')}: {box['width']:.0f}x{box['height']:.0f}px")
    return small


def go(page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}"


def submit(page, expected: int = 303):
    """Press the form's main button and wait for the next page (JavaScript is off: a real POST)."""
    response = press_continue(page)
    assert response.status == expected, f"{page.url}: {response.status}"
    return response


@pytest.mark.parametrize("width", [320, 390])
def test_booking_then_cancelling_passes_every_check(resident_context, axe, width):
    page = resident_context(width).new_page()
    go(page, f"/a/{BOOKING}/p/1")
    page.locator("input[name='facility'][value='gym']").check()
    submit(page)
    assert page.locator(".slot-day").count() >= 1, "the week of times is shown"
    assert_checks(page, axe, "the slot picker")
    # Next week and back, by links (no script).
    with page.expect_navigation():
        page.get_by_role("link", name="次の週").click()
    assert "week=" in page.url
    assert_checks(page, axe, "the slot picker, next week")
    page.locator("input[name='gym_time']").first.check()
    submit(page)
    page.locator("input[name='name']").fill("伊達 花子")
    submit(page)
    page.locator("input[name='phone']").fill(PHONE[width])
    submit(page)
    page.locator("input[name='consent']").check()
    submit(page)
    assert page.url.endswith("/check")
    assert page.locator(".answer-value", has_text="令和").count() == 1, "the time in words, with the era year"
    submit(page)

    assert page.url.endswith("/done")
    assert page.locator("h1").inner_text() == "予約が確定しました"
    reference = page.locator(".reference").inner_text().strip()
    assert page.locator(".booked-when").inner_text().startswith("令和")
    assert_checks(page, axe, "the booking confirmation")
    assert page.locator("main a[href^='tel:']").count() == 1, "the phone number to call if they cannot come"
    assert small_contact_links(page) == []

    go(page, f"/a/{BOOKING}/cancel")
    assert_checks(page, axe, "the cancel page")
    page.locator("#f-reference").fill(reference)
    page.locator("#f-last4").fill("0000")
    submit(page, 422)
    assert page.locator(".notice").count() == 1
    assert_checks(page, axe, "the cancel page, refused")
    page.locator("#f-reference").fill("12")
    submit(page, 422)
    assert page.title().startswith("エラー:")
    assert_checks(page, axe, "the cancel page with an error")
    page.locator("#f-reference").fill(reference)
    page.locator("#f-last4").fill(PHONE[width][-4:])
    submit(page, 200)
    assert page.locator("h1").inner_text() == "この予約を取り消しますか"
    assert_checks(page, axe, "the cancel confirmation")
    submit(page)
    assert page.locator("h1").inner_text() == "予約を取り消しました"
    assert_checks(page, axe, "the cancelled page")
