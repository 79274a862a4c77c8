"""Single choice: large radio buttons, one answer."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .base import Chart, Invalid, Question, Raw, Translator, single
from .text import N_, LocalizedText


class Option(BaseModel):
    """One answer to choose. `value` is what is stored and exported; `label` what residents read."""

    model_config = ConfigDict(extra="forbid")

    value: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,64}$", title=N_("Stored value"),
                       description=N_("Saved and exported: letters, digits, _ and -"))
    label: LocalizedText = Field(title=N_("Choice text"))


class ChoiceBase(Question):
    options: list[Option] = Field(min_length=1, title=N_("Choices"))

    @model_validator(mode="after")
    def _unique_values(self) -> ChoiceBase:
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError("option values must be unique")
        return self

    required_message: ClassVar[str] = N_("Select {label}")
    chart: ClassVar[Chart] = "choices"

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def choice_labels(self, tr: Translator) -> dict[str, str]:
        return {o.value: tr.text(o.label) for o in self.options}

    def option_values(self) -> list[str]:
        """The stored values a condition on this question can name."""
        return [o.value for o in self.options]

    def parse(self, raw: Raw) -> Any:
        value = single(raw, self.key)
        if self.option(value) is None:
            raise Invalid(N_("Select one of the choices for {label}"))
        return value

    def display(self, value: Any, tr: Translator) -> str:
        option = self.option(value) if isinstance(value, str) else None
        return tr.text(option.label) if option else ""


class SingleChoice(ChoiceBase):
    type: Literal["single_choice"] = "single_choice"

    title: ClassVar[str] = N_("Single choice")
    icon: ClassVar[str] = "radio_button_checked"
    example: ClassVar[dict[str, Any]] = {"type": "single_choice", "key": "age", "label": "年代", "options": [
        {"value": "a", "label": {"ja": "はい、あります", "en": "Yes"}}, {"value": "b", "label": "いいえ"},
        {"value": "c", "label": "わからない"}]}
    example_answer: ClassVar[Any] = "a"
    is_group: ClassVar[bool] = True
    template: ClassVar[str] = """
{% call m.group(w, error, as_heading) %}
<div class="choices">
{% for o in w.options %}
<div class="choice">{% set id = w.first_field_id() if loop.first else 'f-' ~ w.key ~ '-' ~ loop.index %}
<input class="choice-input" type="radio" id="{{ id }}" name="{{ w.key }}" value="{{ o.value }}"
 {{- ' checked' if o.value in (raw.get(w.key) or []) }}{{ ' aria-invalid="true"'|safe if error }}>
<label class="choice-label" for="{{ id }}">{{ o.label|t }}</label>
</div>
{% endfor %}
</div>
{% endcall %}"""
