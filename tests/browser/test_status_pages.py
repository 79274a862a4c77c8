"""A resident sends the demo consultation and reads the city's reply on its status page, in Chromium with
JavaScript off, at 320 and 390 px: the confirmation with its way to the status page, the status page,
a badly typed field, the refusal, the status before a reply and with one, each passing our own checks
and axe as ACCESSIBILITY.md configures it.

A member of staff writes the reply, so these tests run their own server (`uvicorn generated_apps.web.asgi:app`,
the demo apps published by `load_demo`) on a database they can also write to: `base_url` here is its
address, and `resident_context` (conftest.py) opens pages on it.
"""

from __future__ import annotations

import os
import sys

import pytest

from builder.server import load_demo
from generated_apps.domain.apps import Apps
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import Submissions

from .conftest import free_port, running
from .demo import CONSULTATION
from .resident import fill_in
from .test_booking_pages import go, submit
from .test_other_pages import assert_checks

pytestmark = pytest.mark.browser

STATUS = f"/a/{CONSULTATION}/status"
MAX_PAGES = 20
REPLY = "ご相談ありがとうございます。\n\n12月1日から、除雪車が回ります。<b>朝7時ごろ</b>です。"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(address, store) of a resident server of its own, with the demo apps published."""
    data_dir = tmp_path_factory.mktemp("status-data")
    database = f"sqlite:///{data_dir / 'madoguchi.sqlite3'}"
    store = Store.open(database)
    load_demo(store)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir), "MADOGUCHI_DATABASE_URL": database,
           "MADOGUCHI_PUBLIC_URL": url}
    log = data_dir.parent / f"{data_dir.name}-server.log"
    try:
        with running([sys.executable, "-m", "uvicorn", "generated_apps.web.asgi:app", "--host", "127.0.0.1",
                      "--port", str(port), "--log-level", "warning"], url + "/", log, env=env):
            yield url, store
    finally:
        store.engine.dispose()


@pytest.fixture(scope="module")
def base_url(server):
    return server[0]


def send_a_consultation(page) -> str:
    """Go through the demo consultation from its start page; the reference number on the confirmation."""
    go(page, f"/a/{CONSULTATION}")
    with page.expect_navigation():
        page.locator("main .button--start").click()
    for _ in range(MAX_PAGES):
        if page.url.endswith("/check"):
            break
        fill_in(page)  # the phone number given is 0142-23-3331 (resident.py)
        submit(page)
    submit(page)
    assert page.url.endswith("/done")
    return page.locator(".reference").inner_text().strip()


def look(page, reference: str, last4: str, expected: int) -> None:
    page.locator("#f-reference").fill(reference)
    page.locator("#f-last4").fill(last4)
    submit(page, expected)


@pytest.mark.parametrize("width", [320, 390])
def test_reading_the_reply_on_the_status_page_passes_every_check(resident_context, axe, server, width):
    _url, store = server
    page = resident_context(width).new_page()
    reference = send_a_consultation(page)
    assert page.locator("main a", has_text="相談の状況を確かめる").count() == 1
    assert_checks(page, axe, "the consultation's confirmation")

    with page.expect_navigation():
        page.locator("main a", has_text="相談の状況を確かめる").click()
    assert page.url.endswith(STATUS)
    assert page.locator("h1").inner_text() == "相談の状況を確かめる"
    assert_checks(page, axe, "the status page")

    look(page, "12", "3331", 422)
    assert page.title().startswith("エラー:")
    assert page.locator("#f-reference").input_value() == "12"
    assert_checks(page, axe, "the status page with an error")

    look(page, reference, "0000", 422)
    assert page.locator(".notice").count() == 1 and page.locator(".status-word").count() == 0
    assert_checks(page, axe, "the status page, refused")

    look(page, reference, "3331", 200)
    assert page.url.endswith(STATUS), "the answer to the POST itself: no address with the reference number"
    assert page.locator("h1").inner_text() == "相談の状況"
    assert page.locator(".status-word").inner_text() == "受付済"
    assert_checks(page, axe, "the status before a reply")

    staff = Submissions(store)
    staff.write_reply(staff.by_reference(Apps(store).by_slug(CONSULTATION).id, reference).id, REPLY, by="sato")
    go(page, STATUS)
    look(page, reference, "3331", 200)
    assert page.locator(".status-word").inner_text() == "回答済"
    assert page.locator(".reply").inner_text() == REPLY  # line breaks kept, the tags as text
    assert page.locator(".reply b").count() == 0
    assert_checks(page, axe, "the status with the city's reply")
