"""The flow engine over (spec, answers): a specification of how a resident moves through an app."""

from starlette.datastructures import MultiDict

from generated_apps.domain import flow
from generated_apps.domain.i18n import Translator
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
    assert [(r.page, r.question.key, r.answer) for r in rows] == [
        (0, "visited", "Yes"), (1, "book", "坊っちゃん"), (2, "town", "")]
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


# The citizen survey's shape: a follow-up on page 3 opens when page 2 says yes, another on page 5 when
# page 4 says yes (issue 18: the count read 「5 / 7」 and then 「6 / 8」).
YES_NO = [{"value": "yes", "label": "はい"}, {"value": "no", "label": "いいえ"}]
OPENING = AppSpec.model_validate({"slug": "opening", "title": "増える質問", "pages": [
    {"widgets": [{"type": "paragraph", "text": "はじめに"}]},
    {"widgets": [{"type": "single_choice", "key": "bus", "label": "バス", "options": YES_NO}]},
    {"widgets": [{"type": "short_text", "key": "bus_why", "label": "なぜ",
                  "show_if": {"key": "bus", "op": "equals", "value": "yes"}}]},
    {"widgets": [{"type": "single_choice", "key": "trouble", "label": "困りごと", "options": YES_NO}]},
    {"widgets": [{"type": "short_text", "key": "trouble_what", "label": "何に",
                  "show_if": {"key": "trouble", "op": "equals", "value": "yes"}}]},
    {"widgets": [{"type": "short_text", "key": "comment", "label": "ご意見", "required": False}]},
]})


def test_the_question_count_says_at_least_while_answers_to_come_may_open_more_pages():
    assert flow.progress(OPENING, {}, 1) == flow.Progress(step=1, total=3, exact=False)
    # "no" to the bus: its follow-up stays shut, but the trouble question may still open one.
    assert flow.progress(OPENING, {"bus": "no"}, 3) == flow.Progress(step=2, total=3, exact=False)
    assert flow.progress(OPENING, {"bus": "yes"}, 2) == flow.Progress(step=2, total=4, exact=False)


def test_the_question_count_is_exact_once_no_answer_to_come_can_open_a_page():
    answers = {"bus": "yes", "bus_why": "病院", "trouble": "no"}
    assert flow.progress(OPENING, answers, 5) == flow.Progress(step=4, total=4, exact=True)
    answers = {"bus": "no", "trouble": "yes"}
    assert flow.progress(OPENING, answers, 4) == flow.Progress(step=3, total=4, exact=True)


def test_a_page_that_asks_nothing_has_no_count():
    assert flow.progress(OPENING, {}, 0) is None


def test_a_form_without_conditions_counts_exactly_from_the_start(example_spec):
    spec = AppSpec.model_validate({"slug": "plain", "title": "質問", "pages": [
        {"widgets": [{"type": "short_text", "key": "a", "label": "A"}]},
        {"widgets": [{"type": "short_text", "key": "b", "label": "B"}]}]})
    assert flow.progress(spec, {}, 0) == flow.Progress(step=1, total=2, exact=True)


def test_a_follow_up_of_an_unanswered_follow_up_may_still_open():
    spec = AppSpec.model_validate({"slug": "chain", "title": "連鎖", "pages": [
        {"widgets": [{"type": "single_choice", "key": "a", "label": "A", "options": YES_NO}]},
        {"widgets": [{"type": "single_choice", "key": "b", "label": "B", "options": YES_NO,
                      "show_if": {"key": "a", "op": "equals", "value": "yes"}}]},
        {"widgets": [{"type": "short_text", "key": "c", "label": "C",
                      "show_if": {"key": "b", "op": "equals", "value": "yes"}}]}]})
    assert flow.progress(spec, {"a": "yes"}, 1) == flow.Progress(step=2, total=2, exact=False)
    assert flow.progress(spec, {"a": "no"}, 0) == flow.Progress(step=1, total=1, exact=True)  # b, and so c, stay shut
