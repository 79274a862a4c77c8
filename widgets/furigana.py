"""Furigana: the readings of kanji, shown as <ruby> to residents who switch them on.

Staff may write a reading anywhere in Japanese text, in Aozora Bunko notation:
    ｜伊達市《だてし》   the reading of everything from ｜ (or |) to 《
    伊達市《だてし》     the reading of the run of kanji just before 《
    {伊達市|だてし}      the same, as formatted text (markup.py) has always written it
When an app is published, every other run of kanji gets its reading from SudachiPy (`annotate`),
and the text with every reading written out is kept with the version (`readings`), so a
resident's page never needs the dictionary. With furigana off a resident reads the text with
the notation removed (`plain`), and so do <title>, attributes, exports and the lint.

A page says how it shows Japanese text through `current` (see `on_page`): the readings of its
app and whether the resident chose furigana. Without one, text is shown plain.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

from markupsafe import Markup, escape

JAPANESE = frozenset({"ja", "ja-x-easy"})  # the languages whose text has furigana

# What counts as kanji, for the run a reading covers (Aozora counts 々〆〇ヶ with the kanji).
_KANJI_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f々〆〇ヶ"
_KANA_CHARS = "\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe"
KANJI = re.compile(f"[{_KANJI_CHARS}]")
_KANA = re.compile(f"[{_KANA_CHARS}]")
_NOTATION = re.compile(
    r"\{(?P<curly>[^{}|\n]+)\|(?P<curly_reading>[^{}|\n]+)\}"
    r"|[｜|](?P<marked>[^｜|《》\n]+)《(?P<marked_reading>[^《》\n]*)》"
    rf"|(?P<run>[{_KANJI_CHARS}]+)《(?P<run_reading>[^《》\n]*)》"
)
# The address of a link in formatted text ("[text](address)", markup.py) is never annotated.
_LINK_ADDRESS = r"\]\((?:[^()\s]|\([^()\s]*\))*\)"
_KEEP_AS_WRITTEN = re.compile(f"{_NOTATION.pattern}|{_LINK_ADDRESS}")
_READING = re.compile(f"[{_KANA_CHARS}・]+")
_STRAY = re.compile(r"[《》｜]")
_JAPANESE_WORD = re.compile(f"[{_KANJI_CHARS}{_KANA_CHARS}]+")
_KANJI_OR_OTHER = re.compile(f"[{_KANJI_CHARS}]+|[^{_KANJI_CHARS}]+")
RUBY = Markup("<ruby>{}<rp>（</rp><rt>{}</rt><rp>）</rp></ruby>")


class Segment(NamedTuple):
    text: str
    reading: str = ""  # none: text shown as it is


def _base_and_reading(m: re.Match[str]) -> tuple[str, str]:
    for name in ("curly", "marked", "run"):
        if m.group(name) is not None:
            return m.group(name), m.group(f"{name}_reading")
    raise AssertionError(m)


def segments(text: str) -> list[Segment]:
    """`text` cut into plain runs and runs with the reading staff (or `annotate`) wrote over them."""
    out: list[Segment] = []
    end = 0
    for m in _NOTATION.finditer(text):
        if m.start() > end:
            out.append(Segment(text[end:m.start()]))
        base, reading = _base_and_reading(m)
        out.append(Segment(base, reading.strip()))
        end = m.end()
    if end < len(text):
        out.append(Segment(text[end:]))
    return out


def plain(text: str) -> str:
    """The text a resident reads with furigana off: the notation removed, each base kept."""
    return _NOTATION.sub(lambda m: _base_and_reading(m)[0], text)


def ruby(text: str) -> Markup:
    """HTML of `text` with every written reading as <ruby> (with <rp> for browsers without ruby); all escaped."""
    return Markup("").join(RUBY.format(s.text, s.reading) if s.reading else escape(s.text) for s in segments(text))


def problems(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """What is wrong with the notation in `text`, as (code, params) for the lint:
    "empty-reading", "reading-not-kana" ({base}, {reading}) or "broken-notation" ({near})."""
    for m in _NOTATION.finditer(text):
        base, reading = _base_and_reading(m)
        if not reading.strip():
            yield "empty-reading", {"base": base}
        elif not _READING.fullmatch(reading.strip()):
            yield "reading-not-kana", {"base": base, "reading": reading}
    rest = _NOTATION.sub("", text)
    stray = _STRAY.search(rest)
    if stray:
        yield "broken-notation", {"near": rest[max(0, stray.start() - 6):stray.end() + 6]}


# --- automatic readings (publishing, the builder's preview) ----------------------------------------

@cache
def _tokenizer() -> tuple[Any, Any]:  # SudachiPy's Tokenizer and SplitMode.B: SudachiPy ships no types
    # Imported when first needed: a resident-only server that serves stored readings never loads the
    # dictionary (about 100 MB mapped).
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C), SplitMode.B


_tokenizer_lock = threading.Lock()  # a SudachiPy tokenizer is not to be used by two threads at once


def _words(text: str) -> list[tuple[str, str]]:
    """(surface, reading in hiragana) of each word. The longest words give the best readings
    (生年月日 せいねんがっぴ); each is shown in its shorter parts where their readings add up to it,
    so a reading stands over its own word (伊達市｜末永町)."""
    tokenizer, shorter = _tokenizer()
    words: list[tuple[str, str]] = []
    with _tokenizer_lock:
        for m in tokenizer.tokenize(text):
            parts = m.split(shorter)
            if len(parts) > 1 and "".join(p.reading_form() for p in parts) == m.reading_form():
                words.extend((p.surface(), _hiragana(p.reading_form())) for p in parts)
            else:
                words.append((m.surface(), _hiragana(m.reading_form())))
    return words


def _hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def _with_reading(surface: str, reading: str) -> str:
    """One word with its reading written over its kanji only: 申し込み → ｜申《もう》し｜込《こ》み."""
    runs = _KANJI_OR_OTHER.findall(surface)
    pattern = "".join("(.+?)" if KANJI.match(run) else re.escape(_hiragana(run)) for run in runs)
    found = re.fullmatch(pattern, reading)
    if found is not None:
        kanji = iter(found.groups())
        return "".join(f"｜{run}《{next(kanji)}》" if KANJI.match(run) else run for run in runs)
    pieces = _JAPANESE_WORD.findall(surface)
    if len(pieces) > 1 or (pieces and pieces[0] != surface):
        # A dictionary word with brackets or letters inside (名前（ふりがな）): read its parts on their own.
        return _JAPANESE_WORD.sub(lambda m: _annotate_run(m.group()), surface)
    return f"｜{surface}《{reading}》"


def _annotate_run(text: str) -> str:
    out = []
    for surface, reading in _words(text):
        if KANJI.search(surface) and reading and _READING.fullmatch(reading):
            out.append(_with_reading(surface, reading))
        else:  # kana, numbers, letters, symbols; or a word the dictionary cannot read
            out.append(surface)
    return "".join(out)


@lru_cache(maxsize=8192)
def annotate(text: str) -> str:
    """`text` with the reading of every run of kanji written out (｜漢字《かんじ》), in hiragana. A reading
    staff wrote is kept as written; so is the address of a link."""
    if not KANJI.search(text):
        return text
    out, end = [], 0
    for m in _KEEP_AS_WRITTEN.finditer(text):
        out.append(_annotate_run(text[end:m.start()]) if m.start() > end else "")
        out.append(m.group())
        end = m.end()
    out.append(_annotate_run(text[end:]) if end < len(text) else "")
    return "".join(out)


def needs_readings(text: str) -> bool:
    return bool(KANJI.search(text) or _NOTATION.search(text))


def readings(texts: Iterable[str], *, automatic: bool = True) -> dict[str, str]:
    """Japanese text -> the same text with every reading written out, for each text that has kanji or
    notation. Without `automatic`, only what staff wrote (no dictionary): enough to show text plain."""
    return {text: annotate(text) if automatic else text for text in texts if needs_readings(text)}


# --- a page ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageReadings:
    """How a page shows Japanese text: the readings of its app(s) (whose keys are its Japanese texts),
    and whether the resident chose furigana."""

    readings: Mapping[str, str]
    shown: bool


current: ContextVar[PageReadings | None] = ContextVar("furigana", default=None)


@contextmanager
def on_page(readings: Mapping[str, str], shown: bool) -> Iterator[None]:
    token = current.set(PageReadings(readings, shown))
    try:
        yield
    finally:
        current.reset(token)


def prepare(text: str, japanese: bool | None = None) -> tuple[str, Callable[[str], Markup]]:
    """The text to lay out, and how each run of it becomes HTML, on the current page.

    `japanese`: whether the text is Japanese; when not known, the page's readings tell (their keys
    are its Japanese texts), else any kana in it, and text outside a page is taken as Japanese. Text in
    another language keeps every character (《》 are quotation marks in Chinese)."""
    page = current.get()
    if japanese is None:
        japanese = page is None or text in page.readings or bool(_KANA.search(text))
    if not japanese:
        return text, escape
    if page is not None and page.shown:
        return page.readings.get(text, text), ruby
    return text, _plain_html


def _plain_html(text: str) -> Markup:
    return escape(plain(text))


def html(text: str, japanese: bool | None = None) -> Markup:
    """`text` as the current page shows it: with ruby, plain, or (not Japanese) as written; escaped."""
    source, to_html = prepare(text, japanese)
    return to_html(source)
