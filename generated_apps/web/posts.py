"""How every form is received: the per-address limit, the body read safely, then the view in a thread;
and how errors become pages."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MultiDict
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Match

from generated_apps.web.forms import BadForm, read_form
from generated_apps.web.lookup import POST_PERIOD, PostLimit
from generated_apps.web.pages import Pages

log = logging.getLogger("madoguchi")

FormHandler = Callable[[Request, MultiDict], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


class Posts:
    def __init__(self, pages: Pages, post_limit: PostLimit | None) -> None:
        self.pages = pages
        self.post_limit = post_limit  # forms sent per client address; None where not limited

    def view(self, handler: FormHandler) -> Endpoint:
        """A POST endpoint: read the form safely, then run `handler` (it uses the database) in a thread."""

        async def endpoint(request: Request) -> Response:
            client = request.client.host if request.client else "?"
            if self.post_limit is not None and not self.post_limit.allows(client):
                response = await run_in_threadpool(self.pages.error_page, request, 429)
                response.raw_headers.append((b"retry-after", str(int(POST_PERIOD)).encode()))
                return response
            try:
                form = await read_form(request)
            except BadForm as bad:
                return await run_in_threadpool(self.pages.error_page, request, bad.status)
            except ClientDisconnect:
                return abandoned()
            return await run_in_threadpool(handler, request, form)

        return endpoint


def exception_handlers(pages: Pages) -> dict[Any, Any]:
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return await run_in_threadpool(pages.not_found, request)
        response = await run_in_threadpool(pages.error_page, request, exc.status_code)
        if exc.status_code == 405:  # the methods this address takes: GET and POST are often two routes
            response.headers["Allow"] = allowed_methods(request)
        return response

    async def server_error(request: Request, exc: Exception) -> Response:
        return await run_in_threadpool(pages.error_page, request, 500)

    return {HTTPException: http_error, Exception: server_error}


def abandoned() -> Response:
    """A form whose browser went away before all of it arrived (a closed tab, a lost signal, or the
    body deadline of asgi.TimedHTTP): one calm line in the log, no traceback, and nobody to answer."""
    log.info("A form was abandoned before all of it arrived: nothing was read or kept.")
    return Response(status_code=400)


def allowed_methods(request: Request) -> str:
    """The Allow header of a 405: every method some route of the app takes at this address."""
    methods = {method for route in request.app.router.routes
               if route.matches(request.scope)[0] == Match.PARTIAL for method in getattr(route, "methods", None) or ()}
    return ", ".join(sorted(methods))
