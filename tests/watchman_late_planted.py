"""A planted fault for tests/test_suite_settings.py, run in a pytest of its own: a server's log gets a
traceback after the test that watched it has ended. The run must fail, in parallel (pytest-xdist) too."""

from __future__ import annotations

import pytest

from tests.watchman import watch


@pytest.fixture(scope="module")
def late_log(tmp_path_factory):
    log = tmp_path_factory.mktemp("late") / "server.log"
    log.write_text("INFO:     started\n")
    yield log
    with log.open("a") as f:  # after the test below has ended: only the end of the run can see it
        f.write("Traceback (most recent call last):\nRuntimeError: planted late fault\n")


def test_watches_a_log_that_gets_a_traceback_later(late_log):
    watch(late_log)
