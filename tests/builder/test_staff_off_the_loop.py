"""The staff pages read and write the database in a thread, never on NiceGUI's event loop, where one slow
query would stall every other member of staff's page. Each statement the store runs while a page is opened
is seen, with the thread it ran in."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event

from generated_apps.domain.apps import Apps
from generated_apps.domain.staff_accounts import StaffAccounts
from tests.conftest import EXAMPLE
from widgets import AppSpec

from .conftest import SLOW, add_staff, sign_in


@pytest.fixture
def on_the_loop(store):
    """The statements run on the event loop's thread since the fixture began (a list that grows)."""
    seen: list[str] = []

    def check(conn, cursor, statement, *args) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # a worker thread: no loop runs here
        seen.append(statement.split("\n")[0][:80])

    event.listen(store.engine, "before_cursor_execute", check)
    yield seen
    event.remove(store.engine, "before_cursor_execute", check)


# The pages that touch the database only in threads; the others still read on the loop while they draw
# (their page classes), and move to the first list as their reading moves into a thread.
OFF_THE_LOOP = ("/", "/new", "/signin", "/password", "/apps/{app}/charts", "/apps/{app}/submissions",
                "/apps/{app}/submissions/1", "/resources")
STILL_ON_THE_LOOP = ("/apps/{app}", "/apps/{app}/publishing", "/apps/{app}/access")


@pytest.mark.parametrize("path", [*OFF_THE_LOOP, *(pytest.param(path, marks=pytest.mark.xfail(
    strict=True, reason="reads the database on the loop while it draws")) for path in STILL_ON_THE_LOOP)])
async def test_opening_the_page_runs_no_statement_on_the_event_loop(staff_gui, on_the_loop, path):
    add_staff(staff_gui.store)
    app = Apps(staff_gui.store).create(AppSpec.model_validate(EXAMPLE), by="sato")
    await sign_in(staff_gui)
    await staff_gui.should_see("佐藤 花子", retries=SLOW)
    del on_the_loop[:]
    await staff_gui.open(path.format(app=app.id))
    await asyncio.sleep(0.5)  # what the page reads after it is sent
    assert on_the_loop == []


async def test_the_check_sees_a_statement_run_on_the_loop(staff_gui, on_the_loop):
    StaffAccounts(staff_gui.store).count()
    assert on_the_loop
