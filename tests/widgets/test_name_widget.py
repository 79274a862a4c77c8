"""Name: one field for the name, and a reading in kana that is kept in katakana."""

from __future__ import annotations

import pytest

from widgets import Invalid, widget_adapter
from widgets.name import to_katakana


def name_question(reading="optional", required=True):
    return widget_adapter.validate_python({"type": "name", "key": "applicant", "label": "お名前", "reading": reading, "required": required})


@pytest.mark.parametrize(
    "typed, reading",
    [("だて たろう", "ダテ タロウ"), ("ダテ　タロウ", "ダテ タロウ"), ("ﾀﾞﾃ ﾀﾛｳ", "ダテ タロウ"), ("だて・たろう", "ダテ タロウ"),
     ("ゔぃおら", "ヴィオラ"), ("すずき　いちろー", "スズキ イチロー"), ("  さとう  ", "サトウ")],
)
def test_a_reading_in_hiragana_or_katakana_of_any_width_is_kept_in_katakana(typed, reading):
    assert to_katakana(typed) == reading
    value = name_question().read({"applicant": ["伊達 太郎"], "applicant-reading": [typed]})
    assert value == {"name": "伊達 太郎", "reading": reading}


@pytest.mark.parametrize("typed", ["伊達", "date taro", "だて1", "<script>", "😀", "だて\x00たろう!"])
def test_a_reading_that_is_not_kana_is_refused_and_points_at_the_reading_field(typed):
    with pytest.raises(Invalid) as exc:
        name_question().read({"applicant": ["伊達 太郎"], "applicant-reading": [typed]})
    assert exc.value.message == "Enter the reading of {label} in hiragana or katakana"
    assert exc.value.params["field"] == "applicant-reading"


def test_control_characters_in_a_reading_are_dropped():
    assert to_katakana("だて\x00たろう") == "ダテタロウ"


def test_the_reading_may_be_left_empty_when_optional_but_not_when_required():
    assert name_question().read({"applicant": ["伊達 太郎"], "applicant-reading": [" "]}) == {"name": "伊達 太郎", "reading": None}
    with pytest.raises(Invalid) as exc:
        name_question("required").read({"applicant": ["伊達 太郎"]})
    assert exc.value.message == "Enter the reading of {label} in kana"


def test_a_reading_without_a_name_asks_for_the_name():
    for required in (True, False):
        with pytest.raises(Invalid) as exc:
            name_question(required=required).read({"applicant": [""], "applicant-reading": ["だて"]})
        assert exc.value.message == "Enter {label}"


def test_without_a_reading_field_only_the_name_is_read():
    question = name_question("none")
    assert question.fields() == ["applicant"]
    assert question.read({"applicant": ["Anna Müller"], "applicant-reading": ["あんな"]}) == {"name": "Anna Müller", "reading": None}


def test_names_keep_what_is_typed_as_text():
    value = name_question("none").read({"applicant": ["<script>alert(1)</script>"]})
    assert value["name"] == "<script>alert(1)</script>"


def test_a_name_over_the_limit_is_refused():
    with pytest.raises(Invalid):
        name_question().read({"applicant": ["あ" * 101]})


def test_the_name_reads_with_its_reading_and_comes_back_prefilled(ja, en):
    question = name_question()
    value = {"name": "伊達 太郎", "reading": "ダテ タロウ"}
    assert question.display(value, ja) == "伊達 太郎（ダテ タロウ）"
    assert question.display(value, en) == "伊達 太郎 (ダテ タロウ)"
    assert question.display({"name": "伊達 太郎", "reading": None}, ja) == "伊達 太郎"
    assert question.to_raw(value) == {"applicant": ["伊達 太郎"], "applicant-reading": ["ダテ タロウ"]}
