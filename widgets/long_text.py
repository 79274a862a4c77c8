"""Long text: a few sentences or more, such as a comment; line breaks are kept."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from .base import Question, Raw, single
from .text import N_


class LongText(Question):
    type: Literal["long_text"] = "long_text"
    max_length: int = Field(default=2000, ge=1, le=10000, title=N_("Most characters"))
    rows: int = Field(default=6, ge=3, le=20, title=N_("Rows shown"))

    title: ClassVar[str] = N_("Long text")
    icon: ClassVar[str] = "subject"
    example: ClassVar[dict[str, Any]] = {"type": "long_text", "key": "comment", "label": "ご意見",
                                         "hint": "自由にお書きください"}
    example_answer: ClassVar[Any] = "テスト\nです"
    template: ClassVar[str] = """
{% call m.field(w, error, as_heading) %}
<textarea class="textarea" id="{{ w.first_field_id() }}" name="{{ w.key }}" rows="{{ w.rows }}"
 {{- m.described(w, error) }}>
{{ m.value(raw, w.key) }}</textarea>
{% endcall %}"""

    def parse(self, raw: Raw) -> Any:
        return single(raw, self.key, max_length=self.max_length, multiline=True)
