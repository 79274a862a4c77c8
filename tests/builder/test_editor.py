"""The editor, through NiceGUI's user simulation: templates, widgets, pages, undo, conflicts, import."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3

import pytest
from nicegui import ui
from nicegui.testing import User

from builder.templates_gallery import templates
from generated_apps.domain.apps import Apps
from generated_apps.domain.submissions import Submissions
from widgets import AppSpec

from .conftest import until


def stored(user: User, app_id: int) -> dict:
    return Apps(user.store).by_id(app_id).draft_spec


def widget_types(spec: dict, page: int = 0) -> list[str]:
    return [w["type"] for w in spec["pages"][page]["widgets"]]


async def widget_action(user: User, page: int, index: int, action: str, to_page: int | None = None) -> None:
    """Open a widget's "more actions" dialog and choose duplicate, move or delete."""
    user.find(marker=f"more-{page}-{index}").click()
    await user.should_see(marker=f"{action}-widget")
    if to_page is not None:
        with user.client:
            user.find(marker="move-target").elements.pop().value = to_page
    user.find(marker=f"{action}-widget").click()
    if action == "delete":
        await user.should_see(marker="confirm-delete")


async def create_from(user: User, template: str) -> int:
    before = {a.id for a in Apps(user.store).summaries()}
    await user.open("/new")
    user.find(marker=f"use-{template}").click()
    await until(lambda: len(Apps(user.store).summaries()) > len(before))
    (app_id,) = {a.id for a in Apps(user.store).summaries()} - before
    await user.should_see("Checklist")
    return app_id


@pytest.mark.parametrize("template", [t.name for t in templates()])
async def test_an_app_is_created_from_each_template(signed_in, template):
    app_id = await create_from(signed_in, template)
    created = AppSpec.model_validate(stored(signed_in, app_id))
    original = next(t.spec for t in templates() if t.name == template)
    assert created.pages == original.pages and created.title == original.title
    assert created.slug == original.slug  # the first copy keeps the template's address
    await signed_in.should_see("Draft: residents cannot see this app")


async def test_the_checklist_lists_advice_apart_without_counting_it(signed_in):
    await create_from(signed_in, "citizen-survey")  # no error nor warning; advised an Easy Japanese version
    await signed_in.should_see("No problems found. The app is ready to publish.")
    await signed_in.should_see("0 to fix before publishing, 0 to consider")
    await signed_in.should_see("Advice: Consider an Easy Japanese", retries=5)


async def test_a_second_app_from_one_template_gets_its_own_address(signed_in):
    first = await create_from(signed_in, "citizen-survey")
    second = await create_from(signed_in, "citizen-survey")
    assert stored(signed_in, second)["slug"] == stored(signed_in, first)["slug"] + "-2"


async def test_a_blank_app_starts_with_one_question_and_the_checklist_asks_for_its_texts(signed_in):
    app_id = await create_from(signed_in, "blank")
    assert widget_types(stored(signed_in, app_id)) == ["short_text"]
    await signed_in.should_see("to fix before publishing")


async def test_adding_a_widget_puts_it_after_the_selected_one_and_saves(signed_in):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="add-paragraph").click()
    await until(lambda: widget_types(stored(signed_in, app_id)) == ["short_text", "paragraph"])
    signed_in.find(marker="widget-0-0").click()
    signed_in.find(marker="add-yes_no").click()
    await until(lambda: widget_types(stored(signed_in, app_id)) == ["short_text", "yes_no", "paragraph"])
    await signed_in.should_see("All changes saved")


async def test_moving_widgets_up_and_down_and_to_another_page(signed_in):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="add-paragraph").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"][0]["widgets"]) == 2)
    signed_in.find(marker="up-0-1").click()
    await until(lambda: widget_types(stored(signed_in, app_id)) == ["paragraph", "short_text"])
    signed_in.find(marker="down-0-0").click()
    await until(lambda: widget_types(stored(signed_in, app_id)) == ["short_text", "paragraph"])
    signed_in.find(marker="add-page").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"]) == 2)
    await widget_action(signed_in, 0, 1, "move", to_page=1)
    await until(lambda: widget_types(stored(signed_in, app_id), 1) == ["short_text", "paragraph"])
    assert widget_types(stored(signed_in, app_id), 0) == ["short_text"]


async def test_duplicating_and_deleting_widgets_and_pages(signed_in):
    app_id = await create_from(signed_in, "blank")
    await widget_action(signed_in, 0, 0, "duplicate")
    await until(lambda: len(stored(signed_in, app_id)["pages"][0]["widgets"]) == 2)
    keys = [w["key"] for w in stored(signed_in, app_id)["pages"][0]["widgets"]]
    assert len(set(keys)) == 2  # the copy has its own data name
    await widget_action(signed_in, 0, 1, "delete")
    signed_in.find(marker="confirm-delete").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"][0]["widgets"]) == 1)
    signed_in.find(marker="duplicate-page-0").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"]) == 2)
    signed_in.find(marker="delete-page-1").click()
    signed_in.find(marker="confirm-delete").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"]) == 1)


async def test_deleting_the_only_widget_of_the_only_page_is_refused_with_a_reason(signed_in):
    app_id = await create_from(signed_in, "blank")
    await widget_action(signed_in, 0, 0, "delete")
    signed_in.find(marker="confirm-delete").click()
    await signed_in.should_see("An app needs at least one widget")
    assert widget_types(stored(signed_in, app_id)) == ["short_text"]


async def test_deleting_the_only_widget_of_a_page_deletes_the_page_and_says_so(signed_in):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="add-page").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"]) == 2)
    await widget_action(signed_in, 1, 0, "delete")
    await signed_in.should_see("so the page is deleted too")
    signed_in.find(marker="confirm-delete").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"]) == 1)


async def test_deleting_a_question_a_condition_depends_on_says_which(signed_in):
    app_id = await create_from(signed_in, "citizen-survey")
    spec = AppSpec.model_validate(stored(signed_in, app_id))
    page, index, key, dependent = next(
        (p, i, w.key, d) for p, pg in enumerate(spec.pages) for i, w in enumerate(pg.widgets)
        if getattr(w, "key", None)
        for d in (x for _, x in spec.widgets() if x.show_if and x.show_if.key == w.key))
    await widget_action(signed_in, page, index, "delete")
    await signed_in.should_see("Their condition will be removed")
    signed_in.find(marker="confirm-delete").click()

    def gone() -> bool:
        widgets = [w for p in stored(signed_in, app_id)["pages"] for w in p["widgets"]]
        return all(w.get("key") != key and (w.get("show_if") or {}).get("key") != key for w in widgets)

    await until(gone)
    assert dependent.model_dump(mode="json", exclude_none=True, exclude={"show_if"}) in [
        w for p in stored(signed_in, app_id)["pages"] for w in p["widgets"]]  # kept, shown always


async def test_undo_and_redo_every_edit(signed_in):
    app_id = await create_from(signed_in, "blank")
    original = stored(signed_in, app_id)
    signed_in.find(marker="add-paragraph").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"][0]["widgets"]) == 2)
    signed_in.find(marker="add-page").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"]) == 2)
    signed_in.find(marker="undo").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"]) == 1)
    signed_in.find(marker="undo").click()
    await until(lambda: stored(signed_in, app_id)["pages"] == original["pages"])
    signed_in.find(marker="redo").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"][0]["widgets"]) == 2)


async def test_two_editors_the_later_save_gets_a_conflict_not_an_overwrite(signed_in):
    app_id = await create_from(signed_in, "blank")
    # Someone else saves a change while this editor is open.
    other = Apps(signed_in.store).by_id(app_id)
    theirs = AppSpec.model_validate(other.draft_spec).model_copy(update={"slug": "their-address"})
    Apps(signed_in.store).save_draft(app_id, theirs, revision=other.revision, by="suzuki")
    signed_in.find(marker="add-paragraph").click()
    await signed_in.should_see("Someone else changed this app")
    await signed_in.should_see("Not saved: someone else changed this app")
    assert stored(signed_in, app_id)["slug"] == "their-address"  # theirs is untouched
    assert widget_types(stored(signed_in, app_id)) == ["short_text"]
    signed_in.find(marker="load-theirs").click()
    await signed_in.should_see("Their version is loaded")
    signed_in.find(marker="add-heading").click()
    await until(lambda: widget_types(stored(signed_in, app_id)) == ["short_text", "heading"])
    assert stored(signed_in, app_id)["slug"] == "their-address"


async def test_keeping_mine_after_a_conflict_is_an_explicit_choice(signed_in):
    app_id = await create_from(signed_in, "blank")
    other = Apps(signed_in.store).by_id(app_id)
    Apps(signed_in.store).save_draft(app_id, AppSpec.model_validate(other.draft_spec), revision=other.revision,
                                     by="suzuki")
    signed_in.find(marker="add-paragraph").click()
    await signed_in.should_see("Someone else changed this app")
    signed_in.find(marker="keep-mine").click()
    await until(lambda: widget_types(stored(signed_in, app_id)) == ["short_text", "paragraph"])


async def test_duplicating_an_app_from_the_dashboard(signed_in):
    app_id = await create_from(signed_in, "notice")
    slug = stored(signed_in, app_id)["slug"]
    await signed_in.open("/")
    signed_in.find(marker=f"duplicate-{slug}").click()
    await until(lambda: len(Apps(signed_in.store).summaries()) == 2)
    copy = next(a for a in Apps(signed_in.store).summaries() if a.id != app_id)
    assert copy.slug == f"{slug}-copy" and copy.spec["pages"] == stored(signed_in, app_id)["pages"]
    assert copy.spec["title"]["ja"].endswith("（コピー）") or copy.spec["title"]["ja"].endswith(" (copy)")


# --- properties, checklist, preview -----------------------------------------------------------------


async def test_a_label_edited_in_the_panel_is_saved_and_the_preview_shows_it(signed_in):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="widget-0-0").click()
    signed_in.find(marker="prop:label.ja").type("お住まいの地区")
    await until(lambda: stored(signed_in, app_id)["pages"][0]["widgets"][0]["label"]["ja"] == "お住まいの地区")
    await signed_in.should_see("All changes saved")
    preview = await signed_in.http_client.get(f"/preview/{app_id}/ja/p/1")
    assert preview.status_code == 200 and "お住まいの地区" in preview.text


async def test_a_slow_save_says_saving_until_it_is_done_and_the_edit_is_kept(signed_in, settings):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="widget-0-0").click()
    await signed_in.should_see(marker="prop:label.ja")
    # Another connection holds SQLite's write lock, as a long export or a busy replica might.
    database = sqlite3.connect(settings.database_url.split("///", 1)[1], isolation_level=None)
    database.execute("BEGIN IMMEDIATE")
    try:
        signed_in.find(marker="prop:label.ja").type("お住まいの地区")
        await signed_in.should_see("Saving…", retries=30)
    finally:
        database.execute("COMMIT")
        database.close()
    await signed_in.should_see("All changes saved")
    await signed_in.should_not_see("Saving…")
    assert stored(signed_in, app_id)["pages"][0]["widgets"][0]["label"]["ja"] == "お住まいの地区"
    await signed_in.should_see(content="お住まいの地区", marker="widget-0-0")


async def test_a_bad_data_name_is_refused_beside_the_field_and_nothing_is_saved(signed_in):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="widget-0-0").click()
    before = Apps(signed_in.store).by_id(app_id).revision
    signed_in.find(marker="prop:key").clear().type("1 bad name")
    await signed_in.should_see("This is not in the expected form")
    assert Apps(signed_in.store).by_id(app_id).revision == before
    assert stored(signed_in, app_id)["pages"][0]["widgets"][0]["key"] == "answer_1"


async def test_the_checklist_names_each_problem_and_its_link_selects_the_widget(signed_in):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="add-paragraph").click()
    await until(lambda: len(stored(signed_in, app_id)["pages"][0]["widgets"]) == 2)
    signed_in.find(marker="widget-0-0").click()
    await signed_in.should_see("Short text on page 1")
    from widgets import lint

    issue = next(i for i in lint(AppSpec.model_validate(stored(signed_in, app_id))) if i.widget == 1)
    assert issue.level == "error"  # a paragraph with no text
    signed_in.find(kind=ui.button, content=f"Error: Page 1: {issue.message}").click()
    await signed_in.should_see("Paragraph on page 1")


async def test_the_preview_never_creates_a_draft_or_a_submission(signed_in):
    app_id = await create_from(signed_in, "blank")  # one required question on page 1
    client = signed_in.http_client
    first = await client.get(f"/preview/{app_id}/ja/p/1")
    assert first.status_code == 200
    assert "frame-ancestors 'self'" in first.headers["content-security-policy"]  # the editor frames it; no other site
    csrf = first.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    # A page sent empty gets the resident's error message; a good answer goes on to the check page,
    # which shows it; sending from there shows the confirmation. Nothing is stored at any step.
    sent = await client.post(f"/preview/{app_id}/ja/p/1", data={"csrf": csrf})
    assert sent.status_code == 422
    answered = await client.post(f"/preview/{app_id}/ja/p/1", data={"csrf": csrf, "answer_1": "西浜町"})
    assert answered.status_code == 303 and answered.headers["location"].endswith(f"/preview/{app_id}/ja/check")
    check = await client.get(f"/preview/{app_id}/ja/check")
    assert "西浜町" in check.text
    done = await client.post(f"/preview/{app_id}/ja/check", data={"csrf": csrf}, follow_redirects=True)
    assert "0000-0000" in done.text
    assert Submissions(signed_in.store).of_app(app_id) == []
    from sqlmodel import Session, select

    from generated_apps.domain.models import Draft

    with Session(signed_in.store.engine) as s:
        assert s.exec(select(Draft)).all() == []


# --- import and export --------------------------------------------------------------------------------


async def upload(user: User, data: bytes, name: str = "app.json") -> None:
    from nicegui.elements.upload_files import SmallFileUpload

    [element] = user.find(marker="import-file").elements
    await element.handle_uploads([SmallFileUpload(name, "application/json", data)])


async def test_importing_a_good_file_replaces_the_draft_keeps_the_address_and_can_be_undone(signed_in):
    app_id = await create_from(signed_in, "blank")
    slug = stored(signed_in, app_id)["slug"]
    notice = next(t.spec for t in templates() if t.name == "notice")
    signed_in.find(kind=ui.button, content="Import").click()
    await upload(signed_in, notice.model_dump_json().encode())
    await until(lambda: stored(signed_in, app_id)["kind"] == "notice")
    assert stored(signed_in, app_id)["slug"] == slug
    signed_in.find(marker="undo").click()
    await until(lambda: stored(signed_in, app_id)["kind"] == "form")


@pytest.mark.parametrize("data, message", [
    (b"{not json", "The file is not JSON"),
    (b'{"slug": "x", "title": {"ja": "t"}, "pages": []}', "pages: List should have at least 1 item"),
    (b"[1, 2]", "The file is JSON but not an app file"),
    (b"\xff\xfe\x00broken", "not text in UTF-8"),
    (b" " * 10_000_000, "The file is too large"),
    (b'{"slug": "x", "title": "t", "pages": [], "lifecycle": {"retention_days": ' + b"9" * 5000 + b"}}",
     "The file has a number too long to read"),
    (b'{"slug": "x", "title": "t", "pages": [{"widgets": [{"type": "short_text", "key": "a", "label": "l", '
     b'"max_length": 99999999999999999999}]}]}', "pages.0.widgets.0.short_text.max_length: Enter 500 or less"),
])
async def test_a_bad_import_lists_what_is_wrong_and_changes_nothing(signed_in, data, message):
    app_id = await create_from(signed_in, "blank")
    before = stored(signed_in, app_id), Apps(signed_in.store).by_id(app_id).revision
    signed_in.find(kind=ui.button, content="Import").click()
    await upload(signed_in, data)
    await signed_in.should_see(message, retries=20)
    await signed_in.should_see("Nothing was imported")
    assert (stored(signed_in, app_id), Apps(signed_in.store).by_id(app_id).revision) == before


async def test_an_imported_title_with_a_lone_surrogate_is_stored_clean_and_the_dashboard_still_opens(signed_in):
    app_id = await create_from(signed_in, "blank")
    notice = next(t.spec for t in templates() if t.name == "notice").model_dump(mode="json")
    notice["title"] = {"ja": "お知らせ\ud800\u0000"}
    signed_in.find(kind=ui.button, content="Import").click()
    await upload(signed_in, json.dumps(notice).encode())  # valid JSON: \ud800 and \u0000 as escapes
    await until(lambda: stored(signed_in, app_id)["kind"] == "notice")
    assert stored(signed_in, app_id)["title"] == {"ja": "お知らせ"}
    await signed_in.open("/")
    await signed_in.should_see("お知らせ")


async def test_export_downloads_the_draft_as_an_app_file(signed_in):
    app_id = await create_from(signed_in, "consultation")
    signed_in.find(kind=ui.button, content="Export").click()
    await until(lambda: len(signed_in.download.http_responses) == 1)
    exported = AppSpec.model_validate_json(signed_in.download.http_responses[0].content)
    assert exported == AppSpec.model_validate(stored(signed_in, app_id))


# --- settings and sessions ---------------------------------------------------------------------------


async def test_an_address_another_app_has_is_refused(signed_in):
    first = await create_from(signed_in, "notice")
    second = await create_from(signed_in, "blank")
    taken = stored(signed_in, first)["slug"]
    signed_in.find(kind=ui.button, content="App settings").click()
    await signed_in.should_see(marker="prop:slug")
    signed_in.find(marker="prop:slug").clear().type(taken)
    await signed_in.should_see(f"The address {taken} is taken by another app")
    assert stored(signed_in, second)["slug"] != taken


async def test_an_edit_made_after_the_session_ended_is_kept_and_saved_after_signing_in(signed_in):
    from nicegui import app

    from builder import auth

    from .conftest import PASSWORD, SLOW

    app_id = await create_from(signed_in, "blank")
    app.storage.user["signed_in_at"] -= (auth.SESSION_LIFETIME + dt.timedelta(minutes=1)).total_seconds()
    signed_in.find(marker="add-paragraph").click()
    await signed_in.should_see("Sign in again to save")
    assert widget_types(stored(signed_in, app_id)) == ["short_text"]
    signed_in.find(kind=ui.input, content="Password").type(PASSWORD)
    signed_in.find(kind=ui.button, content="Sign in and save").click()
    await signed_in.should_see("All changes saved", retries=SLOW)
    assert widget_types(stored(signed_in, app_id)) == ["short_text", "paragraph"]


async def test_typing_and_then_moving_at_once_keeps_each_widget_its_own_text(signed_in):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="add-heading").click()  # a new widget is selected: its panel opens
    await signed_in.should_see(marker="prop:text.ja")
    signed_in.find(marker="prop:text.ja").type("A")

    def the_first_heading_says_a() -> bool:  # its own save may still be under way
        widgets = stored(signed_in, app_id)["pages"][0]["widgets"]
        return len(widgets) > 1 and widgets[1]["text"]["ja"] == "A"

    await until(the_first_heading_says_a)
    signed_in.find(marker="add-heading").click()

    def panel_of_the_new_heading() -> bool:
        fields = signed_in.find(marker="prop:text.ja").elements
        return len(fields) == 1 and next(iter(fields)).value == ""

    await until(panel_of_the_new_heading)
    field = signed_in.find(marker="prop:text.ja")
    field.type("B")
    field.type("2")
    signed_in.find(marker="up-0-2").click()  # without waiting for the keystrokes to be saved
    await until(lambda: [w["type"] for w in stored(signed_in, app_id)["pages"][0]["widgets"]][1] == "heading"
                and stored(signed_in, app_id)["pages"][0]["widgets"][2]["text"]["ja"] == "A")
    await asyncio.sleep(0.5)  # let any keystroke still queued arrive
    texts = [w.get("text", {}).get("ja") for w in stored(signed_in, app_id)["pages"][0]["widgets"]]
    # The heading that was not being edited keeps its text; the moved one has what was typed, or
    # (if the keystrokes came after the move) what it had: never each other's.
    assert texts[2] == "A" and texts[1] in ("", "B", "B2"), texts


async def test_signed_out_the_gallery_and_the_template_previews_are_refused(staff_gui):
    from .conftest import add_staff

    add_staff(staff_gui.store)
    response = await staff_gui.http_client.get("/new")
    assert response.status_code == 303 and "/signin" in response.headers["location"]
    preview = await staff_gui.http_client.get("/template-preview/citizen-survey/ja/")
    assert preview.status_code == 401


async def test_the_preview_offers_the_languages_the_app_has(signed_in):
    app_id = await create_from(signed_in, "blank")
    [choice] = signed_in.find(kind=ui.select, content="Preview language").elements
    assert set(choice.options) == {"ja", "en"}
    signed_in.find(kind=ui.button, content="App settings").click()
    await signed_in.should_see(marker="prop:languages.en")
    signed_in.find(marker="prop:languages.en").click()
    await until(lambda: stored(signed_in, app_id)["languages"] == ["ja"])
    await until(lambda: set(choice.options) == {"ja"})


async def test_the_preview_of_a_booking_app_shows_the_times_and_books_nothing(signed_in):
    from generated_apps.domain.bookings import Bookings

    bookings = Bookings(signed_in.store)
    gym = bookings.create_resource("体育館", {d: [{"start": "10:00", "end": "12:00", "capacity": 3}]
                                           for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                                   by="sato", holidays_closed=False)
    assert gym.id == 1  # the template's gymnasium
    app_id = await create_from(signed_in, "facility-booking")
    client = signed_in.http_client
    first = await client.get(f"/preview/{app_id}/ja/p/1")
    csrf = first.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    await client.post(f"/preview/{app_id}/ja/p/1", data={"csrf": csrf, "facility": "gym"})
    picker = await client.get(f"/preview/{app_id}/ja/p/2")
    assert "残り3" in picker.text
    slot_id = picker.text.split('name="gym_time" value="', 1)[1].split('"', 1)[0]
    chosen = await client.post(f"/preview/{app_id}/ja/p/2", data={"csrf": csrf, "gym_time": slot_id})
    assert chosen.status_code == 303
    for page, data in ((4, {"name": "伊達 花子"}), (5, {"phone": "0142-23-3331"}), (6, {"consent": "yes"})):
        assert (await client.post(f"/preview/{app_id}/ja/p/{page}", data={"csrf": csrf, **data})).status_code == 303
    check = await client.get(f"/preview/{app_id}/ja/check")
    assert "令和" in check.text and "10:00〜12:00" in check.text  # the chosen time, in words
    await client.post(f"/preview/{app_id}/ja/check", data={"csrf": csrf}, follow_redirects=True)
    assert bookings.slot(int(slot_id)).booked == 0 and Submissions(signed_in.store).of_app(app_id) == []


async def test_the_preview_shows_the_furigana_before_publishing(signed_in):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="widget-0-0").click()
    signed_in.find(marker="prop:label.ja").type("ご住所")
    await until(lambda: stored(signed_in, app_id)["pages"][0]["widgets"][0]["label"]["ja"] == "ご住所")
    client = signed_in.http_client
    assert "<ruby>" not in (await client.get(f"/preview/{app_id}/ja/p/1")).text  # off until chosen
    signed_in.find(marker="preview-furigana").click()
    [frame] = signed_in.find(marker="preview-frame").elements
    # The switch sets the resident pages' own cookie, then shows the page again.
    assert frame.props["src"].startswith(f"/preview/{app_id}/ja/furigana/on?next=%2Fpreview%2F{app_id}%2Fja%2Fp%2F1")
    chosen = await client.get(frame.props["src"])
    assert chosen.status_code == 303 and chosen.headers["location"].startswith(f"/preview/{app_id}/ja/p/1")
    preview = await client.get(chosen.headers["location"])
    assert "<ruby>住所<rp>（</rp><rt>じゅうしょ</rt><rp>）</rp></ruby>" in preview.text  # nothing published
    assert Apps(signed_in.store).versions(app_id) == []
    signed_in.find(marker="preview-furigana").click()
    assert frame.props["src"].startswith(f"/preview/{app_id}/ja/furigana/off?next=")
