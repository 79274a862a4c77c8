"""The emergency banner: on every resident page from the moment it is set, with the time it was issued, until cleared."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.store import Refused
from generated_apps.web.asgi import create_app
from tests.htmlpage import parse
from widgets import AppSpec

MESSAGE = "有珠山で噴火警戒レベルが引き上げられました。避難所を確認してください。"


@pytest.fixture
def client(settings, store, example_spec):
    app = store.create_app(AppSpec.model_validate(example_spec), by="suzuki")
    store.publish(app.slug, by="admin")
    retired = store.create_app(AppSpec.model_validate({**example_spec, "slug": "old-survey"}), by="suzuki")
    store.publish(retired.slug, by="admin")
    store.retire(retired.slug, by="admin")
    with TestClient(create_app(settings, store), follow_redirects=False) as c:
        yield c


PAGES = [("/", 200), ("/a/library-survey", 200), ("/a/library-survey/p/1", 200), ("/a/old-survey", 410),
         ("/a/no-such-app", 404), ("/q/ZZZZZZ", 404)]


def banner_of(client, url, status):
    response = client.get(url)
    assert response.status_code == status, url
    return parse(response.text).find("section", cls="banner")


def test_a_banner_appears_on_every_resident_page_at_once_and_goes_when_cleared(client, store):
    for url, status in PAGES:
        assert banner_of(client, url, status) is None
    store.set_banner(MESSAGE, "danger", by="kato", text_en="Mt Usu: the alert level is raised.")
    for url, status in PAGES:  # the question page was cached without a banner: it must not be served so
        banner = banner_of(client, url, status)
        assert banner is not None, url
        assert "banner--danger" in banner.attrs["class"]
        assert banner.find("h2").text == "緊急のお知らせ" and MESSAGE in banner.text
        assert "発表" in banner.find("p", cls="banner-issued").text
    client.get("/lang/en?next=/")
    english = banner_of(client, "/a/library-survey", 200)
    assert "Mt Usu: the alert level is raised." in english.text and english.find("h2").text == "Emergency notice"
    store.clear_banner(by="kato")
    for url, status in PAGES:
        assert banner_of(client, url, status) is None


def test_a_new_banner_replaces_the_one_shown_and_each_step_is_audited(store):
    store.set_banner("断水のお知らせ", "warning", by="kato")
    store.set_banner(MESSAGE, "danger", by="tanaka")
    assert store.banner().text == MESSAGE
    store.clear_banner(by="kato")
    assert store.banner() is None
    events = [(e.action, e.actor) for e in store.audit_events()]
    assert events[-3:] == [("banner.set", "kato"), ("banner.set", "tanaka"), ("banner.clear", "kato")]
    with pytest.raises(Refused):
        store.clear_banner(by="kato")


@pytest.mark.parametrize("text,level", [("", "danger"), ("   ", "info"), ("あ" * 301, "danger"), ("噴火", "red")])
def test_a_banner_needs_a_message_of_sensible_length_and_a_level(store, text, level):
    with pytest.raises(Refused):
        store.set_banner(text, level, by="kato")
    assert store.banner() is None


def test_the_banner_text_is_escaped(client, store):
    store.set_banner('<script>alert("x")</script>', "info", by="kato")
    response = client.get("/")
    assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text
