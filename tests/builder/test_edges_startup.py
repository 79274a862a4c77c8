"""Start-up that cannot go on (issue 18, finding 8): a read-only data folder, a full disk, a damaged
database. `madoguchi` ends with one line that says what is wrong and what to do, in the operator's
language, and never a traceback, which once printed a stored row (config.start_problem).

The read-only folder and the full disk are real: a read-only bind mount and a 64 KiB tmpfs, in a mount
namespace of the command's own (`unshare`), so nothing outside the test sees them."""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import free_port, madoguchi_command

ROOT = Path(__file__).resolve().parents[2]
SURVEY = ROOT / "builder" / "app_templates" / "citizen-survey.json"


def run(command: list[str], data_dir: Path, *, mount: str = "", lang: str = "C.UTF-8") -> subprocess.CompletedProcess:
    """`madoguchi …` with MADOGUCHI_DATA_DIR=data_dir; with `mount`, in a mount namespace of its own, after
    that shell command has run there (root may mount; anyone else maps themselves to root to)."""
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir), "LANG": lang, "LC_ALL": "", "LC_MESSAGES": ""}
    for name in ("MADOGUCHI_DATABASE_URL", "MADOGUCHI_DEBUG", "MADOGUCHI_STAFF_URL"):
        env.pop(name, None)
    line = shlex.join([*madoguchi_command(), *command])
    if mount:
        unshare = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "--map-root-user", "--mount"]
        probe = subprocess.run([*unshare, "true"], capture_output=True)
        if probe.returncode != 0:
            pytest.skip(f"no mount namespace here ({probe.stderr.decode().strip()}): "
                        "cannot make a real read-only or full disk")
        return subprocess.run([*unshare, "sh", "-c", f"{mount} && exec {line}"], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)
    return subprocess.run(shlex.split(line), capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
                          stdin=subprocess.DEVNULL)


def one_line(result: subprocess.CompletedProcess) -> str:
    """What the command said: exactly one line, and it failed."""
    said = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode != 0, said
    assert "Traceback" not in result.stderr and len(said) == 1, said
    return said[0]


def serve() -> list[str]:
    return ["serve", "--host", "127.0.0.1", "--port", str(free_port())]


def test_a_read_only_data_folder_is_named_in_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    said = one_line(run(serve(), folder / "data", mount=f"mount --bind -o ro {folder} {folder}"))
    assert said.startswith(f"Madoguchi cannot write to {folder / 'data'}") and "read-only" in said


def test_a_full_disk_is_named_in_one_line_in_the_operators_language(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    said = one_line(run(serve(), disk, mount=f"mount -t tmpfs -o size=64k tmpfs {disk}"))
    assert said == f"The disk that holds {disk / 'madoguchi.sqlite3'} is full. Make room on it and start again."
    said = one_line(run(serve(), disk, mount=f"mount -t tmpfs -o size=64k tmpfs {disk}", lang="ja_JP.UTF-8"))
    assert said.startswith(f"{disk / 'madoguchi.sqlite3'} を置いているディスクがいっぱいです")


def test_a_file_that_is_not_a_database_is_named_with_the_way_back(tmp_path):
    (tmp_path / "madoguchi.sqlite3").write_bytes(os.urandom(20_000))
    said = one_line(run(serve(), tmp_path))
    assert said.startswith(f"The database {tmp_path / 'madoguchi.sqlite3'} is damaged") and "madoguchi restore" in said


def test_a_stored_row_that_no_longer_reads_is_never_printed(tmp_path):
    """A stored app that no longer validates: pydantic's message quotes the stored value."""
    assert run(["import", str(SURVEY), "--publish"], tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "madoguchi.sqlite3") as db:
        db.execute("UPDATE app_version "
                   "SET spec = json_set(spec, '$.pages[0].widgets[0].type', '山田太郎 090-1234-5678')")
    said = one_line(run(["purge"], tmp_path))
    assert "山田" not in said and "090" not in said
    assert said.startswith("Madoguchi stopped with an error (ValidationError)") and "MADOGUCHI_DEBUG=1" in said


def test_with_debug_set_the_operator_sees_the_whole_error(tmp_path):
    (tmp_path / "madoguchi.sqlite3").write_bytes(b"not a database at all" * 100)
    result = subprocess.run([*madoguchi_command(), "purge"], capture_output=True, text=True, cwd=ROOT, timeout=120,
                            env={**os.environ, "MADOGUCHI_DATA_DIR": str(tmp_path), "MADOGUCHI_DEBUG": "1"})
    assert result.returncode != 0 and "Traceback" in result.stderr and "file is not a database" in result.stderr
