"""What both benchmarks share: free loopback ports, servers started and stopped, the demo survey."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SURVEY_FILE = REPO / "builder" / "app_templates" / "citizen-survey.json"
CONTENT_TYPES = {"heading", "paragraph", "notice", "image", "contact_card"}
CHROMIUM = Path(os.environ.get("MADOGUCHI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def survey() -> dict[str, Any]:
    return json.loads(SURVEY_FILE.read_text(encoding="utf-8"))


def first_question(spec: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The 1-based number of the first page that asks something, and its question."""
    for number, page in enumerate(spec["pages"], start=1):
        for widget in page["widgets"]:
            if widget["type"] not in CONTENT_TYPES:
                return number, widget
    raise ValueError("the survey asks nothing")


def madoguchi_command() -> list[str]:
    script = Path(sys.executable).with_name("madoguchi")
    if script.exists():
        return [str(script)]
    if (REPO / "builder" / "__main__.py").exists():
        return [sys.executable, "-m", "builder"]
    found = shutil.which("madoguchi")
    if found:
        return [found]
    raise SystemExit("no `madoguchi` command: run `pip install -e .` first")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def data_env(data_dir: Path, **extra: str) -> dict[str, str]:
    # No limit on forms sent: a bench's every request comes from one loopback address.
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir), "MADOGUCHI_POST_LIMIT": "0", **extra}
    env.pop("MADOGUCHI_DATABASE_URL", None)  # SQLite in the temp dir, never a real database
    return env


@contextlib.contextmanager
def running(name: str, cmd: list[str], url: str, env: dict[str, str], work_dir: Path,
            timeout: float = 90.0) -> Iterator[subprocess.Popen]:
    """Start a server in its own process group, wait until `url` answers 200, stop it afterwards.

    It runs in `work_dir` (a temp dir: NiceGUI, for one, writes a .nicegui folder where it runs),
    which also gets its log.
    """
    log = work_dir / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=work_dir, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"{name} exited with {proc.returncode}:\n{tail(log)}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{name} did not answer {url} within {timeout:.0f} s:\n{tail(log)}")
            time.sleep(0.2)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@contextlib.contextmanager
def postgres_schema(url: str, skipped: list[str]) -> Iterator[str | None]:
    """A URL to a schema of our own on the local PostgreSQL, dropped afterwards (as the tests do); None,
    with the reason added to `skipped`, when the server cannot be reached."""
    from sqlalchemy import create_engine, text

    admin = create_engine(url, connect_args={"connect_timeout": 3})
    schema = "madoguchi_bench_" + secrets.token_hex(4)
    try:
        with admin.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means: skip, saying why
        skipped.append(f"SKIP PostgreSQL: not reachable at 127.0.0.1:5432 (database 'test', user 'postgres'): "
                       f"{str(error).splitlines()[0]}")
        admin.dispose()
        yield None
        return
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
