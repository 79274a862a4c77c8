"""A survey's results as open data: only counts, none under 5 (nor one that would reveal it), never free
text; published and withdrawn by an admin, audited; served as JSON and CSV through the real ASGI app."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading

import pytest
from starlette.testclient import TestClient

from generated_apps.domain import open_data
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.open_data import OpenDataRefused, suppress
from generated_apps.web.asgi import create_app

from .test_lifecycle import Clock
from .test_store import any_store  # noqa: F401 - the fixture: SQLite and PostgreSQL
from .test_summary import T0, answers, option, publish, send, survey_spec

HOSTILE_LABEL = "<img src=x onerror=alert(1)>"
FORMULA_LABEL = "=HYPERLINK(\"http://evil.example\",\"x\")"
HOSTILE_ANSWER = "<script>alert('秘密')</script> =1+1 \u202eevil\u202c 私の住所は梅本町1-2-3"


# --- the rule ------------------------------------------------------------------------------------------


def test_counts_from_1_to_4_are_withheld_and_zero_and_5_or_more_are_shown():
    assert suppress([0, 1, 2, 3, 4, 5, 6, 40]) == [0, None, None, None, None, 5, 6, 40]
    assert suppress([0, 0, 12]) == [0, 0, 12]


def test_a_count_withheld_alone_takes_the_next_smallest_with_it():
    # Withheld alone, the 3 would be the total less the others; with the 12 withheld too it cannot be.
    assert suppress([3, 30, 12, 0]) == [None, 30, None, 0]
    assert suppress([30, 0, 2]) == [None, 0, None]
    assert suppress([0, 5, 12, 4]) == [0, None, 12, None]


def test_withheld_counts_must_add_up_to_5_or_more_or_more_are_withheld():
    assert suppress([2, 3, 40]) == [None, None, 40]  # 2 + 3: which is which cannot be told
    assert suppress([1, 1, 40, 20]) == [None, None, 40, None]  # two 1s alone would both be known
    assert suppress([5, 6, 7]) == [5, 6, 7]
    assert suppress([4]) == [None]  # nothing left to withhold with it
    assert suppress([]) == []


# --- publishing -------------------------------------------------------------------------------------


@pytest.fixture
def clock(store):
    clock = Clock(T0)
    store.clock = clock
    return clock


def hostile_spec() -> dict:
    spec = survey_spec()
    spec["pages"][0]["widgets"][0]["options"][1] = option("sometimes", HOSTILE_LABEL, HOSTILE_LABEL)
    spec["pages"][0]["widgets"][0]["options"][2] = option("never", FORMULA_LABEL, FORMULA_LABEL)
    return spec


@pytest.fixture
def survey(store, clock):
    """Twelve answers: visit often 7, sometimes 3, never 2; everyone a resident; five wrote a comment."""
    app_id = publish(store, hostile_spec())
    visits = ["often"] * 7 + ["sometimes"] * 3 + ["never"] * 2
    for n, visit in enumerate(visits):
        send(store, app_id, answers(visit=visit, people=n % 3 + 1, satisfaction=5 if n < 6 else 3,
                                    comment=HOSTILE_ANSWER if n < 5 else None, topics=["snow"]))
    return app_id


def test_an_admin_publishes_under_cc_by_4_0_unless_another_licence_is_named_and_each_change_is_audited(store, survey):
    app = open_data.publish(store, survey, by="kato")
    assert (app.open_data_licence, app.open_data_by) == ("CC BY 4.0", "kato")
    assert app.open_data_at is not None
    app = open_data.publish(store, survey, by="kato", licence="  政府標準利用規約（第2.0版）  ")
    assert app.open_data_licence == "政府標準利用規約（第2.0版）"
    open_data.unpublish(store, survey, by="kato")
    app = Apps(store).by_id(survey)
    assert (app.open_data_licence, app.open_data_at, app.open_data_by) == (None, None, None)
    lines = [(e.action, e.actor, e.detail) for e in Audit(store).events(survey) if e.action.startswith("open_data.")]
    assert lines == [("open_data.publish", "kato", {"licence": "CC BY 4.0"}),
                     ("open_data.publish", "kato", {"licence": "政府標準利用規約（第2.0版）", "was": "CC BY 4.0"}),
                     ("open_data.unpublish", "kato", {"licence": "政府標準利用規約（第2.0版）"})]


def test_publishing_is_refused_for_a_consultation_an_unpublished_survey_or_a_licence_left_blank(store, clock):
    consultation = survey_spec() | {"slug": "soudan", "kind": "consultation"}
    consultation["pages"].append(
        {"widgets": [{"type": "phone", "key": "phone", "label": {"ja": "電話番号", "en": "Phone"}}]})
    application = survey_spec() | {"slug": "moushikomi"}  # a form that asks who the resident is
    application["pages"] = application["pages"] + consultation["pages"][-1:]
    refusals = []
    for app_id, licence in ((publish(store, consultation), "CC BY 4.0"), (publish(store, application), "CC BY 4.0"),
                            (Apps(store).create(open_data_spec("never-published"), by="suzuki").id, "CC BY 4.0"),
                            (publish(store, survey_spec()), " "),
                            (publish(store, survey_spec() | {"slug": "x"}), "x" * 101)):
        with pytest.raises(OpenDataRefused) as refused:
            open_data.publish(store, app_id, by="kato", licence=licence)
        refusals.append(refused.value.msgid)
    assert refusals == ["Only the results of a form or survey can be published as open data",
                        "Only a survey's results can be published as open data: this form asks residents who they "
                        "are, or has nothing to count",
                        "Publish the survey first: it has no results yet",
                        "Name the licence, such as CC BY 4.0", "The licence must be {max} characters or fewer"]
    with pytest.raises(OpenDataRefused):
        open_data.unpublish(store, app_id, by="kato")  # never published
    assert not [e for e in Audit(store).events() if e.action.startswith("open_data.")]


def open_data_spec(slug: str):
    from widgets import AppSpec

    return AppSpec.model_validate(survey_spec() | {"slug": slug})


def test_the_document_has_choice_and_number_counts_withheld_below_5_and_no_text_question(store, survey):
    open_data.publish(store, survey, by="kato")
    doc = open_data.document(store, Apps(store).by_id(survey))
    assert {k: doc[k]
            for k in ("title", "app", "licence", "licence_url", "publisher", "total", "suppressed_below")} == {
        "title": "市民アンケート", "app": "shimin-survey", "licence": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/", "publisher": "伊達市 企画課", "total": 12,
        "suppressed_below": 5}
    assert doc["published_at"] == "2026-11-02T09:30:00+09:00" and doc["generated_at"] == "2026-11-02T09:30:00+09:00"
    assert "per_day" not in doc and "per_access_point" not in doc
    by_key = {q["key"]: q for q in doc["questions"]}
    assert list(by_key) == ["visit", "topics", "resident", "people", "satisfaction"]  # never "comment"
    assert [(o["value"], o["label"], o["count"]) for o in by_key["visit"]["options"]] == [
        ("often", "よく行く", 7), ("sometimes", HOSTILE_LABEL, None), ("never", FORMULA_LABEL, None)]
    assert [(o["value"], o["count"]) for o in by_key["resident"]["options"]] == [("yes", 12), ("no", 0)]
    assert [(o["value"], o["count"]) for o in by_key["topics"]["options"]] == [("tax", 0), ("care", 0), ("snow", 12)]
    assert [(o["value"], o["count"]) for o in by_key["people"]["options"]] == [("1", None), ("2", None), ("3", None)]
    assert [(o["value"], o["count"]) for o in by_key["satisfaction"]["options"]] == [
        ("1", 0), ("2", 0), ("3", 6), ("4", 0), ("5", 6)]
    assert HOSTILE_ANSWER not in json.dumps(doc, ensure_ascii=False)


def test_a_survey_with_fewer_than_5_submissions_publishes_no_count_at_all(any_store):  # noqa: F811
    any_store.clock = Clock(T0)
    app_id = publish(any_store, survey_spec())
    for _ in range(4):
        send(any_store, app_id, answers(visit="often", comment="ひみつ"))
    app = open_data.publish(any_store, app_id, by="kato", licence="CC0 1.0")
    doc = open_data.document(any_store, app)
    assert doc["total"] is None and doc["licence_url"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert {o["count"] for q in doc["questions"] for o in q["options"]} == {None}
    assert [(q["key"], len(q["options"])) for q in doc["questions"]] == [
        ("visit", 3), ("topics", 3), ("resident", 2), ("people", 0), ("satisfaction", 5)]  # no numbers given: no bars


# --- over HTTP ---------------------------------------------------------------------------------------


@pytest.fixture
def client(settings, store, survey):
    with TestClient(create_app(settings, store), follow_redirects=False, raise_server_exceptions=False) as c:
        yield c


def test_nothing_is_served_until_an_admin_publishes_and_nothing_once_they_stop(client, store, survey):
    for kind in ("json", "csv"):
        assert client.get(f"/a/shimin-survey/open-data.{kind}").status_code == 404
    assert client.get("/a/no-such-survey/open-data.json").status_code == 404
    open_data.publish(store, survey, by="kato")
    assert client.get("/a/shimin-survey/open-data.json").status_code == 200
    open_data.unpublish(store, survey, by="kato")
    for kind in ("json", "csv"):  # at once, though the document is kept for five minutes
        assert client.get(f"/a/shimin-survey/open-data.{kind}").status_code == 404


def test_the_json_is_open_to_any_site_cached_briefly_and_holds_labels_verbatim_as_data(client, store, survey):
    open_data.publish(store, survey, by="kato")
    response = client.get("/a/shimin-survey/open-data.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    assert b"<" not in response.content and b">" not in response.content  # written as \u003c, \u003e
    doc = response.json()
    assert doc["questions"][0]["options"][1]["label"] == HOSTILE_LABEL
    assert doc["total"] == 12
    assert "秘密" not in response.text and "梅本町" not in response.text


def test_the_csv_is_one_table_with_a_bom_notes_for_withheld_counts_and_formulas_kept_as_text(client, store, survey):
    open_data.publish(store, survey, by="kato")
    response = client.get("/a/shimin-survey/open-data.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 7
    assert rows[1][4] == "12" and rows[1][0] == ""  # the total first
    visit = [r for r in rows if r[0] == "visit"]
    assert [(r[2], r[3], r[4], r[6]) for r in visit] == [
        ("often", "よく行く", "7", "CC BY 4.0"), ("sometimes", HOSTILE_LABEL, "", "CC BY 4.0"),
        ("never", "'" + FORMULA_LABEL, "", "CC BY 4.0")]
    assert visit[0][5] == "" and visit[1][5] != ""  # a withheld count says why
    assert not [r for r in rows if r[0] == "comment"]
    assert "秘密" not in response.text and "梅本町" not in response.text


def test_the_document_is_counted_again_after_five_minutes_and_a_retired_survey_stays_published(client, store, survey):
    open_data.publish(store, survey, by="kato")
    assert client.get("/a/shimin-survey/open-data.json").json()["total"] == 12
    for _ in range(3):
        send(store, survey, answers())
    assert client.get("/a/shimin-survey/open-data.json").json()["total"] == 12  # kept
    store.clock.move(dt.timedelta(minutes=5))
    assert client.get("/a/shimin-survey/open-data.json").json()["total"] == 15
    Lifecycle(store).retire("shimin-survey", by="kato")
    assert client.get("/a/shimin-survey/open-data.csv").status_code == 200


def test_while_a_survey_is_being_counted_its_last_count_is_served_or_else_a_retry_later(settings, store, survey):
    """A long count holds one thread, never every thread of the server: other requests do not wait for it."""
    open_data.publish(store, survey, by="kato")
    app = create_app(settings, store)
    [route] = [r for r in app.routes if getattr(r, "path", "") == "/a/{slug}/open-data.json"]
    views = route.endpoint.__self__
    with TestClient(app, raise_server_exceptions=False) as client:
        counting = threading.Lock()
        views._counting["shimin-survey"] = counting
        with counting:  # another request is counting it, and nothing was counted before
            response = client.get("/a/shimin-survey/open-data.json")
            assert response.status_code == 503 and response.headers["retry-after"] == "30"
        assert client.get("/a/shimin-survey/open-data.json").json()["total"] == 12
        send(store, survey, answers())
        store.clock.move(dt.timedelta(minutes=6))
        with counting:  # being counted again: the last count is served meanwhile
            assert client.get("/a/shimin-survey/open-data.json").json()["total"] == 12
        assert client.get("/a/shimin-survey/open-data.json").json()["total"] == 13
