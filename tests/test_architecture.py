"""Imports flow builder -> generated_apps -> widgets, never back (DESIGN.md)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "widgets": {"nicegui", "fastapi", "starlette", "sqlmodel", "sqlalchemy", "alembic", "psycopg", "httpx",
                "requests", "uvicorn", "builder", "generated_apps", "socket", "urllib.request"},
    "generated_apps": {"nicegui", "builder"},
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def violations(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[package]):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_widgets_import_nothing_of_the_web_or_the_database():
    assert violations("widgets") == []


def test_generated_apps_never_import_nicegui_or_the_builder():
    assert violations("generated_apps") == []


def test_the_check_itself_catches_a_forbidden_import(tmp_path, monkeypatch):
    bad = tmp_path / "widgets"
    bad.mkdir()
    (bad / "leak.py").write_text("from sqlmodel import Session\nimport nicegui.ui\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert sorted(violations("widgets")) == ["widgets/leak.py imports nicegui.ui", "widgets/leak.py imports sqlmodel"]
