"""Name: one field for the whole name, and optionally its reading in kana (フリガナ).

The reading may be typed in hiragana or katakana, full or half width; it is kept in full-width
katakana. The answer is {"name": "伊達 太郎", "reading": "ダテ タロウ"} (reading None when not asked).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

import jaconv
from pydantic import Field

from .base import Invalid, Question, Raw, Translator, clean_text, single
from .text import N_

# Full-width katakana (with ー, ・, ヴ, small kana), after hiragana became katakana; spaces between words.
_KATAKANA = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fd\u30fe\u30fb]+(?: [\u30a1-\u30fa\u30fc\u30fd\u30fe\u30fb]+)*$")


def to_katakana(text: str) -> str | None:
    """A reading in full-width katakana, or None when it is not kana."""
    # NFKC makes half-width katakana full width; hira2kata turns hiragana (and ゝゞ) into katakana.
    reading = jaconv.hira2kata(clean_text(text)).replace("・", " ").strip()
    reading = " ".join(reading.split())
    return reading if _KATAKANA.match(reading) else None


class Name(Question):
    type: Literal["name"] = "name"
    reading: Literal["none", "optional", "required"] = Field(default="none", title=N_("Reading in kana"))
    max_length: int = Field(default=100, ge=1, le=500, title=N_("Most characters"))

    title: ClassVar[str] = N_("Name")
    icon: ClassVar[str] = "badge"
    example: ClassVar[dict[str, Any]] = {"type": "name", "key": "applicant", "label": "お名前", "reading": "optional"}
    example_answer: ClassVar[Any] = {"name": "伊達 太郎", "reading": "ダテ タロウ"}
    identifies_submitter: ClassVar[bool] = True
    autocomplete: ClassVar[str | None] = "name"
    is_submitters_name: ClassVar[bool] = True
    # The name and its reading are two fields: each shows error styling only with its own message, and the
    # reading never reads out the name's hint (`error_field` says which one an error is about).
    template: ClassVar[str] = """
{%- set reading_error = error if error and error_field|default(none) == w.reading_field() else none %}
{%- set name_error = none if reading_error else error %}
{% call m.field(w, name_error, as_heading) %}
<input class="input" type="text" id="{{ w.first_field_id() }}" name="{{ w.key }}" value="{{ m.value(raw, w.key) }}"
 size="20" autocomplete="{{ w.autocomplete }}" spellcheck="false"{{ m.described(w, name_error) }}>
{% endcall %}
{%- if w.reading != 'none' %}
<div class="field field--reading{{ ' field--error' if reading_error }}">
<label class="label label--secondary" for="{{ w.reading_field_id() }}">{{ _('Reading (in kana)') }}
 <span class="need">{{ _('(required)') if w.reading == 'required' else _('(optional)') }}</span></label>
{%- if reading_error %}{{ m.error_message(w.reading_field() ~ '-error', reading_error) }}{% endif %}
<input class="input" type="text" id="{{ w.reading_field_id() }}" name="{{ w.reading_field() }}"
 value="{{ m.value(raw, w.reading_field()) }}" size="20" spellcheck="false"
 {%- if reading_error %} aria-describedby="{{ w.reading_field() }}-error" aria-invalid="true"{% endif %}>
</div>
{%- endif %}"""

    def reading_field(self) -> str:
        return self.key + "-reading"

    def reading_field_id(self) -> str:
        return "f-" + self.reading_field()

    def fields(self) -> list[str]:
        return [self.key] if self.reading == "none" else [self.key, self.reading_field()]

    def parse(self, raw: Raw) -> Any:
        name = single(raw, self.key, max_length=self.max_length)
        if not name:
            raise Invalid(self.required_message, field=self.key)
        if self.reading == "none":
            return {"name": name, "reading": None}
        typed = single(raw, self.reading_field(), max_length=self.max_length)
        if not typed:
            if self.reading == "required":
                raise Invalid(N_("Enter the reading of {label} in kana"), field=self.reading_field())
            return {"name": name, "reading": None}
        reading = to_katakana(typed)
        if reading is None:
            raise Invalid(N_("Enter the reading of {label} in hiragana or katakana"), field=self.reading_field())
        return {"name": name, "reading": reading}

    def to_raw(self, value: Any) -> dict[str, list[str]]:
        if not isinstance(value, dict):
            return {}
        raw = {self.key: [value.get("name") or ""]}
        if self.reading != "none":
            raw[self.reading_field()] = [value.get("reading") or ""]
        return raw

    def contact_text(self, value: Any) -> str:
        return (value.get("name") or "") if isinstance(value, dict) else ""

    def display(self, value: Any, tr: Translator) -> str:
        if not isinstance(value, dict):
            return ""
        name, reading = value.get("name") or "", value.get("reading")
        if not reading:
            return name
        return f"{name}（{reading}）" if tr.lang.startswith("ja") else f"{name} ({reading})"
