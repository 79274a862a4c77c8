"""axe-core, configured as ACCESSIBILITY.md says, run on what a resident without JavaScript sees.

axe is asynchronous JavaScript, and in a context with JavaScript disabled Chromium runs no timers or
promise jobs for it (measured here: axe.run never settles). So the page is copied: the DOM of the
no-JS page, serialised, is served at the same URL to a page in a second, JS-enabled context with the
same viewport and cookies (the document request is fulfilled from the copy; its stylesheets and
images load from the real server). The DOM is the parsed HTML as the server sent it, as no script
ran. Two things keep the copy faithful to what the resident sees:
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


class AxeRunner:
    """One JS-enabled page, kept for the whole session, into which each checked page is copied."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(java_script_enabled=True, locale="ja-JP")
        # Injected before any page script could run; scripts added this way are not subject to CSP.
        self.context.add_init_script(axe_source())
        self.copy = self.context.new_page()
        self._url = ""
        self._html = ""
        self.copy.route(lambda u: u == self._url, self._serve_copy)

    def _serve_copy(self, route: Any) -> None:
        route.fulfill(status=200, body=self._html, headers={
            "content-type": "text/html; charset=utf-8", "content-security-policy": "script-src 'none'",
        })

    def violations(self, page: Any) -> list[dict]:
        """axe's violations on the page as the no-JS resident sees it (see the module docstring)."""
        self._url = page.url
        self._html = NOSCRIPT_TAG.sub("", page.content())
        self.context.clear_cookies()
        self.context.add_cookies(page.context.cookies())
        self.copy.set_viewport_size(page.viewport_size)
        self.copy.goto(self._url, wait_until="load")
        result = self.copy.evaluate(RUN_AXE, [TAGS, MUST_RUN])
        not_run = [rule for rule in MUST_RUN if rule not in result["ran"]]
        assert not not_run, f"axe did not run {not_run}: the configuration is wrong"
        return result["violations"]

    def assert_none(self, page: Any, where: str = "") -> None:
        violations = self.violations(page)
        assert not violations, (
            f"axe found {len(violations)} violation(s) on {where or page.url}:\n{describe(violations)}"
        )

    def close(self) -> None:
        self.context.close()


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
