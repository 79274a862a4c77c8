"""Rating: how satisfied, from 1 to 5, as five radio buttons that each say their meaning in words."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from .base import Chart, Invalid, Question, Raw, Translator, single
from .text import N_, LocalizedText

# Words for 1 … 5 when staff give none: とても不満 … とても満足 in the Japanese catalog.
DEFAULT_LABELS: tuple[str, ...] = (
    N_("Very dissatisfied"),
    N_("Dissatisfied"),
    N_("Neither satisfied nor dissatisfied"),
    N_("Satisfied"),
    N_("Very satisfied"),
)
SCALE = range(1, 6)


class Rating(Question):
    type: Literal["rating"] = "rating"
    # Words for 1 … 5, lowest first; the defaults speak of satisfaction.
    labels: list[LocalizedText] | None = Field(default=None, min_length=5, max_length=5, title=N_("Words for 1 to 5"))

    title: ClassVar[str] = N_("Rating")
    icon: ClassVar[str] = "star"
    example: ClassVar[dict[str, Any]] = {"type": "rating", "key": "satisfaction", "label": "満足度"}
    example_answer: ClassVar[Any] = 4
    is_group: ClassVar[bool] = True
    required_message: ClassVar[str] = N_("Select {label}")
    chart: ClassVar[Chart] = "histogram"
    # The best first, as residents read from the top; number and words in one span (the label is a flex box).
    template: ClassVar[str] = """
{% call m.group(w, error, as_heading) %}
<div class="choices choices--rating">
{%- for n in w.steps() %}
{%- set id = w.first_field_id() if loop.first else 'f-' ~ w.key ~ '-' ~ n %}
<div class="choice">
<input class="choice-input" type="radio" id="{{ id }}" name="{{ w.key }}" value="{{ n }}"
 {{- ' checked' if n|string in (raw.get(w.key) or []) }}{{ ' aria-invalid="true"'|safe if error }}>
<label class="choice-label" for="{{ id }}"><span><span class="rating-number">{{ n }}</span>
 {% if w.labels %}{{ w.labels[n - 1]|t }}{% else %}{{ _(w.default_label(n)) }}{% endif %}</span></label>
</div>
{%- endfor %}
</div>
{% endcall %}"""

    def steps(self) -> list[int]:
        return list(reversed(SCALE))

    def option_values(self) -> list[str]:
        return [str(n) for n in SCALE]

    def default_label(self, n: int) -> str:
        return DEFAULT_LABELS[n - 1]

    def words(self, n: int, tr: Translator) -> str:
        return tr.text(self.labels[n - 1]) if self.labels else tr.gettext(DEFAULT_LABELS[n - 1])

    def parse(self, raw: Raw) -> Any:
        value = single(raw, self.key)
        if value not in self.option_values():
            raise Invalid(N_("Select one of the choices for {label}"))
        return int(value)

    def display(self, value: Any, tr: Translator) -> str:
        if not isinstance(value, int) or isinstance(value, bool) or value not in SCALE:
            return ""
        return f"{value} {self.words(value, tr)}"
