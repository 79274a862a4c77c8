"""The diff between two versions of an app: what changes for residents if staff publish the draft."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

import pytest

from widgets import AppSpec
from widgets.diff import Change, diff_specs

TEMPLATES = Path(__file__).resolve().parents[2] / "builder" / "app_templates"


def q(key, kind="short_text", **extra):
    return {"type": kind, "key": key, "label": {"ja": f"質問{key}", "en": f"Question {key}"}} | extra


def para(ja, en="Text."):
    return {"type": "paragraph", "text": {"ja": ja, "en": en}}


YES_NO = [{"value": "yes", "label": {"ja": "はい", "en": "Yes"}},
          {"value": "no", "label": {"ja": "いいえ", "en": "No"}}]
BASE = {
    "slug": "diff",
    "title": {"ja": "申込", "en": "Application"},
    "contact": {"phone": "0142-23-3331"},
    "pages": [
        {"title": {"ja": "はじめに", "en": "Start"},
         "widgets": [para("はじめに。"), {"type": "heading", "text": "見出し"}]},
        {"widgets": [q("visited", "single_choice", options=YES_NO)]},
        {"widgets": [q("name"), para("お名前を書いてください。")]},
    ],
}


def spec(change=None):
    data = copy.deepcopy(BASE)
    if change:
        change(data)
    return AppSpec.model_validate(data)


def widget(kind, name, key, label, page, *properties, old_page=None):
    return Change(kind, "widget", name, key, label, page, old_page, tuple(properties))


def page(kind, label, index, *properties):
    return Change(kind, "page", "", None, label, index, None, tuple(properties))


def test_identical_specs_have_no_changes():
    assert diff_specs(spec(), spec()) == []


def test_with_nothing_published_every_page_is_added_and_nothing_else():
    assert diff_specs(None, spec()) == [page("added", "はじめに", 0), page("added", "", 1), page("added", "", 2)]


def test_a_changed_label_names_the_language_that_changed():
    def change(d):
        d["pages"][2]["widgets"][0]["label"]["ja"] = "お名前"
    assert diff_specs(spec(), spec(change)) == [widget("changed", "short_text", "name", "お名前", 2, "label.ja")]


def test_changed_properties_are_listed_sorted_and_by_path():
    def change(d):
        d["pages"][2]["widgets"][0].update(required=False, hint={"ja": "例：伊達太郎"},
                                           show_if={"key": "visited", "value": "yes"})
        d["pages"][2]["widgets"][0]["label"]["en"] = "Your name"
    (result,) = diff_specs(spec(), spec(change))
    assert result.properties == ("hint", "label.en", "required", "show_if")

    def condition(value):
        return spec(lambda d: d["pages"][2]["widgets"][0].update(show_if={"key": "visited", "value": value}))
    (result,) = diff_specs(condition("yes"), condition("no"))
    assert result.properties == ("show_if.value",)


def test_a_question_added_and_a_question_removed():
    added = spec(lambda d: d["pages"].insert(2, {"widgets": [q("age", "number")]}))
    assert diff_specs(spec(), added) == [page("added", "", 2), widget("added", "number", "age", "質問age", 2)]
    assert diff_specs(added, spec()) == [page("removed", "", 2),
                                         widget("removed", "number", "age", "質問age", 2)]

    beside = spec(lambda d: d["pages"][1]["widgets"].append(q("why")))
    assert diff_specs(spec(), beside) == [widget("added", "short_text", "why", "質問why", 1)]
    assert diff_specs(beside, spec()) == [widget("removed", "short_text", "why", "質問why", 1)]


def test_a_widget_moved_to_another_page_is_one_moved_change_with_its_changed_properties():
    def move(d):
        d["pages"][1]["widgets"].append(d["pages"][2]["widgets"].pop(0))
    assert diff_specs(spec(), spec(move)) == [widget("moved", "short_text", "name", "質問name", 1, old_page=2)]

    def move_and_change(d):
        move(d)
        d["pages"][1]["widgets"][1]["required"] = False
    assert diff_specs(spec(), spec(move_and_change)) == [
        widget("moved", "short_text", "name", "質問name", 1, "required", old_page=2)]


def test_order_within_a_page_is_not_a_change():
    assert diff_specs(spec(), spec(lambda d: d["pages"][0]["widgets"].reverse())) == []


def test_a_page_added_in_the_middle_reports_only_that_page_and_its_widgets():
    def insert(d):
        d["pages"].insert(1, {"title": "注意",
                              "widgets": [para("よく読んでください。"), {"type": "heading", "text": "注意"}]})
    assert diff_specs(spec(), spec(insert)) == [
        page("added", "注意", 1),
        widget("added", "paragraph", None, "よく読んでください。", 1),
        widget("added", "heading", None, "注意", 1),
    ]


def test_a_paragraph_inserted_early_does_not_change_the_later_paragraphs():
    def insert(d):
        d["pages"][0]["widgets"].insert(0, para("新しい段落。"))
    assert diff_specs(spec(), spec(insert)) == [widget("added", "paragraph", None, "新しい段落。", 0)]


def test_content_widgets_match_by_their_order_among_widgets_of_their_type():
    def reword(d):
        d["pages"][2]["widgets"][1]["text"]["ja"] = "お名前を、ふりがなと書いてください。"
        d["pages"][0]["widgets"][1]["text"] = "最初の見出し"
    assert diff_specs(spec(), spec(reword)) == [
        widget("changed", "heading", None, "最初の見出し", 0, "text.ja"),
        widget("changed", "paragraph", None, "お名前を、ふりがなと書いてください。", 2, "text.ja"),
    ]


def test_a_page_title_change_is_a_changed_page():
    def retitle(d):
        d["pages"][0]["title"]["en"] = "Before you start"
        d["pages"][1]["title"] = "ご来庁"
    assert diff_specs(spec(), spec(retitle)) == [page("changed", "はじめに", 0, "title.en"),
                                                 page("changed", "ご来庁", 1, "title")]


def test_a_page_whose_only_question_is_replaced_stays_the_same_page():
    def replace(d):
        d["pages"][1]["widgets"] = [q("came", "yes_no")]
    assert diff_specs(spec(), spec(replace)) == [
        widget("added", "yes_no", "came", "質問came", 1),
        widget("removed", "single_choice", "visited", "質問visited", 1),
    ]


def test_settings_come_first_with_the_paths_that_changed():
    def change(d):
        d["title"]["en"] = "Request"
        d["contact"]["phone"] = "0142-23-0000"
        d["description"] = "説明"
        d["pages"][2]["widgets"][0]["required"] = False
    assert diff_specs(spec(), spec(change)) == [
        Change("changed", "setting", "title", None, "", None, None, ("title.en",)),
        Change("changed", "setting", "description", None, "", None, None, ("description",)),
        Change("changed", "setting", "contact", None, "", None, None, ("contact.phone",)),
        widget("changed", "short_text", "name", "質問name", 2, "required"),
    ]
    assert diff_specs(spec(), spec(lambda d: d.update(languages=["ja"])))[0].properties == ("languages",)


@pytest.mark.parametrize("change", [
    lambda options: options.append({"value": "maybe", "label": "たぶん"}),
    lambda options: options.pop(),
    lambda options: options[1]["label"].update(ja="いいえ、ありません"),
    lambda options: options.reverse(),
], ids=["added", "removed", "relabelled", "reordered"])
def test_a_list_such_as_the_options_is_one_property_however_it_changed(change):
    (result,) = diff_specs(spec(), spec(lambda d: change(d["pages"][1]["widgets"][0]["options"])))
    assert (result.kind, result.key, result.properties) == ("changed", "visited", ("options",))


def test_a_new_type_under_the_same_key_is_a_changed_type():
    def retype(d):
        d["pages"][1]["widgets"][0] = q("visited", "yes_no")
    assert diff_specs(spec(), spec(retype)) == [
        widget("changed", "yes_no", "visited", "質問visited", 1, "options", "type")]


def test_removed_things_are_placed_where_their_old_page_was():
    def change(d):
        del d["pages"][1]
        d["pages"].append({"widgets": [q("age", "number")]})
        d["pages"][1]["widgets"].pop()
    assert diff_specs(spec(), spec(change)) == [
        page("removed", "", 1),
        widget("removed", "single_choice", "visited", "質問visited", 1),
        widget("removed", "paragraph", None, "お名前を書いてください。", 2),
        page("added", "", 2),
        widget("added", "number", "age", "質問age", 2),
    ]


def test_a_label_is_the_plain_japanese_text_cut_to_40_characters():
    text = "{除雪|じょせつ}は、**朝早く**から始まります。\n" + "あ" * 50
    (change,) = diff_specs(spec(), spec(lambda d: d["pages"][0]["widgets"].append(para(text))))
    assert change.label == "除雪は、朝早くから始まります。 " + "あ" * 24


def test_a_key_used_twice_in_a_draft_does_not_break_the_diff():
    twice = spec(lambda d: d["pages"].append({"widgets": [q("name")]}))
    assert diff_specs(spec(), twice) == [page("added", "", 3),
                                         widget("added", "short_text", "name", "質問name", 3)]


def test_the_shipped_templates_diff_against_each_other_and_themselves():
    apps = [AppSpec.model_validate(json.loads(path.read_text(encoding="utf-8")))
            for path in sorted(TEMPLATES.glob("*.json")) if path.name != "index.json"]
    assert len(apps) >= 2
    for app in apps:
        assert diff_specs(app, app) == []
        assert len(diff_specs(None, app)) == len(app.pages)
    for old, new in itertools.permutations(apps, 2):
        changes = diff_specs(old, new)
        assert changes == diff_specs(old, new)  # deterministic
        assert changes[0].what == "setting"
        keys = {c.key for c in changes if c.kind == "added" and c.key is not None}
        assert keys == {q.key for q in new.questions()} - {q.key for q in old.questions()}
