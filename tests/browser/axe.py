"""axe-core, configured as ACCESSIBILITY.md says, run on what a resident without JavaScript sees.

axe is asynchronous JavaScript, and in a context with JavaScript disabled Chromium runs no timers or
promise jobs for it (measured here: axe.run never settles). So the page is copied: the DOM of the
no-JS page, serialised, is served at the same URL to a page in a second, JS-enabled context with the
same viewport and cookies (the document request is fulfilled from the copy; its stylesheets and
images load from the real server). Two things keep the copy faithful to what the resident sees:
- `<noscript>` wrappers are removed, so their content is rendered as in the no-JS page;
- the copy is served with `Content-Security-Policy: script-src 'none'`, so the page's own scripts
  do not run (axe itself is injected through the DevTools protocol, which that policy does not stop).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "wcag2aaa", "best-practice"]
# axe leaves these off by default; they are two of the checks that matter most here.
MUST_RUN = ["target-size", "color-contrast-enhanced"]

RUN_AXE = """async ([tags, mustRun]) => {
  axe.configure({checks: [
    {id: 'target-size', options: {minSize: 44}},
    {id: 'target-offset', options: {minOffset: 44}},
  ]});
  const rules = Object.fromEntries(mustRun.map((id) => [id, {enabled: true}]));
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules});
  const ran = [...result.violations, ...result.passes, ...result.incomplete, ...result.inapplicable]
    .map((r) => r.id);
  return {
    ran,
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
    })),
  };
}"""

NOSCRIPT_TAG = re.compile(r"</?noscript\b[^>]*>", re.IGNORECASE)


@cache
def axe_source() -> str:
    """The axe-core build shipped inside the axe-playwright-python package."""
    import axe_playwright_python

    path = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    if not path.exists():  # a later release may move it
        found = sorted(Path(axe_playwright_python.__file__).parent.rglob("axe*.min.js"))
        if not found:
            raise FileNotFoundError("axe.min.js is not inside axe_playwright_python")
        path = found[0]
    return path.read_text(encoding="utf-8")


def run_axe(page: Any) -> list[dict]:
    """axe's violations on the page as the no-JS resident sees it (see the module docstring)."""
    url = page.url
    html = NOSCRIPT_TAG.sub("", page.content())
    context = page.context.browser.new_context(
        java_script_enabled=True, viewport=page.viewport_size, locale="ja-JP",
    )
    try:
        context.add_cookies(page.context.cookies())
        copy = context.new_page()
        copy.route(lambda u: u == url, lambda route: route.fulfill(
            status=200, body=html,
            headers={"content-type": "text/html; charset=utf-8", "content-security-policy": "script-src 'none'"},
        ))
        copy.goto(url, wait_until="load")
        copy.evaluate(axe_source())
        result = copy.evaluate(RUN_AXE, [TAGS, MUST_RUN])
    finally:
        context.close()
    not_run = [rule for rule in MUST_RUN if rule not in result["ran"]]
    assert not not_run, f"axe did not run {not_run}: the configuration is wrong"
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:300]}")
            if node.get("summary"):
                lines.append("       " + node["summary"].replace("\n", "\n       "))
    return "\n".join(lines)


def assert_no_violations(page: Any, where: str = "") -> None:
    violations = run_axe(page)
    assert not violations, f"axe found {len(violations)} violation(s) on {where or page.url}:\n{describe(violations)}"
