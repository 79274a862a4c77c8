"""Extract the interface text into locales/messages.pot and update each language's .po catalog.

`madoguchi messages` runs it. Widget templates live in Python strings, so they are read through
Jinja's own Babel extractor one by one.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_from_dir
from babel.messages.pofile import read_po, write_po

from widgets import WIDGET_TYPES
from widgets.templates import MACROS

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
LANGUAGES = ("ja", "en")
KEYWORDS = {"_": None, "gettext": None, "N_": None, "Invalid": None,
            "Refused": None, "LifecycleRefused": None, "UserChangeRefused": None, "PosterRefused": None,
            "BookingRefused": None}  # staff-facing refusals
METHODS = [
    ("widgets/**.py", "python"),
    ("generated_apps/**.py", "python"),
    ("generated_apps/templates/**.html", "jinja2"),
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


def update() -> dict[str, list[str]]:
    """Write the template and merge it into every language; returns the untranslated msgids per language."""
    template = collect()
    LOCALES.mkdir(exist_ok=True)
    with (LOCALES / "messages.pot").open("wb") as f:
        write_po(f, template, omit_header=True, sort_output=True)
    missing: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        po = LOCALES / lang / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        if po.exists():
            with po.open("rb") as f:
                catalog = read_po(f, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="Madoguchi", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        if lang == "en":  # the msgids are English: the English catalog is the identity
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        with po.open("wb") as f:
            write_po(f, catalog, omit_header=False, sort_output=True, ignore_obsolete=True, width=100)
        missing[lang] = [m.id for m in catalog if m.id and not m.string]
    return missing
