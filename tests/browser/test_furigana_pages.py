"""Furigana in a real browser, JavaScript off: switched on with the link at the top of the page, the
readings appear as ruby and the pages still pass axe and our own checks at 320 px; switched off, not a
trace of the notation staff wrote (｜漢字《かんじ》) is left in what a resident reads."""

from __future__ import annotations

import pytest

from .demo import SHELTER, SURVEY
from .test_other_pages import assert_checks

pytestmark = pytest.mark.browser

# The shelter notice has readings staff wrote (長和町《ながわちょう》, {避難所|ひなんじょ}); the survey's first
# page is formatted text; the portal lists every app.
PAGES = [f"/a/{SHELTER}", f"/a/{SURVEY}", f"/a/{SURVEY}/p/1", "/"]
NOTATION = ["《", "》", "｜"]


def choose_furigana(page, value: str) -> None:
    here = page.url
    page.locator("nav.aids summary").click()  # the aids open from their one line, without a script
    with page.expect_navigation(wait_until="load"):
        page.locator(f"nav.aids a[href^='/furigana/{value}?']").click()
    assert page.url == here, f"choosing furigana {value} led to {page.url}, not back to {here}"


def test_pages_with_furigana_on_pass_the_checks_and_off_show_no_notation(resident_context, axe):
    page = resident_context(320).new_page()
    page.goto(PAGES[0])
    choose_furigana(page, "on")
    titles = {}
    for url in PAGES:
        page.goto(url)
        assert page.evaluate("document.documentElement.classList.contains('furigana-on')"), url
        assert page.locator("main ruby rt").count() > 0, f"no readings on {url}"
        ruby_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main rt')).fontSize)")
        assert ruby_size >= 10, f"readings of {ruby_size}px on {url}: too small to read"
        titles[url] = page.title()
        assert_checks(page, axe, f"{url}, furigana on, 320px", back_link=url != "/")
    page.goto(PAGES[0])
    assert "ながわちょう" in page.locator("main").inner_text()
    choose_furigana(page, "off")
    for url in PAGES:
        page.goto(url)
        assert page.locator("ruby").count() == 0, url
        shown = page.locator("body").inner_text()
        assert not [mark for mark in NOTATION if mark in shown], f"notation left on {url}"
        assert page.title() == titles[url], "the title is plain text, furigana on or off"
    page.goto(PAGES[0])
    assert "長和町" in page.locator("main").inner_text() and "ながわちょう" not in page.locator("main").inner_text()
