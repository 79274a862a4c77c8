"""Signing in and out: the first admin account (setup), the sign-in page, the route that hands a
browser its new session, signing out, the language switch, and signing in again mid-edit.
These are the public paths of the guard (guard.PUBLIC_PATHS): they check who is signed in themselves."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import app as nicegui_app
from nicegui import run, ui

from generated_apps.domain.audit import Audit
from generated_apps.domain.models import StaffUser
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store
from generated_apps.web.security import is_navigation

from .. import auth
from ..i18n import BUILDER_LANGS, _
from .frame import narrow_main, prefixed
from .guard import in_thread
from .site import StaffSite


def safe_target(next_path: str) -> str:
    """A path on this site to go on to: never another site (//host)."""
    return next_path if next_path.startswith("/") and not next_path.startswith("//") else "/"


def collect_session(site: StaffSite, request: Request, user: StaffUser, target: str) -> None:
    """Send the tab whose password was just checked to collect its new session, then on to `target`."""
    token = site.grants.issue(user, request.session.get("id", ""))
    ui.navigate.to(f"/signin/session?{urlencode({'token': token, 'next': target})}")


async def new_session(site: StaffSite, request: Request, token: str = "", next: str = "/") -> Response:  # noqa: A002 - the query parameter's name
    """A plain route, not a page: only an HTTP response can give the browser its new session cookie."""
    grant = site.grants.take(token, request.session.get("id", ""))
    if grant is None:  # used already, too old, or issued to another browser: nobody is signed in
        return RedirectResponse(prefixed(request, "/signin"), status_code=303)
    await auth.renew_session(request, grant)
    return RedirectResponse(prefixed(request, safe_target(next)), status_code=303)


async def setup(site: StaffSite, request: Request) -> Response | None:
    store = site.store
    # The setup page exists only while there is no account at all.
    if (await in_thread(StaffAccounts(store).count) or 0) > 0:
        return RedirectResponse(prefixed(request, "/"), status_code=303)
    with narrow_main(request):
        ui.label(_("Create the first admin account")).classes("text-h4").props('role="heading" aria-level="1"')
        if not from_this_machine(request):
            # Until an admin exists, whoever reaches this page first would become one: only on the server.
            ui.label(_("The first admin account can only be made on the server itself: open this page "
                       "there, or run 'madoguchi create-admin' on it.")).classes("text-body1").mark("setup-local")
            return None
        ui.label(_("No account exists yet. The account you create now can add the others."))
        username = ui.input(_("User name")).props("outlined autocomplete=username")
        name = ui.input(_("Your name, as colleagues will see it")).props("outlined autocomplete=name")
        password = ui.input(_("Password (at least 10 characters)"), password=True,
                            password_toggle_button=True).props("outlined autocomplete=new-password")
        again = ui.input(_("Password again"), password=True).props("outlined autocomplete=new-password")
        error = ui.label().classes("text-negative text-body1").props('role="alert"')

        async def create() -> None:
            error.text = ""
            if not username.value.strip() or not name.value.strip():
                error.text = _("Enter a user name and your name")
                return
            problem = auth.password_problem(password.value, username.value)
            if problem or password.value != again.value:
                error.text = _(problem or "The two passwords differ")
                return
            if (await in_thread(StaffAccounts(store).count) or 0) > 0:
                error.text = _("An account was created meanwhile. Sign in instead")
                return
            hashed = await run.io_bound(auth.hash_password, password.value)
            user = await in_thread(_first_admin, store, username.value.strip(), name.value.strip(), hashed)
            collect_session(site, request, user, "/")

        ui.button(_("Create account and sign in"), on_click=create).props("unelevated size=lg")
    return None


def _first_admin(store: Store, username: str, name: str, hashed: str) -> StaffUser:
    accounts = StaffAccounts(store)
    user = accounts.create(username, name, hashed, "admin", by="setup")
    assert user.id is not None  # created in the database
    accounts.record_sign_in(user.id)
    return user


async def signin(site: StaffSite, request: Request, next: str = "/") -> Response | None:  # noqa: A002 - the query parameter's name
    store = site.store
    if (await in_thread(StaffAccounts(store).count) or 0) == 0:
        return RedirectResponse(prefixed(request, "/setup"), status_code=303)
    target = safe_target(next)
    if await in_thread(auth.session_user, store, temporary_password_ok=True) is not None:
        return RedirectResponse(prefixed(request, target), status_code=303)
    client = request.client.host if request.client else "?"
    with narrow_main(request):
        ui.label(_("Sign in to Madoguchi")).classes("text-h4").props('role="heading" aria-level="1"')
        username = ui.input(_("User name")).props("outlined autocomplete=username")
        password = ui.input(_("Password"), password=True).props("outlined autocomplete=current-password")
        error = ui.label().classes("text-negative text-body1").props('role="alert"')

        async def attempt() -> None:
            result = await run.io_bound(auth.check_sign_in, store, site.throttle, username.value or "",
                                        password.value or "", client)
            if result is None:  # the server is shutting down
                return
            if result.wait_seconds:
                error.text = _("Too many failed tries. Wait {seconds} seconds, then try again",
                               seconds=result.wait_seconds)
            elif result.user is None:
                error.text = _("The user name or the password is not right")
                password.value = ""
            else:
                collect_session(site, request, result.user, target)

        password.on("keydown.enter", attempt)
        ui.button(_("Sign in"), on_click=attempt).props("unelevated size=lg")
    return None


# Plain routes, not pages: a page that only redirects would still leave a NiceGUI client behind.
def signout(site: StaffSite, request: Request) -> Response:
    if not is_navigation(request):  # an <img> or a prefetch some page points here signs nobody out
        return RedirectResponse(prefixed(request, "/"), status_code=303)
    user = auth.session_user(site.store, temporary_password_ok=True)
    if user is not None:
        Audit(site.store).record(user.username, "auth.sign_out", target=user.username)
    auth.end_session()
    return RedirectResponse(prefixed(request, "/signin"), status_code=303)


def set_language(site: StaffSite, request: Request, lang: str, next: str = "/") -> Response:  # noqa: A002 - the query parameter's name
    if lang in BUILDER_LANGS and is_navigation(request):
        nicegui_app.storage.user["lang"] = lang
    return RedirectResponse(prefixed(request, safe_target(next)), status_code=303)


async def sign_in_again(site: StaffSite, request: Request, username: str, password: str) -> StaffUser | str:
    """For a session that ran out mid-edit: the user, or a message saying why not."""
    client = request.client.host if request.client else "?"
    result = await run.io_bound(auth.check_sign_in, site.store, site.throttle, username, password, client)
    if result is None:  # the server is shutting down: nobody signed in, nothing to say
        return ""
    if result.wait_seconds:
        return _("Too many failed tries. Wait {seconds} seconds, then try again", seconds=result.wait_seconds)
    if result.user is None:
        return _("The user name or the password is not right")
    auth.start_session(result.user)
    return result.user


def from_this_machine(request: Request) -> bool:
    """Whether the browser is on the server itself. Behind a proxy, uvicorn reports the real client
    (it reads X-Forwarded-For from the proxies it trusts, by default only 127.0.0.1)."""
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
