"""The resident's path over HTTP: start → every question → check → change → submit → confirmation,
and every way it can go wrong. Real SQLite file, real ASGI app, no mocks."""

from __future__ import annotations

import gzip
import re

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.live import LiveApps
from generated_apps.domain.refnum import parse_reference
from generated_apps.domain.submissions import Submissions
from generated_apps.web.asgi import create_app
from generated_apps.web.forms import MAX_BODY
from generated_apps.web.site import INLINE_CSS, style_hash
from tests.htmlpage import form_fields, parse
from widgets import AppSpec

POLICY = {"retention_days": 30, "no_end": True}  # what every published app must say


@pytest.fixture
def app_store(store, example_spec):
    spec = AppSpec.model_validate(example_spec)
    Apps(store).save_app(spec, by="tanaka")
    Lifecycle(store).publish(spec.slug, by="tanaka")
    return store


@pytest.fixture
def client(settings, app_store):
    with TestClient(create_app(settings, app_store), follow_redirects=False, raise_server_exceptions=False) as c:
        yield c


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.text[:500])
    return parse(response.text)


def post(client, url, data, status=303, with_csrf_from=None):
    page = get(client, with_csrf_from or url)
    fields = {"csrf": form_fields(page)["csrf"], **({"v": form_fields(page)["v"]} if "v" in form_fields(page) else {})}
    fields.update(data)
    response = client.post(url, data=fields)
    assert response.status_code == status, (url, response.status_code, response.text[:800])
    return response


def h1(page) -> str:
    headings = page.find_all("h1")
    assert len(headings) == 1, [h.text for h in headings]
    return headings[0].text


def test_a_resident_goes_from_start_to_a_reference_number(client, app_store):
    start = get(client, "/a/library-survey")
    assert h1(start) == "図書館アンケート"
    assert start.find("a", cls="button").attrs["href"] == "/a/library-survey/p/1"
    assert "mdg_draft_" not in str(client.cookies)  # a GET never makes a draft

    page = get(client, "/a/library-survey/p/1")
    assert "この1年に図書館を使いましたか" in h1(page) and "必須" in h1(page)
    assert page.find("title").text.startswith("この1年に図書館を使いましたか")
    response = post(client, "/a/library-survey/p/1", {"visited": "yes"})
    assert response.headers["location"] == "/a/library-survey/p/2"  # the follow-up, since the answer was yes

    post(client, "/a/library-survey/p/2", {"book": "坊っちゃん"})
    response = post(client, "/a/library-survey/p/3", {"town": "  大町  "})
    assert response.headers["location"] == "/a/library-survey/check"

    check = get(client, "/a/library-survey/check")
    answers = [(dt.text, dd.text)
               for dt, dd in zip(check.find_all("dt"), check.find_all("dd", cls="answer-value"), strict=True)]
    assert answers == [("この1年に図書館を使いましたか", "はい"), ("借りた本の題名", "坊っちゃん"),
                       ("お住まいの町名", "大町")]

    # Change an answer: the page comes back pre-filled, and then returns to the check page.
    change = [a.attrs["href"] for a in check.find_all("a", cls="change-link")]
    assert change == ["/a/library-survey/p/1?change=1", "/a/library-survey/p/2?change=1",
                      "/a/library-survey/p/3?change=1"]
    again = get(client, change[1])
    assert again.find("input", name="book").attrs["value"] == "坊っちゃん"
    assert again.find("a", cls="back").attrs["href"] == "/a/library-survey/check"
    response = post(client, change[1], {"book": "吾輩は猫である"})
    assert response.headers["location"] == "/a/library-survey/check"

    response = post(client, "/a/library-survey/submit", {}, with_csrf_from="/a/library-survey/check")
    assert response.headers["location"] == "/a/library-survey/done"
    done = get(client, "/a/library-survey/done")
    reference = done.find("p", cls="reference").text
    assert re.fullmatch(r"\d{4}-\d{4}", reference) and parse_reference(reference) == reference

    [submission] = Submissions(app_store).of_app(LiveApps(app_store).get("library-survey").app_id)
    assert submission.reference == reference
    assert submission.answers == {"visited": "yes", "book": "吾輩は猫である", "town": "大町"}


def test_a_hidden_follow_up_is_skipped_and_its_old_answer_not_sent(client, app_store):
    post(client, "/a/library-survey/p/1", {"visited": "yes"})
    post(client, "/a/library-survey/p/2", {"book": "坊っちゃん"})
    response = post(client, "/a/library-survey/p/1?change=1", {"visited": "no"})
    # Not complete yet: the next unanswered question, and from there straight back to the check page.
    assert response.headers["location"] == "/a/library-survey/p/3?change=1"
    response = post(client, "/a/library-survey/p/3?change=1", {"town": ""})
    assert response.headers["location"] == "/a/library-survey/check"
    check = get(client, "/a/library-survey/check")
    assert [dt.text for dt in check.find_all("dt")] == ["この1年に図書館を使いましたか", "お住まいの町名"]
    post(client, "/a/library-survey/submit", {}, with_csrf_from="/a/library-survey/check")
    [submission] = Submissions(app_store).of_app(LiveApps(app_store).get("library-survey").app_id)
    assert submission.answers == {"visited": "no", "town": None}


def test_submitting_twice_gives_one_submission_and_the_same_reference(client, app_store):
    post(client, "/a/library-survey/p/1", {"visited": "no"})
    post(client, "/a/library-survey/p/3", {"town": "大町"})
    page = get(client, "/a/library-survey/check")
    token = form_fields(page)["csrf"]
    first = client.post("/a/library-survey/submit", data={"csrf": token})
    second = client.post("/a/library-survey/submit", data={"csrf": token})  # a double click, or back and resubmit
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == "/a/library-survey/done"
    assert len(Submissions(app_store).of_app(LiveApps(app_store).get("library-survey").app_id)) == 1
    # After sending, the question pages lead to the confirmation rather than to a second submission.
    assert client.get("/a/library-survey/p/1").headers["location"] == "/a/library-survey/done"


def test_an_empty_answer_comes_back_with_the_error_pattern(client):
    response = post(client, "/a/library-survey/p/1", {}, status=422)
    page = parse(response.text)
    assert page.find("title").text.startswith("エラー:")
    summary = page.find("div", cls="error-summary")
    link = summary.find("a")
    assert link.attrs["href"] == "#f-visited" and "選んでください" in link.text
    assert page.find("p", cls="error-message").attrs["id"] == "visited-error"
    fieldset = page.find("fieldset")
    assert "visited-error" in fieldset.attrs["aria-describedby"]
    assert page.find("input", id="f-visited") is not None


def test_a_wrong_answer_keeps_what_was_typed_and_says_why_in_english(client):
    client.get("/lang/en?next=/a/library-survey")
    post(client, "/a/library-survey/p/1", {"visited": "yes"})
    long = "本" * 101
    response = post(client, "/a/library-survey/p/2", {"book": long}, status=422)
    page = parse(response.text)
    assert page.find("html").attrs["lang"] == "en"
    assert page.find("title").text.startswith("Error:")
    assert page.find("input", name="book").attrs["value"] == long
    assert "100" in page.find("p", cls="error-message").text
    assert page.find("input", name="book").attrs["aria-invalid"] == "true"


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'; DROP TABLE submission; --",
    "=HYPERLINK(\"http://evil\")", "\x00\x01\x1f", "🙂" * 50, "ｆｕｌｌ－ｗｉｄｔｈ　１２３",
])
def test_hostile_text_is_stored_as_text_and_shown_escaped(client, app_store, payload):
    post(client, "/a/library-survey/p/1", {"visited": "no"})
    post(client, "/a/library-survey/p/3", {"town": payload})
    response = client.get("/a/library-survey/check")
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text and "<img src=x" not in response.text
    app_id = LiveApps(app_store).get("library-survey").app_id
    stored = Drafts(app_store).get(client.cookies.get(f"mdg_draft_{app_id}"), app_id).answers["town"]
    assert stored is None or "\x00" not in stored
    if "ｆｕｌｌ" in payload:
        assert stored == "full-width 123"  # NFKC


def test_a_wrong_csrf_token_keeps_the_answers_and_asks_again(client):
    get(client, "/a/library-survey/p/1")
    response = client.post("/a/library-survey/p/1", data={"csrf": "forged", "visited": "yes"})
    assert response.status_code == 400
    page = parse(response.text)
    assert page.find("div", cls="notice") is not None
    assert page.find("input", name="visited", value="yes").attrs.get("checked") is not None
    assert "mdg_draft_" not in str(client.cookies)
    # The fresh token on that page works.
    response = client.post("/a/library-survey/p/1", data={"csrf": form_fields(page)["csrf"], "visited": "yes"})
    assert response.status_code == 303


def test_a_form_without_the_csrf_cookie_is_refused_politely(settings, app_store):
    with TestClient(create_app(settings, app_store), follow_redirects=False) as fresh:
        response = fresh.post("/a/library-survey/p/1", data={"visited": "yes", "csrf": "x"})
        assert response.status_code == 400 and "もう一度" in response.text


def test_a_tampered_or_expired_draft_cookie_sends_the_resident_to_the_start_with_a_message(client, app_store):
    post(client, "/a/library-survey/p/1", {"visited": "no"})
    app_id = LiveApps(app_store).get("library-survey").app_id
    client.cookies.clear()
    client.cookies.set(f"mdg_draft_{app_id}", "tampered" * 3)
    token = form_fields(get(client, "/a/library-survey/p/1"))["csrf"]
    response = client.post("/a/library-survey/p/3", data={"csrf": token, "town": "大町"})
    assert response.status_code == 303 and response.headers["location"] == "/a/library-survey?expired=1"
    page = get(client, response.headers["location"])
    assert "見つかりません" in page.find("div", cls="notice").text


def test_unknown_fields_are_ignored(client, app_store):
    post(client, "/a/library-survey/p/1", {"visited": "yes", "unknown": "x", "zzz": "<b>"})
    app_id = LiveApps(app_store).get("library-survey").app_id
    assert Drafts(app_store).get(client.cookies.get(f"mdg_draft_{app_id}"), app_id).answers == {"visited": "yes"}


def test_a_field_sent_twice_is_refused_with_a_message_not_guessed(client):
    response = post(client, "/a/library-survey/p/1", {"visited": ["yes", "no"]}, status=422)
    assert parse(response.text).find("p", cls="error-message") is not None


def test_a_honeypot_filled_in_by_a_bot_stores_nothing(client, app_store):
    post(client, "/a/library-survey/p/1", {"visited": "yes", "hp-website": "http://spam"})
    assert "mdg_draft_" not in str(client.cookies)


def test_pages_that_do_not_exist_get_the_friendly_404(client):
    for url in ["/a/nothing-here", "/a/library-survey/p/99", "/a/library-survey/p/0", "/a/" + "x" * 300,
                "/a/..%2F..%2Fetc%2Fpasswd", "/no/such/page"]:
        response = client.get(url)
        assert response.status_code == 404, url
        page = parse(response.text)
        assert "ページが見つかりません" in h1(page)
        assert page.find("a", href="tel:0142233331") is not None


def test_a_post_to_a_page_that_does_not_exist(client):
    get(client, "/a/library-survey/p/1")
    assert client.post("/a/library-survey/p/42", data={"visited": "yes"}).status_code == 404
    assert client.post("/a/nothing/p/1", data={}).status_code == 404
    assert client.post("/a/library-survey/check", data={}).status_code in (404, 405)


def test_skipping_ahead_is_sent_back_to_the_first_unanswered_question(client):
    response = client.get("/a/library-survey/p/3")
    assert response.status_code == 303 and response.headers["location"] == "/a/library-survey/p/1"
    assert client.get("/a/library-survey/check").headers["location"] == "/a/library-survey"


def test_oversized_and_malformed_bodies_get_a_friendly_page(client):
    get(client, "/a/library-survey/p/1")
    response = client.post("/a/library-survey/p/1", content=b"visited=" + b"a" * (MAX_BODY + 10),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and "長すぎ" in response.text
    response = client.post("/a/library-survey/p/1", content=b"\xff\xfe\xfd=\xc3\x28",
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code in (400, 422)
    response = client.post("/a/library-survey/p/1", content=b'{"visited": "yes"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 415


def test_a_retired_app_shows_the_ended_page_with_the_phone_number_on_every_url(client, app_store):
    Lifecycle(app_store).retire("library-survey", by="admin", message="この調査は終了しました。")
    for url in ["/a/library-survey", "/a/library-survey/p/1", "/a/library-survey/check", "/a/library-survey/done"]:
        response = client.get(url)
        assert response.status_code == 410, url
        page = parse(response.text)
        assert "終了" in h1(page)
        assert page.find("a", href="tel:0142233331") is not None


def test_every_page_has_the_help_block_a_back_link_and_the_language_switch(client):
    post(client, "/a/library-survey/p/1", {"visited": "no"})
    for url in ["/a/library-survey", "/a/library-survey/p/1", "/a/library-survey/p/3"]:
        page = get(client, url)
        assert page.find("aside", cls="help").find("a", href="tel:0142233331") is not None
        assert page.find("a", cls="back") is not None
        assert page.find("a", hreflang="en").attrs["href"].startswith("/lang/en?next=")


def test_the_language_switch_only_goes_back_to_this_site(client):
    for target in ["https://evil.example/", "//evil.example/", "/\\evil", "javascript:alert(1)"]:
        response = client.get("/lang/en", params={"next": target})
        assert response.status_code == 303 and response.headers["location"] == "/"
    response = client.get("/lang/en", params={"next": "/a/library-survey"})
    assert response.headers["location"] == "/a/library-survey"
    assert h1(get(client, "/a/library-survey")) == "Library survey"


def test_the_stylesheet_is_small_and_cached(client):
    page = get(client, "/a/library-survey")
    href = page.find("link", rel="stylesheet").attrs["href"]
    response = client.get(href)
    assert response.status_code == 200 and "immutable" in response.headers["cache-control"]
    # What crosses an old phone's slow network is the gzipped file; what it parses, the whole one.
    assert response.headers.get("content-encoding") == "gzip"
    assert len(gzip.compress(response.content, mtime=0)) < 5_000 and len(response.content) < 16_000


def test_the_portal_lists_live_apps(client):
    page = get(client, "/")
    assert [a.attrs["href"] for a in page.find_all("a", cls="app-link")] == ["/a/library-survey"]


def test_an_error_in_one_part_of_a_date_links_to_that_part(settings, store):
    spec = AppSpec.model_validate({
        "slug": "birthday", "title": "誕生日", "languages": ["ja"], "contact": {"phone": "0142-23-3331"},
        "lifecycle": POLICY,
        "pages": [{"widgets": [{"type": "date", "key": "born", "label": "生年月日", "purpose": "birth",
                                "min_date": "1900-01-01"}]}],
    })
    Apps(store).save_app(spec, by="test")
    Lifecycle(store).publish("birthday", by="test", warnings_acknowledged=True)
    with TestClient(create_app(settings, store), follow_redirects=False) as client:
        token = form_fields(get(client, "/a/birthday/p/1"))["csrf"]
        data = {"csrf": token, "born-era": "showa", "born-year": "25", "born-month": "13", "born-day": "4"}
        page = parse(client.post("/a/birthday/p/1", data=data).text)
        assert page.find("div", cls="error-summary").find("a").attrs["href"] == "#f-born-month"
        assert page.find("input", name="born-year").attrs["value"] == "25"  # the rest is kept
        data.update({"born-era": "western", "born-year": "1899", "born-month": "12"})
        message = parse(client.post("/a/birthday/p/1", data=data).text).find("p", cls="error-message").text
        assert "（1900年）1月1日以降" in message  # a readable date, not 1900-01-01
        data.update({"born-era": "showa", "born-year": "64", "born-month": "1", "born-day": "7"})
        assert client.post("/a/birthday/p/1", data=data).status_code == 303
        check = parse(client.get("/a/birthday/check").text)
        assert check.find("dd", cls="answer-value").text == "昭和64年（1989年）1月7日"


def test_a_new_version_is_served_at_once_and_each_browser_gets_its_own_token(settings, app_store, example_spec):
    app = create_app(settings, app_store)
    with TestClient(app, follow_redirects=False) as first, TestClient(app, follow_redirects=False) as second:
        page = get(first, "/a/library-survey/p/1")
        assert "この1年に図書館を使いましたか" in h1(page)
        token_first = form_fields(page)["csrf"]
        token_second = form_fields(get(second, "/a/library-survey/p/1"))["csrf"]
        assert token_first != token_second  # the page is shared, the token is not
        assert form_fields(get(first, "/a/library-survey/p/1"))["csrf"] == token_first
        post(second, "/a/library-survey/p/1", {"visited": "no"})  # the second resident starts on version 1
        first_version = LiveApps(app_store).get("library-survey").version_id
        example_spec["pages"][0]["widgets"][1]["label"]["ja"] = "この1年に市立図書館を使いましたか"
        example_spec["pages"][2]["widgets"][0]["label"]["ja"] = "お住まいの地区"
        Apps(app_store).save_app(AppSpec.model_validate(example_spec), by="sato")
        Lifecycle(app_store).publish("library-survey", by="sato")
        assert "市立図書館" in h1(get(first, "/a/library-survey/p/1"))
        # A resident who started on version 1 stays on it to the end, and so does their submission.
        assert "お住まいの町名" in h1(get(second, "/a/library-survey/p/3"))
        post(second, "/a/library-survey/p/3", {"town": "大町"})
        post(second, "/a/library-survey/submit", {}, with_csrf_from="/a/library-survey/check")
        [submission] = Submissions(app_store).of_app(LiveApps(app_store).get("library-survey").app_id)
        assert submission.version_id == first_version != LiveApps(app_store).get("library-survey").version_id


def test_after_sending_a_resident_can_start_the_form_again_blank(client, app_store):
    post(client, "/a/library-survey/p/1", {"visited": "no"})
    post(client, "/a/library-survey/p/3", {"town": "大町"})
    post(client, "/a/library-survey/submit", {}, with_csrf_from="/a/library-survey/check")
    response = post(client, "/a/library-survey/restart", {}, with_csrf_from="/a/library-survey/done")
    assert response.headers["location"] == "/a/library-survey"
    page = get(client, "/a/library-survey/p/1")
    assert page.find("input", name="visited", value="no").attrs.get("checked") is None
    post(client, "/a/library-survey/p/1", {"visited": "yes"})
    assert len(Submissions(app_store).of_app(LiveApps(app_store).get("library-survey").app_id)) == 1


def test_a_notice_has_no_form_to_send(settings, store):
    spec = AppSpec.model_validate({"slug": "water", "kind": "notice", "title": "断水のお知らせ", "languages": ["ja"],
                                   "contact": {"phone": "0142-23-3331"}, "lifecycle": POLICY,
                                   "pages": [{"widgets": [{"type": "paragraph", "text": "12月1日に断水します。"}]}]})
    Apps(store).save_app(spec, by="test")
    Lifecycle(store).publish("water", by="test", warnings_acknowledged=True)
    with TestClient(create_app(settings, store), follow_redirects=False) as client:
        assert "12月1日に断水します。" in client.get("/a/water").text
        for url in ["/a/water/p/1", "/a/water/check"]:
            assert client.get(url).headers["location"] == "/a/water"
        assert client.post("/a/water/submit", data={}).headers["location"] == "/a/water"
    assert Submissions(store).of_app(LiveApps(store).get("water").app_id) == []


def test_after_retirement_a_resident_still_sees_their_reference_number(client, app_store):
    post(client, "/a/library-survey/p/1", {"visited": "no"})
    post(client, "/a/library-survey/p/3", {"town": "大町"})
    post(client, "/a/library-survey/submit", {}, with_csrf_from="/a/library-survey/check")
    reference = get(client, "/a/library-survey/done").find("p", cls="reference").text
    Lifecycle(app_store).retire("library-survey", by="admin")
    assert get(client, "/a/library-survey/done").find("p", cls="reference").text == reference
    client.cookies.clear()
    assert client.get("/a/library-survey/done").status_code == 410


def test_strange_slugs_cookies_and_access_points_are_turned_away_quietly(client, app_store):
    for url in ["/a/ab%00c", "/a/Library-Survey", "/a/-x-", "/a/library-survey%0d%0aSet-Cookie:x=1"]:
        assert client.get(url).status_code == 404, url
    app_id = LiveApps(app_store).get("library-survey").app_id
    client.cookies.set(f"mdg_draft_{app_id}", "a\x00b")
    assert client.get("/a/library-survey/p/1").status_code == 200
    client.cookies.clear()
    page = get(client, "/a/library-survey?via=<script>x</script>")
    assert page.find("a", cls="button").attrs["href"] == "/a/library-survey/p/1"
    page = get(client, "/a/library-survey?via=HK7M2Q")
    assert page.find("a", cls="button").attrs["href"] == "/a/library-survey/p/1?via=HK7M2Q"


def test_resident_pages_are_never_cached_framed_or_able_to_run_anything_but_our_own_files(client):
    for url in ["/", "/a/library-survey", "/a/library-survey/p/1", "/a/nothing"]:
        headers = client.get(url).headers
        assert headers["cache-control"] == "no-store"
        policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
        assert policy == {"default-src": "'none'", "script-src": "'self'",
                          "style-src": f"'self' {style_hash(INLINE_CSS)}",
                          "img-src": "'self' https:", "form-action": "'self'", "base-uri": "'none'",
                          "frame-ancestors": "'none'"}
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_a_wrong_reading_marks_only_the_reading_field(settings, store):
    spec = AppSpec.model_validate({"slug": "names", "title": "お名前", "languages": ["ja"],
                                   "contact": {"phone": "0142-23-3331"}, "lifecycle": POLICY, "pages": [
        {"widgets": [{"type": "name", "key": "applicant", "label": "お名前", "reading": "required"}]}]})
    Apps(store).save_app(spec, by="test")
    Lifecycle(store).publish("names", by="test", warnings_acknowledged=True)
    with TestClient(create_app(settings, store), follow_redirects=False) as client:
        token = form_fields(get(client, "/a/names/p/1"))["csrf"]
        response = client.post("/a/names/p/1",
                               data={"csrf": token, "applicant": "伊達 花子", "applicant-reading": "date"})
        page = parse(response.text)
        assert response.status_code == 422
        assert page.find("input", name="applicant-reading").attrs.get("aria-invalid") == "true"
        assert "aria-invalid" not in page.find("input", name="applicant").attrs
        assert page.find("input", name="applicant").attrs["value"] == "伊達 花子"
        link = page.find("div", cls="error-summary").find("a").attrs["href"]
        assert link == "#" + page.find("input", name="applicant-reading").attrs["id"]


def test_a_client_sending_a_great_many_forms_is_asked_politely_to_wait_and_loses_nothing(settings, app_store):
    from dataclasses import replace

    store = app_store
    app = create_app(replace(settings, post_limit=5), store)
    client = TestClient(app, follow_redirects=False, client=("198.51.100.7", 50000))
    token = form_fields(parse(client.get("/a/library-survey/p/1").text))["csrf"]
    for _ in range(5):
        assert client.post("/a/library-survey/p/1", data={"csrf": token, "visited": "yes"}).status_code == 303
    refused = client.post("/a/library-survey/p/1", data={"csrf": token, "visited": "no"})
    assert refused.status_code == 429 and refused.headers["retry-after"] == "600"
    assert "10分" in refused.text  # wait about ten minutes, in the resident's language
    again = get(client, "/a/library-survey/p/1")  # pages still open, with the answer given before the limit
    assert again.find("input", name="visited", value="yes").attrs.get("checked") is not None
    neighbour = TestClient(app, follow_redirects=False, client=("198.51.100.8", 50000))  # another address
    token = form_fields(parse(neighbour.get("/a/library-survey/p/1").text))["csrf"]
    assert neighbour.post("/a/library-survey/p/1", data={"csrf": token, "visited": "no"}).status_code == 303


def test_an_apps_colour_is_on_its_title_bar_and_the_policy_lets_only_that_rule_in(settings, store, example_spec):
    spec = AppSpec.model_validate({**example_spec, "colour": "#1D4F91"})
    Apps(store).save_app(spec, by="tanaka")
    Lifecycle(store).publish(spec.slug, by="tanaka")
    with TestClient(create_app(settings, store), follow_redirects=False) as client:
        client.get("/")  # past the first page, which carries the whole stylesheet inline as well
        for url in ["/a/library-survey", "/a/library-survey/p/1", "/a/library-survey/p/1"]:  # made, then cached
            response = client.get(url)
            styles = re.findall(r"<style>(.*?)</style>", response.text)
            assert styles == ["html:not(.contrast-high) .header{background:#1d4f91}"], url
            policy = response.headers["content-security-policy"]
            assert f"style-src 'self' {style_hash(INLINE_CSS)} {style_hash(styles[0])};" in policy, url
        portal = client.get("/")
        assert "<style>" not in portal.text and style_hash(INLINE_CSS) in portal.headers["content-security-policy"]
        assert "'sha256-" not in portal.headers["content-security-policy"].replace(style_hash(INLINE_CSS), "")
