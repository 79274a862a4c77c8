"""Open data, as the city lives it (issue 17, story g).

The planning section runs the citizen survey: an admin makes it from the template and publishes it, and
five residents answer it on their phones (one with JavaScript off, the others by plain HTTP). On the
survey's charts the admin publishes the results as open data under CC BY 4.0; the page gives the two
public addresses. Anyone — a journalist, a
student, the prefecture — downloads the CSV and the JSON over plain HTTP, with no account: the counts of
the choice and rating questions, and never a word of free text. The admin stops publishing, and both
addresses are gone at once. The charts of a survey with 100,000 answers still open and count.

Staff work in English (lang="en").
"""

from __future__ import annotations

import csv
import io
import re

import httpx

from tests.browser.resident import LONG_TEXT_ANSWER, TEXT_ANSWER

from .desk import (
    address_of,
    answer_by_plain_http,
    answer_every_question_and_send,
    go,
    make_an_app_from_the_template,
    notified,
    open_staff_page,
    publish,
)

RESIDENTS = 5  # fewer and every count is withheld (generated_apps/domain/open_data.py: SUPPRESSED_BELOW)


def publish_the_results_as_open_data(page, app_id: int) -> tuple[str, str]:
    """The survey's charts → Open data → licence CC BY 4.0 → Publish; the CSV and JSON addresses shown."""
    open_staff_page(page, f"/apps/{app_id}/charts")
    card = page.locator(".q-card", has=page.get_by_role("heading", name="Open data"))
    card.get_by_text("Not published.", exact=True).wait_for()
    assert card.get_by_label("Licence").input_value() == "CC BY 4.0"
    card.get_by_role("button", name="Publish the results as open data").click()
    notified(page, "Published: anyone can download the counts now")
    card.get_by_text(re.compile(r"^Published under CC BY 4\.0 since .*, by ito$")).wait_for()
    links = [card.locator("a", has_text=re.compile(rf"open-data\.{kind}$")).inner_text() for kind in ("csv", "json")]
    return links[0], links[1]


def stop_publishing(page, app_id: int) -> None:
    open_staff_page(page, f"/apps/{app_id}/charts")
    page.get_by_role("button", name="Stop publishing").click()
    notified(page, "No longer published")
    page.get_by_role("button", name="Publish the results as open data").wait_for()


def download(url: str) -> httpx.Response:
    """Anyone, anywhere, with no account and no cookie."""
    return httpx.get(url, timeout=30)


def test_an_admin_publishes_a_surveys_results_as_open_data_anyone_downloads_them_and_then_they_are_withdrawn(
        staff, resident, city, big_table):
    admin = staff(lang="en")
    survey = make_an_app_from_the_template(admin, "Citizen survey")
    publish(admin, survey)
    address = address_of(admin, survey)
    phone = resident()  # one on an old phone, JavaScript off
    go(phone, address)
    answer_every_question_and_send(phone)
    for _ in range(RESIDENTS - 1):  # and the others on whatever they have: plain HTTP
        answer_by_plain_http(city.url, address)

    open_staff_page(admin, f"/apps/{survey}/charts")
    admin.get_by_role("heading", name=f"{RESIDENTS} submissions").wait_for()
    csv_url, json_url = publish_the_results_as_open_data(admin, survey)
    assert csv_url == f"{city.url}{address}/open-data.csv" and json_url == f"{city.url}{address}/open-data.json"

    # Anyone downloads the counts.
    data = download(json_url)
    assert data.status_code == 200 and data.headers["access-control-allow-origin"] == "*"
    doc = data.json()
    assert doc["licence"] == "CC BY 4.0" and doc["total"] == RESIDENTS
    counted = {q["key"]: q for q in doc["questions"]}
    assert counted["age_group"]["options"][0]["count"] == RESIDENTS, "each resident chose the first age group"
    assert {"comment", "trouble_detail"}.isdisjoint(counted), "free-text questions are never published"
    table = download(csv_url)
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    assert "attachment" in table.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert len(rows) > 3 and str(RESIDENTS) in rows[1], rows[:3]
    assert LONG_TEXT_ANSWER not in table.text and TEXT_ANSWER not in table.text

    # The admin withdraws them: both addresses are gone at once.
    stop_publishing(admin, survey)
    for url in (csv_url, json_url):
        assert download(url).status_code == 404, url
    phone = resident()
    go(phone, f"{address}/open-data.csv", 404)

    # The charts over a survey with 100,000 answers open and count them all.
    open_staff_page(admin, f"/apps/{big_table.app_id}/charts")
    admin.get_by_role("heading", name=f"{big_table.holds()['all']:,} submissions").wait_for(timeout=60_000)
    admin.locator(".q-card", has=admin.get_by_role("heading", name="Open data")).get_by_text(
        "Not published.", exact=True).wait_for()
