"""The publishing, users and audit screens, through NiceGUI's user simulation: admins can, staff cannot."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io

import pytest
from nicegui.testing import User

from builder import auth
from builder.templates_gallery import template
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.live import LiveApps
from generated_apps.domain.staff_accounts import StaffAccounts
from widgets import AppSpec, LocalizedText

from .conftest import PASSWORD, SLOW, add_staff, sign_in, until


@pytest.fixture
async def admin_in(staff_gui):
    """An admin, signed in (in English), on the dashboard."""
    add_staff(staff_gui.store, "kato", role="admin", name="加藤 一郎")
    await sign_in(staff_gui, "kato")
    await staff_gui.should_see("加藤 一郎", retries=SLOW)
    return staff_gui


def new_app(store, name: str = "citizen-survey", slug: str | None = None):
    spec = template(name).spec
    return Apps(store).create(spec.model_copy(update={"slug": slug or spec.slug}), by="suzuki")


def retitle(store, app_id: int, ja: str) -> None:
    current = Apps(store).by_id(app_id)
    spec = AppSpec.model_validate(current.draft_spec)
    Apps(store).save_draft(app_id, spec.model_copy(update={"title": LocalizedText({"ja": ja, "en": "Renamed"})}),
                     revision=current.revision, by="suzuki")


def choose(user: User, marker: str, value) -> None:
    """Set every element so marked: the publish and the retire card each have a "when" picker."""
    with user.client:
        for element in user.find(marker=marker).elements:
            element.value = value


def actions(store) -> list[str]:
    return [e.action for e in Audit(store).events()]


# --- publish, schedule, retire, roll back -----------------------------------------------------------


async def test_an_admin_publishes_from_the_publishing_page_and_sees_the_changes_of_the_next_draft(admin_in):
    store = admin_in.store
    app = new_app(store)
    await admin_in.open(f"/apps/{app.id}/publishing")
    await admin_in.should_see("Nothing is published yet")
    admin_in.find(marker="publish").click()
    await admin_in.should_see("Published: residents see it now")
    await until(lambda: Apps(store).state(app.id).status == "live")
    await admin_in.should_see("Version 1:")
    assert Audit(store).events(app.id)[-1].actor == "kato"

    retitle(store, app.id, "新しい題名のアンケート")
    await admin_in.open(f"/apps/{app.id}/publishing")
    await admin_in.should_see("Live: your changes are not visible to residents until an admin publishes")
    await admin_in.should_see(marker="change", content="Settings changed: Title (en), Title (ja)")


async def test_lint_errors_block_the_publish_button_with_the_list(admin_in):
    store = admin_in.store
    spec = template("notice").spec
    app = Apps(store).create(
        spec.model_copy(update={"contact": spec.contact.model_copy(update={"phone": ""}),
                                "lifecycle": spec.lifecycle.model_copy(update={"retention_days": None})}),
        by="suzuki")
    await admin_in.open(f"/apps/{app.id}/publishing")
    await admin_in.should_see("Fix these in the editor before publishing:")
    await admin_in.should_see("The app has no contact phone number: residents need one on every page")
    await admin_in.should_see("Say how many days submissions are kept (App settings, Lifecycle)")
    await admin_in.should_not_see(marker="publish")
    assert Apps(store).versions(app.id) == []


async def test_warnings_must_be_ticked_before_publishing(admin_in):
    store = admin_in.store
    spec = template("notice").spec
    long_title = LocalizedText({"ja": "とても" * 20 + "長い題名のお知らせ", "en": "A notice with a long title"})
    app = Apps(store).create(spec.model_copy(update={"title": long_title}), by="suzuki")  # a long sentence: a warning
    await admin_in.open(f"/apps/{app.id}/publishing")
    await admin_in.should_see("Consider these warnings:")
    admin_in.find(marker="publish").click()
    await admin_in.should_see("Tick the box to confirm that you have read the warnings")
    assert Apps(store).versions(app.id) == []
    admin_in.find(marker="acknowledge").click()
    admin_in.find(marker="publish").click()
    await until(lambda: len(Apps(store).versions(app.id)) == 1)


async def test_advice_is_shown_but_never_needs_ticking(admin_in):
    store = admin_in.store
    app = new_app(store)  # a form without an Easy Japanese version: advised to have one
    await admin_in.open(f"/apps/{app.id}/publishing")
    await admin_in.should_see("Advice (it does not stop publishing):")
    await admin_in.should_see("Consider an Easy Japanese", retries=SLOW)
    admin_in.find(marker="publish").click()
    await until(lambda: len(Apps(store).versions(app.id)) == 1)


async def test_an_admin_schedules_a_publication_in_tokyo_time_and_calls_it_off(admin_in):
    store = admin_in.store
    app = new_app(store)
    await admin_in.open(f"/apps/{app.id}/publishing")
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).astimezone(dt.timezone(dt.timedelta(hours=9)))
    choose(admin_in, "when", "later")
    admin_in.find(marker="when-date").type(tomorrow.date().isoformat())
    admin_in.find(marker="when-time").type("09:30")
    admin_in.find(marker="publish").click()
    await until(lambda: Apps(store).state(app.id).status == "scheduled")
    scheduled = Apps(store).state(app.id).scheduled.published_at
    assert scheduled == dt.datetime.combine(tomorrow.date(), dt.time(0, 30), tzinfo=dt.UTC)  # 09:30 in Tokyo
    await admin_in.should_see(f"Version 1 is scheduled for {tomorrow.date().isoformat()} 09:30")
    admin_in.find(marker="unschedule").click()
    await until(lambda: Apps(store).state(app.id).status == "draft")
    assert actions(store)[-2:] == ["app.schedule", "app.unschedule"]


async def test_a_time_that_cannot_be_read_is_asked_for_again(admin_in):
    app = new_app(admin_in.store)
    await admin_in.open(f"/apps/{app.id}/publishing")
    choose(admin_in, "when", "later")
    admin_in.find(marker="publish").click()
    await admin_in.should_see("Enter a date and a time")
    assert Apps(admin_in.store).versions(app.id) == []


async def test_an_admin_retires_an_app_with_a_message_and_a_successor_and_reopens_it(admin_in):
    store = admin_in.store
    app = new_app(store, "evacuation-shelter")
    Lifecycle(store).publish(app.slug, by="kato")
    successor = new_app(store, "evacuation-shelter", "shelter-2027")
    Lifecycle(store).publish(successor.slug, by="kato")
    await admin_in.open(f"/apps/{app.id}/publishing")
    admin_in.find(marker="retire-message").type("新しい避難所のご案内をご覧ください。")
    choose(admin_in, "successor", successor.id)
    admin_in.find(marker="retire").click()
    await admin_in.should_see("Retire this app?")
    admin_in.find(marker="confirm").click()
    await until(lambda: Apps(store).state(app.id).status == "retired")
    live = LiveApps(store).get(app.slug)
    assert (live.retire_message, live.successor_slug) == (
        {"ja": "新しい避難所のご案内をご覧ください。"}, "shelter-2027")
    await admin_in.should_see("Retired since")
    admin_in.find(marker="publish").click()  # "Re-open now"
    await until(lambda: Apps(store).state(app.id).status == "live")
    assert Audit(store).events(app.id)[-1].action == "app.reopen"


async def test_calling_off_a_scheduled_retirement_asks_first_and_keeps_its_message_for_the_next_one(admin_in):
    store = admin_in.store
    app = new_app(store, "evacuation-shelter")
    Lifecycle(store).publish(app.slug, by="kato")
    message = "新しい避難所のご案内をご覧ください。"
    Lifecycle(store).retire(app.slug, by="kato", message=message, at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    await admin_in.open(f"/apps/{app.id}/publishing")
    await admin_in.should_see(f"Message to residents: {message}")  # what is scheduled, message included
    admin_in.find(marker="unretire").click()
    await admin_in.should_see("Call off the retirement on")
    await admin_in.should_see("Its message to residents is kept")
    assert Apps(store).state(app.id).retire_at is not None  # nothing is called off before the answer
    admin_in.find(marker="confirm").click()
    await until(lambda: Apps(store).state(app.id).retire_at is None)
    await admin_in.should_see("The retirement is called off")
    assert Apps(store).by_id(app.id).retire_message == {"ja": message}
    await admin_in.should_see(marker="retire-message")
    with admin_in.client:  # the retire form offers it again
        assert admin_in.find(marker="retire-message").elements.pop().value == message


async def test_the_retirement_message_has_a_field_per_language_and_one_left_out_is_a_warning(admin_in):
    store = admin_in.store
    app = new_app(store, "evacuation-shelter")  # offers Japanese and English
    Lifecycle(store).publish(app.slug, by="kato")
    await admin_in.open(f"/apps/{app.id}/publishing")
    await admin_in.should_see("Message to residents (English)")
    admin_in.find(marker="retire-message").type("避難所は閉じました。")
    choose(admin_in, "when", "later")
    choose(admin_in, "when-date", (dt.date.today() + dt.timedelta(days=2)).isoformat())
    choose(admin_in, "when-time", "09:00")
    admin_in.find(marker="retire").click()
    await admin_in.should_see("Retire this app?")
    await admin_in.should_see("The message to residents has no text in English")  # a warning, not a refusal
    admin_in.find(marker="confirm").click()
    await until(lambda: Apps(store).state(app.id).retire_at is not None)
    assert Apps(store).by_id(app.id).retire_message == {"ja": "避難所は閉じました。"}

    Lifecycle(store).cancel_retirement(app.id, by="kato")
    await admin_in.open(f"/apps/{app.id}/publishing")
    admin_in.find(marker="retire-message.en").type("The shelter has closed.")
    admin_in.find(marker="retire").click()
    await admin_in.should_see("Retire this app?")
    admin_in.find(marker="confirm").click()
    await until(lambda: Apps(store).state(app.id).status == "retired")
    message = {"ja": "避難所は閉じました。", "en": "The shelter has closed."}
    assert LiveApps(store).get(app.slug).retire_message == message
    assert Audit(store).events(app.id)[-1].detail["message"] == message
    await admin_in.should_see("Message to residents (English): The shelter has closed.")
    await admin_in.should_see("Message to residents (日本語): 避難所は閉じました。")


async def test_a_schedule_date_out_of_range_is_told_not_stored(admin_in):
    store = admin_in.store
    app = new_app(store)
    await admin_in.open(f"/apps/{app.id}/publishing")
    choose(admin_in, "when", "later")
    choose(admin_in, "when-date", "0001-01-01")
    choose(admin_in, "when-time", "09:00")
    admin_in.find(marker="publish").click()
    await admin_in.should_see("Enter a date from 2000-01-01 to 2099-12-31")
    Lifecycle(store).publish(app.slug, by="kato")
    await admin_in.open(f"/apps/{app.id}/publishing")
    choose(admin_in, "when", "later")
    choose(admin_in, "when-date", "2100-01-01")
    choose(admin_in, "when-time", "09:00")
    admin_in.find(marker="retire").click()
    await admin_in.should_see("Enter a date from 2000-01-01 to 2099-12-31")
    assert [v.number for v in Apps(store).versions(app.id)] == [1] and Apps(store).state(app.id).retire_at is None


async def test_a_damaged_draft_is_shown_on_its_publishing_page_with_the_way_to_restore_it(admin_in):
    import json

    from sqlalchemy import text

    store = admin_in.store
    app = new_app(store, "evacuation-shelter")
    Lifecycle(store).publish(app.slug, by="kato")
    damaged = {**Apps(store).by_id(app.id).draft_spec, "pages": [{"widgets": [{"type": "gone-widget"}]}]}
    with store.engine.begin() as c:  # as an older version, or a hand in the database, left it
        c.execute(text("UPDATE app SET draft_spec = :spec WHERE id = :id"), {"spec": json.dumps(damaged), "id": app.id})
    await admin_in.open(f"/apps/{app.id}/publishing")
    await admin_in.should_see("The draft of this app cannot be read")
    await admin_in.should_see(marker="restore-link")
    await admin_in.should_see("Version 1, published")  # what residents see is still told
    await admin_in.should_see(marker="retire")  # and the app can still be retired or rolled back


async def test_an_admin_rolls_back_to_an_earlier_version_from_the_list(admin_in):
    store = admin_in.store
    app = new_app(store)
    Lifecycle(store).publish(app.slug, by="kato")
    retitle(store, app.id, "二番目の題名")
    Lifecycle(store).publish(app.slug, by="kato")
    await admin_in.open(f"/apps/{app.id}/publishing")
    await admin_in.should_see("(residents see this one)")
    await admin_in.should_see(marker="version-2")
    admin_in.find(marker="rollback-1").click()
    await admin_in.should_see("Publish version 1 again?")
    admin_in.find(marker="confirm").click()
    await until(lambda: Apps(store).state(app.id).live.number == 3)
    assert str(LiveApps(store).get(app.slug).spec.title) == template("citizen-survey").spec.title.text("ja")
    await admin_in.should_see("Version 1 is published again")


# --- roles ------------------------------------------------------------------------------------------


async def test_staff_see_the_publishing_page_without_any_admin_action(signed_in):
    store = signed_in.store
    app = new_app(store)
    Lifecycle(store).publish(app.slug, by="admin")
    retitle(store, app.id, "二番目")
    Lifecycle(store).publish(app.slug, by="admin")
    await signed_in.open(f"/apps/{app.id}/publishing")
    await signed_in.should_see("Only an admin can publish, schedule, retire or roll back this app.")
    for marker in ("publish", "retire", "rollback-1", "unschedule", "unretire"):
        await signed_in.should_not_see(marker=marker)
    await signed_in.should_not_see("Users")


@pytest.mark.parametrize("path", ["/users", "/audit", "/audit.csv", "/audit.csv?action=app.publish"])
async def test_staff_cannot_open_the_admin_pages_and_the_attempt_is_recorded(signed_in, path):
    response = await signed_in.http_client.get(path)
    assert response.status_code == 403 and "Only an admin can open this page" in response.text
    refused = Audit(signed_in.store).events()[-1]
    assert (refused.action, refused.actor, refused.target) == ("auth.refused", "sato", path.split("?")[0])


async def test_an_admin_demoted_while_the_page_is_open_can_no_longer_act(admin_in):
    """The server checks the role at each click: the buttons drawn for an admin do not outlive the role."""
    store = admin_in.store
    app = new_app(store)
    Lifecycle(store).publish(app.slug, by="kato")
    retitle(store, app.id, "二番目")
    add_staff(store, "tanaka", role="admin", name="田中")
    await admin_in.open(f"/apps/{app.id}/publishing")
    kato = StaffAccounts(store).by_username("kato")
    StaffAccounts(store).change(kato.id, "tanaka", role="staff")
    before = len(Apps(store).versions(app.id))

    def refused() -> list[tuple[str, str]]:
        return [(e.actor, e.detail["action"]) for e in Audit(store).events() if e.action == "auth.refused"]

    admin_in.find(marker="publish").click()
    await until(lambda: refused() == [("kato", "app.publish")])
    await admin_in.should_see("Only an admin can do this. Ask an admin of your office")
    admin_in.find(marker="retire").click()
    await admin_in.should_see("Retire this app?")
    admin_in.find(marker="confirm").click()
    await until(lambda: refused() == [("kato", "app.publish"), ("kato", "app.retire")])
    assert len(Apps(store).versions(app.id)) == before and Apps(store).state(app.id).status == "live_with_changes"


# --- users ------------------------------------------------------------------------------------------


async def test_an_admin_adds_staff_who_must_change_the_temporary_password_at_first_sign_in(admin_in):
    store = admin_in.store
    await admin_in.open("/users")
    admin_in.find(marker="new-username").type("yamada")
    admin_in.find(marker="new-name").type("山田 花子")
    admin_in.find(marker="add-user").click()
    await admin_in.should_see(marker="temporary-password", retries=SLOW)
    [shown] = admin_in.find(marker="temporary-password").elements
    temporary = shown.text
    created = StaffAccounts(store).by_username("yamada")
    assert created.role == "staff" and created.must_change_password

    await admin_in.open("/signout")
    await sign_in(admin_in, "yamada", temporary)
    await admin_in.should_see("Choose your own password now", retries=SLOW)
    await admin_in.open("/")  # every page leads to the password page until it is changed
    await admin_in.should_see("Choose your own password now")
    admin_in.find(marker="current-password").type(temporary)
    admin_in.find(marker="new-password").type("my own long password")
    admin_in.find(marker="new-password-again").type("my own long password")
    admin_in.find(marker="change-password").click()
    await until(lambda: not StaffAccounts(store).by_username("yamada").must_change_password, tries=200)
    await admin_in.open("/")
    await admin_in.should_see("New app")
    assert actions(store)[-1] == "user.password_change"


async def test_an_admin_changes_a_role_and_deactivates_an_account_which_is_kept(admin_in):
    store = admin_in.store
    add_staff(store, "sato")
    await admin_in.open("/users")
    choose(admin_in, "role-sato", "admin")
    await until(lambda: StaffAccounts(store).by_username("sato").role == "admin")
    admin_in.find(marker="deactivate-sato").click()
    await until(lambda: not StaffAccounts(store).by_username("sato").active)
    await admin_in.should_see(marker="reactivate-sato")
    assert [e.action for e in Audit(store).events()][-2:] == ["user.role", "user.deactivate"]
    assert StaffAccounts(store).by_username("sato") is not None  # never deleted


async def test_the_last_admin_cannot_deactivate_or_demote_themselves(admin_in):
    store = admin_in.store
    await admin_in.open("/users")
    admin_in.find(marker="deactivate-kato").click()
    await admin_in.should_see("加藤 一郎 is the last active admin: make another member of staff an admin first")
    choose(admin_in, "role-kato", "staff")
    await asyncio.sleep(0.5)  # the refusal is a notification like the one before: give it time to be made
    kato = StaffAccounts(store).by_username("kato")
    assert (kato.role, kato.active) == ("admin", True)
    assert "user.role" not in actions(store) and "user.deactivate" not in actions(store)


async def test_a_new_password_is_refused_when_the_current_one_is_wrong(signed_in):
    await signed_in.open("/password")
    signed_in.find(marker="current-password").type("not my password")
    signed_in.find(marker="new-password").type("another long password")
    signed_in.find(marker="new-password-again").type("another long password")
    signed_in.find(marker="change-password").click()
    await signed_in.should_see("The current password is not right", retries=SLOW)
    assert auth.verify_password(StaffAccounts(signed_in.store).by_username("sato"), PASSWORD)


# --- the audit log ----------------------------------------------------------------------------------


async def test_the_audit_log_is_filtered_and_exported_as_csv_for_excel(admin_in):
    store = admin_in.store
    app = new_app(store)
    Lifecycle(store).publish(app.slug, by="kato")
    Audit(store).record("=cmd|' /C calc'!A0", "auth.failed", target="=1+1")
    await admin_in.open("/audit")
    await admin_in.should_see(marker="audit-row")
    await admin_in.should_see("app.publish")
    choose(admin_in, "filter-action", "app.publish")
    await admin_in.should_see(marker="audit-total", content="1 entries")

    response = await admin_in.http_client.get("/audit.csv?action=auth.")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["action"] for r in rows} <= {"auth.sign_in", "auth.failed"} and rows
    failed = next(r for r in rows if r["action"] == "auth.failed")
    assert failed["actor"].startswith("'=") and failed["target"] == "'=1+1"  # formulas neutralised
    assert Audit(store).events()[-1].action == "audit.export"


async def test_a_reset_password_ends_the_sessions_started_with_the_old_one(signed_in):
    store = signed_in.store
    sato = StaffAccounts(store).by_username("sato")
    StaffAccounts(store).set_password(sato.id, auth.hash_password("a temporary one"), by="kato", must_change=True)
    response = await signed_in.http_client.get("/")
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")


async def test_on_a_temporary_password_nothing_but_the_password_page_works(staff_gui):
    store = staff_gui.store
    add_staff(store, "yamada", name="山田")
    StaffAccounts(store).set_password(StaffAccounts(store).by_username("yamada").id,
                                      auth.hash_password("temporary password"), by="kato", must_change=True)
    app = new_app(store)
    await sign_in(staff_gui, "yamada", "temporary password")
    await staff_gui.should_see("Choose your own password now", retries=SLOW)
    for path in (f"/apps/{app.id}", f"/apps/{app.id}/publishing", "/new"):
        response = await staff_gui.http_client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/password"
    assert (await staff_gui.http_client.get(f"/preview/{app.id}/ja/p/1")).status_code == 401


async def test_audit_dates_out_of_any_range_are_ignored_not_a_server_error(admin_in):
    for query in ("since=0001-01-01", "until=9999-12-31", "since=2026-13-45", "app_id=x"):
        response = await admin_in.http_client.get(f"/audit.csv?{query}")
        assert response.status_code in (200, 422), query
        if response.status_code == 200:
            assert "auth.sign_in" in response.content.decode("utf-8-sig")


async def test_an_audit_page_left_open_shows_nothing_more_once_its_admin_is_demoted(admin_in):
    store = admin_in.store
    add_staff(store, "tanaka", role="admin", name="田中")
    await admin_in.open("/audit")
    await admin_in.should_see(marker="audit-row")
    StaffAccounts(store).change(StaffAccounts(store).by_username("kato").id, "tanaka", role="staff")
    choose(admin_in, "filter-action", "auth.sign_in")
    await admin_in.should_see("Only an admin can do this. Ask an admin of your office")
    await admin_in.should_not_see(marker="audit-row")
