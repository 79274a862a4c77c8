"""Staff sign-in: Argon2 password hashes, throttled failures, and a generous but finite session.

The session lives in NiceGUI's per-browser user storage (a signed cookie names it); every page and
every action asks `session_user()` again, on the server, so a signed-out or deactivated account
stops at its next click.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import threading
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from nicegui import app

from generated_apps.models import StaffUser, utcnow
from generated_apps.store import Store
from widgets import N_

ROLES = ("staff", "admin")
# A working day and then some: long enough never to interrupt a day's editing, short enough that a
# browser left signed in at a shared counter does not stay signed in for good.
SESSION_LIFETIME = dt.timedelta(hours=12)
MIN_PASSWORD = 10
# Failures allowed before each further try must wait; the wait doubles with each failure. Per user
# name few; per client address many, since behind a proxy all of a city hall's staff share one.
FREE_FAILURES = 3
FREE_FAILURES_PER_CLIENT = 30
MAX_WAIT_SECONDS = 300

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verifying against this costs what verifying a real hash costs, so a wrong user name takes as long.
_DUMMY_HASH = _hasher.hash("madoguchi: no such user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str, username: str = "") -> str | None:
    """An English msgid saying why a new password is refused, or None when it will do."""
    if len(password) < MIN_PASSWORD:
        return N_("Use at least 10 characters for the password")
    if username and password.lower() == username.lower():
        return N_("The password must not be the user name")
    return None


class Throttle:
    """Failed sign-ins per user name and per client address, kept in memory (the builder runs once).

    After FREE_FAILURES failures of a user name (FREE_FAILURES_PER_CLIENT of an address) each further
    try must wait 2, 4, 8 … seconds (at most five minutes).
    """

    def __init__(self) -> None:
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, *keys: str) -> int:
        now = time.monotonic()
        waits = [0]
        for key in keys:
            count, last = self._failures.get(key, (0, 0.0))
            free = FREE_FAILURES_PER_CLIENT if key.startswith("client:") else FREE_FAILURES
            if count >= free:
                wait = min(2 ** (count - free + 1), MAX_WAIT_SECONDS)
                waits.append(math.ceil(last + wait - now))
        return max(waits)

    def failed(self, *keys: str) -> None:
        with self._lock:
            if len(self._failures) > 100_000:
                self._failures.clear()
            for key in keys:
                count, _ = self._failures.get(key, (0, 0.0))
                self._failures[key] = (count + 1, time.monotonic())

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


@dataclass(frozen=True)
class SignIn:
    user: StaffUser | None = None
    wait_seconds: int = 0  # > 0: refused without checking, try again after this many seconds


def check_sign_in(store: Store, throttle: Throttle, username: str, password: str, client: str) -> SignIn:
    """Check a user name and password; every failure is recorded in the audit log and throttled."""
    username = username.strip()
    keys = (f"user:{username.lower()}", f"client:{client}")
    wait = throttle.wait_seconds(*keys)
    if wait > 0:
        store.audit(username or "?", "auth.throttled", target=username[:200], detail={"client": client})
        return SignIn(wait_seconds=wait)
    user = store.staff_user(username) if username else None
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or not user.active:
        throttle.failed(*keys)
        store.audit(username[:100] or "?", "auth.failed", target=username[:200], detail={"client": client})
        return SignIn()
    throttle.succeeded(keys[0])  # the user's count; the address's count is not reset by one success
    rehash = hash_password(password) if _hasher.check_needs_rehash(user.password_hash) else None
    store.record_sign_in(user.id, rehash)
    if rehash:
        user.password_hash = rehash  # the session is started with the hash now stored
    return SignIn(user=user)


def verify_password(user: StaffUser, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _password_mark(user: StaffUser) -> str:
    """Changes whenever the password does: a session started before a reset ends with it."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def start_session(user: StaffUser) -> None:
    app.storage.user.update(user_id=user.id, signed_in_at=utcnow().timestamp(), password=_password_mark(user))


def end_session() -> None:
    for key in ("user_id", "signed_in_at", "password"):
        app.storage.user.pop(key, None)


def session_user(store: Store, *, temporary_password_ok: bool = False) -> StaffUser | None:
    """The signed-in, active member of staff of this browser, or None: never signed in, expired,
    deactivated, password changed or reset since, or (unless `temporary_password_ok`, for the page
    that changes it) still on a temporary password."""
    try:
        storage = app.storage.user
    except (RuntimeError, AssertionError):
        return None
    user_id, since = storage.get("user_id"), storage.get("signed_in_at")
    if not isinstance(user_id, int) or not isinstance(since, int | float):
        return None
    if utcnow().timestamp() - since > SESSION_LIFETIME.total_seconds():
        return None
    user = store.staff_user_by_id(user_id)
    if user is None or not user.active or storage.get("password") != _password_mark(user):
        return None
    if user.must_change_password and not temporary_password_ok:
        return None
    return user
