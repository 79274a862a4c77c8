"""The demo apps that `madoguchi serve --demo` publishes: the app templates, by the file each comes from."""

from __future__ import annotations

import json

from builder.templates_gallery import TEMPLATES_DIR, templates

# Template name (its file in builder/app_templates/, without .json) -> slug, in gallery order.
SLUGS: dict[str, str] = {t.name: t.spec.slug for t in templates()}

SURVEY = SLUGS["citizen-survey"]
FACILITY = SLUGS["facility-application"]
NOTICE = SLUGS["notice"]
CONSULTATION = SLUGS["consultation"]
EVENT = SLUGS["event-signup"]
SHELTER = SLUGS["evacuation-shelter"]
BOOKING = SLUGS["facility-booking"]


def spec(slug_: str) -> dict:
    """The demo app's spec as JSON, by its slug."""
    name = next(name for name, s in SLUGS.items() if s == slug_)
    return json.loads((TEMPLATES_DIR / f"{name}.json").read_text(encoding="utf-8"))


def widgets_on_page(slug_: str, number: int) -> list[dict]:
    """The widgets of page `number` (1-based, as in /a/{slug}/p/{number}) of a demo app."""
    pages = spec(slug_)["pages"]
    return pages[number - 1]["widgets"] if 1 <= number <= len(pages) else []
