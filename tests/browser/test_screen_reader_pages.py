"""What a screen reader hears, read from Chromium's own accessibility tree (CDP Accessibility.getFullAXTree)
on the demo server, JavaScript off (issue 18, point 9): each booking time is named with its day, the Back
link is named 戻る without its arrow, an error in the name leaves the reading field alone, the question
count never goes back on its total, and a facility named in Japanese is marked so on a Vietnamese check page."""

from __future__ import annotations

import re

import pytest

from .demo import BOOKING, EVENT, SURVEY
from .resident import press_continue

pytestmark = pytest.mark.browser


def ax_nodes(page, role: str) -> list[dict]:
    """The nodes of one role in Chromium's accessibility tree, in document order, as a screen reader gets them."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    return [n for n in nodes if not n.get("ignored") and n.get("role", {}).get("value") == role]


def name(node: dict) -> str:
    return node.get("name", {}).get("value", "")


def description(node: dict) -> str:
    return node.get("description", {}).get("value", "")


def invalid(node: dict) -> bool:
    return any(p["name"] == "invalid" and p["value"].get("value") not in (None, "false")
               for p in node.get("properties", []))


def textbox(page, label: str) -> dict:
    found = [n for n in ax_nodes(page, "textbox") if label in name(n)]
    assert len(found) == 1, [name(n) for n in ax_nodes(page, "textbox")]
    return found[0]


def go(page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}"


def submit(page, expected: int = 303) -> None:
    response = press_continue(page)
    assert response.status == expected, f"{page.url}: {response.status}"


def to_the_slot_picker(page) -> None:
    go(page, f"/a/{BOOKING}/p/1")
    page.locator("input[name='facility'][value='gym']").check()
    submit(page)
    if page.locator("input[name='gym_time']").count() == 0:  # nothing left this week: the next one
        with page.expect_navigation():
            page.get_by_role("link", name="次の週").click()


def test_each_booking_time_is_named_with_its_day(resident_context):
    page = resident_context().new_page()
    to_the_slot_picker(page)
    days = page.locator("input[name='gym_time']").evaluate_all(
        "(radios) => radios.map((r) => document.getElementById(r.closest('ul').getAttribute('aria-labelledby'))"
        ".textContent.trim())")
    assert len(set(days)) >= 2, "times on more than one day, to tell apart"
    radios = ax_nodes(page, "radio")
    assert len(radios) == len(days)
    for radio, day in zip(radios, days, strict=True):
        assert day in name(radio), f"{name(radio)!r} does not say its day {day!r}"
    assert len({name(r) for r in radios}) == len(radios), "no two times read the same"


def test_the_back_link_is_named_back_without_its_arrow(resident_context):
    page = resident_context().new_page()
    go(page, f"/a/{BOOKING}/p/1")
    backs = [n for n in ax_nodes(page, "link") if "戻る" in name(n)]
    assert [name(n) for n in backs] == ["戻る"]


def to_the_name_page(page) -> None:
    go(page, f"/a/{EVENT}/p/2")
    page.locator("input[name='session']").first.check()
    submit(page)
    page.locator("input[name='people']").fill("1")
    submit(page)
    assert page.locator("input[name='applicant']").count() == 1


def test_an_error_in_the_name_leaves_the_reading_field_unmarked_and_without_the_names_hint(resident_context):
    page = resident_context().new_page()
    to_the_name_page(page)
    page.locator("input[name='applicant-reading']").fill("だて はなこ")
    submit(page, 422)
    name_box, reading = textbox(page, "お名前"), textbox(page, "ふりがな")
    assert invalid(name_box) and "入力" in description(name_box)
    assert not invalid(reading) and description(reading) == ""
    assert page.locator(".field--error").count() == 1, "one red bar: the name's"


def test_an_error_in_the_reading_is_told_at_the_reading_only(resident_context):
    page = resident_context().new_page()
    to_the_name_page(page)
    page.locator("input[name='applicant']").fill("伊達 花子")
    page.locator("input[name='applicant-reading']").fill("Hanako")
    submit(page, 422)
    name_box, reading = textbox(page, "お名前"), textbox(page, "ふりがな")
    assert invalid(reading) and "ひらがな" in description(reading)
    assert not invalid(name_box) and "ひらがな" not in description(name_box)
    assert page.locator(".field--error").count() == 1, "one red bar: the reading's"
    # The error summary's link goes to the reading field.
    assert page.locator(".error-summary a").first.get_attribute("href") == "#f-applicant-reading"


COUNT = re.compile(r"^(\d+)問目（全部で(\d+)問(以上)?）$")


def answer_page_opening_everything(page) -> None:
    """Answer so that every follow-up opens: yes, every box ticked, some words in every text field."""
    for radio_name in set(page.locator("input[type=radio]").evaluate_all("(rs) => rs.map((r) => r.name)")):
        yes = page.locator(f"input[name='{radio_name}'][value='yes']")
        (yes if yes.count() else page.locator(f"input[name='{radio_name}']").first).check()
    for box in page.locator("input[type=checkbox]").all():
        box.check()
    for select in page.locator("select").all():
        select.select_option(index=1)
    for field in page.locator("textarea, main form input[type=text]:not([tabindex='-1'])").all():
        field.fill("特にありません")
    submit(page)


def test_the_question_count_never_goes_back_on_its_total(resident_context):
    page = resident_context().new_page()
    go(page, f"/a/{SURVEY}/p/1")
    counts = []
    while "/p/" in page.url:
        step = page.locator("p.step")
        if step.count():
            text = step.inner_text().strip()
            found = COUNT.match(text)
            assert found, f"{text!r} is not 「5問目（全部で7問）」 or 「5問目（全部で7問以上）」"
            counts.append((int(found.group(1)), int(found.group(2)), found.group(3) is None))
        answer_page_opening_everything(page)
    assert page.url.endswith("/check") and len(counts) >= 8
    assert [step for step, _total, _exact in counts] == list(range(1, len(counts) + 1))
    for (_, total, exact), (_, later, later_exact) in zip(counts, counts[1:], strict=False):
        assert later >= total, counts  # never fewer than was said
        assert not exact or (later == total and later_exact), counts  # an exact total stays
    assert counts[-1] == (len(counts), len(counts), True), "the last question knows the total"
    assert not counts[0][2], "at the start, follow-ups may still open"


def test_a_facility_named_in_japanese_is_marked_japanese_on_the_vietnamese_check_page(resident_context):
    page = resident_context().new_page()
    go(page, f"/lang/vi?next=/a/{BOOKING}/p/1")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.locator("input[name='facility'][value='gym']").check()
    submit(page)
    if page.locator("input[name='gym_time']").count() == 0:
        with page.expect_navigation():
            page.locator(".slot-weeks a").last.click()
    page.locator("input[name='gym_time']").first.check()
    submit(page)
    page.locator("input[name='name']").fill("Nguyen Van An")
    submit(page)
    page.locator("input[name='phone']").fill("0142-23-3318")
    submit(page)
    page.locator("input[name='consent']").check()
    submit(page)
    assert page.url.endswith("/check")
    facility = page.locator(".answer-value").first
    assert "総合体育館" in facility.inner_text()
    assert facility.locator("text=総合体育館").evaluate("(e) => e.closest('[lang]').lang") == "ja"
