"""Consent: one checkbox the resident ticks to agree to a statement (how their data is used)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from .base import Chart, Invalid, Question, Raw, Translator, single
from .text import N_, LocalizedText

# How a ticked box reads on the check-answers page.
AGREED = N_("Agreed")


class Consent(Question):
    type: Literal["consent"] = "consent"
    # What the resident agrees to, beside the checkbox: "個人情報の取り扱いに同意します".
    statement: LocalizedText = Field(title=N_("Statement to agree to"), json_schema_extra={"long": True})

    title: ClassVar[str] = N_("Consent")
    icon: ClassVar[str] = "verified"
    example: ClassVar[dict[str, Any]] = {"type": "consent", "key": "agree", "label": "個人情報の取り扱い",
                                         "statement": "同意します"}
    example_answer: ClassVar[Any] = True
    chart: ClassVar[Chart] = "consent"
    is_group: ClassVar[bool] = True
    required_message: ClassVar[str] = N_("Tick the box to agree to {label}")
    template: ClassVar[str] = """
{% call m.group(w, error, as_heading) %}
<div class="choices">
<div class="choice">
<input class="choice-input" type="checkbox" id="{{ w.first_field_id() }}" name="{{ w.key }}" value="yes"
 {{- ' checked' if 'yes' in (raw.get(w.key) or []) }}{{ ' aria-invalid="true"'|safe if error }}>
<label class="choice-label" for="{{ w.first_field_id() }}">{{ w.statement|t }}</label>
</div>
</div>
{% endcall %}"""

    def parse(self, raw: Raw) -> Any:
        if single(raw, self.key).lower() != "yes":
            raise Invalid(self.required_message)
        return True

    def to_raw(self, value: Any) -> dict[str, list[str]]:
        return {self.key: ["yes"]} if value is True else {}

    def display(self, value: Any, tr: Translator) -> str:
        return tr.gettext(AGREED) if value is True else ""
