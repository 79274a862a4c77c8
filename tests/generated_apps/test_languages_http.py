"""The resident pages in five languages: the switch remembers the choice, each page says its language,
interface text comes from that language's catalog, app content falls back to Japanese marked lang="ja",
and dates on the check page are written the way that language writes them (Japanese eras only in Japanese)."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.i18n import LANG_NAMES, UI_LANGS, format_moment
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.web.asgi import create_app
from tests.generated_apps.test_resident_http import get, post
from tests.htmlpage import parse
from widgets import AppSpec
from widgets.slot_picker import day_label, slot_words

# Written in Japanese and Korean only: Chinese, Vietnamese and English pages fall back to Japanese.
SPEC = {
    "slug": "birth-consult",
    "kind": "form",
    "title": {"ja": "子育ての相談", "ko": "육아 상담"},
    "languages": ["ja", "ko"],
    "contact": {"phone": "0142-23-3331"},
    "lifecycle": {"retention_days": 365, "no_end": True},
    "pages": [
        {"widgets": [{"type": "date", "key": "birthday",
                      "label": {"ja": "お子さんの生年月日", "ko": "자녀의 생년월일"}}]},
        {"widgets": [{"type": "number", "key": "weight", "label": {"ja": "体重", "ko": "체중"},
                      "allow_decimal": True}]},
    ],
}

# What each language's page must show: a piece of its interface, and 4 March 1950 and 1234.5 as it writes them.
EXPECTED = {
    "ja": {"check": "答えの確認", "date": "昭和25年（1950年）3月4日", "number": "1,234.5"},
    "en": {"check": "Check your answers", "date": "4 March 1950 (Shōwa 25)", "number": "1,234.5"},
    "zh-Hans": {"check": "确认您的回答", "date": "1950年3月4日", "number": "1,234.5"},
    "ko": {"check": "답변 확인", "date": "1950년 3월 4일", "number": "1,234.5"},
    "vi": {"check": "Kiểm tra câu trả lời", "date": "4 tháng 3, 1950", "number": "1.234,5"},
}
NEW_LANGS = ("zh-Hans", "ko", "vi")


@pytest.fixture
def client(settings, store):
    spec = AppSpec.model_validate(SPEC)
    Apps(store).save_app(spec, by="tanaka")
    Lifecycle(store).publish(spec.slug, by="tanaka")
    with TestClient(create_app(settings, store), follow_redirects=False, raise_server_exceptions=False) as c:
        yield c


def choose(client, lang: str, next_url: str = "/a/birth-consult"):
    response = client.get(f"/lang/{lang}", params={"next": next_url})
    assert response.status_code == 303 and response.headers["location"] == next_url
    return response


def test_the_resident_pages_offer_five_languages_each_named_in_itself():
    assert UI_LANGS == ("ja", "en", "zh-Hans", "ko", "vi")
    assert LANG_NAMES == {"ja": "日本語", "en": "English", "zh-Hans": "简体中文", "ko": "한국어", "vi": "Tiếng Việt"}


def test_the_language_switch_lists_every_language_and_marks_the_current_one(client):
    page = get(client, "/a/birth-consult")
    links = {a.attrs["hreflang"]: a for a in page.find("nav", cls="languages").find_all("a")}
    assert sorted(links) == ["en", "ko", "vi", "zh-Hans"]
    for code, link in links.items():
        assert link.attrs["lang"] == code and link.text == LANG_NAMES[code]
        assert link.attrs["href"] == "/lang/" + code + "?next=/a/birth-consult"
    current = page.find("span", cls="language--current")
    assert current.attrs["aria-current"] == "true" and current.text == "日本語" and current.attrs["lang"] == "ja"


@pytest.mark.parametrize("lang", UI_LANGS)
def test_choosing_a_language_sets_the_cookie_and_the_pages_follow_it(client, lang):
    response = choose(client, lang)
    assert f"mdg_lang={lang};" in response.headers["set-cookie"]
    page = get(client, "/a/birth-consult")
    assert page.find("html").attrs["lang"] == lang
    assert page.find("span", cls="language--current").text == LANG_NAMES[lang]


def test_a_language_the_pages_do_not_have_is_not_remembered(client):
    response = client.get("/lang/fr", params={"next": "/a/birth-consult"})
    assert response.status_code == 303 and "set-cookie" not in response.headers
    client.cookies.set("mdg_lang", "fr")  # an old or forged cookie: the page is in Japanese
    assert get(client, "/a/birth-consult").find("html").attrs["lang"] == "ja"


@pytest.mark.parametrize("lang", NEW_LANGS)
def test_the_interface_is_in_the_chosen_language(client, lang):
    choose(client, lang)
    page = get(client, "/a/birth-consult/p/1")
    skip = {"zh-Hans": "跳到正文", "ko": "본문으로 건너뛰기", "vi": "Đến nội dung chính"}[lang]
    button = {"zh-Hans": "下一步", "ko": "다음", "vi": "Tiếp tục"}[lang]
    assert page.find("a", cls="skip-link").text == skip
    assert page.find("button", type="submit").text == button
    western = page.find("select", name="birthday-era").find("option").text
    assert western == {"zh-Hans": "公历", "ko": "서기", "vi": "Dương lịch"}[lang]  # the era select is translated too


@pytest.mark.parametrize("lang", ["zh-Hans", "vi", "en"])
def test_app_content_missing_in_the_language_falls_back_to_japanese_marked_as_japanese(client, lang):
    choose(client, lang)
    page = get(client, "/a/birth-consult/p/1")
    assert page.find("html").attrs["lang"] == lang
    service = page.find("p", cls="service-name")
    assert service.text == "子育ての相談" and service.find("span", lang="ja") is not None
    legend = page.find("legend")
    assert "お子さんの生年月日" in legend.find("span", lang="ja").text


def test_app_content_written_in_the_language_is_shown_without_a_lang_of_its_own(client):
    choose(client, "ko")
    page = get(client, "/a/birth-consult/p/1")
    service = page.find("p", cls="service-name")
    assert service.text == "육아 상담" and service.find("span") is None
    assert "자녀의 생년월일" in page.find("legend").text and page.find("legend").find("span", lang="ja") is None


@pytest.mark.parametrize("lang", UI_LANGS)
def test_the_check_page_writes_the_date_and_the_number_as_the_language_does(client, lang):
    choose(client, lang)
    post(client, "/a/birth-consult/p/1",
         {"birthday-era": "western", "birthday-year": "1950", "birthday-month": "3", "birthday-day": "4"})
    post(client, "/a/birth-consult/p/2", {"weight": "1234.5"})
    check = get(client, "/a/birth-consult/check")
    assert check.find("h1").text == EXPECTED[lang]["check"]
    answers = [dd.text for dd in check.find_all("dd", cls="answer-value")]
    assert answers == [EXPECTED[lang]["date"], EXPECTED[lang]["number"]]


REAL_DATE = {"zh-Hans": "请输入实际存在的日期", "ko": "실제로 있는 날짜로 입력해 주세요", "vi": "phải là ngày có thật"}


@pytest.mark.parametrize("lang", NEW_LANGS)
def test_an_error_is_in_the_chosen_language_and_keeps_what_was_typed(client, lang):
    choose(client, lang)
    response = post(client, "/a/birth-consult/p/1",
                    {"birthday-era": "western", "birthday-year": "1950", "birthday-month": "2", "birthday-day": "30"},
                    status=422)
    assert "&lt;span" not in response.text  # the marked label is markup, not escaped text
    page = parse(response.text)
    assert page.find("html").attrs["lang"] == lang
    message = page.find("p", cls="error-message")
    assert REAL_DATE[lang] in message.text
    if lang == "ko":  # the question's own Korean label
        assert "자녀의 생년월일" in message.text and message.find("span", lang="ja") is None
    else:  # the Japanese label inside a Chinese or Vietnamese sentence is marked as Japanese
        assert message.find("span", lang="ja").text == "お子さんの生年月日"
    assert page.find("input", name="birthday-day").attrs["value"] == "30"


@pytest.mark.parametrize("lang", NEW_LANGS)
def test_the_portal_and_the_not_found_page_are_in_the_chosen_language(client, lang):
    choose(client, lang, "/")
    portal = get(client, "/")
    assert portal.find("html").attrs["lang"] == lang
    assert portal.find("a", cls="skip-link").text != "本文へ移動"
    missing = get(client, "/a/no-such-app", status=404)
    assert missing.find("h1").text == {"zh-Hans": "找不到页面", "ko": "페이지를 찾을 수 없습니다",
                                       "vi": "Không tìm thấy trang"}[lang]


# The same words outside a page: a booked time, a day in the slot picker, a moment such as "posted".
@pytest.mark.parametrize(("lang", "when", "day"), [
    ("ja", "令和8年（2026年）12月5日（土）9:00〜10:30", "12月5日（土）"),
    ("en", "Saturday 5 December 2026 (Reiwa 8), 9:00 to 10:30", "Saturday 5 December"),
    ("zh-Hans", "2026年12月5日星期六 09:00–10:30", "12月5日周六"),
    ("ko", "2026년 12월 5일 토요일 09:00 ~ 10:30", "12월 5일 토요일"),
    ("vi", "Thứ Bảy, 5 tháng 12, 2026 09:00–10:30", "Thứ 7, 5 tháng 12"),
])
def test_a_booked_time_is_written_in_the_language_with_an_era_only_in_japanese(lang, when, day):
    assert slot_words(dt.datetime(2026, 12, 5, 9, 0), dt.datetime(2026, 12, 5, 10, 30), lang) == when
    assert day_label(dt.date(2026, 12, 5), lang) == day


def test_a_moment_is_written_by_babel_in_the_language_and_the_citys_time():
    moment = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)  # 9:00 in Japan
    assert format_moment(moment, "zh-Hans") == "2026年12月1日星期二 9:00"
    assert format_moment(moment, "ko") == "2026년 12월 1일 화요일 9:00"
    assert format_moment(moment, "vi") == "Thứ Ba, 1 tháng 12, 2026 9:00"
    assert format_moment(moment, "ja-x-easy") == format_moment(moment, "ja")  # Easy Japanese formats as Japanese
