"""The staff side's route table: every path, what answers it, and who may open it.

Every route passes the one guard (guard.py) before its handler runs, but the paths in
guard.PUBLIC_PATHS; `admin` names the action of a page only admins may open. A handler is a function
`(site, request, user, **path_and_query_parameters)`; a page's builds its UI on NiceGUI's event loop,
a plain route's sync handler runs in a thread (it reads the database and makes files).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.responses import Response
from nicegui import app as nicegui_app
from nicegui import ui

from generated_apps.domain.config import Settings
from generated_apps.domain.store import Store

from . import (
    access,
    audit,
    banner,
    calendar,
    charts,
    counter,
    dashboard,
    editor,
    gallery,
    preview,
    publishing,
    resources,
    sign_in,
    submission,
    submissions,
    users,
)
from .frame import STAFF_CSS
from .guard import PUBLIC_PATHS, Refusal, in_thread, unauthorized
from .site import StaffSite

PAGE, GET, GET_POST = "page", "GET", "GET, POST"  # a NiceGUI page; plain HTTP routes


@dataclass(frozen=True)
class Route:
    path: str
    handler: Callable[..., Any]
    kind: str = PAGE
    admin: str | None = None  # only admins pass; a refusal is recorded under this action
    refusal: Refusal | None = None  # a file's answer when not signed in, instead of the sign-in page


ROUTES = (
    Route("/signin/session",                            sign_in.new_session, GET),
    Route("/setup",                                     sign_in.setup),
    Route("/signin",                                    sign_in.signin),
    Route("/signout",                                   sign_in.signout, GET),
    Route("/lang/{lang}",                               sign_in.set_language, GET),
    Route("/",                                          dashboard.page),
    Route("/new",                                       gallery.page),
    Route("/apps/{app_id}",                             editor.page),
    Route("/apps/{app_id}/publishing",                  publishing.page),
    Route("/apps/{app_id}/access",                      access.page),
    Route("/apps/{app_id}/access/{code}.{kind}",        access.code_file, GET, refusal=unauthorized),
    Route("/apps/{app_id}/access/{code}/poster.{kind}", access.poster_file, GET, refusal=unauthorized),
    Route("/apps/{app_id}/posters.pdf",                 access.all_posters, GET, refusal=unauthorized),
    Route("/resources",                                 resources.page),
    Route("/resources/{resource_id}/calendar",          calendar.page),
    Route("/resources/{resource_id}/day-sheet",         calendar.sheet, GET),
    Route("/apps/{app_id}/charts",                      charts.page),
    Route("/apps/{app_id}/summary",                     charts.printable_summary, GET),
    Route("/apps/{app_id}/submissions",                 submissions.page),
    Route("/apps/{app_id}/submissions/{submission_id}", submission.page),
    Route("/exports/{token}",                           submissions.export_file, GET),
    Route("/counter/{app_id}/slip/{submission_id}",     counter.slip, GET),
    Route("/counter/{app_id}",                          counter.entry, GET_POST),
    Route("/counter/{app_id}/{path:path}",              counter.entry, GET_POST),
    Route("/users",                                     users.page, admin="user.manage"),
    Route("/banner",                                    banner.page, admin="banner.set"),
    Route("/password",                                  users.password_page),
    Route("/audit",                                     audit.page, admin="audit.read"),
    Route("/audit.csv",                                 audit.csv_file, GET, admin="audit.export"),
    Route("/preview/{app_id}/{lang}/{path:path}",       preview.draft, GET_POST, refusal=preview.signed_out),
    Route("/template-preview/{name}/{lang}/{path:path}", preview.template, GET, refusal=unauthorized),
)

# The pages a signed-out browser may use (and so speak for on its socket): signing in, and the first account.
OPEN_PAGES = tuple(route.path for route in ROUTES if route.kind == PAGE and route.path in PUBLIC_PATHS)


def register(store: Store, settings: Settings, *, mount_path: str = "/staff") -> StaffSite:
    """Add the staff pages to NiceGUI's (process-global) app."""
    site = StaffSite(store, settings, mount_path)
    ui.add_css(STAFF_CSS + editor.EDITOR_CSS, shared=True)
    for route in ROUTES:
        endpoint = answering(site, route)
        if route.kind == PAGE:
            ui.page(route.path, title="Madoguchi")(endpoint)
        elif route.kind == GET:
            nicegui_app.get(route.path)(endpoint)
        else:
            nicegui_app.api_route(route.path, methods=["GET", "POST"])(endpoint)
    return site


def answering(site: StaffSite, route: Route) -> Callable[..., Any]:
    """The endpoint of `route`: the guard (unless the path is public), then the handler, given the site and
    the signed-in user. It takes the handler's other parameters, which NiceGUI and FastAPI read from it."""
    handler, guarded = route.handler, route.path not in PUBLIC_PATHS
    is_async = inspect.iscoroutinefunction(handler)

    async def endpoint(**params: Any) -> Any:
        if guarded:
            user = await site.guard.admit(params["request"], admin=route.admin, refusal=route.refusal)
            if isinstance(user, Response):
                return user
            params["user"] = user
        if is_async:
            return await handler(site, **params)
        if route.kind == PAGE:
            return handler(site, **params)  # a page's UI is built on the event loop
        return await in_thread(handler, site, **params)

    endpoint.__signature__ = inspect.Signature(parameters(handler))  # type: ignore[attr-defined]
    endpoint.__name__ = endpoint.__qualname__ = f"{handler.__module__.rsplit('.', 1)[-1]}_{handler.__name__}"
    return endpoint


def parameters(handler: Callable[..., Any]) -> list[inspect.Parameter]:
    """The handler's parameters that come from the request, their annotations resolved (the modules
    postpone them) so that FastAPI can read the types."""
    found = []
    for parameter in inspect.signature(handler).parameters.values():
        if parameter.name in ("site", "user"):
            continue
        annotation = parameter.annotation
        if isinstance(annotation, str):
            annotation = eval(annotation, handler.__globals__)  # noqa: S307 - our own modules' annotations
        found.append(parameter.replace(annotation=annotation))
    return found
