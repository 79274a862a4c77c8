"""The dashboard: every app with its status, last change, submissions; search and filters."""

from __future__ import annotations

import datetime as dt

from nicegui import ui

from builder.templates_gallery import template
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import utcnow

from .conftest import SLOW, until


def add_app(store, name: str, slug: str, by: str = "suzuki"):
    spec = template(name).spec.model_copy(update={"slug": slug})
    return Apps(store).create(spec, by=by)


async def test_each_app_shows_its_status_last_change_and_submissions(signed_in):
    store = signed_in.store
    add_app(store, "citizen-survey", "survey-draft")
    live = add_app(store, "citizen-survey", "survey-live")
    Lifecycle(store).publish("survey-live", by="admin")
    changed = add_app(store, "notice", "notice-changed")
    Lifecycle(store).publish("notice-changed", by="admin")
    spec = template("notice").spec.model_copy(update={"slug": "notice-changed", "what_next": None})
    Apps(store).save_draft(changed.id, spec.model_copy(update={"title": template("consultation").spec.title}),
                     revision=changed.revision, by="tanaka")
    add_app(store, "evacuation-shelter", "shelter-old")
    Lifecycle(store).publish("shelter-old", by="admin")
    Lifecycle(store).retire("shelter-old", by="admin")
    add_app(store, "event-signup", "event-soon")
    Lifecycle(store).publish("event-soon", by="admin", at=utcnow() + dt.timedelta(days=1))
    version = LiveApps(store).get("survey-live")
    for _ in range(2):
        Drafts(store).submit(Drafts(store).create(live.id, version.version_id, {}), {}, "ja")

    await signed_in.open("/")
    for words in ("Draft", "Live", "Live, with changes not yet published", "Retired", "Scheduled"):
        await signed_in.should_see(words)
    rows = {row.props.get("data-slug"): row for row in signed_in.find(kind=ui.element, marker="app-row").elements}
    assert set(rows) == {"survey-draft", "survey-live", "notice-changed", "shelter-old", "event-soon"}
    assert "2" in texts(rows["survey-live"]) and "tanaka" in " ".join(texts(rows["notice-changed"]))


def texts(element) -> list[str]:
    return [getattr(e, "text", "") for e in element.descendants() if getattr(e, "text", "")]


async def test_search_and_filters_narrow_the_list(signed_in):
    store = signed_in.store
    add_app(store, "citizen-survey", "survey-one")
    add_app(store, "notice", "notice-one")
    Lifecycle(store).publish("notice-one", by="admin")
    await signed_in.open("/")

    def shown() -> set[str]:
        rows = signed_in.find(kind=ui.element, marker="app-row").elements if rows_shown() else set()
        return {r.props.get("data-slug") for r in rows}

    def rows_shown() -> bool:
        return any("app-row" in e._markers for e in signed_in.client.elements.values())  # noqa: SLF001

    def choose(marker: str, value) -> None:
        with signed_in.client:
            signed_in.find(marker=marker).elements.pop().value = value

    await until(lambda: shown() == {"survey-one", "notice-one"})
    choose("kind-filter", "notice")
    await until(lambda: shown() == {"notice-one"})
    choose("kind-filter", None)
    choose("status-filter", "draft")
    await until(lambda: shown() == {"survey-one"})
    choose("status-filter", None)
    choose("search", "Citizen")
    await until(lambda: shown() == {"survey-one"})
    choose("search", "nothing like this")
    await signed_in.should_see("No app matches")


# --- no app's draft can take the builder down for everyone (issue 17) ------------------------------------


def write_draft(store, app_id: int, draft: dict) -> None:
    """The draft as an older version, or a hand in the database, left it: not validated on the way."""
    import json

    from sqlalchemy import text

    with store.engine.begin() as c:
        c.execute(text("UPDATE app SET draft_spec = :spec WHERE id = :id"), {"spec": json.dumps(draft), "id": app_id})


async def admin_signed_in(staff_gui):
    from .conftest import SLOW, add_staff, sign_in

    add_staff(staff_gui.store, "kato", role="admin", name="加藤 一郎")
    await sign_in(staff_gui, "kato")
    await staff_gui.should_see("加藤 一郎", retries=SLOW)
    return staff_gui


async def test_an_app_saved_with_a_lone_surrogate_in_its_title_breaks_no_staff_page(staff_gui):
    user = await admin_signed_in(staff_gui)
    store = user.store
    odd = add_app(store, "citizen-survey", "odd-one")
    other = add_app(store, "notice", "other-one")
    draft = dict(odd.draft_spec, title={"ja": "変な\ud800題名\x00"})
    write_draft(store, odd.id, draft)  # as the import of an older version stored it

    await user.open("/")
    await user.should_see("変な題名")
    await user.should_see(marker="submissions-other-one")
    await user.open("/audit")
    await user.should_see(marker="audit-total", retries=SLOW)  # its lines read, not only its frame
    await user.should_see(marker="audit-row")
    await user.open(f"/apps/{other.id}/publishing")
    await user.should_see("Nothing is published yet")
    await user.open(f"/apps/{odd.id}")
    await user.should_see(marker="undo")


async def test_a_draft_that_cannot_be_read_is_shown_as_damaged_and_restored_to_the_published_version(staff_gui):
    user = await admin_signed_in(staff_gui)
    store = user.store
    broken = add_app(store, "citizen-survey", "broken-one")
    Lifecycle(store).publish("broken-one", by="kato")
    add_app(store, "notice", "fine-one")
    published = Apps(store).by_id(broken.id).draft_spec
    write_draft(store, broken.id, {**published, "pages": [{"widgets": [{"type": "gone-widget"}]}]})

    await user.open("/")
    await user.should_see(marker="damaged-broken-one")
    await user.should_see(marker="submissions-fine-one")
    await user.open(f"/apps/{broken.id}")
    await user.should_see("The draft of this app cannot be read", retries=SLOW_ENOUGH)
    user.find(marker="restore-draft").click()
    await until(lambda: Apps(store).state(broken.id).status == "live")
    assert Apps(store).by_id(broken.id).draft_spec == published
    [line] = [e for e in Audit(store).events(broken.id) if e.action == "app.restore_draft"]
    assert line.actor == "kato" and line.detail["damaged_draft"]["pages"][0]["widgets"][0]["type"] == "gone-widget"


SLOW_ENOUGH = 20
