"""The flow engine over (spec, answers): a specification of how a resident moves through an app."""

from starlette.datastructures import MultiDict

from generated_apps import flow
from generated_apps.i18n import Translator
from widgets import AppSpec


def spec_of(example_spec) -> AppSpec:
    return AppSpec.model_validate(example_spec)


def test_a_follow_up_question_is_shown_only_when_its_condition_holds(example_spec):
    spec = spec_of(example_spec)
    assert flow.flow_pages(spec, {}) == [0, 2]
    assert flow.flow_pages(spec, {"visited": "no"}) == [0, 2]
    assert flow.flow_pages(spec, {"visited": "yes"}) == [0, 1, 2]


def test_next_and_previous_skip_hidden_pages(example_spec):
    spec = spec_of(example_spec)
    assert flow.next_page(spec, {"visited": "no"}, 0) == 2
    assert flow.next_page(spec, {"visited": "yes"}, 0) == 1
    assert flow.next_page(spec, {"visited": "yes"}, 2) is None  # then: check your answers
    assert flow.previous_page(spec, {"visited": "no"}, 2) == 0
    assert flow.previous_page(spec, {"visited": "yes"}, 2) == 1
    assert flow.previous_page(spec, {}, 0) is None  # then: the start page


def test_a_resident_cannot_skip_past_an_unanswered_question(example_spec):
    spec = spec_of(example_spec)
    assert flow.may_visit(spec, {}, 0)
    assert not flow.may_visit(spec, {}, 2)
    assert flow.first_unanswered(spec, {}) == 0
    assert flow.first_unanswered(spec, {"visited": "yes"}) == 1
    assert flow.may_visit(spec, {"visited": "yes", "book": "坊っちゃん", "town": None}, 2)
    assert not flow.may_visit(spec, {"visited": "no"}, 1)  # hidden page
    assert not flow.may_visit(spec, {}, 7)


def test_an_optional_question_left_empty_counts_as_answered(example_spec):
    spec = spec_of(example_spec)
    assert flow.is_complete(spec, {"visited": "no", "town": None})
    assert not flow.is_complete(spec, {"visited": "no"})


def test_answers_to_questions_that_became_hidden_are_not_sent(example_spec):
    spec = spec_of(example_spec)
    answers = {"visited": "no", "book": "坊っちゃん", "town": "大町"}
    assert flow.submitted_answers(spec, answers) == {"visited": "no", "town": "大町"}


def test_reading_a_page_gives_answers_or_errors_per_field(example_spec):
    spec = spec_of(example_spec)
    updates, errors = flow.read_page(spec, 0, MultiDict([("visited", "yes")]), {})
    assert updates == {"visited": "yes"} and errors == []
    updates, errors = flow.read_page(spec, 0, MultiDict([]), {})
    assert updates == {} and [e.question.key for e in errors] == ["visited"]
    updates, errors = flow.read_page(spec, 0, MultiDict([("visited", "maybe")]), {})
    assert [e.question.key for e in errors] == ["visited"]


def test_the_check_list_has_one_row_per_visible_answer_in_the_residents_language(example_spec):
    spec = spec_of(example_spec)
    answers = {"visited": "yes", "book": "坊っちゃん", "town": None}
    rows = flow.check_rows(spec, answers, Translator("en"))
    assert [(r.page, r.question.key, r.answer) for r in rows] == [(0, "visited", "Yes"), (1, "book", "坊っちゃん"), (2, "town", "")]
    rows = flow.check_rows(spec, {"visited": "no", "town": "大町"}, Translator("ja"))
    assert [(r.question.key, r.answer) for r in rows] == [("visited", "いいえ"), ("town", "大町")]


def test_a_follow_up_of_a_hidden_follow_up_is_hidden_too():
    yes_no = [{"value": "yes", "label": "はい"}, {"value": "no", "label": "いいえ"}]
    spec = AppSpec.model_validate({"slug": "chain", "title": "連鎖", "pages": [
        {"widgets": [{"type": "single_choice", "key": "a", "label": "A", "options": yes_no}]},
        {"widgets": [{"type": "single_choice", "key": "b", "label": "B", "options": yes_no,
                      "show_if": {"key": "a", "op": "equals", "value": "yes"}}]},
        {"widgets": [{"type": "short_text", "key": "c", "label": "C",
                      "show_if": {"key": "b", "op": "equals", "value": "yes"}}]},
    ]})
    answers = {"a": "no", "b": "yes", "c": "hello"}  # a was changed to no after b and c were answered
    assert flow.flow_pages(spec, answers) == [0]
    assert flow.submitted_answers(spec, answers) == {"a": "no"}
    assert [r.question.key for r in flow.check_rows(spec, answers, Translator("ja"))] == ["a"]
    assert flow.is_complete(spec, answers)
