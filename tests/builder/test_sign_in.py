"""Signing in to the builder: the first admin, sign-in and sign-out, pages refused without it."""

from __future__ import annotations

import datetime as dt

from nicegui import app, ui

from builder import auth
from generated_apps.domain.audit import Audit
from generated_apps.domain.models import utcnow
from generated_apps.domain.staff_accounts import StaffAccounts
from tests.generated_apps.test_lifecycle import Clock

from .conftest import PASSWORD, SLOW, add_staff, in_english, sign_in, until


async def test_with_no_account_every_page_leads_to_the_one_time_setup(staff_gui):
    await in_english(staff_gui, "/")
    await staff_gui.should_see("Create the first admin account")
    staff_gui.find("User name").type("admin")
    staff_gui.find("Your name, as colleagues will see it").type("伊達 太郎")
    staff_gui.find("Password (at least 10 characters)").type("a long admin password")
    staff_gui.find("Password again").type("a long admin password")
    staff_gui.find(kind=ui.button, content="Create account and sign in").click()
    await staff_gui.should_see("New app", retries=SLOW)  # the dashboard, signed in
    user = StaffAccounts(staff_gui.store).by_username("admin")
    assert user.role == "admin" and user.password_hash.startswith("$argon2id$")
    # Once an account exists the setup page is gone.
    await staff_gui.open("/setup")
    await staff_gui.should_see("Apps")
    await staff_gui.should_not_see("Create the first admin account")


async def test_setup_refuses_a_short_or_mistyped_password(staff_gui):
    await in_english(staff_gui, "/setup")
    staff_gui.find("User name").type("admin")
    staff_gui.find("Your name, as colleagues will see it").type("伊達 太郎")
    staff_gui.find("Password (at least 10 characters)").type("short")
    staff_gui.find("Password again").type("short")
    staff_gui.find(kind=ui.button, content="Create account and sign in").click()
    await staff_gui.should_see("Use at least 10 characters for the password", retries=SLOW)
    assert StaffAccounts(staff_gui.store).count() == 0


async def test_a_page_is_refused_without_sign_in(staff_gui):
    add_staff(staff_gui.store)
    await in_english(staff_gui, "/")
    await staff_gui.should_see("Sign in to Madoguchi")
    await staff_gui.should_not_see("New app")
    response = await staff_gui.http_client.get("/apps/1")
    assert response.status_code == 303 and response.headers["location"] == "/signin?next=/apps/1"
    preview = await staff_gui.http_client.get("/preview/1/ja/p/1")
    assert preview.status_code == 401


async def test_sign_in_and_sign_out(staff_gui):
    add_staff(staff_gui.store)
    await sign_in(staff_gui)
    await staff_gui.should_see("佐藤 花子", retries=SLOW)
    await staff_gui.should_see("New app")
    await staff_gui.open("/signout")
    await staff_gui.should_see("Sign in to Madoguchi")
    await staff_gui.open("/")
    await staff_gui.should_see("Sign in to Madoguchi")
    actions = [e.action for e in Audit(staff_gui.store).events()]
    assert actions[-2:] == ["auth.sign_in", "auth.sign_out"]


async def test_a_wrong_password_is_refused_recorded_and_then_slowed_down(staff_gui):
    add_staff(staff_gui.store)
    staff_gui.store.clock = Clock(utcnow())  # still: the first wait never runs out on a slow machine
    for _ in range(auth.FREE_FAILURES):
        await sign_in(staff_gui, password="wrong password")
        await staff_gui.should_see("The user name or the password is not right", retries=SLOW)
    # Now even the right password must wait.
    await sign_in(staff_gui, password=PASSWORD)
    await staff_gui.should_see("Too many failed tries", retries=SLOW)
    await staff_gui.should_not_see("佐藤 花子")
    actions = [e.action for e in Audit(staff_gui.store).events()]
    assert actions.count("auth.failed") == auth.FREE_FAILURES and "auth.throttled" in actions
    assert "auth.sign_in" not in actions


async def test_an_unknown_user_name_gets_the_same_answer_as_a_wrong_password(staff_gui):
    add_staff(staff_gui.store)
    await sign_in(staff_gui, username="nobody")
    await staff_gui.should_see("The user name or the password is not right", retries=SLOW)


async def test_a_session_ends_after_its_lifetime(signed_in):
    await signed_in.open("/")  # app.storage.user is now this browser's session, the one made at sign-in
    app.storage.user["signed_in_at"] -= (auth.SESSION_LIFETIME + dt.timedelta(minutes=1)).total_seconds()
    await signed_in.open("/")
    await signed_in.should_see("Sign in to Madoguchi")


async def test_a_deactivated_account_is_out_at_its_next_click(signed_in):
    from sqlmodel import Session

    from generated_apps.domain.models import StaffUser

    with Session(signed_in.store.engine) as s:
        user = s.get(StaffUser, 1)
        user.active = False
        s.add(user)
        s.commit()
    await signed_in.open("/")
    await signed_in.should_see("Sign in to Madoguchi")


async def test_signing_in_gives_the_browser_a_new_session_and_the_cookie_from_before_signs_nobody_in(staff_gui):
    """Session fixation: whoever planted or copied the cookie a browser had before signing in gets nothing."""
    import httpx

    add_staff(staff_gui.store)
    await in_english(staff_gui, "/signin")
    before = staff_gui.http_client.cookies["session"]
    await sign_in(staff_gui)
    await staff_gui.should_see("佐藤 花子", retries=SLOW)
    after = staff_gui.http_client.cookies["session"]
    assert after != before
    await staff_gui.should_see("New app")  # the language chosen before signing in is kept, and only that
    transport = staff_gui.http_client._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://test", cookies={"session": before}) as planted:
        refused = await planted.get("/")
        assert refused.status_code == 303 and refused.headers["location"].startswith("/signin")
    async with httpx.AsyncClient(transport=transport, base_url="http://test", cookies={"session": after}) as own:
        assert (await own.get("/")).status_code == 200


async def test_a_sign_in_token_works_once_only_and_only_in_the_browser_it_was_made_for(staff_gui):
    user = add_staff(staff_gui.store)
    grants = auth.SignInGrants()
    token = grants.issue(user, "browser-a")
    assert grants.take(token, "browser-b") is None  # copied to another browser: worthless, and used up
    token = grants.issue(user, "browser-a")
    granted = grants.take(token, "browser-a")
    assert granted is not None and granted.user_id == user.id
    assert grants.take(token, "browser-a") is None  # once only
    response = await staff_gui.http_client.get(f"/signin/session?token={token}&next=/")
    assert response.status_code == 303 and response.headers["location"] == "/signin"


async def test_twelve_presses_of_sign_in_at_once_check_no_more_passwords_than_allowed(staff_gui):
    add_staff(staff_gui.store)
    await in_english(staff_gui, "/signin")
    staff_gui.find("User name").type("sato")
    staff_gui.find(kind=ui.input, content="Password").type("wrong password")
    button = staff_gui.find(kind=ui.button, content="Sign in")
    staff_gui.store.clock = Clock(utcnow())  # still: the first wait never runs out while passwords are checked
    for _ in range(12):
        button.click()  # each press runs its own check at once, as twelve tabs would

    def refused() -> list[str]:
        return [e.action for e in Audit(staff_gui.store).events() if e.action in ("auth.failed", "auth.throttled")]

    await until(lambda: len(refused()) == 12, tries=400)
    assert refused().count("auth.failed") == auth.FREE_FAILURES  # the passwords checked


async def test_a_wrong_current_password_is_throttled_and_recorded_like_a_sign_in(signed_in):
    signed_in.store.clock = clock = Clock(utcnow())
    async def change(current: str) -> None:
        await signed_in.open("/password")
        signed_in.find(marker="current-password").type(current)
        signed_in.find(marker="new-password").type("another long password")
        signed_in.find(marker="new-password-again").type("another long password")
        signed_in.find(marker="change-password").click()

    for _ in range(auth.FREE_FAILURES):
        await change("not my password")
        await signed_in.should_see("The current password is not right", retries=SLOW)
    await change(PASSWORD)  # even the right one must wait now
    await signed_in.should_see("Too many failed tries", retries=SLOW)
    assert auth.verify_password(StaffAccounts(signed_in.store).by_username("sato"), PASSWORD)
    lines = [(e.action, e.actor, e.target, set(e.detail)) for e in Audit(signed_in.store).events()
             if e.action.startswith("auth.password")]
    assert lines == [("auth.password_failed", "sato", "sato", {"client"})] * auth.FREE_FAILURES + [
        ("auth.password_throttled", "sato", "sato", {"client"})]
    clock.move(dt.timedelta(seconds=2))  # the first wait
    await change(PASSWORD)
    await signed_in.should_see("Your password is changed", retries=SLOW)
    assert Audit(signed_in.store).events()[-1].action == "user.password_change"
