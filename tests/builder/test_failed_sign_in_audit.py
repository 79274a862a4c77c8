"""A refused staff sign-in is in the audit log with its time and the client's address, and with the user
name only when it is an account's: anything else typed there may be a password in the wrong box or a
person's name, and the audit log keeps every line for ever (it is append-only), so it is never written."""

from __future__ import annotations

from builder import auth

from .conftest import PASSWORD, add_staff

CLIENT = "192.0.2.7"


def refusals(store) -> list[tuple[str, str, str | None, dict]]:
    return [(e.action, e.actor, e.target, e.detail) for e in store.audit_events() if e.action.startswith("auth.")]


def test_a_name_that_is_no_account_is_never_written_down(store):
    add_staff(store, "sato")
    typed = [PASSWORD, "佐藤 花子", "Sato", "sato2", "x" * 300, ""]  # a password in the name box, a person, typos
    for name in typed:
        assert auth.check_sign_in(store, auth.Throttle(), name, "wrong password", CLIENT).user is None
    assert refusals(store) == [("auth.failed", "?", None, {"client": CLIENT})] * len(typed)
    written = repr([(e.actor, e.target, e.detail) for e in store.audit_events()])
    for name in typed[:-1]:
        assert name not in written


def test_an_accounts_name_is_kept_when_its_sign_in_is_refused_or_slowed_down(store):
    add_staff(store, "sato")
    throttle = auth.Throttle()
    for _ in range(auth.FREE_FAILURES):
        assert auth.check_sign_in(store, throttle, "sato", "wrong password", CLIENT).user is None
    assert auth.check_sign_in(store, throttle, "sato", PASSWORD, CLIENT).wait_seconds > 0
    assert refusals(store) == [("auth.failed", "sato", "sato", {"client": CLIENT})] * auth.FREE_FAILURES + [
        ("auth.throttled", "sato", "sato", {"client": CLIENT})]


def test_a_slowed_down_name_that_is_no_account_is_not_written_down_either(store):
    throttle = auth.Throttle()
    for _ in range(auth.FREE_FAILURES + 1):
        auth.check_sign_in(store, throttle, PASSWORD, "wrong password", CLIENT)
    assert refusals(store)[-1] == ("auth.throttled", "?", None, {"client": CLIENT})
    assert PASSWORD not in repr([(e.actor, e.target, e.detail) for e in store.audit_events()])
