"""An unknown id or a day out of range in a staff address is a 404 or a clear message, never a server error."""

from __future__ import annotations

import pytest

from generated_apps.domain.apps import Apps
from generated_apps.domain.bookings import Bookings
from generated_apps.domain.lifecycle import Lifecycle
from tests.conftest import EXAMPLE
from tests.generated_apps.test_lifecycle import Clock
from widgets import AppSpec

from .test_booking_screens import NOW, WEEKLY

TOO_BIG = "9" * 30  # no database row has such an id; SQLite cannot even bind it


@pytest.fixture
async def desk(signed_in):
    signed_in.store.clock = Clock(NOW)
    app = Apps(signed_in.store).create(AppSpec.model_validate(EXAMPLE), by="kato")
    Lifecycle(signed_in.store).publish(app.slug, by="kato")
    signed_in.app_id = app.id
    signed_in.gym = Bookings(signed_in.store).create_resource("体育館", WEEKLY, by="kato")
    return signed_in


@pytest.mark.parametrize("path", ["/counter/9999", "/counter/9999/p/1", "/counter/{app}/slip/9999",
                                  f"/counter/{TOO_BIG}", f"/counter/{{app}}/slip/{TOO_BIG}", f"/preview/{TOO_BIG}/ja/",
                                  f"/apps/{TOO_BIG}/posters.pdf"])
async def test_counter_entry_slips_and_previews_of_what_does_not_exist_are_not_found(desk, path):
    response = await desk.http_client.get(path.format(app=desk.app_id))
    assert response.status_code == 404
    if path.startswith("/counter"):  # the resident pages' own "not found", in Japanese
        assert "見つかりません" in response.text


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "garbage", "2026-02-30"])
async def test_a_day_sheet_of_a_day_out_of_range_or_not_a_day_is_not_found(desk, day):
    response = await desk.http_client.get(f"/resources/{desk.gym.id}/day-sheet?day={day}")
    assert response.status_code == 404


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "garbage"])
async def test_the_calendar_asked_for_a_day_out_of_range_shows_today(desk, day):
    await desk.open(f"/resources/{desk.gym.id}/calendar?day={day}")
    await desk.should_see("2026-11-16 (Mon)")


async def test_the_calendar_steps_no_further_than_its_last_day(desk):
    await desk.open(f"/resources/{desk.gym.id}/calendar?day=2099-12-31")
    await desk.should_see(marker="period")
    desk.find(marker="next").click()
    await desk.should_see("The calendar shows the days from 2000-01-01 to 2099-12-31")
    assert desk.find(marker="period").elements.pop().text.startswith("2099-12-31")


async def test_the_editor_of_an_app_id_no_table_can_hold_says_there_is_no_such_app(desk):
    await desk.open(f"/apps/{TOO_BIG}")
    await desk.should_see("There is no such app. It may have been deleted.")


async def test_a_facility_id_no_table_can_hold_is_no_such_facility(desk):
    await desk.open(f"/resources/{TOO_BIG}/calendar")
    await desk.should_see("There is no such facility.")
    await desk.open(f"/resources?edit={TOO_BIG}")
    await desk.should_see(marker="add-resource")


async def test_a_submission_id_no_table_can_hold_is_no_such_submission(desk):
    await desk.open(f"/apps/{desk.app_id}/submissions/{TOO_BIG}")
    await desk.should_see("There is no such submission", retries=20)
