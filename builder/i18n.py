"""The builder's interface language: each member of staff picks Japanese or English.

Builder text goes through the same gettext catalogs as the resident pages (locales/).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from nicegui import app

from generated_apps.domain.i18n import UI_LANGS, Translator

BUILDER_LANGS = ("ja", "en")


def staff_lang() -> str:
    """The signed-in member of staff's language (Japanese until they choose)."""
    try:
        lang = app.storage.user.get("lang", "ja")
    except (RuntimeError, AssertionError):  # outside a page or request: no browser to ask
        lang = "ja"
    return lang if lang in BUILDER_LANGS and lang in UI_LANGS else "ja"


def _(message: str, /, **params: object) -> str:
    """`message` (an English msgid) in the staff member's language, with {placeholders} filled."""
    text = Translator(staff_lang()).gettext(message)
    return text.format(**params) if params else text


def local_time(moment: dt.datetime, zone: str, *, seconds: bool = False) -> str:
    """A stored time (UTC; naive from SQLite means UTC) as staff read it in the city's zone: 2026-11-23 09:30."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
