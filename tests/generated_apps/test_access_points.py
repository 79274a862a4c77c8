"""Access points: /q/{code} counts the scan, leads to the app wherever it is now, and the submission says which code."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.access_points import ACCESS_ALPHABET, ACCESS_CODE_LENGTH, AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.errors import Refused
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.submissions import Submissions
from generated_apps.web.asgi import create_app
from tests.htmlpage import parse
from widgets import AppSpec

from .test_resident_http import get, h1, post


@pytest.fixture
def app(store, example_spec):
    created = Apps(store).create(AppSpec.model_validate(example_spec), by="suzuki")
    Lifecycle(store).publish(created.slug, by="admin")
    return created


@pytest.fixture
def client(settings, store):
    with TestClient(create_app(settings, store), follow_redirects=False) as c:
        yield c


def scans(store, app_id) -> dict[str, int]:
    return {s.point.label: s.scans for s in AccessPoints(store).of_app(app_id)}


def test_a_code_is_short_and_has_no_characters_to_mistake(store, app):
    codes = {AccessPoints(store).create(app.id, f"窓口{n}", by="suzuki").code for n in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert len(code) == ACCESS_CODE_LENGTH and set(code) <= set(ACCESS_ALPHABET)
        assert not set(code) & set("01OIL")


def test_scanning_counts_per_day_and_leads_to_the_app_with_the_code_noted(client, store, app):
    counter = AccessPoints(store).create(app.id, "本庁舎1階 市民課窓口", by="suzuki")
    response = client.get(f"/q/{counter.code}")
    assert response.status_code == 303 and response.headers["location"] == f"/a/library-survey?via={counter.code}"
    client.get(f"/q/{counter.code.lower()}")  # typed by hand in lower case
    assert scans(store, app.id) == {"本庁舎1階 市民課窓口": 2}
    [(point_id, day, count)] = AccessPoints(store).scans_per_day(app.id, dt.date(2026, 1, 1))
    assert (point_id, count) == (counter.id, 2) and day == dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()


def test_a_submission_records_the_access_point_it_came_through(client, store, app):
    poster = AccessPoints(store).create(app.id, "広報だて 11月号", by="suzuki")
    start = client.get(client.get(f"/q/{poster.code}").headers["location"])
    first = parse(start.text).find("a", cls="button").attrs["href"]
    assert first == f"/a/library-survey/p/1?via={poster.code}"
    post(client, "/a/library-survey/p/1", {"visited": "no", "via": poster.code}, with_csrf_from=first)
    post(client, "/a/library-survey/p/3", {"town": "大町"})
    post(client, "/a/library-survey/submit", {}, with_csrf_from="/a/library-survey/check")
    [sent] = Submissions(store).of_app(app.id)
    assert sent.access_point == poster.code
    assert {s.point.code: s.submissions for s in AccessPoints(store).of_app(app.id)} == {poster.code: 1}


def test_a_made_up_access_point_is_not_recorded(client, store, app):
    other = Apps(store).create(AppSpec.model_validate({**app.draft_spec, "slug": "other-survey"}), by="suzuki")
    elsewhere = AccessPoints(store).create(other.id, "別のアプリの窓口", by="suzuki")
    for via in ("ZZZZZZ", elsewhere.code):
        fresh = TestClient(client.app, follow_redirects=False)
        post(fresh, "/a/library-survey/p/1", {"visited": "no", "via": via})
        post(fresh, "/a/library-survey/p/3", {"town": "大町"})
        post(fresh, "/a/library-survey/submit", {}, with_csrf_from="/a/library-survey/check")
    assert [s.access_point for s in Submissions(store).of_app(app.id)] == [None, None]


def test_a_code_keeps_working_after_new_versions_and_a_new_address(client, store, app):
    counter = AccessPoints(store).create(app.id, "保健センター受付", by="suzuki")
    current = Apps(store).by_id(app.id)
    moved = AppSpec.model_validate(current.draft_spec).model_copy(update={"slug": "library-survey-2027"})
    Apps(store).save_draft(app.id, moved, revision=current.revision, by="suzuki")
    Lifecycle(store).publish("library-survey", by="admin")
    response = client.get(f"/q/{counter.code}")
    assert response.headers["location"] == f"/a/library-survey-2027?via={counter.code}"
    assert h1(get(client, response.headers["location"])) == "図書館アンケート"


def test_a_code_of_a_retired_app_shows_the_ended_page_with_the_phone(client, store, app):
    counter = AccessPoints(store).create(app.id, "本庁舎1階", by="suzuki")
    Lifecycle(store).retire(app.slug, by="admin", message="今年の調査は終わりました。")
    page = get(client, client.get(f"/q/{counter.code}").headers["location"], status=410)
    assert h1(page) == "このサービスは終了しました"
    assert "今年の調査は終わりました。" in page.text
    assert page.find("a", href="tel:0142233331") is not None
    assert scans(store, app.id) == {"本庁舎1階": 1}  # still counted: the poster is still up somewhere


@pytest.mark.parametrize("code", ["unknown", "ZZZZZZ", "Z" * 40, "<script>", "%00"])
def test_an_unknown_code_gets_a_friendly_page_with_the_help_number(client, code):
    response = client.get(f"/q/{code}")
    assert response.status_code == 404
    page = parse(response.text)
    assert h1(page) == "このコードは使われていません"
    assert page.find("a", href="tel:0142233331") is not None


def test_a_disabled_code_is_not_counted_and_gets_the_friendly_page(client, store, app):
    counter = AccessPoints(store).create(app.id, "旧庁舎", by="suzuki")
    AccessPoints(store).change(counter.id, "suzuki", active=False)
    assert client.get(f"/q/{counter.code}").status_code == 404
    assert scans(store, app.id) == {"旧庁舎": 0}
    AccessPoints(store).change(counter.id, "suzuki", active=True)
    assert client.get(f"/q/{counter.code}").status_code == 303


def test_simultaneous_scans_all_count(store, app):
    counter = AccessPoints(store).create(app.id, "市民課窓口", by="suzuki")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: AccessPoints(store).scan(counter.code, dt.date(2026, 12, 1)), range(40)))
    assert scans(store, app.id) == {"市民課窓口": 40}


@pytest.mark.parametrize("label", ["", "   ", "あ" * 101])
def test_a_label_must_be_given_and_not_too_long(store, app, label):
    with pytest.raises(Refused):
        AccessPoints(store).create(app.id, label, by="suzuki")
    assert AccessPoints(store).of_app(app.id) == []


def test_creating_renaming_and_disabling_are_in_the_audit_log(store, app):
    counter = AccessPoints(store).create(app.id, "窓口", by="suzuki")
    AccessPoints(store).change(counter.id, "sato", label="本庁舎1階 窓口")
    AccessPoints(store).change(counter.id, "sato", active=False)
    lines = [(e.action, e.actor, e.target, e.detail) for e in Audit(store).events(app.id)][-3:]
    assert lines == [("access_point.create", "suzuki", counter.code, {"label": "窓口"}),
                     ("access_point.change", "sato", counter.code, {"label": ["窓口", "本庁舎1階 窓口"]}),
                     ("access_point.change", "sato", counter.code, {"active": [True, False]})]
