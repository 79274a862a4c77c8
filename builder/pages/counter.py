"""Counter entry: the resident pages, filled in by staff for a resident at the counter or on the phone,
and the slip printed for them. The pages themselves are the resident side's (generated_apps/web/counter.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import Response

from generated_apps.domain.models import StaffUser

if TYPE_CHECKING:
    from .site import StaffSite


async def entry(site: StaffSite, request: Request, user: StaffUser, app_id: int, path: str = "") -> Response:
    return await site.counter.respond(request, app_id, path, user.username, user.display_name)


def slip(site: StaffSite, request: Request, user: StaffUser, app_id: int, submission_id: int) -> Response:
    return site.counter.slip(request, app_id, submission_id, user.username, user.display_name)
