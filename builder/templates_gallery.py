"""The templates staff start a new app from: app files in app_templates/, with a card for each.

Each template is a complete app file (an AppSpec). What the gallery card shows besides the app
itself (its place in the gallery, an icon, a line for staff on what the template is for) is not
part of the app format, so it lives in app_templates/index.json, keyed by file name. The demo
(`madoguchi serve --demo`) publishes these same apps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from widgets import AppSpec, LocalizedText

TEMPLATES_DIR = Path(__file__).resolve().parent / "app_templates"
INDEX_FILE = TEMPLATES_DIR / "index.json"


class _Card(BaseModel):
    """One entry of index.json."""

    model_config = ConfigDict(extra="forbid")

    order: int
    icon: str = Field(pattern=r"^[a-z0-9_]+$", description="A Material icon name, e.g. poll")
    blurb: LocalizedText


@dataclass(frozen=True)
class Template:
    name: str  # the file's name without .json, e.g. "citizen-survey"
    spec: AppSpec
    icon: str  # a Material icon name for the gallery card
    blurb: LocalizedText  # one line for staff: what the template is for


def _cards() -> dict[str, _Card]:
    raw = json.loads(INDEX_FILE.read_text(encoding="utf-8"))
    cards = {file: _Card.model_validate(card) for file, card in raw.items()}
    return dict(sorted(cards.items(), key=lambda item: item[1].order))


def _load(file: str, card: _Card) -> Template:
    spec = AppSpec.model_validate_json((TEMPLATES_DIR / file).read_bytes())
    return Template(name=file.removesuffix(".json"), spec=spec, icon=card.icon, blurb=card.blurb)


def templates() -> list[Template]:
    """Every template, in gallery order. Each call reads the files afresh: the specs are the caller's to change."""
    return [_load(file, card) for file, card in _cards().items()]


def template(name: str) -> Template:
    """The template `name` ("citizen-survey"); KeyError when there is none of that name."""
    card = _cards().get(f"{name}.json")
    if card is None:
        raise KeyError(name)
    return _load(f"{name}.json", card)
