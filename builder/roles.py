"""Who may do what in the builder, checked on the server at the moment of each action.

`staff` edit drafts and read submissions; `admin` also publish, schedule, retire, roll back, manage
users and read the audit log. Buttons are hidden from staff too, but hiding is a courtesy: the
check here is what counts. A refused attempt is written to the audit log.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable
from typing import Any

from nicegui import run, ui

from generated_apps.domain.audit import Audit
from generated_apps.domain.errors import Refused
from generated_apps.domain.models import StaffUser
from generated_apps.domain.store import Store
from widgets import N_

from . import auth
from .i18n import _

# Named in the audit line of a refused attempt.
ADMIN_ACTIONS = frozenset({"app.publish", "app.schedule", "app.unschedule", "app.retire", "app.unretire",
                           "app.reopen", "app.rollback", "user.manage", "audit.read", "audit.export",
                           "banner.set", "banner.clear", "open_data.publish", "open_data.unpublish"})


class NotAllowed(Exception):
    """The signed-in user may not do this (or nobody is signed in any more). `msgid` says which."""

    def __init__(self, msgid: str) -> None:
        super().__init__(msgid)
        self.msgid = msgid


def is_admin(user: StaffUser | None) -> bool:
    return user is not None and user.active and user.role == "admin"


def require_admin(store: Store, action: str, *, app_id: int | None = None, target: str | None = None) -> StaffUser:
    """The signed-in admin, asked of the database now (a role may have changed since the page was drawn)."""
    if action not in ADMIN_ACTIONS:
        raise ValueError(f"unknown admin action {action!r}")
    user = auth.session_user(store)
    if user is None:
        raise NotAllowed(N_("Your session has ended. Sign in again"))
    if not is_admin(user):
        Audit(store).record(user.username, "auth.refused", app_id=app_id, target=target,
                    detail={"action": action, "role": user.role})
        raise NotAllowed(N_("Only an admin can do this. Ask an admin of your office"))
    return user


async def as_admin(store: Store, action: str, command: Callable[[str], Any], *, app_id: int | None = None,
                   show_time: Callable[[dt.datetime], str] = str) -> bool:
    """Run `command(admin's user name)` in a thread as the admin signed in now. A refusal (not an
    admin, or the store's `Refused`) is told to the user; True when the command ran. Other errors
    are the caller's to explain."""
    try:  # in a thread, with the request's context (the session lives in a context var)
        admin = await run.io_bound(contextvars.copy_context().run, require_admin, store, action, app_id=app_id)
    except NotAllowed as refused:
        ui.notify(_(refused.msgid), type="negative")
        return False
    if admin is None:  # the server is shutting down (NiceGUI's run.io_bound gives None then)
        return False
    try:
        await run.io_bound(command, admin.username)
    except Refused as refused:
        params = {k: show_time(v) if isinstance(v, dt.datetime) else v for k, v in refused.params.items()}
        ui.notify(_(refused.msgid, **params), type="negative", multi_line=True)
        return False
    return True


async def as_staff(store: Store, command: Callable[[str], Any],
                   on_refused: Callable[[Refused], None] | None = None) -> Any:
    """Run `command(user name)` in a thread as whoever is signed in now (any active member of staff).
    Returns the command's result, or None when it did not run: the session ended, or the store
    refused (told by `on_refused`, else in a notification). Commands given here return something."""
    user = await run.io_bound(contextvars.copy_context().run, auth.session_user, store)
    if user is None:  # also when the server is shutting down
        ui.notify(_("Your session has ended. Sign in again"), type="warning")
        return None
    try:
        return await run.io_bound(command, user.username)
    except Refused as refused:
        if on_refused is not None:
            on_refused(refused)
        else:
            ui.notify(_(refused.msgid, **refused.params), type="negative", multi_line=True)
        return None
