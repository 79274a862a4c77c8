"""Every staff address that takes an id or a date, asked for with values staff could type or a link could carry:
a 404, a 422 or a page with a clear message, never a server error (issue 17). The watchman fails a test
during which a page logged an unhandled exception, so a page that breaks after it was sent fails too."""

from __future__ import annotations

import asyncio

import pytest

from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.bookings import Bookings
from tests.generated_apps.test_lifecycle import Clock

from .conftest import SLOW, add_staff, sign_in
from .test_access_screens import new_app
from .test_booking_screens import NOW, WEEKLY

HOSTILE = ["0", "-1", str(2**63), "1" + "0" * 400, "abc", "%00", "0001-01-01", "9999-12-31", "2026-02-30"]

# {x} is the hostile value; {app}, {code} and {gym} are a real app, access point and facility.
ADDRESSES = [
    "/apps/{x}", "/apps/{x}/publishing", "/apps/{x}/access", "/apps/{x}/access/{code}.png",
    "/apps/{app}/access/{x}.svg", "/apps/{app}/access/{code}.png?size={x}", "/apps/{x}/access/{code}/poster.pdf",
    "/apps/{app}/access/{code}/poster.png?size={x}", "/apps/{x}/posters.pdf", "/apps/{app}/posters.pdf?size={x}",
    "/apps/{x}/charts", "/apps/{app}/charts?since={x}&until={x}", "/apps/{x}/summary",
    "/apps/{app}/summary?since={x}&until={x}", "/apps/{x}/submissions", "/apps/{x}/submissions/1",
    "/apps/{app}/submissions/{x}", "/counter/{x}", "/counter/{x}/p/1", "/counter/{app}/slip/{x}",
    "/resources?edit={x}", "/resources/{x}/calendar", "/resources/{gym}/calendar?day={x}&view={x}",
    "/resources/{x}/day-sheet", "/resources/{gym}/day-sheet?day={x}",
    "/audit.csv?app_id={x}", "/audit.csv?since={x}&until={x}&action={x}&actor={x}",
    "/preview/{x}/ja/", "/preview/{app}/{x}/", "/lang/{x}?next=/{x}", "/template-preview/{x}/ja/", "/exports/{x}",
]


@pytest.fixture
async def admin(staff_gui):
    store = staff_gui.store
    store.clock = Clock(NOW)
    add_staff(store, "kato", role="admin", name="加藤 一郎")
    await sign_in(staff_gui, "kato")
    await staff_gui.should_see("加藤 一郎", retries=SLOW)
    app = new_app(store)
    point = AccessPoints(store).create(app.id, "本庁舎1階", by="kato")
    gym = Bookings(store).create_resource("体育館", WEEKLY, by="kato")
    staff_gui.ids = {"app": app.id, "code": point.code, "gym": gym.id}
    return staff_gui


@pytest.mark.parametrize("address", ADDRESSES)
async def test_no_hostile_value_in_a_staff_address_is_a_server_error(admin, address):
    for value in HOSTILE:
        path = address.format(x=value, **admin.ids)
        response = await admin.http_client.get(path, follow_redirects=True)
        assert response.status_code < 500, (path, response.status_code)
        if response.status_code == 200 and response.headers.get("X-Nicegui-Content") == "page":
            await admin.open(path)  # what the page reads once the browser has connected runs too
            await asyncio.sleep(0.2)


@pytest.mark.parametrize("page", ["/apps/{app}/charts", "/apps/{app}/submissions", "/audit"])
async def test_no_hostile_value_in_a_date_field_is_a_server_error(admin, page):
    await admin.open(page.format(**admin.ids))
    await admin.should_see(marker="filter-since", retries=SLOW)
    for value in HOSTILE:
        for field in ("filter-since", "filter-until"):
            admin.find(marker=field).clear().type(value)
        await asyncio.sleep(0.1)  # the table or the counts are read again, in a thread
