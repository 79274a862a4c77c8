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
