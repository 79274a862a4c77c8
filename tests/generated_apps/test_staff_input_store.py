"""No staff input, and no row an older version left behind, can break a page for others: the store
cleans staff text on SQLite and PostgreSQL alike, and a draft that cannot be read is shown as damaged
and can be restored, never raised."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import text

from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.banner import Banner
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.errors import PublishRefused, Refused
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.specs import spec_hash
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.submissions import Submissions
from tests.conftest import EXAMPLE
from widgets import AppSpec

from .test_store import any_store  # noqa: F401 - the fixture: SQLite and PostgreSQL

NOT_TEXT = ("\x00", "\ud800", "\x07", "\u202e")




def _write_draft(store, app_id: int, draft: dict) -> None:
    """The draft as an older version (or a hand in the database) left it: no validation on the way."""
    with store.engine.begin() as c:
        c.execute(text("UPDATE app SET draft_spec = :spec WHERE id = :id"), {"spec": json.dumps(draft), "id": app_id})


def test_a_spec_hash_is_the_same_as_ever_for_ordinary_text():
    """Versions published before keep matching their drafts: the hash of ordinary text does not move."""
    import hashlib

    spec = AppSpec.model_validate(EXAMPLE)
    canonical = json.dumps(spec.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert spec_hash(spec) == hashlib.sha256(canonical.encode()).hexdigest()


def test_an_imported_title_with_a_lone_surrogate_breaks_no_list_of_apps(any_store):  # noqa: F811
    data = copy.deepcopy(EXAMPLE)
    data["title"] = {"ja": "図書館\ud800アンケート\x00", "en": "Library survey"}
    Apps(any_store).save_app(AppSpec.model_validate(data), by="kato")
    other = AppSpec.model_validate({**copy.deepcopy(EXAMPLE), "slug": "other"})
    Apps(any_store).save_app(other, by="kato")

    summaries = {s.slug: s for s in Apps(any_store).summaries()}
    assert summaries["library-survey"].spec["title"]["ja"] == "図書館アンケート"
    assert not any(s.damaged for s in summaries.values())


def test_a_draft_an_older_version_wrote_with_a_lone_surrogate_is_read_clean(any_store):  # noqa: F811
    app = Apps(any_store).save_app(AppSpec.model_validate(EXAMPLE), by="kato")
    Lifecycle(any_store).publish(app.slug, by="admin")
    draft = copy.deepcopy(EXAMPLE)
    draft["title"]["ja"] = "図書館\ud800アンケート"
    _write_draft(any_store, app.id, draft)

    [summary] = Apps(any_store).summaries()
    assert (summary.status, summary.damaged) == ("live", False)  # the same text as published, once cleaned
    assert Apps(any_store).state(app.id).status == "live"


def test_a_draft_that_no_longer_validates_is_damaged_and_breaks_no_other_app(any_store):  # noqa: F811
    broken = Apps(any_store).save_app(AppSpec.model_validate(EXAMPLE), by="kato")
    Lifecycle(any_store).publish(broken.slug, by="admin")
    fine = Apps(any_store).save_app(AppSpec.model_validate({**copy.deepcopy(EXAMPLE), "slug": "fine"}), by="kato")
    damaged = {**copy.deepcopy(EXAMPLE), "pages": [{"widgets": [{"type": "no-such-widget"}]}]}
    _write_draft(any_store, broken.id, damaged)

    summaries = {s.id: s for s in Apps(any_store).summaries()}
    assert summaries[broken.id].damaged and not summaries[fine.id].damaged
    assert summaries[broken.id].status == "live_with_changes"
    assert summaries[broken.id].spec["title"] == {"ja": "図書館アンケート"}
    state = Apps(any_store).state(broken.id)
    assert state.damaged and state.status == "live_with_changes"
    with pytest.raises(PublishRefused):
        Lifecycle(any_store).publish(broken.slug, by="admin")


def test_a_damaged_draft_is_restored_to_the_last_published_version_and_kept_in_the_audit_log(any_store):  # noqa: F811
    app = Apps(any_store).save_app(AppSpec.model_validate(EXAMPLE), by="kato")
    Lifecycle(any_store).publish(app.slug, by="admin")
    damaged = {**copy.deepcopy(EXAMPLE), "title": 42}
    _write_draft(any_store, app.id, damaged)
    blank = AppSpec.model_validate({**copy.deepcopy(EXAMPLE), "title": "白紙"})

    restored = Apps(any_store).restore_draft(app.id, by="sato", blank=blank)

    assert restored.draft_spec == AppSpec.model_validate(EXAMPLE).model_dump(mode="json", exclude_none=True)
    assert Apps(any_store).state(app.id).status == "live"
    [line] = [e for e in Audit(any_store).events(app.id) if e.action == "app.restore_draft"]
    assert line.actor == "sato" and line.detail == {"from_version": 1, "damaged_draft": damaged}
    with pytest.raises(Refused):  # a second click, or someone else's: nothing left to restore
        Apps(any_store).restore_draft(app.id, by="sato", blank=blank)


def test_a_damaged_draft_never_published_starts_again_from_the_blank_given(any_store):  # noqa: F811
    app = Apps(any_store).save_app(AppSpec.model_validate(EXAMPLE), by="kato")
    _write_draft(any_store, app.id, {"slug": app.slug, "pages": "?"})
    blank = AppSpec.model_validate({**copy.deepcopy(EXAMPLE), "slug": "whatever", "title": "白紙"})

    restored = Apps(any_store).restore_draft(app.id, by="sato", blank=blank)

    assert restored.draft_spec["slug"] == app.slug and restored.draft_spec["title"] == {"ja": "白紙"}


@pytest.mark.parametrize("bad", NOT_TEXT)
def test_staff_text_outside_the_app_is_stored_and_served_clean(any_store, bad):  # noqa: F811
    app = Apps(any_store).save_app(AppSpec.model_validate(EXAMPLE), by="kato")
    Lifecycle(any_store).publish(app.slug, by="admin")
    banner = Banner(any_store).set(f"噴火{bad}警報", "danger", by="admin", text_en=f"Eruption{bad}")
    assert (banner.text, banner.text_en) == ("噴火警報", "Eruption")
    point = AccessPoints(any_store).create(app.id, f"本庁舎{bad}1階", by="kato")
    assert point.label == "本庁舎1階"
    AccessPoints(any_store).change(point.id, by="kato", label=f"支所{bad}窓口")
    user = StaffAccounts(any_store).create(f"user{ord(bad)}", f"佐藤{bad}花子", "hash", "staff", by="admin")
    Lifecycle(any_store).retire(app.slug, by="admin", message=f"終了{bad}しました。\n電話してください")

    any_store.cached_banner = None  # read it again from the database
    assert Banner(any_store).current().text == "噴火警報"
    assert [p.point.label for p in AccessPoints(any_store).of_app(app.id)] == ["支所窓口"]
    assert StaffAccounts(any_store).by_username(user.username).display_name == "佐藤花子"
    assert Apps(any_store).by_id(app.id).retire_message == {"ja": "終了しました。\n電話してください"}
    details = json.dumps([e.detail for e in Audit(any_store).events()], ensure_ascii=False)
    assert bad not in details


def test_staff_text_an_older_version_stored_with_nul_is_read_clean(store):
    """SQLite kept whatever it was given: a NUL in a banner is not served to residents any more."""
    with store.engine.begin() as c:
        c.execute(text("INSERT INTO emergency_banner (text, level, issued_at, issued_by) "
                       "VALUES (:text, 'danger', CURRENT_TIMESTAMP, 'admin')"), {"text": "噴火\x00警報"})
    assert Banner(store).current().text == "噴火警報"


@pytest.mark.parametrize("bad", ["\x00", "\ud800"])
def test_notes_replies_and_facility_names_written_elsewhere_are_stored_clean(any_store, bad):  # noqa: F811
    """Modules other than the store write these (submissions.py, bookings.py): the columns clean them."""
    from generated_apps.domain.bookings import Bookings

    app = Apps(any_store).save_app(AppSpec.model_validate(EXAMPLE), by="kato")
    version = Lifecycle(any_store).publish(app.slug, by="admin")
    sent = Drafts(any_store).submit(Drafts(any_store).create(app.id, version.id, {}), {}, "ja")
    submissions = Submissions(any_store)
    submissions.add_note(sent.id, f"折り返し{bad}電話", by="sato")
    submissions.write_reply(sent.id, f"お答え{bad}します", by="sato")
    gym = Bookings(any_store).create_resource(f"体育{bad}館",
                                              {"mon": [{"start": "09:00", "end": "12:00", "capacity": 2}]}, by="sato")

    assert Submissions(any_store).get(sent.id).reply == "お答えします"
    assert Bookings(any_store).resource(gym.id).name == "体育館"
    with any_store.engine.connect() as c:
        assert c.execute(text("SELECT text FROM submission_note")).scalar() == "折り返し電話"
