"""The watchman: a test fails when a server it drove logged an unhandled exception.

A green suite once hid a staff page that answered 500 for every app with a QR code: the error went
to a log nobody read (issue 17). Two kinds of server are watched:
- servers the tests start as processes (`madoguchi serve`, uvicorn): each writes its output to a
  log file, handed to `watch(path)`; what a test adds to any watched log is read after it;
- the builder's pages run in-process (NiceGUI's user simulation, Starlette's TestClient): their
  log records at ERROR and above, caught by a handler on the root logger (and uvicorn's, which
  does not propagate).
In both, a page NiceGUI gave up building ("Response for /x not ready after 3.0 seconds", logged as a
warning) counts too: staff saw an error page. One complaint is let through everywhere, by name:
NiceGUI's "Could not cancel N tasks within timeout" as a busy machine ends a user simulation, which
is the test harness shutting down, not a page failing.

What a server logs between two tests (after one ended, before the next began) is not dropped: it is
reported when the run ends, and fails the run.

A test that provokes an error on purpose says which, with `@pytest.mark.server_errors("pattern")`:
only lines and records matching one of its patterns are let through (the test asserts them itself).
The fixture that applies all this is `watchman` in tests/conftest.py, used by every test.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

# What an unhandled exception leaves in a server's output: a traceback, or a line at ERROR level
# (uvicorn's "ERROR:    Exception in ASGI application", NiceGUI's and ours through logging).
UNHANDLED = re.compile(r"^(?:ERROR|CRITICAL):|Traceback \(most recent call last\)|not ready after [0-9.]+ seconds",
                       re.MULTILINE)
HARNESS = re.compile(r"Could not cancel \d+ tasks within timeout")  # see above
LOGGERS = ("", "uvicorn", "uvicorn.error")  # the root, and uvicorn's own, which keep their records to themselves

_watched: dict[Path, int] = {}  # log file -> how much of it has been read
_between: list[str] = []  # what was logged between tests, reported at the end of the run


def watch(log: Path) -> None:
    """Read `log` (a server's output file) after every test from now on, from its current end."""
    log = Path(log)
    _watched.setdefault(log, _size(log))


def _size(log: Path) -> int:
    try:
        return log.stat().st_size
    except OSError:
        return 0


def _read_new(log: Path) -> str:
    start = _watched[log]
    try:
        with log.open("rb") as f:
            f.seek(start)
            data = f.read()
    except OSError:
        return ""
    _watched[log] = start + len(data)
    return data.decode("utf-8", errors="replace")


def errors_in(text: str) -> list[str]:
    """Each unhandled exception in a server's output, as the lines around its first sign (for the report)."""
    lines = text.splitlines()
    found = []
    for n, line in enumerate(lines):
        if UNHANDLED.search(line) and not HARNESS.search(line):
            found.append("\n".join(lines[n:n + 25]))
    return found


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if HARNESS.search(message):
            return
        if record.levelno >= logging.ERROR or UNHANDLED.search(message):
            self.records.append(record)


def _describe(record: logging.LogRecord) -> str:
    text = f"{record.levelname} {record.name}: {record.getMessage()}"
    if record.exc_info and record.exc_info[1] is not None:
        text += f"\n{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        text += "\n" + logging.Formatter().formatException(record.exc_info)[-3000:]
    return text


class Watch:
    """One test's watch: started before it, read after it."""

    def __init__(self) -> None:
        self.handler = _Records()
        for name in LOGGERS:
            logging.getLogger(name).addHandler(self.handler)
        for log in _watched:  # what was logged since the last test ended is not this test's
            _between.extend(f"in {log.name}, between two tests:\n{e}" for e in errors_in(_read_new(log)))

    def stop(self) -> list[str]:
        """Everything unhandled that was logged since the start, in-process and in every watched log."""
        for name in LOGGERS:
            logging.getLogger(name).removeHandler(self.handler)
        found = [_describe(r) for r in self.handler.records]
        for log in list(_watched):
            found += [f"in {log.name}:\n{e}" for e in errors_in(_read_new(log))]
        return found


def unexpected(found: list[str], allowed: list[str]) -> list[str]:
    """What in `found` none of the `allowed` patterns (regular expressions) matches."""
    return [f for f in found if not any(re.search(pattern, f) for pattern in allowed)]


def leftovers() -> list[str]:
    """What the watched logs got outside any test: between two tests, and after the last one."""
    found = list(_between)
    for log in list(_watched):
        found += [f"in {log.name}:\n{e}" for e in errors_in(_read_new(log))]
    return found
