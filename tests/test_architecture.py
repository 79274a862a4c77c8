"""The layers of DESIGN.md hold, read from the code's own imports (docs/ARCHITECTURE.md):

    builder/                 staff side: reaches data only through the domain (no SQL library)
    generated_apps/web/      resident HTTP side: no SQL library, no NiceGUI
    generated_apps/domain/   data and rules: no Starlette, no NiceGUI, nothing of web/ or builder/
    widgets/                 the vocabulary: nothing of ours, no web, no database, no network

and no module of ours imports, through any chain, itself. Every import counts: at the top, inside a
function, or only for type checking — a circle of type hints is still a circle a reader must untie.
Each rule is also shown failing on a planted fault.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("widgets", "generated_apps", "builder")
SQL = {"sqlmodel", "sqlalchemy", "alembic", "psycopg", "sqlite3"}
WEB = {"nicegui", "fastapi", "starlette", "uvicorn"}

# What each layer must not import (a name and everything under it).
FORBIDDEN: dict[str, set[str]] = {
    "widgets": SQL | WEB | {"httpx", "requests", "socket", "urllib.request", "generated_apps", "builder"},
    "generated_apps/domain": WEB | {"jinja2", "generated_apps.web", "builder"},
    "generated_apps/web": SQL | {"nicegui", "builder"},
    "builder": SQL,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> Iterator[tuple[str, list[str]]]:
    """Every import of a file as (module, the names taken from it), relative imports made absolute."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base, [alias.name for alias in node.names]


def imported_names(path: Path) -> set[str]:
    """The modules a file names, and each name it takes from one (`from a import b`: `a` and `a.b`)."""
    return {name for base, taken in imports_of(path) for name in (base, *(f"{base}.{t}" for t in taken))}


def sources(place: str) -> list[Path]:
    return sorted(p for p in (ROOT / place).rglob("*.py") if "migrations" not in p.parts)


def layer_violations(place: str) -> list[str]:
    found = []
    for path in sources(place):
        for name in sorted(imported_names(path)):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[place]):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports. `from package import module` leads to the module;
    `from package import name` to the package's __init__."""
    files = {module_name(p): p for place in OURS for p in sources(place)}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        graph[name] = set()
        for base, taken in imports_of(path):
            modules = [f"{base}.{t}" for t in taken if f"{base}.{t}" in files]
            if len(modules) < len(taken) or not taken:
                modules.append(base)
            graph[name] |= {m for m in modules if m in files and m != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle for each group of modules that reach one another (Tarjan's strongly connected
    components), shown as a path that comes back to where it started."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [path_around(graph, group) for group in groups]


def path_around(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A shortest way from the group's first module back to itself, inside the group."""
    start, members = group[0], set(group)
    ways = {start: [start]}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    return [*ways[node], start]
                if nxt not in ways:
                    ways[nxt] = [*ways[node], nxt]
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    return group


@pytest.mark.parametrize("place", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_it_may(place):
    assert layer_violations(place) == []


def test_no_module_of_ours_imports_itself_through_others():
    found = circles(import_graph())
    assert found == [], "\n".join(" -> ".join(circle) for circle in found)


# --- the checks catch what they are for -----------------------------------------------------------

PLANTED = {
    "widgets/leak.py": "from sqlmodel import Session\nimport nicegui.ui\n",
    "generated_apps/domain/rules.py": "from starlette.requests import Request\nfrom ..web import views\n",
    "generated_apps/web/views.py": "from sqlalchemy import select\n",
    "builder/page.py": "def load():\n    from sqlmodel import select\n",
}


@pytest.fixture
def planted_tree(tmp_path, monkeypatch):
    for name, text in PLANTED.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    for package in ("generated_apps", "generated_apps/domain", "generated_apps/web"):
        (tmp_path / package / "__init__.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    return tmp_path


def test_the_layer_check_catches_each_planted_import(planted_tree):
    assert layer_violations("widgets") == ["widgets/leak.py imports nicegui.ui", "widgets/leak.py imports sqlmodel",
                                           "widgets/leak.py imports sqlmodel.Session"]
    assert layer_violations("generated_apps/domain") == [
        "generated_apps/domain/rules.py imports generated_apps.web",
        "generated_apps/domain/rules.py imports generated_apps.web.views",
        "generated_apps/domain/rules.py imports starlette.requests",
        "generated_apps/domain/rules.py imports starlette.requests.Request"]
    assert layer_violations("generated_apps/web") == ["generated_apps/web/views.py imports sqlalchemy",
                                                      "generated_apps/web/views.py imports sqlalchemy.select"]
    assert layer_violations("builder") == ["builder/page.py imports sqlmodel",
                                           "builder/page.py imports sqlmodel.select"]


def test_the_circle_check_catches_a_planted_circle(planted_tree):
    # web/views.py -> domain/rules.py (a type hint only) while rules.py imports views: a circle of two.
    (planted_tree / "generated_apps/web/views.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from generated_apps.domain.rules import Rule\n")
    assert circles(import_graph()) == [
        ["generated_apps.domain.rules", "generated_apps.web.views", "generated_apps.domain.rules"]]
    (planted_tree / "generated_apps/web/views.py").write_text("")
    assert circles(import_graph()) == []
