"""The charts page, its printable summary and its open-data control, in the user simulation against a real
SQLite store with a moved clock: counts in charts and tables, hostile labels shown as text, the date filter,
and admins (only) publishing the results at a public address, audited."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.summary import date_bars, summarise
from generated_apps.web.asgi import create_app
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
    lobby = AccessPoints(store).create(app_id, "本庁舎1階", by="sato")
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
    assert response.json()["questions"][0]["options"][1] == {
        "value": "sometimes", "label": HOSTILE_LABEL, "count": None}

    admin_in.find(marker="unpublish-open-data").click()
    await admin_in.should_see("No longer published")
    await admin_in.should_see(marker="publish-open-data")
    assert public_get(settings, store, "/a/shimin-survey/open-data.csv").status_code == 404
    lines = [(e.action, e.actor) for e in Audit(store).events(app_id) if e.action.startswith("open_data.")]
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
    await until(lambda: Apps(store).by_id(app_id).open_data_licence == "CC0 1.0")


async def test_staff_see_whether_the_results_are_published_but_cannot_publish(desk):
    await desk.open(f"/apps/{desk.app_id}/charts")
    await desk.should_see("Not published. Only an admin can publish the results as open data.")
    await desk.should_not_see(marker="publish-open-data")
    from generated_apps.domain import open_data

    open_data.publish(desk.store, desk.app_id, by="kato")
    await desk.open(f"/apps/{desk.app_id}/charts")
    await desk.should_see(marker="open-data-csv")
    await desk.should_not_see(marker="unpublish-open-data")


async def test_an_admin_who_lost_the_role_meanwhile_is_refused_and_that_is_audited(admin_in):  # noqa: F811
    store = admin_in.store
    app_id = survey(store)
    await admin_in.open(f"/apps/{app_id}/charts")
    await admin_in.should_see(marker="publish-open-data")
    kato = StaffAccounts(store).by_username("kato")
    StaffAccounts(store).create("sato", "佐藤 花子", kato.password_hash, "admin", by="test")  # the last admin stays
    StaffAccounts(store).change(kato.id, by="sato", role="staff")
    admin_in.find(marker="publish-open-data").click()
    await admin_in.should_see("Only an admin can do this. Ask an admin of your office")
    assert Apps(store).by_id(app_id).open_data_at is None
    refused = [e for e in Audit(store).events(app_id) if e.action == "auth.refused"]
    assert [(e.actor, e.detail["action"]) for e in refused] == [("kato", "open_data.publish")]


async def test_a_consultation_has_no_open_data_control(signed_in):
    spec = survey_spec() | {"slug": "soudan", "kind": "consultation"}
    spec["pages"].append({"widgets": [{"type": "phone", "key": "phone", "label": {"ja": "電話番号", "en": "Phone"}}]})
    app_id = publish(signed_in.store, spec)
    await signed_in.open(f"/apps/{app_id}/charts")
    await signed_in.should_see("0 submissions")
    await signed_in.should_not_see(marker="open-data")


# --- dates and consent ------------------------------------------------------------------------------


def with_date_and_consent(store) -> int:
    store.clock = Clock(T0)
    spec = survey_spec()
    spec["pages"] += [
        {"widgets": [{"type": "date", "key": "moved_in", "required": False,
                      "label": {"ja": "転入した日", "en": "Day you moved here"}}]},
        {"widgets": [{"type": "consent", "key": "agree", "required": False, "label": {"ja": "同意", "en": "Consent"},
                      "statement": {"ja": "同意します", "en": "I agree"}}]},
    ]
    app_id = publish(store, spec)
    for moved_in, agree in (("2025-01-15", True), ("2025-01-31", True), ("2025-03-02", None), (None, True)):
        send(store, app_id, answers() | {"moved_in": moved_in, "agree": agree})
    return app_id


async def test_dates_are_charted_by_month_with_their_range_and_consent_as_agreed_or_not(signed_in):
    app_id = with_date_and_consent(signed_in.store)
    await signed_in.open(f"/apps/{app_id}/charts")
    await signed_in.should_see("4 submissions")
    moved_in = chart_of(signed_in, "chart-question-moved_in")
    assert moved_in["xAxis"]["data"] == ["2025-01", "2025-02", "2025-03"]
    assert moved_in["series"][0]["data"] == [2, 0, 1]
    with signed_in.scope(marker="question-moved_in"):
        await signed_in.should_see("Answered by 3 · from 2025-01-15 to 2025-03-02")
        await signed_in.should_not_see("free text is not charted")
    agree = chart_of(signed_in, "chart-question-agree")
    assert agree["yAxis"]["data"] == ["Agreed", "Not agreed"]
    assert agree["series"][0]["data"] == [3, 1]
    with signed_in.scope(marker="question-agree"):
        await signed_in.should_not_see("free text is not charted")

    printed = (await signed_in.http_client.get(f"/apps/{app_id}/summary")).text
    assert "Answered by 3 · from 2025-01-15 to 2025-03-02" in printed and "Not agreed" in printed
    assert "free text is not summarised here" not in printed.split("Day you moved here")[1]


def test_dates_spread_over_years_get_a_bar_a_year_and_over_decades_a_bar_a_decade():
    by_year = date_bars(Counter({"2019-05-01": 1, "2026-11-02": 2}))
    assert [(c.label, c.count) for c in by_year[0]][::7] == [("2019", 1), ("2026", 2)]
    births, span = date_bars(Counter({"1938-04-29": 1, "1951-12-31": 3, "2001-01-01": 1, "not a date": 9}))
    assert [(c.value, c.label, c.count) for c in births] == [
        ("[1930,1940)", "1930–1939", 1), ("[1940,1950)", "1940–1949", 0), ("[1950,1960)", "1950–1959", 3),
        ("[1960,1970)", "1960–1969", 0), ("[1970,1980)", "1970–1979", 0), ("[1980,1990)", "1980–1989", 0),
        ("[1990,2000)", "1990–1999", 0), ("[2000,2010)", "2000–2009", 1)]
    assert span == (dt.date(1938, 4, 29), dt.date(2001, 1, 1))


def test_open_data_never_gets_dates_or_consent(signed_in):
    app_id = with_date_and_consent(signed_in.store)
    published = summarise(signed_in.store, app_id)  # as open data asks: dates and consent only counted
    assert {q.key: q.kind for q in published.questions if q.key in ("moved_in", "agree")} == {
        "moved_in": "text", "agree": "text"}


# --- open data only for a survey ----------------------------------------------------------------------


def application_form(store) -> int:
    """A form that asks who the resident is: an application, not a survey."""
    spec = survey_spec() | {"slug": "moushikomi", "title": {"ja": "講座の申込", "en": "Course application"}}
    spec["pages"].append({"widgets": [{"type": "name", "key": "applicant", "label": {"ja": "お名前", "en": "Name"}}]})
    return publish(store, spec)


async def test_an_application_form_is_not_offered_as_open_data(admin_in):  # noqa: F811
    app_id = application_form(admin_in.store)
    await admin_in.open(f"/apps/{app_id}/charts")
    await admin_in.should_see("0 submissions")
    await admin_in.should_not_see(marker="open-data")
    await admin_in.should_not_see("survey")


async def test_an_application_form_published_before_can_still_be_stopped(admin_in):  # noqa: F811
    import datetime as dt

    from sqlalchemy import text

    app_id = application_form(admin_in.store)
    with admin_in.store.engine.begin() as c:  # as an older version allowed (open_data.publish refuses it now)
        c.execute(text("UPDATE app SET open_data_licence = 'CC BY 4.0', open_data_at = :at, open_data_by = 'kato' "
                       "WHERE id = :id"), {"at": dt.datetime(2026, 11, 1, 0, 0), "id": app_id})
    await admin_in.open(f"/apps/{app_id}/charts")
    await admin_in.should_see(
        "This form asks residents who they are, so its counts are no longer offered as open data.", retries=20)
    await admin_in.should_not_see("survey")
    admin_in.find(marker="unpublish-open-data").click()
    await admin_in.should_see("No longer published")
    await admin_in.should_not_see(marker="publish-open-data")


# --- a draft that cannot be read breaks none of its app's charts (issue 17) --------------------------------


DAMAGED = "The draft of this app cannot be read. Open it in the editor to restore it"


async def test_a_damaged_draft_leaves_the_charts_of_the_published_app_working(desk):
    from .test_access_screens import DAMAGE
    from .test_dashboard import write_draft

    write_draft(desk.store, desk.app_id, {**Apps(desk.store).by_id(desk.app_id).draft_spec, **DAMAGE})
    await desk.open(f"/apps/{desk.app_id}/charts")
    await desk.should_see(DAMAGED)
    assert desk.find(marker="damaged-draft-editor").elements.pop().props["href"] == f"/apps/{desk.app_id}"
    await desk.should_see("12 submissions")
    assert chart_of(desk, "chart-question-visit")["series"][0]["data"] == [7, 3, 2]
    response = await desk.http_client.get(f"/apps/{desk.app_id}/summary")
    assert response.status_code == 200 and "12 submissions" in parse(response.text).find("p", cls="facts").text


async def test_the_charts_of_an_app_never_published_whose_draft_is_damaged_say_so(signed_in):
    from widgets import AppSpec

    from .test_access_screens import DAMAGE
    from .test_dashboard import write_draft

    store = signed_in.store
    app = Apps(store).create(AppSpec.model_validate(survey_spec()), by="sato")
    write_draft(store, app.id, {**app.draft_spec, "title": {"ja": "壊れた調査"}, **DAMAGE})
    await signed_in.open(f"/apps/{app.id}/charts")
    await signed_in.should_see("Charts: 壊れた調査")
    await signed_in.should_see(DAMAGED)
    await signed_in.should_see("This app has not been published yet, so nothing has been sent.")
    response = await signed_in.http_client.get(f"/apps/{app.id}/summary")
    assert response.status_code == 404 and DAMAGED in response.text
