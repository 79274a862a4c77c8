"""Heading: a title inside a page's content."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from .base import Widget
from .text import N_, LocalizedText


class Heading(Widget):
    type: Literal["heading"] = "heading"
    text: LocalizedText
    # Level 2 or 3: the page's own h1 is its question or title.
    level: Literal[2, 3] = Field(default=2, title=N_("Heading level"))

    title: ClassVar[str] = N_("Heading")
    icon: ClassVar[str] = "title"
    example: ClassVar[dict[str, Any]] = {"type": "heading", "text": "申込の前に"}
    template: ClassVar[str] = """<h{{ w.level }} class="heading-{{ w.level }}">{{ w.text|t }}</h{{ w.level }}>"""
