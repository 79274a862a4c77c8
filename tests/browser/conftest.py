"""Browser tests: the real server in a subprocess, Debian's Chromium driven by Playwright.

The server is started once per session, exactly as a resident meets it (`madoguchi serve --demo`),
on a free loopback port with a fresh data directory. Set MADOGUCHI_TEST_BASE_URL to test a server
that is already running instead.

Chromium is Debian's (/usr/bin/chromium, or MADOGUCHI_CHROMIUM): Playwright's own browser download
does not work here. Without it these tests skip, except on CI (env CI set), where they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.watchman import watch

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("MADOGUCHI_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps trying to reach Google on this closed network.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SERVER_START_TIMEOUT = 90.0


def _unavailable(reason: str) -> None:
    """Fail on CI, where a missing browser means a broken install; skip on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def madoguchi_command() -> list[str]:
    """The installed console script next to this interpreter, or the package run as a module."""
    script = Path(sys.executable).with_name("madoguchi")
    if script.exists():
        return [str(script)]
    if (REPO / "builder" / "__main__.py").exists():
        return [sys.executable, "-m", "builder"]
    found = shutil.which("madoguchi")
    if found:
        return [found]
    pytest.fail("no `madoguchi` command: run `pip install -e '.[test]'` (make test does)", pytrace=False)
    raise AssertionError  # unreachable


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode} before answering:\n{_tail(log)}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not answer {url} within {SERVER_START_TIMEOUT:.0f} s:\n{_tail(log)}", pytrace=False)


def _tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop(proc: subprocess.Popen) -> None:
    """Stop a server `running` started (a no-op once it has ended): SIGTERM to its process group, SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    # The server runs in its own process group, so its children (if any) stop with it.
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextmanager
def running(command: list[str], url: str, log: Path, *, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> Iterator[subprocess.Popen]:
    """A server started with `command` once it answers `url` with 200, its output (stdout and stderr)
    appended to `log`, which is watched (tests/watchman.py: an error there fails the test); stopped, with
    its process group, when the block ends. `env` and `cwd` as for subprocess.Popen; no stdin.
    Servers may share a log (appended to, never truncated)."""
    watch(log)
    with log.open("ab") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_until_up(url, proc, log)
        yield proc
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a running `madoguchi serve --demo`, e.g. http://127.0.0.1:54321."""
    given = os.environ.get("MADOGUCHI_TEST_BASE_URL")
    if given:
        yield given.rstrip("/")
        return
    data_dir = tmp_path_factory.mktemp("madoguchi-data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # No limit on forms sent: every test's browser comes from this one loopback address.
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir), "MADOGUCHI_PUBLIC_URL": url, "MADOGUCHI_POST_LIMIT": "0"}
    env.pop("MADOGUCHI_DATABASE_URL", None)  # SQLite in the fresh data dir, never a shared database
    log = data_dir.parent / f"{data_dir.name}-server.log"
    with running([*madoguchi_command(), "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)],
                 url + "/", log, env=env, cwd=REPO):
        yield url


# Package scope: Playwright's sync API keeps an event loop running while it is open, which the
# asyncio tests of the builder (NiceGUI's user simulation) cannot run beside; it closes after this folder.
@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="package")
def axe(browser):
    """axe-core, run as ACCESSIBILITY.md says on a JS-enabled copy of a page (see tests/browser/axe.py)."""
    from .axe import AxeRunner

    runner = AxeRunner(browser)
    yield runner
    runner.close()


@pytest.fixture
def resident_context(browser, base_url):
    """A factory of resident browser contexts: JavaScript off, Japanese, a phone-sized viewport."""
    contexts = []

    def make(width: int = 390, height: int = 844):
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": width, "height": height},
            locale="ja-JP", base_url=base_url,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
