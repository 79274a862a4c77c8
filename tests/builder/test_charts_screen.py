"""The charts page, its printable summary and its open-data control, in the user simulation against a real
SQLite store with a moved clock: counts in charts and tables, hostile labels shown as text, the date filter,
and admins (only) publishing the results at a public address, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient

from generated_apps.asgi import create_app
from tests.generated_apps.test_lifecycle import Clock
from tests.generated_apps.test_summary import T0, answers, option, publish, send, survey_spec
from tests.htmlpage import parse

from .conftest import until
from .test_lifecycle_screens import admin_in  # noqa: F401 - the fixture

HOSTILE_LABEL = "<img src=x onerror=alert(1)>"
SECRET = "<script>alert(1)</script> 梅本町1-2-3 の 伊達 花子です"


def survey(store) -> int:
    """Twelve answers: seven on 2 November (city time), five on the 4th; three came by the lobby's code."""
    store.clock = Clock(T0)
    spec = survey_spec()
    spec["pages"][0]["widgets"][0]["options"][1] = option("sometimes", HOSTILE_LABEL, HOSTILE_LABEL)
    app_id = publish(store, spec)
    lobby = store.create_access_point(app_id, "本庁舎1階", by="sato")
    visits = ["often"] * 7 + ["sometimes"] * 3 + ["never"] * 2
    for n, visit in enumerate(visits):
        if n == 7:
            store.clock.move(dt.timedelta(days=2))
        send(store, app_id, answers(visit=visit, satisfaction=5 if n % 2 else 2, comment=SECRET if n < 4 else None),
             via=lobby.code if n < 3 else None)
    return app_id


def chart_of(user, marker: str) -> dict:
    [chart] = user.find(marker=marker).elements
    return chart.options


@pytest.fixture
async def desk(signed_in):
    """A member of staff (sato), signed in, in English, and the survey with its answers."""
    signed_in.app_id = survey(signed_in.store)
    return signed_in


async def test_staff_see_the_total_and_every_questions_counts_as_a_chart_and_a_table(desk):
    await desk.open(f"/apps/{desk.app_id}/charts")
    await desk.should_see("12 submissions")
    visit = chart_of(desk, "chart-question-visit")
    assert visit["yAxis"]["data"] == ["Often", HOSTILE_LABEL, "Never"]  # in the staff member's language
    assert visit["series"][0]["data"] == [7, 3, 2]
    with desk.scope(marker="table-question-visit"):
        for text in ("Often", "7", "58%", HOSTILE_LABEL, "3", "25%"):  # the label as text, never markup
            await desk.should_see(text)
    assert chart_of(desk, "chart-question-satisfaction")["series"][0]["data"] == [0, 6, 0, 0, 6]
    assert chart_of(desk, "chart-access-points")["series"][0]["data"] == [3, 9]
    assert chart_of(desk, "chart-per-day")["xAxis"]["data"] == ["2026-11-02", "2026-11-03", "2026-11-04"]
    assert chart_of(desk, "chart-per-day")["series"][0]["data"] == [7, 0, 5]
    with desk.scope(marker="question-comment"):
        await desk.should_see("4 answers (free text is not charted)")
    await desk.should_not_see("梅本町")


async def test_no_chart_can_turn_a_label_into_html(desk):
    await desk.open(f"/apps/{desk.app_id}/charts")
    await desk.should_see("12 submissions")
    for marker in ("chart-per-day", "chart-access-points", "chart-question-visit", "chart-question-satisfaction"):
        options = chart_of(desk, marker)
        assert options["tooltip"]["renderMode"] == "richText"  # drawn on the canvas, not as HTML
        assert not any(str(key).startswith(":") for key in _keys(options))  # no JavaScript function anywhere
        [chart] = desk.find(marker=marker).elements
        assert chart.props["role"] == "img" and chart.props["aria-label"]


def _keys(options):
    if isinstance(options, dict):
        for key, value in options.items():
            yield key
            yield from _keys(value)
    elif isinstance(options, list):
        for value in options:
            yield from _keys(value)


async def test_the_date_filter_counts_only_those_days(desk):
    await desk.open(f"/apps/{desk.app_id}/charts")
    await desk.should_see("12 submissions")
    desk.find(marker="filter-since").type("2026-11-03")
    await desk.should_see("5 submissions")
    assert chart_of(desk, "chart-question-visit")["series"][0]["data"] == [0, 3, 2]
    [link] = desk.find(marker="summary-link").elements
    assert link.props["href"] == f"/apps/{desk.app_id}/summary?since=2026-11-03"
    desk.find(marker="filter-until").type("2026-11-03")
    await desk.should_see("0 submissions")
    await desk.should_see("Nothing has been sent in this period.")


async def test_the_printable_summary_is_one_plain_page_with_escaped_labels_and_no_free_text(desk):
    response = await desk.http_client.get(f"/apps/{desk.app_id}/summary")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert "<img src=x" not in response.text and "&lt;img src=x onerror=alert(1)&gt;" in response.text
    assert "梅本町" not in response.text and "<script>" not in response.text
    assert "@media print" in response.text and "size: A4" in response.text
    page = parse(response.text)
    assert page.find("h1").text == "Residents' survey"
    assert "Period: 2026-11-02 to 2026-11-04 · 12 submissions" in page.find("p", cls="facts").text
    tables = page.find_all("table")
    visit = [[td.text for td in tr.find_all("td")][:3] for tr in tables[1].find_all("tr") if tr.find("td")]
    assert visit == [["Often", "7", "58%"], [HOSTILE_LABEL, "3", "25%"], ["Never", "2", "17%"]]
    widths = [span.attrs["style"] for span in tables[1].find_all("span", cls="bar")]
    assert widths == ["width: 100%", "width: 43%", "width: 29%"]
    assert "4 answers (free text is not summarised here)" in response.text
    narrowed = parse((await desk.http_client.get(f"/apps/{desk.app_id}/summary?since=2026-11-04")).text)
    assert "5 submissions" in narrowed.find("p", cls="facts").text
    assert (await desk.http_client.get(f"/apps/{desk.app_id + 99}/summary")).status_code == 404


async def test_the_charts_and_the_summary_ask_for_a_sign_in(staff_gui):
    from .conftest import add_staff

    add_staff(staff_gui.store)
    app_id = survey(staff_gui.store)
    response = await staff_gui.http_client.get(f"/apps/{app_id}/summary")
    assert response.status_code == 303 and "/signin" in response.headers["location"]
    assert (await staff_gui.http_client.get(f"/apps/{app_id}/charts")).status_code == 303


# --- open data --------------------------------------------------------------------------------------


def public_get(settings, store, path: str):
    with TestClient(create_app(settings, store), raise_server_exceptions=False) as client:
        return client.get(path)


async def test_an_admin_publishes_the_results_and_the_public_address_answers_until_they_stop(admin_in, settings):  # noqa: F811
    store = admin_in.store
    app_id = survey(store)
    assert public_get(settings, store, "/a/shimin-survey/open-data.json").status_code == 404
    await admin_in.open(f"/apps/{app_id}/charts")
    await admin_in.should_see(marker="publish-open-data")
    assert admin_in.find(marker="open-data-licence").elements.pop().value == "CC BY 4.0"
    admin_in.find(marker="publish-open-data").click()
    await admin_in.should_see("Published: anyone can download the counts now")
    await admin_in.should_see(marker="open-data-json")
    await admin_in.should_see("http://testserver/a/shimin-survey/open-data.csv")
    await admin_in.should_see("Published under CC BY 4.0 since 2026-11-04 09:30, by kato")
    response = public_get(settings, store, "/a/shimin-survey/open-data.json")
    assert response.status_code == 200 and response.json()["licence"] == "CC BY 4.0"
    assert response.json()["questions"][0]["options"][1] == {"value": "sometimes", "label": HOSTILE_LABEL, "count": None}

    admin_in.find(marker="unpublish-open-data").click()
    await admin_in.should_see("No longer published")
    await admin_in.should_see(marker="publish-open-data")
    assert public_get(settings, store, "/a/shimin-survey/open-data.csv").status_code == 404
    lines = [(e.action, e.actor) for e in store.audit_events(app_id) if e.action.startswith("open_data.")]
    assert lines == [("open_data.publish", "kato"), ("open_data.unpublish", "kato")]


async def test_an_admin_may_choose_another_licence_and_a_blank_one_is_refused(admin_in):  # noqa: F811
    store = admin_in.store
    app_id = survey(store)
    await admin_in.open(f"/apps/{app_id}/charts")
    await admin_in.should_see(marker="publish-open-data")
    admin_in.find(marker="open-data-licence").clear()
    admin_in.find(marker="publish-open-data").click()
    await admin_in.should_see("Name the licence, such as CC BY 4.0")
    admin_in.find(marker="open-data-licence").type("CC0 1.0")
    admin_in.find(marker="publish-open-data").click()
    await until(lambda: store.app_by_id(app_id).open_data_licence == "CC0 1.0")


async def test_staff_see_whether_the_results_are_published_but_cannot_publish(desk):
    await desk.open(f"/apps/{desk.app_id}/charts")
    await desk.should_see("Not published. Only an admin can publish the results as open data.")
    await desk.should_not_see(marker="publish-open-data")
    from generated_apps import open_data

    open_data.publish(desk.store, desk.app_id, by="kato")
    await desk.open(f"/apps/{desk.app_id}/charts")
    await desk.should_see(marker="open-data-csv")
    await desk.should_not_see(marker="unpublish-open-data")


async def test_an_admin_who_lost_the_role_meanwhile_is_refused_and_that_is_audited(admin_in):  # noqa: F811
    store = admin_in.store
    app_id = survey(store)
    await admin_in.open(f"/apps/{app_id}/charts")
    await admin_in.should_see(marker="publish-open-data")
    kato = store.staff_user("kato")
    store.create_staff_user("sato", "佐藤 花子", kato.password_hash, "admin", by="test")  # the last admin stays
    store.change_staff_user(kato.id, by="sato", role="staff")
    admin_in.find(marker="publish-open-data").click()
    await admin_in.should_see("Only an admin can do this. Ask an admin of your office")
    assert store.app_by_id(app_id).open_data_at is None
    refused = [e for e in store.audit_events(app_id) if e.action == "auth.refused"]
    assert [(e.actor, e.detail["action"]) for e in refused] == [("kato", "open_data.publish")]


async def test_a_consultation_has_no_open_data_control(signed_in):
    spec = survey_spec() | {"slug": "soudan", "kind": "consultation"}
    spec["pages"].append({"widgets": [{"type": "phone", "key": "phone", "label": {"ja": "電話番号", "en": "Phone"}}]})
    app_id = publish(signed_in.store, spec)
    await signed_in.open(f"/apps/{app_id}/charts")
    await signed_in.should_see("0 submissions")
    await signed_in.should_not_see(marker="open-data")
