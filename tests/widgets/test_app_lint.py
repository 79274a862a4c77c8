"""The app lint: each error that blocks publishing, each warning, and the advice, found where it is."""

from __future__ import annotations

import copy

import pytest

import widgets
from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from widgets import AppSpec

CONTACT = {"phone": "0142-23-3331", "hours": {"ja": "平日 8:45〜17:30", "en": "Weekdays 8:45 to 17:30"}}


def q(key, kind="short_text", **extra):
    widget = {"type": kind, "key": key, "label": {"ja": f"質問{key}", "en": f"Question {key}"}}
    return widget | extra


YES_NO = [{"value": "yes", "label": {"ja": "はい", "en": "Yes"}},
          {"value": "no", "label": {"ja": "いいえ", "en": "No"}}]
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


def lint(app):
    """Errors and warnings. Advice, which never stops publishing, is tested on its own at the end."""
    return [i for i in widgets.lint(app) if i.level != "advice"]


def advice(app):
    return [i for i in widgets.lint(app) if i.level == "advice"]


def codes(app, level=None):
    return [(i.code, i.page, i.widget) for i in lint(app) if level is None or i.level == level]


def test_a_clean_app_has_no_issues():
    assert lint(spec()) == []


def test_a_data_key_used_twice_is_an_error_on_the_second():
    app = spec(lambda d: d["pages"].append({"widgets": [q("book")]}))
    (issue,) = lint(app)
    assert (issue.level, issue.code, issue.page, issue.widget, issue.key) == ("error", "duplicate-key", 3, 0, "book")
    assert issue.message == "The data name book is used twice (first on page 3)"


def test_the_checklist_calls_a_question_s_data_name_what_the_editor_labels_it():
    from widgets import Question

    field_title = Question.model_fields["key"].title  # the editor's label of the field
    app = spec(lambda d: d["pages"].append({"widgets": [q("book")]}))
    (issue,) = lint(app)
    assert field_title.lower() in issue.message.lower()


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
    assert (issue.level, issue.code, issue.params["value"], issue.params["key"]) == (
        "warning", "condition-value-not-an-option", "maybe", "visited")


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
    app = spec(lambda d: d["pages"][0]["widgets"].append(
        {"type": "image", "src": "https://www.city.date.hokkaido.jp/a.png", "alt": {"ja": " "}}))
    assert codes(app) == [("blank-alt", 0, 1)]


def test_an_image_stored_with_a_path_of_this_site_cannot_be_published_again_until_it_is_mended():
    """Images come from https addresses only (issue 18): an app stored earlier with a path still loads."""
    app = spec(lambda d: d["pages"][0]["widgets"].append(
        {"type": "image", "src": "/staff/signout", "alt": {"ja": "地図"}}))
    assert ("image-address", 0, 1) in codes(app)
    (issue,) = [i for i in lint(app) if i.code == "image-address"]
    assert issue.level == "error" and issue.message.startswith("An image address must begin with https://")


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
    assert (issue.level, issue.code, issue.page, issue.key, issue.params["count"]) == (
        "warning", "several-questions", 2, "town", 2)


def test_a_long_sentence_is_a_warning_but_a_long_text_of_short_sentences_is_not():
    short_sentences = "申込は無料です。" * 20
    assert lint(spec(lambda d: d["pages"][0]["widgets"][0]["text"].update(ja=short_sentences))) == []
    long_one = "この申込は、" + "市内に住んでいる方と市内の会社や学校に通っている方が、" * 3 + "使えます。"
    (issue,) = lint(spec(lambda d: d["pages"][0]["widgets"][0]["text"].update(ja=long_one)))
    assert (issue.level, issue.code, issue.params["length"]) == ("warning", "long-sentence", len(long_one) - 1)


def test_markup_does_not_count_towards_a_sentence():
    url = "https://www.city.date.hokkaido.jp/" + "a" * 80
    assert lint(spec(lambda d: d["pages"][0]["widgets"][0].update(
        text={"ja": f"[市のページ]({url})を見てください。", "en": "x"}))) == []


def test_a_dropdown_of_fewer_than_8_options_is_a_warning():
    def change(d, n):
        d["pages"][1]["widgets"] = [q("visited", "dropdown",
                                      options=[{"value": f"o{i}", "label": {"ja": f"{i}", "en": f"{i}"}}
                                               for i in range(n)])]
        d["pages"][2]["widgets"][0]["show_if"]["value"] = "o1"
    assert codes(spec(lambda d: change(d, 7))) == [("short-dropdown", 1, 0)]
    assert lint(spec(lambda d: change(d, 8))) == []


def test_a_text_missing_in_a_language_the_app_offers_is_an_error_per_widget_and_language():
    def change(d):
        d["pages"][1]["widgets"][0]["label"] = {"ja": "行きましたか"}
        d["pages"][1]["widgets"][0]["options"][0]["label"] = "はい"
    (issue,) = lint(spec(change))
    assert (issue.level, issue.code, issue.page, issue.widget) == ("error", "missing-translation", 1, 0)
    assert issue.params == {"lang": "en", "language": "English", "fields": "label, options[0].label"}
    assert issue.message == ("Text in English is missing: label, options[0].label. "
                             "Write it, or take English off the app's languages")
    assert lint(spec(change, languages=["ja"])) == []


def test_every_language_the_app_offers_is_asked_for_easy_japanese_too():
    app = spec(languages=["ja", "en", "ja-x-easy"])
    missing = [i for i in lint(app) if i.code == "missing-translation"]
    assert {i.params["language"] for i in missing} == {"やさしい日本語"}
    assert (missing[0].page, missing[0].params["fields"]) == (None, "title, contact.hours")  # the app's own texts first


def test_a_hint_in_japanese_only_is_missing_but_a_hint_left_out_is_not():
    assert lint(spec()) == []  # CLEAN has no hints at all
    app = spec(lambda d: d["pages"][1]["widgets"][0].update(hint={"ja": "一つ選んでください"}))
    assert [(i.code, i.params["fields"]) for i in lint(app)] == [("missing-translation", "hint")]


def test_an_image_needs_its_alternative_text_in_every_language_the_app_offers():
    # There is no 'decorative' image: every image a city puts on a form says something.
    image = {"type": "image", "src": "https://www.city.date.hokkaido.jp/map.png", "alt": {"ja": "本庁舎までの地図"}}
    app = spec(lambda d: d["pages"][0]["widgets"].append(image))
    assert [(i.level, i.code, i.params["fields"]) for i in lint(app)] == [("error", "missing-translation", "alt")]
    assert lint(spec(lambda d: d["pages"][0]["widgets"].append(image), languages=["ja"])) == []


def test_a_long_sentence_in_english_is_counted_in_words():
    long_one = "You can apply " + "if you live or work or study in the city " * 3 + "today."
    (issue,) = lint(spec(lambda d: d["pages"][0]["widgets"][0]["text"].update(en=long_one)))
    assert (issue.level, issue.code, issue.params["lang"], issue.params["limit"]) == (
        "warning", "long-sentence", "en", 25)
    assert issue.params["length"] == len(long_one.split()) and issue.params["start"] == "You can apply if you"
    assert lint(spec(lambda d: d["pages"][0]["widgets"][0]["text"].update(en="Short. " * 40))) == []


def test_a_long_sentence_is_one_warning_per_widget_naming_every_field():
    long_ja = "この質問は、" + "市内に住んでいる方と市内の会社や学校に通っている方が、" * 3 + "答えてください。"
    def change(d):
        d["pages"][1]["widgets"][0]["label"]["ja"] = long_ja
        d["pages"][1]["widgets"][0]["hint"] = {"ja": long_ja + "ね", "en": "A hint."}
    (issue,) = lint(spec(change))
    assert (issue.page, issue.widget, issue.key) == (1, 0, "visited")
    assert issue.params["fields"] == "label, hint" and issue.params["length"] == len(long_ja) - 1
    assert issue.message.startswith(f"A sentence of {len(long_ja) - 1} characters in label, hint is hard to read")


def test_a_long_sentence_in_a_language_the_app_does_not_offer_is_not_checked():
    long_en = "word " * 40
    assert lint(spec(lambda d: d["pages"][0]["widgets"][0]["text"].update(en=long_en), languages=["ja"])) == []


def test_errors_come_before_warnings():
    def change(d):
        d["pages"][2]["widgets"].append(q("town"))
        d["pages"][1]["widgets"][0]["label"] = {"ja": ""}
    assert [i.level for i in lint(spec(change, contact={}))] == ["error", "error", "warning"]


def test_an_issue_reads_as_a_sentence():
    (issue,) = lint(spec(contact={}))
    assert str(issue) == "error: The app has no contact phone number: residents need one on every page"


# --- advice: the Easy Japanese checklist, never counted against publishing --------------------------------

EASY = {"ja": "はじめに。", "en": "Hello.", "ja-x-easy": "はじめに よんで ください。"}


def easy(text):
    """The clean app with an Easy Japanese version, whose first paragraph says `text`."""
    def change(d):
        for t in (d["title"], d["contact"]["hours"], d["pages"][1]["widgets"][0]["label"]):
            t["ja-x-easy"] = "もうしこみ"
        for option in d["pages"][1]["widgets"][0]["options"]:
            option["label"]["ja-x-easy"] = option["label"]["ja"]
        d["pages"][2]["widgets"][0]["label"]["ja-x-easy"] = "ほん"
        d["pages"][0]["widgets"][0]["text"] = EASY | {"ja-x-easy": text}
    return spec(change, languages=["ja", "en", "ja-x-easy"])


def test_a_form_without_an_easy_japanese_version_is_advised_to_have_one():
    (line,) = advice(spec())
    assert (line.level, line.code, line.page) == ("advice", "suggest-easy-japanese", None)
    assert "Easy Japanese (やさしい日本語)" in line.message
    assert advice(spec(kind="notice", pages=[{"widgets": [{"type": "paragraph", "text": EASY}]}])) == []
    assert lint(easy(EASY["ja-x-easy"])) == [] and advice(easy(EASY["ja-x-easy"])) == []


@pytest.mark.parametrize(
    "text, rule, params",
    [
        ("この もうしこみは、まちに すんでいる ひとと まちで はたらく ひとが つかえます。", "easy-long-sentence",
         {"length": 35, "limit": 30}),  # the spaces between words do not count
        ("きょうは いけない ことは ない です。", "easy-double-negative", {"phrase": "ないことはない"}),
        ("かみを もって こなければ なりません。", "easy-double-negative", {"phrase": "なければなりません"}),
        ("オンラインで メールアドレスと パスワードを いれます。", "easy-loanwords",
         {"count": 3, "words": "オンライン、メールアドレス、パスワード"}),
        ("本庁舎窓口申請書類提出期限厳守です。", "easy-kanji", {"percent": 88, "limit": 40}),
    ],
)
def test_each_rule_of_the_easy_japanese_checklist_is_advice_with_a_hint(text, rule, params):
    (line,) = advice(easy(text))
    assert (line.level, line.code, line.page, line.widget) == ("advice", rule, 0, 0)
    assert params.items() <= line.params.items() and line.params["fields"] == "text"
    assert line.message.startswith("Easy Japanese, ")
    assert lint(easy(text)) == []  # neither an error nor a warning


def test_the_checklist_reads_only_the_easy_japanese_text():
    app = easy("ひとつ えらんで ください。")
    assert advice(app) == []
    heavy = "本庁舎窓口申請書類提出期限厳守です。"
    assert advice(spec(lambda d: d["pages"][0]["widgets"][0]["text"].update(ja=heavy), languages=["ja", "en"])) != []
    assert [i.code for i in advice(spec(lambda d: d["pages"][0]["widgets"][0]["text"].update(ja=heavy)))] == [
        "suggest-easy-japanese"]


def test_a_short_label_in_kanji_is_not_too_many_kanji():
    assert advice(easy("住所。氏名。")) == []


def test_advice_comes_after_errors_and_warnings():
    app = spec(lambda d: d["pages"][2]["widgets"].append(q("town")), contact={})
    assert [i.level for i in widgets.lint(app)] == ["error", "warning", "advice"]


def test_advice_never_stops_publishing(store):
    app = easy("オンラインで メールアドレスと パスワードを いれて、まちの ひとは もうしこみを して ください。")
    assert {i.level for i in widgets.lint(app)} == {"advice"}
    Apps(store).save_app(app, by="admin")
    version = Lifecycle(store).publish(app.slug, by="admin")  # nothing to acknowledge
    assert version.number == 1


# --- the retirement message (issue 17): a language the app offers but the message lacks is a warning -----


def test_a_retirement_message_missing_a_language_the_app_offers_is_a_polite_warning():
    from widgets import LocalizedText
    from widgets.lint import retire_message_issues

    offered = ["ja", "en", "ko"]
    issues = retire_message_issues({"ja": "終了しました", "en": " "}, offered)
    assert [(i.level, i.params["lang"], i.params["language"]) for i in issues] == [
        ("warning", "en", "English"), ("warning", "ko", "한국어")]
    assert "residents who read English will see it in Japanese" in issues[0].message
    [japanese] = retire_message_issues(LocalizedText({"ja": "", "en": "Ended"}), ["ja", "en"])
    assert japanese.params["lang"] == "ja" and "will not see it" in japanese.message
    assert retire_message_issues({"ja": "終了しました", "en": "Ended"}, ["ja", "en"]) == []
    assert retire_message_issues(None, offered) == retire_message_issues({"ja": ""}, offered) == []  # no message
