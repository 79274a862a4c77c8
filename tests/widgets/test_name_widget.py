"""Name: one field for the name, and a reading in kana that is kept in katakana."""

from __future__ import annotations

import pytest

from widgets import Invalid, widget_adapter
from widgets.name import to_katakana


def name_question(reading="optional", required=True):
    return widget_adapter.validate_python({"type": "name", "key": "applicant", "label": "お名前", "reading": reading,
                                           "required": required})


@pytest.mark.parametrize(
    "typed, reading",
    [("だて たろう", "ダテ タロウ"), ("ダテ　タロウ", "ダテ タロウ"), ("ﾀﾞﾃ ﾀﾛｳ", "ダテ タロウ"),
     ("だて・たろう", "ダテ タロウ"), ("ゔぃおら", "ヴィオラ"), ("すずき　いちろー", "スズキ イチロー"),
     ("  さとう  ", "サトウ")],
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
    assert name_question().read({"applicant": ["伊達 太郎"], "applicant-reading": [" "]}) == {
        "name": "伊達 太郎", "reading": None}
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
    assert question.read({"applicant": ["Anna Müller"], "applicant-reading": ["あんな"]}) == {
        "name": "Anna Müller", "reading": None}


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


# Each of the two fields shows error styling only with its own error message, and only its own hint
# (issue 18: on a name error the optional reading got the red bar, and read out the name's hint).
def with_hint():
    return widget_adapter.validate_python({"type": "name", "key": "applicant", "label": "お名前", "reading": "optional",
                                           "hint": "戸籍のとおりに書いてください"})


def field_of(page, control_id):
    """The <div class="field …"> around a control: the last one opened before it."""
    index = page.elements.index(page.by_id(control_id))
    return next(e for e in reversed(page.elements[:index])
                if e["tag"] == "div" and "field" in e["attrs"].get("class", "").split())


def described_by(page, control_id) -> list[str]:
    return page.by_id(control_id)["attrs"].get("aria-describedby", "").split()


@pytest.mark.parametrize("error_field", [None, "applicant"])
def test_an_error_in_the_name_marks_the_name_only(render, parse, error_field):
    page = parse(render(with_hint(), error="お名前を入力してください", error_field=error_field))
    assert "field--error" in field_of(page, "f-applicant")["attrs"]["class"]
    assert described_by(page, "f-applicant") == ["applicant-hint", "applicant-error"]
    reading = field_of(page, "f-applicant-reading")
    assert "field--error" not in reading["attrs"]["class"]  # no red bar without a message of its own
    assert described_by(page, "f-applicant-reading") == []
    assert "aria-invalid" not in page.by_id("f-applicant-reading")["attrs"]


def test_an_error_in_the_reading_is_shown_at_the_reading_with_its_own_message(render, parse):
    message = "お名前のふりがなを、ひらがなかカタカナで入力してください"
    page = parse(render(with_hint(), error=message, error_field="applicant-reading"))
    reading = field_of(page, "f-applicant-reading")
    assert "field--error" in reading["attrs"]["class"]
    assert message in page.by_id("applicant-reading-error")["text"]
    assert described_by(page, "f-applicant-reading") == ["applicant-reading-error"]
    assert page.by_id("f-applicant-reading")["attrs"]["aria-invalid"] == "true"
    # The name itself is not wrong: no red bar, no message, and only its own hint.
    assert "field--error" not in field_of(page, "f-applicant")["attrs"]["class"]
    assert page.by_id("applicant-error") is None
    assert described_by(page, "f-applicant") == ["applicant-hint"]
    assert "aria-invalid" not in page.by_id("f-applicant")["attrs"]


def test_the_reading_never_reads_out_the_names_hint(render, parse):
    page = parse(render(with_hint()))
    assert described_by(page, "f-applicant") == ["applicant-hint"]
    assert described_by(page, "f-applicant-reading") == []
