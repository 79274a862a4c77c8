"""The builder's preview: an unpublished draft rendered by the resident pages' own code.

Same templates, same flow engine, same validation as `ResidentSite`; only the addresses differ
(`{prefix}/{app_id}/{lang}/…`) and the answers are kept in memory for the preview alone. Nothing
is written to the database: a preview never creates a draft or a submission. Furigana are computed
from the draft as it is now (`{prefix}/{app_id}/{lang}/furigana/on` switches them on, as a resident would).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import MultiDict
from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response

from generated_apps.domain import flow, i18n
from generated_apps.domain.config import Settings
from generated_apps.domain.store import LiveApp, Store
from generated_apps.web import preferences
from generated_apps.web.forms import CSRF_COOKIE, BadForm, csrf_ok, read_form
from generated_apps.web.site import FramedPage, ResidentSite, abandoned, error_message, local_path
from widgets import AppSpec, furigana
from widgets.text import japanese_texts

PREVIEW_COOKIE = "mdg_preview"
SAMPLE_REFERENCE = "0000-0000"


@dataclass(frozen=True)
class PreviewApp(LiveApp):
    lang: str = "ja"


class PreviewSite(ResidentSite):
    page_class = FramedPage  # shown in the editor's frame
    def __init__(self, store: Store, settings: Settings, prefix: str) -> None:
        super().__init__(store, settings)
        self.prefix = prefix.rstrip("/")
        self._answers: OrderedDict[tuple[str, int], dict[str, Any]] = OrderedDict()

    def _url(self, live: LiveApp, tail: str = "") -> str:
        lang = live.lang if isinstance(live, PreviewApp) else "ja"
        return f"{self.prefix}/{live.app_id}/{lang}{tail}"

    def translator(self, request: Request) -> i18n.Translator:
        return i18n.Translator(request.path_params.get("lang") or "ja")

    def readings(self, spec: AppSpec | None, shown: bool) -> Mapping[str, str]:
        """The draft's furigana, computed now (each text once: furigana.annotate keeps them) so staff see
        them before publishing; with furigana off only what the page needs to show its text plain."""
        if spec is None:
            return super().readings(spec, shown)
        return furigana.readings(japanese_texts(spec), automatic=shown)

    # --- answers, per browser and app, in memory --------------------------------------------------

    def _session(self, request: Request) -> str:
        return request.cookies.get(PREVIEW_COOKIE) or ""

    def answers(self, request: Request, app_id: int) -> dict[str, Any]:
        return dict(self._answers.get((self._session(request), app_id), {}))

    def _keep(self, request: Request, response: Response, app_id: int, answers: dict[str, Any]) -> None:
        session = self._session(request)
        if not session:
            session = secrets.token_urlsafe(16)
            self._cookie(response, request, PREVIEW_COOKIE, session, max_age=None)
        self._answers[(session, app_id)] = answers
        self._answers.move_to_end((session, app_id))
        while len(self._answers) > 500:
            self._answers.popitem(last=False)

    def forget(self, request: Request, app_id: int) -> None:
        self._answers.pop((self._session(request), app_id), None)

    # --- the one entry point ----------------------------------------------------------------------

    async def respond(self, request: Request, app_id: int, spec: AppSpec, lang: str, path: str) -> Response:
        """The preview page at `path` ("", "p/3", "check", "done") of the draft `spec`."""
        live = PreviewApp(app_id=app_id, slug=spec.slug, version_id=None, version_number=None, spec=spec,
                          retired_at=None, retire_message=None, lang=lang)
        request.path_params["lang"] = lang
        form: MultiDict | None = None
        if request.method == "POST":
            try:
                form = await read_form(request)
            except BadForm as bad:
                return self.error_page(request, bad.status, spec)
            except ClientDisconnect:
                return abandoned()
        parts = path.strip("/").split("/") if path.strip("/") else []
        if len(parts) == 2 and parts[0] == "furigana":  # the editor's switch: the resident's own cookie
            response = RedirectResponse(local_path(request.query_params.get("next") or self._url(live)), status_code=303)
            if parts[1] in preferences.FURIGANA:
                self._cookie(response, request, preferences.FURIGANA_COOKIE, parts[1], preferences.REMEMBERED)
            return response
        if not parts:
            if form is not None:  # "start again"
                self.forget(request, app_id)
                return RedirectResponse(self._url(live), status_code=303)
            first = flow.flow_pages(spec, {})
            return self.render(request, "start.html", spec=spec, app=live,
                               start_url=self._page_url(live, first[0] if first else None),
                               has_questions=any(True for _ in spec.questions()), back_url=self._url(live))
        if parts[0] == "p" and len(parts) == 2 and parts[1].isascii() and parts[1].isdigit():  # never int("²")
            index = int(parts[1]) - 1
            if not 0 <= index < len(spec.pages):
                return self.not_found(request, spec)
            if form is None:
                return self._preview_page(request, live, spec, index)
            return self._preview_answer(request, live, spec, index, form)
        if parts == ["check"]:
            answers = self.answers(request, app_id)
            if form is not None:
                return RedirectResponse(self._url(live, "/done"), status_code=303)
            rows = flow.check_rows(spec, answers, self.translator(request))
            pages = flow.flow_pages(spec, answers)
            return self.render(request, "check.html", spec=spec, app=live, rows=rows, notice=None,
                               back_url=self._page_url(live, pages[-1]) if pages else self._url(live),
                               change_url=lambda row: self._page_url(live, row.page) + "?change=1",
                               submit_url=self._url(live, "/check"))
        if parts == ["done"]:
            return self.render(request, "done.html", spec=spec, app=live, reference=SAMPLE_REFERENCE,
                               restart_url=self._url(live), back_url=self._url(live))
        return self.not_found(request, spec)

    def _preview_page(self, request: Request, live: PreviewApp, spec: AppSpec, index: int) -> Response:
        # Staff may open any page directly, reached or not; conditions see the answers given so far.
        answers = self.answers(request, live.app_id)
        raws = {q.key: q.to_raw(answers[q.key]) for q in spec.pages[index].questions() if q.key in answers}
        return self._question_page(request, live, spec, index, answers, raws=raws)

    def _preview_answer(self, request: Request, live: PreviewApp, spec: AppSpec, index: int,
                        form: MultiDict) -> Response:
        answers = self.answers(request, live.app_id)
        raws = {q.key: {name: form.getlist(name) for name in q.fields()} for q in spec.pages[index].questions()}
        tr = self.translator(request)
        if not csrf_ok(self.secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            notice = tr.gettext("For your security, please press Continue again. Your answers on this page are kept.")
            return self._question_page(request, live, spec, index, answers, raws=raws, status=400, notice=notice)
        updates, field_errors = flow.read_page(spec, index, form, answers)
        field_errors += self.booking_views.check_choices(spec, index, answers, updates)  # times in words; no booking
        if field_errors:
            messages = {e.question.key: error_message(tr, e) for e in field_errors}
            targets = {e.question.key: e.params["field"] for e in field_errors if isinstance(e.params.get("field"), str)}
            return self._question_page(request, live, spec, index, answers, raws=raws, errors=messages,
                                       targets=targets, status=422)
        answers.update(updates)
        if request.query_params.get("change") == "1" and flow.first_unanswered(spec, answers) is None:
            target = self._url(live, "/check")
        else:
            target = self._page_url(live, flow.next_page(spec, answers, index))
        response = RedirectResponse(target, status_code=303)
        self._keep(request, response, live.app_id, answers)
        return response
