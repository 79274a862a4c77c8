"""Date: 年/月/日 with an era or a Western year, stored as an ISO date and shown in both calendars."""

from __future__ import annotations

import datetime as dt

import pytest

import widgets.date
from widgets import Invalid, widget_adapter

TODAY = dt.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(widgets.date, "today", lambda: TODAY)


def question(**extra):
    return widget_adapter.validate_python({"type": "date", "key": "born", "label": "生年月日", **extra})


def raw(era, year, month, day):
    return {"born-era": [era], "born-year": [year], "born-month": [month], "born-day": [day]}


@pytest.mark.parametrize(
    "era, year, month, day, iso",
    [
        ("showa", "25", "3", "4", "1950-03-04"),
        ("western", "1950", "3", "4", "1950-03-04"),
        ("showa", "1950", "3", "4", "1950-03-04"),  # four digits are a Western year whatever the era says
        ("western", "昭和25", "3", "4", "1950-03-04"),  # a year typed with its era wins over the select
        ("western", "S25", "03", "04", "1950-03-04"),
        ("heisei", "元", "1", "8", "1989-01-08"),
        ("heisei", "元年", "1月", "8日", "1989-01-08"),
        ("reiwa", "１", "５", "１", "2019-05-01"),
        ("showa", "64", "1", "7", "1989-01-07"),
        ("taisho", "15", "12", "24", "1926-12-24"),
        ("showa", "1", "12", "25", "1926-12-25"),
        ("western", "２０２４", "２", "２９", "2024-02-29"),
    ],
)
def test_dates_are_read_in_either_calendar(era, year, month, day, iso):
    assert question().read(raw(era, year, month, day)) == iso


@pytest.mark.parametrize(
    "era, year, month, day",
    [("showa", "64", "1", "8"), ("heisei", "31", "5", "1"), ("heisei", "32", "1", "1"), ("reiwa", "1", "4", "30"),
     ("taisho", "15", "12", "25"), ("showa", "1", "12", "24"), ("heisei", "0", "1", "1")],
)
def test_days_outside_the_era_ask_to_check_the_era_and_year(era, year, month, day):
    with pytest.raises(Invalid) as exc:
        question().read(raw(era, year, month, day))
    assert exc.value.message == "{label} must be a real date. Check the era and the year"
    assert exc.value.params["field"] == "born-year"


@pytest.mark.parametrize(
    "year, month, day, field",
    [("1950", "2", "30", "born-day"), ("1950", "13", "1", "born-month"), ("1950", "0", "1", "born-month"),
     ("1950", "1", "32", "born-day"), ("1950", "一", "1", "born-month"), ("abc", "1", "1", "born-year"),
     ("1950", "1", "<script>", "born-day"), ("2023", "2", "29", "born-day"), ("19500", "1", "1", "born-year"),
     # Look-alike digits are not read as digits (issue 18): ⁵ is not May, ①② not the 12th.
     ("1950", "⁵", "12", "born-month"), ("¹⁹⁵⁰", "5", "12", "born-year"), ("1950", "5", "①②", "born-day")],
)
def test_impossible_dates_point_at_the_wrong_part(year, month, day, field):
    with pytest.raises(Invalid) as exc:
        question().read(raw("western", year, month, day))
    assert exc.value.message == "{label} must be a real date"
    assert exc.value.params["field"] == field


@pytest.mark.parametrize(
    "year, month, day, message, field",
    [("", "3", "4", "{label} must include a year", "born-year"),
     ("1950", "", "4", "{label} must include a month", "born-month"),
     ("1950", "3", " ", "{label} must include a day", "born-day")],
)
def test_a_missing_part_is_named(year, month, day, message, field):
    with pytest.raises(Invalid) as exc:
        question().read(raw("western", year, month, day))
    assert (exc.value.message, exc.value.params["field"]) == (message, field)


def test_nothing_typed_is_empty_even_though_the_era_always_has_a_value():
    with pytest.raises(Invalid) as exc:
        question().read(raw("showa", "", "", ""))
    assert exc.value.message == "Enter {label}"
    assert question(required=False).read(raw("showa", "", "", "")) is None


def test_a_short_western_year_asks_for_four_digits_or_an_era():
    with pytest.raises(Invalid) as exc:
        question().read(raw("western", "50", "3", "4"))
    assert exc.value.message == "Enter the year of {label} with 4 digits, or choose its era"


def test_an_era_that_is_not_offered_is_refused():
    with pytest.raises(Invalid):
        question().read(raw("<script>", "25", "3", "4"))
    with pytest.raises(Invalid):
        question().read(raw("showa", "25", "3", "4") | {"born-era": ["showa", "heisei"]})


def test_past_only_and_future_only_compare_with_today_in_japan():
    assert question(past_only=True).read(raw("reiwa", "8", "4", "1")) == "2026-04-01"
    with pytest.raises(Invalid) as exc:
        question(past_only=True).read(raw("reiwa", "8", "4", "2"))
    assert exc.value.message == "{label} must be today or in the past"
    assert question(future_only=True).read(raw("western", "2026", "4", "1")) == "2026-04-01"
    with pytest.raises(Invalid) as exc:
        question(future_only=True).read(raw("western", "2026", "3", "31"))
    assert exc.value.message == "{label} must be today or in the future"


def test_min_and_max_dates_are_kept_and_the_limit_is_given():
    limited = question(min_date="2026-04-01", max_date="2026-09-30")
    assert limited.read(raw("western", "2026", "9", "30")) == "2026-09-30"
    with pytest.raises(Invalid) as exc:
        limited.read(raw("western", "2026", "10", "1"))
    assert exc.value.message == "{label} must be on or before {max}" and exc.value.params["max"] == dt.date(2026, 9, 30)
    with pytest.raises(Invalid) as exc:
        limited.read(raw("western", "2026", "3", "31"))
    assert exc.value.params["min"] == dt.date(2026, 4, 1)


def test_years_before_1900_are_refused():
    with pytest.raises(Invalid) as exc:
        question().read(raw("western", "1899", "12", "31"))
    assert exc.value.message == "{label} must be on or after {min}"


def test_contradictory_settings_are_not_a_valid_widget():
    with pytest.raises(ValueError):
        question(past_only=True, future_only=True)
    with pytest.raises(ValueError):
        question(min_date="2026-05-01", max_date="2026-04-01")


def test_the_answer_reads_in_both_calendars(ja, en):
    assert question().display("1950-03-04", ja) == "昭和25年（1950年）3月4日"
    assert question().display("1950-03-04", en) == "4 March 1950 (Shōwa 25)"
    assert question().display("not a date", ja) == ""


def test_a_birthday_comes_back_in_its_era_and_another_date_in_the_western_year():
    assert question(purpose="birth").to_raw("1950-03-04") == raw("showa", "25", "3", "4")
    assert question().to_raw("1950-03-04") == raw("western", "1950", "3", "4")
    assert question(purpose="birth").to_raw("1910-01-01") == raw("western", "1910", "1", "1")  # 明治 is not offered


def test_today_is_the_date_in_japan():
    assert widgets.date.JST.utcoffset(None) == dt.timedelta(hours=9)
