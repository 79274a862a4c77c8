"""Image addresses in the builder (issue 18, finding 6): staff may choose only https:// addresses, in the
property panel and in an imported file, and the preview of an app stored with a path of this site
never loads that path (it is a page: /staff/signout signed out whoever previewed it)."""

from __future__ import annotations

import json

from nicegui import ui

from builder.templates_gallery import templates
from generated_apps.domain.apps import Apps
from tests.htmlpage import parse

from .conftest import until
from .test_editor import create_from, stored, upload

SAFE = "https://www.city.date.hokkaido.jp/map.png"


async def test_an_image_address_on_this_site_is_refused_in_the_panel_and_nothing_is_saved(signed_in):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="add-image").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"][0]["widgets"]) == 2)
    signed_in.find(marker="widget-0-1").click()
    before = Apps(signed_in.store).by_id(app_id).revision
    signed_in.find(marker="prop:src").clear().type("/staff/signout")
    await signed_in.should_see("An image address must begin with https://")
    assert Apps(signed_in.store).by_id(app_id).revision == before
    assert stored(signed_in, app_id)["pages"][0]["widgets"][1]["src"].startswith("https://")


async def test_an_imported_file_with_an_image_address_on_this_site_is_refused_with_the_reason(signed_in):
    app_id = await create_from(signed_in, "blank")
    before = stored(signed_in, app_id)
    notice = next(t.spec for t in templates() if t.name == "notice").model_dump(mode="json", exclude_none=True)
    notice["pages"][0]["widgets"].append({"type": "image", "src": "/%2e%2e/staff/signout", "alt": {"ja": "地図"}})
    signed_in.find(kind=ui.button, content="Import").click()
    await upload(signed_in, json.dumps(notice).encode())
    await signed_in.should_see("An image address must begin with https://", retries=20)
    await signed_in.should_see("Nothing was imported")
    assert stored(signed_in, app_id) == before


async def test_the_preview_of_an_app_stored_with_a_path_as_an_image_shows_its_words_and_loads_nothing(signed_in):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="add-image").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"][0]["widgets"]) == 2)
    # As an older version could store it: the address of the staff sign-out, in the draft itself.
    spec = stored(signed_in, app_id)
    spec["pages"][0]["widgets"][1] |= {"src": "/staff/signout", "alt": {"ja": "会場の地図"}}
    from sqlalchemy import text

    with signed_in.store.engine.begin() as db:
        db.execute(text("UPDATE app SET draft_spec = :spec WHERE id = :id"), {"spec": json.dumps(spec), "id": app_id})
    preview = await signed_in.http_client.get(f"/preview/{app_id}/ja/p/1")
    assert preview.status_code == 200
    page = parse(preview.text)
    assert not page.find_all("img") and "会場の地図" in page.find("figure").text
    spec["pages"][0]["widgets"][1]["src"] = SAFE
    with signed_in.store.engine.begin() as db:
        db.execute(text("UPDATE app SET draft_spec = :spec WHERE id = :id"), {"spec": json.dumps(spec), "id": app_id})
    shown = parse((await signed_in.http_client.get(f"/preview/{app_id}/ja/p/1")).text).find_all("img")
    assert [img.attrs["src"] for img in shown] == [SAFE]
