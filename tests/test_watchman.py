"""The watchman catches what it is there for: planted faults, run in a pytest of their own.

tests/builder/watchman_planted.py raises in a staff page (the dashboard, in NiceGUI's user simulation),
builds a page too slowly for NiceGUI, and raises in a server process (uvicorn); each of those tests
fails at its teardown, because of the watchman alone, while the same fault marked as expected, and
a page without a fault, pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANTED = "tests/builder/watchman_planted.py"


@pytest.fixture(scope="module")
def outcomes() -> dict[str, str]:
    run = subprocess.run([sys.executable, "-m", "pytest", PLANTED, "-p", "no:cacheprovider", "-q", "-rA",
                          "--no-header", "-o", "addopts=-p nicegui.testing.user_plugin"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ})
    found = {}
    for line in run.stdout.splitlines():
        for outcome in ("PASSED", "FAILED", "ERROR"):
            if line.startswith(f"{outcome} {PLANTED}::"):
                name = line.split("::", 1)[1].split(" ", 1)[0]
                found[name] = outcome
    found["output"] = run.stdout
    return found


def test_a_raise_in_a_staff_page_fails_the_test_that_opened_it(outcomes):
    assert outcomes.get("test_a_raise_in_a_staff_page") == "ERROR", outcomes["output"][-3000:]
    assert "planted fault in the dashboard" in outcomes["output"]
    assert "a server logged an unhandled exception during this test" in outcomes["output"]


def test_a_raise_in_a_server_process_fails_the_test_that_caused_it(outcomes):
    # Failed at its teardown, where the watchman reads the log: the test itself got its 500 and passed.
    assert outcomes.get("test_a_raise_in_a_server_process") == "ERROR", outcomes["output"][-3000:]
    assert "in server.log:\nERROR:    Exception in ASGI application" in outcomes["output"]
    assert "planted fault in a server process" in outcomes["output"]


def test_a_staff_page_too_slow_to_build_fails_the_test_that_opened_it(outcomes):
    assert outcomes.get("test_a_staff_page_too_slow_to_build") == "ERROR", outcomes["output"][-3000:]
    assert "Response for /planted-slow not ready after 3.0 seconds" in outcomes["output"]


def test_a_fault_the_test_expects_and_a_page_without_one_pass(outcomes):
    assert outcomes.get("test_a_raise_the_test_expects") == "PASSED", outcomes["output"][-3000:]
    assert outcomes.get("test_a_staff_page_without_a_fault") == "PASSED", outcomes["output"][-3000:]
