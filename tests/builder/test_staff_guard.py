"""The one guard of the staff side (builder/pages/guard.py): every path the staff side answers, but the
public ones, sends a signed-out browser to the sign-in page (a file answers 401), so a new page is
guarded by default; the check catches a page added beside the route table, without the guard."""

from __future__ import annotations

import re
from pathlib import Path

from nicegui import app as nicegui_app
from nicegui import ui

from builder.pages.guard import PUBLIC_PATHS
from builder.pages.routes import ROUTES

from .conftest import add_staff

BUILDER = Path(__file__).resolve().parents[2] / "builder"
REGISTERS = re.compile(r"ui\.page\(|nicegui_app\.(get|post|api_route)\(")

# A value for each path parameter of the staff routes: whatever it names need not exist.
SAMPLE = {"app_id": "1", "code": "abc", "kind": "png", "resource_id": "1", "submission_id": "1", "token": "t",
          "lang": "ja", "path": "", "name": "citizen-survey"}


NICEGUI_OWN = ("/_nicegui", "/favicon.ico")


def staff_paths() -> set[str]:
    """The paths registered on NiceGUI's app, but NiceGUI's own."""
    return {route.path for route in nicegui_app.routes
            if getattr(route, "path", "/_nicegui").startswith("/") and not route.path.startswith(NICEGUI_OWN)}


def address(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: SAMPLE[m.group(1)], path)


async def unguarded(user, paths: set[str]) -> list[str]:
    """The paths of `paths` (but the public ones) that answer a signed-out browser with anything other
    than the sign-in page or 401."""
    found = []
    for path in sorted(paths - set(PUBLIC_PATHS)):
        response = await user.http_client.get(address(path), follow_redirects=False)
        to_sign_in = response.status_code == 303 and "/signin?next=" in response.headers.get("location", "")
        if not (to_sign_in or response.status_code == 401):
            found.append(path)
    return found


async def test_every_staff_path_but_the_public_ones_sends_a_signed_out_browser_to_sign_in(staff_gui):
    add_staff(staff_gui.store)
    assert staff_paths() == {route.path for route in ROUTES}  # nothing is registered beside the table
    assert set(PUBLIC_PATHS) <= staff_paths()
    assert await unguarded(staff_gui, staff_paths()) == []


async def test_a_page_added_beside_the_route_table_is_caught(staff_gui):
    add_staff(staff_gui.store)

    @ui.page("/planted")
    def planted() -> None:
        ui.label("Nobody asked who you are")

    assert staff_paths() - {route.path for route in ROUTES} == {"/planted"}
    assert await unguarded(staff_gui, staff_paths()) == ["/planted"]


def registering_modules(root: Path) -> list[str]:
    """The modules under `root` that add a route themselves, but the route table."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                  if path.name != "routes.py" and REGISTERS.search(path.read_text(encoding="utf-8")))


def test_only_the_route_table_adds_routes(tmp_path):
    assert registering_modules(BUILDER) == []
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "planted.py").write_text('@ui.page("/planted")\ndef planted() -> None: ...\n')
    assert registering_modules(tmp_path) == ["pages/planted.py"]
