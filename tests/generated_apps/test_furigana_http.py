"""Furigana over HTTP: readings computed when an app is published and stored with the version, shown as
<ruby> to a resident who switches them on, and never a trace of the notation for one who does not.
Real SQLite file, real ASGI app; the dictionary is blocked to prove that pages never need it."""

from __future__ import annotations

import json
import re
import sys

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.models import AppVersion
from generated_apps.domain.store import Store
from generated_apps.web.asgi import create_app
from tests.htmlpage import form_fields, parse
from widgets import AppSpec, furigana

SPEC = {
    "slug": "gym", "kind": "form", "languages": ["ja"],  # English where written, else Japanese
    "title": {"ja": "体育館の予約", "en": "Booking the gym"},
    "description": {"ja": "｜長和町《ながわちょう》の体育館を使う方へ", "en": "For users of the gym"},
    "contact": {"phone": "0142-23-3331", "place": {"ja": "市役所の窓口", "en": "City hall counter"}},
    "lifecycle": {"retention_days": 30, "no_end": True},
    "what_next": {"ja": "受付の後に電話します", "en": "We will call you"},
    "pages": [
        {"widgets": [
            {"type": "paragraph",
             "text": {"ja": "**生年月日**と[住所](https://example.jp/)を書きます", "en": "Write it"}},
            {"type": "short_text", "key": "address", "label": {"ja": "ご住所", "en": "Your address"},
             "hint": {"ja": "伊達市《だてし》から書いてください"}},  # no English: falls back to Japanese
        ]},
        {"widgets": [
            {"type": "single_choice", "key": "room", "label": {"ja": "使う部屋", "en": "Room"},
             "options": [{"value": "hall", "label": {"ja": "体育館", "en": "Gym"}},
                         {"value": "room", "label": {"ja": "会議室", "en": "Meeting room"}}]},
        ]},
    ],
}
FIRST = "/a/gym/p/1"
NOTATION = re.compile("[《》｜]")


@pytest.fixture
def published(store):
    spec = AppSpec.model_validate(SPEC)
    Apps(store).save_app(spec, by="tanaka")
    Lifecycle(store).publish(spec.slug, by="tanaka")
    return store


def stored_readings(store: Store, number: int) -> dict[str, str]:
    """The readings column of version `number`, as the database holds it."""
    with store.engine.connect() as c:
        value = c.execute(text("SELECT readings FROM app_version WHERE number = :n"), {"n": number}).scalar_one()
    return value if isinstance(value, dict) else json.loads(value)


def fresh_store(settings) -> Store:
    """Another server on the same database (a resident-only replica): nothing in memory yet."""
    return Store.open(settings.database_url)


@pytest.fixture
def no_dictionary(monkeypatch):
    """SudachiPy cannot be imported, and no tokenizer or reading is left over in memory."""
    monkeypatch.setitem(sys.modules, "sudachipy", None)
    furigana._tokenizer.cache_clear()
    furigana.annotate.cache_clear()
    with pytest.raises(ImportError):
        furigana.annotate("新しい漢字")
    yield
    furigana._tokenizer.cache_clear()


def client_for(settings, store, furigana_on: bool | None = None, lang: str | None = None) -> TestClient:
    client = TestClient(create_app(settings, store), follow_redirects=False, raise_server_exceptions=True)
    if furigana_on is not None:
        client.get(f"/furigana/{'on' if furigana_on else 'off'}")
    if lang:
        client.get(f"/lang/{lang}")
    return client


def page_html(client, url: str = FIRST) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return response.text


def answer(client, url: str, **data: str) -> None:
    csrf = form_fields(parse(page_html(client, url)))["csrf"]
    assert client.post(url, data={"csrf": csrf, **data}).status_code == 303


def rubies(html: str) -> list[tuple[str, str]]:
    return re.findall(r"<ruby>([^<]*)<rp>（</rp><rt>([^<]*)</rt><rp>）</rp></ruby>", html)


def title(html: str) -> str:
    return parse(html).find("title").text


def visible_text(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return re.sub(r"<[^>]+>", "", body)


def test_publishing_stores_the_readings_with_the_version(published):
    readings = stored_readings(published, number=1)
    assert readings["ご住所"] == "ご｜住所《じゅうしょ》"
    assert readings["体育館の予約"] == "｜体育館《たいいくかん》の｜予約《よやく》"
    assert readings["｜長和町《ながわちょう》の体育館を使う方へ"].startswith(
        "｜長和町《ながわちょう》の｜体育館《たいいくかん》")
    assert "Booking the gym" not in readings  # only Japanese text


def test_a_page_with_furigana_on_has_ruby_from_the_stored_readings_without_the_dictionary(settings, published,
                                                                                           no_dictionary):
    with client_for(settings, fresh_store(settings), furigana_on=True) as client:
        html = page_html(client)
        assert 'class="furigana-on"' in html
        found = rubies(html)
        for pair in [("住所", "じゅうしょ"), ("伊達市", "だてし"), ("生年月日", "せいねんがっぴ"),
                     ("体育館", "たいいくかん"), ("予約", "よやく"), ("市役所", "しやくしょ"), ("窓口", "まどぐち")]:
            assert pair in found, pair
        assert "<strong><ruby>生年月日<rp>" in html  # inside formatted text too
        start = page_html(client, "/a/gym")
        assert ("長和町", "ながわちょう") in rubies(start)  # the reading staff wrote
        answer(client, FIRST, address="伊達市大手町1")
        assert ("部屋", "へや") in rubies(page_html(client, "/a/gym/p/2"))  # a page rendered afresh, not cached
        assert ("体育館", "たいいくかん") in rubies(page_html(client, "/"))  # the portal


def test_the_title_and_attributes_stay_plain_with_furigana_on(settings, published):
    with client_for(settings, published, furigana_on=True) as client:
        html = page_html(client)
        assert title(html) == "ご住所 – 体育館の予約"
        head = html.split("</head>")[0]
        assert "<ruby>" not in head and not NOTATION.search(head)
        for value in re.findall(r'="([^"]*)"', html):
            assert "<" not in value and not NOTATION.search(value), value


def test_with_furigana_off_there_is_neither_ruby_nor_notation(settings, published):
    with client_for(settings, published, furigana_on=False) as client:
        answer(client, FIRST, address="伊達市大手町1")
        for url in (FIRST, "/a/gym", "/a/gym/p/2", "/"):
            html = page_html(client, url)
            assert "<ruby>" not in html and "furigana-on" not in html, url
            assert not NOTATION.search(visible_text(html)), url
        assert "長和町の体育館を使う方へ" in page_html(client, "/a/gym")
        assert "伊達市から書いてください" in page_html(client)


def test_the_page_cache_keeps_each_residents_choice(settings, published):
    site = create_app(settings, published)
    with TestClient(site) as reading, TestClient(site) as plain_reader:
        reading.get("/furigana/on")
        plain_reader.get("/furigana/off")
        for _ in range(2):  # the second time from the cache
            assert rubies(page_html(reading))
            assert not rubies(page_html(plain_reader))
            assert not rubies(page_html(TestClient(site)))  # no choice yet: off


def test_japanese_shown_in_another_language_gets_ruby_too(settings, published):
    with client_for(settings, published, furigana_on=True, lang="en") as client:
        html = page_html(client)
        hint = parse(html).find("p", cls="hint")
        assert hint.attrs.get("lang") is None and '<span lang="ja"><ruby>伊達市<rp>' in html
        assert ("住所", "じゅうしょ") not in rubies(html)  # the English label has none


def test_the_check_and_confirmation_pages_read_with_furigana(settings, published):
    with client_for(settings, published, furigana_on=True) as client:
        answer(client, FIRST, address="伊達市大手町1")
        answer(client, "/a/gym/p/2", room="hall")
        check = page_html(client, "/a/gym/check")
        assert ("住所", "じゅうしょ") in rubies(check) and ("部屋", "へや") in rubies(check)
        assert "体育館</dd>" in check.replace("\n", "")  # an answer is what the resident chose, plain
        csrf = form_fields(parse(check))["csrf"]
        assert client.post("/a/gym/submit", data={"csrf": csrf}).status_code == 303
        done = page_html(client, "/a/gym/done")
        assert ("受付", "うけつけ") in rubies(done) and ("電話", "でんわ") in rubies(done)


def test_a_version_published_before_readings_were_kept_gets_them_when_first_loaded(settings, published):
    with published.engine.begin() as c:
        c.execute(text("UPDATE app_version SET readings = NULL"))
    replica = fresh_store(settings)
    with client_for(settings, replica, furigana_on=True) as client:
        assert ("住所", "じゅうしょ") in rubies(page_html(client))
    with replica.session() as s:
        assert s.get(AppVersion, 1).readings["ご住所"] == "ご｜住所《じゅうしょ》"


def test_a_rollback_is_published_with_readings(settings, published):
    spec = AppSpec.model_validate({**SPEC, "title": {"ja": "会議室の予約", "en": "Rooms"}})
    app = Apps(published).by_slug("gym")
    Apps(published).save_draft(app.id, spec, revision=app.revision, by="tanaka")
    Lifecycle(published).publish("gym", by="tanaka")
    Lifecycle(published).rollback(app.id, 1, by="tanaka")
    assert "体育館の予約" in stored_readings(published, number=3)


def test_export_headers_are_the_labels_without_their_readings(published):
    from generated_apps.domain.exports import columns

    spec = AppSpec.model_validate({**SPEC, "pages": [{"widgets": [
        {"type": "short_text", "key": "town", "label": {"ja": "お住まいの｜長和町《ながわちょう》の地区"}}]}]})
    app = Apps(published).by_slug("gym")
    Apps(published).save_draft(app.id, spec, revision=app.revision, by="tanaka")
    Lifecycle(published).publish("gym", by="tanaka")
    assert [c.label for c in columns(published, app.id) if c.answer] == ["お住まいの長和町の地区", "ご住所", "使う部屋"]


def test_the_interface_reads_with_furigana_too_and_stays_plain_where_no_markup_may_go(settings, published,
                                                                                      no_dictionary):
    with client_for(settings, fresh_store(settings), furigana_on=True) as client:
        html = page_html(client)
        found = rubies(html)
        for pair in [("次", "つぎ"), ("必須", "ひっす"), ("戻", "もど"), ("電話", "でんわ"), ("文字", "もじ")]:
            assert pair in found, pair  # 次へ, （必須）, 戻る, お電話ください, 文字の大きさ
        assert title(html) == "ご住所 – 体育館の予約"
        for value in re.findall(r'="([^"]*)"', html):  # aria-label="言語", data-read="読み上げる"…
            assert "<" not in value and not NOTATION.search(value), value
        assert 'aria-label="言語"' in html and 'data-read="読み上げる"' in html
        answer(client, FIRST, address="伊達市大手町1")
        answer(client, "/a/gym/p/2", room="hall")
        check = page_html(client, "/a/gym/check")
        assert ("確認", "かくにん") in rubies(check) and title(check).startswith("答えの確認")
        client.get("/lang/en")  # the interface in English: nothing to read; the Japanese content keeps its ruby
        english = page_html(client)
        assert ("次", "つぎ") not in rubies(english) and ("伊達市", "だてし") in rubies(english)


def test_an_error_title_and_a_dropdowns_options_stay_plain_with_furigana_on(settings, store):
    spec = {**SPEC, "slug": "born", "pages": [{"widgets": [
        {"type": "date", "key": "born", "label": {"ja": "生年月日"}, "purpose": "birth"},
        {"type": "dropdown", "key": "ward", "label": {"ja": "地区"},
         "options": [{"value": v, "label": {"ja": label}} for v, label in
                     [("a", "大手町"), ("b", "末永町"), ("c", "網代町"), ("d", "舟岡町"), ("e", "梅本町"),
                      ("f", "竹原町")]]}]}]}
    Apps(store).save_app(AppSpec.model_validate(spec), by="tanaka")
    Lifecycle(store).publish("born", by="tanaka", warnings_acknowledged=True)
    with client_for(settings, store, furigana_on=True) as client:
        first = page_html(client, "/a/born/p/1")
        csrf = form_fields(parse(first))["csrf"]
        sent = client.post("/a/born/p/1", data={"csrf": csrf, "born-era": "showa", "born-year": "99"})
        assert sent.status_code == 422
        for html in (first, sent.text):
            options = re.findall(r"<option[^>]*>(.*?)</option>", html, re.S)
            assert "選んでください" in options and "昭和" in options, options  # plain: no ruby in an <option>
            assert not any("<" in o or NOTATION.search(o) for o in options), options
        assert title(sent.text).startswith("エラー:") and "<" not in title(sent.text)
        assert ("入力", "にゅうりょく") in rubies(sent.text)  # the error summary's heading is read with ruby


def test_an_error_message_reads_with_furigana_as_the_page_around_it(settings, published):
    """The message is made with the page, so its own words and the question's label get ruby too."""
    with client_for(settings, published, furigana_on=True) as client:
        csrf = form_fields(parse(page_html(client)))["csrf"]
        sent = client.post(FIRST, data={"csrf": csrf, "address": ""})
        assert sent.status_code == 422
        message = re.search(r'<p class="error-message"[^>]*>(.*?)</p>', sent.text, re.S).group(1)
        assert ("住所", "じゅうしょ") in rubies(message) and ("入力", "にゅうりょく") in rubies(message), message
    with client_for(settings, published, furigana_on=False) as client:
        csrf = form_fields(parse(page_html(client)))["csrf"]
        sent = client.post(FIRST, data={"csrf": csrf, "address": ""})
        assert "「ご住所」を入力してください" in sent.text and "<ruby>" not in sent.text
