"""The builder's preview: an unpublished draft rendered by the resident pages' own views.

The same templates, flow engine and validation as the live site, in the preview mode (modes.Preview):
only the addresses differ (`{prefix}/{app_id}/{lang}/…`), and the answers are kept in memory for the
preview alone. Nothing is written to the database: a preview never creates a draft or a submission.
Furigana are computed from the draft as it is now (`{prefix}/{app_id}/{lang}/furigana/on` switches
them on, as a resident would).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import MultiDict
from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response

from generated_apps.domain import flow
from generated_apps.domain.config import Settings
from generated_apps.domain.live import LiveApp
from generated_apps.domain.store import Store
from generated_apps.web import preferences
from generated_apps.web.addresses import local_path
from generated_apps.web.cookies import set_cookie
from generated_apps.web.forms import CSRF_COOKIE, BadForm, csrf_ok, read_form
from generated_apps.web.modes import Preview
from generated_apps.web.posts import abandoned
from generated_apps.web.site import ResidentSite
from widgets import AppSpec

PREVIEW_COOKIE = "mdg_preview"
SAMPLE_REFERENCE = "0000-0000"


@dataclass(frozen=True)
class PreviewApp(LiveApp):
    lang: str = "ja"


class PreviewAnswers:
    """The answers given in the preview, per browser (a session cookie) and app, in memory: the most
    recent 500 kept."""

    def __init__(self) -> None:
        self._answers: OrderedDict[tuple[str, int], dict[str, Any]] = OrderedDict()

    @staticmethod
    def _session(request: Request) -> str:
        return request.cookies.get(PREVIEW_COOKIE) or ""

    def get(self, request: Request, app_id: int) -> dict[str, Any]:
        return dict(self._answers.get((self._session(request), app_id), {}))

    def keep(self, request: Request, response: Response, app_id: int, answers: dict[str, Any]) -> None:
        session = self._session(request)
        if not session:
            session = secrets.token_urlsafe(16)
            set_cookie(response, request, PREVIEW_COOKIE, session, max_age=None)
        self._answers[(session, app_id)] = answers
        self._answers.move_to_end((session, app_id))
        while len(self._answers) > 500:
            self._answers.popitem(last=False)

    def forget(self, request: Request, app_id: int) -> None:
        self._answers.pop((self._session(request), app_id), None)


class PreviewSite:
    def __init__(self, store: Store, settings: Settings, prefix: str) -> None:
        self.mode = Preview(prefix)
        site = ResidentSite(store, settings, self.mode)
        self.pages, self.forms = site.pages, site.forms
        self.answers = PreviewAnswers()

    async def respond(self, request: Request, app_id: int, spec: AppSpec, lang: str, path: str) -> Response:
        """The preview page at `path` ("", "p/3", "check", "done") of the draft `spec`."""
        live = PreviewApp(app_id=app_id, slug=spec.slug, version_id=None, version_number=None, spec=spec,
                          retired_at=None, retire_message=None, lang=lang)
        request.path_params["lang"] = lang
        url, pages = self.mode.url, self.pages
        form: MultiDict | None = None
        if request.method == "POST":
            try:
                form = await read_form(request)
            except BadForm as bad:
                return pages.error_page(request, bad.status, spec)
            except ClientDisconnect:
                return abandoned()
        parts = path.strip("/").split("/") if path.strip("/") else []
        if len(parts) == 2 and parts[0] == "furigana":  # the editor's switch: the resident's own cookie
            response = RedirectResponse(local_path(request.query_params.get("next") or url(live)), status_code=303)
            if parts[1] in preferences.FURIGANA:
                set_cookie(response, request, preferences.FURIGANA_COOKIE, parts[1], preferences.REMEMBERED)
            return response
        if not parts:
            if form is not None:  # "start again"
                self.answers.forget(request, app_id)
                return RedirectResponse(url(live), status_code=303)
            first = flow.flow_pages(spec, {})
            return pages.render(request, "start.html", spec=spec, app=live,
                                start_url=self.mode.page_url(live, first[0] if first else None),
                                has_questions=any(True for _ in spec.questions()), back_url=url(live))
        if parts[0] == "p" and len(parts) == 2 and parts[1].isascii() and parts[1].isdigit():  # never int("²")
            index = int(parts[1]) - 1
            if not 0 <= index < len(spec.pages):
                return pages.not_found(request, spec)
            if form is None:
                return self._page(request, live, spec, index)
            return self._answer(request, live, spec, index, form)
        if parts == ["check"]:
            if form is not None:
                return RedirectResponse(url(live, "/done"), status_code=303)
            return self.forms.check_page(request, live, spec, self.answers.get(request, app_id),
                                         submit_url=url(live, "/check"))
        if parts == ["done"]:
            return pages.render(request, "done.html", spec=spec, app=live, reference=SAMPLE_REFERENCE,
                                restart_url=url(live), back_url=url(live))
        return pages.not_found(request, spec)

    def _page(self, request: Request, live: PreviewApp, spec: AppSpec, index: int) -> Response:
        # Staff may open any page directly, reached or not; conditions see the answers given so far.
        answers = self.answers.get(request, live.app_id)
        raws = {q.key: q.to_raw(answers[q.key]) for q in spec.pages[index].questions() if q.key in answers}
        return self.forms.question_page(request, live, spec, index, answers, raws=raws)

    def _answer(self, request: Request, live: PreviewApp, spec: AppSpec, index: int, form: MultiDict) -> Response:
        answers = self.answers.get(request, live.app_id)
        if not csrf_ok(self.pages.secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            raws = {q.key: {name: form.getlist(name) for name in q.fields()} for q in spec.pages[index].questions()}
            return self.forms.question_page(request, live, spec, index, answers, raws=raws, status=400,
                                            notice=self.forms.csrf_notice(request))
        updates, problems = self.forms.read_answers(request, spec, index, answers, form)  # times in words; no booking
        if problems is not None:
            return self.forms.question_page(request, live, spec, index, answers, status=422, **problems)
        answers.update(updates)
        if request.query_params.get("change") == "1" and flow.first_unanswered(spec, answers) is None:
            target = self.mode.url(live, "/check")
        else:
            target = self.mode.page_url(live, flow.next_page(spec, answers, index))
        response = RedirectResponse(target, status_code=303)
        self.answers.keep(request, response, live.app_id, answers)
        return response
