"""The checks of style_checks.py catch what they are for: a page with one planted fault per check.

A check that passes every real page proves little until it is seen to fail. This page uses the real
stylesheet from the running server, with each fault added inline on an element named for it.
"""

from __future__ import annotations

import pytest

from .style_checks import deep_problems, page_problems

pytestmark = pytest.mark.browser

FAULT_PAGE = """<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Refresh" content="1200">
<title>planted faults</title>
<link rel="stylesheet" href="/static/madoguchi.css">
<style>
  #fault-focus:focus-visible { outline: none; box-shadow: none; background: none; }
  #fault-faint-focus:focus-visible { outline: 4px solid #cccccc; outline-offset: 2px; box-shadow: none; }
</style>
</head>
<body>
<div class="wrap">
<main id="main" class="main">
<p id="fault-line-height" style="line-height: 1.2">行間がせまい文です。</p>
<p id="fault-justify" style="text-align: justify">両端揃えの文です。</p>
<label class="label" for="fault-border">うすい枠</label>
<input class="input" type="text" id="fault-border" style="border-color: #cccccc">
<input class="input" id="fault-no-type" aria-label="no type">
<div id="fault-wide-at-200" style="width: 18rem; height: 1rem"></div>
<div style="width: 70rem"><p id="fault-long-lines">一行がとても長い段落です。</p></div>
<p><a href="#main" id="fault-focus">フォーカスが見えないリンク</a></p>
<form><button class="button" type="button" id="fault-half-width" style="width: 50%">半分の幅</button>
<button class="button" type="button" id="fault-faint-focus">うすいフォーカス</button></form>
</main>
</div>
</body>
</html>"""

EXPECTED = {
    "(4) line-height": "fault-line-height",
    "(4) text-align justify": "fault-justify",
    "(5) top/right/bottom/left border #cccccc": "fault-border",
    "(7) primary button": "fault-half-width",
    "(9) input without an explicit type": "fault-no-type",
    "(15) <meta http-equiv=\"refresh\"": "",
    "(3) at 200% text": "fault-wide-at-200",
    "(4) lines": "fault-long-lines",
    "(5) weak focus indicator": "fault-focus",
    "(5) weak focus indicator, need": "fault-faint-focus",
}


def test_each_check_reports_its_planted_fault(browser, base_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 800}, base_url=base_url)
    try:
        page = context.new_page()
        page.route(f"{base_url}/__planted-faults", lambda route: route.fulfill(
            status=200, body=FAULT_PAGE, headers={"content-type": "text/html; charset=utf-8"}))
        page.goto("/__planted-faults")
        problems = page_problems(page) + deep_problems(page)[0]
        report = "\n".join(problems)
        missed = [f"{start} … {element}" for start, element in EXPECTED.items()
                  if not any(p.startswith(start) and element in p for p in problems)]
        assert not missed, f"the checks missed planted faults: {missed}\nthey reported:\n{report}"
        clean = ("fault-" in p or "<meta" in p for p in problems)
        assert all(clean), f"a check reported an element with no fault:\n{report}"
        # The page is as it was: root font size, viewport and focus put back.
        assert page.evaluate("() => document.documentElement.getAttribute('style')") is None
        assert page.viewport_size == {"width": 320, "height": 800}
        assert page.evaluate("() => document.activeElement === document.body")
    finally:
        context.close()
