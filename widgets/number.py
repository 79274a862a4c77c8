"""Number: a count or an amount, such as the number of people; full-width digits and commas accepted,
superscript, circled and other look-alike digits refused (text.has_unmeant_digits)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, ClassVar, Literal

from babel.numbers import format_decimal
from pydantic import Field, model_validator

from .base import Chart, Invalid, Question, Raw, Translator, dashes_to_hyphens, single, values
from .eras import _BABEL_LOCALE
from .text import N_, LocalizedText, has_unmeant_digits

# Plain digits, or digits grouped by commas in threes; a decimal part when it is allowed.
_NUMBER = re.compile(r"^-?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?$")
# Largest magnitude taken, so that every answer is exact as a JSON number.
LIMIT = 10**15


class Number(Question):
    type: Literal["number"] = "number"
    # Within what a resident may answer (LIMIT); never NaN or infinity, which no answer can be compared with.
    min: int | float | None = Field(default=None, gt=-LIMIT, lt=LIMIT, allow_inf_nan=False, title=N_("Smallest number"))
    max: int | float | None = Field(default=None, gt=-LIMIT, lt=LIMIT, allow_inf_nan=False, title=N_("Largest number"))
    unit: LocalizedText | None = Field(default=None, title=N_("Unit"),
                                       description=N_("Shown after the field, e.g. 人 / people"))
    allow_decimal: bool = Field(default=False, title=N_("Allow decimals"))

    title: ClassVar[str] = N_("Number")
    icon: ClassVar[str] = "pin"
    example: ClassVar[dict[str, Any]] = {"type": "number", "key": "people", "label": "人数",
                                         "unit": {"ja": "人", "en": "people"}, "min": 1, "max": 200}
    example_answer: ClassVar[Any] = 12
    chart: ClassVar[Chart] = "histogram"
    template: ClassVar[str] = """
{% call m.field(w, error, as_heading) %}
<div class="inline-fields input-with-unit">
<input class="input input--short" type="text" inputmode="{{ 'decimal' if w.allow_decimal else 'numeric' }}" \
id="{{ w.first_field_id() }}"
 name="{{ w.key }}" value="{{ m.value(raw, w.key) }}" size="8" spellcheck="false"
 {{- m.described(w, error, w.key ~ '-unit' if w.unit) }}>
{%- if w.unit %}
<span class="unit" id="{{ w.key }}-unit">{{ w.unit|t }}</span>
{%- endif %}
</div>
{% endcall %}"""

    @model_validator(mode="after")
    def _range(self) -> Number:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not be more than max")
        return self

    def parse(self, raw: Raw) -> Any:
        if any(has_unmeant_digits(value) for value in values(raw, self.key)):  # 「⁴⁵」 is no number
            raise Invalid(N_("Enter {label} as a number"))
        text = dashes_to_hyphens(single(raw, self.key, max_length=40))
        # A resident may type the unit too: "20人".
        if self.unit:
            for unit in sorted(self.unit.root.values(), key=len, reverse=True):
                if unit and text.endswith(unit):
                    text = text[: -len(unit)]
                    break
        text = text.replace(" ", "")
        if not _NUMBER.match(text):
            raise Invalid(N_("Enter {label} as a number"))
        number = Decimal(text.replace(",", ""))
        if number != number.to_integral_value() and not self.allow_decimal:
            raise Invalid(N_("Enter {label} as a whole number"))
        if abs(number) >= LIMIT:
            raise Invalid(N_("{label} is too large"))
        if self.min is not None and number < Decimal(str(self.min)):
            raise Invalid(N_("{label} must be {min} or more"), min=_plain(self.min))
        if self.max is not None and number > Decimal(str(self.max)):
            raise Invalid(N_("{label} must be {max} or less"), max=_plain(self.max))
        return int(number) if number == number.to_integral_value() else float(number)

    def display(self, value: Any, tr: Translator) -> str:
        if value is None:
            return ""
        # Grouped as the page's language writes numbers (Vietnamese: 1.234,5), every digit kept.
        text = format_decimal(value, locale=_BABEL_LOCALE.get(tr.lang, "ja"), decimal_quantization=False)
        if not self.unit:
            return text
        return f"{text}{tr.text(self.unit)}" if tr.lang.startswith("ja") else f"{text} {tr.text(self.unit)}"


def _plain(number: int | float) -> str:
    return f"{number:,}" if isinstance(number, int) or not number.is_integer() else f"{int(number):,}"
