"""Date: 年/月/日 typed into three fields, with the year in an era (令和, 平成, 昭和, 大正) or 西暦.

Never only a calendar picker (ACCESSIBILITY item 16). The answer is an ISO date ("1950-03-04");
the check-answers page shows both calendars: 昭和25年（1950年）3月4日.

A year typed with its era ("昭和25", "S25", "平成元年") uses that era whatever the select says,
and a four-digit year is always a Western year: residents are not made to fix what is clear.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from . import eras
from .base import Chart, Invalid, Question, Raw, Translator, clean_text, single, values
from .text import N_, has_unmeant_digits

JST = dt.timezone(dt.timedelta(hours=9), "JST")
# The earliest year taken (the calendar before 1873 was not Gregorian), and the latest.
MIN_YEAR, MAX_YEAR = 1900, 2200

# What the era select offers, in order, with the msgids residents read.
ERA_CHOICES: dict[str, str] = {
    "western": N_("Western calendar (AD)"),
    "reiwa": N_("Reiwa"),
    "heisei": N_("Heisei"),
    "showa": N_("Showa"),
    "taisho": N_("Taisho"),
}

REAL_DATE = N_("{label} must be a real date")
_PART = re.compile(r"^([0-9]{1,2})\s*[月日]?$")


def today() -> dt.date:
    """Today in Japan, whatever the server's time zone."""
    return dt.datetime.now(JST).date()


class DateQuestion(Question):
    type: Literal["date"] = "date"
    # A date of birth: the era select starts at 昭和 and the fields get bday-* autocomplete.
    purpose: Literal["birth", "other"] = Field(default="other", title=N_("Kind of date"))
    past_only: bool = Field(default=False, title=N_("Only today or earlier"))
    future_only: bool = Field(default=False, title=N_("Only today or later"))
    min_date: dt.date | None = Field(default=None, title=N_("Earliest date"))
    max_date: dt.date | None = Field(default=None, title=N_("Latest date"))

    title: ClassVar[str] = N_("Date")
    icon: ClassVar[str] = "event"
    example: ClassVar[dict[str, Any]] = {"type": "date", "key": "birthday", "label": "生年月日", "purpose": "birth",
                                         "past_only": True}
    example_answer: ClassVar[Any] = "1950-03-04"
    chart: ClassVar[Chart] = "dates"
    is_group: ClassVar[bool] = True
    template: ClassVar[str] = """
{% call m.group(w, error, as_heading) %}
{%- set era = w.era_in(raw) -%}
<div class="inline-fields date-input">
<div class="inline-field inline-field--era">
<label class="label" for="f-{{ w.key }}-era">{{ _('Era') }}</label>
<select class="select" id="f-{{ w.key }}-era" name="{{ w.key }}-era"{{ ' aria-invalid="true"'|safe if error }}>
{%- for value, words in w.era_choices().items() %}
<option value="{{ value }}"{{ ' selected' if value == era }}>{{ _(words)|plain }}</option>
{%- endfor %}
</select>
</div>
{%- for part, words, size in (('year', 'Year', 5), ('month', 'Month', 2), ('day', 'Day', 2)) %}
<div class="inline-field">
<label class="label" for="f-{{ w.key }}-{{ part }}">{{ _(words) }}</label>
<input class="input {{ 'input--short' if part == 'year' else 'input--tiny' }}" type="text" inputmode="numeric" \
id="f-{{ w.key }}-{{ part }}"
 name="{{ w.key }}-{{ part }}" value="{{ m.value(raw, w.key ~ '-' ~ part) }}" size="{{ size }}" spellcheck="false"
 {%- if w.purpose == 'birth' %} autocomplete="bday-{{ part }}"{% endif %}{{ ' aria-invalid="true"'|safe if error }}>
</div>
{%- endfor %}
</div>
{% endcall %}"""

    @model_validator(mode="after")
    def _consistent(self) -> DateQuestion:
        if self.past_only and self.future_only:
            raise ValueError("a date cannot be both past_only and future_only")
        if self.min_date and self.max_date and self.min_date > self.max_date:
            raise ValueError("min_date must not be after max_date")
        return self

    def field(self, part: str) -> str:
        return f"{self.key}-{part}"

    def fields(self) -> list[str]:
        return [self.field("era"), self.field("year"), self.field("month"), self.field("day")]

    def first_field_id(self) -> str:
        # The error summary links to the year: the era select always has a value.
        return "f-" + self.field("year")

    def is_empty(self, raw: Raw) -> bool:
        return all(not _text(raw, self.field(part)) for part in ("year", "month", "day"))

    def era_choices(self) -> dict[str, str]:
        return ERA_CHOICES

    def default_era(self) -> str:
        return "showa" if self.purpose == "birth" else "western"

    def era_in(self, raw: Raw) -> str:
        """The era to show as chosen: the submitted one, else the default."""
        submitted = _text(raw, self.field("era"))
        return submitted if submitted in ERA_CHOICES else self.default_era()

    def parse(self, raw: Raw) -> Any:
        era_key = single(raw, self.field("era"), max_length=20) or self.default_era()
        typed = {part: single(raw, self.field(part), max_length=10) for part in ("year", "month", "day")}
        for part in ("year", "month", "day"):  # ⁵ is not May (text.has_unmeant_digits)
            if any(has_unmeant_digits(value) for value in values(raw, self.field(part))):
                raise Invalid(REAL_DATE, field=self.field(part))
        for part, message in (("year", N_("{label} must include a year")),
                              ("month", N_("{label} must include a month")),
                              ("day", N_("{label} must include a day"))):
            if not typed[part]:
                raise Invalid(message, field=self.field(part))
        try:
            named_era, year = eras.parse_era_year(typed["year"])
        except ValueError:
            raise Invalid(REAL_DATE, field=self.field("year")) from None
        month, day = _part(typed["month"]), _part(typed["day"])
        if month is None or not 1 <= month <= 12:
            raise Invalid(REAL_DATE, field=self.field("month"))
        if day is None or not 1 <= day <= 31:
            raise Invalid(REAL_DATE, field=self.field("day"))
        if era_key not in ERA_CHOICES:
            raise Invalid(REAL_DATE, field=self.field("era"))

        era = named_era or (None if year >= 1000 or era_key == "western" else eras.era(era_key))
        if era is None and year < 1000:
            raise Invalid(N_("Enter the year of {label} with 4 digits, or choose its era"), field=self.field("year"))
        if era is None and year > dt.MAXYEAR:
            raise Invalid(REAL_DATE, field=self.field("year"))
        try:
            date = eras.to_western(era, year, month, day) if era else dt.date(year, month, day)
        except eras.EraError:
            raise Invalid(N_("{label} must be a real date. Check the era and the year"),
                          field=self.field("year")) from None
        except ValueError:
            raise Invalid(REAL_DATE, field=self.field("day")) from None
        self._check_range(date)
        return date.isoformat()

    def _check_range(self, date: dt.date) -> None:
        year_field = self.field("year")
        if date.year < MIN_YEAR:
            raise Invalid(N_("{label} must be on or after {min}"), min=dt.date(MIN_YEAR, 1, 1), field=year_field)
        if date.year > MAX_YEAR:
            raise Invalid(N_("{label} must be on or before {max}"), max=dt.date(MAX_YEAR, 12, 31), field=year_field)
        now = today()
        if self.past_only and date > now:
            raise Invalid(N_("{label} must be today or in the past"), field=year_field)
        if self.future_only and date < now:
            raise Invalid(N_("{label} must be today or in the future"), field=year_field)
        if self.min_date and date < self.min_date:
            raise Invalid(N_("{label} must be on or after {min}"), min=self.min_date, field=year_field)
        if self.max_date and date > self.max_date:
            raise Invalid(N_("{label} must be on or before {max}"), max=self.max_date, field=year_field)

    def to_raw(self, value: Any) -> dict[str, list[str]]:
        date = _iso(value)
        if date is None:
            return {}
        era, year = "western", date.year
        if self.default_era() != "western":
            found, era_year = eras.from_western(date)
            if found.key in ERA_CHOICES:
                era, year = found.key, era_year
        return {self.field("era"): [era], self.field("year"): [str(year)],
                self.field("month"): [str(date.month)], self.field("day"): [str(date.day)]}

    def display(self, value: Any, tr: Translator) -> str:
        date = _iso(value)
        return eras.format_date(date, tr.lang) if date else ""


def _text(raw: Raw, name: str) -> str:
    """The first value of a field, cleaned; "" when there is none or it is not text."""
    try:
        got = values(raw, name)
    except Invalid:
        return ""
    return clean_text(got[0]) if got else ""


def _part(text: str) -> int | None:
    match = _PART.match(text)
    return int(match.group(1)) if match else None


def _iso(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
