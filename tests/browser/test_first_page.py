"""A browser's first page carries the stylesheet inline; the pages after it link the file it fetched.

In a real Chromium with the page's own Content-Security-Policy in force and JavaScript off.
"""

from __future__ import annotations

SURVEY = "citizen-survey"


def header_background(page) -> str:
    return page.eval_on_selector(".header", "e => getComputedStyle(e).backgroundColor")


def test_the_first_page_is_styled_inline_and_fetches_the_stylesheet_for_the_next(resident_context):
    context = resident_context()
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    stylesheets = []
    page.on("request", lambda request: stylesheets.append(request.url)
            if "/static/madoguchi.css" in request.url else None)

    page.goto(f"/a/{SURVEY}")
    assert page.locator("head style").count() == 1
    assert header_background(page) == "rgb(11, 12, 12)"  # the policy let the inline stylesheet apply
    assert stylesheets, "the first page did not fetch the stylesheet for the pages after it"
    assert not [line for line in console if "Content Security Policy" in line or line.startswith("error")], console

    page.goto(f"/a/{SURVEY}/p/1")
    assert page.locator("head style").count() == 0
    assert page.locator('head link[rel="stylesheet"]:not([media])').count() == 1
    assert header_background(page) == "rgb(11, 12, 12)"
    assert not console, console


def test_a_browser_without_cookies_gets_every_page_styled(resident_context):
    context = resident_context()
    page = context.new_page()
    for path in ("/", f"/a/{SURVEY}", f"/a/{SURVEY}/p/1"):
        page.goto(path)
        context.clear_cookies()
        assert page.locator("head style").count() == 1, path
        assert header_background(page) == "rgb(11, 12, 12)", path
