"""Interface text through Babel gettext catalogs in locales/, and the per-request translator.

Catalogs are read from the .po files at start-up, so a fresh checkout needs no compile step.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import gettext as stdlib_gettext
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup, escape

from widgets import LocalizedText, furigana

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"
# Languages of the resident pages' interface; the first is the default. The codes are those of
# the HTML lang attribute and of app content (widgets/text.py); each is named in its own language.
UI_LANGS = ("ja", "en", "zh-Hans", "ko", "vi")
LANG_NAMES = {"ja": "日本語", "en": "English", "zh-Hans": "简体中文", "ko": "한국어", "vi": "Tiếng Việt"}
# Babel's locale names: the catalog directory in locales/, and the locale dates and numbers follow.
CATALOG_LOCALES = {"ja": "ja", "en": "en", "zh-Hans": "zh_Hans", "ko": "ko", "vi": "vi"}


def babel_locale(lang: str) -> str:
    """Babel's locale for one of our language codes; Easy Japanese (ja-x-easy) formats as Japanese."""
    return CATALOG_LOCALES.get(lang) or CATALOG_LOCALES.get(lang.split("-x-")[0], "ja")


@cache
def translations(lang: str) -> stdlib_gettext.NullTranslations:
    locale = babel_locale(lang)
    po = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return stdlib_gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class Translator:
    """The page's language: interface text from the catalogs, app content from LocalizedText."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in UI_LANGS else UI_LANGS[0]
        self._t = translations(self.lang)

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def format(self, message: str, **params: object) -> str:
        return self.gettext(message).format(**params)

    def text(self, value: LocalizedText) -> str:
        """Plain text (Japanese without its furigana notation): for <title>, attributes, answers, files."""
        return value.text(self.lang)

    def format_markup(self, message: str, **params: object) -> Markup:
        """A translated message with its {placeholders} filled in, escaped, for a page: app content
        (LocalizedText) keeps its own lang attribute, an unknown placeholder is left empty."""
        values = _Blank({k: self.markup(v) if isinstance(v, LocalizedText) else v for k, v in params.items()})
        return self.interface_html(message).format_map(values)

    def interface_html(self, message: str) -> Markup:
        """Interface text as HTML on the current page: with ruby where a Japanese page's resident chose
        furigana (the readings `madoguchi messages` worked out), else as it is, escaped."""
        text = self.gettext(message)
        page = furigana.current.get()
        if self.lang == "ja" and page is not None and page.shown:
            return furigana.ruby(interface_readings().get(text, text))
        return escape(text)

    def later(self, message: str, **params: object) -> PageMessage:
        """`format_markup`, made when the page is: only then is it known whether it shows furigana."""
        return PageMessage(self, message, params)

    def markup(self, value: LocalizedText) -> Markup:
        """The text, marked with its own language when it falls back to another one; Japanese with
        furigana where the resident chose them (furigana.current), else without its notation."""
        text, lang = value.get(self.lang)
        html = furigana.html(text, japanese=lang in furigana.JAPANESE)
        if lang == self.lang:
            return html
        return Markup('<span lang="{}">{}</span>').format(lang, html)


@dataclass(frozen=True)
class PageMessage:
    """A message for a page that becomes HTML as the page is rendered (Jinja asks for `__html__`)."""

    translator: Translator
    message: str
    params: Mapping[str, object]

    def __html__(self) -> str:
        return self.translator.format_markup(self.message, **self.params)

    def __str__(self) -> str:  # plain text, as a log or a test reads it
        values = _Blank({k: self.translator.text(v) if isinstance(v, LocalizedText) else v
                         for k, v in self.params.items()})
        return self.translator.gettext(self.message).format_map(values)


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


current: contextvars.ContextVar[Translator] = contextvars.ContextVar("translator")


def gettext(message: str) -> str:
    return current.get().gettext(message)


INTERFACE_READINGS = LOCALES_DIR / "ja" / "LC_MESSAGES" / "furigana.json"


@cache
def interface_readings() -> dict[str, str]:
    """The Japanese interface text with its readings written out (｜次《つぎ》へ), worked out by
    `madoguchi messages` (builder/messages.py), so that no resident page needs the dictionary."""
    return json.loads(INTERFACE_READINGS.read_text(encoding="utf-8")) if INTERFACE_READINGS.exists() else {}


def page_text(message: str) -> str | Markup:
    """Interface text for a template (its `_`): with furigana on a Japanese page whose resident chose
    them, as ruby. Where no markup may go (<title>, an attribute, an <option>) it goes through `plain`."""
    tr = current.get()
    page = furigana.current.get()
    if tr.lang == "ja" and page is not None and page.shown:
        return tr.interface_html(message)
    return tr.gettext(message)


def localized(value: LocalizedText | None) -> Markup:
    if value is None:
        return Markup("")
    return current.get().markup(value)


_RUBY_ANNOTATION = re.compile(r"<(rt|rp)>.*?</\1>", re.DOTALL)


def plain(value: LocalizedText | str | None) -> str:
    """Text for <title> and attributes: app content in the page's language without furigana, or HTML
    with its readings (<rt>, <rp>) and tags taken out."""
    if value is None:
        return ""
    if isinstance(value, LocalizedText):
        return current.get().text(value)
    return Markup(_RUBY_ANNOTATION.sub("", str(value))).striptags()


def format_moment(moment: dt.datetime, lang: str, time_zone: str = "Asia/Tokyo") -> str:
    """A date and time as people read it, in the city's time zone: 2026年12月1日月曜日 9:00."""
    local = moment.astimezone(ZoneInfo(time_zone))
    locale = babel_locale(lang)
    return f"{format_date(local.date(), 'full', locale=locale)} {format_time(local.time(), 'H:mm', locale=locale)}"
