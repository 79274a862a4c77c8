"""Notice: a boxed message that stands out, with its level said in words, not by colour alone."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from markupsafe import Markup
from pydantic import Field

from .base import Widget
from .paragraph import formatted
from .text import N_, LocalizedText

LEVEL_WORDS: dict[str, str] = {
    "info": N_("Information"),
    "warning": N_("Warning"),
    "emergency": N_("Emergency"),
}


class Notice(Widget):
    type: Literal["notice"] = "notice"
    level: Literal["info", "warning", "emergency"] = Field(default="info", title=N_("Level"))
    # Title (a heading) and body (formatted text, as a paragraph).
    heading: LocalizedText = Field(title=N_("Heading"))
    body: LocalizedText | None = Field(default=None, title=N_("Text"), json_schema_extra={"long": True})

    title: ClassVar[str] = N_("Notice")
    icon: ClassVar[str] = "campaign"
    example: ClassVar[dict[str, Any]] = {"type": "notice", "level": "warning", "heading": "断水のお知らせ",
                                         "body": "3月4日 9時から断水します。"}
    template: ClassVar[str] = """
<section class="notice notice--{{ w.level }}">
<h2 class="notice-title"><span class="notice-level">{{ _(w.level_word()) }}</span><br>{{ w.heading|t }}</h2>
{% if w.body %}{{ w.body_html(lang|default('ja')) }}{% endif %}
</section>"""

    def level_word(self) -> str:
        """The level as a msgid ("Warning"), shown in words beside the title."""
        return LEVEL_WORDS[self.level]

    def body_html(self, lang: str = "ja") -> Markup:
        return formatted(self.body, lang, "notice-body prose") if self.body else Markup()
