"""The lifecycle of an app, with a moved clock: every status and transition, taking effect with no job running.

The store's clock is the only thing moved; the database (SQLite and PostgreSQL) is real.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.errors import DraftChanged, LifecycleRefused, PublishRefused, UserChangeRefused
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import utcnow
from generated_apps.domain.staff_accounts import StaffAccounts
from widgets import AppSpec, LocalizedText

from .test_store import any_store  # noqa: F401 - the fixture: SQLite and PostgreSQL

T0 = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)  # 9:00 in Date City
HOUR = dt.timedelta(hours=1)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def move(self, by: dt.timedelta) -> None:
        self.now += by


@pytest.fixture
def clock(any_store):  # noqa: F811
    clock = Clock(T0)
    any_store.clock = clock
    return clock


@pytest.fixture
def app(any_store, example_spec, clock):  # noqa: F811
    return Apps(any_store).create(AppSpec.model_validate(example_spec), by="suzuki")


def status(store, app) -> str:
    return Apps(store).state(app.id).status


def edit_title(store, app, ja: str) -> None:
    current = Apps(store).by_id(app.id)
    spec = AppSpec.model_validate(current.draft_spec)
    Apps(store).save_draft(app.id, spec.model_copy(update={"title": LocalizedText({"ja": ja, "en": "Changed"})}),
                     revision=current.revision, by="suzuki")


def actions(store, app) -> list[str]:
    return [e.action for e in Audit(store).events(app.id)]


def test_a_new_app_is_a_draft_and_publishing_makes_it_live(any_store, app, clock):  # noqa: F811
    assert status(any_store, app) == "draft"
    assert LiveApps(any_store).get(app.slug).version_id is None
    version = Lifecycle(any_store).publish(app.slug, by="admin")
    assert (version.number, version.published_by, version.published_at) == (1, "admin", T0)
    assert status(any_store, app) == "live"
    assert LiveApps(any_store).get(app.slug).version_number == 1


def test_editing_a_live_app_leaves_residents_on_the_published_version_until_the_next_publish(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    edit_title(any_store, app, "新しい題名")
    assert status(any_store, app) == "live_with_changes"
    assert str(LiveApps(any_store).get(app.slug).spec.title) == "図書館アンケート"
    Lifecycle(any_store).publish(app.slug, by="admin")
    assert status(any_store, app) == "live"
    assert str(LiveApps(any_store).get(app.slug).spec.title) == "新しい題名"


def test_a_scheduled_publication_takes_effect_at_its_time_with_no_job_running(any_store, app, clock):  # noqa: F811
    version = Lifecycle(any_store).publish(app.slug, by="admin", at=T0 + 2 * HOUR)
    assert version.published_at == T0 + 2 * HOUR
    assert status(any_store, app) == "scheduled"
    assert LiveApps(any_store).get(app.slug).opens_at == T0 + 2 * HOUR  # the cache remembers when it changes
    clock.move(2 * HOUR - dt.timedelta(seconds=1))
    assert LiveApps(any_store).get(app.slug).version_id is None
    clock.move(dt.timedelta(seconds=1))
    assert status(any_store, app) == "live"
    assert LiveApps(any_store).get(app.slug).version_number == 1
    assert actions(any_store, app)[-1] == "app.schedule"


def test_a_scheduled_new_version_replaces_the_live_one_at_its_time(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    edit_title(any_store, app, "冬の題名")
    Lifecycle(any_store).publish(app.slug, by="admin", at=T0 + HOUR)
    state = Apps(any_store).state(app.id)
    assert (state.status, state.live.number, state.scheduled.number) == ("live_with_changes", 1, 2)
    clock.move(HOUR)
    assert str(LiveApps(any_store).get(app.slug).spec.title) == "冬の題名"
    assert status(any_store, app) == "live"


def test_publishing_again_replaces_a_publication_still_waiting_and_it_can_be_called_off(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin", at=T0 + HOUR)
    second = Lifecycle(any_store).publish(app.slug, by="admin", at=T0 + 3 * HOUR)
    versions = {v.number: v for v in Apps(any_store).versions(app.id)}
    assert versions[1].cancelled_at == T0 and versions[1].cancelled_by == "admin"
    assert Audit(any_store).events(app.id)[-1].detail["replaces_scheduled"] == [1]
    assert Lifecycle(any_store).cancel_scheduled(app.id, by="admin") == second.number
    assert status(any_store, app) == "draft"
    clock.move(4 * HOUR)
    assert status(any_store, app) == "draft" and LiveApps(any_store).get(app.slug).version_id is None
    with pytest.raises(LifecycleRefused):
        Lifecycle(any_store).cancel_scheduled(app.id, by="admin")


def test_a_scheduled_retirement_takes_effect_at_its_time_with_no_job_running(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    Lifecycle(any_store).retire(app.slug, by="admin", message="3月で終わります", at=T0 + HOUR)
    state = Apps(any_store).state(app.id)
    assert (state.status, state.retire_at) == ("live", T0 + HOUR)
    assert LiveApps(any_store).get(app.slug).status(clock()) == "live"
    clock.move(HOUR)
    assert status(any_store, app) == "retired"
    live = LiveApps(any_store).get(app.slug)
    assert live.status(clock()) == "retired" and live.retire_message == {"ja": "3月で終わります"}


def test_a_retirement_message_is_kept_by_language_and_a_plain_string_is_japanese(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    Lifecycle(any_store).retire(app.slug, by="admin", message={"en": " The survey has ended. ", "ko": ""}, at=T0 + HOUR)
    assert Apps(any_store).state(app.id).app.retire_message == {"ja": "", "en": "The survey has ended."}
    Lifecycle(any_store).retire(app.slug, by="admin", message=LocalizedText({"ja": "終了\x00しました", "en": "Ended"}),
                                at=T0 + HOUR)
    assert Apps(any_store).by_id(app.id).retire_message == {"ja": "終了しました", "en": "Ended"}
    assert Audit(any_store).events(app.id)[-1].detail["message"] == {"ja": "終了しました", "en": "Ended"}
    Lifecycle(any_store).retire(app.slug, by="admin", message="  ", at=T0 + HOUR)  # nothing written: no message
    assert Apps(any_store).by_id(app.id).retire_message is None
    with pytest.raises(ValueError):
        Lifecycle(any_store).retire(app.slug, by="admin", message={"xx": "?"}, at=T0 + HOUR)
    Lifecycle(any_store).retire(app.slug, by="admin", message="3月で終わります")
    assert LiveApps(any_store).get(app.slug).retire_message == {"ja": "3月で終わります"}


def test_a_message_an_older_version_stored_as_a_plain_string_is_read_as_japanese(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    Lifecycle(any_store).retire(app.slug, by="admin")
    for stored, read in [("3月で\x07終わります", {"ja": "3月で終わります"}), ("{not json", {"ja": "{not json"}),
                         ('{"en": "Ended", "xx": "?", "ko": 3}', {"ja": "", "en": "Ended"})]:
        with any_store.engine.begin() as c:
            c.execute(text("UPDATE app SET retire_message = :m WHERE id = :id"), {"m": stored, "id": app.id})
        any_store.forget_live()  # read it again from the database
        assert Apps(any_store).by_id(app.id).retire_message == read
        assert LiveApps(any_store).get(app.slug).retire_message == read


def test_calling_off_a_retirement_keeps_its_message_for_the_next_one(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    Lifecycle(any_store).retire(app.slug, by="admin", message={"ja": "終わります", "en": "Ending"}, at=T0 + HOUR)
    Lifecycle(any_store).cancel_retirement(app.id, by="admin")
    state = Apps(any_store).state(app.id)
    assert (state.status, state.retire_at) == ("live", None)
    assert state.app.retire_message == {"ja": "終わります", "en": "Ending"}
    clock.move(2 * HOUR)
    assert status(any_store, app) == "live"


def test_a_retirement_can_be_called_off_before_its_time_but_not_after(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    Lifecycle(any_store).retire(app.slug, by="admin", at=T0 + HOUR)
    Lifecycle(any_store).cancel_retirement(app.id, by="admin")
    clock.move(2 * HOUR)
    assert status(any_store, app) == "live"
    Lifecycle(any_store).retire(app.slug, by="admin")
    with pytest.raises(LifecycleRefused):
        Lifecycle(any_store).cancel_retirement(app.id, by="admin")
    assert status(any_store, app) == "retired"


def test_a_retired_app_names_its_successor_and_is_reopened_by_a_new_publish(any_store, app, example_spec, clock):  # noqa: F811
    successor = Apps(any_store).create(AppSpec.model_validate(example_spec | {"slug": "library-survey-2027"}),
                                       by="suzuki")
    Lifecycle(any_store).publish(successor.slug, by="admin")
    Lifecycle(any_store).publish(app.slug, by="admin")
    Lifecycle(any_store).retire(app.slug, by="admin", message="新しいアンケートへどうぞ", successor_id=successor.id)
    assert LiveApps(any_store).get(app.slug).successor_slug == "library-survey-2027"
    assert status(any_store, app) == "retired"
    version = Lifecycle(any_store).publish(app.slug, by="admin")
    assert version.number == 2 and status(any_store, app) == "live"
    assert LiveApps(any_store).get(app.slug).successor_slug is None
    assert Audit(any_store).events(app.id)[-1].action == "app.reopen"


def test_rolling_back_republishes_an_earlier_version_as_the_next_one_and_keeps_the_draft(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    edit_title(any_store, app, "二番目")
    Lifecycle(any_store).publish(app.slug, by="admin")
    edit_title(any_store, app, "書きかけ")
    third = Lifecycle(any_store).rollback(app.id, 1, by="admin")
    assert (third.number, third.rollback_of) == (3, 1)
    assert str(LiveApps(any_store).get(app.slug).spec.title) == "図書館アンケート"
    assert Apps(any_store).by_id(app.id).draft_spec["title"]["ja"] == "書きかけ"  # staff's edits are not lost
    assert status(any_store, app) == "live_with_changes"
    event = Audit(any_store).events(app.id)[-1]
    assert (event.action, event.actor, event.detail["version"], event.detail["rollback_of"]) == (
        "app.rollback", "admin", 3, 1)


@pytest.mark.parametrize("number", [0, 4, 99])
def test_rolling_back_to_a_version_that_does_not_exist_is_refused_and_changes_nothing(any_store, app, clock, number):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    # Number 2, not yet seen.
    Lifecycle(any_store).publish(app.slug, by="admin", at=T0 + HOUR, warnings_acknowledged=True)
    before = actions(any_store, app)
    for bad in (number, 2):
        with pytest.raises(LifecycleRefused):
            Lifecycle(any_store).rollback(app.id, bad, by="admin")
    with pytest.raises(LifecycleRefused, match="residents see now"):
        Lifecycle(any_store).rollback(app.id, 1, by="admin")
    assert actions(any_store, app) == before and len(Apps(any_store).versions(app.id)) == 2


def test_publishing_is_refused_with_every_lint_error_and_the_missing_policy_fields(any_store, example_spec, clock):  # noqa: F811
    example_spec["contact"] = {}
    example_spec["lifecycle"] = {}
    example_spec["pages"][0]["widgets"][1]["label"] = {"ja": ""}
    app = Apps(any_store).create(AppSpec.model_validate(example_spec), by="suzuki")
    with pytest.raises(PublishRefused) as refused:
        Lifecycle(any_store).publish(app.slug, by="admin")
    assert len(refused.value.errors) == 4
    assert any("phone" in e for e in refused.value.errors) and any("kept" in e for e in refused.value.errors)
    assert Apps(any_store).versions(app.id) == [] and status(any_store, app) == "draft"


def test_warnings_must_be_acknowledged_and_the_draft_must_be_the_one_reviewed(any_store, example_spec, clock):  # noqa: F811
    example_spec["pages"][2]["widgets"].append(  # a second question on the page: a warning
        {"type": "short_text", "key": "street", "required": False, "label": {"ja": "番地", "en": "Street"}})
    app = Apps(any_store).create(AppSpec.model_validate(example_spec), by="suzuki")
    with pytest.raises(LifecycleRefused, match="warnings"):
        Lifecycle(any_store).publish(app.slug, by="admin", revision=app.revision)
    edit_title(any_store, app, "見直した後の変更")
    with pytest.raises(DraftChanged):
        Lifecycle(any_store).publish(app.slug, by="admin", revision=app.revision, warnings_acknowledged=True)
    version = Lifecycle(any_store).publish(app.slug, by="admin", revision=app.revision + 1, warnings_acknowledged=True)
    assert version.number == 1


def test_times_that_contradict_each_other_are_refused(any_store, app, clock):  # noqa: F811
    with pytest.raises(LifecycleRefused, match="has already passed"):
        Lifecycle(any_store).publish(app.slug, by="admin", at=T0 - HOUR)
    with pytest.raises(LifecycleRefused, match="never been published"):
        Lifecycle(any_store).retire(app.slug, by="admin")
    Lifecycle(any_store).publish(app.slug, by="admin", at=T0 + HOUR)
    with pytest.raises(LifecycleRefused, match="call off the scheduled publication instead"):
        Lifecycle(any_store).retire(app.slug, by="admin")  # residents have seen nothing yet
    clock.move(HOUR)
    edit_title(any_store, app, "二番目")
    Lifecycle(any_store).publish(app.slug, by="admin", at=T0 + 3 * HOUR)
    with pytest.raises(LifecycleRefused, match="after the scheduled publication"):
        Lifecycle(any_store).retire(app.slug, by="admin", at=T0 + 2 * HOUR)  # retire-at before publish-at
    with pytest.raises(LifecycleRefused, match="has already passed"):
        Lifecycle(any_store).retire(app.slug, by="admin", at=T0 - HOUR)
    Lifecycle(any_store).retire(app.slug, by="admin", at=T0 + 4 * HOUR)
    with pytest.raises(LifecycleRefused, match="to be retired"):
        Lifecycle(any_store).publish(app.slug, by="admin", at=T0 + 5 * HOUR)  # publish-at after retire-at
    with pytest.raises(LifecycleRefused, match="successor"):
        Lifecycle(any_store).retire(app.slug, by="admin", successor_id=app.id)
    state = Apps(any_store).state(app.id)
    assert (state.status, state.scheduled.number, state.retire_at) == ("live_with_changes", 2, T0 + 4 * HOUR)


def test_retiring_now_calls_off_a_publication_still_waiting(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    edit_title(any_store, app, "二番目")
    Lifecycle(any_store).publish(app.slug, by="admin", at=T0 + HOUR)
    Lifecycle(any_store).retire(app.slug, by="admin")
    assert Audit(any_store).events(app.id)[-1].detail["cancels_scheduled"] == [2]
    clock.move(2 * HOUR)
    state = Apps(any_store).state(app.id)
    assert (state.status, state.live.number, state.scheduled) == ("retired", 1, None)


def test_a_roll_back_keeps_the_address_residents_use_now(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    current = Apps(any_store).by_id(app.id)
    moved = AppSpec.model_validate(current.draft_spec).model_copy(update={"slug": "library-survey-2026"})
    Apps(any_store).save_draft(app.id, moved, revision=current.revision, by="suzuki")
    Lifecycle(any_store).publish("library-survey", by="admin")
    assert Apps(any_store).by_id(app.id).slug == "library-survey-2026"
    Lifecycle(any_store).rollback(app.id, 1, by="admin")
    assert Apps(any_store).by_id(app.id).slug == "library-survey-2026"
    assert LiveApps(any_store).get("library-survey-2026").version_number == 3
    assert LiveApps(any_store).get("library-survey") is None


def test_rolling_back_a_retired_app_reopens_it_and_says_so(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    Lifecycle(any_store).publish(app.slug, by="admin", warnings_acknowledged=True)
    Lifecycle(any_store).retire(app.slug, by="admin")
    Lifecycle(any_store).rollback(app.id, 1, by="admin")
    assert status(any_store, app) == "live"
    assert Audit(any_store).events(app.id)[-1].detail["reopened"] is True


def test_a_time_given_with_another_zone_means_the_same_moment(any_store, app, clock):  # noqa: F811
    tokyo = dt.timezone(dt.timedelta(hours=9))
    version = Lifecycle(any_store).publish(app.slug, by="admin", at=dt.datetime(2026, 12, 1, 10, 0, tzinfo=tokyo))
    assert version.published_at == T0 + HOUR  # 10:00 in Tokyo is 01:00 UTC
    clock.move(HOUR)
    assert status(any_store, app) == "live"


def test_each_lifecycle_action_leaves_exactly_one_audit_line_with_who_what_and_which_app(any_store, app, clock):  # noqa: F811
    steps = [
        (lambda: Lifecycle(any_store).publish(app.slug, by="kato"), "app.publish"),
        (lambda: Lifecycle(any_store).publish(app.slug, by="kato", at=T0 + HOUR), "app.schedule"),
        (lambda: Lifecycle(any_store).cancel_scheduled(app.id, by="kato"), "app.unschedule"),
        (lambda: Lifecycle(any_store).retire(app.slug, by="kato", at=T0 + HOUR), "app.retire"),
        (lambda: Lifecycle(any_store).cancel_retirement(app.id, by="kato"), "app.unretire"),
        (lambda: Lifecycle(any_store).retire(app.slug, by="kato"), "app.retire"),
        (lambda: Lifecycle(any_store).publish(app.slug, by="kato"), "app.reopen"),
        (lambda: Lifecycle(any_store).rollback(app.id, 1, by="kato"), "app.rollback"),
    ]
    for step, action in steps:
        before = len(Audit(any_store).events(app.id))
        step()
        events = Audit(any_store).events(app.id)
        assert len(events) == before + 1
        assert (events[-1].action, events[-1].actor, events[-1].app_id, events[-1].target) == (
            action, "kato", app.id, app.slug)


def test_the_audit_log_cannot_be_changed_or_deleted(any_store, app, clock):  # noqa: F811
    Lifecycle(any_store).publish(app.slug, by="admin")
    for statement in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), any_store.engine.begin() as c:
            c.execute(text(statement))
    assert [e.actor for e in Audit(any_store).events(app.id)] == ["suzuki", "admin"]


def test_unsent_drafts_of_residents_are_counted_for_staff_until_they_expire(any_store, app, clock):  # noqa: F811
    version = Lifecycle(any_store).publish(app.slug, by="admin")
    Drafts(any_store).create(app.id, version.id, {"visited": "yes"})
    sent = Drafts(any_store).create(app.id, version.id, {"visited": "no"})
    Drafts(any_store).submit(sent, {"visited": "no"}, "ja")
    Lifecycle(any_store).retire(app.slug, by="admin")
    assert Apps(any_store).state(app.id).open_drafts == 1
    clock.move(dt.timedelta(days=8))
    assert Apps(any_store).state(app.id).open_drafts == 0


def test_the_real_clock_is_the_default(any_store, example_spec):  # noqa: F811
    app = Apps(any_store).create(AppSpec.model_validate(example_spec), by="suzuki")
    Lifecycle(any_store).publish(app.slug, by="admin")
    assert abs(Apps(any_store).versions(app.id)[0].published_at - utcnow()) < dt.timedelta(minutes=1)


def test_each_change_to_an_account_leaves_exactly_one_audit_line(any_store):  # noqa: F811
    admin = StaffAccounts(any_store).create("kato", "加藤", "hash", "admin", by="setup")
    sato = StaffAccounts(any_store).create("sato", "佐藤", "hash", "staff", by="kato", must_change_password=True)
    steps = [
        (lambda: StaffAccounts(any_store).change(sato.id, "kato", role="admin"),
         "user.role", {"role": ["staff", "admin"]}),
        (lambda: StaffAccounts(any_store).change(sato.id, "kato", active=False),
         "user.deactivate", {"active": [True, False]}),
        (lambda: StaffAccounts(any_store).change(sato.id, "kato", active=True),
         "user.activate", {"active": [False, True]}),
        (lambda: StaffAccounts(any_store).set_password(sato.id, "hash2", by="kato", must_change=True),
         "user.password_reset", {}),
        (lambda: StaffAccounts(any_store).set_password(sato.id, "hash3", by="sato", must_change=False),
         "user.password_change", {}),
    ]
    for step, action, detail in steps:
        before = len(Audit(any_store).events())
        step()
        events = Audit(any_store).events()
        assert len(events) == before + 1
        assert (events[-1].action, events[-1].target, events[-1].detail) == (action, "sato", detail)
    assert StaffAccounts(any_store).by_id(admin.id).active


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(any_store):  # noqa: F811
    kato = StaffAccounts(any_store).create("kato", "加藤", "hash", "admin", by="setup")
    sato = StaffAccounts(any_store).create("sato", "佐藤", "hash", "admin", by="kato")
    StaffAccounts(any_store).change(sato.id, "kato", active=False)  # kato is still an admin
    before = len(Audit(any_store).events())
    for change in ({"role": "staff"}, {"active": False}):
        with pytest.raises(UserChangeRefused, match="last active admin"):
            StaffAccounts(any_store).change(kato.id, "kato", **change)
    with pytest.raises(UserChangeRefused):
        StaffAccounts(any_store).change(kato.id, "kato", role="superuser")
    user = StaffAccounts(any_store).by_username("kato")
    assert (user.role, user.active) == ("admin", True) and len(Audit(any_store).events()) == before
    StaffAccounts(any_store).change(sato.id, "kato", active=True)
    StaffAccounts(any_store).change(kato.id, "sato", role="staff")  # now there is another admin
    assert StaffAccounts(any_store).by_username("kato").role == "staff"


def test_two_admins_demoting_each_other_at_once_leave_one_admin(store):
    """On SQLite, where SELECT ... FOR UPDATE locks nothing: both read the two admins before either writes."""
    sato = StaffAccounts(store).create("sato", "佐藤", "hash", "admin", by="setup")
    kato = StaffAccounts(store).create("kato", "加藤", "hash", "admin", by="setup")
    both_read = threading.Barrier(2, timeout=10)
    reader = threading.local()

    def pause_after_reading_the_admins(conn, cursor, statement, *args):
        if statement.lstrip().startswith("SELECT") and "FROM staff_user" in statement and "role" in statement \
                and not getattr(reader, "paused", False):
            reader.paused = True
            both_read.wait()

    event.listen(store.engine, "after_cursor_execute", pause_after_reading_the_admins)
    outcomes = []

    def demote(target, by):
        try:
            StaffAccounts(store).change(target.id, by, role="staff")
            outcomes.append("done")
        except UserChangeRefused:
            outcomes.append("refused")

    threads = [threading.Thread(target=demote, args=(kato, "sato")),
               threading.Thread(target=demote, args=(sato, "kato"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    event.remove(store.engine, "after_cursor_execute", pause_after_reading_the_admins)
    assert sorted(outcomes) == ["done", "refused"]
    assert [u.username for u in StaffAccounts(store).all() if u.role == "admin" and u.active] in (["kato"], ["sato"])
