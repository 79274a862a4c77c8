"""`assert_checks`: our own checks and axe on one page, for the journeys of test_booking_pages.py,
test_status_pages.py and test_preferences_pages.py.

The tests that were here (the portal, the notice app, the not-found page, the survey in English) are
part of the accessibility gate now, in every mode and at both widths: test_gate.py.
"""

from __future__ import annotations

from .page_checks import script_problems
from .style_checks import NARROW_PX, deep_problems, page_problems


def assert_checks(page, axe, where: str, *, back_link: bool = True) -> None:
    problems = script_problems(page) + page_problems(page)
    if page.viewport_size["width"] == NARROW_PX:  # the checks that change the page for a moment: once
        problems += deep_problems(page)[0]
    if not back_link:
        problems = [p for p in problems if "Back link" not in p]
    assert not problems, f"{len(problems)} problem(s) on {where}:\n" + "\n".join(f"- {p}" for p in problems)
    axe.assert_none(page, where)
