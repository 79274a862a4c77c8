"""Following the error summary (ACCESSIBILITY.md 11; issue 18, point 9): a link of the summary leaves the
field's question, its error message and the field on the screen, with JavaScript off (the stylesheet's
room above a field) and on (generated_apps/web/static/error_summary.js, GOV.UK's pattern, which also puts
focus on the summary when the page comes back and on the field when a link is followed).

On a small phone (320 x 568), where a page sent back with errors is taller than the screen.
"""

from __future__ import annotations

from typing import Any

import pytest

from .demo import SURVEY
from .page_checks import LINK_LANDING, error_link_problems
from .resident import press_continue

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 320, "height": 568}
RADIO_PAGE = f"/a/{SURVEY}/p/2"  # one required question with six radio buttons


@pytest.fixture
def phone(browser, base_url):
    """A factory of pages on a small phone, with JavaScript on or off."""
    contexts = []

    def make(javascript: bool) -> Any:
        context = browser.new_context(java_script_enabled=javascript, viewport=SMALL_PHONE, locale="ja-JP",
                                      base_url=base_url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sent_empty(page: Any) -> None:
    page.goto(RADIO_PAGE)
    assert press_continue(page).status == 422
    page.wait_for_load_state("load")


def test_without_javascript_a_summary_link_leaves_the_question_and_its_message_on_the_screen(phone):
    page = phone(javascript=False)
    sent_empty(page)
    assert page.locator("main .error-summary a").count() == 1
    assert error_link_problems(page) == []


def test_with_javascript_the_summary_has_focus_when_the_page_comes_back(phone):
    page = phone(javascript=True)
    sent_empty(page)
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('.error-summary')",
                           timeout=5_000)


def test_with_javascript_a_summary_link_shows_the_question_at_the_top_and_focuses_the_field(phone):
    page = phone(javascript=True)
    sent_empty(page)
    link = page.locator("main .error-summary a").first
    href = link.get_attribute("href")
    link.click()
    assert page.evaluate(LINK_LANDING, href) == []
    assert page.evaluate("() => '#' + document.activeElement.id") == href
    question_top = page.evaluate("() => document.activeElement.closest('fieldset').querySelector('legend')"
                                 ".getBoundingClientRect().top")
    assert 0 <= question_top < 8, f"the question is at {question_top}px, not at the top of the screen"
    assert page.evaluate("() => location.hash") == "", "the address stays the page's own"
