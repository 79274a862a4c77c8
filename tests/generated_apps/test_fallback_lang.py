"""App text shown in another language than the page's (Japanese, where staff wrote no translation) says
its language, wherever it is shown: a screen reader then reads 末永町 with a Japanese voice, not a
Vietnamese one (issue 18, point 9). Options of a select, choices, hints, the check page's questions
and answers, the confirmation: over HTTP, the real ASGI app, a real SQLite file, the HTML parsed."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.web.asgi import create_app
from tests.generated_apps.test_resident_http import get, post
from tests.htmlpage import Element, parse
from widgets import AppSpec

# Written in Japanese, with a few English words and one Vietnamese choice: a Vietnamese page falls back
# to Japanese for nearly everything, an English one for a little.
SPEC = {
    "slug": "town-survey", "kind": "form",
    "title": {"ja": "まちのアンケート", "en": "Town survey"},
    "languages": ["ja"],
    "contact": {"phone": "0142-23-3331", "department": {"ja": "企画課"}},
    "lifecycle": {"retention_days": 365, "no_end": True},
    "pages": [
        {"widgets": [{"type": "dropdown", "key": "district", "label": {"ja": "お住まいの地区", "en": "District"},
                      "hint": {"ja": "一つ選んでください"},
                      "options": [{"value": "suenaga", "label": {"ja": "末永町", "en": "Suenaga-cho"}},
                                  {"value": "umemoto", "label": {"ja": "梅本町"}},
                                  {"value": "other", "label": {"ja": "その他", "vi": "Khác"}}]}]},
        {"widgets": [{"type": "single_choice", "key": "age", "label": "年代",
                      "options": [{"value": "young", "label": "19歳以下"}, {"value": "older", "label": "20歳以上"}]}]},
        {"widgets": [{"type": "multiple_choice", "key": "used", "label": "使ったもの",
                      "options": [{"value": "bus", "label": {"ja": "市民バス", "vi": "Xe buýt"}},
                                  {"value": "library", "label": "図書館"}]}]},
        {"widgets": [{"type": "rating", "key": "ease", "label": "使いやすさ",
                      "labels": ["とても使いにくい", "使いにくい", "ふつう", "使いやすい", "とても使いやすい"]}]},
        {"widgets": [{"type": "number", "key": "people", "label": "人数", "unit": "人"}]},
    ],
}
ANSWERS = [("/a/town-survey/p/1", {"district": "umemoto"}), ("/a/town-survey/p/2", {"age": "young"}),
           ("/a/town-survey/p/3", {"used": ["bus", "library"]}), ("/a/town-survey/p/4", {"ease": "4"}),
           ("/a/town-survey/p/5", {"people": "3"})]
KANA_OR_KANJI = re.compile(r"[\u3041-\u30ff\u3400-\u9fff]")
KANA = re.compile(r"[\u3041-\u30ff]")
# On a Chinese page kanji alone do not tell Japanese: the app's words in kanji only are looked for.
KANJI_ONLY = re.compile("末永町|梅本町|企画課|図書館|人数|年代")


@pytest.fixture
def client(settings, store):
    spec = AppSpec.model_validate(SPEC)
    Apps(store).save_app(spec, by="tanaka")
    Lifecycle(store).publish(spec.slug, by="tanaka", warnings_acknowledged=True)  # a dropdown of three
    with TestClient(create_app(settings, store), follow_redirects=False, raise_server_exceptions=False) as c:
        yield c


def in_language(client, lang: str) -> None:
    assert client.get(f"/lang/{lang}", params={"next": "/"}).status_code == 303


def language_of(element: Element) -> str:
    """The language a screen reader reads an element in: its own lang, or its nearest ancestor's."""
    node: Element | None = element
    while node is not None:
        if "lang" in node.attrs:
            return node.attrs["lang"]
        node = node.parent
    return ""


def is_japanese(text: str, page_lang: str) -> bool:
    if page_lang == "zh-Hans":
        return bool(KANA.search(text) or KANJI_ONLY.search(text))
    return bool(KANA_OR_KANJI.search(text))


def unmarked_japanese(page: Element) -> list[str]:
    """Japanese words in the page's body that are not inside an element marked lang="ja"."""
    body = page.find("body")
    found = []
    for element in [body, *body.iter()]:
        for child in element.children:
            if isinstance(child, str) and is_japanese(child, language_of(element)) \
                    and not language_of(element).startswith("ja"):
                found.append(f"<{element.tag} class={element.attrs.get('class', '')!r}>: {child.strip()!r}")
    return found


def answer_everything(client) -> None:
    for url, data in ANSWERS:
        post(client, url, data)


def test_a_japanese_option_of_a_select_on_a_vietnamese_page_says_it_is_japanese(client):
    in_language(client, "vi")
    select = get(client, "/a/town-survey/p/1").find("select", name="district")
    options = {o.attrs["value"]: o for o in select.find_all("option")}
    assert options["suenaga"].text == "末永町" and options["suenaga"].attrs.get("lang") == "ja"
    assert options["umemoto"].attrs.get("lang") == "ja"
    assert options["other"].text == "Khác" and "lang" not in options["other"].attrs  # written in Vietnamese
    assert "lang" not in options[""].attrs  # "Choose one" is our own words, in the page's language


def test_an_option_written_in_the_page_language_carries_no_lang_of_its_own(client):
    in_language(client, "en")
    options = {o.attrs["value"]: o
               for o in get(client, "/a/town-survey/p/1").find("select", name="district").find_all("option")}
    assert options["suenaga"].text == "Suenaga-cho" and "lang" not in options["suenaga"].attrs
    assert options["umemoto"].attrs.get("lang") == "ja"


def test_the_check_page_marks_each_japanese_answer_and_leaves_the_vietnamese_one(client):
    in_language(client, "vi")
    answer_everything(client)
    check = get(client, "/a/town-survey/check")
    answers = check.find_all("dd", cls="answer-value")
    district, age, used, ease, people = answers
    assert district.find("span", lang="ja").text == "梅本町"
    assert age.find("span", lang="ja").text == "19歳以下"
    # One choice written in Vietnamese, one falling back: only the Japanese one is marked.
    assert [s.text for s in used.find_all("span", lang="ja")] == ["図書館"] and "Xe buýt" in used.text
    assert ease.text.startswith("4") and ease.find("span", lang="ja").text == "使いやすい"
    assert people.text == "3 人" and people.find("span", lang="ja").text == "人"


def test_the_check_page_of_a_japanese_page_has_no_lang_of_its_own(client):
    answer_everything(client)
    check = get(client, "/a/town-survey/check")
    assert check.find("html").attrs["lang"] == "ja"
    assert [dd.find("span", lang="ja") for dd in check.find_all("dd", cls="answer-value")] == [None] * 5
    assert [dd.text for dd in check.find_all("dd", cls="answer-value")] == [
        "梅本町", "19歳以下", "市民バス、図書館", "4 使いやすい", "3人"]


@pytest.mark.parametrize("lang", ["vi", "zh-Hans", "ko", "en"])
def test_no_japanese_word_on_a_page_in_another_language_goes_unmarked(client, lang):
    in_language(client, lang)
    pages = {"start": get(client, "/a/town-survey")}
    for url, data in ANSWERS:
        pages[url] = get(client, url)
        post(client, url, data)
    pages["check"] = get(client, "/a/town-survey/check")
    post(client, "/a/town-survey/submit", {}, with_csrf_from="/a/town-survey/check")
    pages["done"] = get(client, "/a/town-survey/done")
    for name, page in pages.items():
        assert page.find("html").attrs["lang"] == lang
        assert unmarked_japanese(page) == [], name


def test_an_error_on_a_vietnamese_page_marks_the_japanese_question_it_names(client):
    in_language(client, "vi")
    response = post(client, "/a/town-survey/p/1", {"district": "nowhere"}, status=422)
    page = parse(response.text)
    assert unmarked_japanese(page) == []
    assert page.find("p", cls="error-message").find("span", lang="ja").text == "お住まいの地区"
