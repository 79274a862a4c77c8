"""An app's own colour on its title bar, in a real Chromium with the page's policy in force, JavaScript off.

The facility-booking template has one (#1d4f91); the gate (test_gate.py) checks its pages' contrast
in every mode.
"""

from __future__ import annotations

BOOKING = "facility-booking"


def header_background(page) -> str:
    return page.eval_on_selector(".header", "e => getComputedStyle(e).backgroundColor")


def test_the_title_bar_takes_the_apps_colour_and_high_contrast_keeps_its_own(resident_context):
    page = resident_context().new_page()
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    for path in (f"/a/{BOOKING}", f"/a/{BOOKING}/p/1", f"/a/{BOOKING}/p/1"):  # a first page, a later one, cached
        page.goto(path)
        assert header_background(page) == "rgb(29, 79, 145)", path
    page.goto("/")
    assert header_background(page) == "rgb(11, 12, 12)"  # the portal is the city's, not one app's
    assert not console, console

    page.goto(f"/contrast/high?next=/a/{BOOKING}")
    assert page.url.endswith(f"/a/{BOOKING}")
    assert header_background(page) == "rgb(0, 0, 0)"
