"""The pages around the survey: the portal, the notice app, a page that does not exist, English."""

from __future__ import annotations

import pytest

from .demo import FACILITY, NOTICE, SURVEY
from .page_checks import script_problems

pytestmark = pytest.mark.browser

DEMO_APPS = [SURVEY, FACILITY, NOTICE]


def assert_checks(page, axe, where: str, *, back_link: bool = True) -> None:
    problems = script_problems(page)
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


def test_survey_in_english(resident_context, axe):
    page = resident_context(320).new_page()
    page.goto(f"/a/{SURVEY}")
    with page.expect_navigation(wait_until="load"):
        page.locator("a[href^='/lang/en']").first.click()
    assert page.url.endswith(f"/a/{SURVEY}"), f"the language switch led to {page.url}"
    assert page.locator("html").get_attribute("lang") == "en"
    assert_checks(page, axe, "the start page in English")
