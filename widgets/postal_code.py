"""Postal code: seven digits, typed with or without a hyphen, in full or half width, with 〒 or not."""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from .base import Invalid, Question, Raw, Translator, dashes_to_hyphens, single, values
from .text import N_, has_unmeant_digits

_POSTAL = re.compile(r"^〒?\s*([0-9]{3})\s*-?\s*([0-9]{4})$")


class PostalCode(Question):
    type: Literal["postal_code"] = "postal_code"

    title: ClassVar[str] = N_("Postal code")
    icon: ClassVar[str] = "markunread_mailbox"
    example: ClassVar[dict[str, Any]] = {"type": "postal_code", "key": "postal", "label": "郵便番号"}
    example_answer: ClassVar[Any] = "052-0021"
    identifies_submitter: ClassVar[bool] = True
    autocomplete: ClassVar[str | None] = "postal-code"
    template: ClassVar[str] = """
{% call m.field(w, error, as_heading) %}
<input class="input input--short" type="text" inputmode="numeric" id="{{ w.first_field_id() }}" name="{{ w.key }}"
 value="{{ m.value(raw, w.key) }}" size="9" autocomplete="{{ w.autocomplete }}" spellcheck="false"
 {{- m.described(w, error) }}>
{% endcall %}"""

    def parse(self, raw: Raw) -> Any:
        match = _POSTAL.match(dashes_to_hyphens(single(raw, self.key, max_length=20)))
        if not match or any(has_unmeant_digits(value) for value in values(raw, self.key)):
            raise Invalid(N_("Enter a postal code of 7 digits, like 052-0021"))
        return f"{match.group(1)}-{match.group(2)}"

    def display(self, value: Any, tr: Translator) -> str:
        return f"〒{value}" if value else ""
