"""Planted faults for tests/test_watchman.py, which runs this file in a pytest of its own.

Not collected by the suite (its name does not start with test_): each test here is meant to fail
because of the watchman, or to pass because it says which error it provokes.
"""

from __future__ import annotations

import asyncio
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generated_apps.domain.apps import Apps
from tests.browser.conftest import free_port, running

from .conftest import SLOW


def plant_a_fault_in_the_dashboard(monkeypatch) -> None:
    def planted(*args, **kwargs):
        raise RuntimeError("planted fault in the dashboard")
    monkeypatch.setattr(Apps, "summaries", planted)  # the dashboard's list, until the test ends


async def search_the_dashboard_with_a_fault_planted(user, monkeypatch) -> None:
    """The dashboard opens; then its table fails as the clerk types a search (an event handler raises,
    which NiceGUI logs and the page survives: nothing reaches the test but the log)."""
    await user.open("/")
    await user.should_see("佐藤 花子", retries=SLOW)
    plant_a_fault_in_the_dashboard(monkeypatch)
    user.find(marker="search").type("図書館")
    await asyncio.sleep(0.5)  # the search is debounced in the browser, not here; let the refresh run


async def test_a_raise_in_a_staff_page(signed_in, monkeypatch):
    await search_the_dashboard_with_a_fault_planted(signed_in, monkeypatch)


@pytest.mark.server_errors("planted fault in the dashboard")
async def test_a_raise_the_test_expects(signed_in, monkeypatch):
    await search_the_dashboard_with_a_fault_planted(signed_in, monkeypatch)


async def test_a_staff_page_without_a_fault(signed_in):
    await signed_in.open("/")
    await signed_in.should_see("佐藤 花子", retries=SLOW)


async def test_a_staff_page_too_slow_to_build(signed_in):
    """NiceGUI gives up on a page not built within 3 s and sends an error page (logged as a warning)."""
    from nicegui import ui

    @ui.page("/planted-slow")
    async def slow():
        await asyncio.sleep(3.5)  # a million rows read before the page is sent
        ui.label("built")

    with pytest.raises(AssertionError, match="got 500"):  # the simulation sees the error page; a browser would not say
        await signed_in.open("/planted-slow")


# A server in a process of its own: uvicorn, serving an app that fails on one path.
async def failing_app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/fail":
        raise RuntimeError("planted fault in a server process")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_a_raise_in_a_server_process(tmp_path: Path):
    port = free_port()
    with running([sys.executable, "-m", "uvicorn", "tests.builder.watchman_planted:failing_app", "--host", "127.0.0.1",
                  "--port", str(port)], f"http://127.0.0.1:{port}/", tmp_path / "server.log", env={**os.environ}):
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/fail", timeout=10)
