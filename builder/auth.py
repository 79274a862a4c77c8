"""Staff sign-in: Argon2 password hashes, throttled failures, and a generous but finite session.

Failures are counted in the database (generated_apps/domain/attempts.py), per user name and per client
address: a try is taken atomically before its password is checked, so tries sent together never get
more passwords checked than the limit allows, and the count holds across a restart. The password
form's check of the current password counts against the same user name, and is recorded as a sign-in is.

The session lives in NiceGUI's per-browser user storage (a signed cookie names it); every page and
every action asks `session_user()` again, on the server, so a signed-out or deactivated account
stops at its next click.

Signing in gives the browser a new session: a new random id in its cookie, naming new, empty storage
(`renew_session`). A password is checked over NiceGUI's websocket, which cannot set a cookie, so the
tab that signed in is sent over HTTP with a one-time token (`SignInGrants`) to have it set. A cookie
planted in the browser before sign-in (session fixation) therefore names storage that never holds
anyone's sign-in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import secrets
import threading
import time
import uuid
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from nicegui import app
from starlette.requests import Request

from generated_apps.domain.attempts import Attempts, Limit
from generated_apps.domain.audit import Audit
from generated_apps.domain.models import StaffUser, utcnow
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store
from widgets import N_

from .i18n import BUILDER_LANGS

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
WAITS = tuple(min(2**n, MAX_WAIT_SECONDS) for n in range(1, 10))  # 2, 4, 8 … 256, 300 seconds
FORGOTTEN_AFTER = 24 * 3600  # seconds after the last try let through, a count starts again
USER = Limit("sign-in-user", FREE_FAILURES, FORGOTTEN_AFTER, WAITS)
CLIENT = Limit("sign-in-client", FREE_FAILURES_PER_CLIENT, FORGOTTEN_AFTER, WAITS)
# Until the builder gives its own key (Throttle(secret)): counts then last as long as the process.
_PROCESS_KEY = secrets.token_bytes(32)
# How long a checked password waits for its tab to come and collect the new session: the tab is sent at once.
GRANT_SECONDS = 60
SESSION_KEYS = ("user_id", "signed_in_at", "password")

# Argon2id with the library's current recommended parameters. Only the test suite sets this variable
# to 1 (tests/conftest.py), so that its many sign-ins do not each pay for a production-strength hash;
# tests/test_suite_settings.py proves that a server started without it hashes with the strong ones.
CHEAP_HASHES_FOR_TESTS = "MADOGUCHI_INSECURE_CHEAP_HASHES_FOR_TESTS"


def _password_hasher() -> PasswordHasher:
    if os.environ.get(CHEAP_HASHES_FOR_TESTS) == "1":
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


_hasher = _password_hasher()
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
    """Failed password checks per user name and per client address, in the database under keys hashed
    with `secret` (a user name box may hold a password: it is never stored as typed).

    After FREE_FAILURES failures of a user name (FREE_FAILURES_PER_CLIENT of an address) each further
    try must wait 2, 4, 8 … seconds (at most five minutes); a day after its last try a count is forgotten.
    """

    def __init__(self, secret: bytes | None = None) -> None:
        self.secret = secret or _PROCESS_KEY

    def take(self, store: Store, username: str, client: str) -> int:
        """Count one try, before the password is checked: 0, or the seconds to wait when refused."""
        taken = Attempts(store, self.secret).take({USER: username.lower(), CLIENT: client})
        return 0 if taken.ok else max(1, math.ceil(taken.wait))

    def succeeded(self, store: Store, username: str, client: str) -> None:
        """The password was right: the user name's count is forgotten, the address's try given back
        (the address's count is not reset by one success: others behind it may be guessing)."""
        attempts = Attempts(store, self.secret)
        attempts.forget(USER, username.lower())
        attempts.give_back(CLIENT, client)


@dataclass(frozen=True)
class SignIn:
    user: StaffUser | None = None
    wait_seconds: int = 0  # > 0: refused without checking, try again after this many seconds


def check_sign_in(store: Store, throttle: Throttle, username: str, password: str, client: str) -> SignIn:
    """Check a user name and password; every failure is recorded in the audit log and throttled."""
    username, accounts = username.strip(), StaffAccounts(store)
    wait = throttle.take(store, username, client)
    if wait > 0:
        _refused(store, "auth.throttled", accounts.by_username(username) if username else None, client)
        return SignIn(wait_seconds=wait)
    user = accounts.by_username(username) if username else None
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.active:
        _refused(store, "auth.failed", user, client)
        return SignIn()
    throttle.succeeded(store, username, client)
    rehash = hash_password(password) if _hasher.check_needs_rehash(user.password_hash) else None
    assert user.id is not None  # read from the database
    accounts.record_sign_in(user.id, rehash)
    if rehash:
        user.password_hash = rehash  # the session is started with the hash now stored
    return SignIn(user=user)


def check_current_password(store: Store, throttle: Throttle, user: StaffUser, password: str, client: str) -> SignIn:
    """The signed-in user's password, asked again before it is changed. It guards the same secret as
    signing in, so it counts against the same user name, and each failure is recorded the same way.
    The change itself is recorded by the store (user.password_change)."""
    wait = throttle.take(store, user.username, client)
    if wait > 0:
        Audit(store).record(user.username, "auth.password_throttled", target=user.username,
                            detail={"client": client})
        return SignIn(wait_seconds=wait)
    if not verify_password(user, password):
        Audit(store).record(user.username, "auth.password_failed", target=user.username,
                            detail={"client": client})
        return SignIn()
    throttle.succeeded(store, user.username, client)
    return SignIn(user=user)


def _refused(store: Store, action: str, user: StaffUser | None, client: str) -> None:
    """The audit line of a refused sign-in: the account's name when the name typed is one, else "?".
    Any other text typed may be a password in the wrong box or a person's name, and the audit log keeps
    every line for ever (triggers refuse UPDATE and DELETE), so it is never written down at all."""
    name = user.username if user is not None else None
    Audit(store).record(name or "?", action, target=name, detail={"client": client})


def verify_password(user: StaffUser, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _password_mark(user: StaffUser) -> str:
    """Changes whenever the password does: a session started before a reset ends with it."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Grant:
    user_id: int
    password: str  # the password mark when it was checked: a reset in the meantime ends the session at once
    session_id: str  # the browser it was checked for: a token copied elsewhere is worth nothing
    until: float  # time.monotonic()


class SignInGrants:
    """Passwords checked on a tab's websocket, each waiting for that tab to collect its new session
    over HTTP, once, within GRANT_SECONDS (in memory: the builder runs once)."""

    def __init__(self) -> None:
        self._waiting: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def issue(self, user: StaffUser, session_id: str) -> str:
        """A one-time token for `user`, who has just proved their password in the browser `session_id`."""
        assert user.id is not None  # read from the database
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            self._waiting = {t: g for t, g in self._waiting.items() if g.until > now}
            self._waiting[token] = Grant(user.id, _password_mark(user), session_id, now + GRANT_SECONDS)
        return token

    def take(self, token: str, session_id: str) -> Grant | None:
        """The grant of `token`, used up; None if unknown, used, too old, or issued to another browser."""
        with self._lock:
            grant = self._waiting.pop(token, None)
        if grant is None or grant.until < time.monotonic() or not secrets.compare_digest(grant.session_id, session_id):
            return None
        return grant


async def renew_session(request: Request, grant: Grant) -> None:
    """Sign the browser of `request` (a plain HTTP route under NiceGUI) in with a new session: a new
    random id in its session cookie (set by this response), naming new storage. Nothing moves from the
    old storage but the language chosen on the sign-in page; the old one is left signed out."""
    lang = app.storage.user.get("lang")
    end_session()
    request.session.clear()
    request.session["id"] = str(uuid.uuid4())  # Starlette's SessionMiddleware signs it into the new cookie
    # What NiceGUI's own middleware does for a browser it has not seen (nicegui/storage.py, RequestTrackingMiddleware).
    await app.storage._create_user_storage(request.session["id"])
    app.storage.user.update(user_id=grant.user_id, signed_in_at=utcnow().timestamp(), password=grant.password,
                            **({"lang": lang} if lang in BUILDER_LANGS else {}))


def start_session(user: StaffUser) -> None:
    """Write `user`'s session into this browser's current storage. Only for a session that is already
    this browser's own, made at sign-in by `renew_session`: a password changed, or signing in again in
    the editor once the session has run out. Signing in goes through `SignInGrants` and `renew_session`."""
    app.storage.user.update(user_id=user.id, signed_in_at=utcnow().timestamp(), password=_password_mark(user))


def end_session() -> None:
    for key in SESSION_KEYS:
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
    user = StaffAccounts(store).by_id(user_id)
    if user is None or not user.active or storage.get("password") != _password_mark(user):
        return None
    if user.must_change_password and not temporary_password_ok:
        return None
    return user
