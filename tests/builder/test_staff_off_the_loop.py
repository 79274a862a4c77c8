"""The staff pages read and write the database in a thread, never on NiceGUI's event loop, where one slow
query would stall every other member of staff's page. Each statement the store runs while a page is opened,
or while one of its buttons does its work, is seen, with the thread it ran in."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import event

from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.bookings import Bookings
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store
from tests.conftest import EXAMPLE
from widgets import AppSpec, LocalizedText

from .conftest import PASSWORD, SLOW, add_staff, sign_in
from .test_dashboard import write_draft

WEEKLY = {day: [{"start": "09:00", "end": "12:00", "capacity": 2}]
          for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def on_the_loop(store: Store) -> Iterator[list[str]]:
    """The statements run on the event loop's thread since the fixture began (a list that grows)."""
    seen: list[str] = []

    def check(conn: object, cursor: object, statement: str, *args: object) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # a worker thread: no loop runs here
        seen.append(statement.split("\n")[0][:80])

    event.listen(store.engine, "before_cursor_execute", check)
    yield seen
    event.remove(store.engine, "before_cursor_execute", check)


@dataclass(frozen=True)
class Desk:
    """An admin signed in (in English), with an app and a facility to open."""

    gui: User
    store: Store
    app_id: int
    resource_id: int

    def path(self, template: str) -> str:
        return template.format(app=self.app_id, resource=self.resource_id)


@pytest.fixture
async def desk(staff_gui: User) -> Desk:
    store: Store = staff_gui.store  # set by the staff_gui fixture
    add_staff(store, role="admin")
    app = Apps(store).create(AppSpec.model_validate(EXAMPLE), by="sato")
    gym = Bookings(store).create_resource("体育館", WEEKLY, by="sato")
    assert app.id is not None and gym.id is not None
    await sign_in(staff_gui)
    await staff_gui.should_see("佐藤 花子", retries=SLOW)
    return Desk(staff_gui, store, app.id, gym.id)


async def settle(on_the_loop: list[str]) -> None:
    """Wait for what a page reads after it is sent, or a button's work, then check the loop ran none of it."""
    await asyncio.sleep(0.5)
    assert on_the_loop == []


# Every staff page, opened by an admin (who sees every button it has).
PATHS = ("/", "/new", "/signin", "/password", "/apps/{app}", "/apps/{app}/publishing", "/apps/{app}/access",
         "/apps/{app}/charts", "/apps/{app}/submissions", "/apps/{app}/submissions/1", "/resources",
         "/resources/{resource}/calendar", "/resources/{resource}/calendar?view=week", "/users", "/audit", "/banner")


@pytest.mark.parametrize("path", PATHS)
async def test_opening_the_page_runs_no_statement_on_the_event_loop(desk: Desk, on_the_loop: list[str],
                                                                   path: str) -> None:
    del on_the_loop[:]
    await desk.gui.open(desk.path(path))
    await settle(on_the_loop)


async def stored(condition: Callable[[], bool]) -> None:
    """Wait until `condition` (which reads the store) holds, asking it in a thread: the test's own reads
    must not be counted as the page's."""
    for _ in range(100):
        if await asyncio.to_thread(condition):
            return
        await asyncio.sleep(0.1)
    assert await asyncio.to_thread(condition)


async def opened(desk: Desk, on_the_loop: list[str], path: str, marker: str) -> None:
    """The page at `path`, drawn, with the statements seen so far forgotten."""
    await desk.gui.open(desk.path(path))
    await desk.gui.should_see(marker=marker)
    await asyncio.sleep(0.3)
    del on_the_loop[:]


async def test_publishing_and_retiring_run_no_statement_on_the_event_loop(desk: Desk, on_the_loop: list[str]) -> None:
    gui = desk.gui
    await opened(desk, on_the_loop, "/apps/{app}/publishing", "publish")
    gui.find(marker="publish").click()
    await gui.should_see("Published: residents see it now")
    await settle(on_the_loop)
    gui.find(marker="retire").click()
    await gui.should_see(marker="confirm")
    gui.find(marker="confirm").click()
    await gui.should_see("Retired: residents see the service-ended page")
    await settle(on_the_loop)


async def test_rolling_back_runs_no_statement_on_the_event_loop(desk: Desk, on_the_loop: list[str]) -> None:
    gui, apps, lifecycle = desk.gui, Apps(desk.store), Lifecycle(desk.store)
    app = apps.by_id(desk.app_id)
    assert app is not None
    lifecycle.publish(app.slug, by="sato")
    spec = AppSpec.model_validate(EXAMPLE)
    apps.save_draft(desk.app_id, spec.model_copy(update={"title": LocalizedText({**spec.title.root, "ja": "二番目"})}),
                    revision=app.revision, by="sato")
    lifecycle.publish(app.slug, by="sato")
    await opened(desk, on_the_loop, "/apps/{app}/publishing", "rollback-1")
    gui.find(marker="rollback-1").click()
    await gui.should_see(marker="confirm")
    gui.find(marker="confirm").click()
    await gui.should_see("Version 1 is published again")
    await settle(on_the_loop)


async def test_the_editors_saves_run_no_statement_on_the_event_loop(desk: Desk, on_the_loop: list[str]) -> None:
    gui = desk.gui
    apps = Apps(desk.store)
    first = apps.by_id(desk.app_id)
    assert first is not None
    await opened(desk, on_the_loop, "/apps/{app}", "add-paragraph")
    gui.find(marker="add-paragraph").click()
    await gui.should_see("All changes saved")
    await settle(on_the_loop)
    gui.find(marker="undo").click()

    def undone() -> bool:
        app = apps.by_id(desk.app_id)
        return app is not None and app.revision > first.revision + 1 and app.draft_spec == first.draft_spec

    await stored(undone)
    await settle(on_the_loop)
    gui.find(kind=ui.button, content="App settings").click()
    await gui.should_see(marker="prop:slug")
    gui.find(marker="prop:slug").clear().type("a-new-address")  # each keystroke asks whether it is free
    await stored(lambda: (apps.by_id(desk.app_id) or first).draft_spec["slug"] == "a-new-address")
    await settle(on_the_loop)


async def test_a_damaged_draft_is_shown_and_restored_with_no_statement_on_the_event_loop(
        desk: Desk, on_the_loop: list[str]) -> None:
    gui = desk.gui
    write_draft(desk.store, desk.app_id, {**EXAMPLE, "pages": [{"widgets": [{"type": "gone-widget"}]}]})
    await opened(desk, on_the_loop, "/apps/{app}", "restore-draft")
    gui.find(marker="restore-draft").click()
    await gui.should_see(marker="add-paragraph")  # the editor, on the draft started again
    await settle(on_the_loop)


async def test_adding_and_disabling_an_access_point_run_no_statement_on_the_event_loop(
        desk: Desk, on_the_loop: list[str]) -> None:
    gui = desk.gui
    await opened(desk, on_the_loop, "/apps/{app}/access", "add-access-point")
    gui.find(marker="new-label").type("本庁舎1階")
    gui.find(marker="add-access-point").click()
    await gui.should_see("本庁舎1階")
    await settle(on_the_loop)
    [point] = await asyncio.to_thread(AccessPoints(desk.store).of_app, desk.app_id)
    gui.find(marker=f"toggle-{point.point.code}").click()
    await gui.should_see("Disabled")
    await settle(on_the_loop)


async def test_the_banner_and_the_users_actions_run_no_statement_on_the_event_loop(
        desk: Desk, on_the_loop: list[str]) -> None:
    gui = desk.gui
    await opened(desk, on_the_loop, "/banner", "no-banner")
    gui.find(marker="banner-text").type("断水のお知らせ")
    gui.find(marker="show-banner").click()
    await gui.should_see(marker="current-banner")
    await settle(on_the_loop)
    add_staff(desk.store, "suzuki", name="鈴木 次郎")
    await opened(desk, on_the_loop, "/users", "deactivate-suzuki")
    gui.find(marker="deactivate-suzuki").click()
    await gui.should_see(marker="reactivate-suzuki")
    await settle(on_the_loop)


async def test_changing_ones_password_runs_no_statement_on_the_event_loop(desk: Desk, on_the_loop: list[str]) -> None:
    gui = desk.gui
    await opened(desk, on_the_loop, "/password", "change-password")
    gui.find(marker="current-password").type(PASSWORD)
    gui.find(marker="new-password").type("my own long password")
    gui.find(marker="new-password-again").type("my own long password")
    gui.find(marker="change-password").click()
    await gui.should_see("Your password is changed")
    await settle(on_the_loop)


async def test_closing_a_time_on_the_calendar_runs_no_statement_on_the_event_loop(
        desk: Desk, on_the_loop: list[str]) -> None:
    gui = desk.gui
    store = desk.store
    tomorrow = (store.now().astimezone(ZoneInfo("Asia/Tokyo")) + dt.timedelta(days=1)).date()
    gym = Bookings(store).resource(desk.resource_id)
    assert gym is not None
    [view] = Bookings(store).slots(gym, tomorrow, tomorrow)
    slot_id = view.slot.id
    await opened(desk, on_the_loop, f"/resources/{{resource}}/calendar?day={tomorrow.isoformat()}", f"close-{slot_id}")
    gui.find(marker=f"close-{slot_id}").click()
    await gui.should_see(marker=f"reopen-{slot_id}")
    await settle(on_the_loop)


async def test_the_check_sees_a_statement_run_on_the_loop(staff_gui: User, on_the_loop: list[str]) -> None:
    StaffAccounts(staff_gui.store).count()
    assert on_the_loop
