"""Short text: one line, such as a town name or a facility."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from .base import Question, Raw, single
from .text import N_


class ShortText(Question):
    type: Literal["short_text"] = "short_text"
    max_length: int = Field(default=100, ge=1, le=500, title=N_("Most characters"))
    # Width hint in characters; the field never overflows a narrow screen.
    width: int = Field(default=20, ge=2, le=40, title=N_("Field width in characters"))

    title: ClassVar[str] = N_("Short text")
    icon: ClassVar[str] = "short_text"
    example: ClassVar[dict[str, Any]] = {"type": "short_text", "key": "purpose", "label": "利用目的"}
    example_answer: ClassVar[Any] = "会議"
    template: ClassVar[str] = """
{% call m.field(w, error, as_heading) %}
<input class="input" type="text" id="{{ w.first_field_id() }}" name="{{ w.key }}" value="{{ m.value(raw, w.key) }}"
 size="{{ w.width }}" spellcheck="false"{{ m.described(w, error) }}>
{% endcall %}"""

    def parse(self, raw: Raw) -> Any:
        return single(raw, self.key, max_length=self.max_length)
