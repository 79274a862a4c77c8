"""The tiny, safe text formatting staff may use in paragraphs and notices.

    A blank line starts a new paragraph; a single line break stays a line break.
    - item            a bulleted list (also "・item" or "* item")
    1. item           a numbered list (also "1) item", "１．item")
    [text](https://…) a link: only https://, http://, tel: and mailto: addresses
    **text**          strong emphasis
    {漢字|かんじ}      a reading, as do ｜漢字《かんじ》 and 漢字《かんじ》 (furigana.py): <ruby> with <rp>
                      fallbacks where the resident chose furigana, otherwise the kanji alone

Everything else is text. The HTML is built here from escaped pieces: staff HTML never passes
through, and a link to any other kind of address is shown as its text, without a link (the
lint reports it).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup

from . import furigana

_BULLET = re.compile(r"^(?:[-*][ \u3000]+|[・•][ \u3000]*)(?P<item>\S.*)$")
# "1. item" with a space; after a full-width "．" or "）" the space may be left out ("3．三番目").
_NUMBERED = re.compile(r"^(?P<n>[0-9０-９]{1,3})(?:[.．)）][ \u3000]+|[．）](?=[^\d\s]))(?P<item>\S.*)$")
_INLINE = re.compile(
    r"\[(?P<text>[^\[\]\n]+)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))*)\)"  # one level of (…) inside an address
    r"|\*\*(?P<strong>[^*\n]+)\*\*"
)
_SAFE_URL = re.compile(
    r"^(?:https?://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?(?:[/?#][^\s<>\"'`\\]*)?"
    r"|tel:\+?[0-9][0-9\-]{1,24}"
    r"|mailto:[A-Za-z0-9.!#$%&*+/=?^_{|}~\-]+@[A-Za-z0-9.\-]+)$",
    re.IGNORECASE,
)


def is_safe_url(url: str) -> bool:
    """Whether a link may point at `url`: a web page, a phone number or an email address."""
    return bool(_SAFE_URL.match(url))


def links(text: str) -> list[str]:
    """Every link address written in `text`, safe or not."""
    return [m.group("url") for m in _INLINE.finditer(text) if m.group("url") is not None]


def _blocks(text: str) -> list[tuple[str, list[str], int]]:
    """(kind, lines, first number) for each paragraph ("p"), bulleted ("ul") or numbered ("ol") list."""
    blocks: list[tuple[str, list[str], int]] = []
    kind, start = "", 1
    lines: list[str] = []

    def flush() -> None:
        nonlocal kind, lines
        if lines:
            blocks.append((kind, lines, start))
        kind, lines = "", []

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line:
            flush()
            continue
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        this = "ul" if bullet else "ol" if numbered else "p"
        if this != kind:
            flush()
            kind = this
            if numbered:
                start = int(numbered.group("n"))
        lines.append(bullet.group("item") if bullet else numbered.group("item") if numbered else line)
    flush()
    return blocks


def _inline(text: str, words: Callable[[str], Markup], *, with_links: bool = True) -> Markup:
    """One line: links and strong emphasis, and `words` (furigana.prepare) for the text in between."""
    out = Markup()
    end = 0
    for m in _INLINE.finditer(text):
        out += words(text[end:m.start()])
        end = m.end()
        if m.group("url") is not None:
            if with_links and is_safe_url(m.group("url")):
                out += Markup('<a href="{}">{}</a>').format(m.group("url"),
                                                           _inline(m.group("text"), words, with_links=False))
            else:
                out += _inline(m.group("text"), words, with_links=False)
        else:
            out += Markup("<strong>{}</strong>").format(_inline(m.group("strong"), words, with_links=False))
    return out + words(text[end:])


def render(text: str, lang: str | None = None) -> Markup:
    """The HTML of formatted text: <p>, <ul>, <ol>, <a>, <strong>, <ruby> and nothing else.

    Readings are shown as the current page says (furigana.py); `lang`, the language the text is in,
    when known (else the page's readings tell whether it is Japanese)."""
    source, words = furigana.prepare(text, None if lang is None else lang in furigana.JAPANESE)
    parts = []
    for kind, lines, start in _blocks(source):
        if kind == "p":
            parts.append(Markup("<p>{}</p>").format(Markup("<br>\n").join(_inline(line, words) for line in lines)))
            continue
        items = Markup("").join(Markup("<li>{}</li>\n").format(_inline(line, words)) for line in lines)
        opening = Markup('<ol start="{}">').format(start) if kind == "ol" and start != 1 else Markup(f"<{kind}>")
        parts.append(opening + Markup("\n") + items + Markup(f"</{kind}>"))
    return Markup("\n").join(parts)


def plain_text(text: str) -> str:
    """The words a resident reads, without formatting or readings: for counting sentence lengths."""

    def words(m: re.Match[str]) -> str:
        return m.group("text") or m.group("strong") or ""

    lines: list[str] = []
    for _kind, block, _start in _blocks(text):
        lines.extend(furigana.plain(_INLINE.sub(words, line)) for line in block)
    return "\n".join(lines)
