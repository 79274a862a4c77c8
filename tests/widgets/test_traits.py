"""Each widget type declares its own traits (how a summary charts it; whether it asks the submitter's
name or phone): the summary, the lint and the booking read them, never a list of types or classes."""

from __future__ import annotations

import typing

from generated_apps.domain import flow, summary
from widgets import REGISTRY, AppSpec
from widgets.base import Chart


def test_every_question_type_says_how_it_is_charted():
    for name, cls in REGISTRY.items():
        if cls.is_question:
            assert cls.chart in typing.get_args(Chart), name
    assert summary.CHOICE_TYPES == {"single_choice", "multiple_choice", "dropdown", "yes_no"}
    assert [summary.kind_of(t) for t in ("rating", "date", "consent", "short_text", "gone")] == \
        ["histogram", "text", "text", "text", "text"]
    assert [summary.kind_of(t, for_staff=True) for t in ("date", "consent")] == ["dates", "consent"]


def test_the_name_and_phone_a_booking_is_made_in_are_the_questions_that_say_they_ask_them():
    assert [name for name, cls in REGISTRY.items() if cls.is_question and cls.is_submitters_name] == ["name"]
    assert [name for name, cls in REGISTRY.items() if cls.is_question and cls.is_submitters_phone] == ["phone"]
    spec = AppSpec.model_validate({"slug": "gym", "title": {"ja": "体育館"}, "pages": [{"widgets": [
        {"type": "short_text", "key": "note", "label": {"ja": "備考"}},
        {"type": "name", "key": "who", "label": {"ja": "氏名"}},
        {"type": "phone", "key": "tel", "label": {"ja": "電話"}}]}]})
    answers = {"note": "x", "who": {"name": "伊達 花子", "reading": None}, "tel": "0142233331"}
    assert flow.submitter_contact(spec, answers) == ("伊達 花子", "0142233331")
    assert flow.submitter_contact(spec, {"note": "x"}) == ("", "")


def test_what_open_data_counts_and_what_makes_an_app_an_application_are_traits_too():
    from generated_apps.domain import open_data
    assert summary.COUNTED_TYPES == open_data.COUNTED
    assert {name for name, cls in REGISTRY.items() if cls.is_question and cls.identifies_submitter} == \
        open_data.IDENTIFYING
    assert REGISTRY["rating"].icon == "star" and REGISTRY["slot_picker"].icon == "widgets"  # the palette's


def test_every_type_declares_an_example_of_itself_and_a_question_an_answer_it_takes_back():
    """The tests of every type draw, read and answer each type's own example (tests/widgets/conftest.py):
    a new type without one fails here, by name, rather than somewhere further on."""
    from pydantic import ValidationError

    from widgets import Invalid, Question, widget_adapter

    for name, cls in REGISTRY.items():
        example = cls.__dict__.get("example")  # its own: an inherited one is another type's
        assert isinstance(example, dict), f"widget type {name!r} declares no `example` (the widget as staff write it)"
        try:
            widget = widget_adapter.validate_python(example)
        except ValidationError as error:
            raise AssertionError(f"the example of widget type {name!r} is not a valid widget:\n{error}") from None
        assert type(widget) is cls, f"the example of widget type {name!r} is a {widget.type!r}"
        if not isinstance(widget, Question):
            continue
        assert "example_answer" in cls.__dict__, f"question type {name!r} declares no `example_answer`"
        answer = cls.__dict__["example_answer"]
        raw = widget.to_raw(answer)
        assert raw, f"question type {name!r}: to_raw({answer!r}) gives an empty form"
        try:
            read = widget.read(raw)
        except Invalid as error:
            raise AssertionError(f"question type {name!r} refuses the form of its example answer {raw!r}: "
                                 f"{error.message}") from None
        assert read == answer, f"question type {name!r} reads its example answer {answer!r} back as {read!r}"
