"""A consultation, as the city lives it (issue 17, story c).

The citizen-consultation desk makes a consultation app from the template, publishes it and puts its QR code
up at the counter. A resident scans the code with an old phone (JavaScript off) and asks about snow
clearing. A clerk finds it in the table, reads it and writes the reply in the builder. The resident comes
back with the reference number and the last four digits of their phone, and reads the reply in large print.
The clerk's page then says when the reply was written, and by whom. Then the same table over 100,000
submissions still answers, and so does one of them.

Staff work in Japanese, as the city does.
"""

from __future__ import annotations

import re

from tests.browser.resident import LONG_TEXT_ANSWER

from .conftest import ADMIN_NAME
from .desk import (
    answer_every_question_and_send,
    go,
    make_an_app_from_the_template,
    notified,
    open_staff_page,
    press,
    publish,
    put_up_a_qr_code,
)

REPLY = "ご相談ありがとうございます。\n12月1日から、除雪車が朝7時ごろに回ります。"
PHONE_DIGITS = "3331"  # the resident gave 0142-23-3331 (tests/browser/resident.py)


def find_the_consultation_in_the_table(page, app_id: int, reference: str) -> None:
    open_staff_page(page, f"/apps/{app_id}/submissions")
    page.get_by_role("heading", name=re.compile("^受付一覧：")).wait_for()
    page.get_by_role("link", name=reference).click()
    page.wait_for_url(re.compile(rf"/staff/apps/{app_id}/submissions/\d+$"))
    page.get_by_role("heading", name=f"受付番号 {reference}").wait_for()


def write_the_reply(page, text: str) -> None:
    page.get_by_label("回答", exact=True).fill(text)
    page.get_by_role("button", name="回答を保存").click()
    notified(page, "回答を保存しました。住民の方がすぐに読めます。")


def look_up_the_consultation(page, address: str, reference: str, digits: str) -> None:
    """The status page: the reference number and the last 4 digits of the phone, then 確かめる."""
    go(page, f"{address}/status")
    page.locator("#f-reference").fill(reference)
    page.locator("#f-last4").fill(digits)
    press(page, 200)


def test_a_resident_asks_staff_reply_and_the_resident_reads_the_reply(staff, resident, big_table):
    clerk = staff()
    app_id = make_an_app_from_the_template(clerk, "相談受付")
    publish(clerk, app_id)
    code = put_up_a_qr_code(clerk, app_id, "本庁舎1階 市民相談窓口")

    # A resident scans the poster's code, and asks (JavaScript off).
    phone = resident()
    go(phone, code)
    address = re.match(r"https?://[^/]+(/a/[^?]+)\?via=", phone.url).group(1)
    reference = answer_every_question_and_send(phone)
    assert re.fullmatch(r"\d{4}-\d{4}", reference), reference
    assert phone.get_by_role("link", name="相談の状況を確かめる").count() == 1

    # Before any reply, the status page says it was received.
    look_up_the_consultation(phone, address, reference, PHONE_DIGITS)
    assert phone.locator("h1").inner_text() == "相談の状況"
    assert phone.locator(".status-word").inner_text() == "受付済"
    assert phone.locator(".reply").count() == 0

    # The clerk finds it in the table, through the access point it came from, reads it and replies.
    find_the_consultation_in_the_table(clerk, app_id, reference)
    assert clerk.get_by_text("本庁舎1階 市民相談窓口").count() >= 1, "the access point it came through"
    assert clerk.get_by_text(LONG_TEXT_ANSWER).count() == 1, "the resident's own words"
    write_the_reply(clerk, REPLY)
    clerk.get_by_text(re.compile(rf"^最終回答：.*（{ADMIN_NAME}）$")).wait_for()  # by name, as colleagues know her

    # The resident comes back and reads the reply, line breaks and all.
    look_up_the_consultation(phone, address, reference, PHONE_DIGITS)
    assert phone.locator(".status-word").inner_text() == "回答済"
    assert phone.locator(".reply").inner_text() == REPLY

    # A wrong last four digits show nothing of it.
    look_up_the_consultation_refused(phone, address, reference)

    # The clerk opens the table again: the consultation is answered.
    open_staff_page(clerk, f"/apps/{app_id}/submissions")
    row = clerk.locator("tr", has=clerk.get_by_role("link", name=reference))
    row.get_by_text("回答済").wait_for()

    # The same table over a large one: its count, its newest page, and one submission opened.
    open_staff_page(clerk, f"/apps/{big_table.app_id}/submissions")
    held = big_table.holds()["all"]  # 100,000, and what the counter story may have added
    clerk.get_by_role("status").filter(has_text=re.compile(rf"^{held:,}件$")).wait_for(timeout=30_000)
    clerk.locator("tbody a[href*='/submissions/']").first.click()
    clerk.get_by_role("heading", name=re.compile(r"^受付番号 ")).wait_for()  # the newest: BIG… or a counter entry


def look_up_the_consultation_refused(page, address: str, reference: str) -> None:
    go(page, f"{address}/status")
    page.locator("#f-reference").fill(reference)
    page.locator("#f-last4").fill("0000")
    press(page, 422)
    assert page.locator(".reply").count() == 0 and page.locator(".notice").count() == 1
