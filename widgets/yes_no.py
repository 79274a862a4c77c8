"""Yes / no: two large radio buttons, はい and いいえ."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from .base import Chart, Invalid, Question, Raw, Translator, single
from .text import N_

ANSWERS: dict[str, str] = {"yes": N_("Yes"), "no": N_("No")}


class YesNo(Question):
    type: Literal["yes_no"] = "yes_no"

    title: ClassVar[str] = N_("Yes or no")
    icon: ClassVar[str] = "thumbs_up_down"
    example: ClassVar[dict[str, Any]] = {"type": "yes_no", "key": "trouble", "label": "困ったことはありましたか"}
    example_answer: ClassVar[Any] = "yes"
    is_group: ClassVar[bool] = True
    required_message: ClassVar[str] = N_("Select yes or no")
    chart: ClassVar[Chart] = "choices"
    template: ClassVar[str] = """
{% call m.group(w, error, as_heading) %}
<div class="choices choices--inline">
{%- for value in ('yes', 'no') %}
{%- set id = w.first_field_id() if loop.first else 'f-' ~ w.key ~ '-' ~ value %}
<div class="choice">
<input class="choice-input" type="radio" id="{{ id }}" name="{{ w.key }}" value="{{ value }}"
 {{- ' checked' if value in (raw.get(w.key) or []) }}{{ ' aria-invalid="true"'|safe if error }}>
<label class="choice-label" for="{{ id }}">{{ _('Yes') if value == 'yes' else _('No') }}</label>
</div>
{%- endfor %}
</div>
{% endcall %}"""

    def option_values(self) -> list[str]:
        return list(ANSWERS)

    def choice_labels(self, tr: Translator) -> dict[str, str]:
        return {value: tr.gettext(msgid) for value, msgid in ANSWERS.items()}

    def parse(self, raw: Raw) -> Any:
        value = single(raw, self.key).lower()
        if value not in ANSWERS:
            raise Invalid(self.required_message)
        return value

    def display(self, value: Any, tr: Translator) -> str:
        return tr.gettext(ANSWERS[value]) if value in ANSWERS else ""
