"""Extract the interface text into locales/messages.pot and update each language's .po catalog.

`madoguchi messages` runs it. Widget templates live in Python strings, so they are read through
Jinja's own Babel extractor one by one.
"""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_from_dir
from babel.messages.pofile import read_po, write_po

from widgets import WIDGET_TYPES, furigana
from widgets.templates import MACROS

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
INTERFACE_READINGS = LOCALES / "ja" / "LC_MESSAGES" / "furigana.json"
# Catalogs in locales/, by Babel locale name (generated_apps/domain/i18n.py CATALOG_LOCALES maps our codes).
LANGUAGES = ("ja", "en", "zh_Hans", "ko", "vi")
# These hold every message, the builder's too; the others only the resident pages' interface.
FULL_LANGUAGES = ("ja", "en")
# Where the resident pages' interface text comes from (builder/ is staff-only).
RESIDENT_SOURCES = ("generated_apps", "widgets")
KEYWORDS = {"_": None, "gettext": None, "N_": None, "Invalid": None,
            "Refused": None, "LifecycleRefused": None, "UserChangeRefused": None, "PosterRefused": None,
            "BookingRefused": None}  # staff-facing refusals
METHODS = [
    ("widgets/**.py", "python"),
    ("generated_apps/**.py", "python"),
    ("generated_apps/web/templates/**.html", "jinja2"),
    ("builder/**.py", "python"),
]


def collect() -> Catalog:
    catalog = Catalog(project="Madoguchi", charset="utf-8")
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, comment_tags=("NOTE:",), strip_comment_tags=True
    ):
        catalog.add(message, locations=[(filename, lineno)], auto_comments=comments)
    for name, source in [("widgets/templates.py:MACROS", MACROS)] + [
        (f"widgets:{cls.__name__}.template", cls.template) for cls in WIDGET_TYPES
    ]:
        for lineno, message, comments, _context in extract("jinja2", BytesIO(source.encode()), keywords=KEYWORDS):
            catalog.add(message, locations=[(name, lineno)], auto_comments=comments)
    return catalog


def resident(template: Catalog) -> Catalog:
    """The messages that can appear on a resident page: those used anywhere outside builder/."""
    catalog = Catalog(project="Madoguchi", charset="utf-8")
    for message in template:
        if message.id and any(name.startswith(RESIDENT_SOURCES) for name, _line in message.locations):
            catalog.add(message.id, locations=message.locations, auto_comments=message.auto_comments)
    return catalog


# A message's id as Babel holds it: a plural message's is its singular and plural forms together.
MessageId = str | tuple[str, ...] | list[str]


def update() -> dict[str, list[MessageId]]:
    """Write the template and merge it into every language; returns the untranslated msgids per language."""
    template = collect()
    LOCALES.mkdir(exist_ok=True)
    with (LOCALES / "messages.pot").open("wb") as f:
        write_po(f, template, omit_header=True, sort_output=True)
    residents = resident(template)
    missing: dict[str, list[MessageId]] = {}
    for lang in LANGUAGES:
        po = LOCALES / lang / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        if po.exists():
            with po.open("rb") as f:
                catalog = read_po(f, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="Madoguchi", charset="utf-8")
        catalog.update(template if lang in FULL_LANGUAGES else residents, no_fuzzy_matching=True)
        if lang == "en":  # the msgids are English: the English catalog is the identity
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        with po.open("wb") as f:
            write_po(f, catalog, omit_header=False, sort_output=True, ignore_obsolete=True, width=100)
        missing[lang] = [m.id for m in catalog if m.id and not m.string]
        if lang == "ja":
            write_interface_readings(catalog, residents)
    return missing


# Readings the dictionary gets wrong in our interface text, put right in every text: there 方 is always
# a person (読み取った方は, ほかの方が), never a direction, and 年 the year of a date.
READING_FIXES = (("｜方《ほう》", "｜方《かた》"), ("｜年《とし》", "｜年《ねん》"))


def _annotated(text: str) -> str:
    annotated = furigana.annotate(text)
    for wrong, right in READING_FIXES:
        annotated = annotated.replace(wrong, right)
    return annotated


def write_interface_readings(japanese: Catalog, residents: Catalog) -> None:
    """The furigana of the resident pages' Japanese interface text (次へ, 戻る, 必須…), worked out here,
    once, so that no resident page loads the dictionary: translated text -> the same text with every
    reading written out (｜漢字《かんじ》). Read by generated_apps/domain/i18n.py."""
    shown = {message.string for message in japanese
             if message.id in residents and isinstance(message.string, str) and furigana.KANJI.search(message.string)}
    readings = {text: _annotated(text) for text in sorted(shown)}
    INTERFACE_READINGS.write_text(json.dumps(readings, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")

