"""Whatever a browser, a bot or a careless script sends, a question gives a clean value or Invalid.

These run for a question of every type; each type's own tests say what it accepts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import widgets.date
from widgets import Invalid

WIDGETS_DIR = Path(widgets.date.__file__).parent
# Every message a widget may raise: the N_() strings of the widgets package.
MSGIDS = {m for path in WIDGETS_DIR.glob("*.py") for m in re.findall(r'N_\(\s*"([^"]+)"\s*\)', path.read_text())}
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(widgets.date, "today", lambda: dt.date(2026, 4, 1))


def read(question, raw):
    """read(), with the rule that only Invalid may come out, carrying a known message."""
    try:
        return question.read(raw)
    except Invalid as exc:
        assert exc.message in MSGIDS
        raise


def optional(question):
    return question.model_copy(update={"required": False})


def test_nothing_sent_is_required_or_none(question):
    with pytest.raises(Invalid) as exc:
        read(question, {})
    assert exc.value.message == question.required_message
    assert read(optional(question), {}) is None


@pytest.mark.parametrize("blank", ["", " ", "\u3000\u3000", "\t\n\r\n", "\x00", "\u200b\ufeff"])
def test_whitespace_and_invisible_characters_are_nothing(question, blank):
    raw = {name: [blank] for name in question.fields()}
    with pytest.raises(Invalid) as exc:
        read(question, raw)
    assert exc.value.message == question.required_message
    assert read(optional(question), raw) is None


def test_a_hundred_thousand_characters_are_refused(question):
    raw = {name: ["あ" * 100_000] for name in question.fields()}
    with pytest.raises(Invalid):
        read(question, raw)


@pytest.mark.parametrize(
    "bad",
    [[["nested"]], [1], [None], [b"bytes"], 5, {"a": "b"}, ["a", 1]],
    ids=["list-in-list", "int", "none", "bytes", "not-a-list", "dict", "mixed"],
)
def test_values_that_are_not_text_are_invalid_not_a_crash(question, bad):
    raw = {name: bad for name in question.fields()}
    with pytest.raises(Invalid):
        read(question, raw)


def test_several_values_for_a_one_value_field_are_refused(question):
    good = question.to_raw(read(question, _valid_raw(question)))
    doubled = {name: values * 2 for name, values in good.items()}
    if question.type == "multiple_choice":  # check boxes send several values: a repeated one counts once
        assert read(question, doubled) == read(question, good)
        return
    with pytest.raises(Invalid):
        read(question, doubled)


def test_a_field_of_another_question_is_ignored(question):
    raw = {**_valid_raw(question), "other": ["<script>"], "": ["x"]}
    assert read(question, raw) == read(question, _valid_raw(question))


# Text as a hostile sender makes it: any code point, and the troublesome ones often.
hostile_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list("0123456789０１２３４５６７８９-ー－‐−()（）+＋@.,、。 \u3000〒年月日元")),
            max_size=20),
    st.sampled_from(["<script>alert(1)</script>", "\x00", "😀👨‍👩‍👧", "Robert'); DROP TABLE--", "\ud800", "‮abc",
                     "yes", "no", "1", "5", "a", "b", "1950", "S25", "3", "4", "showa", "western"]),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_text_gives_a_clean_value_or_invalid_and_the_value_comes_back(question, data, ja, en):
    raw = {name: data.draw(st.lists(hostile_text, max_size=3), label=name) for name in question.fields()}
    try:
        value = read(question, raw)
    except Invalid:
        return
    if value is None:
        return
    # Stored as JSON, with no control characters, and shown again the same way on the 変更 page.
    assert not CONTROL.search(json.dumps(value, ensure_ascii=False))
    assert read(question, question.to_raw(value)) == value
    assert isinstance(question.display(value, ja), str) and isinstance(question.display(value, en), str)


def _valid_raw(question):
    """A submitted form each sample question takes: the form of its type's example answer."""
    return question.to_raw(question.example_answer)


def test_each_sample_answer_is_taken_and_comes_back_the_same(question, ja):
    value = read(question, _valid_raw(question))
    assert value is not None
    assert read(question, question.to_raw(value)) == value
    # A slot picker's answer reads as words once the web layer has added the slot's times.
    assert question.display(value, ja) or question.type == "slot_picker"
