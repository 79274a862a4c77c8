"""The property panel, driven through NiceGUI's simulated user: every edit checked by the widget's own model."""

from __future__ import annotations

import asyncio
import copy
import logging
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import pytest
from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement
from nicegui.testing import User
from nicegui.testing.user_simulation import user_simulation
from pydantic import BaseModel, Field

from builder import i18n
from builder.pages.editor.fields import QuestionRef, question_refs
from builder.pages.editor.properties import PropertyPanel
from tests.conftest import EXAMPLE
from widgets import WIDGET_TYPES, AppSpec, Page, Question, widget_adapter
from widgets.catalog import REGISTRY

QUESTIONS = [QuestionRef("visited", "Did you visit?", ["yes", "no"]), QuestionRef("town", "Your town", None)]
CHOICE = {"type": "single_choice", "key": "colour", "label": {"ja": "色", "en": "Colour"},
          "options": [{"value": "red", "label": {"ja": "赤"}}, {"value": "blue", "label": {"ja": "青"}}]}


@pytest.fixture
async def panel_user(monkeypatch, caplog):
    # Builder text in English (the msgids), whatever the catalogs say.
    monkeypatch.setattr(i18n, "staff_lang", lambda: "en")
    async with user_simulation() as user:
        yield user
    # NiceGUI logs an exception in an event handler instead of raising it.
    assert [r.getMessage() for r in caplog.get_records("call") if r.levelno >= logging.ERROR] == []


@dataclass
class Shown:
    panels: list[PropertyPanel] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)

    @property
    def panel(self) -> PropertyPanel:
        return self.panels[0]


async def show(user: User, model: type[BaseModel], *datas: dict, questions=(), languages=("ja", "en"),
               skip=("type",), on_change=None) -> Shown:
    shown = Shown()

    @ui.page("/")
    def page() -> None:
        for data in datas:
            shown.panels.append(PropertyPanel(model, copy.deepcopy(data), languages=list(languages),
                                              questions=list(questions), skip=set(skip),
                                              on_change=on_change or shown.changes.append))

    await user.open("/")
    return shown


def element(user: User, marker: str) -> Any:
    (found,) = user.find(marker=marker).elements
    return found


def widget_model(data: dict) -> type[BaseModel]:
    return REGISTRY[data["type"]]


async def test_a_label_edited_in_japanese_and_english_reaches_on_change(panel_user: User):
    data = {"type": "short_text", "key": "town", "label": {"ja": "町名"}}
    shown = await show(panel_user, widget_model(data), data)
    await panel_user.should_see("日本語")
    await panel_user.should_see("English")

    panel_user.find(marker="prop:label.ja").clear().type("お住まいの町名")
    panel_user.find(marker="prop:label.en").type("Your town")

    assert shown.changes[-1]["type"] == "short_text"
    assert shown.changes[-1]["key"] == "town"
    assert shown.changes[-1]["label"] == {"ja": "お住まいの町名", "en": "Your town"}
    assert shown.panel.errors() == {}


async def test_a_bad_data_key_is_shown_beside_the_key_and_never_reaches_on_change(panel_user: User):
    data = {"type": "short_text", "key": "town", "label": {"ja": "町名"}}
    shown = await show(panel_user, widget_model(data), data)

    panel_user.find(marker="prop:key").clear().type("1abc")

    assert shown.changes == []
    assert set(shown.panel.errors()) == {"key"}
    key = element(panel_user, "prop:key")
    assert key.value == "1abc"  # what staff typed stays
    assert key.error == shown.panel.errors()["key"]
    assert "expected form" in key.error
    await panel_user.should_see("expected form")

    panel_user.find(marker="prop:key").clear().type("town2")
    assert shown.changes[-1]["key"] == "town2"
    assert shown.panel.errors() == {}
    assert key.error is None


async def test_min_above_max_shows_the_models_own_error_at_the_top(panel_user: User):
    data = {"type": "number", "key": "people", "label": {"ja": "人数"}}
    shown = await show(panel_user, widget_model(data), data)

    panel_user.find(marker="prop:min").type("10")
    panel_user.find(marker="prop:max").type("5")

    assert shown.panel.errors() == {"": "min must not be more than max"}
    await panel_user.should_see("min must not be more than max")
    assert shown.changes[-1].get("max") is None and shown.changes[-1]["min"] == 10

    panel_user.find(marker="prop:max").clear().type("20")
    assert shown.changes[-1]["min"] == 10 and shown.changes[-1]["max"] == 20
    assert isinstance(shown.changes[-1]["max"], int)
    await panel_user.should_not_see("min must not be more than max")

    panel_user.find(marker="prop:max").clear()
    assert "max" not in shown.changes[-1]  # an optional number cleared is left out


async def test_options_can_be_added_removed_and_moved(panel_user: User):
    shown = await show(panel_user, widget_model(CHOICE), CHOICE)

    panel_user.find(marker="up:options.1").click()
    assert [o["value"] for o in shown.changes[-1]["options"]] == ["blue", "red"]
    panel_user.find(marker="down:options.0").click()
    assert [o["value"] for o in shown.changes[-1]["options"]] == ["red", "blue"]

    calls = len(shown.changes)
    panel_user.find(marker="add:options").click()
    assert len(shown.changes) == calls  # a new, empty choice is not valid yet
    assert "options.2.value" in shown.panel.errors()
    panel_user.find(marker="prop:options.2.value").type("green")
    panel_user.find(marker="prop:options.2.label.ja").type("緑")
    assert [o["value"] for o in shown.changes[-1]["options"]] == ["red", "blue", "green"]
    assert shown.changes[-1]["options"][2]["label"] == {"ja": "緑"}

    panel_user.find(marker="remove:options.0").click()
    assert [o["value"] for o in shown.changes[-1]["options"]] == ["blue", "green"]
    assert element(panel_user, "prop:options.0.value").value == "blue"
    # The first item cannot move up, the last cannot move down.
    assert not element(panel_user, "up:options.0").enabled
    assert not element(panel_user, "down:options.1").enabled


async def test_removing_the_last_option_shows_why_beside_the_list(panel_user: User):
    data = {**CHOICE, "options": CHOICE["options"][:1]}
    shown = await show(panel_user, widget_model(data), data)
    panel_user.find(marker="remove:options.0").click()
    assert shown.changes == []
    assert set(shown.panel.errors()) == {"options"}
    assert "at least 1" in element(panel_user, "error:options").text


async def test_the_condition_picker_offers_only_the_given_questions_and_their_values(panel_user: User):
    data = {"type": "short_text", "key": "book", "label": {"ja": "本"}}
    shown = await show(panel_user, widget_model(data), data, questions=QUESTIONS)
    await panel_user.should_see("Show always")

    panel_user.find(marker="prop:show_if.mode").click()
    panel_user.find("Only when…").click()
    assert shown.changes[-1]["show_if"] == {"key": "visited", "op": "equals", "value": "yes"}
    assert element(panel_user, "prop:show_if.key").options == {"visited": "Did you visit? (visited)",
                                                                "town": "Your town (town)"}
    assert list(element(panel_user, "prop:show_if.value").options) == ["yes", "no"]

    panel_user.find(marker="prop:show_if.value").click()
    panel_user.find(marker="prop:show_if.value").click()  # the popup is open: nothing chosen closes it
    element(panel_user, "prop:show_if.value").value = "no"
    assert shown.changes[-1]["show_if"]["value"] == "no"

    # A question without fixed answers takes a typed value.
    element(panel_user, "prop:show_if.key").value = "town"
    assert isinstance(element(panel_user, "prop:show_if.value"), ui.input)
    panel_user.find(marker="prop:show_if.value").clear().type("Date")
    assert shown.changes[-1]["show_if"] == {"key": "town", "op": "equals", "value": "Date"}

    element(panel_user, "prop:show_if.op").value = "answered"
    assert shown.changes[-1]["show_if"] == {"key": "town", "op": "answered"}
    await panel_user.should_not_see(marker="prop:show_if.value")

    element(panel_user, "prop:show_if.mode").value = "always"
    assert "show_if" not in shown.changes[-1]
    await panel_user.should_not_see(marker="prop:show_if.key")


async def test_a_condition_on_a_question_that_is_not_earlier_is_shown_as_such(panel_user: User):
    data = {"type": "short_text", "key": "book", "label": {"ja": "本"},
            "show_if": {"key": "gone", "op": "equals", "value": "x"}}
    shown = await show(panel_user, widget_model(data), data, questions=QUESTIONS[:1])
    await panel_user.should_see("not an earlier question")
    assert shown.panel.errors() == {}

    element(panel_user, "prop:show_if.key").value = "visited"
    assert shown.changes[-1]["show_if"] == {"key": "visited", "op": "equals", "value": "yes"}
    await panel_user.should_not_see("not an earlier question")


async def test_a_condition_with_no_earlier_questions_at_all_only_shows_always(panel_user: User):
    data = {"type": "short_text", "key": "book", "label": {"ja": "本"}}
    await show(panel_user, widget_model(data), data)
    await panel_user.should_see("no earlier questions")
    assert element(panel_user, "prop:show_if.mode").options == {"always": "Show always"}


async def test_app_settings_render_contact_and_lifecycle_as_sections(panel_user: User):
    shown = await show(panel_user, AppSpec, EXAMPLE, skip={"pages", "format_version"})
    await panel_user.should_see("Help contact")
    await panel_user.should_see("Lifecycle")
    await panel_user.should_not_see(marker="prop:pages")
    await panel_user.should_not_see(marker="prop:format_version")
    assert element(panel_user, "prop:slug").value == "library-survey"

    panel_user.find(marker="prop:contact.phone").clear().type("0142-23-0000")
    assert shown.changes[-1]["contact"]["phone"] == "0142-23-0000"
    # The rest of the app goes along untouched.
    assert (shown.changes[-1]["pages"]
            == AppSpec.model_validate(EXAMPLE).model_dump(mode="json", exclude_none=True)["pages"])

    panel_user.find(marker="prop:lifecycle.end_date").type("2030-03-31")
    assert set(shown.panel.errors()) == {"lifecycle"}  # an end date and "no end" at once
    assert "either an end date or no_end" in element(panel_user, "error:lifecycle").text
    panel_user.find(marker="prop:lifecycle.no_end").click()
    assert shown.changes[-1]["lifecycle"] == {"retention_days": 365, "end_date": "2030-03-31", "no_end": False}

    panel_user.find(marker="prop:lifecycle.retention_days").clear()
    assert "retention_days" not in shown.changes[-1]["lifecycle"]

    panel_user.find(marker="prop:languages.ko").click()
    assert shown.changes[-1]["languages"] == ["ja", "en", "ko"]
    panel_user.find(marker="prop:languages.ja").click()  # Japanese is always there: the box comes back on
    assert shown.changes[-1]["languages"] == ["ja", "en", "ko"]
    assert element(panel_user, "prop:languages.ja").value is True

    panel_user.find(marker="prop:what_next.en").type("We will call you.")
    assert shown.changes[-1]["what_next"] == {"ja": "", "en": "We will call you."}
    panel_user.find(marker="prop:what_next.en").clear()
    assert "what_next" not in shown.changes[-1]  # an optional text left empty in every language


async def test_the_apps_colour_shows_how_well_white_text_reads_on_it(panel_user: User):
    shown = await show(panel_user, AppSpec, EXAMPLE, skip={"pages", "format_version"})
    field, reading = element(panel_user, "prop:colour"), element(panel_user, "contrast:colour")
    assert reading.text == ""  # no colour: the standard black bar
    # Typed or picked, the value arrives the same way (the simulated user cannot type into a colour input).
    field.set_value("#1d70b8")
    assert shown.changes[-1]["colour"] == "#1d70b8"
    assert reading.text.startswith("White text on it: 5.1:1. Too light") and "text-negative" in reading.classes

    field.set_value("#1d4f91")
    assert shown.changes[-1]["colour"] == "#1d4f91"
    assert reading.text.startswith("White text on it: 8.1:1. Enough") and "text-positive" in reading.classes

    field.set_value("navy")  # not a colour the pages can use
    assert set(shown.panel.errors()) == {"colour"} and reading.text == ""
    assert "expected" in element(panel_user, "error:colour").text and field.value == "navy"  # what staff typed stays

    field.set_value("")
    assert "colour" not in shown.changes[-1] and shown.panel.errors() == {}


async def test_a_new_widget_type_needs_no_editor_code(panel_user: User):
    class Shuttle(Question):
        type: Literal["shuttle"] = "shuttle"
        seats: int = Field(default=10, ge=1, le=60, title="Seats")
        colour: Literal["red", "blue"] = "red"
        title: ClassVar[str] = "Shuttle bus"

    data = {"type": "shuttle", "key": "bus", "label": {"ja": "バス"}}
    shown = await show(panel_user, Shuttle, data, questions=QUESTIONS)
    await panel_user.should_see("Seats")
    await panel_user.should_see("Colour")

    panel_user.find(marker="prop:seats").clear().type("0")
    assert shown.panel.errors() == {"seats": "Enter 1 or more"}
    assert element(panel_user, "prop:seats").error == "Enter 1 or more"
    panel_user.find(marker="prop:seats").clear().type("12")
    assert shown.changes[-1]["seats"] == 12

    panel_user.find(marker="prop:colour").click()
    panel_user.find("Blue").click()
    assert shown.changes[-1] == {"type": "shuttle", "key": "bus", "label": {"ja": "バス"}, "required": True,
                                 "seats": 12, "colour": "blue"}


async def test_a_field_of_an_unknown_kind_is_shown_read_only(panel_user: User):
    class Odd(BaseModel):
        name: str = ""
        extra: dict[str, int] = Field(default_factory=lambda: {"a": 1})

    shown = await show(panel_user, Odd, {"name": "x", "extra": {"a": 1}})
    await panel_user.should_see("cannot be edited here")
    await panel_user.should_see('"a": 1')
    panel_user.find(marker="prop:name").type("y")
    assert shown.changes[-1] == {"name": "xy", "extra": {"a": 1}}


def minimal(cls: type) -> dict:
    name = cls.model_fields["type"].default
    special = {
        "heading": {"text": {"ja": "見出し"}},
        "paragraph": {"text": {"ja": "本文"}},
        "notice": {"heading": {"ja": "お知らせ"}},
        "image": {"src": "https://www.city.date.hokkaido.jp/map.png", "alt": {"ja": "地図"}},
        "contact_card": {"department": {"ja": "市民課"}},
        "consent": {"key": "agree", "label": {"ja": "同意"}, "statement": {"ja": "同意します"}},
    }
    if name in special:
        data = {"type": name, **special[name]}
    else:
        data = {"type": name, "key": "q1", "label": {"ja": "質問"}}
        if "options" in cls.model_fields:
            data["options"] = [{"value": "a", "label": {"ja": "A"}}]
    widget_adapter.validate_python(data)
    return data


async def test_every_widget_type_renders_with_a_control_for_each_field(panel_user: User):
    datas = [minimal(cls) for cls in WIDGET_TYPES]
    shown = Shown()

    @ui.page("/")
    def page() -> None:
        for data in datas:
            shown.panels.append(PropertyPanel(widget_model(data), data, languages=["ja", "en", "ja-x-easy"],
                                              questions=QUESTIONS, on_change=shown.changes.append))

    await panel_user.open("/")
    assert [p.errors() for p in shown.panels] == [{}] * len(WIDGET_TYPES)
    assert shown.changes == []
    await panel_user.should_see("やさしい日本語")
    await panel_user.should_not_see("cannot be edited here")  # every built-in field has a real control
    for data, panel in zip(datas, shown.panels, strict=True):
        markers = {m for e in panel.root.descendants() for m in e._markers}
        for name in widget_model(data).model_fields:
            if name != "type":
                assert any(m == f"prop:{name}" or m.startswith(f"prop:{name}.") or m == f"add:{name}"
                           for m in markers), (data["type"], name)


async def test_every_control_has_a_label_and_every_button_an_accessible_name(panel_user: User):
    data = {**CHOICE, "hint": {"ja": "ひとつ"}, "show_if": {"key": "visited", "op": "equals", "value": "yes"}}
    await show(panel_user, widget_model(data), data, questions=QUESTIONS)
    with panel_user:
        elements = list(panel_user.client.layout.descendants())
    controls = [e for e in elements if isinstance(e, ValueElement)]
    assert controls
    for control in controls:
        assert control.props.get("label") or getattr(control, "text", ""), control
    buttons = [e for e in elements if isinstance(e, ui.button)]
    assert {b.props.get("aria-label") for b in buttons if not b.text} >= {"Move item 2 up", "Remove item 1"}
    assert all(b.text or b.props.get("aria-label") for b in buttons)


async def test_a_coroutine_on_change_is_awaited_in_order(panel_user: User):
    heard: list[str] = []

    async def on_change(data: dict) -> None:
        await asyncio.sleep(0.01 if data["key"] == "ab" else 0)
        heard.append(data["key"])

    data = {"type": "short_text", "key": "a", "label": {"ja": "町名"}}
    await show(panel_user, widget_model(data), data, on_change=on_change)
    panel_user.find(marker="prop:key").type("b")
    panel_user.find(marker="prop:key").type("c")
    for _ in range(50):
        if len(heard) == 2:
            break
        await asyncio.sleep(0.01)
    assert heard == ["ab", "abc"]


def test_question_refs_carry_the_values_a_condition_can_name():
    spec = AppSpec.model_validate(EXAMPLE)
    refs = question_refs(spec.questions(), "en")
    assert refs[0] == QuestionRef("visited", "Did you use the library this year?", ["yes", "no"])
    assert refs[1] == QuestionRef("book", "Title of a book you borrowed", None)


async def test_a_page_renders_its_widgets_read_only_when_they_are_not_skipped(panel_user: User):
    page = copy.deepcopy(EXAMPLE["pages"][0])
    shown = await show(panel_user, Page, page)
    await panel_user.should_see("cannot be edited here")
    panel_user.find(marker="prop:title.ja").type("図書館")
    assert shown.changes[-1]["title"] == {"ja": "図書館"}
    assert len(shown.changes[-1]["widgets"]) == 2
