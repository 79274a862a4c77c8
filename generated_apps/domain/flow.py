"""The flow engine: pure functions over (spec, answers).

Which pages and questions are visible given the answers so far, the next and previous page,
where a resident may be, the check-answers list and per-field errors. No I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from widgets import AppSpec, Invalid, Question, Translator, Widget


def is_visible(widget: Widget, answers: Mapping[str, Any]) -> bool:
    return widget.show_if is None or widget.show_if.holds(answers)


def effective_answers(spec: AppSpec, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to questions that are visible now, in page order.

    A condition is judged only by answers that count themselves: when a resident changes an answer
    so that a follow-up is hidden, the follow-up's old answer no longer opens questions further on.
    """
    kept: dict[str, Any] = {}
    for page in spec.pages:
        for widget in page.widgets:
            if isinstance(widget, Question) and widget.key in answers and is_visible(widget, kept):
                kept[widget.key] = answers[widget.key]
    return kept


def visible_widgets(spec: AppSpec, answers: Mapping[str, Any], index: int) -> list[Widget]:
    effective = effective_answers(spec, answers)
    return [w for w in spec.pages[index].widgets if is_visible(w, effective)]


def visible_questions(spec: AppSpec, answers: Mapping[str, Any], index: int) -> list[Question]:
    return [w for w in visible_widgets(spec, answers, index) if isinstance(w, Question)]


def flow_pages(spec: AppSpec, answers: Mapping[str, Any]) -> list[int]:
    """Indexes of the pages a resident goes through with these answers, in order."""
    effective = effective_answers(spec, answers)
    return [i for i, page in enumerate(spec.pages) if any(is_visible(w, effective) for w in page.widgets)]


def question_pages(spec: AppSpec, answers: Mapping[str, Any]) -> list[int]:
    """The pages of the flow that ask something (for "Question 2 of 5")."""
    return [i for i in flow_pages(spec, answers) if visible_questions(spec, answers, i)]


@dataclass(frozen=True)
class Progress:
    """Where a page is among the pages that ask something: the 5th of 7. `exact` is False while an answer
    still to come may open more pages (a follow-up): 7 is then the least there will be, never a guess."""

    step: int
    total: int
    exact: bool


def progress(spec: AppSpec, answers: Mapping[str, Any], index: int) -> Progress | None:
    """The count for page `index`, None for a page that asks nothing. Answering on only ever opens pages
    (a condition waits on a question not yet answered), so an exact total stays and another only grows."""
    asking = question_pages(spec, answers)
    if index not in asking:
        return None
    waiting = _still_open(spec, answers)
    may_open = any(isinstance(w, Question) and w.show_if is not None and w.show_if.key in waiting
                   for i, page in enumerate(spec.pages) if i not in asking for w in page.widgets)
    return Progress(asking.index(index) + 1, len(asking), exact=not may_open)


def _still_open(spec: AppSpec, answers: Mapping[str, Any]) -> set[str]:
    """The questions not answered yet that may still be asked: shown now, or waiting on one of these."""
    effective = effective_answers(spec, answers)
    waiting: set[str] = set()
    for page in spec.pages:
        for w in page.widgets:
            if isinstance(w, Question) and w.key not in effective and (
                    w.show_if is None or w.show_if.key in waiting or w.show_if.holds(effective)):
                waiting.add(w.key)
    return waiting


def next_page(spec: AppSpec, answers: Mapping[str, Any], index: int) -> int | None:
    """The page after `index`, or None when the next step is the check-answers page."""
    return next((i for i in flow_pages(spec, answers) if i > index), None)


def previous_page(spec: AppSpec, answers: Mapping[str, Any], index: int) -> int | None:
    """The page before `index`, or None when it is the start page."""
    return next((i for i in reversed(flow_pages(spec, answers)) if i < index), None)


def first_unanswered(spec: AppSpec, answers: Mapping[str, Any]) -> int | None:
    """The first page with a visible question not yet answered; None when every one is."""
    effective = effective_answers(spec, answers)
    for i in flow_pages(spec, answers):
        if any(q.key not in effective for q in visible_questions(spec, answers, i)):
            return i
    return None


def may_visit(spec: AppSpec, answers: Mapping[str, Any], index: int) -> bool:
    """A resident may open a page they have reached, never skip past an unanswered one."""
    if not 0 <= index < len(spec.pages) or index not in flow_pages(spec, answers):
        return False
    gap = first_unanswered(spec, answers)
    return gap is None or index <= gap


def is_complete(spec: AppSpec, answers: Mapping[str, Any]) -> bool:
    return first_unanswered(spec, answers) is None


def submitted_answers(spec: AppSpec, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Only the answers to questions still visible: a hidden follow-up is not sent."""
    return effective_answers(spec, answers)


@dataclass(frozen=True)
class FieldError:
    question: Question
    message: str  # untranslated msgid
    params: dict[str, Any]


def submitter_contact(spec: AppSpec, answers: Mapping[str, Any]) -> tuple[str, str]:
    """The name and phone number the submitter gave (the first question that says it asks for each),
    "" for one not given: what a booking is made in."""
    def first(trait: str) -> str:
        return next((q.contact_text(answers[q.key]) for q in spec.questions()
                     if getattr(q, trait) and q.key in answers), "")

    return first("is_submitters_name"), first("is_submitters_phone")


def read_page(spec: AppSpec, index: int, form: Any,
              answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Validate a submitted page. `form` has getlist(name). Returns new answers and errors."""
    updates: dict[str, Any] = {}
    errors: list[FieldError] = []
    for question in visible_questions(spec, answers, index):
        raw = {name: [v for v in form.getlist(name) if isinstance(v, str)] for name in question.fields()}
        try:
            updates[question.key] = question.read(raw)
        except Invalid as invalid:
            errors.append(FieldError(question, invalid.message, invalid.params))
    return updates, errors


@dataclass(frozen=True)
class CheckRow:
    page: int
    question: Question
    answer: str  # as plain text (the staff's screens)
    value: Any = None
    tr: Translator | None = None

    @property
    def answer_html(self) -> Markup:
        """The answer for the check page: app text in another language than the page's marked with its lang."""
        return self.question.display_html(self.value, self.tr) if self.tr is not None else escape(self.answer)


def check_rows(spec: AppSpec, answers: Mapping[str, Any], tr: Translator) -> list[CheckRow]:
    effective = effective_answers(spec, answers)
    rows = []
    for i in flow_pages(spec, answers):
        for question in visible_questions(spec, answers, i):
            value = effective.get(question.key)
            rows.append(CheckRow(i, question, question.display(value, tr), value, tr))
    return rows
