"""What staff write into an app (by hand or in an imported file) is cleaned as residents' answers are,
and numbers stay within sensible limits: no app can carry text or numbers that break a page."""

from __future__ import annotations

import copy
import json

import pytest
from pydantic import ValidationError

from tests.conftest import EXAMPLE
from widgets import AppSpec, LocalizedText, widget_adapter
from widgets.text import clean_staff_text


def spec_with(**changes) -> dict:
    data = copy.deepcopy(EXAMPLE)
    data.update(changes)
    return data


def test_lone_surrogates_nul_and_control_characters_leave_every_text_of_an_app():
    data = spec_with(title={"ja": "図書館\ud800アンケート\x00", "en": "Library\x07 survey\u202e"},
                     description={"ja": "一行目\r\n二行目\tタブ\x1b"})
    data["pages"][1]["widgets"][0]["show_if"]["value"] = "yes\x00"
    spec = AppSpec.model_validate(data)
    assert spec.title.root == {"ja": "図書館アンケート", "en": "Library survey"}
    assert spec.description.root["ja"] == "一行目\n二行目\tタブ"  # line breaks and tabs are the writer's
    assert spec.pages[1].widgets[0].show_if.value == "yes"
    # What is stored and hashed can always be written as UTF-8.
    json.dumps(spec.model_dump(mode="json"), ensure_ascii=False).encode()


def test_staff_text_keeps_what_staff_see_and_mean():
    """Full-width letters, furigana notation, emoji joined by ZWJ stay as written (no NFKC for staff text)."""
    for text in ("ＡＢＣ　全角", "｜伊達市《だてし》", "👨\u200d👩\u200d👧", "①②"):
        assert clean_staff_text(text) == text
    assert clean_staff_text("a\x00b\ud800c\ufeffd") == "abcd"


def test_a_widget_alone_is_cleaned_too():
    widget = widget_adapter.validate_python({"type": "heading", "text": {"ja": "見出し\x00\udfff"}})
    assert widget.text.root["ja"] == "見出し"
    assert LocalizedText.model_validate("題\x0b名").root == {"ja": "題名"}


def test_an_image_address_with_control_characters_is_refused():
    for src in ("https://example.jp/a\x00.png", "https://example.jp/a\ud800.png", "/static/a\x07.png"):
        with pytest.raises(ValidationError):
            widget_adapter.validate_python({"type": "image", "src": src, "alt": "地図"})


@pytest.mark.parametrize("change", [
    {"min": 10**16}, {"max": -(10**16)}, {"min": float("nan")}, {"max": float("inf")},
])
def test_number_limits_beyond_what_a_resident_can_answer_are_refused(change):
    base = {"type": "number", "key": "people", "label": "人数"}
    widget_adapter.validate_python({**base, "min": -(10**15) + 1, "max": 10**15 - 1})
    with pytest.raises(ValidationError):
        widget_adapter.validate_python({**base, **change})


@pytest.mark.parametrize("widget, field, too_big", [
    ({"type": "multiple_choice", "key": "k", "label": "l", "options": [{"value": "a", "label": "A"}]},
     "min_selections", 10**30),
    ({"type": "multiple_choice", "key": "k", "label": "l", "options": [{"value": "a", "label": "A"}]},
     "max_selections", 10**30),
    ({"type": "slot_picker", "key": "k", "label": "l"}, "resource", 2**63),
])
def test_counts_and_numbers_of_things_have_an_upper_limit(widget, field, too_big):
    with pytest.raises(ValidationError) as refused:
        widget_adapter.validate_python({**widget, field: too_big})
    assert refused.value.errors()[0]["type"] == "less_than_equal"
