"""The app lint: each error that blocks publishing and each warning, found where it is."""

from __future__ import annotations

import copy

import pytest

from widgets import AppSpec, lint

CONTACT = {"phone": "0142-23-3331", "hours": {"ja": "平日 8:45〜17:30", "en": "Weekdays 8:45 to 17:30"}}


def q(key, kind="short_text", **extra):
    widget = {"type": kind, "key": key, "label": {"ja": f"質問{key}", "en": f"Question {key}"}}
    return widget | extra


YES_NO = [{"value": "yes", "label": {"ja": "はい", "en": "Yes"}}, {"value": "no", "label": {"ja": "いいえ", "en": "No"}}]
CLEAN = {
    "slug": "clean",
    "title": {"ja": "申込", "en": "Application"},
    "languages": ["ja", "en"],
    "contact": CONTACT,
    "lifecycle": {"retention_days": 365, "no_end": True},
    "pages": [
        {"widgets": [{"type": "paragraph", "text": {"ja": "はじめに。", "en": "Hello."}}]},
        {"widgets": [q("visited", "single_choice", options=YES_NO)]},
        {"widgets": [q("book", show_if={"key": "visited", "value": "yes"})]},
    ],
}


def spec(change=None, **top):
    data = copy.deepcopy(CLEAN) | top
    if change:
        change(data)
    return AppSpec.model_validate(data)


def codes(app, level=None):
    return [(i.code, i.page, i.widget) for i in lint(app) if level is None or i.level == level]


def test_a_clean_app_has_no_issues():
    assert lint(spec()) == []


def test_a_data_key_used_twice_is_an_error_on_the_second():
    app = spec(lambda d: d["pages"].append({"widgets": [q("book")]}))
    (issue,) = lint(app)
    assert (issue.level, issue.code, issue.page, issue.widget, issue.key) == ("error", "duplicate-key", 3, 0, "book")
    assert issue.message == "The data key book is used twice (first on page 3)"


def test_a_condition_on_an_unknown_key_is_an_error():
    app = spec(lambda d: d["pages"][2]["widgets"][0]["show_if"].update(key="nothing"))
    assert codes(app) == [("condition-unknown-key", 2, 0)]


def test_a_condition_on_a_question_of_the_same_or_a_later_page_is_an_error():
    def same_page(d):
        d["pages"][1]["widgets"].append({"type": "paragraph", "text": {"ja": "はい。", "en": "Yes."},
                                         "show_if": {"key": "visited", "value": "yes"}})
    assert ("condition-not-earlier", 1, 1) in codes(spec(same_page), "error")

    def later_page(d):
        d["pages"][0]["widgets"][0]["show_if"] = {"key": "book", "op": "answered"}
    assert codes(spec(later_page)) == [("condition-not-earlier", 0, 0)]


def test_a_condition_value_that_is_no_answer_of_the_question_is_a_warning():
    app = spec(lambda d: d["pages"][2]["widgets"][0]["show_if"].update(value="maybe"))
    (issue,) = lint(app)
    assert (issue.level, issue.code, issue.params["value"], issue.params["key"]) == ("warning", "condition-value-not-an-option", "maybe", "visited")


@pytest.mark.parametrize("kind, good, bad", [("yes_no", "yes", "はい"), ("rating", "2", "6")])
def test_condition_values_of_yes_no_and_rating_are_checked_too(kind, good, bad):
    def build(value):
        def change(d):
            d["pages"][1]["widgets"] = [q("visited", kind)]
            d["pages"][2]["widgets"][0]["show_if"]["value"] = value
        return spec(change)
    assert lint(build(good)) == []
    assert codes(build(bad)) == [("condition-value-not-an-option", 2, 0)]


def test_equals_on_a_multiple_choice_is_a_warning():
    def change(d):
        d["pages"][1]["widgets"] = [q("visited", "multiple_choice", options=YES_NO)]
    assert codes(spec(change)) == [("condition-equals-list", 2, 0)]


def test_a_blank_label_is_an_error():
    app = spec(lambda d: d["pages"][1]["widgets"][0].update(label={"ja": "", "en": "Visited?"}))
    (issue,) = lint(app)
    assert (issue.level, issue.code, issue.key) == ("error", "blank-label", "visited")


def test_an_image_without_alt_text_is_an_error():
    app = spec(lambda d: d["pages"][0]["widgets"].append({"type": "image", "src": "/static/a.png", "alt": {"ja": " "}}))
    assert codes(app) == [("blank-alt", 0, 1)]


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda d: d.update(title={"ja": ""}), "title"),
        (lambda d: d["pages"][0]["widgets"][0].update(text={"ja": "", "en": "Hello."}), "text"),
        (lambda d: d["pages"][1]["widgets"][0]["options"][1].update(label={"ja": "", "en": "No"}), "options[1].label"),
        (lambda d: d["pages"][0]["widgets"].append({"type": "heading", "text": ""}), "text"),
        (lambda d: d["pages"][0]["widgets"].append({"type": "notice", "heading": {"ja": "", "en": "x"}}), "heading"),
        (lambda d: d["pages"][1]["widgets"][0].update(hint={"ja": "", "en": "A hint"}), "hint"),
    ],
)
def test_blank_japanese_text_is_an_error(change, field):
    (issue,) = [i for i in lint(spec(change)) if i.level == "error"]
    assert issue.code == "blank-text" and issue.params["field"] == field


def test_an_optional_text_left_wholly_empty_is_no_issue():
    assert lint(spec(lambda d: d["pages"][1]["widgets"][0].update(hint={"ja": ""}))) == []


def test_an_unsafe_link_in_a_paragraph_is_an_error():
    app = spec(lambda d: d["pages"][0]["widgets"][0].update(text={"ja": "[ここ](javascript:alert(1))", "en": "[here](https://x.jp/)"}))
    (issue,) = lint(app)
    assert (issue.code, issue.params["url"]) == ("unsafe-link", "javascript:alert(1)")


def test_the_city_policy_fields_are_errors_until_given():
    assert codes(spec(contact={}), "error") == [("no-contact-phone", None, None)]
    assert codes(spec(lifecycle={"no_end": True}), "error") == [("no-retention", None, None)]
    assert codes(spec(lifecycle={"retention_days": 30}), "error") == [("no-end-date", None, None)]
    assert codes(spec(lifecycle={"retention_days": 30, "end_date": "2027-03-31"})) == []



def test_a_consultation_needs_a_required_phone_question_that_every_resident_is_asked():
    # Residents read the reply with the reference number and the last four digits of that phone number.
    def with_phone(**extra):
        return lambda d: d["pages"].append({"widgets": [q("phone", "phone", **extra)]})

    missing = [("consultation-without-phone", None, None)]
    assert codes(spec(kind="consultation"), "error") == missing
    assert codes(spec(with_phone(required=False), kind="consultation"), "error") == missing
    assert codes(spec(with_phone(show_if={"key": "visited", "value": "yes"}), kind="consultation"), "error") == missing
    assert lint(spec(with_phone(), kind="consultation")) == []
    assert lint(spec()) == []  # a form need not ask for one
    (issue,) = lint(spec(kind="consultation"))
    assert issue.message == ("A consultation needs a required phone number question: "
                             "residents give its last four digits to read the reply")

def test_more_than_one_question_on_a_page_is_a_warning():
    app = spec(lambda d: d["pages"][2]["widgets"].append(q("town")))
    (issue,) = lint(app)
    assert (issue.level, issue.code, issue.page, issue.key, issue.params["count"]) == ("warning", "several-questions", 2, "town", 2)


def test_a_long_sentence_is_a_warning_but_a_long_text_of_short_sentences_is_not():
    short_sentences = "申込は無料です。" * 20
    assert lint(spec(lambda d: d["pages"][0]["widgets"][0]["text"].update(ja=short_sentences))) == []
    long_one = "この申込は、" + "市内に住んでいる方と市内の会社や学校に通っている方が、" * 3 + "使えます。"
    (issue,) = lint(spec(lambda d: d["pages"][0]["widgets"][0]["text"].update(ja=long_one)))
    assert (issue.level, issue.code, issue.params["length"]) == ("warning", "long-sentence", len(long_one) - 1)


def test_markup_does_not_count_towards_a_sentence():
    url = "https://www.city.date.hokkaido.jp/" + "a" * 80
    assert lint(spec(lambda d: d["pages"][0]["widgets"][0].update(text={"ja": f"[市のページ]({url})を見てください。", "en": "x"}))) == []


def test_a_dropdown_of_fewer_than_8_options_is_a_warning():
    def change(d, n):
        d["pages"][1]["widgets"] = [q("visited", "dropdown", options=[{"value": f"o{i}", "label": {"ja": f"{i}", "en": f"{i}"}}
                                                                      for i in range(n)])]
        d["pages"][2]["widgets"][0]["show_if"]["value"] = "o1"
    assert codes(spec(lambda d: change(d, 7))) == [("short-dropdown", 1, 0)]
    assert lint(spec(lambda d: change(d, 8))) == []


def test_a_language_with_missing_translations_is_a_warning_per_widget():
    def change(d):
        d["pages"][1]["widgets"][0]["label"] = {"ja": "行きましたか"}
        d["pages"][1]["widgets"][0]["options"][0]["label"] = "はい"
    (issue,) = lint(spec(change))
    assert (issue.level, issue.code, issue.page, issue.widget) == ("warning", "missing-translation", 1, 0)
    assert issue.params == {"lang": "en", "fields": "label, options[0].label"}
    assert lint(spec(change, languages=["ja"])) == []


def test_errors_come_before_warnings():
    def change(d):
        d["pages"][2]["widgets"].append(q("town"))
        d["pages"][1]["widgets"][0]["label"] = {"ja": ""}
    assert [i.level for i in lint(spec(change, contact={}))] == ["error", "error", "warning"]


def test_an_issue_reads_as_a_sentence():
    (issue,) = lint(spec(contact={}))
    assert str(issue) == "error: The app has no contact phone number: residents need one on every page"
