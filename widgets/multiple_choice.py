"""Multiple choice: large checkboxes, any number of answers (or between a minimum and a maximum)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from .base import MAX_COUNT, Invalid, Raw, Translator, clean_text, values
from .single_choice import ChoiceBase
from .text import N_


class MultipleChoice(ChoiceBase):
    type: Literal["multiple_choice"] = "multiple_choice"
    # No question has more options than an app file can hold: the limit only keeps numbers sane.
    min_selections: int = Field(default=1, ge=1, le=MAX_COUNT, title=N_("Fewest choices"))
    max_selections: int | None = Field(default=None, ge=1, le=MAX_COUNT, title=N_("Most choices"))

    title: ClassVar[str] = N_("Multiple choice")
    icon: ClassVar[str] = "check_box"
    example: ClassVar[dict[str, Any]] = {"type": "multiple_choice", "key": "used", "label": "利用したもの", "options": [
        {"value": "a", "label": {"ja": "はい、あります", "en": "Yes"}}, {"value": "b", "label": "いいえ"},
        {"value": "c", "label": "わからない"}]}
    example_answer: ClassVar[Any] = ["a", "c"]
    is_group: ClassVar[bool] = True
    template: ClassVar[str] = """
{% call m.group(w, error, as_heading) %}
<div class="choices">
{% for o in w.options %}
{%- set id = w.first_field_id() if loop.first else 'f-' ~ w.key ~ '-' ~ loop.index %}
<div class="choice">
<input class="choice-input" type="checkbox" id="{{ id }}" name="{{ w.key }}" value="{{ o.value }}"
 {{- ' checked' if o.value in (raw.get(w.key) or []) }}{{ ' aria-invalid="true"'|safe if error }}>
<label class="choice-label" for="{{ id }}">{{ o.label|t }}</label>
</div>
{% endfor %}
</div>
{% endcall %}"""

    @model_validator(mode="after")
    def _selections(self) -> MultipleChoice:
        most = self.max_selections if self.max_selections is not None else len(self.options)
        if not self.min_selections <= most <= len(self.options):
            raise ValueError("need min_selections <= max_selections <= number of options")
        return self

    def parse(self, raw: Raw) -> Any:
        chosen = {clean_text(v) for v in values(raw, self.key)} - {""}
        if any(self.option(v) is None for v in chosen):
            raise Invalid(N_("Select one of the choices for {label}"))
        if len(chosen) < self.min_selections:
            raise Invalid(N_("Select at least {min} for {label}"), min=self.min_selections)
        if self.max_selections is not None and len(chosen) > self.max_selections:
            raise Invalid(N_("Select no more than {max} for {label}"), max=self.max_selections)
        # In the order of the options, whatever order the browser sent them in.
        return [o.value for o in self.options if o.value in chosen]

    def to_raw(self, value: Any) -> dict[str, list[str]]:
        return {self.key: [v for v in value if isinstance(v, str)]} if isinstance(value, list) else {}

    def display(self, value: Any, tr: Translator) -> str:
        if not isinstance(value, list):
            return ""
        labels = [tr.text(o.label) for o in self.options if o.value in value]
        return ("、" if tr.lang.startswith("ja") else ", ").join(labels)
