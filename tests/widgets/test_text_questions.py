"""Short and long text: what residents type is kept as text, cleaned, never interpreted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import Invalid, widget_adapter

SHORT = widget_adapter.validate_python({"type": "short_text", "key": "town", "label": "町名", "max_length": 20})
LONG = widget_adapter.validate_python({"type": "long_text", "key": "comment", "label": "ご意見", "max_length": 50})


def test_short_text_is_trimmed_and_its_spaces_collapsed():
    assert SHORT.read({"town": ["  末永町 \u3000 1丁目  "]}) == "末永町 1丁目"


def test_full_width_letters_and_digits_become_half_width():
    assert SHORT.read({"town": ["ＡＢＣ１２３"]}) == "ABC123"


def test_control_characters_nul_and_bidi_overrides_are_dropped():
    assert SHORT.read({"town": ["末\x00永\x07町\u202e\u200b"]}) == "末永町"


def test_html_is_kept_as_text_to_be_escaped_on_output():
    assert SHORT.read({"town": ["<b>x</b>"]}) == "<b>x</b>"


def test_emoji_are_kept_whole():
    assert SHORT.read({"town": ["👨‍👩‍👧 家族"]}) == "👨‍👩‍👧 家族"


def test_text_over_the_limit_says_the_limit():
    with pytest.raises(Invalid) as exc:
        SHORT.read({"town": ["あ" * 21]})
    assert exc.value.message == "{label} must be {max} characters or fewer"
    assert exc.value.params["max"] == 20
    assert SHORT.read({"town": ["あ" * 20]}) == "あ" * 20


def test_long_text_keeps_line_breaks_and_normalises_them():
    assert LONG.read({"comment": ["一行目\r\n二行目  \r三行目"]}) == "一行目\n二行目\n三行目"


def test_long_text_over_the_limit_is_refused():
    with pytest.raises(Invalid):
        LONG.read({"comment": ["a" * 51]})


def test_long_text_default_limit_is_2000():
    default = widget_adapter.validate_python({"type": "long_text", "key": "c", "label": "ご意見"})
    assert default.max_length == 2000
    assert len(default.read({"c": ["あ" * 2000]})) == 2000


def test_wrong_shapes_are_invalid():
    for raw in ({"town": [["末永町"]]}, {"town": ["末永町", "大町"]}, {"town": [123]}):
        with pytest.raises(Invalid):
            SHORT.read(raw)


def test_a_plain_string_is_taken_as_one_value():
    assert SHORT.read({"town": "大町"}) == "大町"


@given(st.text(max_size=200))
def test_cleaned_text_is_stable(text):
    try:
        once = SHORT.read({"town": [text]})
    except Invalid:
        return
    assert once is None or SHORT.read({"town": [once]}) == once
