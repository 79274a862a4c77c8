"""Our own SCRIPT checks from ACCESSIBILITY.md, measured in the resident's own (no-JS) page.

Playwright's evaluate still works where the page's JavaScript is off, as long as the code is
synchronous, so these run on the very layout the resident gets. Numbers refer to ACCESSIBILITY.md.

`script_problems` runs on every page: (1), (3), (7), (8), (10), (17). `error_page_problems` runs on a
page sent back with errors: (11).
"""

from __future__ import annotations

import re
from typing import Any

from generated_apps.domain.i18n import Translator

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
    const block = el.closest(
      'p, li, dd, dt, td, th, label, legend, blockquote, figcaption, h1, h2, h3, h4, h5, h6, button, a, div');
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
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], '
    + '[tabindex]:not([tabindex="-1"])');
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


# (8) every form control a person can use has a visible label tied to it (label for=…), a radio button
# or check box also a fieldset with a visible legend (its question), and the label or the legend says
# in words whether an answer is required or optional. Read off the visible text only: furigana (rt,
# rp) and screen-reader-only text do not count as visible words.
LABELS = """([needWords]) => {
  const problems = [];
""" + HELPERS + """
  const visibleText = (root) => {
    let text = '';
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (el && !el.closest('rt, rp') && !hidden(el)) text += node.data;
    }
    return text.replace(/\\s+/g, ' ').trim();
  };
  // Gone for everyone (display: none, or hidden from assistive technology too, like the honeypot):
  // not a control anybody fills in.
  const gone = (el) => {
    if (el.closest('[aria-hidden="true"], [hidden]')) return true;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden') return true;
    }
    return false;
  };
  const words = needWords.map((w) => w.toLowerCase());
  const reported = new Set();
  const report = (key, message) => { if (!reported.has(key)) { reported.add(key); problems.push(message); } };
  const controls = document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]), '
    + 'select, textarea');
  for (const [index, el] of [...controls].entries()) {
    if (gone(el)) continue;
    const labels = [...(el.labels || [])].filter((label) => !hidden(label) && visibleText(label));
    if (!labels.length) {
      report(`label ${index}`, `(8) no visible label tied to it (label for="${el.id}"): ${describe(el)}`);
    }
    const fieldset = el.closest('fieldset');
    const legend = fieldset && [...fieldset.children].find((c) => c.tagName === 'LEGEND');
    const legendText = legend && !hidden(legend) ? visibleText(legend) : '';
    // A group of radio buttons or check boxes is one question: one message for all of it.
    const group = el.matches('input[type=radio], input[type=checkbox]') ? `group ${el.name}` : `field ${index}`;
    if (el.matches('input[type=radio], input[type=checkbox]') && !legendText) {
      report(group, `(8) a radio button or check box outside a fieldset with a visible legend: ${describe(el)}`);
    }
    const said = [...labels.map(visibleText), legendText].join(' ').toLowerCase();
    if (!words.some((word) => said.includes(word))) {
      report(`${group} words`, `(8) its label or legend does not say in words that it is ${needWords.join(' or ')}: ` +
                               `"${said.slice(0, 60)}": ${describe(el)}`);
    }
  }
  return problems;
}"""

# (11) a page sent back with errors, as the resident meets it.
ERRORS = """([errorWord, expected, entered]) => {
  const problems = [];
""" + HELPERS + """
  const clean = (s) => s.replace(/\\s+/g, ' ').trim();
  // What a person reads in an inline message: without its screen-reader-only "Error:" prefix.
  const shown = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('.visually-hidden').forEach((e) => e.remove());
    return clean(copy.textContent);
  };
  const main = document.querySelector('main');
  const form = main && [...main.querySelectorAll('form')]
    .find((f) => f.querySelector('input:not([type=hidden]), select, textarea'));
  if (!form) return ['(11) no form with fields in <main>'];
  if (!form.hasAttribute('novalidate')) {
    problems.push('(11) the form has no novalidate: the browser would check it first');
  }
  if (!document.title.startsWith(errorWord)) {
    problems.push(`(11) the <title> "${document.title}" does not start with "${errorWord}"`);
  }
  const summary = main.querySelector('.error-summary');
  if (!summary || hidden(summary)) return [...problems, '(11) no visible error summary (.error-summary) in <main>'];
  // At the top: nothing a person sees but the Back link before it in <main> (an empty place kept for
  // an extra that only JavaScript fills shows nothing), and before the form and the h1.
  const before = [...main.children].slice(0, [...main.children].indexOf(summary));
  const inTheWay = before.filter((e) => !e.matches('a.back') && !hidden(e) && e.getBoundingClientRect().height >= 1);
  if (!main.contains(summary) || summary.parentElement !== main || inTheWay.length) {
    problems.push(`(11) the error summary is not at the top of <main>: after ${inTheWay.map(describe).join(', ')}`);
  }
  const h1 = document.querySelector('h1');
  for (const [what, el] of [['the form', form], ['the h1', h1]]) {
    if (el && !(summary.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)) {
      problems.push(`(11) the error summary comes after ${what}`);
    }
  }
  const links = [...summary.querySelectorAll('a')];
  if (links.length !== expected) {
    problems.push(`(11) the error summary lists ${links.length} problem(s), not ${expected}: ` +
                  links.map((a) => clean(a.textContent)).join(' / '));
  }
  for (const link of links) {
    const text = clean(link.textContent);
    const href = link.getAttribute('href') || '';
    const target = href.startsWith('#') ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
    if (!target) {
      problems.push(`(11) the summary's link "${text}" (href="${href}") leads to no element on the page`);
      continue;
    }
    if (!target.matches('input, select, textarea')) {
      problems.push(`(11) the summary's link "${text}" leads to ${describe(target)}, not to a field`);
      continue;
    }
    if (target.getAttribute('aria-invalid') !== 'true') {
      problems.push(`(11) no aria-invalid="true" on ${describe(target)}`);
    }
    // The message is tied to the field itself, or to the fieldset of its group.
    const group = target.closest('fieldset');
    const ids = [target, group].filter(Boolean)
      .flatMap((e) => (e.getAttribute('aria-describedby') || '').split(/\\s+/));
    const messages = ids.filter(Boolean).map((id) => document.getElementById(id))
      .filter((e) => e && e.matches('.error-message'));
    if (!messages.length) {
      problems.push(`(11) aria-describedby of ${describe(target)}${group ? ' and of its fieldset' : ''} `
                    + 'points at no error message');
      continue;
    }
    const inline = messages.find((m) => shown(m) === text);
    if (!inline) {
      problems.push(`(11) the inline message "${messages.map(shown).join(' / ')}" is not the summary's "${text}"`);
    } else if (hidden(inline)) {
      problems.push(`(11) the inline message "${text}" is not visible`);
    } else if (!form.contains(inline)) {
      problems.push(`(11) the inline message "${text}" is not next to its field, in the form`);
    }
  }
  // Every value the resident entered is there again.
  for (const [name, value] of Object.entries(entered)) {
    const fields = [...form.elements].filter((e) => e.name === name);
    if (!fields.length) { problems.push(`(11) the field ${name} is gone`); continue; }
    const choice = fields[0].matches('input[type=radio], input[type=checkbox]');
    const now = choice ? (fields.find((e) => e.checked) || {value: ''}).value : fields[0].value;
    if (now !== value) problems.push(`(11) ${name} holds "${now}", not "${value}" as entered`);
  }
  return problems;
}"""

# (11) where a summary link leads: once the browser has scrolled to the field, its question (the label
# tied to it, or the legend of its group), its error message and the field itself are all on the screen.
LINK_LANDING = """(href) => {
""" + HELPERS + """
  const target = document.getElementById(decodeURIComponent(href.slice(1)));
  if (!target) return null;
  const group = target.closest('fieldset');
  const question = group ? [...group.children].find((c) => c.tagName === 'LEGEND') : (target.labels || [])[0];
  const ids = [target, group].filter(Boolean).flatMap((e) => (e.getAttribute('aria-describedby') || '').split(/\\s+/));
  const message = ids.filter(Boolean).map((id) => document.getElementById(id))
    .find((e) => e && e.matches('.error-message'));
  const height = innerHeight;
  const out = [];
  const where = (r) => `${Math.round(r.top)} to ${Math.round(r.bottom)}px`;
  if (question) {
    const r = question.getBoundingClientRect();
    if (r.top < -1) {
      out.push(`its question is ${Math.round(-r.top)}px above the screen (${where(r)}): ${describe(question)}`);
    }
  }
  if (message) {
    const r = message.getBoundingClientRect();
    if (r.top < -1 || r.bottom > height + 1) {
      out.push(`its error message is off the screen (${where(r)} of ${height}px): ${describe(message)}`);
    }
  }
  const r = target.getBoundingClientRect();
  if (r.top < -1 || r.top + Math.min(r.height, 44) > height + 1) {
    out.push(`the field is off the screen (${where(r)} of ${height}px)`);
  }
  return out;
}"""
# Back to the page's own address, with no :target left (an empty fragment has none), at the top.
UNFOLLOW = """() => {
  location.hash = '';
  history.replaceState(history.state, '', location.pathname + location.search);
  scrollTo(0, 0);
}"""


# Following a link of the summary as a tap does (without JavaScript): the same navigation within the
# page, which the browser scrolls for before it returns; then where everything landed.
FOLLOW = "(href) => { location.hash = href; return (" + LINK_LANDING + ")(href); }"


def error_link_problems(page: Any) -> list[str]:
    """(11) each link of the error summary followed as a resident taps it (with JavaScript off, the
    browser scrolls to the field, as the stylesheet lets it): the field's question, its error message
    and the field are on the screen. The page is put back at its own address, scrolled to the top."""
    problems = []
    links = page.locator("main .error-summary a[href^='#']")
    for href, text in links.evaluate_all("(links) => links.map((a) => [a.getAttribute('href'), a.innerText])"):
        try:
            landing = page.evaluate(FOLLOW, href)
        finally:
            page.evaluate(UNFOLLOW)
        text = " ".join(text.split())
        problems += [f"(11) after the summary's link \"{text}\" ({href}), {p}" for p in landing or []]
    return problems


# (18) Japanese on a page in another language: every piece sits inside an element marked lang="ja", so a
# voice of the page's language does not read it (a Vietnamese voice reading 末永町). Japanese is kana or
# kanji; on a Chinese page, whose Han characters are its own, it is kana, or Han text that is one of the
# app's Japanese texts (`sources`), or a piece of one at least 4 characters long. The language links
# name each language in itself; the check page repeats what the resident typed, in whatever language,
# so there only what comes from the app's own texts (a chosen option) counts. Also returns the elements
# marked lang="ja" (text shown in Japanese in place of the page's language).
KANA = r"[\u3040-\u30ff\uff66-\uff9f]"
KANA_OR_KANJI = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]"
MIN_PIECE = 4
JAPANESE_TEXT = """([pattern, sources, minPiece]) => {
  const re = new RegExp(pattern);
  const cjk = /[\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uff66-\\uff9f]/;
  const fromApp = (text) => cjk.test(text) &&
    sources.some((s) => s === text || (text.length >= minPiece && s.includes(text)));
  const languages = (e) => e.closest('nav.languages');
  const unmarked = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data.replace(/\\s+/g, ' ').trim();
    const el = node.parentElement;
    if (!text || languages(el) || el.closest('script, style')) continue;
    const japanese = el.closest('.answer-value') ? fromApp(text) : re.test(text) || fromApp(text);
    if (!japanese) continue;
    const marked = el.closest('[lang]');
    if (!marked || !marked.getAttribute('lang').toLowerCase().startsWith('ja')) unmarked.push(text.slice(0, 40));
  }
  const fallback = [...document.querySelectorAll('body [lang]')]
    .filter((e) => e.getAttribute('lang').toLowerCase().startsWith('ja') && !e.closest('nav.languages, .answer-value'))
    .map((e) => `${e.tagName.toLowerCase()}: ${e.textContent.trim().slice(0, 40)}`);
  return {unmarked, fallback};
}"""


def japanese_text(page: Any, sources: list[str] = ()) -> dict[str, list[str]]:
    """(18) on a page in another language: `unmarked`, Japanese text outside any lang="ja" element, and
    `fallback`, the elements marked lang="ja". `sources` are the app's Japanese texts (as shown: no
    furigana notation): they tell Japanese from Chinese, and a chosen option from a typed answer."""
    chinese = page_lang(page).lower().startswith("zh")
    return page.evaluate(JAPANESE_TEXT, [KANA if chinese else KANA_OR_KANJI, list(sources), MIN_PIECE])


# (8), (11): the words each page language uses. ACCESSIBILITY.md names the Japanese ones, and English
# is the source text; other languages say them as their catalogs do.
NEED_WORDS = {"ja": ["必須", "任意"], "en": ["required", "optional"]}
ERROR_WORD = {"ja": "エラー:", "en": "Error:"}
BRACKETS = re.compile(r"[()（）]")


def need_words(lang: str) -> list[str]:
    """The words that say an answer is required or optional, in the page's language."""
    if lang in NEED_WORDS:
        return NEED_WORDS[lang]
    tr = Translator(lang)
    return [BRACKETS.sub("", tr.gettext(msgid)).strip() for msgid in ("(required)", "(optional)")]


def page_lang(page: Any) -> str:
    return page.evaluate("() => document.documentElement.lang") or "ja"


def label_problems(page: Any) -> list[str]:
    """(8) visible labels tied to every control, and required or optional said in words."""
    return page.evaluate(LABELS, [need_words(page_lang(page))])


def script_problems(page: Any) -> list[str]:
    """Problems found by checks (1), (3), (7), (8), (10) and (17) on the page as it is now."""
    return page.evaluate(MEASURE, [MIN_TEXT_PX, MIN_BODY_TEXT_PX, MIN_TARGET_PX, MIN_BUTTON_HEIGHT_PX]) + \
        label_problems(page)


def error_page_problems(page: Any, expected: int, entered: dict[str, str]) -> list[str]:
    """(11) on a form sent back with `expected` problems: novalidate, "エラー:" first in the <title>, an
    error summary at the top whose links lead to the fields, the same message inline and tied to its
    field (aria-describedby, aria-invalid), and every value in `entered` (field name -> value) kept."""
    lang = page_lang(page)
    error_word = ERROR_WORD.get(lang) or Translator(lang).gettext("Error:")
    return page.evaluate(ERRORS, [error_word, expected, entered])


def assert_script_checks(page: Any, where: str = "") -> None:
    problems = script_problems(page)
    width = page.viewport_size["width"] if page.viewport_size else "?"
    assert not problems, (
        f"{len(problems)} problem(s) on {where or page.url} at {width}px:\n" + "\n".join(f"- {p}" for p in problems)
    )
