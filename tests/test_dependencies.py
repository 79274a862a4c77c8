"""The lock files in requirements/ agree with pyproject.toml (`make lock` writes them; SECURITY.md).

`make run` installs requirements/lock.txt and `make test` requirements/lock-test.txt, with pip's
--require-hashes: every package at one exact version, every file checked against the lock's hashes.
These tests catch a pyproject.toml changed without `make lock`. Offline: they read files only.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
LOCK_TEST = ROOT / "requirements" / "lock-test.txt"
TOOLS_IN = ROOT / "requirements" / "tools.in"
TOOLS_LOCK = ROOT / "requirements" / "tools.txt"
PIP_LOCK = ROOT / "requirements" / "pip.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

RUNTIME = PYPROJECT["project"]["dependencies"] + PYPROJECT["build-system"]["requires"]
TEST = RUNTIME + PYPROJECT["project"]["optional-dependencies"]["test"]


def entries(text: str) -> list[str]:
    """The lock's requirement lines, each joined with its continuation lines, without comments."""
    joined = text.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def pins(text: str) -> dict[str, list[tuple[Requirement, list[str]]]]:
    """Package name -> its pins (a universal lock may pin one package twice, under different markers)."""
    found: dict[str, list[tuple[Requirement, list[str]]]] = {}
    for entry in entries(text):
        requirement, *hashes = entry.split(" --hash=")
        pin = Requirement(requirement)
        found.setdefault(canonicalize_name(pin.name), []).append((pin, hashes))
    return found


def disagreements(wanted: list[str], lock_text: str) -> list[str]:
    """What in `wanted` (pyproject's requirements) the lock leaves out, pins loosely or contradicts."""
    locked = pins(lock_text)
    found = []
    for line in wanted:
        requirement = Requirement(line)
        for pin, hashes in locked.get(canonicalize_name(requirement.name), []):
            exact = [spec.version for spec in pin.specifier if spec.operator == "=="]
            if len(pin.specifier) != 1 or not exact:
                found.append(f"{line}: locked as {pin}, not one exact version")
            elif not requirement.specifier.contains(Version(exact[0]), prereleases=True):
                found.append(f"{line}: locked at {exact[0]}")
            if not hashes:
                found.append(f"{line}: no hash in the lock")
        if canonicalize_name(requirement.name) not in locked:
            found.append(f"{line}: not in the lock")
    return found


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_runtime_lock_pins_every_dependency_and_the_build_backend():
    assert disagreements(RUNTIME, read(LOCK)) == []


def test_the_test_lock_pins_those_and_the_test_extra_too():
    assert disagreements(TEST, read(LOCK_TEST)) == []


def test_the_installer_is_locked_too():
    assert disagreements(["pip"], read(PIP_LOCK)) == []


def test_the_tools_lock_pins_the_tools():
    tools = entries(read(TOOLS_IN))
    assert tools and disagreements(tools, read(TOOLS_LOCK)) == []


def test_every_package_in_every_lock_is_pinned_exactly_with_hashes():
    for lock in (LOCK, LOCK_TEST, TOOLS_LOCK, PIP_LOCK):
        text = read(lock)
        names = [pin.name for versions in pins(text).values() for pin, _ in versions]
        assert names and disagreements(names, text) == [], lock.name


def test_make_test_installs_the_same_versions_as_make_run():
    runtime, test = pins(read(LOCK)), pins(read(LOCK_TEST))
    versions = {name: [str(pin) for pin, _ in runtime[name]] for name in runtime}
    assert {name: [str(pin) for pin, _ in test.get(name, [])] for name in runtime} == versions


def test_the_locks_name_no_index_or_host():
    # pip takes the index it is configured with; the hashes, not the address, say what is genuine.
    for lock in (LOCK, LOCK_TEST, TOOLS_LOCK, PIP_LOCK):
        text = read(lock)
        assert "://" not in text, lock.name
        assert [entry for entry in entries(text) if entry.startswith("-")] == [], lock.name


def test_the_check_itself_catches_a_missing_a_loose_a_contradicting_and_an_unhashed_pin():
    lock = (
        "jinja2==3.0.3 \\\n    --hash=sha256:aaaa \\\n    --hash=sha256:bbbb\n"
        "    # via madoguchi (pyproject.toml)\n"
        "babel>=2.14 \\\n    --hash=sha256:cccc\n"
        "pillow==11.0.0\n"
        "uvloop==0.21.0 ; sys_platform != 'win32' \\\n    --hash=sha256:dddd\n"
    )
    assert disagreements(["jinja2>=3.1", "babel>=2.14", "pillow>=10.0", "uvloop", "qrcode>=8.0"], lock) == [
        "jinja2>=3.1: locked at 3.0.3",
        "babel>=2.14: locked as babel>=2.14, not one exact version",
        "pillow>=10.0: no hash in the lock",
        "qrcode>=8.0: not in the lock",
    ]
