"""The emergency banner screen: admins show and clear it; staff cannot."""

from __future__ import annotations

from generated_apps.domain.audit import Audit
from generated_apps.domain.banner import Banner

from .conftest import add_staff, until
from .test_lifecycle_screens import admin_in  # noqa: F401 - the fixture


async def test_an_admin_shows_and_clears_the_banner(admin_in):  # noqa: F811
    store = admin_in.store
    await admin_in.open("/banner")
    await admin_in.should_see(marker="no-banner")
    admin_in.find(marker="banner-text").type("有珠山の噴火に備えてください。")
    admin_in.find(marker="show-banner").click()
    await until(lambda: Banner(store).current() is not None)
    assert (Banner(store).current().text, Banner(store).current().level, Banner(store).current().issued_by) == (
        "有珠山の噴火に備えてください。", "danger", "kato")
    await admin_in.should_see(marker="current-banner")
    admin_in.find(marker="clear-banner").click()
    await until(lambda: Banner(store).current() is None)
    await admin_in.should_see(marker="no-banner")


async def test_an_empty_message_is_refused(admin_in):  # noqa: F811
    await admin_in.open("/banner")
    admin_in.find(marker="show-banner").click()
    await admin_in.should_see("Write the message in Japanese")
    assert Banner(admin_in.store).current() is None


async def test_staff_cannot_open_the_banner_page(signed_in):
    response = await signed_in.http_client.get("/banner")
    assert response.status_code == 403
    assert Audit(signed_in.store).events()[-1].action == "auth.refused"
    add_staff(signed_in.store, "kato", role="admin")  # nothing else changes for staff
