"""Hostile input sent to every question page of every app template: never a 500, never a payload
rendered unescaped, and the other answers on the page are kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.bookings import Bookings
from generated_apps.domain.flow import flow_pages, next_page
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.web.asgi import create_app
from tests.htmlpage import form_fields, parse
from widgets import AppSpec, Invalid, Question

TEMPLATES = Path(__file__).resolve().parents[2] / "builder" / "app_templates"  # the gallery's apps, also the demo
APPS = [AppSpec.model_validate_json(path.read_bytes())
        for path in sorted(TEMPLATES.glob("*.json")) if path.name != "index.json"]
SPECS = [spec for spec in APPS if list(spec.questions())]  # notices take no answers

PAYLOADS = [
    "", "   ", "\u3000\t\n", "x" * 100_000, "\x00\x01\x07\x1b[31m", "<script>alert('x')</script>",
    "\"><svg onload=alert(1)>", "'; DROP TABLE submission; --", "=1+2", "@SUM(A1)", "../../etc/passwd",
    "１２３－４５６７", "🙂👨‍👩‍👧", "\ud7ff\ufffd", "０１４２－２３－３３３１", "昭和六十四年", "-1", "1e309", "NaN",
]
MARKERS = ("<script>alert('x')", "<svg onload")
EVERY_DAY = {day: [{"start": "10:00", "end": "12:00", "capacity": 1000}]
             for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
OPEN_SLOT: dict[int, int] = {}  # facility number -> a time residents may book, made by the client fixture


def takes(question: Question, answer) -> bool:
    """Whether the question accepts `answer` as its form would send it."""
    try:
        question.read(question.to_raw(answer))
    except Invalid:
        return False
    return True


def valid_answer(question: Question):
    """A plausible answer to any widget type, turned into its form fields by the widget itself: its type's
    example answer when this question takes it, else one within the question's own limits."""
    if question.type == "slot_picker":  # a slot's id is the database's: a time the client fixture opened
        return {"slot": OPEN_SLOT[question.resource]}
    if takes(question, question.example_answer):
        return question.example_answer
    if question.type == "number":
        return question.min if question.min is not None else 1
    if question.type == "date":
        return (dt.date.today() + dt.timedelta(days=10)).isoformat() if question.future_only else "1950-03-04"
    if question.type == "multiple_choice":
        return [o.value for o in question.options[: max(1, question.min_selections or 1)]]
    if question.type in ("single_choice", "dropdown"):
        return question.options[0].value
    raise AssertionError(f"{question.key}: the example answer of {question.type!r} does not fit this question")


def shown(html, name: str, value: str) -> bool:
    """Whether the re-rendered page still shows `value` in the field `name`."""
    for element in html.find_all(name=name):
        if element.tag == "textarea" and element.text.strip() == " ".join(value.split()):
            return True
        if element.tag == "select" and any(o.attrs.get("value") == value and "selected" in o.attrs
                                           for o in element.find_all("option")):
            return True
        if element.tag == "input":
            if element.attrs.get("type") in ("radio", "checkbox"):
                if element.attrs.get("value") == value and "checked" in element.attrs:
                    return True
            elif element.attrs.get("value") == value:
                return True
    return False


@pytest.fixture
def client(settings, store):
    bookings = Bookings(store)
    for resource_id in sorted({q.resource for spec in SPECS for q in spec.questions() if q.type == "slot_picker"}):
        resource = bookings.create_resource(f"施設{resource_id}", EVERY_DAY, by="test", holidays_closed=False)
        assert resource.id == resource_id
        today = store.now().date()
        views = bookings.slots(resource, today, today + dt.timedelta(days=7))
        OPEN_SLOT[resource_id] = next(v.slot.id for v in views if v.bookable)
    for spec in SPECS:
        Apps(store).save_app(spec, by="test")
        Lifecycle(store).publish(spec.slug, by="test")
    with TestClient(create_app(settings, store), follow_redirects=False, raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.slug)
def test_every_field_of_every_page_takes_hostile_input_politely(client, spec):
    answers: dict = {}
    index = flow_pages(spec, answers)[0]
    while index is not None:
        url = f"/a/{spec.slug}/p/{index + 1}"
        page = client.get(url)
        assert page.status_code == 200, url
        token = form_fields(parse(page.text))["csrf"]
        questions = spec.pages[index].questions()
        fields = [name for q in questions for name in q.fields()]
        for payload in PAYLOADS if fields else []:
            for target in fields:
                data = {"csrf": token}
                for q in questions:
                    data.update({k: v[0] for k, v in q.to_raw(valid_answer(q)).items()})
                data[target] = payload
                response = client.post(url, data=data)
                assert response.status_code in (303, 422), (url, target, payload[:20], response.status_code)
                assert not any(marker in response.text for marker in MARKERS)
                if response.status_code == 422:
                    html = parse(response.text)
                    assert html.find("title").text.startswith("エラー:")
                    assert html.find("div", cls="error-summary") is not None
                    for name, value in data.items():  # every other value is kept
                        if name not in ("csrf", target) and isinstance(value, str) and value:
                            assert shown(html, name, value), (url, name, value)
                    assert "Traceback" not in response.text
            # Wrong types: several values, a missing field.
            response = client.post(url, data={"csrf": token, fields[0]: ["a", "b", "c"]})
            assert response.status_code in (303, 422)
            response = client.post(url, data={"csrf": token})
            assert response.status_code in (303, 422)
        # Move on with valid answers.
        data = {"csrf": token}
        for q in questions:
            data.update(q.to_raw(valid_answer(q)))
            answers[q.key] = valid_answer(q)
        response = client.post(url, data=data)
        assert response.status_code == 303, (url, response.text[:2000])
        index = next_page(spec, answers, index)
    check = client.get(f"/a/{spec.slug}/check")
    assert check.status_code == 200
    token = form_fields(parse(check.text))["csrf"]
    assert client.post(f"/a/{spec.slug}/submit", data={"csrf": token}).headers["location"].endswith("/done")
