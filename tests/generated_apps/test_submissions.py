"""Working through what residents sent: the table's paging, sorting, filters and search; status, replies,
notes and assignment; and a resident reading a consultation's reply with their reference number.

On SQLite and PostgreSQL, with the store's clock moved to place each submission in time.
"""

from __future__ import annotations

import datetime as dt

import pytest

from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.submissions import (
    SubmissionFilter,
    SubmissionRefused,
    Submissions,
)
from widgets import AppSpec

from .test_lifecycle import Clock
from .test_store import any_store  # noqa: F401 - the fixture: SQLite and PostgreSQL

T0 = dt.datetime(2026, 11, 2, 0, 30, tzinfo=dt.UTC)  # 09:30 on Monday 2 November in Date City
HOUR = dt.timedelta(hours=1)

CONSULTATION = {
    "slug": "soudan", "kind": "consultation",
    "title": {"ja": "暮らしの相談", "en": "Living consultation"},
    "lifecycle": {"retention_days": 365, "no_end": True},
    "contact": {"phone": "0142-23-3331"},
    "pages": [
        {"widgets": [{"type": "long_text", "key": "question", "label": {"ja": "ご相談の内容", "en": "Your question"}}]},
        {"widgets": [{"type": "multiple_choice", "key": "topics", "label": {"ja": "分野", "en": "Topics"},
                      "options": [{"value": "tax", "label": {"ja": "税金", "en": "Tax"}},
                                  {"value": "care", "label": {"ja": "介護", "en": "Care"}},
                                  {"value": "snow", "label": {"ja": "除雪", "en": "Snow"}}]}]},
        {"widgets": [{"type": "name", "key": "name", "label": {"ja": "お名前", "en": "Name"}}]},
        {"widgets": [{"type": "phone", "key": "phone", "label": {"ja": "電話番号", "en": "Phone"}}]},
    ],
}


@pytest.fixture
def clock(any_store):  # noqa: F811
    clock = Clock(T0)
    any_store.clock = clock
    return clock


def publish(store, spec: dict) -> int:
    app = Apps(store).create(AppSpec.model_validate(spec), by="suzuki")
    Lifecycle(store).publish(app.slug, by="admin")
    return app.id


def send(store, app_id: int, answers: dict, *, via: str | None = None, entered_by: str | None = None):
    version = max(Apps(store).versions(app_id), key=lambda v: v.number)
    draft = Drafts(store).create(app_id, version.id, answers, access_point=via)
    return Drafts(store).submit(draft, answers, "ja", entered_by=entered_by)


@pytest.fixture
def survey(any_store, example_spec, clock):  # noqa: F811
    """Sixty answers to the library survey, one every five hours from 09:30 on 2 November."""
    app_id = publish(any_store, example_spec)
    sent = []
    for n in range(60):
        answers = {"visited": "yes" if n % 3 else "no", "book": f"本 {n}" if n % 3 else None,
                   "town": ["梅本町", "末永町", "Monbetsu"][n % 3]}
        sent.append(send(any_store, app_id, answers, via="lobby" if n % 2 else None))
        clock.move(5 * HOUR)
    return app_id, sent


def ids(page) -> list[int]:
    return [row.id for row in page.rows]


def test_pages_of_the_table_follow_each_other_without_a_gap_or_a_repeat_newest_first(any_store, survey):  # noqa: F811
    app_id, sent = survey
    submissions = Submissions(any_store)
    pages = [submissions.page(app_id, offset=offset, limit=25) for offset in (0, 25, 50)]
    assert [page.total for page in pages] == [60, 60, 60]
    assert [len(page.rows) for page in pages] == [25, 25, 10]
    # The last page is read from the other end of the index; it must still be the right rows in order.
    assert sum((ids(page) for page in pages), []) == [s.id for s in reversed(sent)]
    assert pages[2].offset == 50
    oldest_first = [submissions.page(app_id, descending=False, offset=o, limit=7) for o in range(0, 60, 7)]
    assert sum((ids(page) for page in oldest_first), []) == [s.id for s in sent]


def test_the_table_sorts_by_reference_number_and_by_status(any_store, survey):  # noqa: F811
    app_id, sent = survey
    submissions = Submissions(any_store)
    by_reference = submissions.page(app_id, sort="reference", descending=False, limit=60)
    assert [row.reference for row in by_reference.rows] == sorted(s.reference for s in sent)
    submissions.set_status(sent[5].id, "in_progress", by="sato")
    assert submissions.page(app_id, sort="status", descending=False, limit=1).rows[0].id == sent[5].id


def test_a_date_range_is_whole_days_in_the_city_time_zone(any_store, survey):  # noqa: F811
    app_id, sent = survey
    submissions = Submissions(any_store)
    # From 09:30 on the 2nd, every five hours: 09:30, 14:30, 19:30 are the 2nd; 00:30 is already the 3rd.
    first_day = submissions.page(app_id, SubmissionFilter(since=dt.date(2026, 11, 2), until=dt.date(2026, 11, 2)))
    assert ids(first_day) == [sent[2].id, sent[1].id, sent[0].id]
    later = submissions.count(app_id, SubmissionFilter(since=dt.date(2026, 11, 3)))
    assert later == 57
    assert submissions.count(app_id, SubmissionFilter(until=dt.date(2026, 11, 1))) == 0


def test_filters_by_status_access_point_version_and_staff_entry(any_store, survey, example_spec):  # noqa: F811
    app_id, sent = survey
    submissions = Submissions(any_store)
    assert submissions.count(app_id, SubmissionFilter(access_point="lobby")) == 30
    assert submissions.count(app_id, SubmissionFilter(access_point="-")) == 30
    submissions.set_status(sent[0].id, "closed", by="sato")
    assert ids(submissions.page(app_id, SubmissionFilter(status="closed"))) == [sent[0].id]
    assert submissions.count(app_id, SubmissionFilter(status="received")) == 59

    example_spec["title"]["ja"] = "図書館アンケート（第2版）"
    app = Apps(any_store).by_id(app_id)
    Apps(any_store).save_draft(app_id, AppSpec.model_validate(example_spec), revision=app.revision, by="suzuki")
    Lifecycle(any_store).publish(app.slug, by="admin")
    newer = send(any_store, app_id, {"visited": "no", "town": None}, entered_by="sato")
    assert ids(submissions.page(app_id, SubmissionFilter(version=2))) == [newer.id]
    assert submissions.count(app_id, SubmissionFilter(version=1)) == 60
    assert ids(submissions.page(app_id, SubmissionFilter(entered_by_staff=True))) == [newer.id]
    assert submissions.count(app_id, SubmissionFilter(entered_by_staff=False)) == 60


def test_an_answer_filter_matches_one_question_only_exactly_or_by_words(any_store, survey):  # noqa: F811
    app_id, _sent = survey
    submissions = Submissions(any_store)
    assert submissions.count(app_id, SubmissionFilter(answer_key="visited", answer="no", answer_match="equals")) == 20
    assert submissions.count(app_id, SubmissionFilter(answer_key="visited", answer="n", answer_match="equals")) == 0
    # Words are found whatever their width or case (answers are stored as NFKC, so Ｍｏｎ was kept as Mon).
    assert submissions.count(app_id, SubmissionFilter(answer_key="town", answer="ＭＯＮＢＥＴＳＵ")) == 20
    assert submissions.count(app_id, SubmissionFilter(answer_key="town", answer="末永")) == 20
    # 1, 10, 11, 13, 14, 16, 17, 19
    assert submissions.count(app_id, SubmissionFilter(answer_key="book", answer="本 1")) == 8
    assert submissions.count(app_id, SubmissionFilter(answer_key="nothing", answer="x")) == 0


def test_each_value_of_a_multiple_choice_answer_can_be_filtered_on(any_store, clock):  # noqa: F811
    app_id = publish(any_store, CONSULTATION)
    both = send(any_store, app_id, {"question": "雪", "topics": ["care", "snow"], "phone": "0142-23-1234"})
    send(any_store, app_id, {"question": "税", "topics": ["tax"], "phone": "0142-23-1234"})
    submissions = Submissions(any_store)
    assert ids(submissions.page(
        app_id, SubmissionFilter(answer_key="topics", answer="snow", answer_match="equals"))) == [both.id]
    assert submissions.count(app_id, SubmissionFilter(answer_key="topics", answer="ca")) == 1


def test_search_finds_a_reference_number_however_it_is_typed_and_words_in_any_answer(any_store, survey):  # noqa: F811
    app_id, sent = survey
    submissions = Submissions(any_store)
    reference = sent[7].reference
    for typed in (reference, reference.replace("-", ""),
                  reference.translate(str.maketrans("0123456789-", "０１２３４５６７８９ー"))):
        assert ids(submissions.page(app_id, SubmissionFilter(search=typed))) == [sent[7].id]
    # Whatever the width or case staff type the words in.
    assert submissions.count(app_id, SubmissionFilter(search="monbetsu")) == 20
    assert submissions.count(app_id, SubmissionFilter(search="ＭＯＮＢＥＴＳＵ")) == 20
    assert submissions.count(app_id, SubmissionFilter(search="梅本")) == 20
    assert submissions.count(app_id, SubmissionFilter(search="本 41")) == 1
    assert submissions.count(app_id, SubmissionFilter(search="%")) == 0  # a LIKE wildcard is a plain character
    assert submissions.count(app_id, SubmissionFilter(search="_")) == 0


def test_filters_combine_and_the_count_is_of_what_they_leave(any_store, survey):  # noqa: F811
    app_id, _sent = survey
    where = SubmissionFilter(access_point="lobby", answer_key="visited", answer="yes", answer_match="equals",
                             since=dt.date(2026, 11, 4))
    page = Submissions(any_store).page(app_id, where, limit=5)
    expected = [n for n in range(60)
                if n % 2 and n % 3 and T0 + n * 5 * HOUR >= dt.datetime(2026, 11, 3, 15, tzinfo=dt.UTC)]
    assert page.total == len(expected)
    assert all(row.access_point == "lobby" and row.answers["visited"] == "yes" for row in page.rows)


def test_the_detail_has_the_version_the_resident_used_and_the_access_point_label(any_store, example_spec, clock):  # noqa: F811
    app_id = publish(any_store, example_spec)
    point = AccessPoints(any_store).create(app_id, "本庁舎1階 市民課窓口", by="suzuki")
    sent = send(any_store, app_id, {"visited": "yes", "book": "雪国", "town": None}, via=point.code)
    example_spec["pages"][0]["widgets"][1]["label"]["ja"] = "図書館を使いましたか（変更後）"
    app = Apps(any_store).by_id(app_id)
    Apps(any_store).save_draft(app_id, AppSpec.model_validate(example_spec), revision=app.revision, by="suzuki")
    Lifecycle(any_store).publish(app.slug, by="admin")

    detail = Submissions(any_store).detail(sent.id)
    assert detail.version_number == 1
    assert detail.spec.question("visited").label.text("ja") == "この1年に図書館を使いましたか"
    assert detail.access_point_label == "本庁舎1階 市民課窓口"
    assert detail.submission.reference == sent.reference
    assert Submissions(any_store).detail(10**9) is None


def test_notes_and_assignment_are_kept_and_audited_without_their_words(any_store, survey):  # noqa: F811
    app_id, sent = survey
    StaffAccounts(any_store).create("sato", "佐藤", "x", "staff", by="admin")
    submissions = Submissions(any_store)
    submissions.add_note(sent[0].id, "電話で確認済み <b>", by="suzuki")
    submissions.assign(sent[0].id, "sato", by="suzuki")
    detail = submissions.detail(sent[0].id)
    assert [(n.by, n.text) for n in detail.notes] == [("suzuki", "電話で確認済み <b>")]
    assert detail.submission.assigned_to == "sato"
    assert ids(submissions.page(app_id, SubmissionFilter(assigned_to="sato"))) == [sent[0].id]
    assert submissions.count(app_id, SubmissionFilter(assigned_to="-")) == 59

    with pytest.raises(SubmissionRefused):
        submissions.assign(sent[0].id, "nobody", by="suzuki")
    with pytest.raises(SubmissionRefused):
        submissions.add_note(sent[0].id, "   ", by="suzuki")
    events = [(e.action, e.target, e.detail)
              for e in Audit(any_store).events(app_id) if e.action.startswith("submission.")]
    assert events == [("submission.note", sent[0].reference, {"characters": 11}),
                      ("submission.assign", sent[0].reference, {"to": "sato"})]


def test_a_consultation_goes_from_received_to_answered_and_the_resident_reads_the_reply(any_store, clock):  # noqa: F811
    app_id = publish(any_store, CONSULTATION)
    sent = send(any_store, app_id, {"question": "除雪はいつ来ますか", "topics": ["snow"],
                                    "name": {"family": "伊達", "given": "花子"}, "phone": "0142-23-4567"})
    submissions = Submissions(any_store)
    assert submissions.by_reference(app_id, sent.reference).status == "received"
    with pytest.raises(SubmissionRefused):  # no reply yet: it cannot be marked answered
        submissions.set_status(sent.id, "answered", by="sato")
    submissions.set_status(sent.id, "in_progress", by="sato")
    submissions.write_reply(sent.id, "12月1日から除雪車が回ります。", by="sato")

    seen = submissions.by_reference(app_id, sent.reference.replace("-", ""))
    assert (seen.status, seen.reply, seen.replied_by) == ("answered", "12月1日から除雪車が回ります。", "sato")
    submissions.set_status(sent.id, "closed", by="sato")
    assert submissions.by_reference(app_id, sent.reference).status == "closed"
    actions = [e.action for e in Audit(any_store).events(app_id) if e.action.startswith("submission.")]
    assert actions == ["submission.status", "submission.reply", "submission.status"]


def test_counter_entry_is_marked_with_who_entered_it_and_audited(any_store, example_spec, clock):  # noqa: F811
    app_id = publish(any_store, example_spec)
    sent = send(any_store, app_id, {"visited": "no", "town": "梅本町"}, entered_by="sato")
    assert sent.entered_by == "sato"
    assert [(e.actor, e.action, e.target) for e in Audit(any_store).events(app_id)][-1] == (
        "sato", "submission.counter", sent.reference)
