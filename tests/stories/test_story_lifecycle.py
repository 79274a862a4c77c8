"""Story (b): a live survey changed, published again, rolled back, and retired at a set time.

An admin puts the citizen survey out with a poster at the counter. A colleague renames it in the live
app; the publishing page lists the change; the admin publishes version 2, and residents see the new
title. It was a mistake: the admin rolls back to version 1 (published again as version 3), and
residents see the old title again. Then the admin schedules the survey's end with a message.

The server's clock cannot be moved, so the retirement is scheduled for the next whole minute (the
builder takes a date and a time to the minute, in the city's time zone) and the story waits for it.
That is the builder's own way: once a retirement is scheduled, the publishing page offers only to
call it off, not to retire at once. Until that minute the poster's code still opens the survey; after
it, with no job run on the server, the same code shows the service-ended page, with the message and
the phone number.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest

from .clerk import (
    add_access_point,
    all_saved,
    fill_app_settings,
    go_to_publishing,
    go_to_qr_codes,
    notice,
    open_staff_page,
    print_poster,
    publish_now,
    scan,
    scan_with_phone,
    start_from_template,
    what_residents_see,
)

pytestmark = pytest.mark.browser

TEMPLATE_TITLE = "市民アンケート"
NEW_TITLE = "市民アンケート（令和8年度）"
COUNTER = "本庁舎1階 市民課窓口"
ENDED = "令和8年度のアンケートは終わりました。ご協力ありがとうございました。"
CITY_ZONE = ZoneInfo("Asia/Tokyo")
LEAD = 10  # seconds: a retirement is scheduled for a whole minute at least this far ahead


def what_the_code_opens(phone, url: str) -> str:
    """A resident scans the poster: the first heading they read."""
    scan_with_phone(phone, url)
    return phone.get_by_role("heading", level=1).inner_text().strip()


def rename_the_app(page, app_id: int, title: str) -> None:
    open_staff_page(page, f"/apps/{app_id}")
    fill_app_settings(page, title=title)
    page.get_by_role("status").filter(has_text="公開中：変更内容は").wait_for()
    all_saved(page)


def roll_back_to(page, number: int) -> None:
    page.get_by_role("button", name=f"バージョン{number}に戻す").click()
    dialog = page.get_by_role("dialog").filter(has_text=f"バージョン{number}をもう一度公開しますか？")
    dialog.get_by_role("button", name="戻す").click()
    notice(page, f"バージョン{number}をもう一度公開しました")


def next_whole_minute(lead: int = LEAD) -> dt.datetime:
    """The first whole minute at least `lead` seconds from now, in the city's time."""
    now = dt.datetime.now(CITY_ZONE)
    return (now + dt.timedelta(seconds=lead + 60)).replace(second=0, microsecond=0)


def schedule_the_retirement(page, at: dt.datetime, message: str) -> None:
    retire = page.locator(".q-card").filter(has=page.get_by_role("heading", name="公開を終了する"))
    retire.get_by_label("市民へのメッセージ（日本語）").fill(message)
    retire.get_by_role("radio", name="日時を指定", exact=True).click()
    retire.get_by_label("日付", exact=True).fill(at.date().isoformat())
    retire.get_by_label("時刻（Asia/Tokyo）", exact=True).fill(at.strftime("%H:%M"))
    retire.get_by_role("button", name="公開を終了する").click()
    page.get_by_role("dialog").filter(has_text="このアプリの公開を終了しますか？").get_by_role(
        "button", name="公開を終了する").click()
    notice(page, "公開終了を予約しました")


def test_the_live_survey_is_changed_rolled_back_and_retired_at_the_set_time(staff, resident):
    page = staff()
    phone = resident()

    # The survey is live, with a poster at the counter.
    app_id = start_from_template(page, TEMPLATE_TITLE)
    go_to_publishing(page)
    publish_now(page)
    open_staff_page(page, f"/apps/{app_id}")
    go_to_qr_codes(page)
    add_access_point(page, COUNTER)
    [code], _words = scan(print_poster(page, COUNTER))
    assert what_the_code_opens(phone, code) == TEMPLATE_TITLE

    # Edited while live: residents still see version 1; the publishing page lists the change.
    rename_the_app(page, app_id, NEW_TITLE)
    assert what_the_code_opens(phone, code) == TEMPLATE_TITLE
    go_to_publishing(page)
    assert "公開中：変更内容は、管理者が公開するまで市民には表示されません" in what_residents_see(page)
    page.get_by_text(re.compile(r"^設定を変更：.*タイトル")).first.wait_for()

    # Version 2 is published: the poster's code opens the renamed survey.
    publish_now(page)
    assert "バージョン2" in what_residents_see(page)
    assert what_the_code_opens(phone, code) == NEW_TITLE

    # Rolled back: version 1 is published again, as version 3.
    roll_back_to(page, 1)
    page.get_by_text(re.compile(r"^バージョン3：.*バージョン1に戻したもの")).wait_for()
    assert "バージョン3" in what_residents_see(page)
    assert what_the_code_opens(phone, code) == TEMPLATE_TITLE

    # The end is scheduled for the next whole minute; until then the code still opens the survey.
    at = next_whole_minute()
    schedule_the_retirement(page, at, ENDED)
    said = what_residents_see(page)
    assert f"{at:%Y-%m-%d %H:%M}に公開終了の予定" in said, said
    assert f"市民へのメッセージ：{ENDED}" in said, said  # the message as written, not a dict of languages
    assert page.get_by_role("heading", name="公開を終了する").count() == 0  # only calling it off is offered now
    assert what_the_code_opens(phone, code) == TEMPLATE_TITLE

    # At that minute, with nothing run on the server, the same code shows that the service has ended.
    time.sleep(max(0.0, (at - dt.datetime.now(CITY_ZONE)).total_seconds()) + 1)
    assert what_the_code_opens(phone, code) == "このサービスは終了しました"
    assert phone.locator("main .retire-message").inner_text() == ENDED
    assert phone.locator("main").get_by_role("link", name="0142-23-3331").get_attribute("href").startswith("tel:")
    open_staff_page(page, f"/apps/{app_id}/publishing")
    assert "公開終了：市民にはサービス終了のページが表示されます" in what_residents_see(page)
