"""The emergency banner: on every resident page from the moment it is set, with the time it was issued,
until cleared."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.banner import Banner
from generated_apps.domain.errors import Refused
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.web.asgi import create_app
from tests.htmlpage import parse
from widgets import AppSpec

MESSAGE = "有珠山で噴火警戒レベルが引き上げられました。避難所を確認してください。"


@pytest.fixture
def client(settings, store, example_spec):
    app = Apps(store).create(AppSpec.model_validate(example_spec), by="suzuki")
    Lifecycle(store).publish(app.slug, by="admin")
    retired = Apps(store).create(AppSpec.model_validate({**example_spec, "slug": "old-survey"}), by="suzuki")
    Lifecycle(store).publish(retired.slug, by="admin")
    Lifecycle(store).retire(retired.slug, by="admin")
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
    Banner(store).set(MESSAGE, "danger", by="kato", text_en="Mt Usu: the alert level is raised.")
    for url, status in PAGES:  # the question page was cached without a banner: it must not be served so
        banner = banner_of(client, url, status)
        assert banner is not None, url
        assert "banner--danger" in banner.attrs["class"]
        assert banner.find("h2").text == "緊急のお知らせ" and MESSAGE in banner.text
        assert "発表" in banner.find("p", cls="banner-issued").text
    client.get("/lang/en?next=/")
    english = banner_of(client, "/a/library-survey", 200)
    assert "Mt Usu: the alert level is raised." in english.text and english.find("h2").text == "Emergency notice"
    Banner(store).clear(by="kato")
    for url, status in PAGES:
        assert banner_of(client, url, status) is None


def test_a_new_banner_replaces_the_one_shown_and_each_step_is_audited(store):
    Banner(store).set("断水のお知らせ", "warning", by="kato")
    Banner(store).set(MESSAGE, "danger", by="tanaka")
    assert Banner(store).current().text == MESSAGE
    Banner(store).clear(by="kato")
    assert Banner(store).current() is None
    events = [(e.action, e.actor) for e in Audit(store).events()]
    assert events[-3:] == [("banner.set", "kato"), ("banner.set", "tanaka"), ("banner.clear", "kato")]
    with pytest.raises(Refused):
        Banner(store).clear(by="kato")


@pytest.mark.parametrize("text,level", [("", "danger"), ("   ", "info"), ("あ" * 301, "danger"), ("噴火", "red")])
def test_a_banner_needs_a_message_of_sensible_length_and_a_level(store, text, level):
    with pytest.raises(Refused):
        Banner(store).set(text, level, by="kato")
    assert Banner(store).current() is None


def test_the_banner_text_is_escaped(client, store):
    Banner(store).set('<script>alert("x")</script>', "info", by="kato")
    response = client.get("/")
    assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text
