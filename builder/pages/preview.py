"""The previews: an app's draft, and each template of the gallery, as residents would see them
(the resident side's pages, drawn by generated_apps/web/preview.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import Response

from generated_apps.domain.apps import Apps
from generated_apps.domain.models import StaffUser
from generated_apps.domain.specs import readable_spec

from ..i18n import _
from ..templates_gallery import templates
from .guard import in_thread

if TYPE_CHECKING:
    from .site import StaffSite


def signed_out() -> Response:
    """What the preview's frame shows once its session has ended."""
    return Response(_("Sign in again to see the preview."), status_code=401, media_type="text/plain")


async def draft(site: StaffSite, request: Request, user: StaffUser, app_id: int, lang: str, path: str = "") -> Response:
    found = await in_thread(Apps(site.store).by_id, app_id)
    spec = readable_spec(found.draft_spec) if found is not None else None
    if spec is None:  # no such app, or its draft cannot be read (the editor says so and mends it)
        return Response(status_code=404)
    return await site.preview.respond(request, app_id, spec, lang, path)


async def template(site: StaffSite, request: Request, user: StaffUser, name: str, lang: str,
                   path: str = "") -> Response:
    chosen = {t.name: (i, t) for i, t in enumerate(await in_thread(templates))}.get(name)
    if chosen is None:
        return Response(status_code=404)
    index, found = chosen
    return await site.preview.respond(request, -1 - index, found.spec, lang, path)
