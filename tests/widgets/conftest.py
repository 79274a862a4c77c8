"""Shared helpers for the widget tests: a Jinja environment as the web layer builds one, a translator."""

from __future__ import annotations

import copy
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import jinja2
import pytest

from widgets import REGISTRY, WIDGET_TYPES, LocalizedText, Widget, loader, widget_adapter

# Enough of the Japanese catalog to read the check-answers texts in tests.
JA = {"Yes": "はい", "No": "いいえ", "Agreed": "同意する", "Satisfied": "満足", "Very satisfied": "とても満足"}


class FakeTranslator:
    def __init__(self, lang: str = "ja") -> None:
        self.lang = lang

    def gettext(self, message: str) -> str:
        return JA.get(message, message) if self.lang == "ja" else message

    def text(self, value: LocalizedText) -> str:
        return value.text(self.lang)


@pytest.fixture
def ja() -> FakeTranslator:
    return FakeTranslator("ja")


@pytest.fixture
def en() -> FakeTranslator:
    return FakeTranslator("en")


@pytest.fixture(scope="session")
def env() -> jinja2.Environment:
    environment = jinja2.Environment(loader=loader(list(WIDGET_TYPES)), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    environment.filters["t"] = lambda value: value.text("ja")
    environment.filters["plain"] = lambda value: value if isinstance(value, str) else value.text("ja")
    environment.globals["_"] = lambda message: message
    return environment


@pytest.fixture
def render(env: jinja2.Environment) -> Callable[..., str]:
    def render(widget: Widget | dict, raw: dict | None = None, error: str | None = None, as_heading: bool = True,
               **context: Any) -> str:
        if isinstance(widget, dict):
            widget = widget_adapter.validate_python(widget)
        template = env.get_template(widget.template_name())
        if widget.type == "slot_picker":
            context.setdefault("picker", SAMPLE_PICKER)
        return template.render(w=widget, raw=raw or {}, error=error, as_heading=as_heading, **context)

    return render


class Page(HTMLParser):
    """The elements of a rendered fragment: tag, attributes and the text inside each."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict[str, Any]] = []
        self._open: list[dict[str, Any]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in {"input", "img", "br", "meta", "link"}:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index]["tag"] == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            # As browsers do, a newline straight after <textarea> is not part of its value.
            skip = element["tag"] == "textarea" and not element["text"] and data.startswith("\n")
            element["text"] += data[1:] if skip else data

    def find_all(self, tag: str, **attrs: str) -> list[dict[str, Any]]:
        return [e for e in self.elements if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())]

    def by_id(self, element_id: str) -> dict[str, Any] | None:
        return next((e for e in self.elements if e["attrs"].get("id") == element_id), None)

    def controls(self) -> list[dict[str, Any]]:
        return [e for e in self.elements if e["tag"] in {"input", "select", "textarea"}]


@pytest.fixture
def parse() -> Callable[[str], Page]:
    return Page


# One widget of every registered type, as staff would write it in an app file: each type's own example
# (a copy, so that no test changes the class's). A type without one is named by test_traits.py.
SAMPLES: dict[str, dict[str, Any]] = {name: copy.deepcopy(vars(cls)["example"])
                                      for name, cls in REGISTRY.items() if "example" in vars(cls)}
# What the web layer hands a slot picker's template: a week of a facility's times.
SAMPLE_PICKER = {"unavailable": False, "week": "12月5日（土）から12月11日（金）まで", "previous_url": None,
                 "next_url": "/a/gym/p/1?week=2026-12-12",
                 "days": [{"iso": "2026-12-05", "label": "12月5日（土）", "slots": [
                     {"id": 7, "time": "10:00〜12:00", "words": "残り3", "bookable": True},
                     {"id": 8, "time": "13:00〜15:00", "words": "満員", "bookable": False},
                     {"id": 9, "time": "15:00〜17:00", "words": "残り1", "bookable": True}]},
                          {"iso": "2026-12-06", "label": "12月6日（日）", "slots": []}]}
QUESTION_TYPES = [name for name in SAMPLES if REGISTRY[name].is_question]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`sample` runs a test for a widget of every type, `question` for every question type."""
    if "sample" in metafunc.fixturenames:
        metafunc.parametrize("sample", [widget_adapter.validate_python(s) for s in SAMPLES.values()], ids=list(SAMPLES))
    if "question" in metafunc.fixturenames:
        metafunc.parametrize("question", [widget_adapter.validate_python(SAMPLES[t]) for t in QUESTION_TYPES],
                             ids=QUESTION_TYPES)



@pytest.fixture
def registered_samples() -> dict[str, dict[str, Any]]:
    return SAMPLES
