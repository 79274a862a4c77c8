"""The pages around the survey: the portal, the notice app, a page that does not exist, English."""

from __future__ import annotations

import re

import pytest

from .demo import NOTICE, SLUGS, SURVEY, spec
from .page_checks import script_problems
from .style_checks import NARROW_PX, deep_problems, page_problems

pytestmark = pytest.mark.browser

DEMO_APPS = list(SLUGS.values())  # every app template
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")  # kana and kanji

# (18) text in Japanese script on a page in another language, outside any element marked lang="ja"
# (or lang="zh-Hans": Chinese is written in Han characters too).
UNMARKED_JAPANESE = """(pattern) => {
  const re = new RegExp(pattern);
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!re.test(node.data)) continue;
    const marked = node.parentElement.closest('[lang]');
    const lang = marked ? marked.getAttribute('lang').toLowerCase() : '';
    if (!lang.startsWith('ja') && !lang.startsWith('zh')) found.push(node.data.trim().slice(0, 40));  // 简体中文: Han, not Japanese
  }
  return found;
}"""


def assert_checks(page, axe, where: str, *, back_link: bool = True) -> None:
    problems = script_problems(page) + page_problems(page)
    if page.viewport_size["width"] == NARROW_PX:  # the checks that change the page for a moment: once
        problems += deep_problems(page)[0]
    if not back_link:
        problems = [p for p in problems if "Back link" not in p]
    assert not problems, f"{len(problems)} problem(s) on {where}:\n" + "\n".join(f"- {p}" for p in problems)
    axe.assert_none(page, where)


@pytest.mark.parametrize("width", [320, 390])
def test_portal_lists_the_demo_apps(resident_context, axe, width):
    page = resident_context(width).new_page()
    response = page.goto("/")
    assert response.status == 200
    for slug in DEMO_APPS:
        assert page.locator(f"main a[href$='/a/{slug}']").count() >= 1, f"the portal does not link to {slug}"
    assert_checks(page, axe, "the portal", back_link=False)  # the first page has nowhere to go back to


@pytest.mark.parametrize("width", [320, 390])
def test_notice_app(resident_context, axe, width):
    page = resident_context(width).new_page()
    response = page.goto(f"/a/{NOTICE}")
    assert response.status == 200
    assert page.locator("main form input[type=radio], main form textarea").count() == 0, "a notice asks nothing"
    assert_checks(page, axe, "the notice app")


@pytest.mark.parametrize("width", [320, 390])
def test_page_not_found(resident_context, axe, width):
    page = resident_context(width).new_page()
    response = page.goto("/a/no-such-app")
    assert response.status == 404
    assert_checks(page, axe, "the 404 page", back_link=False)


def assert_in_english(page, where: str) -> None:
    """(18) the page says it is English, and its title and h1 are English."""
    lang = page.locator("html").get_attribute("lang")
    assert lang == "en", f"{where}: <html lang={lang!r}> after choosing English"
    title, h1 = page.title(), page.locator("h1").inner_text().strip()
    assert title and not JAPANESE.search(title), f"{where}: the <title> {title!r} is not English"
    assert h1 and not JAPANESE.search(h1), f"{where}: the h1 {h1!r} is not English"
    unmarked = page.evaluate(UNMARKED_JAPANESE, JAPANESE.pattern)
    assert not unmarked, f"{where}: Japanese text outside any lang=\"ja\" element: {unmarked}"


def test_survey_in_english(resident_context, axe):
    page = resident_context(320).new_page()
    page.goto(f"/a/{SURVEY}")
    japanese_title = page.title()
    with page.expect_navigation(wait_until="load"):
        page.locator("a[href^='/lang/en']").first.click()
    assert page.url.endswith(f"/a/{SURVEY}"), f"the language switch led to {page.url}"
    assert_in_english(page, "the start page in English")
    english = spec(SURVEY)["title"]["en"]
    assert english in page.title(), f"the English <title> {page.title()!r} does not name the survey {english!r}"
    assert english in page.locator("h1").inner_text(), f"the English h1 does not name the survey {english!r}"
    assert page.title() != japanese_title
    assert_checks(page, axe, "the start page in English")

    # And the language stays chosen on the next page
    with page.expect_navigation(wait_until="load"):
        page.locator("main a.button").first.click()
    assert_in_english(page, f"the first page in English ({page.url})")
