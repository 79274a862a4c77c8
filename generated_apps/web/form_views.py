"""The pages of an app's own form: its start page, one page of questions at a time, the check page,
sending it and the confirmation. The same views serve the live site and counter entry (modes.py);
the preview (preview.py) shows their pages with answers kept in memory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MultiDict
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from generated_apps.domain import flow, i18n
from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.bookings import Bookings
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.errors import BookingRefused
from generated_apps.domain.live import LiveApp, LiveApps
from generated_apps.domain.models import Draft
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import Submissions
from generated_apps.web.addresses import here as address_here
from generated_apps.web.addresses import via_code
from generated_apps.web.booking_views import BookingViews, refusal_code, refusal_message
from generated_apps.web.cookies import set_cookie
from generated_apps.web.forms import CSRF_COOKIE, HONEYPOT, csrf_ok
from generated_apps.web.modes import Live
from generated_apps.web.pages import PageKey, Pages
from generated_apps.web.resolve import Resolver, spec_of
from generated_apps.web.status_views import status_link
from widgets import AppSpec, Question, Widget, field_id, format_date
from widgets.slot_picker import SlotPicker

DRAFT_DAYS = 30  # how long a browser keeps the cookie naming its draft


@dataclass
class WidgetView:
    widget: Widget
    raw: Mapping[str, list[str]]
    error: str | None
    as_heading: bool
    error_field: str | None = None  # the form field the error is about, where a question has several
    data: Any = None  # what a widget shows from the database: a slot picker's week of times

    @property
    def template(self) -> str:
        return self.widget.template_name()


@dataclass
class ErrorLink:
    field_id: str
    text: str


class FormViews:
    def __init__(self, store: Store, time_zone: str, mode: Live, pages: Pages, resolver: Resolver,
                 bookings: Bookings, booking_views: BookingViews) -> None:
        self.store, self.zone, self.mode, self.pages, self.resolver = store, time_zone, mode, pages, resolver
        self.live_apps = LiveApps(store)
        self.drafts = Drafts(store)
        self.points = AccessPoints(store)
        self.submissions = Submissions(store)
        self.bookings, self.booking_views = bookings, booking_views

    def start(self, request: Request) -> Response:
        live = self.resolver.app(request)
        if isinstance(live, Response):
            return live
        via = via_code(request.query_params.get("via"))
        spec = spec_of(live)
        first = flow.flow_pages(spec, {})
        start_url = self.mode.page_url(live, first[0] if first else None) + (f"?via={via}" if via else "")
        has_questions = any(True for _ in spec.questions())
        lang = self.pages.translator(request).lang
        posted = i18n.format_moment(live.published_at, lang, self.zone) if live.published_at else None
        until = i18n.format_moment(live.retired_at, lang, self.zone) \
            if live.retired_at is not None and live.retired_at > self.store.now() else None
        return self.pages.render(request, "start.html", spec=spec, app=live, start_url=start_url,
                                 has_questions=has_questions, back_url="/", posted=posted, until=until,
                                 status_url=status_link(live), here=address_here(request, ("via",)),
                                 expired=request.query_params.get("expired") == "1")

    # --- a page of questions ---------------------------------------------------------------------------

    async def question(self, request: Request) -> Response:
        # The common case, a resident arriving from a poster: no draft yet, the app already known.
        # Served from memory without a thread or a database query.
        hit, live = self.live_apps.cached(request.path_params["slug"])
        if hit and live is not None and live.status(self.store.now()) == "live" and not request.scope["query_string"] \
                and self.mode.draft_cookie(live.app_id) not in request.cookies:
            spec, index = spec_of(live), request.path_params["number"] - 1
            key = ("question", live.version_id, index, self.pages.translator(request).lang)  # as render() keeps it
            kept = self.pages.kept(request, "question.html", key, spec.colour)
            if kept is not None:
                return kept
            # Only pages that pass these checks enter the cache, so a page found there passed them too.
            if flow.may_visit(spec, {}, index) and any(True for _ in spec.questions()):
                live_data = any(isinstance(w, SlotPicker) for w in spec.pages[index].widgets)
                return self.question_page(request, live, spec, index, {}, cache_key=None if live_data else key)
        return await run_in_threadpool(self.question_in_thread, request)

    def question_in_thread(self, request: Request) -> Response:
        found = self.resolver.form(request)
        if isinstance(found, Response):
            return found
        live, draft = found
        spec = self.live_apps.version_spec(draft.version_id) if draft else spec_of(live)
        answers = draft.answers if draft else {}
        index = request.path_params["number"] - 1
        if not flow.may_visit(spec, answers, index):
            if not 0 <= index < len(spec.pages):
                return self.pages.not_found(request, spec)
            return RedirectResponse(self.mode.page_url(live, flow.first_unanswered(spec, answers)), status_code=303)
        raws = {q.key: q.to_raw(answers[q.key]) for q in spec.pages[index].questions() if q.key in answers}
        refused = refusal_message(request.query_params.get("refused", ""))
        errors = {q.key: self.pages.translator(request).gettext(refused) for q in spec.pages[index].questions()
                  if isinstance(q, SlotPicker)} if refused else None
        return self.question_page(request, live, spec, index, answers, raws=raws, errors=errors)

    def question_page(self, request: Request, live: LiveApp, spec: AppSpec, index: int, answers: Mapping[str, Any],
                      *, raws: Mapping[str, Mapping[str, list[str]]] | None = None,
                      errors: Mapping[str, Any] | None = None, targets: Mapping[str, str] | None = None,
                      status: int = 200, notice: str | None = None, via: str | None = None,
                      cache_key: PageKey | None = None) -> Response:
        """One page of the form. `errors` is question key -> message; `targets` the form field each
        error summary link goes to; `raws` what the resident typed, by question key."""
        raws, errors, targets = raws or {}, errors or {}, targets or {}
        page = spec.pages[index]
        visible = flow.visible_widgets(spec, answers, index)
        questions = [w for w in visible if isinstance(w, Question)]
        one_question = len(questions) == 1
        views = [WidgetView(w, raws.get(w.key, {}) if isinstance(w, Question) else {},
                            errors.get(w.key) if isinstance(w, Question) else None,
                            as_heading=one_question and isinstance(w, Question),
                            error_field=targets.get(w.key) if isinstance(w, Question) else None,
                            data=self.booking_views.picker(request, w, self.mode.page_url(live, index))
                            if isinstance(w, SlotPicker) else None)
                 for w in visible]
        error_links = [ErrorLink(field_id(targets[q.key]) if q.key in targets else q.first_field_id(), errors[q.key])
                       for q in questions if q.key in errors]
        change = request.query_params.get("change") == "1"
        previous = flow.previous_page(spec, answers, index)
        back_url = self.mode.url(live, "/check") if change else (
            self.mode.page_url(live, previous) if previous is not None else self.mode.url(live))
        action = self.mode.page_url(live, index) + ("?change=1" if change else "")
        # Where the links of the reading aids come back to: the poster's code until a draft keeps it,
        # and the week a slot picker shows (as the picker worked it out, inside the booking window: never
        # the address's own text).
        here = address_here(request, () if answers else ("via",))
        week = next((v.data["days"][0]["iso"] for v in views if v.data and v.data.get("days")), None)
        if week:
            here += ("&" if "?" in here else "?") + urlencode({"week": week})
        return self.pages.render(
            request, "question.html", status, spec=spec, app=live, page=page, views=views,
            one_question=one_question, heading=questions[0].label if one_question else (page.title or spec.title),
            error_links=error_links, action=action, back_url=back_url, notice=notice,
            via=via if via is not None else "" if answers else via_code(request.query_params.get("via")),
            progress=flow.progress(spec, answers, index), cache_key=cache_key,
            here=here,
        )

    def read_answers(self, request: Request, spec: AppSpec, index: int, answers: Mapping[str, Any],
                     form: MultiDict) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The answers a page sent, checked: (updates, None), or ({}, what question_page needs to show the
        page again with its errors). Times chosen are checked against the database, never booked."""
        updates, field_errors = flow.read_page(spec, index, form, answers)
        field_errors += self.booking_views.check_choices(spec, index, answers, updates)
        if not field_errors:
            return updates, None
        tr = self.pages.translator(request)
        return {}, {"raws": sent_raws(spec, index, form),
                    "errors": {e.question.key: error_message(tr, e) for e in field_errors},
                    "targets": {e.question.key: e.params["field"] for e in field_errors
                                if isinstance(e.params.get("field"), str)}}

    def answer(self, request: Request, form: MultiDict) -> Response:
        found = self.resolver.form(request)
        if isinstance(found, Response):
            self._keep_page_of_retired(request, form)  # retired while the resident was answering?
            return found
        live, draft = found
        index = request.path_params["number"] - 1
        # A new draft starts on the version live now, never on one a form names: an old version
        # may lack a question added since (a consent, say).
        spec = self.live_apps.version_spec(draft.version_id) if draft else spec_of(live)
        answers = dict(draft.answers) if draft else {}
        if not 0 <= index < len(spec.pages):
            return self.pages.not_found(request, spec)
        if not flow.may_visit(spec, answers, index):
            # An expired or unknown draft, or a page further on than the resident has reached.
            if draft is None and request.cookies.get(self.mode.draft_cookie(live.app_id)):
                return RedirectResponse(self.mode.url(live, "?expired=1"), status_code=303)
            return RedirectResponse(self.mode.page_url(live, flow.first_unanswered(spec, answers)), status_code=303)
        via = via_code(form.get("via"))
        if not csrf_ok(self.pages.secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            return self.question_page(request, live, spec, index, answers, raws=sent_raws(spec, index, form),
                                      status=400, notice=self.csrf_notice(request), via=via)
        if form.get(HONEYPOT):
            return RedirectResponse(self.mode.page_url(live, index), status_code=303)
        updates, problems = self.read_answers(request, spec, index, answers, form)
        if problems is not None:
            return self.question_page(request, live, spec, index, answers, status=422, via=via, **problems)
        answers.update(updates)
        response = RedirectResponse("", status_code=303)
        if draft is None:
            point = self.points.by_code(via) if via else None  # only a real code of this app is kept
            via = point.code if point is not None and point.app_id == live.app_id else ""
            if live.version_id is None:  # never: Resolver.form lets through only an app with a version
                raise ValueError(f"{live.slug}: no version to answer")
            draft = self.drafts.create(live.app_id, live.version_id, answers, access_point=via or None)
            set_cookie(response, request, self.mode.draft_cookie(live.app_id), draft.id,
                       max_age=DRAFT_DAYS * 24 * 3600)
        else:
            self.drafts.save_answers(draft.id, answers)
        if request.query_params.get("change") == "1":
            # Back to the check page, unless the change opened a question not yet answered.
            gap = flow.first_unanswered(spec, answers)
            target = self.mode.url(live, "/check") if gap is None else self.mode.page_url(live, gap) + "?change=1"
        else:
            target = self.mode.page_url(live, flow.next_page(spec, answers, index))
        response.headers["location"] = target
        return response

    def csrf_notice(self, request: Request) -> str:
        return self.pages.translator(request).gettext(
            "For your security, please press Continue again. Your answers on this page are kept.")

    def _keep_page_of_retired(self, request: Request, form: MultiDict) -> None:
        """Add the valid answers of a page sent after the app retired to the resident's unsent draft."""
        live = self.resolver.retired_app(request)
        if live is None:
            return
        draft = self.resolver.draft(request, live)
        if draft is None or draft.submission_id is not None:
            return
        if not csrf_ok(self.pages.secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            return
        spec, index = self.live_apps.version_spec(draft.version_id), request.path_params["number"] - 1
        if 0 <= index < len(spec.pages) and flow.may_visit(spec, draft.answers, index):
            updates, _errors = flow.read_page(spec, index, form, draft.answers)
            if updates:
                self.drafts.save_answers(draft.id, {**draft.answers, **updates})

    # --- checking and sending ---------------------------------------------------------------------------

    def check(self, request: Request) -> Response:
        found = self.resolver.form(request)
        if isinstance(found, Response):
            return found
        live, draft = found
        if draft is None:
            return RedirectResponse(self.mode.url(live), status_code=303)
        return self._check_page(request, live, draft)

    def _check_page(self, request: Request, live: LiveApp, draft: Draft, status: int = 200,
                    notice: str | None = None) -> Response:
        spec = self.live_apps.version_spec(draft.version_id)
        if not flow.is_complete(spec, draft.answers):
            return RedirectResponse(self.mode.page_url(live, flow.first_unanswered(spec, draft.answers)),
                                    status_code=303)
        return self.check_page(request, live, spec, draft.answers, status, notice,
                               submit_url=self.mode.url(live, "/submit"))

    def check_page(self, request: Request, live: LiveApp, spec: AppSpec, answers: Mapping[str, Any],
                   status: int = 200, notice: str | None = None, *, submit_url: str) -> Response:
        """The answers to check before sending, each with a link to change it."""
        rows = flow.check_rows(spec, answers, self.pages.translator(request))
        pages = flow.flow_pages(spec, answers)
        return self.pages.render(request, "check.html", status, spec=spec, app=live, rows=rows, notice=notice,
                                 back_url=self.mode.page_url(live, pages[-1]) if pages else self.mode.url(live),
                                 change_url=lambda row: self.mode.page_url(live, row.page) + "?change=1",
                                 submit_url=submit_url)

    def submit(self, request: Request, form: MultiDict) -> Response:
        found = self.resolver.form(request)
        if isinstance(found, Response):
            return found
        live, draft = found
        if draft is None:
            return RedirectResponse(self.mode.url(live, "?expired=1"), status_code=303)
        tr = self.pages.translator(request)
        if not csrf_ok(self.pages.secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            notice = tr.gettext("For your security, please press Send again. Your answers are kept.")
            return self._check_page(request, live, draft, 400, notice)
        if form.get(HONEYPOT):
            return RedirectResponse(self.mode.url(live, "/check"), status_code=303)
        spec = self.live_apps.version_spec(draft.version_id)
        if not flow.is_complete(spec, draft.answers):
            return RedirectResponse(self.mode.page_url(live, flow.first_unanswered(spec, draft.answers)),
                                    status_code=303)
        answers = flow.submitted_answers(spec, draft.answers)
        pickers = [q for q in spec.questions() if isinstance(q, SlotPicker) and q.key in answers]
        if not pickers:
            self.drafts.submit(draft, answers, tr.lang, entered_by=self.mode.entered_by(request))
            return RedirectResponse(self.mode.url(live, "/done"), status_code=303)
        # The places are taken now, with the submission, in one transaction.
        name, phone = flow.submitter_contact(spec, answers)
        try:
            self.bookings.submit(draft, answers, tr.lang, [answers[q.key]["slot"] for q in pickers], name, phone,
                                 entered_by=self.mode.entered_by(request))
        except BookingRefused as refused:
            picker = next((q for q in pickers if answers[q.key]["slot"] == refused.params.get("slot_id")), None)
            if picker is None:  # no name or phone to book in
                return self._check_page(request, live, draft, 422, tr.format(refused.msgid))
            page = next(i for i, p in enumerate(spec.pages) if picker in p.widgets)
            return RedirectResponse(self.mode.page_url(live, page) + f"?change=1&refused={refusal_code(refused)}",
                                    status_code=303)
        return RedirectResponse(self.mode.url(live, "/done"), status_code=303)

    def done(self, request: Request) -> Response:
        # A resident who sent the form can see their reference number again, even once the app is retired.
        live = self.resolver.app(request, retired_ok=True)
        if isinstance(live, Response):
            return live
        draft = self.resolver.draft(request, live)
        if draft is None or draft.submission_id is None:
            if live.status(self.store.now()) == "retired":
                return self.resolver.retired(request, live, unsent=draft is not None)
            return RedirectResponse(self.mode.url(live), status_code=303)
        return self.done_page(request, live, draft.submission_id, back_url=self.mode.url(live),
                              status_url=status_link(live))

    def done_page(self, request: Request, live: LiveApp, submission_id: int, *, back_url: str | None,
                  status_url: str | None) -> Response:
        """The confirmation of a submission, with its reference number and what it booked."""
        submission = self.submissions.get(submission_id)
        if submission is None:  # never: a draft names its submission until both are purged, together
            raise LookupError(f"submission {submission_id} is gone")
        spec = self.live_apps.version_spec(submission.version_id)
        return self.pages.render(request, "done.html", spec=spec, app=live, reference=submission.reference,
                                 restart_url=self.mode.url(live, "/restart"), back_url=back_url,
                                 booked=self.booking_views.booked(request, submission_id),
                                 calendar_url=self.mode.url(live, "/booking.ics"),
                                 cancel_url=self.mode.url(live, "/cancel"), status_url=status_url)

    def restart(self, request: Request, form: MultiDict) -> Response:
        """Start the form again from the beginning (after sending it): forget the draft cookie."""
        live = self.resolver.app(request)
        if isinstance(live, Response):
            return live
        response = RedirectResponse(self.mode.url(live), status_code=303)
        if csrf_ok(self.pages.secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            response.delete_cookie(self.mode.draft_cookie(live.app_id), path="/")
        return response


def sent_raws(spec: AppSpec, index: int, form: MultiDict) -> dict[str, dict[str, list[str]]]:
    """What the resident typed on page `index`, by question key: shown again with an error."""
    return {q.key: {name: form.getlist(name) for name in q.fields()} for q in spec.pages[index].questions()}


def error_message(tr: i18n.Translator, error: flow.FieldError) -> i18n.PageMessage:
    """A widget's message in the resident's language, with the question's label and readable dates;
    made into HTML as the page is rendered, with furigana where the resident chose them."""
    params = {k: format_date(v, tr.lang) if isinstance(v, dt.date) else v for k, v in error.params.items()}
    params["label"] = error.question.label  # marked lang="ja" when it falls back to Japanese
    return tr.later(error.message, **params)
