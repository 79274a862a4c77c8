"""The city portal and notice apps: live apps grouped in plain words, pinned notices first, notices dated."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.web.asgi import create_app
from tests.htmlpage import parse
from widgets import AppSpec

from .test_lifecycle import HOUR, T0, Clock

NOTICE = {"kind": "notice",
          "pages": [{"widgets": [{"type": "paragraph", "text": {"ja": "12月1日は断水します。", "en": "x"}}]}]}


@pytest.fixture
def clock(store):
    store.clock = Clock(T0)
    return store.clock


@pytest.fixture
def client(settings, store, clock):
    with TestClient(create_app(settings, store), follow_redirects=False) as c:
        yield c


def add(store, example_spec, slug, title, **changes):
    spec = AppSpec.model_validate({**example_spec, "slug": slug, "title": {"ja": title, "en": title}, **changes})
    app = Apps(store).create(spec, by="suzuki")
    Lifecycle(store).publish(slug, by="admin", warnings_acknowledged=True)
    return app


def test_the_portal_groups_live_apps_with_pinned_notices_first(client, store, example_spec, clock):
    add(store, example_spec, "library-survey", "図書館アンケート")
    add(store, example_spec, "water", "断水のお知らせ", **NOTICE)
    clock.move(HOUR)
    add(store, example_spec, "usu", "有珠山の噴火について", pinned=True, **NOTICE)
    add(store, example_spec, "gym", "体育館の予約", kind="reservation")
    add(store, example_spec, "old", "終わったお知らせ", **NOTICE)
    Lifecycle(store).retire("old", by="admin")
    page = parse(client.get("/").text)
    groups = [(s.find("h2").text, [a.text for a in s.find_all("a", cls="app-link")])
              for s in page.find_all("section", cls="portal-group")]
    assert groups == [("大切なお知らせ", ["有珠山の噴火について"]), ("お知らせ", ["断水のお知らせ"]),
                      ("申し込み・回答・相談", ["図書館アンケート"]), ("施設の予約", ["体育館の予約"])]


def test_a_notice_says_when_it_was_posted_and_until_when_it_is_shown(client, store, example_spec, clock):
    add(store, example_spec, "water", "断水のお知らせ", **NOTICE)
    Lifecycle(store).retire("water", by="admin", at=T0 + 48 * HOUR)
    posted = parse(client.get("/a/water").text).find("p", cls="posted").text
    assert "2026年12月1日火曜日 9:00 掲載" in posted and "2026年12月3日木曜日 9:00まで掲載" in posted
    clock.move(48 * HOUR)
    assert client.get("/a/water").status_code == 410  # the period is over, with no job running
    assert parse(client.get("/").text).find("a", cls="app-link") is None


def test_an_empty_portal_says_so(client):
    assert "まだサービスがありません。" in parse(client.get("/").text).find("main").text


def test_a_form_has_no_posted_line(client, store, example_spec):
    add(store, example_spec, "library-survey", "図書館アンケート")
    assert parse(client.get("/a/library-survey").text).find("p", cls="posted") is None


def test_pinned_is_part_of_the_app_file_and_off_by_default(example_spec):
    assert AppSpec.model_validate(example_spec).pinned is False
    assert AppSpec.model_validate({**example_spec, "pinned": True}).pinned is True
