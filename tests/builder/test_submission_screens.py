"""The submissions screens, in the user simulation against a real SQLite store: the table (paging,
sorting, filters, search), one submission with its answers as the resident saw them, staff notes,
assignment, status and a consultation's reply, exports made in the background, and counter entry."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.submissions import Submissions
from tests.generated_apps.test_lifecycle import Clock
from tests.generated_apps.test_submissions import CONSULTATION
from tests.htmlpage import form_fields, parse
from widgets import AppSpec

from .conftest import SLOW, until
from .test_lifecycle_screens import choose

T0 = dt.datetime(2026, 11, 2, 0, 30, tzinfo=dt.UTC)  # 09:30 on 2 November in Date City
HOSTILE = '<script>alert("x")</script> =HYPERLINK("http://evil") \u202eRTL'


def publish(store, spec: dict) -> int:
    app = Apps(store).create(AppSpec.model_validate(spec), by="suzuki")
    Lifecycle(store).publish(app.slug, by="admin")
    return app.id


def send(store, app_id: int, answers: dict, **kw):
    version = max(Apps(store).versions(app_id), key=lambda v: v.number)
    draft = Drafts(store).create(app_id, version.id, answers)
    return Drafts(store).submit(draft, answers, "ja", **kw)


@pytest.fixture
async def desk(signed_in):
    signed_in.store.clock = Clock(T0)
    return signed_in


@pytest.fixture
def survey(desk, example_spec):
    """Sixty answers to the library survey, one an hour."""
    app_id = publish(desk.store, example_spec)
    sent = []
    for n in range(60):
        sent.append(send(desk.store, app_id, {"visited": "yes" if n % 3 else "no", "book": f"本 {n}" if n % 3 else None,
                                              "town": HOSTILE if n == 59 else "梅本町"}))
        desk.store.clock.move(dt.timedelta(hours=1))
    return app_id, sent


def rows(user) -> int:
    return len(user.find(marker="submission-row").elements)


async def test_the_table_pages_sorts_filters_and_searches_on_the_server(desk, survey):
    app_id, sent = survey
    await desk.open(f"/apps/{app_id}/submissions")
    await desk.should_see("60 submissions", retries=SLOW)
    await desk.should_see("Submissions are kept for 365 days")  # what the next purge deletes, and when
    await desk.should_see("The next submission reaches the end of its period on 2027-11-02 09:30", retries=SLOW)
    assert rows(desk) == 50
    await desk.should_see("1–50 of 60", retries=SLOW)
    await desk.should_see(sent[-1].reference)  # the newest first
    desk.find(marker="next-page").click()
    await desk.should_see("51–60 of 60", retries=SLOW)
    assert rows(desk) == 10
    await desk.should_see(sent[0].reference, retries=SLOW)

    desk.find(marker="sort-reference").click()  # sorted by reference number, from the smallest
    await desk.should_see("1–50 of 60", retries=SLOW)
    await desk.should_see(min(s.reference for s in sent), retries=SLOW)

    choose(desk, "filter-status", "received")
    await desk.should_see("60 submissions", retries=SLOW)
    desk.find(marker="search").type(sent[7].reference.replace("-", ""))
    await desk.should_see("1 submissions", retries=50)
    assert rows(desk) == 1
    await desk.should_see(sent[7].reference, retries=SLOW)
    desk.find(marker="search").clear()
    await desk.should_see("60 submissions", retries=SLOW)
    choose(desk, "filter-question", "visited")
    desk.find(marker="filter-answer").type("no")
    await desk.should_see("20 submissions", retries=SLOW)


async def test_an_app_with_access_points_lists_its_submissions_and_filters_by_point(desk, example_spec):
    """Every app used as intended has a QR access point: its table once answered 500 (issue 17)."""
    app_id = publish(desk.store, example_spec)
    counter = AccessPoints(desk.store).create(app_id, "本庁舎 窓口", by="suzuki")
    hall = AccessPoints(desk.store).create(app_id, "市民会館", by="suzuki")
    version = max(Apps(desk.store).versions(app_id), key=lambda v: v.number)
    sent = []
    for n, point in enumerate([counter, counter, hall, None]):
        answers = {"visited": "no", "town": f"町 {n}"}
        draft = Drafts(desk.store).create(app_id, version.id, answers, access_point=point and point.code)
        sent.append(Drafts(desk.store).submit(draft, answers, "ja"))
    await desk.open(f"/apps/{app_id}/submissions")
    await desk.should_see("4 submissions", retries=SLOW)
    await desk.should_see("本庁舎 窓口")  # each row names its point as staff labelled it
    choose(desk, "filter-access-point", counter.code)
    await desk.should_see("2 submissions", retries=SLOW)
    choose(desk, "filter-access-point", hall.code)
    await desk.should_see("1 submissions", retries=SLOW)
    await desk.should_see(sent[2].reference, retries=SLOW)
    choose(desk, "filter-access-point", "-")
    await desk.should_see(sent[3].reference, retries=SLOW)  # the one sent from the app's own address
    await desk.should_not_see(sent[2].reference)
    assert rows(desk) == 1


async def test_an_empty_app_and_an_unknown_one_say_so(desk, example_spec):
    app_id = publish(desk.store, example_spec)
    await desk.open(f"/apps/{app_id}/submissions")
    await desk.should_see(marker="submissions-empty", retries=SLOW)
    await desk.should_see("Nothing has been sent yet.", retries=SLOW)
    await desk.open("/apps/999/submissions")
    await desk.should_see("There is no such app. It may have been deleted.", retries=SLOW)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "275760-09-13", "2026-02-30"])
async def test_a_date_out_of_range_in_the_filters_is_told_and_ignored_not_a_crash(desk, example_spec, day):
    """A browser's date field takes years 1 to 275760: outside 2000-2099 the day has no time in the city's zone."""
    app_id = publish(desk.store, example_spec)
    send(desk.store, app_id, {"visited": "no", "town": "梅本町"})
    await desk.open(f"/apps/{app_id}/submissions")
    await desk.should_see("1 submissions", retries=SLOW)
    desk.find(marker="filter-since").type(day)
    await desk.should_see("Enter a date from 2000-01-01 to 2099-12-31. This one is not used: " + day, retries=SLOW)
    desk.find(marker="filter-until").type(day)
    await desk.should_see("1 submissions", retries=SLOW)
    desk.find(marker="filter-since").clear().type("2026-11-03")  # the day after it was sent
    desk.find(marker="filter-until").clear()
    await desk.should_see(marker="submissions-empty", retries=SLOW)
    await desk.should_not_see("This one is not used")


async def test_a_damaged_draft_leaves_the_submissions_of_the_published_app_working(desk, example_spec):
    from .test_access_screens import DAMAGE
    from .test_dashboard import write_draft

    app_id = publish(desk.store, example_spec)
    sent = send(desk.store, app_id, {"visited": "no", "town": "梅本町"})
    write_draft(desk.store, app_id, {**Apps(desk.store).by_id(app_id).draft_spec, **DAMAGE})
    await desk.open(f"/apps/{app_id}/submissions")
    await desk.should_see("The draft of this app cannot be read. Open it in the editor to restore it")
    assert desk.find(marker="damaged-draft-editor").elements.pop().props["href"] == f"/apps/{app_id}"
    await desk.should_see("1 submissions", retries=SLOW)
    await desk.should_see(sent.reference, retries=SLOW)
    await desk.open(f"/apps/{app_id}/submissions/{sent.id}")
    await desk.should_see(sent.reference, retries=SLOW)


async def test_the_submissions_of_an_app_never_published_whose_draft_is_damaged_say_so(desk, example_spec):
    from .test_access_screens import DAMAGE
    from .test_dashboard import write_draft

    app = Apps(desk.store).create(AppSpec.model_validate(example_spec), by="suzuki")
    write_draft(desk.store, app.id, {**app.draft_spec, "title": {"ja": "壊れた調査"}, **DAMAGE})
    await desk.open(f"/apps/{app.id}/submissions")
    await desk.should_see("Submissions: 壊れた調査", retries=SLOW)
    await desk.should_see(marker="damaged-draft")
    await desk.should_see("This app has not been published yet, so nothing has been sent.")


async def test_the_detail_shows_every_answer_labelled_as_the_resident_saw_it_and_hostile_text_as_text(
        desk, survey, example_spec):
    app_id, sent = survey
    # A later version renames the question: the detail still shows the words of version 1.
    example_spec["pages"][0]["widgets"][1]["label"]["en"] = "Renamed later"
    app = Apps(desk.store).by_id(app_id)
    Apps(desk.store).save_draft(app_id, AppSpec.model_validate(example_spec), revision=app.revision, by="suzuki")
    Lifecycle(desk.store).publish(app.slug, by="admin")

    await desk.open(f"/apps/{app_id}/submissions/{sent[59].id}")
    await desk.should_see(f"Reference number {sent[59].reference}", retries=SLOW)
    await desk.should_see("Did you use the library this year?", retries=SLOW)
    await desk.should_not_see("Renamed later")
    await desk.should_see("Yes", retries=SLOW)
    await desk.should_see("本 59", retries=SLOW)
    await desk.should_see(HOSTILE)  # verbatim, as text
    await desk.should_see("2026-11-04 20:30 (Asia/Tokyo)")  # 09:30 + 59 hours, in the city's time
    await desk.should_see("Version 1", retries=SLOW)


async def test_staff_add_notes_assign_and_change_the_status_and_each_is_audited(desk, survey):
    app_id, sent = survey
    await desk.open(f"/apps/{app_id}/submissions/{sent[0].id}")
    await desk.should_see(marker="note-text", retries=SLOW)
    desk.find(marker="note-text").type("電話で確認しました")
    desk.find(marker="add-note").click()
    await until(lambda: len(Submissions(desk.store).detail(sent[0].id).notes) == 1)
    await desk.should_see(marker="note", retries=SLOW)
    [by] = desk.find(marker="note-by").elements
    assert by.text.endswith(" · 佐藤 花子")  # as colleagues know her, not her user name (sato)
    choose(desk, "assignee", "sato")
    desk.find(marker="save-assignee").click()
    await until(lambda: Submissions(desk.store).get(sent[0].id).assigned_to == "sato")
    choose(desk, "status", "in_progress")
    desk.find(marker="save-status").click()
    await until(lambda: Submissions(desk.store).get(sent[0].id).status == "in_progress")
    await desk.open(f"/apps/{app_id}/submissions/{sent[0].id}")  # drawn afresh, as after the save
    await desk.should_see("In progress", retries=SLOW)
    with desk.scope(marker="submission-facts"):
        await desk.should_see("佐藤 花子")  # assigned to her, by the name colleagues know
    choose(desk, "status", "answered")  # a form has no reply: refused, and said why
    desk.find(marker="save-status").click()
    await desk.should_see("Write a reply first: the resident reads it when the status is Answered", retries=SLOW)
    assert Submissions(desk.store).get(sent[0].id).status == "in_progress"
    changes = [e for e in Audit(desk.store).events(app_id) if e.action != "submission.view"]  # reading is audited too
    assert [(e.action, e.actor, e.target) for e in changes][-3:] == [
        ("submission.note", "sato", sent[0].reference), ("submission.assign", "sato", sent[0].reference),
        ("submission.status", "sato", sent[0].reference)]


async def test_a_reply_written_here_is_what_the_resident_reads(desk):
    app_id = publish(desk.store, CONSULTATION)
    sent = send(desk.store, app_id, {"question": "除雪はいつですか", "topics": ["snow"], "phone": "0142-23-4567"})
    await desk.open(f"/apps/{app_id}/submissions/{sent.id}")
    await desk.should_see(marker="reply", retries=SLOW)
    desk.find(marker="reply").type("12月1日から回ります。")
    desk.find(marker="save-reply").click()
    await desk.should_see("The reply is saved. The resident can read it now.", retries=SLOW)
    seen = Submissions(desk.store).by_reference(app_id, sent.reference)
    assert (seen.status, seen.reply, seen.replied_by) == ("answered", "12月1日から回ります。", "sato")
    await desk.should_see(marker="replied", retries=SLOW)


async def test_an_export_is_made_in_the_background_downloaded_once_and_audited(desk, survey):
    app_id, _sent = survey
    await desk.open(f"/apps/{app_id}/submissions")
    desk.find(marker="export").click()
    await desk.should_see(marker="export-start", retries=SLOW)
    desk.find(marker="export-start").click()
    await desk.should_see("60 rows written. The file is ready.", retries=100)
    [button] = desk.find(marker="export-download").elements
    assert "href" not in button.props  # a download, not a link that would open the file over the builder
    desk.find(marker="export-download").click()
    response = await desk.download.next()
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(table) == 61
    # The newest row, the hostile town, verbatim (it begins with "<": nothing to neutralise).
    assert HOSTILE in table[-1]
    # Once only (it holds personal data), so the used button goes: nothing is left that leads to a bare error page.
    await desk.should_not_see(marker="export-download")
    await desk.should_see("The file is in your browser's downloads. It is no longer kept here: to download it again, "
                          "make it again.")
    await desk.should_see("Submissions: Library survey")  # still on the builder's page
    assert [e.action for e in Audit(desk.store).events(app_id)].count("submission.export") == 1


async def test_counter_entry_walks_the_resident_pages_and_marks_the_submission_with_who_entered_it(desk, example_spec):
    app_id = publish(desk.store, example_spec)
    client = desk.http_client
    start = parse((await client.get(f"/counter/{app_id}")).text)
    # The resident pages: Japanese.
    assert "窓口での代理入力（入力者：佐藤 花子）" in start.find(cls="counter-strip").text
    first = start.find("a", cls="button").attrs["href"]
    assert first == f"/counter/{app_id}/p/1"

    async def answer(url: str, data: dict) -> str:
        page = parse((await client.get(url)).text)
        response = await client.post(url, data={"csrf": form_fields(page)["csrf"], **data})
        assert response.status_code == 303, response.text[:500]
        return response.headers["location"]

    second = await answer(first, {"visited": "yes"})
    third = await answer(second, {"book": "雪国"})
    check = await answer(third, {"town": "梅本町"})
    assert check == f"/counter/{app_id}/check"
    check_page = parse((await client.get(check)).text)
    response = await client.post(f"/counter/{app_id}/submit", data={"csrf": form_fields(check_page)["csrf"]})
    assert response.headers["location"] == f"/counter/{app_id}/done"
    done = parse((await client.get(f"/counter/{app_id}/done")).text)
    [submission] = Submissions(desk.store).of_app(app_id)
    assert done.find(cls="reference").text == submission.reference
    assert done.find(cls="counter-note") is not None  # tells staff to print it for the resident
    assert submission.entered_by == "sato"
    assert submission.answers == {"visited": "yes", "book": "雪国", "town": "梅本町"}
    assert ("submission.counter", "sato", submission.reference) in [
        (e.action, e.actor, e.target) for e in Audit(desk.store).events(app_id)]

    slip = parse((await client.get(f"/counter/{app_id}/slip/{submission.id}")).text)
    assert slip.find(cls="reference").text == submission.reference
    # The resident's own browser never sees the counter's draft: the cookie is the counter's own.
    assert not any(name.startswith("mdg_draft_") for name in client.cookies.keys())


async def test_the_screens_and_the_counter_ask_for_a_signed_in_member_of_staff(staff_gui, example_spec):
    from .conftest import add_staff
    add_staff(staff_gui.store)
    app_id = publish(staff_gui.store, example_spec)
    for path in (f"/apps/{app_id}/submissions", f"/counter/{app_id}", f"/counter/{app_id}/p/1", "/exports/x",
                 f"/counter/{app_id}/slip/1"):
        response = await staff_gui.http_client.get(path)
        assert response.status_code == 303 and "/signin" in response.headers["location"], path


async def test_reading_residents_answers_is_in_the_audit_log_by_reference_only(desk, survey):
    app_id, sent = survey
    before = len(Audit(desk.store).events())
    await desk.open(f"/apps/{app_id}/submissions")
    await desk.should_see("60 submissions", retries=SLOW)
    await desk.open(f"/apps/{app_id}/submissions/{sent[59].id}")
    await desk.should_see(f"Reference number {sent[59].reference}", retries=SLOW)
    await until(lambda: len(Audit(desk.store).events()) >= before + 2)
    listed, viewed = Audit(desk.store).events()[before:before + 2]
    assert (listed.action, listed.app_id) == ("submissions.list", app_id)
    assert (viewed.action, viewed.app_id, viewed.target) == ("submission.view", app_id, sent[59].reference)
    assert listed.actor == viewed.actor != ""
    assert "梅本町" not in str(viewed.detail) and "script" not in str(viewed.detail)  # never what was written
