"""More SCRIPT checks from ACCESSIBILITY.md, on computed styles: text at 200 % (3), reading (4),
borders and focus (5), primary buttons (7), explicit input types (9), no refresh (15) and the help
block's place and words (17). Measured in the resident's own no-JS page, like page_checks.py.

`page_problems` is cheap and runs at every width. `deep_problems` changes the page for a moment
(viewport width, root font size, focus) and puts it back as it was, so it can run in the middle of a
journey; it is meant to run once per page, at the narrow width.

Just over 500 lines: most of it is the JavaScript each check runs in the page, kept beside the
thresholds it measures against.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops

from .page_checks import HELPERS, MIN_BUTTON_HEIGHT_PX

NARROW_PX = 320          # (3) the narrowest phone
TEXT_ZOOM = "200%"       # (3) the reader's own root font size, doubled
WIDE_PX = 1280           # (4) a desktop browser, where lines could grow too long
MIN_LINE_HEIGHT = 1.5    # (4) × font-size
MAX_LINE_EM = 40         # (4) about 40 CJK characters, each 1em wide
LINE_TOLERANCE_EM = 0.5  # (4)
MIN_NON_TEXT_CONTRAST = 3.0  # (5) input borders and focus indicators
MIN_FOCUS_PX = 2         # (5) outline width, or box-shadow spread
FULL_WIDTH_TOLERANCE_PX = 2  # (7) primary buttons fill their container
# (6) a focus indicator a person sees, in pixels, as WCAG 2.4.13 measures it: the pixels that change by a
# contrast of 3:1 between unfocused and focused cover at least the area of a 2 px line inside the edge of
# the element as it is on the screen (less a tenth, for anti-aliased edges); looked for up to
# FOCUS_ROOM_PX around it.
MIN_FOCUS_CHANGE_PX = 2
FOCUS_CHANGE_SHARE = 0.9
MIN_FOCUS_CHANGE_CONTRAST = 3.0
FOCUS_ROOM_PX = 16  # our ring: a 4 px outline 2 px out, and an 8 px yellow shadow

COLOUR = """
  const parse = (c) => {
    const m = /rgba?\\(([^)]*)\\)/.exec(c || '');
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(parseFloat);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a), g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a), a: 1,
  });
  // The opaque colour painted behind `from` and its ancestors (white where nothing is painted).
  const backdrop = (from) => {
    const layers = [];
    for (let e = from; e && e.nodeType === 1; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    return layers.reverse().reduce((below, top) => over(top, below), {r: 255, g: 255, b: 255, a: 1});
  };
  const luminance = (c) => {
    const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
  };
  const contrast = (fg, bg) => {
    const a = luminance(over(fg, bg)), b = luminance(bg);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const hex = (c) => '#' + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const ratio = (x) => `${x.toFixed(2)}:1`;
"""

# (4) line height and no justified text (at any width); (5) borders of text fields; (7) primary
# buttons; (9) explicit input types; (15) no refresh. Cheap: runs at every width.
PAGE = """([minLineHeight, minContrast, minButton, fullWidthTolerance]) => {
  const problems = [];
""" + HELPERS + COLOUR + """
  // (4) line height of every visible text block: several elements with the same fault are one line.
  const faults = new Map();
  for (const el of document.body.querySelectorAll('p, li, label, legend, dt, dd, h1, h2, h3, a, button')) {
    if (!el.textContent.trim() || hidden(el)) continue;
    const cs = getComputedStyle(el);
    const size = parseFloat(cs.fontSize);
    const height = cs.lineHeight === 'normal' ? NaN : parseFloat(cs.lineHeight);
    if (height >= minLineHeight * size - 0.05) continue;
    const what = el.tagName.toLowerCase() + (el.classList.length ? '.' + [...el.classList].join('.') : '');
    const key = `${what} ${cs.lineHeight} ${size}`;
    if (!faults.has(key)) faults.set(key, {el, cs, size, height, count: 0});
    faults.get(key).count += 1;
  }
  for (const {el, cs, size, height, count} of faults.values()) {
    const times = Number.isNaN(height) ? '"normal"' : (height / size).toFixed(2) + ' ×';
    problems.push(`(4) line-height ${cs.lineHeight} is ${times} the font-size ${size}px, under ` +
                  `${minLineHeight}: ${describe(el)}` + (count > 1 ? ` (and ${count - 1} more like it)` : ''));
  }
  // (4) no justified text anywhere.
  for (const el of [document.documentElement, ...document.documentElement.querySelectorAll('*')]) {
    const cs = getComputedStyle(el);
    if (cs.textAlign === 'justify' || cs.textAlignLast === 'justify') {
      problems.push(`(4) text-align ${cs.textAlign} / text-align-last ${cs.textAlignLast}: ${describe(el)}`);
    }
  }

  // (5) the border of every text field, select and text area against what is behind it.
  const fields = 'input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=submit])' +
                 ':not([type=button]):not([type=reset]):not([type=image]), select, textarea';
  for (const el of document.querySelectorAll(fields)) {
    if (hidden(el)) continue;
    const cs = getComputedStyle(el);
    const behind = backdrop(el.parentElement);
    const sides = new Map();  // one message for the sides with the same fault
    for (const side of ['top', 'right', 'bottom', 'left']) {
      const style = cs.getPropertyValue(`border-${side}-style`);
      const width = parseFloat(cs.getPropertyValue(`border-${side}-width`));
      const colour = parse(cs.getPropertyValue(`border-${side}-color`));
      let fault = null;
      if (style === 'none' || style === 'hidden' || !(width >= 1) || !colour) {
        fault = `border missing (${style} ${width}px)`;
      } else if (contrast(colour, behind) < minContrast) {
        fault = `border ${hex(over(colour, behind))} is ${ratio(contrast(colour, behind))} against ` +
                `${hex(behind)}, under ${minContrast}:1`;
      }
      if (fault) sides.set(fault, [...(sides.get(fault) || []), side]);
    }
    for (const [fault, where] of sides) problems.push(`(5) ${where.join('/')} ${fault}: ${describe(el)}`);
  }

  // (7) primary buttons: the full width of their container, and tall.
  for (const el of document.querySelectorAll('button.button, a.button')) {
    if (hidden(el)) continue;
    const r = el.getBoundingClientRect();
    const box = el.parentElement;
    const pcs = getComputedStyle(box);
    const inner = box.getBoundingClientRect().width - parseFloat(pcs.paddingLeft) - parseFloat(pcs.paddingRight) -
                  parseFloat(pcs.borderLeftWidth) - parseFloat(pcs.borderRightWidth);
    if (Math.abs(r.width - inner) > fullWidthTolerance) {
      problems.push(`(7) primary button ${r.width.toFixed(1)}px wide in a ${inner.toFixed(1)}px container ` +
                    `(${describe(box).slice(0, 30)}), not its full width: ${describe(el)}`);
    }
    if (r.height < minButton - 0.5) {
      problems.push(`(7) primary button ${r.height.toFixed(1)}px tall, under ${minButton}px: ${describe(el)}`);
    }
  }

  // (9) every input says what it is: an explicit type attribute.
  for (const el of document.querySelectorAll('input:not([type])')) {
    problems.push(`(9) input without an explicit type attribute: ${describe(el)}`);
  }

  // (15) nothing refreshes by itself.
  for (const el of document.querySelectorAll('meta[http-equiv]')) {
    if (el.getAttribute('http-equiv').trim().toLowerCase() === 'refresh') {
      problems.push(`(15) <meta http-equiv="refresh" content="${el.getAttribute('content')}">`);
    }
  }
  return problems;
}"""

# (3) no horizontal scrolling, measured as it is (the caller has set the width and the text size).
SIDEWAYS = """() => {
""" + HELPERS + """
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [...document.body.querySelectorAll('*')]
    .filter((e) => !hidden(e) && e.getBoundingClientRect().right > root.clientWidth + 0.5)
    .map((e) => `${describe(e)} (right edge at ${e.getBoundingClientRect().right.toFixed(0)}px)`);
  return `scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}; too wide: ` +
         wide.slice(0, 4).join('; ') + (wide.length > 4 ? ` and ${wide.length - 4} more` : '');
}"""

# (3) a page zoomed to 400 % (WCAG 1.4.10: a 1280 × 720 screen becomes 320 × 180 CSS pixels): the page's own
# content, the first thing in <main> after the Back link and the read-aloud place, starts on the first
# screen, not below the bars above it.
ZOOMED = {"width": 320, "height": 180}
OWN_CONTENT_TOP = """() => {
""" + HELPERS + """
  const main = document.querySelector('main');
  if (!main) return null;
  const own = [...main.children].find((e) => !e.matches('a.back, .read-aloud') && !hidden(e)
                                        && e.getBoundingClientRect().height >= 1);
  if (!own) return null;
  return {what: describe(own), top: own.getBoundingClientRect().top + window.scrollY};
}"""

SET_ROOT_FONT_SIZE = """(size) => {
  const root = document.documentElement;
  const before = root.getAttribute('style');
  root.style.fontSize = size;
  return before;
}"""

# (3) WCAG 1.4.12's text spacing, as its test bookmarklet sets it: line height 1.5, 2 em after a
# paragraph, letters .12 em and words .16 em apart. A constructed stylesheet: the page's CSP lets no
# <style> element in, but does not govern these.
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }"
                " p { margin-bottom: 2em !important; }")
SET_TEXT_SPACING = """(css) => {
  if (!css) { document.adoptedStyleSheets = []; return; }
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [sheet];
}"""

RESTORE_ROOT_STYLE = """(before) => {
  const root = document.documentElement;
  // Chromium writes an inline style back to the attribute lazily: read it first, or a removed
  // attribute comes back as style="".
  root.getAttribute('style');
  if (before == null) root.removeAttribute('style'); else root.setAttribute('style', before);
}"""

# (4) the length of a line: the content box that holds each visible text, in ems of that text.
LINE_LENGTH = """([maxEm, toleranceEm]) => {
  const problems = [];
""" + HELPERS + """
  const reported = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest('rt, rp, script, style, template') || hidden(el)) continue;
    let box = el;
    while (box.parentElement && ['inline', 'contents'].includes(getComputedStyle(box).display)) box = box.parentElement;
    if (reported.has(box)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const cs = getComputedStyle(box);
    const width = box.getBoundingClientRect().width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) -
                  parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth);
    if (width > (maxEm + toleranceEm) * size) {
      reported.add(box);
      problems.push(`(4) lines ${width.toFixed(0)}px long hold ${(width / size).toFixed(1)} characters of ` +
                    `${size}px text, over ${maxEm}: ${describe(box)}`);
    }
  }
  return problems;
}"""

# (5) every focusable element, focused in turn: an outline or a box-shadow ring that stands out.
FOCUS = """([minWidth, minContrast]) => {
  const problems = [];
""" + HELPERS + COLOUR + """
  const shadows = (value) => [...(value || '').matchAll(
      /(rgba?\\([^)]*\\))\\s+(-?[\\d.]+)px\\s+(-?[\\d.]+)px\\s+(-?[\\d.]+)px\\s+(-?[\\d.]+)px(\\s+inset)?/g)]
    .map((m) => ({colour: parse(m[1]), x: +m[2], y: +m[3], blur: +m[4], spread: +m[5], inset: !!m[6]}));
  const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const kinds = new Set();
  const before = document.activeElement;
  for (const el of document.querySelectorAll(focusable)) {
    if (el.disabled || el.getAttribute('tabindex') === '-1' || el.closest('[aria-hidden="true"]')) continue;
    if (getComputedStyle(el).display === 'none') continue;
    el.focus();
    if (document.activeElement !== el) continue;  // not focusable after all (inside display: none)
    if (hidden(el)) {
      problems.push(`(5) focused, but hidden from sight: ${describe(el)}`);
      continue;
    }
    const cs = getComputedStyle(el);
    const behind = backdrop(el.parentElement);
    const own = backdrop(el);
    const found = [];
    let ok = false;
    const width = parseFloat(cs.outlineWidth);
    if (cs.outlineStyle !== 'none' && width > 0) {
      const colour = parse(cs.outlineColor);
      const inside = parseFloat(cs.outlineOffset) + width <= 0;
      const against = inside ? own : behind;
      const c = colour ? contrast(colour, against) : 0;
      ok = ok || (width >= minWidth && c >= minContrast);
      found.push(`outline ${cs.outlineStyle} ${width}px ${colour ? hex(colour) : cs.outlineColor} ` +
                 `(${ratio(c)} against ${hex(against)})`);
    } else {
      found.push('no outline');
    }
    for (const s of shadows(cs.boxShadow)) {
      const against = s.inset ? own : behind;
      const c = s.colour ? contrast(s.colour, against) : 0;
      const ring = s.spread >= minWidth && Math.abs(s.x) < s.spread && Math.abs(s.y) < s.spread;
      ok = ok || (ring && c >= minContrast);
      found.push(`${s.inset ? 'inset ' : ''}box-shadow ${s.x}px ${s.y}px ${s.blur}px ${s.spread}px ` +
                 `${s.colour ? hex(s.colour) : '?'} (${ratio(c)} against ${hex(against)})`);
    }
    const kind = el.matches('input[type=radio], input[type=checkbox]') ? 'choice'
      : el.matches('input, select, textarea') ? 'field' : el.matches('a') ? 'link' : 'button';
    kinds.add(kind);
    if (!ok) {
      problems.push(`(5) weak focus indicator, need an outline or a ring ≥ ${minWidth}px at ≥ ${minContrast}:1: ` +
                    `${found.join(', ')}: ${describe(el)}`);
    }
  }
  if (before && before !== document.body && before.focus) before.focus(); else document.activeElement.blur();
  return {problems, kinds: [...kinds]};
}"""

# (6) the elements Tab reaches that are drawn at all (a link in a closed <details> is not), each with
# a key of what decides how its focus looks: kind, classes, size, place across, and what is behind it.
FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]"
FOCUS_TARGETS = """(selector) => {
""" + HELPERS + """
  const behind = (el) => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && c !== 'transparent' && !/rgba\\([^)]*,\\s*0\\)$/.test(c)) return c;
    }
    return 'white';
  };
  return [...document.querySelectorAll(selector)].map((el, index) => {
    if (el.disabled || el.getAttribute('tabindex') === '-1' || el.closest('[aria-hidden="true"], [inert]')) return null;
    if (el.getClientRects().length === 0) return null;
    const r = el.getBoundingClientRect();
    const key = [el.tagName, el.className, el.getAttribute('type') || '', Math.round(r.width), Math.round(r.height),
                 Math.round(r.left), r.top + scrollY < 24 ? 'top' : '', behind(el)].join(' ');
    return {index, key, what: describe(el)};
  }).filter(Boolean);
}"""
# Focus the element (scrolled into view, as Tab would), note where it is, then take focus away.
FOCUS_PLACE = """([selector, index]) => {
  const el = document.querySelectorAll(selector)[index];
  el.focus();
  if (document.activeElement !== el) return null;
  el.scrollIntoView({block: 'nearest', inline: 'nearest'});
  const r = el.getBoundingClientRect();
  el.blur();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
          width: document.documentElement.clientWidth, height: innerHeight};
}"""
FOCUS_AGAIN = """([selector, index]) => {
  const el = document.querySelectorAll(selector)[index];
  el.focus({preventScroll: true});
  return document.activeElement === el;
}"""


def _luminance(value: int) -> float:
    """WCAG's relative luminance of a grey level, plus the 0.05 of its contrast formula."""
    v = value / 255
    return (v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4) + 0.05


_LUMINANCE = [_luminance(v) for v in range(256)]
# Which two grey levels differ by the contrast a changed focus must show (a table: looked up per pixel).
_CONTRASTING = [bytes(max(_LUMINANCE[a], _LUMINANCE[b]) >= MIN_FOCUS_CHANGE_CONTRAST * min(_LUMINANCE[a], _LUMINANCE[b])
                      for b in range(256)) for a in range(256)]


def changed_pixels(before: bytes, after: bytes) -> int:
    """How many pixels of two PNG pictures of the same place differ by a contrast of 3:1 (measured on
    their grey levels, near enough to WCAG's luminance for black, white and yellow)."""
    a, b = (Image.open(io.BytesIO(png)).convert("L") for png in (before, after))
    box = ImageChops.difference(a, b).getbbox()
    if box is None:
        return 0
    a, b = a.crop(box).tobytes(), b.crop(box).tobytes()
    return sum(_CONTRASTING[x][y] for x, y in zip(a, b, strict=True) if x != y)


def on_screen(at: dict[str, float], inset: float) -> tuple[float, float]:
    """Width and height of the part on the screen of a box (FOCUS_PLACE's), shrunk by `inset` on each side."""
    return (max(0.0, min(at["right"] - inset, at["width"]) - max(at["left"] + inset, 0.0)),
            max(0.0, min(at["bottom"] - inset, at["height"]) - max(at["top"] + inset, 0.0)))


def focus_pixel_problems(page: Any, seen: set[str] | None = None) -> list[str]:
    """(6) each element Tab reaches, pictured unfocused and focused where it is on the screen: the focus
    must change enough pixels enough (MIN_FOCUS_CHANGE_PX). Elements whose key is in `seen` (one like
    it was pictured already) are skipped, and the keys of those pictured are added to it. The page's
    focus and scroll position are put back."""
    seen = set() if seen is None else seen
    page.keyboard.press("Shift")  # a key pressed: the browser shows focus as it does for keyboard users
    scroll = page.evaluate("() => [scrollX, scrollY]")
    problems = []
    try:
        for target in page.evaluate(FOCUS_TARGETS, FOCUSABLE):
            if target["key"] in seen:
                continue
            seen.add(target["key"])
            at = page.evaluate(FOCUS_PLACE, [FOCUSABLE, target["index"]])
            if at is None:
                continue  # not focusable after all
            left, top = max(0.0, at["left"] - FOCUS_ROOM_PX), max(0.0, at["top"] - FOCUS_ROOM_PX)
            right, bottom = (min(at["width"], at["right"] + FOCUS_ROOM_PX),
                             min(at["height"], at["bottom"] + FOCUS_ROOM_PX))
            if right - left < 1 or bottom - top < 1:
                problems.append(f"(6) focused, but off the screen: {target['what']}")
                continue
            clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
            unfocused = page.screenshot(clip=clip, animations="disabled")
            page.evaluate(FOCUS_AGAIN, [FOCUSABLE, target["index"]])
            focused = page.screenshot(clip=clip, animations="disabled")
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            # A line along each edge of the element that is on the screen: its box on the screen less
            # its box shrunk by the line's width, on the screen.
            (width, height), inner = on_screen(at, 0), on_screen(at, MIN_FOCUS_CHANGE_PX)
            wanted = FOCUS_CHANGE_SHARE * (width * height - inner[0] * inner[1])
            changed = changed_pixels(unfocused, focused)
            if changed < wanted:
                problems.append(f"(6) focus changes {changed} pixels by {MIN_FOCUS_CHANGE_CONTRAST:g}:1, under the "
                                f"{wanted:.0f} of a {MIN_FOCUS_CHANGE_PX} px line around its "
                                f"{width:.0f}x{height:.0f} px: {target['what']}")
    finally:
        page.evaluate("([x, y]) => { document.activeElement && document.activeElement.blur(); "
                      "scrollTo(x, y); }", scroll)
    return problems


HELP_BLOCK = """() => {
  const help = document.querySelector('aside.help');
  if (!help) return null;
  const path = [];
  for (let e = help; e && e !== document.documentElement; e = e.parentElement) {
    const index = [...e.parentElement.children].indexOf(e) + 1;
    const count = e.parentElement.children.length;
    path.unshift(`${e.tagName.toLowerCase()}${e.classList.length ? '.' + [...e.classList].join('.') : ''}` +
                 `[${index === count ? 'last' : index}]`);
  }
  const main = document.querySelector('main');
  return {
    path: path.join(' > '),
    after_main: !!main && help.previousElementSibling === main,
    last: help.parentElement.lastElementChild === help,
    text: help.innerText.replace(/\\s+/g, ' ').trim(),
    tel: [...help.querySelectorAll('a[href^="tel:"]')].map((a) => a.getAttribute('href')),
  };
}"""


def page_problems(page: Any) -> list[str]:
    """(4) line height and justification, (5) field borders, (7) primary buttons, (9) types, (15)."""
    return page.evaluate(PAGE, [MIN_LINE_HEIGHT, MIN_NON_TEXT_CONTRAST, MIN_BUTTON_HEIGHT_PX, FULL_WIDTH_TOLERANCE_PX])


def text_zoom_problems(page: Any) -> list[str]:
    """(3) on a 320 px wide phone: at the page's own text size, without and with WCAG 1.4.12's text
    spacing, and at 200 % text (the root font size doubled, as a reader who set a larger default font would have it)
    without and with that spacing; then the page is put back as it was."""
    viewport = page.viewport_size
    if viewport["width"] != NARROW_PX:
        page.set_viewport_size({"width": NARROW_PX, "height": viewport["height"]})
    problems = []
    try:
        for zoom, spacing in ((None, False), (None, True), (TEXT_ZOOM, False), (TEXT_ZOOM, True)):
            before = page.evaluate(SET_ROOT_FONT_SIZE, zoom) if zoom else None
            if spacing:
                page.evaluate(SET_TEXT_SPACING, TEXT_SPACING)
            try:
                sideways = page.evaluate(SIDEWAYS)
            finally:
                if spacing:
                    page.evaluate(SET_TEXT_SPACING, "")
                if zoom:
                    page.evaluate(RESTORE_ROOT_STYLE, before)
            if sideways:
                how = " and ".join(filter(None, [f"{zoom} text" if zoom else "its own text size",
                                                 "text spacing" if spacing else ""]))
                problems.append(f"(3) at {how}, {NARROW_PX}px wide, scrolls sideways: {sideways}")
    finally:
        if viewport["width"] != NARROW_PX:
            page.set_viewport_size(viewport)
    return problems


def zoomed_problems(page: Any) -> list[str]:
    """(3) at 400 % zoom (ZOOMED): no sideways scroll, and the page's own content begins on the first
    screen; then the viewport is put back."""
    viewport = page.viewport_size
    page.set_viewport_size(ZOOMED)
    try:
        problems = []
        sideways = page.evaluate(SIDEWAYS)
        if sideways:
            problems.append(f"(3) at 400% zoom, {ZOOMED['width']}x{ZOOMED['height']}, scrolls sideways: {sideways}")
        own = page.evaluate(OWN_CONTENT_TOP)
        if own and own["top"] >= ZOOMED["height"]:
            problems.append(f"(3) at 400% zoom, {ZOOMED['width']}x{ZOOMED['height']}, the page's own content "
                            f"({own['what']}) starts at {own['top']:.0f}px, below the first screen")
    finally:
        page.set_viewport_size(viewport)
    return problems


def line_length_problems(page: Any) -> list[str]:
    """(4) at a wide viewport, no line holds more than about 40 characters."""
    viewport = page.viewport_size
    page.set_viewport_size({"width": WIDE_PX, "height": viewport["height"]})
    try:
        problems = page.evaluate(LINE_LENGTH, [MAX_LINE_EM, LINE_TOLERANCE_EM])
    finally:
        page.set_viewport_size(viewport)
    return [f"{p} (at {WIDE_PX}px wide)" for p in problems]


def focus_problems(page: Any) -> tuple[list[str], list[str]]:
    """(5) every focusable element focused in turn (as the Tab key would); returns the problems and
    the kinds of element focused (field, choice, link, button)."""
    page.keyboard.press("Shift")  # a key pressed: the browser shows focus as it does for keyboard users
    result = page.evaluate(FOCUS, [MIN_FOCUS_PX, MIN_NON_TEXT_CONTRAST])
    return result["problems"], result["kinds"]


def deep_problems(page: Any) -> tuple[list[str], list[str]]:
    """(3) at 200 % text, (4) line length at a wide viewport, (5) focus: the checks that change the page
    for a moment; once per page. Returns the problems and the kinds of element whose focus was checked."""
    focus, kinds = focus_problems(page)
    return text_zoom_problems(page) + line_length_problems(page) + focus, kinds


def help_block(page: Any) -> dict | None:
    """(17) where the help block is in the DOM, and what it says."""
    return page.evaluate(HELP_BLOCK)


def screenshot_focused(page: Any, selector: str, path: Path) -> Path:
    """(6) a picture of the page with the first `selector` focused (scrolled into view), for a person to
    review the focus indicator in its context."""
    page.keyboard.press("Shift")  # as for keyboard users
    element = page.locator(selector).first
    element.focus()
    page.screenshot(path=str(path))
    element.blur()
    return path
