"""Retention: what residents sent is deleted when its app's period is over, with all that points at it,
except while a booking made with it is still to come; every purge that deletes is audited in counts.

On SQLite and PostgreSQL, with the store's clock moved through the periods.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.bookings import Bookings
from generated_apps.domain.drafts import DRAFT_LIFETIME, Drafts
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.models import AppVersion, Booking, Draft, Submission, SubmissionNote, as_utc
from generated_apps.domain.retention import BATCH, DUE, HELD, KEPT_FOR, NEXT, NO_PERIOD, Retention, describe
from generated_apps.domain.submissions import Submissions
from widgets import AppSpec

from .test_lifecycle import Clock
from .test_store import any_store  # noqa: F401 - the fixture: SQLite and PostgreSQL

T0 = dt.datetime(2026, 11, 2, 0, 30, tzinfo=dt.UTC)  # 09:30 on Monday 2 November in Date City
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)
RESIDENT = {"name": {"family": "伊達", "given": "花子"}, "phone": "0142-23-3331", "question": "除雪車が来ません"}


def app_spec(slug: str, days: int | None) -> dict:
    return {"slug": slug, "kind": "form", "title": {"ja": f"アプリ {slug}"}, "languages": ["ja"],
            "contact": {"phone": "0142-23-3331"}, "lifecycle": {"retention_days": days, "no_end": True},
            "pages": [{"widgets": [{"type": "short_text", "key": "question", "label": {"ja": "ご用件"}}]}]}


@pytest.fixture
def clock(any_store):  # noqa: F811
    clock = Clock(T0)
    any_store.clock = clock
    return clock


def publish(store, slug: str, days: int | None = 30) -> int:
    app = Apps(store).create(AppSpec.model_validate(app_spec(slug, days or 30)), by="suzuki")
    version = Lifecycle(store).publish(slug, by="admin", warnings_acknowledged=True)
    if days is None:  # an app published before a period was required: its frozen version names none
        spec = app_spec(slug, None)
        with store.session() as s:
            s.exec(update(AppVersion).where(AppVersion.id == version.id).values(spec=spec))
            s.commit()
    return app.id


def send(store, app_id: int, answers: dict | None = None) -> Submission:
    version = max(Apps(store).versions(app_id), key=lambda v: v.number)
    answers = answers or RESIDENT
    draft = Drafts(store).create(app_id, version.id, answers)
    return Drafts(store).submit(draft, answers, "ja")


def remaining(store, app_id: int) -> list[int]:
    return [s.id for s in Submissions(store).of_app(app_id)]


def purge_lines(store) -> list:
    return [e for e in Audit(store).events() if e.action == "retention.purge"]


def count(store, table) -> int:
    with store.session() as s:
        return s.exec(select(func.count()).select_from(table)).one()


def test_a_submission_is_kept_until_its_period_ends_and_deleted_from_then(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "kyuusui", days=30)
    first = send(any_store, app_id)
    clock.move(DAY)
    second = send(any_store, app_id)
    retention = Retention(any_store)

    clock.move(29 * DAY - MINUTE)  # a minute before the first one's 30 days are over
    assert retention.purge().apps == []  # (their sent drafts, a week old, went)
    assert remaining(any_store, app_id) == [first.id, second.id]

    clock.move(MINUTE)  # exactly 30 days: over
    result = retention.purge()
    assert [(a.slug, a.submissions) for a in result.apps] == [("kyuusui", 1)]
    assert remaining(any_store, app_id) == [second.id]
    clock.move(DAY)
    retention.purge()
    assert remaining(any_store, app_id) == []


def test_each_app_keeps_submissions_for_its_own_period(any_store, clock):  # noqa: F811
    short, long = publish(any_store, "shinsei", days=7), publish(any_store, "anketo", days=90)
    send(any_store, short), send(any_store, long)
    clock.move(8 * DAY)
    result = Retention(any_store).purge()
    assert [(a.slug, a.submissions, a.retention_days) for a in result.apps] == [("shinsei", 1, 7)]
    assert remaining(any_store, short) == [] and len(remaining(any_store, long)) == 1


def test_an_app_whose_policy_sets_no_period_is_left_alone_and_the_plan_says_so(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "furui", days=None)
    send(any_store, app_id)
    clock.move(3650 * DAY)
    retention = Retention(any_store)
    [plan] = retention.plan(app_id)
    assert (plan.retention_days, plan.submissions, plan.next_expiry) == (None, 0, None)
    assert describe(plan) == [(NO_PERIOD, {})]
    retention.purge()
    assert len(remaining(any_store, app_id)) == 1


def test_the_period_is_that_of_the_version_residents_see_not_one_scheduled_or_called_off(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "kouza", days=30)
    send(any_store, app_id)
    clock.move(15 * DAY)
    Apps(any_store).save_app(AppSpec.model_validate(app_spec("kouza", 10)), by="suzuki")
    Lifecycle(any_store).publish("kouza", by="admin", at=T0 + 20 * DAY, warnings_acknowledged=True)
    retention = Retention(any_store)
    assert [p.retention_days for p in retention.plan(app_id)] == [30]  # the 10 days are not seen yet
    assert retention.purge().apps == []

    clock.move(5 * DAY)  # the new version is live: its 10 days apply to everything the app received
    assert [(p.retention_days, p.submissions) for p in retention.plan(app_id)] == [(10, 1)]

    Apps(any_store).save_app(AppSpec.model_validate(app_spec("kouza", 1)), by="suzuki")
    Lifecycle(any_store).publish("kouza", by="admin", at=T0 + 40 * DAY, warnings_acknowledged=True)
    Lifecycle(any_store).cancel_scheduled(app_id, by="admin")
    clock.move(30 * DAY)
    assert [p.retention_days for p in retention.plan(app_id)] == [10]


def test_a_retired_app_is_still_purged(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "owari", days=30)
    send(any_store, app_id)
    Lifecycle(any_store).retire("owari", by="admin")
    clock.move(31 * DAY)
    assert [a.submissions for a in Retention(any_store).purge().apps] == [1]


def test_notes_drafts_and_past_bookings_go_with_their_submission(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "yoyaku", days=3)  # shorter than a draft's life: the sent draft is still there
    bookings = Bookings(any_store)
    gym = bookings.create_resource("体育館", {"wed": [{"start": "09:00", "end": "12:00", "capacity": 5}]}, by="kato")
    slot = bookings.slots(gym, dt.date(2026, 11, 4), dt.date(2026, 11, 4))[0].slot  # ends 4 November, 03:00 UTC
    draft = Drafts(any_store).create(app_id, Apps(any_store).versions(app_id)[0].id, RESIDENT)
    sent = bookings.submit(draft, RESIDENT, "ja", [slot.id], "伊達 花子", "0142-23-3331")
    Submissions(any_store).add_note(sent.id, "電話で説明済み", by="sato")
    Submissions(any_store).add_note(sent.id, "再度の連絡あり", by="sato")

    clock.move(3 * DAY)
    [purged] = Retention(any_store).purge().apps
    assert (purged.submissions, purged.notes, purged.bookings, purged.drafts) == (1, 2, 1, 1)
    assert [count(any_store, t) for t in (Submission, SubmissionNote, Booking, Draft)] == [0, 0, 0, 0]
    assert bookings.slot(slot.id).booked == 1  # a past time's count stays what it was


def test_a_submission_whose_booked_time_is_still_to_come_is_kept_until_that_time_has_passed(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "shisetsu", days=30)
    bookings = Bookings(any_store)
    hall = bookings.create_resource("会議室A", {"sat": [{"start": "10:00", "end": "12:00", "capacity": 2}]}, by="kato")
    slot = bookings.slots(hall, dt.date(2026, 12, 5), dt.date(2026, 12, 5))[0].slot  # 33 days ahead
    version = Apps(any_store).versions(app_id)[0]
    keeps, cancels = (bookings.submit(Drafts(any_store).create(app_id, version.id, RESIDENT), RESIDENT, "ja",
                                      [slot.id], name, "0142-23-3331") for name in ("伊達 花子", "有珠 太郎"))
    bookings.cancel(cancels.reference, "3331")  # a cancelled booking holds nothing back
    retention = Retention(any_store)

    clock.move(31 * DAY)  # both past 30 days; one booking is still to come on 5 December
    [plan] = retention.plan(app_id)
    assert (plan.submissions, plan.held) == (1, 1)
    assert describe(plan)[:3] == [(KEPT_FOR, {"days": 30}), (DUE, {"count": 1}), (HELD, {"count": 1})]
    [purged] = retention.purge().apps
    assert (purged.submissions, purged.bookings) == (1, 1)
    assert remaining(any_store, app_id) == [keeps.id]
    assert [b.status for b, _slot, _res in bookings.bookings_of(keeps.id)] == ["booked"]

    clock.now = as_utc(slot.ends_at) - MINUTE  # still on: kept
    assert not retention.purge().deleted
    clock.move(MINUTE)  # the time has ended: the first purge after it takes both
    [purged] = retention.purge().apps
    assert (purged.submissions, purged.bookings) == (1, 1)
    assert remaining(any_store, app_id) == [] and bookings.slot(slot.id).booked == 1


def test_expired_resident_drafts_go_and_live_ones_stay(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "kakikake", days=None)  # drafts expire whatever the app's period
    version = Apps(any_store).versions(app_id)[0]
    old = Drafts(any_store).create(app_id, version.id, {"question": "途中"})
    clock.move(DAY)
    young = Drafts(any_store).create(app_id, version.id, {"question": "途中"})
    clock.move(DRAFT_LIFETIME - DAY)
    assert [p.drafts for p in Retention(any_store).plan(app_id)] == [1]
    result = Retention(any_store).purge()
    assert result.drafts == 1 and result.apps == []
    assert Drafts(any_store).get(young.id, app_id) is not None
    with any_store.session() as s:
        assert s.get(Draft, old.id) is None
    [line] = purge_lines(any_store)
    assert (line.app_id, line.detail) == (None, {"drafts": 1})


def test_each_purge_is_audited_per_app_in_counts_never_content(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "soudan", days=3)
    sent = send(any_store, app_id)
    Submissions(any_store).add_note(sent.id, "本人に電話済み", by="sato")
    clock.move(3 * DAY)
    Retention(any_store).purge(by="cli")
    [line] = purge_lines(any_store)
    assert (line.actor, line.app_id, line.target) == ("cli", app_id, "soudan")
    assert line.detail == {"submissions": 1, "notes": 1, "bookings": 0, "drafts": 1, "retention_days": 3}
    written = json.dumps(line.model_dump(mode="json"), ensure_ascii=False)
    for words in ("伊達", "花子", "3331", "除雪車", "本人に電話済み", sent.reference):
        assert words not in written


def test_a_purge_that_finds_nothing_writes_no_line(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "soudan", days=30)
    send(any_store, app_id)
    clock.move(31 * DAY)
    retention = Retention(any_store)
    assert retention.purge().deleted
    written = len(purge_lines(any_store))  # the app's line, and one for its expired sent draft
    assert not retention.purge().deleted  # right after: nothing left
    clock.move(3 * DAY)
    assert not retention.purge().deleted  # an hourly run with nothing due
    assert len(purge_lines(any_store)) == written == 2


def test_the_plan_says_what_goes_next_and_when_the_next_one_expires(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "soudan", days=30)
    send(any_store, app_id)
    clock.move(10 * DAY)
    send(any_store, app_id)
    retention = Retention(any_store)
    [plan] = retention.plan()
    assert (plan.slug, plan.submissions, plan.held, plan.next_expiry) == ("soudan", 0, 0, T0 + 30 * DAY)
    clock.move(25 * DAY)
    [plan] = retention.plan(app_id)
    assert (plan.submissions, plan.next_expiry) == (1, T0 + 40 * DAY)
    assert describe(plan)[-1] == (NEXT, {"date": T0 + 40 * DAY})
    retention.purge()
    [plan] = retention.plan(app_id)
    assert (plan.submissions, plan.next_expiry) == (0, T0 + 40 * DAY)
    assert retention.plan(999) == []


def test_an_app_never_published_has_no_plan(any_store, clock, example_spec):  # noqa: F811
    Apps(any_store).create(AppSpec.model_validate(example_spec), by="suzuki")
    assert Retention(any_store).plan() == []


def bulk(store, app_id: int, n: int, at: dt.datetime) -> None:
    """`n` submissions sent at `at`, inserted at once as a large city's year of them would be."""
    version = Apps(store).versions(app_id)[0]
    rows = [{"app_id": app_id, "version_id": version.id, "reference": f"{i // 10000:04d}-{i % 10000:04d}",
             "answers": RESIDENT, "lang": "ja", "created_at": at + i * MINUTE / 100, "status": "received",
             "search_text": "", "status_failures": 0} for i in range(n)]
    with store.session() as s:
        s.exec(store.insert(Submission).values(rows))
        s.commit()


def test_thousands_of_submissions_are_purged_in_batches_to_the_last_one(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "ookii", days=30)
    bulk(any_store, app_id, 2 * BATCH + 500, T0 - 40 * DAY)
    send(any_store, app_id)  # today's: kept
    assert [p.submissions for p in Retention(any_store).plan(app_id)] == [2 * BATCH + 500]
    [purged] = Retention(any_store).purge().apps
    assert purged.submissions == 2 * BATCH + 500
    assert len(remaining(any_store, app_id)) == 1
    assert purge_lines(any_store)[0].detail["submissions"] == 2 * BATCH + 500


def test_two_purges_at_once_delete_each_row_once_and_count_only_what_each_deleted(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "ookii", days=30)
    bulk(any_store, app_id, 2 * BATCH + 500, T0 - 40 * DAY)
    start = threading.Barrier(2)

    def run(by: str):
        start.wait()
        return Retention(any_store).purge(by=by)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, ["system", "cli"]))
    assert sum(a.submissions for r in results for a in r.apps) == 2 * BATCH + 500
    assert sum(line.detail["submissions"] for line in purge_lines(any_store)) == 2 * BATCH + 500
    assert remaining(any_store, app_id) == []


class StopOnceSomethingIsDeleted(threading.Event):
    """What the server's shutdown does to a purge under way, at the moment its first batch is done."""

    def __init__(self, store, total: int) -> None:
        super().__init__()
        self.store, self.total = store, total

    def is_set(self) -> bool:
        return count(self.store, Submission) < self.total


def test_a_purge_asked_to_stop_ends_between_batches_and_audits_what_it_deleted(any_store, clock):  # noqa: F811
    app_id = publish(any_store, "ookii", days=30)
    bulk(any_store, app_id, 2 * BATCH + 500, T0 - 40 * DAY)
    [purged] = Retention(any_store).purge(stop=StopOnceSomethingIsDeleted(any_store, 2 * BATCH + 500)).apps
    assert purged.submissions == BATCH
    assert len(remaining(any_store, app_id)) == BATCH + 500
    assert [line.detail["submissions"] for line in purge_lines(any_store)] == [BATCH]
