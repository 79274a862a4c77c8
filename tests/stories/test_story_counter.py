"""Story (e): a resident brings a paper form to the counter, and a clerk enters it for them.

The health class sign-up is live. A resident who has no smartphone hands the clerk a filled-in paper
form; from the submissions page the clerk opens counter entry, copies the form page by page (the
resident pages, with a yellow strip naming the clerk), checks the answers and sends them, and prints
the confirmation as the resident's slip: in print the strip and the staff note are gone, the
reference number stays. The submission is in the table marked as entered at the counter by that
clerk; the slip can be printed again from it. Then the same at the counter of a survey with 100,000
submissions: the new one is found among them by its reference number.
"""

from __future__ import annotations

import re

import pypdfium2
import pytest

from tests.browser.resident import fill_in, press_continue

from .clerk import (
    answers_shown,
    facts,
    go_to_publishing,
    open_submission,
    open_submissions,
    publish_now,
    search,
    start_from_template,
    table_rows,
    total,
    total_shown,
)
from .conftest import ADMIN_NAME

pytestmark = pytest.mark.browser

CLASS_SIGN_UP = "いきいき健康教室の参加申込"
STRIP = f"窓口での代理入力（入力者：{ADMIN_NAME}）"
MAX_PAGES = 20


def open_counter_entry(page, app_id: int) -> int:
    """From the app's submissions (how many there are is returned), the link staff use when a resident
    is at the counter."""
    open_submissions(page, app_id)
    before = total(page)
    page.get_by_role("link", name="住民の方に代わって入力（窓口）").click()
    page.wait_for_url(re.compile(rf"/staff/counter/{app_id}$"))
    assert STRIP in page.locator(".counter-strip").inner_text()
    return before


def copy_the_paper_form(page, app_id: int) -> None:
    """Start, then fill in each page as the paper says, up to the check page."""
    page.locator("main").get_by_role("link", name="はじめる").click()
    for _ in range(MAX_PAGES):
        if page.url.endswith(f"/staff/counter/{app_id}/check"):
            return
        assert STRIP in page.locator(".counter-strip").inner_text(), page.url
        fill_in(page, past_dates=True)
        assert press_continue(page).status == 303, page.url
    raise AssertionError(f"no check page after {MAX_PAGES} pages: {page.url}")


def send_for_the_resident(page) -> str:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="送信する").click()
    page.get_by_role("heading", name="送信しました", level=1).wait_for()
    return page.locator("main .reference").inner_text().strip()


def print_the_slip(page) -> str:
    """Print the page (as Ctrl+P would, to PDF): the text on the paper the resident takes home."""
    document = pypdfium2.PdfDocument(page.pdf(format="A4"))
    try:
        return "".join(document[n].get_textpage().get_text_range() for n in range(len(document)))
    finally:
        document.close()


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_paper_form_entered_at_the_counter_is_printed_as_a_slip_and_listed_as_counter_entry(staff, big_table):
    page = staff()
    app_id = start_from_template(page, CLASS_SIGN_UP)
    go_to_publishing(page)
    publish_now(page)

    # The clerk enters the paper form for the resident and sends it.
    open_counter_entry(page, app_id)
    copy_the_paper_form(page, app_id)
    check = page.locator("main").inner_text()
    assert "伊達 花子" in check and "0142-23-3331" in check
    reference = send_for_the_resident(page)
    assert re.fullmatch(r"\d{4}-\d{4}", reference)
    assert page.locator(".counter-note").is_visible()  # tells the clerk to print it

    # The slip: the reference number in large print, without the staff strip and note.
    slip = flat(print_the_slip(page))
    assert reference in slip and "0142-23-3331" in slip
    assert flat(STRIP) not in slip and "Ctrl+P" not in slip

    # In the table: entered at the counter, by the clerk, through no access point.
    page.locator(".counter-strip").get_by_role("link", name="受付一覧に戻る").click()
    page.get_by_role("heading", name=re.compile("^受付一覧："), level=1).wait_for()
    total_shown(page, "1件")
    row = table_rows(page).first.inner_text()
    assert reference in row and ADMIN_NAME in row
    open_submission(page, reference)
    assert answers_shown(page)["申し込む方のお名前"].startswith("伊達 花子")
    seen = facts(page)
    assert seen["代理入力"] == ADMIN_NAME, seen
    assert seen["設置場所"] == "なし（アプリのアドレスから）", seen

    # The slip again, from the submission, for a resident who lost theirs.
    page.get_by_role("link", name="住民の方の控えをもう一度印刷").click()
    page.wait_for_url(re.compile(rf"/staff/counter/{app_id}/slip/\d+$"))
    assert page.locator("main .reference").inner_text().strip() == reference
    assert reference in flat(print_the_slip(page))

    # At the counter of the survey with 100,000 submissions: the new one is found among them.
    before = open_counter_entry(page, big_table.app_id)
    assert before >= big_table.count
    copy_the_paper_form(page, big_table.app_id)
    big_reference = send_for_the_resident(page)
    page.locator(".counter-strip").get_by_role("link", name="受付一覧に戻る").click()
    page.get_by_role("heading", name=re.compile("^受付一覧："), level=1).wait_for()
    assert total(page) == before + 1
    assert big_reference in table_rows(page).first.inner_text()  # the newest first
    search(page, big_reference.replace("-", ""))
    total_shown(page, "1件", timeout=30_000)
    assert ADMIN_NAME in table_rows(page).first.inner_text()
