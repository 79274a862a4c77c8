"""The builder's pages, run in NiceGUI's user simulation (no browser) against a real SQLite store."""

from __future__ import annotations

import asyncio

import pytest
from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_simulation import user_simulation

from builder import auth
from generated_apps.domain.staff_accounts import StaffAccounts

PASSWORD = "correct horse battery"
SLOW = 100  # tries of should_see (0.1 s apart) after an Argon2 hash, which takes a moment on purpose


async def until(condition, tries: int = 100) -> None:
    """Edits and refreshes run as tasks after a click: wait until `condition` holds (or fail)."""
    for _ in range(tries):
        if condition():
            return
        await asyncio.sleep(0.05)
    assert condition()


def patient(user: User) -> User:
    """`user.should_see` and `should_not_see` wait up to 10 s by default (NiceGUI's own: 0.3 s). The pages
    read and write the database in a thread, so what a click changes shows a moment later, and later
    still on a busy machine; a test that passes waits no longer than it must."""
    for name in ("should_see", "should_not_see"):
        check = getattr(user, name)

        async def waiting(*args, retries: int = SLOW, _check=check, **kwargs) -> None:
            await _check(*args, retries=retries, **kwargs)

        setattr(user, name, waiting)
    return user


@pytest.fixture
async def staff_gui(store, settings):
    """A User at the builder's pages, with no one signed in. `staff_gui.store` is the store behind it."""
    async with user_simulation() as user:
        from builder import staff

        staff.register(store, settings, mount_path="")
        user.store = store
        yield patient(user)


def add_staff(store, username: str = "sato", role: str = "staff", name: str = "佐藤 花子"):
    return StaffAccounts(store).create(username, name, auth.hash_password(PASSWORD), role, by="test")


async def in_english(user: User, path: str) -> None:
    """Open `path` with the builder switched to English (Japanese is the default)."""
    await user.open(f"/lang/en?next={path}")


async def sign_in(user: User, username: str = "sato", password: str = PASSWORD) -> None:
    await in_english(user, "/signin")
    user.find("User name").type(username)
    user.find(kind=ui.input, content="Password").type(password)
    user.find(kind=ui.button, content="Sign in").click()


@pytest.fixture
async def signed_in(staff_gui):
    """A member of staff, signed in, on the dashboard."""
    add_staff(staff_gui.store)
    await sign_in(staff_gui)
    await staff_gui.should_see("佐藤 花子", retries=SLOW)
    return staff_gui
