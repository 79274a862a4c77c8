"""Number: digits in full or half width, with commas and the unit, inside the allowed range."""

from __future__ import annotations

import pytest

from widgets import Invalid, widget_adapter

PEOPLE = widget_adapter.validate_python(
    {"type": "number", "key": "people", "label": "人数", "unit": {"ja": "人", "en": "people"}, "min": 1, "max": 200})
PLAIN = widget_adapter.validate_python({"type": "number", "key": "n", "label": "数"})
DECIMAL = widget_adapter.validate_python(
    {"type": "number", "key": "kg", "label": "重さ", "allow_decimal": True, "min": 0})


def read(question, text):
    return question.read({question.key: [text]})


@pytest.mark.parametrize("typed, value", [("12", 12), ("１２", 12), (" 12 ", 12), ("12人", 12), ("１２ 人", 12),
                                          ("12 people", 12), ("200", 200), ("1", 1), ("012", 12), ("12.0", 12)])
def test_numbers_are_read_however_they_are_typed(typed, value):
    assert read(PEOPLE, typed) == value


@pytest.mark.parametrize("typed, value",
                         [("1,000", 1000), ("１，０００", 1000), ("1234567", 1234567), ("-5", -5), ("−5", -5)])
def test_commas_group_thousands_and_a_minus_may_be_any_dash(typed, value):
    assert read(PLAIN, typed) == value


@pytest.mark.parametrize("typed", ["1,5", "1,00", "12,34,567", "1.2.3", "abc", "十二", "1e3", "0x10", "--1", "1-",
                                   "<script>", "🙂"])
def test_what_is_not_a_number_says_so(typed):
    with pytest.raises(Invalid) as exc:
        read(PLAIN, typed)
    assert exc.value.message == "Enter {label} as a number"


@pytest.mark.parametrize("typed", ["⁰⁴⁵", "⁴⁵人", "₄₅", "④", "⑫", "𝟒𝟓", "٤٥", "४५", "1²", "½"])
def test_digits_nobody_types_for_a_number_are_refused_not_read(typed):
    """「⁰⁴⁵」 once became 45 people: NFKC reads superscripts, circled and mathematical digits as digits,
    but a resident who types them does not mean a count (full-width １２ is meant, and read)."""
    with pytest.raises(Invalid) as exc:
        read(PEOPLE, typed)
    assert exc.value.message == "Enter {label} as a number"


def test_a_decimal_is_refused_unless_allowed():
    with pytest.raises(Invalid) as exc:
        read(PEOPLE, "1.5")
    assert exc.value.message == "Enter {label} as a whole number"
    assert read(DECIMAL, "６２．５") == 62.5


def test_the_range_is_checked_and_said():
    with pytest.raises(Invalid) as exc:
        read(PEOPLE, "0")
    assert (exc.value.message, exc.value.params["min"]) == ("{label} must be {min} or more", "1")
    with pytest.raises(Invalid) as exc:
        read(PEOPLE, "201")
    assert (exc.value.message, exc.value.params["max"]) == ("{label} must be {max} or less", "200")


def test_huge_numbers_are_refused_without_trouble():
    with pytest.raises(Invalid):
        read(PLAIN, "9" * 30)
    with pytest.raises(Invalid):
        read(PLAIN, "9" * 100_000)
    with pytest.raises(Invalid) as exc:
        read(PLAIN, "1" + "0" * 15)
    assert exc.value.message == "{label} is too large"


def test_min_above_max_is_not_a_valid_widget():
    with pytest.raises(ValueError):
        widget_adapter.validate_python({"type": "number", "key": "n", "label": "数", "min": 5, "max": 1})


def test_display_groups_digits_and_adds_the_unit(ja, en):
    assert PEOPLE.display(12, ja) == "12人"
    assert PEOPLE.display(12, en) == "12 people"
    assert PLAIN.display(1234567, ja) == "1,234,567"
    assert PEOPLE.to_raw(12) == {"people": ["12"]}
