"""Japanese eras (元号): our own small table, since Babel has none.

An era year counts from 1 (元年) in the year the era began, and the era ends the day before the
next begins: 昭和64年 is 1–7 January 1989 only, 平成元年 begins on 8 January 1989, 令和元年 on
1 May 2019. Before 1873 Japan kept a lunisolar calendar, so days in 明治1–5年 are Gregorian
approximations; the date question does not take years before 1900.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from babel.dates import format_date as babel_format_date


@dataclass(frozen=True)
class Era:
    key: str  # the stored and submitted name: "showa"
    name: str  # 昭和
    romaji: str  # Shōwa
    initial: str  # S, as on forms and cards: S25
    start: dt.date  # first day
    end: dt.date | None  # last day; None for the present era


ERAS: tuple[Era, ...] = (
    Era("meiji", "明治", "Meiji", "M", dt.date(1868, 1, 25), dt.date(1912, 7, 29)),
    Era("taisho", "大正", "Taishō", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("showa", "昭和", "Shōwa", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("heisei", "平成", "Heisei", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("reiwa", "令和", "Reiwa", "R", dt.date(2019, 5, 1), None),
)


class EraError(ValueError):
    """A day that does not exist in the era given (平成32年, 昭和64年2月1日, 令和元年4月1日)."""

    def __init__(self, era: Era, year: int, month: int, day: int) -> None:
        super().__init__(f"{era.name}{year}年{month}月{day}日 is not a day of {era.romaji} "
                         f"({era.start} to {era.end or 'now'})")
        self.era = era


def era(name: str) -> Era:
    """An era by key ("showa"), name (昭和), romaji (Shōwa, Showa) or initial (S); KeyError when unknown."""
    wanted = _fold(name)
    for candidate in ERAS:
        if wanted in (candidate.key, _fold(candidate.name), _fold(candidate.romaji), candidate.initial.lower()):
            return candidate
    raise KeyError(name)


def _fold(text: str) -> str:
    # "Shōwa" -> "showa"; NFKC makes "Ｓ" into "S".
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def to_western(era_: Era | str, year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a day given in an era; ValueError for a date that does not exist,
    EraError (a ValueError) for one outside the era."""
    found = era_ if isinstance(era_, Era) else era(era_)
    western = found.start.year + year - 1
    if year < 1 or western > (found.end.year if found.end else dt.MAXYEAR):
        raise EraError(found, year, month, day)
    try:
        date = dt.date(western, month, day)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{found.name}{year}年{month}月{day}日 is not a real date") from exc
    if date < found.start or (found.end is not None and date > found.end):
        raise EraError(found, year, month, day)
    return date


def from_western(date: dt.date) -> tuple[Era, int]:
    """The era of a day and the year within it: 1989-01-07 -> (昭和, 64), 1989-01-08 -> (平成, 1)."""
    for candidate in reversed(ERAS):
        if date >= candidate.start:
            return candidate, date.year - candidate.start.year + 1
    raise ValueError(f"{date} is before the first era we know ({ERAS[0].name}, {ERAS[0].start})")


_ERA_YEAR = re.compile(r"^(?P<era>[^\d元]*)\s*(?P<year>\d{1,5}|元)\s*年?$")


def parse_era_year(text: str) -> tuple[Era | None, int]:
    """A typed year: "1950" -> (None, 1950); "昭和25年", "S25", "s 25" -> (昭和, 25); "元", "元年" -> (None, 1).

    ValueError when it is not a year.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    match = _ERA_YEAR.match(text)
    if not match:
        raise ValueError(f"not a year: {text!r}")
    year = 1 if match.group("year") == "元" else int(match.group("year"))
    named = match.group("era").strip()
    if not named:
        return None, year
    try:
        return era(named), year
    except KeyError:
        raise ValueError(f"not an era: {named!r}") from None


def format_era_year(era_: Era, year: int) -> str:
    """昭和25年, 令和元年."""
    return f"{era_.name}{'元' if year == 1 else year}年"


# Babel locales for the languages of app content; Japanese is written here, with its era.
_BABEL_LOCALE = {"en": "en_GB", "zh-Hans": "zh_Hans", "ko": "ko", "vi": "vi"}


def format_date(date: dt.date, lang: str = "ja") -> str:
    """A date for residents: 昭和25年（1950年）3月4日 in Japanese, "4 March 1950 (Shōwa 25)" in English,
    the long local form in the other languages."""
    try:
        era_, year = from_western(date)
    except ValueError:
        era_ = None
    if lang.startswith("ja"):
        if era_ is None:
            return f"{date.year}年{date.month}月{date.day}日"
        return f"{format_era_year(era_, year)}（{date.year}年）{date.month}月{date.day}日"
    text = babel_format_date(date, format="long", locale=_BABEL_LOCALE.get(lang, "en_GB"))
    if lang == "en" and era_ is not None:
        text += f" ({era_.romaji} {year})"
    return text
