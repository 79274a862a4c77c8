"""Dropdown: a <select>, for long lists only (districts, facilities); radios are easier when few."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from .single_choice import ChoiceBase
from .text import N_

# Fewer options than this read better as radio buttons: the lint says so.
DROPDOWN_MIN_OPTIONS = 8


class Dropdown(ChoiceBase):
    type: Literal["dropdown"] = "dropdown"

    title: ClassVar[str] = N_("Dropdown")
    icon: ClassVar[str] = "arrow_drop_down_circle"
    example: ClassVar[dict[str, Any]] = {"type": "dropdown", "key": "district", "label": "お住まいの地区",
                                         "options": [{"value": f"d{n}", "label": f"地区{n}"} for n in range(1, 10)]}
    example_answer: ClassVar[Any] = "d3"
    template: ClassVar[str] = """
{% call m.field(w, error, as_heading) %}
{%- set chosen = (raw.get(w.key) or [''])[0] %}
<select class="select" id="{{ w.first_field_id() }}" name="{{ w.key }}"{{ m.described(w, error) }}>
<option value="">{{ _('Choose one')|plain }}</option>
{%- for o in w.options %}
<option value="{{ o.value }}"{{ m.lang_of(o.label, lang|default('ja')) }}{{ ' selected' if o.value == chosen }}>
{{- o.label|plain }}</option>
{%- endfor %}
</select>
{% endcall %}"""
