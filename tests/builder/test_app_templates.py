"""The three demo apps load, lint clean, and use the widgets as a resident would meet them."""

from __future__ import annotations

from pathlib import Path

import pytest

from widgets import AppSpec, lint

DEMO = Path(__file__).resolve().parents[2] / "demo"
NAMES = ["shimin-survey.json", "facility-application.json", "notice-usu.json"]


def load(name: str) -> AppSpec:
    return AppSpec.model_validate_json((DEMO / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_each_demo_app_loads_and_has_no_lint_issue(name):
    app = load(name)
    assert [str(issue) for issue in lint(app)] == []
    assert app.languages == ["ja", "en"]
    assert app.contact.phone == "0142-23-3331"


def test_the_kinds_are_two_forms_and_a_notice():
    assert [load(name).kind for name in NAMES] == ["form", "form", "notice"]


@pytest.mark.parametrize("name", NAMES[:2])
def test_the_forms_ask_one_question_per_page_and_end_with_consent(name):
    app = load(name)
    assert all(len(page.questions()) <= 1 for page in app.pages)
    assert list(app.questions())[-1].type == "consent"


def test_the_survey_follows_up_only_when_there_was_a_problem():
    app = load("shimin-survey.json")
    follow_up = app.question("trouble_detail")
    assert follow_up.show_if.holds({"had_trouble": "yes"})
    assert not follow_up.show_if.holds({"had_trouble": "no"})
    assert len(app.question("district").options) >= 8


def test_the_facility_application_asks_for_a_date_that_is_not_past():
    app = load("facility-application.json")
    assert app.question("desired_date").future_only
    people = app.question("people")
    assert (people.min, people.max, people.unit.text("ja")) == (1, 200, "人")
    assert app.question("email").required is False
    assert app.question("applicant").reading == "optional"


def test_the_notice_has_content_only():
    app = load("notice-usu.json")
    assert list(app.questions()) == []
    assert {w.type for _, w in app.widgets()} >= {"paragraph", "notice", "contact_card", "heading"}
