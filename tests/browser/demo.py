"""The demo apps that `madoguchi serve --demo` publishes, by the file each comes from."""

from __future__ import annotations

import json
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


def slug(name: str) -> str:
    """The slug inside demo/{name}.json (the file's name is the contract; its slug may carry a year)."""
    try:
        return json.loads((DEMO_DIR / f"{name}.json").read_text(encoding="utf-8"))["slug"]
    except (OSError, ValueError, KeyError):
        return name


SURVEY = slug("shimin-survey")
FACILITY = slug("facility-application")
NOTICE = slug("notice-usu")

_FILES = {"shimin-survey": SURVEY, "facility-application": FACILITY, "notice-usu": NOTICE}


def spec(slug_: str) -> dict:
    """The demo app's spec as JSON, by its slug."""
    name = next(name for name, s in _FILES.items() if s == slug_)
    return json.loads((DEMO_DIR / f"{name}.json").read_text(encoding="utf-8"))


def widgets_on_page(slug_: str, number: int) -> list[dict]:
    """The widgets of page `number` (1-based, as in /a/{slug}/p/{number}) of a demo app."""
    pages = spec(slug_)["pages"]
    return pages[number - 1]["widgets"] if 1 <= number <= len(pages) else []
