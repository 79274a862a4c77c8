"""Single and multiple choice, yes/no, dropdown, consent and rating: only the offered answers are taken."""

from __future__ import annotations

import pytest

from widgets import Invalid, widget_adapter

from .conftest import FakeTranslator

OPTIONS = [{"value": v, "label": {"ja": ja, "en": en}} for v, ja, en in
           [("bus", "バス", "Bus"), ("library", "図書館", "Library"), ("pool", "プール", "Pool")]]


def make(kind, **extra):
    return widget_adapter.validate_python({"type": kind, "key": "q", "label": "質問", **extra})


SINGLE = make("single_choice", options=OPTIONS)
MULTIPLE = make("multiple_choice", options=OPTIONS)
DROPDOWN = make("dropdown", options=OPTIONS)


@pytest.mark.parametrize("choice", [SINGLE, DROPDOWN], ids=["single_choice", "dropdown"])
def test_one_option_is_taken_by_its_value(choice, ja, en):
    assert choice.read({"q": ["library"]}) == "library"
    assert choice.read({"q": ["　library "]}) == "library"
    assert choice.display("library", ja) == "図書館"
    assert choice.display("library", en) == "Library"
    assert choice.to_raw("library") == {"q": ["library"]}


@pytest.mark.parametrize("choice", [SINGLE, DROPDOWN], ids=["single_choice", "dropdown"])
@pytest.mark.parametrize("sent", [["nothing-like-it"], ["図書館"], ["<script>"], ["Library"], ["bus", "pool"]])
def test_anything_but_one_offered_value_is_refused(choice, sent):
    with pytest.raises(Invalid):
        choice.read({"q": sent})


def test_option_values_are_unique_and_plain():
    with pytest.raises(ValueError):
        make("single_choice", options=[OPTIONS[0], OPTIONS[0]])
    with pytest.raises(ValueError):
        make("single_choice", options=[{"value": "a b", "label": "x"}])
    with pytest.raises(ValueError):
        make("single_choice", options=[])


def test_several_answers_come_back_in_the_order_of_the_options(ja, en):
    assert MULTIPLE.read({"q": ["pool", "bus", "pool"]}) == ["bus", "pool"]
    assert MULTIPLE.display(["bus", "pool"], ja) == "バス、プール"
    assert MULTIPLE.display(["bus", "pool"], en) == "Bus, Pool"
    assert MULTIPLE.to_raw(["bus", "pool"]) == {"q": ["bus", "pool"]}


def test_one_unknown_value_among_several_refuses_them_all():
    with pytest.raises(Invalid) as exc:
        MULTIPLE.read({"q": ["bus", "<script>"]})
    assert exc.value.message == "Select one of the choices for {label}"


def test_the_number_of_answers_may_be_limited():
    limited = make("multiple_choice", options=OPTIONS, min_selections=2, max_selections=2)
    assert limited.read({"q": ["bus", "pool"]}) == ["bus", "pool"]
    with pytest.raises(Invalid) as exc:
        limited.read({"q": ["bus"]})
    assert (exc.value.message, exc.value.params["min"]) == ("Select at least {min} for {label}", 2)
    with pytest.raises(Invalid) as exc:
        limited.read({"q": ["bus", "pool", "library"]})
    assert (exc.value.message, exc.value.params["max"]) == ("Select no more than {max} for {label}", 2)


def test_impossible_limits_are_not_a_valid_widget():
    with pytest.raises(ValueError):
        make("multiple_choice", options=OPTIONS, max_selections=4)
    with pytest.raises(ValueError):
        make("multiple_choice", options=OPTIONS, min_selections=3, max_selections=2)


def test_yes_no_is_stored_in_english_and_read_in_the_page_language(ja, en):
    question = make("yes_no")
    assert question.read({"q": ["yes"]}) == "yes"
    assert question.read({"q": ["NO"]}) == "no"
    assert question.display("yes", ja) == "はい"
    assert question.display("no", ja) == "いいえ"
    assert question.display("no", en) == "No"
    for sent in (["はい"], ["true"], ["yes", "no"], ["<script>"]):
        with pytest.raises(Invalid):
            question.read({"q": sent})


def test_consent_must_be_ticked_when_required(ja):
    question = make("consent", statement={"ja": "同意します", "en": "I agree"})
    assert question.read({"q": ["yes"]}) is True
    with pytest.raises(Invalid) as exc:
        question.read({})
    assert exc.value.message == "Tick the box to agree to {label}"
    with pytest.raises(Invalid):
        question.read({"q": ["on"]})
    assert question.display(True, ja) == "同意する"
    assert question.to_raw(True) == {"q": ["yes"]}
    assert make("consent", statement="同意します", required=False).read({}) is None


def test_a_rating_is_a_number_from_1_to_5_with_words(ja, en):
    question = make("rating")
    assert question.read({"q": ["4"]}) == 4
    assert question.read({"q": ["５"]}) == 5
    assert question.display(4, ja) == "4 満足"
    assert question.display(5, en) == "5 Very satisfied"
    assert question.to_raw(4) == {"q": ["4"]}
    for sent in (["0"], ["6"], ["4.5"], ["-1"], ["満足"], ["<script>"]):
        with pytest.raises(Invalid):
            question.read({"q": sent})


def test_a_rating_may_have_its_own_five_labels(ja):
    labels = [{"ja": w} for w in ["悪い", "やや悪い", "普通", "やや良い", "良い"]]
    assert make("rating", labels=labels).display(1, ja) == "1 悪い"
    with pytest.raises(ValueError):
        make("rating", labels=labels[:4])


# On the check page, an answer whose words fall back to Japanese says so (issue 18): display_html marks each
# piece of app text with its own lang, and escapes everything, the resident's own words included.
JA_ONLY = [{"value": "bus", "label": {"ja": "市民バス", "vi": "Xe buýt"}}, {"value": "library", "label": "図書館<b>"}]


def test_an_answer_shown_in_japanese_on_a_vietnamese_page_is_marked_japanese():
    vi = FakeTranslator("vi")
    multiple = make("multiple_choice", options=JA_ONLY)
    assert multiple.display_html(["bus", "library"], vi) == 'Xe buýt, <span lang="ja">図書館&lt;b&gt;</span>'
    assert (make("single_choice", options=JA_ONLY).display_html("library", vi)
            == '<span lang="ja">図書館&lt;b&gt;</span>')
    assert make("single_choice", options=JA_ONLY).display_html("bus", vi) == "Xe buýt"
    labels = ["とても不満", "不満", "ふつう", "満足", "とても満足"]
    assert make("rating", labels=labels).display_html(4, vi) == '4 <span lang="ja">満足</span>'
    assert make("number", unit="人").display_html(3, vi) == '3 <span lang="ja">人</span>'
    assert make("yes_no").display_html("yes", vi) == "Yes"  # our own words, in the page's language


def test_the_same_answer_on_a_japanese_page_is_plain_text(ja):
    assert make("multiple_choice", options=JA_ONLY).display_html(["bus", "library"], ja) == "市民バス、図書館&lt;b&gt;"


def test_what_a_resident_typed_is_escaped_and_cannot_pose_as_marked_text():
    typed = "\ue0000123456789abcdef:0\ue001<script>alert(1)</script>"
    html = make("short_text").display_html(typed, FakeTranslator("vi"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<span" not in html
