"""The one guard of the staff pages: who is signed in, and whether they may open what they ask for.

`routes.register` puts it in front of every route of the table but the paths in PUBLIC_PATHS, so a
new page is guarded unless it is added to that list. It reads the database in a thread, never on
NiceGUI's event loop (the session itself is read there: it lives in the request's context).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import run

from generated_apps.domain.audit import Audit
from generated_apps.domain.models import StaffUser
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store

from .. import auth, roles
from .frame import here, not_allowed, prefixed

# The paths anyone may open, signed in or not: signing in and out, the first account, the language.
PUBLIC_PATHS = ("/setup", "/signin", "/signin/session", "/signout", "/lang/{lang}")

Refusal = Callable[[], Response]


def unauthorized() -> Response:
    """What a file (a QR code, a poster, a preview) answers a browser that is not signed in."""
    return Response(status_code=401)


async def in_thread(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`work` in NiceGUI's thread pool, with this request's context (its session) carried along; None
    when the server is shutting down (as NiceGUI's run.io_bound)."""
    return await run.io_bound(contextvars.copy_context().run, work, *args, **kwargs)


class Guard:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def admit(self, request: Request, *, admin: str | None = None,
                    refusal: Refusal | None = None) -> StaffUser | Response:
        """The signed-in member of staff, or what to answer instead; see `check`."""
        found = await in_thread(self.check, request, admin=admin, refusal=refusal)
        return Response(status_code=503) if found is None else found  # None: the server is shutting down

    def check(self, request: Request, *, admin: str | None = None, refusal: Refusal | None = None
              ) -> StaffUser | Response:
        """The signed-in member of staff, or where to send the browser instead. With `admin` (the
        action the page is for), only an admin passes; anyone else is refused, and that is recorded.
        With `refusal` (files), anyone not fully signed in gets that answer instead of the sign-in page."""
        if refusal is not None:
            user = auth.session_user(self.store)
            return refusal() if user is None else user
        if StaffAccounts(self.store).count() == 0:
            return RedirectResponse(prefixed(request, "/setup"), status_code=303)
        user = auth.session_user(self.store, temporary_password_ok=True)
        path = here(request)
        if user is None:
            return RedirectResponse(prefixed(request, f"/signin?next={quote(path)}"), status_code=303)
        if user.must_change_password and path != "/password":
            return RedirectResponse(prefixed(request, "/password"), status_code=303)
        if admin is not None and not roles.is_admin(user):
            Audit(self.store).record(user.username, "auth.refused", target=path,
                                     detail={"action": admin, "role": user.role})
            return not_allowed(request)
        return user
