"""Furigana: automatic readings of municipal words, the Aozora Bunko notation staff use to correct them,
ruby markup that is safe and readable without ruby support, and the plain text residents read with
furigana off."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import AppSpec, furigana, lint
from widgets.furigana import Segment, annotate, plain, ruby, segments
from widgets.markup import plain_text, render
from widgets.text import LocalizedText, japanese_texts


def readings(text: str) -> list[tuple[str, str]]:
    """(kanji, reading) of each ruby in the automatically annotated text."""
    return [(s.text, s.reading) for s in segments(annotate(text)) if s.reading]


@pytest.mark.parametrize(("word", "reading"), [
    ("住所", "じゅうしょ"), ("氏名", "しめい"), ("予約", "よやく"), ("体育館", "たいいくかん"), ("伊達市", "だてし"),
    ("生年月日", "せいねんがっぴ"), ("市役所", "しやくしょ"), ("窓口", "まどぐち"), ("受付", "うけつけ"),
])
def test_common_municipal_words_are_read_as_residents_say_them(word, reading):
    assert readings(word) == [(word, reading)]


def test_okurigana_stay_outside_the_ruby():
    assert annotate("申し込み") == "｜申《もう》し｜込《こ》み"
    assert readings("ご住所をお書きください。") == [("住所", "じゅうしょ"), ("書", "か")]


def test_a_sentence_gets_a_reading_over_each_word_and_none_over_kana_numbers_or_letters():
    assert readings("伊達市役所の窓口で申し込みを受け付けます") == [
        ("伊達市", "だてし"), ("役所", "やくしょ"), ("窓口", "まどぐち"), ("申", "もう"), ("込", "こ"),
        ("受", "う"), ("付", "つ")]
    assert readings("2026年11月、ABC会議室で") == [("年", "ねん"), ("月", "がつ"), ("会議室", "かいぎしつ")]
    assert annotate("ひらがなとカタカナ、123 abc") == "ひらがなとカタカナ、123 abc"


@pytest.mark.parametrize("written", ["｜長和町《ながわちょう》の体育館", "|長和町《ながわちょう》の体育館",
                                     "長和町《ながわちょう》の体育館", "{長和町|ながわちょう}の体育館"])
def test_a_reading_staff_wrote_wins_over_the_dictionary(written):
    assert readings("長和町の体育館")[0] == ("長和町", "ながわまち")  # the dictionary's guess
    assert readings(written) == [("長和町", "ながわちょう"), ("体育館", "たいいくかん")]
    assert plain(written) == "長和町の体育館"


def test_the_implicit_form_covers_only_the_run_of_kanji_before_it():
    assert segments("お住まいは伊達市《だてし》です") == [
        Segment("お住まいは"), Segment("伊達市", "だてし"), Segment("です")]
    assert segments("｜お住まい《おすまい》") == [Segment("お住まい", "おすまい")]  # ｜ marks where it starts


def test_ruby_markup_has_rp_fallbacks_and_escapes_everything():
    assert ruby("｜伊達《だて》市") == "<ruby>伊達<rp>（</rp><rt>だて</rt><rp>）</rp></ruby>市"
    hostile = '<script>alert(1)</script>｜<img src=x onerror=alert(1)>《"><b>》&'
    html = str(ruby(hostile))
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert html == ('&lt;script&gt;alert(1)&lt;/script&gt;<ruby>&lt;img src=x onerror=alert(1)&gt;<rp>（</rp>'
                    '<rt>&#34;&gt;&lt;b&gt;</rt><rp>）</rp></ruby>&amp;')


def test_the_address_of_a_link_is_never_annotated():
    assert annotate("[地図](https://example.jp/施設)を見る") == "[｜地図《ちず》](https://example.jp/施設)を｜見《み》る"


def test_plain_text_drops_every_reading_and_keeps_every_kanji():
    assert plain("｜伊達市《だてし》の体育館《たいいくかん》で{予約|よやく}") == "伊達市の体育館で予約"
    assert plain(annotate("伊達市の体育館で申し込み")) == "伊達市の体育館で申し込み"
    assert plain_text("**｜重要《じゅうよう》**です\n- [地図《ちず》](https://x.jp/)") == "重要です\n地図"


def test_formatted_text_follows_the_residents_choice():
    text = "**体育館**の[予約《よやく》](https://x.jp/)"
    assert render(text) == '<p><strong>体育館</strong>の<a href="https://x.jp/">予約</a></p>'  # furigana off
    with furigana.on_page(furigana.readings([text]), shown=True):
        assert render(text) == ('<p><strong><ruby>体育館<rp>（</rp><rt>たいいくかん</rt><rp>）</rp></ruby></strong>の'
                                '<a href="https://x.jp/"><ruby>予約<rp>（</rp><rt>よやく</rt><rp>）</rp></ruby></a></p>')


def test_text_in_another_language_keeps_its_brackets():
    chinese = "请阅读《市报》"  # 《》 are title marks in Chinese, not a reading
    with furigana.on_page(furigana.readings(["市報を読む"]), shown=True):
        assert render(chinese) == "<p>请阅读《市报》</p>"
        assert render(chinese, lang="ja") == "<p><ruby>请阅读<rp>（</rp><rt>市报</rt><rp>）</rp></ruby></p>"
    assert LocalizedText({"ja": "伊達《だて》", "zh-Hans": chinese}).text("zh-Hans") == chinese
    assert LocalizedText({"ja": "伊達《だて》", "zh-Hans": chinese}).text("ja") == "伊達"


ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "a", "strong", "ruby", "rp", "rt"}


@given(st.text(alphabet=st.sampled_from(list("<>&\"'[]()*{}|｜《》-・1.\n :/abjs伊達市かなカ")), max_size=60))
def test_whatever_staff_write_only_our_own_tags_come_out_with_furigana_on(text):
    with furigana.on_page({}, shown=True):
        html = str(render(text, lang="ja"))
    assert set(re.findall(r"</?([a-z]+)", html)) <= ALLOWED_TAGS
    assert "<script" not in html and "javascript:" not in re.sub(r">[^<]*<", "><", html)


def spec_with(label: str, **more) -> AppSpec:
    return AppSpec.model_validate({
        "slug": "furigana", "title": "お知らせ", "languages": ["ja"],
        "contact": {"phone": "0142-23-3331"}, "lifecycle": {"retention_days": 30, "no_end": True},
        "pages": [{"widgets": [{"type": "short_text", "key": "q", "label": label}, *more.get("widgets", [])]}],
    })


@pytest.mark.parametrize(("label", "code"), [
    ("住所《じゅうしょ", "furigana-broken-notation"),
    ("ご住所《じゅうしょ》を《かく》", "furigana-broken-notation"),  # 《 after kana: no kanji to read
    ("窓口｜です", "furigana-broken-notation"),
    ("住所《jusho》", "furigana-reading-not-kana"),
    ("｜住所《住所》", "furigana-reading-not-kana"),
    ("住所《》", "furigana-empty-reading"),
])
def test_the_lint_refuses_notation_it_cannot_show(label, code):
    issues = [i for i in lint(spec_with(label)) if i.code.startswith("furigana")]
    assert [(i.level, i.code, i.page, i.widget, i.key) for i in issues] == [("error", code, 0, 0, "q")]
    assert "label" in issues[0].message  # the field is named


def test_the_lint_accepts_good_notation_in_hiragana_or_katakana():
    spec = spec_with("｜伊達市《だてし》の住所《ジュウショ》と{窓口|まどぐち}")
    assert not [i for i in lint(spec) if i.level == "error"]


def test_alternative_text_takes_no_readings():
    image = {"type": "image", "src": "https://example.jp/map.png", "alt": "体育館《たいいくかん》の地図"}
    assert [i.code for i in lint(spec_with("住所", widgets=[image])) if i.level == "error"] == ["reading-in-alt"]


def test_sentence_lengths_are_counted_without_the_readings():
    long_reading = "｜体育館《" + "た" * 70 + "》"
    assert not [i for i in lint(spec_with(long_reading)) if i.code == "long-sentence"]


def test_the_japanese_texts_of_an_app_are_what_gets_readings():
    spec = AppSpec.model_validate({
        "slug": "x", "title": {"ja": "体育館の予約", "en": "Gym", "ja-x-easy": "たいいくかん"},
        "languages": ["ja", "en", "ja-x-easy"],
        "pages": [{"widgets": [{"type": "single_choice", "key": "c", "label": "住所",
                                "options": [{"value": "a", "label": {"ja": "氏名", "zh-Hans": "姓名"}}]}]}],
    })
    assert japanese_texts(spec) == ["体育館の予約", "たいいくかん", "住所", "氏名"]
    assert furigana.readings(japanese_texts(spec)) == {
        "体育館の予約": "｜体育館《たいいくかん》の｜予約《よやく》", "住所": "｜住所《じゅうしょ》",
        "氏名": "｜氏名《しめい》"}
