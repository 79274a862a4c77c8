"""Our own SCRIPT checks from ACCESSIBILITY.md, measured in the resident's own (no-JS) page.

Playwright's evaluate still works where the page's JavaScript is off, as long as the code is
synchronous, so these run on the very layout the resident gets. Numbers refer to ACCESSIBILITY.md.
"""

from __future__ import annotations

from typing import Any

MIN_TEXT_PX = 16       # (1) nothing smaller, furigana aside
MIN_BODY_TEXT_PX = 20  # (1) body text
MIN_TARGET_PX = 44     # (7) every tap target
MIN_BUTTON_HEIGHT_PX = 56  # (7) primary buttons

# Shared by every check script: a short description of an element for messages, and whether a
# person can see it at all.
HELPERS = """
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    const text = (el.textContent || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return text ? `${s} "${text}"` : s;
  };
  // Hidden from everyone, or only "visually hidden" (screen-reader text) or parked off-screen.
  const hidden = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden' || cs.visibility === 'collapse') return true;
      if (cs.clipPath && cs.clipPath.startsWith('inset(50%')) return true;
      const r = e.getBoundingClientRect();
      if (cs.overflow !== 'visible' && (r.width <= 1 || r.height <= 1)) return true;
      if (r.right + scrollX <= 0 || r.bottom + scrollY <= 0) return true;
    }
    return el.getClientRects().length === 0;
  };

"""

MEASURE = """([minText, minBody, minTarget, minButton]) => {
  const problems = [];
""" + HELPERS + """
  // (1) font sizes of every visible text node; body text at least minBody. (With JavaScript off,
  // <noscript> content is real, visible content, so it is measured too.)
  const BODY = new Set(['P', 'LI', 'DD', 'DT', 'TD', 'TH', 'LABEL', 'LEGEND', 'BLOCKQUOTE', 'FIGCAPTION']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const reported = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim()) continue;
    const el = node.parentElement;
    if (!el || reported.has(el) || el.closest('rt, rp, script, style, template')) continue;
    if (hidden(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const block = el.closest('p, li, dd, dt, td, th, label, legend, blockquote, figcaption, h1, h2, h3, h4, h5, h6, button, a, div');
    const isBody = block && BODY.has(block.tagName) && !el.closest('small');
    if (size < minText) {
      problems.push(`(1) text at ${size}px, under ${minText}px: ${describe(el)}`); reported.add(el);
    } else if (isBody && size < minBody) {
      problems.push(`(1) body text at ${size}px, under ${minBody}px: ${describe(el)}`); reported.add(el);
    }
  }
  // Form controls draw their own text (Chromium uses 13.33px unless the CSS says font: inherit).
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, button')) {
    if (hidden(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minBody) problems.push(`(1) control text at ${size}px, under ${minBody}px: ${describe(el)}`);
  }

  // (3) no horizontal scrolling.
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    const wide = [...document.body.querySelectorAll('*')]
      .filter((e) => !hidden(e) && e.getBoundingClientRect().right > root.clientWidth + 0.5)
      .slice(0, 3).map(describe);
    problems.push(`(3) scrolls sideways: scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}; ` +
                  `too wide: ${wide.join('; ')}`);
  }

  // (7) tap targets. A control's label is part of its target (a tap on it works the control), so a
  // radio or check box passes when it or one of its labels is big enough. Links that flow inside a
  // sentence are exempt (WCAG 2.5.8's inline exception): display inline, in a block with more text.
  const big = (r) => r.width >= minTarget - 0.5 && r.height >= minTarget - 0.5;
  const inSentence = (a) => {
    if (getComputedStyle(a).display !== 'inline') return false;
    const block = a.parentElement && a.parentElement.closest('p, li, dd, td, th, label, legend, span, div');
    return !!block && block.textContent.trim().length > a.textContent.trim().length;
  };
  const targets = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])');
  for (const el of targets) {
    if (hidden(el)) continue;
    if (el.matches('a') && inSentence(el)) continue;
    const r = el.getBoundingClientRect();
    let ok = big(r);
    if (!ok && el.matches('input[type=radio], input[type=checkbox]')) {
      ok = [...(el.labels || [])].some((label) => !hidden(label) && big(label.getBoundingClientRect()));
    }
    if (!ok) problems.push(`(7) target ${Math.round(r.width)}x${Math.round(r.height)}px, under ` +
                           `${minTarget}x${minTarget}: ${describe(el)}`);
    const isButton = el.matches('button, input[type=submit], input[type=button], .button');
    if (isButton && r.height < minButton - 0.5) {
      problems.push(`(7) button ${Math.round(r.height)}px tall, under ${minButton}px: ${describe(el)}`);
    }
  }

  // (10) one h1 and a Back link.
  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) problems.push(`(10) ${h1s.length} h1 elements, not exactly one`);
  const back = document.querySelector('a.back');
  if (!back || hidden(back)) problems.push('(10) no visible Back link (a.back)');

  // (17) the help block, with a phone link, after the page's main content.
  const help = document.querySelector('aside.help');
  if (!help || hidden(help)) {
    problems.push('(17) no visible help block (aside.help)');
  } else {
    if (!help.querySelector('a[href^="tel:"]')) problems.push('(17) the help block has no tel: link');
    const main = document.querySelector('main');
    if (main && !(main.compareDocumentPosition(help) & Node.DOCUMENT_POSITION_FOLLOWING)) {
      problems.push('(17) the help block is not after <main>, where it is on every other page');
    }
  }
  return problems;
}"""


def script_problems(page: Any) -> list[str]:
    """Problems found by checks (1), (3), (7), (10) and (17) on the page as it is now."""
    return page.evaluate(MEASURE, [MIN_TEXT_PX, MIN_BODY_TEXT_PX, MIN_TARGET_PX, MIN_BUTTON_HEIGHT_PX])


def assert_script_checks(page: Any, where: str = "") -> None:
    problems = script_problems(page)
    width = page.viewport_size["width"] if page.viewport_size else "?"
    assert not problems, (
        f"{len(problems)} problem(s) on {where or page.url} at {width}px:\n" + "\n".join(f"- {p}" for p in problems)
    )
