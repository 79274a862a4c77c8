"""`madoguchi create-admin`: the first admin account, made from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from argon2 import PasswordHasher

from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store

ROOT = Path(__file__).resolve().parents[2]


def create_admin(data_dir: Path, *args: str, password: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir)}
    env.pop("MADOGUCHI_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "builder", "create-admin", *args, "--password-stdin"],
                          input=password + "\n", capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_create_admin_stores_an_argon2_hash_and_never_the_password(tmp_path):
    result = create_admin(tmp_path, "sato", "--name", "佐藤 花子", password="long enough secret")
    assert result.returncode == 0, result.stderr
    store = Store.open(f"sqlite:///{tmp_path / 'madoguchi.sqlite3'}")
    user = StaffAccounts(store).by_username("sato")
    assert (user.role, user.display_name, user.active) == ("admin", "佐藤 花子", True)
    assert user.password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(user.password_hash, "long enough secret")
    assert "long enough secret" not in (tmp_path / "madoguchi.sqlite3").read_bytes().decode("latin-1")


def test_create_admin_refuses_a_short_password_and_a_taken_name(tmp_path):
    short = create_admin(tmp_path, "sato", password="short")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    assert create_admin(tmp_path, "sato", password="long enough secret").returncode == 0
    taken = create_admin(tmp_path, "sato", password="another long secret")
    assert taken.returncode == 1 and "already a user called 'sato'" in taken.stderr
