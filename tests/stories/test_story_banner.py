"""The emergency banner, as the city lives it (issue 17, story h): Mount Usu stirs.

The disaster-prevention section has published its shelter guide and put its QR code on the noticeboards.
The volcano's alert level is raised: an admin puts up the emergency banner in Japanese and English. Every
resident page shows it at the top, with the time it was issued — the city portal, the shelter guide (from
its code), the consultation app page after page, even a page that does not exist — in Japanese, and in English on
English pages. The alert is lifted: the admin takes the banner down, and it is gone from every page at once.

Staff work in Japanese; residents are on phones with JavaScript off.
"""

from __future__ import annotations

import re

from tests.browser.resident import fill_in

from .desk import (
    address_of,
    go,
    make_an_app_from_the_template,
    notified,
    open_staff_page,
    press,
    publish,
    put_up_a_qr_code,
)

WARNING = "有珠山の噴火警戒レベルが3に引き上げられました。避難所を確かめてください。"
WARNING_EN = "The alert level of Mount Usu is raised to 3. Check where your shelter is."


def put_up_the_banner(page, text: str, text_en: str) -> None:
    open_staff_page(page, "/banner")
    page.get_by_role("heading", name="緊急バナー", level=1).wait_for()
    page.get_by_text("表示中のバナーはありません。").wait_for()
    page.get_by_label("メッセージ（日本語）").fill(text)
    page.get_by_label("メッセージ（英語、任意）").fill(text_en)
    page.get_by_role("button", name="バナーを表示する").click()
    notified(page, "バナーを表示しました")
    page.get_by_role("button", name="バナーを消す").wait_for()


def take_the_banner_down(page) -> None:
    open_staff_page(page, "/banner")
    page.get_by_role("button", name="バナーを消す").click()
    notified(page, "バナーを消しました")
    page.get_by_text("表示中のバナーはありません。").wait_for()


def banner_on(page) -> str | None:
    """The banner's words on the page the resident is looking at (None when there is none)."""
    banner = page.locator("section.banner")
    assert banner.count() <= 1
    return banner.inner_text() if banner.count() else None


def banners_along_the_consultation(page, address: str) -> list[str | None]:
    """Its start page, Start, two of its questions, and its status page: the banner of each."""
    go(page, address)
    seen = [banner_on(page)]
    with page.expect_navigation():
        page.locator("main .button--start").click()
    seen.append(banner_on(page))
    fill_in(page)
    press(page)
    seen.append(banner_on(page))
    go(page, f"{address}/status")
    seen.append(banner_on(page))
    return seen


def test_the_volcano_banner_shows_on_every_resident_page_until_the_admin_takes_it_down(staff, resident):
    admin = staff()
    guide = make_an_app_from_the_template(admin, "避難所のご案内（有珠山の噴火）")
    publish(admin, guide)
    code = put_up_a_qr_code(admin, guide, "市役所前 掲示板")
    other = make_an_app_from_the_template(admin, "相談受付")
    publish(admin, other)

    phone = resident()
    go(phone, "/")
    assert banner_on(phone) is None, "no banner before the alert"

    put_up_the_banner(admin, WARNING, WARNING_EN)
    try:
        go(phone, "/")
        banner = banner_on(phone)
        assert banner is not None and WARNING in banner and "緊急のお知らせ" in banner, banner
        assert re.search(r"\d+年\d+月\d+日.*\d+:\d\d 発表", banner), f"the time it was issued: {banner}"
        assert phone.locator("section.banner").evaluate(
            "(e) => e.compareDocumentPosition(document.querySelector"
            "('main')) & Node.DOCUMENT_POSITION_FOLLOWING"), "above the page's content"

        go(phone, code)  # the guide, from its code on the noticeboard
        assert phone.locator("h1").inner_text() == "避難所のご案内（有珠山の噴火）"
        assert WARNING in (banner_on(phone) or "")
        pages = banners_along_the_consultation(phone, address_of(admin, other))
        assert all(b is not None and WARNING in b for b in pages), pages
        go(phone, "/a/no-such-app", 404)
        assert WARNING in (banner_on(phone) or ""), "a page that does not exist still warns"

        go(phone, "/lang/en?next=/")  # a resident who reads English
        assert WARNING_EN in (banner_on(phone) or ""), banner_on(phone)
        go(phone, "/lang/ja?next=/")
    finally:
        take_the_banner_down(admin)

    for path in ("/", code, "/a/no-such-app"):
        go(phone, path, 404 if path.endswith("no-such-app") else 200)
        assert banner_on(phone) is None, f"{path} still shows the banner"

