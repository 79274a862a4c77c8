"""A refused staff sign-in is in the audit log with its time and the client's address, and with the user
name only when it is an account's: anything else typed there may be a password in the wrong box or a
person's name, and the audit log keeps every line for ever (it is append-only), so it is never written.
The throttle counts in the database, atomically, before a password is checked: tries sent together, or to
two builders on one database, or across a restart, get no more passwords checked than allowed; the
password form's check of the current password is throttled and recorded the same way. SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from builder import auth
from generated_apps.domain.audit import Audit
from generated_apps.domain.models import Attempt, utcnow
from generated_apps.domain.store import Store
from tests.generated_apps.test_lifecycle import Clock
from tests.generated_apps.test_store import any_store  # noqa: F401 - the fixture, on SQLite and PostgreSQL

from .conftest import PASSWORD, add_staff

CLIENT = "192.0.2.7"


def refusals(store) -> list[tuple[str, str, str | None, dict]]:
    return [(e.action, e.actor, e.target, e.detail) for e in Audit(store).events() if e.action.startswith("auth.")]


def test_a_name_that_is_no_account_is_never_written_down(store):
    add_staff(store, "sato")
    typed = [PASSWORD, "佐藤 花子", "Sato", "sato2", "x" * 300, ""]  # a password in the name box, a person, typos
    for name in typed:
        assert auth.check_sign_in(store, auth.Throttle(), name, "wrong password", CLIENT).user is None
    assert refusals(store) == [("auth.failed", "?", None, {"client": CLIENT})] * len(typed)
    written = repr([(e.actor, e.target, e.detail) for e in Audit(store).events()])
    for name in typed[:-1]:
        assert name not in written


def test_an_accounts_name_is_kept_when_its_sign_in_is_refused_or_slowed_down(store):
    add_staff(store, "sato")
    store.clock = Clock(utcnow())  # still: the first wait never runs out while a slow machine checks passwords
    throttle = auth.Throttle()
    for _ in range(auth.FREE_FAILURES):
        assert auth.check_sign_in(store, throttle, "sato", "wrong password", CLIENT).user is None
    assert auth.check_sign_in(store, throttle, "sato", PASSWORD, CLIENT).wait_seconds > 0
    assert refusals(store) == [("auth.failed", "sato", "sato", {"client": CLIENT})] * auth.FREE_FAILURES + [
        ("auth.throttled", "sato", "sato", {"client": CLIENT})]


def test_a_slowed_down_name_that_is_no_account_is_not_written_down_either(store):
    store.clock = Clock(utcnow())
    throttle = auth.Throttle()
    for _ in range(auth.FREE_FAILURES + 1):
        auth.check_sign_in(store, throttle, PASSWORD, "wrong password", CLIENT)
    assert refusals(store)[-1] == ("auth.throttled", "?", None, {"client": CLIENT})
    assert PASSWORD not in repr([(e.actor, e.target, e.detail) for e in Audit(store).events()])


# --- the throttle holds in the database -------------------------------------------------------------------


def test_twelve_sign_ins_at_once_check_no_more_passwords_than_are_allowed(any_store):  # noqa: F811
    add_staff(any_store, "sato")
    any_store.clock = Clock(utcnow())  # still: the first wait after the free failures never runs out here
    throttle = auth.Throttle()
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda _: auth.check_sign_in(any_store, throttle, "sato", "wrong password", CLIENT),
                                range(12)))
    actions = [action for action, *_ in refusals(any_store)]
    assert actions.count("auth.failed") == auth.FREE_FAILURES  # the passwords checked
    assert actions.count("auth.throttled") == 12 - auth.FREE_FAILURES
    assert sum(1 for result in results if result.wait_seconds > 0) == 12 - auth.FREE_FAILURES


def test_two_builders_on_one_database_share_the_count_and_a_restart_keeps_it(any_store):  # noqa: F811
    add_staff(any_store, "sato")
    url = any_store.engine.url.render_as_string(hide_password=False)
    key = b"the builder's own key"
    other = Store.open(url)
    any_store.clock = other.clock = clock = Clock(utcnow())  # still: the first wait never runs out here
    try:
        for store in (any_store, other, any_store):
            assert auth.check_sign_in(store, auth.Throttle(key), "sato", "wrong password", CLIENT).wait_seconds == 0
        other.engine.dispose()
        other = Store.open(url)  # the builder restarted
        other.clock = clock
        assert auth.check_sign_in(other, auth.Throttle(key), "sato", PASSWORD, CLIENT).wait_seconds > 0
    finally:
        other.engine.dispose()


def test_a_sign_in_names_no_user_or_address_in_the_counts(store):
    auth.check_sign_in(store, auth.Throttle(), PASSWORD, "wrong password", CLIENT)  # a password in the name box
    with store.session() as s:
        stored = repr(s.exec(select(Attempt)).all())
    assert PASSWORD not in stored and CLIENT not in stored


def test_a_wrong_current_password_on_the_password_form_is_throttled_and_recorded(store):
    user = add_staff(store, "sato")
    store.clock = Clock(utcnow())
    throttle = auth.Throttle()
    for _ in range(auth.FREE_FAILURES):
        assert auth.check_current_password(store, throttle, user, "wrong password", CLIENT).user is None
    assert auth.check_current_password(store, throttle, user, PASSWORD, CLIENT).wait_seconds > 0
    # It guards the same password as signing in does: the same count.
    assert auth.check_sign_in(store, throttle, "sato", PASSWORD, CLIENT).wait_seconds > 0
    assert refusals(store) == [("auth.password_failed", "sato", "sato", {"client": CLIENT})] * auth.FREE_FAILURES + [
        ("auth.password_throttled", "sato", "sato", {"client": CLIENT}),
        ("auth.throttled", "sato", "sato", {"client": CLIENT})]
