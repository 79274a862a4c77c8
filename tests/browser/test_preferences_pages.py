"""The reading aids in a real browser, JavaScript off: the largest text, high contrast, and both, chosen
with the links at the top of the page, on the survey's start page, a question sent back with an error,
the check page and the confirmation. Every one passes axe and our own checks at 320 and 390 px."""

from __future__ import annotations

import pytest

from .demo import SURVEY
from .resident import fill_in, press_continue
from .test_other_pages import assert_checks

pytestmark = pytest.mark.browser

MODES = {
    "largest text": ["/size/largest"],
    "high contrast": ["/contrast/high"],
    "largest text and high contrast": ["/size/largest", "/contrast/high"],
}
MAX_PAGES = 20  # a guard against a flow that never reaches the check page

LOOK = """() => {
  const root = getComputedStyle(document.documentElement), body = getComputedStyle(document.body);
  return {root: parseFloat(root.fontSize), colour: body.color, background: body.backgroundColor,
          current: [...document.querySelectorAll('nav.aids a[aria-current="true"]')]
            .map((a) => a.getAttribute('href'))};
}"""
DEFAULT_ROOT_PX = 16  # Chromium's default font size, the reader's own "standard"


def choose(page, paths: list[str]) -> None:
    """Press the links in the aids at the top of the page, as a resident would, until exactly the choices
    in `paths` are in force (the others back to standard); each leads back to the same page."""
    here = page.url
    wanted = [p if p in paths else f"/{p.split('/')[1]}/standard" for p in ("/size/largest", "/contrast/high")]
    for path in wanted:
        link = page.locator(f"nav.aids a[href^='{path}?']")
        if link.get_attribute("aria-current") == "true":
            continue
        if not link.is_visible():  # the aids are folded into one line: open it (no script needed)
            page.locator("nav.aids summary").click()
        with page.expect_navigation(wait_until="load"):
            link.click()
        assert page.url == here, f"choosing {path} led to {page.url}, not back to {here}"


def assert_mode(page, paths: list[str], where: str) -> None:
    look = page.evaluate(LOOK)
    size = 1.5 if "/size/largest" in paths else 1.0
    assert look["root"] == DEFAULT_ROOT_PX * size, f"{where}: root font size {look['root']}px"
    if "/contrast/high" in paths:
        assert (look["colour"], look["background"]) == ("rgb(255, 255, 0)", "rgb(0, 0, 0)"), f"{where}: {look}"
    else:
        assert look["background"] == "rgb(255, 255, 255)", f"{where}: {look}"
    chosen = {href.split("?")[0] for href in look["current"]}
    assert set(paths) <= chosen, f"{where}: the nav marks {chosen} as current, not {paths}"


@pytest.mark.parametrize("width", [320, 390])
def test_the_survey_in_each_reading_mode(resident_context, axe, width):
    """One journey through the survey; on each page worth seeing, every mode in turn."""
    page = resident_context(width).new_page()

    def check_each_mode(where: str, again=None) -> None:
        for mode, paths in MODES.items():
            choose(page, paths)
            if again is not None:
                again()  # the page as it was before the choice led back to it
            at = f"{where}, {mode}, {width}px"
            assert_mode(page, paths, at)
            assert_checks(page, axe, at)

    def send_nothing() -> None:
        # The first question with choices, sent with nothing chosen: it comes back with an error.
        assert press_continue(page).status == 422
        assert page.locator(".error-summary").count() == 1

    page.goto(f"/a/{SURVEY}")
    check_each_mode("the start page")
    with page.expect_navigation(wait_until="load"):
        page.locator("main a.button").first.click()
    error_shown = False
    for _ in range(MAX_PAGES):
        if page.url.endswith("/check"):
            break
        if not error_shown and page.locator("main input[type=radio]").count():
            check_each_mode("a question with an error", send_nothing)
            error_shown = True
        fill_in(page)
        press_continue(page)
    assert error_shown and page.url.endswith("/check"), f"the survey never reached its check page: {page.url}"
    check_each_mode("the check page")
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type=submit]").last.click()
    assert page.url.endswith("/done"), page.url
    check_each_mode("the confirmation")
