"""Story (a): the snow-clearing survey, as Date City lives it.

A clerk builds a survey from a blank app, an admin publishes it, the clerk makes two access points
(the counter, the January newsletter) and prints the newsletter's poster. A resident points a phone
(JavaScript off) at the printed code and answers. Staff then find the answer in the table, narrow
the table to the newsletter's code, open it, mark it in progress, export it in every format and read
each file back, and look at the charts. Last, the same screens over an app with 100,000 submissions.
"""

from __future__ import annotations

import re

import pytest

from .clerk import (
    add_a_page,
    add_access_point,
    add_widget,
    all_saved,
    answers_shown,
    change_status,
    chart_table,
    checklist_says,
    delete_widget,
    export,
    facts,
    fill_app_settings,
    filter_by,
    go_to_publishing,
    go_to_qr_codes,
    open_charts,
    open_staff_page,
    open_submission,
    open_submissions,
    path_of,
    press,
    print_poster,
    publish_now,
    reference_number,
    scan,
    scan_with_phone,
    scans_and_submissions,
    select_widget,
    start_a_blank_app,
    table_rows,
    total_shown,
    write_question,
)
from .conftest import connected

pytestmark = pytest.mark.browser

TITLE = "除雪についての市民アンケート"
ADDRESS = "josetsu-survey"
SATISFIED = "今年の冬の除雪に満足していますか"
COMMENT = "除雪について、ご意見をお書きください"
RESIDENT_SAYS = "朝7時までに通学路を除雪してほしい"
COUNTER, NEWSLETTER = "本庁舎1階 市民課窓口", "広報だて 1月号"
BIG_SLOW = 30_000  # ms a clerk waits, at most, for a page over 100,000 submissions


def build_the_survey(page) -> int:
    """From blank: a yes/no question on page 1, a comment on page 2, the app's title, phone and retention."""
    app_id = start_a_blank_app(page)
    select_widget(page, 1, 1)
    add_widget(page, "はい・いいえ")  # after the starter question…
    delete_widget(page, 1, 1)  # …which goes
    write_question(page, 1, 1, SATISFIED)
    add_a_page(page)  # page 2 comes with a short-text question
    write_question(page, 2, 1, COMMENT)
    fill_app_settings(page, title=TITLE, address=ADDRESS, phone="0142-23-3331", retention_days=365, no_end=True,
                      english=False)
    page.get_by_text("問題は見つかりませんでした。公開できる状態です。").wait_for()
    all_saved(page)
    return app_id


def resident_answers_from_the_poster(phone, url: str) -> str:
    scan_with_phone(phone, url)
    assert phone.get_by_role("heading", level=1).inner_text() == TITLE
    press(phone, "はじめる")
    phone.get_by_role("radio", name="いいえ").check()
    press(phone, "次へ")
    phone.get_by_role("textbox", name=re.compile(COMMENT)).fill(RESIDENT_SAYS)
    press(phone, "次へ")
    assert phone.get_by_role("heading", name="答えの確認").is_visible()
    press(phone, "送信する")
    assert phone.get_by_role("heading", name="送信しました").is_visible()
    return reference_number(phone)


def test_a_survey_built_from_blank_is_answered_through_a_printed_poster_and_worked_through(staff, resident, city,
                                                                                          big_table):
    page = staff()

    # A clerk builds the survey from blank; the checklist guides her until nothing is left to fix.
    app_id = build_the_survey(page)
    assert "公開前に直す点 0件" in checklist_says(page)

    # It is published, and the clerk makes a code for the counter and one for the newsletter.
    go_to_publishing(page)
    publish_now(page)
    page.get_by_text("公開中：市民には公開版が表示されています").first.wait_for()
    open_staff_page(page, f"/apps/{app_id}")
    go_to_qr_codes(page)
    counter_url = add_access_point(page, COUNTER)
    newsletter_url = add_access_point(page, NEWSLETTER)
    assert counter_url != newsletter_url
    assert all(re.fullmatch(rf"{re.escape(city.url)}/q/[A-Z0-9]+", u) for u in (counter_url, newsletter_url))

    # The newsletter's poster is printed: its code reads as the newsletter's address, with the title and phone.
    codes, words = scan(print_poster(page, NEWSLETTER))
    assert codes == [newsletter_url]
    assert TITLE in words.replace("\r\n", "") and "0142-23-3331" in words

    # A resident scans it with JavaScript off and answers; the QR codes page counts the scan and the answer.
    phone = resident()
    reference = resident_answers_from_the_poster(phone, codes[0])
    assert re.fullmatch(r"\d{4}-\d{4}", reference)
    assert path_of(phone.url) == f"/a/{ADDRESS}/done"
    page.reload()
    connected(page)
    assert scans_and_submissions(page, NEWSLETTER) == ("1", "1")
    assert scans_and_submissions(page, COUNTER) == ("0", "0")

    # Staff find it in the table, newest first, and narrow the table to the newsletter's code.
    open_submissions(page, app_id)
    total_shown(page, "1件")
    assert reference in table_rows(page).first.inner_text()
    assert RESIDENT_SAYS in table_rows(page).first.inner_text()
    filter_by(page, "設置場所", COUNTER)
    total_shown(page, "0件")
    filter_by(page, "設置場所", NEWSLETTER)
    total_shown(page, "1件")

    # They open it: the answers as the resident gave them, and where it came from; they take it on.
    open_submission(page, reference)
    assert answers_shown(page) == {SATISFIED: "いいえ", COMMENT: RESIDENT_SAYS}
    seen = facts(page)
    assert (seen["設置場所"].startswith(NEWSLETTER) and seen["状態"] == "受付済"
            and seen["代理入力"].startswith("いいえ"))
    change_status(page, "対応中")
    page.get_by_role("definition").filter(has_text="対応中").wait_for()

    # Exports: each file read back holds the resident's answer, the access point and the new status.
    page.get_by_role("link", name="受付一覧に戻る").click()
    page.get_by_role("heading", name=re.compile("^受付一覧："), level=1).wait_for()
    total_shown(page, "1件")
    for kind in ("csv", "sjis", "xlsx"):
        made = export(page, kind)
        assert made.status.startswith("1行を書き出しました"), made.status
        header, *rows = made.table(kind)
        assert len(rows) == 1, (kind, rows)
        row = dict(zip(header, rows[0], strict=True))
        assert row["受付番号"] == reference and row["設置場所"] == NEWSLETTER and row["状態"] == "対応中", (kind, row)
        assert row[SATISFIED] == "いいえ" and row[COMMENT] == RESIDENT_SAYS, (kind, row)
    data = export(page, "json").json()
    questions = {column["key"]: column["label"] for column in data["columns"]}
    [sent] = data["submissions"]
    assert (sent["reference"], sent["access_point_label"], sent["status"]) == (reference, NEWSLETTER, "in_progress")
    assert {questions[key]: value for key, value in sent["answers"].items()} == {
        SATISFIED: "no", COMMENT: RESIDENT_SAYS}

    # The charts: one answer, by the newsletter's code, one "いいえ".
    open_charts(page)
    page.get_by_role("heading", name="1件の回答", level=2).wait_for()
    assert chart_table(page, "設置場所別") == {COUNTER: "0", NEWSLETTER: "1", "直接（QRコードなし）": "0"}
    assert chart_table(page, SATISFIED) == {"はい": "0", "いいえ": "1"}

    # The same screens over 100,000 submissions answer within a clerk's patience.
    see_the_big_table_answer(page, big_table)


def see_the_big_table_answer(page, big_table) -> None:
    held = big_table.holds()  # 100,000, and what the counter story may have added since
    counter, poster = big_table.points
    open_submissions(page, big_table.app_id)
    total_shown(page, f"{held['all']:,}件", timeout=BIG_SLOW)
    assert table_rows(page).count() == 50
    page.get_by_text(f"{held['all']:,}件中 1–50件").wait_for()
    filter_by(page, "設置場所", "本庁舎1階")
    total_shown(page, f"{held[counter]:,}件", timeout=BIG_SLOW)
    filter_by(page, "設置場所", "なし（アプリのアドレスから）")
    total_shown(page, f"{held[None]:,}件", timeout=BIG_SLOW)
    open_charts(page)
    page.get_by_role("heading", name=f"{held['all']:,}件の回答", level=2).wait_for(timeout=BIG_SLOW)
    assert chart_table(page, "設置場所別") == {"本庁舎1階": f"{held[counter]:,}", "ポスター": f"{held[poster]:,}",
                                               "直接（QRコードなし）": f"{held[None]:,}"}
