"""The rules of facility bookings that need no database: the checks of a facility's settings as staff
type them (its weekly schedule, closed dates, booking window and monthly limit). Why a booking was
refused (`Refusal`, `BookingRefused`) is in errors.py with the other refusals."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

import holidays

from generated_apps.domain.errors import BookingRefused, Refusal
from widgets import N_

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@cache
def japanese_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("JP", years=year, language="ja"))


def schedule_problems(schedule: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """What is wrong with a weekly schedule, each as (msgid, params) with `day` a weekday key ("tue"),
    or [] when it will do."""
    problems: list[tuple[str, dict[str, Any]]] = []
    for day, times in schedule.items():
        if day not in WEEKDAYS:
            problems.append((N_("There is no weekday {day}"), {"day": str(day)[:20]}))
            continue
        spans = []
        for t in times:
            start, end, capacity = t.get("start", ""), t.get("end", ""), t.get("capacity")
            if not (TIME.fullmatch(str(start)) and TIME.fullmatch(str(end))) or start >= end:
                problems.append((N_("A time on {day} is not a start before an end (HH:MM)"), {"day": day}))
            elif not isinstance(capacity, int) or not 1 <= capacity <= 10_000:
                problems.append((N_("The places at {start} on {day} must be a whole number from 1 to 10000"),
                                 {"day": day, "start": start}))
            else:
                spans.append((start, end))
        spans.sort()
        problems += [(N_("Times overlap on {day}: {first} and {second}"),
                      {"day": day, "first": f"{a[0]}-{a[1]}", "second": f"{b[0]}-{b[1]}"})
                     for a, b in zip(spans, spans[1:], strict=False) if b[0] < a[1]]
    return problems


RESOURCE_FIELDS = frozenset({"name", "schedule", "closed_dates", "holidays_closed", "days_ahead", "hours_before",
                             "monthly_limit", "active"})
SLOT_FIELDS = frozenset({"schedule", "closed_dates", "holidays_closed"})  # the settings that move slots


def checked_settings(changes: dict[str, Any]) -> dict[str, Any]:
    """Changes to a resource's settings, tidied (names trimmed, dates sorted, empty weekdays dropped);
    BookingRefused for the first one that will not do. The builder checks a new resource's settings here too."""
    unknown = set(changes) - RESOURCE_FIELDS
    if unknown:
        raise ValueError(f"not a resource setting: {sorted(unknown)}")
    checked = dict(changes)
    if "name" in checked:
        checked["name"] = " ".join(str(checked["name"] or "").split())
        if not checked["name"]:
            raise BookingRefused("Give the resource a name", Refusal.BAD_SETTING)
        if len(checked["name"]) > 100:
            raise BookingRefused("Keep the name under {limit} characters", Refusal.BAD_SETTING, limit=100)
    if "schedule" in checked:
        problems = schedule_problems(checked["schedule"])
        if problems:
            # The first; once fixed, the next is told.
            raise BookingRefused(problems[0][0], Refusal.BAD_SETTING, **problems[0][1])
        checked["schedule"] = {day: sorted(checked["schedule"][day], key=lambda t: t["start"])
                               for day in WEEKDAYS if checked["schedule"].get(day)}
    if "closed_dates" in checked:
        days = set()
        for text in checked["closed_dates"]:
            try:
                days.add(dt.date.fromisoformat(str(text)).isoformat())
            except ValueError:
                raise BookingRefused("{date} is not a date (YYYY-MM-DD)", Refusal.BAD_SETTING, date=text) from None
        checked["closed_dates"] = sorted(days)
    if "days_ahead" in checked and not _whole(checked["days_ahead"], 1, 730):
        raise BookingRefused("Residents can book from 1 to {most} days ahead", Refusal.BAD_SETTING, most=730)
    if "hours_before" in checked and not _whole(checked["hours_before"], 0, 720):
        raise BookingRefused("The booking deadline must be from 0 to {most} hours before the start",
                             Refusal.BAD_SETTING, most=720)
    if checked.get("monthly_limit") is not None and not _whole(checked["monthly_limit"], 1, 100):
        raise BookingRefused("The monthly limit must be empty or a whole number from 1 to {most}",
                             Refusal.BAD_SETTING, most=100)
    for flag in ("holidays_closed", "active"):
        if flag in checked and not isinstance(checked[flag], bool):
            raise ValueError(f"{flag} must be true or false")
    return checked


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
