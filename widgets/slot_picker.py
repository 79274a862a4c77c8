"""Slot picker: the open times of a facility, a week at a time, each a large radio button.

The widget is pure: the web layer looks up the facility's slots and hands the template a `picker`
(days, their slots, what is left, the links to the previous and next week). A submitted choice is
a slot id; the web layer checks it against the database and stores it with its times, so that the
check page and the confirmation can say the day and time in words without asking the database.
The place itself is taken at submit, atomically (generated_apps/domain/bookings.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from babel.dates import format_date as babel_format_date
from babel.dates import format_interval, format_skeleton
from pydantic import Field

from .base import MAX_ID, Invalid, Question, Raw, Translator, single
from .eras import _BABEL_LOCALE, format_date
from .text import N_

WEEKDAYS_JA = "月火水木金土日"


def day_label(day: dt.date, lang: str) -> str:
    """A day as a heading in the picker: 12月5日（土）, "Saturday 5 December"."""
    if lang.startswith("ja"):
        return f"{day.month}月{day.day}日（{WEEKDAYS_JA[day.weekday()]}）"
    if lang in _BABEL_LOCALE and lang != "en":  # Chinese, Korean, Vietnamese: the locale's own order
        return format_skeleton("MMMMEEEEd", day, locale=_BABEL_LOCALE[lang])
    return babel_format_date(day, "EEEE d MMMM", locale="en_GB")


def clock_time(moment: dt.datetime | dt.time) -> str:
    """9:00, 13:30: hours without a leading zero, as times are written on notices."""
    return f"{moment.hour}:{moment.minute:02d}"


def slot_words(starts: dt.datetime, ends: dt.datetime, lang: str) -> str:
    """A booked time in words, with the day of the week and the era year:
    令和8年（2026年）12月5日（土）10:00〜12:00; "Saturday 5 December 2026 (Reiwa 8), 10:00 to 12:00"."""
    day = starts.date()
    if lang.startswith("ja"):
        return f"{format_date(day, 'ja')}（{WEEKDAYS_JA[day.weekday()]}）{clock_time(starts)}〜{clock_time(ends)}"
    if lang in _BABEL_LOCALE and lang != "en":  # no era outside Japanese: the locale's full date
        locale = _BABEL_LOCALE[lang]
        times = format_interval(starts.time(), ends.time(), "Hm", locale=locale)
        return f"{babel_format_date(day, 'full', locale=locale)} {times}"
    weekday = babel_format_date(day, "EEEE", locale="en_GB")
    return f"{weekday} {format_date(day, 'en')}, {clock_time(starts)} to {clock_time(ends)}"


def answer_times(value: Any) -> tuple[dt.datetime, dt.datetime] | None:
    """The start and end (in the city's time, as stored) of a slot picker's answer, None if it has none."""
    try:
        return dt.datetime.fromisoformat(value["starts_at"]), dt.datetime.fromisoformat(value["ends_at"])
    except (TypeError, KeyError, ValueError):
        return None


class SlotPicker(Question):
    type: Literal["slot_picker"] = "slot_picker"
    resource: int = Field(default=1, ge=1, le=MAX_ID, title=N_("Facility number"),
                          description=N_("The number of the facility to book, "
                                         "as listed on the Facility bookings screen"))

    title: ClassVar[str] = N_("Booking time")
    example: ClassVar[dict[str, Any]] = {"type": "slot_picker", "key": "slot", "label": "使う日と時間", "resource": 1}
    # A slot's id is the database's: a test that posts the answer to a running app books a real slot instead.
    example_answer: ClassVar[Any] = {"slot": 7}
    is_group: ClassVar[bool] = True
    required_message: ClassVar[str] = N_("Choose a time")
    template: ClassVar[str] = """
{% call m.group(w, error, as_heading) %}
{% if picker is not defined or picker is none or picker.unavailable %}
<p class="notice notice--warning" id="{{ w.first_field_id() }}">
{{- _('Times cannot be booked here at the moment. Please call us.') }}</p>
{% else %}
<p class="slot-week">{{ picker.week }}</p>
{% set ns = namespace(first=true) %}
{% for day in picker.days %}
<h2 class="slot-day" id="day-{{ day.iso }}">{{ day.label }}</h2>
{% if day.slots %}
<ul class="slots" aria-labelledby="day-{{ day.iso }}">
{% for s in day.slots %}
<li class="slot{{ ' slot--open' if s.bookable else ' slot--full' }}">
{% if s.bookable %}
{#- The day is in each time's own name: arrowing from radio to radio, a screen reader reads only the name. #}
{% set id = w.first_field_id() if ns.first else 'f-' ~ w.key ~ '-' ~ s.id %}{% set ns.first = false %}
<input class="choice-input" type="radio" id="{{ id }}" name="{{ w.key }}" value="{{ s.id }}"
 {{- ' checked' if (s.id|string) in (raw.get(w.key) or []) }}{{ ' aria-invalid="true"'|safe if error }}>
<label class="choice-label slot-label" for="{{ id }}"><span class="visually-hidden">{{ day.label }} </span>\
<span class="slot-time">{{ s.time }}</span> <span class="slot-left">{{ s.words }}</span></label>
{% else %}
<span class="slot-time">{{ s.time }}</span> <span class="slot-left">{{ s.words }}</span>
{% endif %}
</li>
{% endfor %}
</ul>
{% else %}
<p class="slot-none">{{ _('No times on this day') }}</p>
{% endif %}
{% endfor %}
{% if ns.first %}<p class="slot-none" id="{{ w.first_field_id() }}">
{{- _('No times can be booked this week. Look at another week.') }}</p>{% endif %}
<ul class="slot-weeks">
{% if picker.previous_url %}<li><a class="link-block" href="{{ picker.previous_url }}">
{{- _('Previous week') }}</a></li>{% endif %}
{% if picker.next_url %}<li><a class="link-block" href="{{ picker.next_url }}">{{ _('Next week') }}</a></li>{% endif %}
</ul>
{% endif %}
{% endcall %}"""

    def parse(self, raw: Raw) -> Any:
        value = single(raw, self.key)
        if not value.isdigit() or len(value) > 12:
            raise Invalid(N_("That time cannot be booked. Choose another"))
        return {"slot": int(value)}

    def to_raw(self, value: Any) -> dict[str, list[str]]:
        return {self.key: [str(value["slot"])]} if isinstance(value, dict) and "slot" in value else {}

    def display(self, value: Any, tr: Translator) -> str:
        times = answer_times(value)
        return slot_words(*times, tr.lang) if times else ""
