"""Paragraph: a few short sentences of plain text, with lists, links and furigana (see markup.py)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from markupsafe import Markup
from pydantic import Field

from . import markup
from .base import Widget
from .text import N_, LocalizedText


def formatted(text: LocalizedText, lang: str, css_class: str) -> Markup:
    """`text` in the page's language as safe HTML in a <div>, marked with its language when it falls back."""
    value, real = text.get(lang)
    lang_attr = Markup(' lang="{}"').format(real) if real != lang else Markup()
    return Markup('<div class="{}"{}>\n{}\n</div>').format(css_class, lang_attr, markup.render(value))


class Paragraph(Widget):
    type: Literal["paragraph"] = "paragraph"
    text: LocalizedText = Field(title=N_("Text"), json_schema_extra={"long": True})

    title: ClassVar[str] = N_("Paragraph")
    icon: ClassVar[str] = "notes"
    example: ClassVar[dict[str, Any]] = {"type": "paragraph",
                                         "text": "申込は無料です。\n\n- 窓口\n- [市のホームページ](https://www.city.date.hokkaido.jp/)"}
    template: ClassVar[str] = """{{ w.html(lang|default('ja')) }}"""

    def html(self, lang: str = "ja") -> Markup:
        return formatted(self.text, lang, "prose")
