"""Japanese eras: conversion both ways, checked at every boundary day and on every day since 1900."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets.eras import (
    ERAS,
    EraError,
    era,
    format_date,
    format_era_year,
    from_western,
    parse_era_year,
    to_western,
)

DAY = dt.timedelta(days=1)

# (era, its first day, its last day) as the law and the calendar have them.
BOUNDARIES = [
    ("taisho", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    ("showa", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    ("heisei", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    ("reiwa", dt.date(2019, 5, 1), None),
]


def test_the_era_table_is_continuous():
    for earlier, later in zip(ERAS, ERAS[1:], strict=False):
        assert earlier.end is not None and earlier.end + DAY == later.start
    assert ERAS[-1].key == "reiwa" and ERAS[-1].end is None


@pytest.mark.parametrize("key, first, last", BOUNDARIES)
def test_each_era_begins_in_its_year_one_and_the_day_before_belongs_to_the_previous_era(key, first, last):
    assert from_western(first) == (era(key), 1)
    assert to_western(key, 1, first.month, first.day) == first
    before_era, before_year = from_western(first - DAY)
    assert before_era.end == first - DAY
    assert to_western(before_era, before_year, (first - DAY).month, (first - DAY).day) == first - DAY
    with pytest.raises(EraError):
        to_western(key, 1, (first - DAY).month, (first - DAY).day)
    with pytest.raises(EraError):
        to_western(before_era, before_year, first.month, first.day)
    if last is not None:
        assert from_western(last)[0] == era(key)
        assert from_western(last + DAY)[0] != era(key)


def test_showa_64_lasted_seven_days():
    assert [to_western("showa", 64, 1, day) for day in range(1, 8)] == [dt.date(1989, 1, day) for day in range(1, 8)]
    for month, day in [(1, 8), (1, 31), (2, 1), (12, 31)]:
        with pytest.raises(EraError):
            to_western("showa", 64, month, day)
    with pytest.raises(EraError):
        to_western("showa", 65, 1, 1)


def test_showa_1_lasted_seven_days_and_taisho_15_ended_on_24_december():
    assert to_western("showa", 1, 12, 25) == dt.date(1926, 12, 25)
    assert to_western("showa", 1, 12, 31) == dt.date(1926, 12, 31)
    assert to_western("showa", 2, 1, 1) == dt.date(1927, 1, 1)
    assert to_western("taisho", 15, 12, 24) == dt.date(1926, 12, 24)
    with pytest.raises(EraError):
        to_western("taisho", 15, 12, 25)
    with pytest.raises(EraError):
        to_western("showa", 1, 12, 24)


def test_heisei_began_on_8_january_1989_and_ended_on_30_april_2019():
    assert to_western("heisei", 1, 1, 8) == dt.date(1989, 1, 8)
    with pytest.raises(EraError):
        to_western("heisei", 1, 1, 7)
    assert to_western("heisei", 31, 4, 30) == dt.date(2019, 4, 30)
    with pytest.raises(EraError):
        to_western("heisei", 31, 5, 1)
    with pytest.raises(EraError):
        to_western("heisei", 32, 1, 1)


def test_reiwa_began_on_1_may_2019():
    assert to_western("reiwa", 1, 5, 1) == dt.date(2019, 5, 1)
    with pytest.raises(EraError):
        to_western("reiwa", 1, 4, 30)
    assert to_western("reiwa", 8, 3, 31) == dt.date(2026, 3, 31)


def test_every_day_since_1900_goes_to_its_era_and_back():
    day, end = dt.date(1900, 1, 1), dt.date(2040, 12, 31)
    while day <= end:
        found, year = from_western(day)
        assert found.start <= day and (found.end is None or day <= found.end)
        assert to_western(found, year, day.month, day.day) == day
        day += DAY


@given(st.dates(min_value=dt.date(1868, 1, 25), max_value=dt.date(9000, 12, 31)))
def test_from_western_and_to_western_are_inverse(day):
    found, year = from_western(day)
    assert year >= 1
    assert to_western(found.key, year, day.month, day.day) == day


def test_year_zero_a_negative_year_and_impossible_days_are_refused():
    with pytest.raises(EraError):
        to_western("heisei", 0, 6, 1)
    with pytest.raises(EraError):
        to_western("heisei", -1, 6, 1)
    with pytest.raises(ValueError):
        to_western("heisei", 2, 2, 30)
    with pytest.raises(ValueError):
        to_western("reiwa", 7, 13, 1)
    assert to_western("heisei", 4, 2, 29) == dt.date(1992, 2, 29)  # 平成4年 was a leap year
    with pytest.raises(ValueError):
        to_western("heisei", 5, 2, 29)


def test_days_before_meiji_have_no_era():
    with pytest.raises(ValueError):
        from_western(dt.date(1868, 1, 24))


@pytest.mark.parametrize("name", ["showa", "昭和", "Shōwa", "Showa", "SHOWA", "S", "s", "Ｓ"])
def test_an_era_is_found_by_key_name_romaji_or_initial(name):
    assert era(name).name == "昭和"


def test_an_unknown_era_is_a_key_error():
    with pytest.raises(KeyError):
        era("慶応")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1950", (None, 1950)),
        ("１９５０", (None, 1950)),
        ("1950年", (None, 1950)),
        ("25", (None, 25)),
        ("元", (None, 1)),
        ("元年", (None, 1)),
        ("昭和25年", ("showa", 25)),
        ("昭和 25", ("showa", 25)),
        ("S25", ("showa", 25)),
        ("ｓ２５", ("showa", 25)),
        ("H31", ("heisei", 31)),
        ("平成元年", ("heisei", 1)),
        ("令和元", ("reiwa", 1)),
        ("Reiwa 7", ("reiwa", 7)),
    ],
)
def test_a_typed_year_may_carry_its_era_and_may_be_元(typed, expected):
    found, year = parse_era_year(typed)
    assert (found.key if found else None, year) == expected


@pytest.mark.parametrize("typed", ["", "令和", "abc", "慶応3", "19500000", "1950-03", "二十五", "<script>"])
def test_what_is_not_a_year_is_a_value_error(typed):
    with pytest.raises(ValueError):
        parse_era_year(typed)


def test_year_one_is_written_元年():
    assert format_era_year(era("reiwa"), 1) == "令和元年"
    assert format_era_year(era("showa"), 25) == "昭和25年"


def test_dates_read_in_both_calendars():
    assert format_date(dt.date(1950, 3, 4), "ja") == "昭和25年（1950年）3月4日"
    assert format_date(dt.date(1989, 1, 8), "ja") == "平成元年（1989年）1月8日"
    assert format_date(dt.date(1989, 1, 7), "ja") == "昭和64年（1989年）1月7日"
    assert format_date(dt.date(2019, 5, 1), "ja-x-easy") == "令和元年（2019年）5月1日"
    assert format_date(dt.date(1950, 3, 4), "en") == "4 March 1950 (Shōwa 25)"
    assert format_date(dt.date(1950, 3, 4), "ko") == "1950년 3월 4일"
    assert format_date(dt.date(1950, 3, 4), "zh-Hans") == "1950年3月4日"


def test_a_year_far_beyond_the_era_is_an_era_error():
    with pytest.raises(EraError):
        to_western("showa", 99999, 1, 1)
    with pytest.raises(EraError):
        to_western("reiwa", 99999, 1, 1)
