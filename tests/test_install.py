"""A fresh machine installs: a venv made with the pip its Python bundles takes the hashed locks.

Python 3.11.7 bundles pip 23.2.1, which resolved `uvicorn[standard]` (asked for by nicegui) against
the newest uvicorn on the index rather than the locked one and then refused the whole lock, so
`make run` and `make test` stopped at the install once uvicorn published a new release (issue 17).
The Makefile now brings the venv's pip to the locked one first. This test does what a fresh clone
does, in a venv of its own, up to pip's resolution of each lock (a dry run: nothing is installed,
files come from pip's cache or the index). It needs the package index, as a fresh `make test` does:
without one (a developer offline with a venv already made) it skips, except on CI, where it fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIP_LOCK = ROOT / "requirements" / "pip.txt"
OFFLINE = re.compile(r"NewConnectionError|Temporary failure in name resolution|Name or service not known|"
                     r"Network is unreachable")


def locked_pip() -> str:
    line = next(line for line in PIP_LOCK.read_text().splitlines() if line.startswith("pip=="))
    return line.split("==")[1].split()[0]


def run(*command: str | Path) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode and OFFLINE.search(done.stdout + done.stderr) and not os.environ.get("CI"):
        pytest.skip("the package index cannot be reached from here")
    return done


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    """A venv as `make` makes it on a fresh machine: the interpreter's bundled pip, then the locked one."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    made = run("make", f"VENV={venv}", f"PYTHON={sys._base_executable}", f"{venv}/.pip")
    assert made.returncode == 0, made.stdout + made.stderr
    return venv


def test_make_brings_the_bundled_pip_to_the_locked_one(fresh_venv):
    shown = run(fresh_venv / "bin" / "python", "-m", "pip", "--version")
    assert shown.stdout.startswith(f"pip {locked_pip()} "), shown.stdout


@pytest.mark.parametrize("lock", ["lock.txt", "lock-test.txt"])
def test_that_pip_resolves_each_lock_exactly_with_hashes(fresh_venv, lock):
    resolved = run(fresh_venv / "bin" / "python", "-m", "pip", "--quiet", "--disable-pip-version-check",
                   "install", "--dry-run", "--ignore-installed", "--require-hashes",
                   "-r", ROOT / "requirements" / lock)
    assert resolved.returncode == 0, resolved.stderr[-3000:]
