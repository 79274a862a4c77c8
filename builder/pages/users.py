"""The admins' page of staff accounts, and everyone's page for changing their own password.

Accounts are never deleted (the audit log keeps their names): they are deactivated. A new account,
or a reset one, gets a temporary password shown once to the admin, which must be changed at the
first sign-in. The store refuses any change that would leave no active admin.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import Request
from nicegui import run, ui

from generated_apps.domain.models import StaffUser
from generated_apps.domain.staff_accounts import ROLES, StaffAccounts
from generated_apps.domain.store import Store
from widgets import N_
from widgets.text import clean_staff_text

from .. import auth, roles
from ..i18n import _, local_time
from .components import labelled, text_in
from .frame import frame
from .guard import in_thread

if TYPE_CHECKING:
    from .site import StaffSite

ROLE_WORDS = {"staff": N_("Staff"), "admin": N_("Admin")}
ROLE_NAMES = {"staff": N_("Staff: edits drafts, reads submissions"),
              "admin": N_("Admin: also publishes, retires, manages users")}
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


def temporary_password() -> str:
    """Easy to read out and type once: four groups of lower-case letters and digits, no look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def stored_id(user: StaffUser) -> int:
    """The id of an account read from the database (only an account not yet stored has none)."""
    assert user.id is not None, "a stored account has its id"
    return user.id


class UsersPage:
    def __init__(self, store: Store, *, time_zone: str) -> None:
        self.store, self.zone = store, time_zone
        self.accounts = StaffAccounts(store)

    async def build(self) -> None:
        self.add_form()
        self.table(*await self.read())

    async def read(self) -> tuple[list[StaffUser], StaffUser | None]:
        """Every account, and who is signed in now: read in a thread."""
        read = await in_thread(lambda: (self.accounts.all(), auth.session_user(self.store)))
        return read or ([], None)  # None: the server is shutting down

    def add_form(self) -> None:
        with ui.card().classes("w-full q-mb-md q-gutter-sm"):
            ui.label(_("Add a member of staff")).classes("text-h6").props('role="heading" aria-level="2"')
            with ui.row().classes("items-end q-gutter-md"):
                username = ui.input(_("User name (a-z, 0-9, . _ -)")).props("outlined").mark("new-username")
                name = ui.input(_("Name, as colleagues will see it")).props("outlined").mark("new-name")
                role = ui.select({r: _(ROLE_NAMES[r]) for r in ROLES}, value="staff", label=_("Role")).props(
                    "outlined").classes("w-96").mark("new-role")

                async def add() -> None:
                    login = (username.value or "").strip().lower()
                    if not login or not set(login) <= USERNAME_CHARS or len(login) > 64:
                        ui.notify(_("Enter a user name of letters a-z, digits and . _ -"), type="warning")
                        return
                    shown = clean_staff_text(name.value or "", multiline=False)  # as the store keeps it
                    if not shown:
                        ui.notify(_("Enter the name colleagues will see"), type="warning")
                        return
                    password = temporary_password()

                    def create(by: str) -> Any:
                        return self.accounts.create(login, shown, auth.hash_password(password),
                                                            role.value, by=by, must_change_password=True)

                    if await self.act(create, None):
                        self.show_password(login, password)
                        username.value = name.value = ""

                ui.button(_("Add"), icon="person_add", on_click=add).props("unelevated").mark("add-user")

    @ui.refreshable_method
    def table(self, users: list[StaffUser], me: StaffUser | None) -> None:
        with ui.element("table").classes("mdg-table w-full"):
            with ui.element("thead"), ui.element("tr"):
                for heading in (_("User name"), _("Name"), _("Role"), _("State"), _("Last sign-in"), _("Actions")):
                    text_in("th", heading).props('scope="col"').classes("text-left q-pa-sm")
            with ui.element("tbody"):
                for user in users:
                    self.row(user, me)

    def row(self, user: StaffUser, me: StaffUser | None) -> None:
        with ui.element("tr").mark(f"user-{user.username}"):
            text_in("td", user.username).classes("q-pa-sm")
            text_in("td", user.display_name).classes("q-pa-sm")
            with ui.element("td").classes("q-pa-sm"):
                labelled(ui.select({r: _(ROLE_WORDS[r]) for r in ROLES}, value=user.role,
                                   on_change=lambda e, u=user: self.change(u, role=e.value)).props("outlined dense"),
                         _("Role of {name}", name=user.display_name)).mark(f"role-{user.username}")
            state = _("Active") if user.active else _("Deactivated")
            if user.active and user.must_change_password:
                state += " · " + _("must change password")
            text_in("td", state).classes("q-pa-sm")
            last = local_time(user.last_sign_in_at, self.zone) if user.last_sign_in_at else "—"
            text_in("td", last).classes("q-pa-sm")
            with ui.element("td").classes("q-pa-sm"), ui.row().classes("q-gutter-sm no-wrap"):
                if user.active:
                    labelled(ui.button(_("Deactivate"), on_click=lambda u=user: self.change(u, active=False)).props(
                        "outline color=negative"), _("Deactivate {name}", name=user.display_name)).mark(
                        f"deactivate-{user.username}")
                else:
                    labelled(ui.button(_("Reactivate"), on_click=lambda u=user: self.change(u, active=True)).props(
                        "outline"), _("Reactivate {name}", name=user.display_name)).mark(f"reactivate-{user.username}")
                labelled(ui.button(_("New temporary password"), on_click=lambda u=user: self.reset(u)).props("outline"),
                         _("New temporary password for {name}", name=user.display_name)).mark(f"reset-{user.username}")

    async def change(self, user: StaffUser, **change: Any) -> None:
        user_id = stored_id(user)
        await self.act(lambda by: self.accounts.change(user_id, by, **change),
                       _("Saved: {name}", name=user.display_name))

    async def reset(self, user: StaffUser) -> None:
        password, user_id = temporary_password(), stored_id(user)
        if await self.act(lambda by: self.accounts.set_password(user_id, auth.hash_password(password), by=by,
                                                                must_change=True), None):
            self.show_password(user.username, password)

    def show_password(self, username: str, password: str) -> None:
        with ui.dialog() as dialog, ui.card().classes("q-gutter-sm"):
            ui.label(_("Temporary password for {username}", username=username)).classes("text-h6").props(
                'role="heading" aria-level="2"')
            ui.label(password).classes("text-h5 mdg-password").mark("temporary-password")
            ui.label(_("Give it to them in person. It is shown only now; they choose their own at the first sign-in.")
                     ).classes("text-body1")
            ui.button(_("Close"), on_click=dialog.close).props("unelevated")
        dialog.open()

    async def act(self, command: Callable[[str], Any], done: str | None) -> bool:
        """Run a change as the admin signed in now (asked again on the server); True when it was made."""
        try:
            made = await roles.as_admin(self.store, "user.manage", command)
        except ValueError:  # the user name is taken
            ui.notify(_("That user name is taken. Choose another"), type="negative")
            return False
        if made and done:
            ui.notify(done, type="positive")
        self.table.refresh(*await self.read())  # a refused role change goes back to what is stored
        return made


def password_form(store: Store, user: StaffUser, on_done: Callable[[], Any], *,
                  throttle: auth.Throttle | None = None) -> None:
    """Change one's own password: the current one (throttled and recorded as a sign-in is), then the new
    one twice. `throttle`: the sign-in's, so that both count against the same user name."""
    throttle = throttle or auth.Throttle()
    request = ui.context.client.request
    client = request.client.host if request.client else "?"
    if user.must_change_password:
        ui.label(_("Choose your own password now: the one you were given was temporary.")).classes("text-body1")
    current = ui.input(_("Current password"), password=True).props("outlined autocomplete=current-password").mark(
        "current-password")
    new = ui.input(_("New password (at least 10 characters)"), password=True).props(
        "outlined autocomplete=new-password").mark("new-password")
    again = ui.input(_("New password again"), password=True).props("outlined autocomplete=new-password").mark(
        "new-password-again")
    error = ui.label().classes("text-negative text-body1").props('role="alert"')

    async def change() -> None:
        error.text = ""
        signed_in = await in_thread(auth.session_user, store, temporary_password_ok=True)
        if signed_in is None:
            error.text = _("Your session has ended. Sign in again")
            return
        checked = await in_thread(auth.check_current_password, store, throttle, signed_in, current.value or "",
                                  client)
        if checked is None:
            return  # the server is shutting down
        if checked.wait_seconds:
            error.text = _("Too many failed tries. Wait {seconds} seconds, then try again",
                           seconds=checked.wait_seconds)
            return
        if checked.user is None:
            error.text = _("The current password is not right")
            return
        problem = auth.password_problem(new.value or "", signed_in.username)
        if problem or new.value != again.value:
            error.text = _(problem or "The two passwords differ")
            return
        if new.value == current.value:
            error.text = _("Choose a password different from the current one")
            return
        hashed = await run.io_bound(auth.hash_password, new.value)
        changed = await in_thread(set_own_password, store, signed_in, hashed) if hashed is not None else None
        if changed is None:
            return  # the server is shutting down
        auth.start_session(changed)  # this session goes on; any other one ends
        ui.notify(_("Your password is changed"), type="positive")
        on_done()

    ui.button(_("Change password"), on_click=change).props("unelevated size=lg").mark("change-password")


def set_own_password(store: Store, user: StaffUser, hashed: str) -> StaffUser:
    """In a thread: `user`'s new password, set by themselves; the account as it is stored now."""
    accounts = StaffAccounts(store)
    accounts.set_password(stored_id(user), hashed, by=user.username, must_change=False)
    changed = accounts.by_id(stored_id(user))
    assert changed is not None, "an account is never deleted"
    return changed


# --- the routes ---------------------------------------------------------------------------------------


async def page(site: StaffSite, request: Request, user: StaffUser) -> None:
    with frame(request, user, _("Users")):
        await UsersPage(site.store, time_zone=site.settings.time_zone).build()


def password_page(site: StaffSite, request: Request, user: StaffUser) -> None:
    with frame(request, user, _("Change your password")), ui.column().classes("max-w-md q-gutter-md"):
        password_form(site.store, user, on_done=lambda: ui.navigate.to("/"), throttle=site.throttle)
