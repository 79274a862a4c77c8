"""Properties of the flow engine, for any answers to any app template (Hypothesis).

Whatever a resident has answered, in whatever order, with whatever a browser or a bot sends:
the pages form one forward path, Back retraces it, a resident can never be sent past a question
left unanswered, hidden answers never count, and reading a page only ever yields values or errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.datastructures import MultiDict

from generated_apps.domain import flow
from widgets import AppSpec, Question

TEMPLATES = Path(__file__).resolve().parents[2] / "builder" / "app_templates"
APPS = [AppSpec.model_validate_json(path.read_bytes()) for path in sorted(TEMPLATES.glob("*.json"))
        if path.name != "index.json"]
HOSTILE = st.one_of(st.text(max_size=30), st.sampled_from(["", " ", "<script>", "\x00", "1950", "yes", "no", "99999"]))


def options(question: Question) -> list[str]:
    return [o.value for o in getattr(question, "options", None) or []]


@st.composite
def answers_for(draw, spec: AppSpec) -> dict:
    """Answers as a draft may hold them: some questions answered (with a choice they offer, which is what
    opens follow-ups, or a value read from text), others not."""
    answers = {}
    for question in (w for page in spec.pages for w in page.widgets if isinstance(w, Question)):
        if not draw(st.booleans()):
            continue
        values = options(question)
        if question.type == "multiple_choice" and values:
            answers[question.key] = draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
        elif values:
            answers[question.key] = draw(st.sampled_from(values))
        else:
            answers[question.key] = draw(st.text(min_size=1, max_size=10))
    return answers


@pytest.mark.parametrize("spec", APPS, ids=lambda s: s.slug)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_pages_are_one_forward_path_that_back_retraces(spec, data):
    answers = data.draw(answers_for(spec))
    pages = flow.flow_pages(spec, answers)
    assert pages == sorted(set(pages)) and all(0 <= i < len(spec.pages) for i in pages)
    # Forward from the first page visits exactly the flow's pages; Back from each returns the same way.
    walked, here = [], pages[0] if pages else None
    while here is not None:
        walked.append(here)
        here = flow.next_page(spec, answers, here)
    assert walked == pages
    for before, after in zip(pages, pages[1:], strict=False):
        assert flow.previous_page(spec, answers, after) == before
    if pages:
        assert flow.previous_page(spec, answers, pages[0]) is None


@pytest.mark.parametrize("spec", APPS, ids=lambda s: s.slug)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_only_visible_answers_count_and_nobody_skips_an_unanswered_question(spec, data):
    answers = data.draw(answers_for(spec))
    effective = flow.effective_answers(spec, answers)
    assert set(effective) <= set(answers)
    assert flow.effective_answers(spec, effective) == effective  # judged once, judged for good
    assert flow.submitted_answers(spec, answers) == effective
    gap = flow.first_unanswered(spec, answers)
    assert flow.is_complete(spec, answers) == (gap is None)
    for index in range(-2, len(spec.pages) + 2):
        allowed = flow.may_visit(spec, answers, index)
        if allowed:
            assert index in flow.flow_pages(spec, answers) and (gap is None or index <= gap)
    if flow.flow_pages(spec, answers):
        assert flow.may_visit(spec, answers, flow.flow_pages(spec, answers)[0])


@pytest.mark.parametrize("spec", [s for s in APPS if list(s.questions())], ids=lambda s: s.slug)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_reading_any_form_yields_values_or_errors_for_the_visible_questions_only(spec, data):
    answers = data.draw(answers_for(spec))
    index = data.draw(st.sampled_from(range(len(spec.pages))))
    visible = flow.visible_questions(spec, answers, index)
    names = [name for q in spec.pages[index].questions() for name in q.fields()] + ["csrf", "other", ""]
    form = MultiDict([(name, value) for name in names for value in data.draw(st.lists(HOSTILE, max_size=3))])
    updates, errors = flow.read_page(spec, index, form, answers)
    assert set(updates) <= {q.key for q in visible}
    assert {e.question.key for e in errors} <= {q.key for q in visible}
    assert not set(updates) & {e.question.key for e in errors}  # a question is either read or refused
    assert all(isinstance(e.message, str) and e.message for e in errors)


@pytest.mark.parametrize("spec", [s for s in APPS if list(s.questions())], ids=lambda s: s.slug)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_question_count_never_contradicts_itself_as_the_resident_answers_on(spec, data):
    """Answering one more question never lowers the count's total, and never changes a total said to be
    exact: 「5問目（全部で7問以上）」 may become 8, 「5問目（全部で7問）」 stays 7 (issue 18)."""
    answers = data.draw(answers_for(spec))
    effective = flow.effective_answers(spec, answers)
    unanswered = [q for q in spec.questions() if q.key not in effective]
    if not unanswered:
        return
    question = data.draw(st.sampled_from(unanswered))
    values = options(question)
    if question.type == "multiple_choice" and values:
        value = data.draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
    else:
        value = data.draw(st.sampled_from(values) if values else st.text(min_size=1, max_size=10))
    more = {**answers, question.key: value}
    for index in flow.question_pages(spec, answers):
        before = flow.progress(spec, answers, index)
        after = flow.progress(spec, more, index)
        assert before is not None and before.step == flow.question_pages(spec, answers).index(index) + 1
        if after is None:  # the page closed: only possible when an answer it depended on changed, never here
            raise AssertionError(f"page {index} closed when {question.key} was answered")
        assert after.total >= before.total
        if before.exact:
            assert after.total == before.total and after.exact
