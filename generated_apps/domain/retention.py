"""Retention: what residents sent is deleted when its app's retention period is over.

Each app keeps submissions for the `lifecycle.retention_days` of the version residents see now (or
saw last, for a retired app): a change of policy applies to everything the app received. An app
whose policy says nothing (apps published before the period was required) keeps everything.

`Retention(store).purge()` deletes, a batch at a time, the expired submissions with all that holds
their personal data or points at them (staff notes, the resident's draft, bookings whose time has
passed), and every resident draft past its expiry. A submission whose booked time is still to come
is kept until that time has passed: staff need the booking at the counter. Slot counters are left
as they are (those times are past). Each app's purge writes one audit line with counts, never content.
It also deletes the counts of tries whose window has passed (attempts.forget_old).
The builder runs it at start and then hourly (builder/server.py), `madoguchi purge` on demand.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Exists, delete, distinct, func, text, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from generated_apps.domain.attempts import forget_old
from generated_apps.domain.audit import Audit
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import App, Booking, Draft, Slot, Submission, SubmissionNote, as_utc, id_col
from generated_apps.domain.status import live_and_scheduled, version_refs
from generated_apps.domain.store import Store
from widgets import N_

# Rows deleted per transaction: a purge of a million rows never holds the database for long.
BATCH = 1000
# Two purges at once (the builder's hourly run and `madoguchi purge`) take turns batch by batch on
# PostgreSQL; on SQLite the write lock does the same. Either way each counts only what it deleted.
PURGE_LOCK = 7438002

_Found = TypeVar("_Found")  # what one batch of a purge found and deleted

# What the builder says about an app's next purge (`describe`).
NO_PERIOD = N_("No retention period is set for this app, so nothing it received is deleted")
KEPT_FOR = N_("Submissions are kept for {days} days")
DUE = N_("{count} submissions are past that period and will be deleted at the next purge (within the hour)")
HELD = N_("{count} submissions past that period are kept until their booked time has passed")
NEXT = N_("The next submission reaches the end of its period on {date}")


@dataclass(frozen=True)
class PurgePlan:
    """What the next purge would do to one app now."""

    app_id: int
    slug: str
    retention_days: int | None  # None: the app's policy sets no period, nothing of it is deleted
    submissions: int  # expired: deleted by the next purge
    held: int  # expired, but kept until a booking made with them has passed
    next_expiry: dt.datetime | None  # when the next submission not yet expired reaches its end
    drafts: int  # the app's resident drafts past their expiry (deleted by the next purge, whatever the period)


@dataclass(frozen=True)
class AppPurged:
    """What one purge deleted of one app: counts only."""

    app_id: int
    slug: str
    retention_days: int
    submissions: int = 0
    notes: int = 0
    bookings: int = 0
    drafts: int = 0  # the submitted drafts of those submissions

    @property
    def rows(self) -> int:
        return self.submissions + self.notes + self.bookings + self.drafts

    def detail(self) -> dict[str, int]:
        return {"submissions": self.submissions, "notes": self.notes, "bookings": self.bookings,
                "drafts": self.drafts, "retention_days": self.retention_days}


@dataclass(frozen=True)
class PurgeResult:
    apps: list[AppPurged]  # only the apps it deleted something of
    drafts: int  # resident drafts past their expiry, of any app

    @property
    def deleted(self) -> bool:
        return self.drafts > 0 or bool(self.apps)


@dataclass(frozen=True)
class _Policy:
    app_id: int
    slug: str
    days: int | None


def describe(plan: PurgePlan) -> list[tuple[str, dict[str, Any]]]:
    """The plan in words for staff, as (msgid, params); `date` is a UTC datetime to show in the city's zone."""
    if plan.retention_days is None:
        return [(NO_PERIOD, {})]
    lines: list[tuple[str, dict[str, Any]]] = [(KEPT_FOR, {"days": plan.retention_days})]
    if plan.submissions:
        lines.append((DUE, {"count": plan.submissions}))
    if plan.held:
        lines.append((HELD, {"count": plan.held}))
    if plan.next_expiry is not None:
        lines.append((NEXT, {"date": plan.next_expiry}))
    return lines


def _booked_ahead(now: dt.datetime) -> Exists:
    """The submission has a booking whose time has not yet ended: it is kept until then.
    Aliased, so that it can sit inside a DELETE of bookings without being taken for that table."""
    booking, slot = aliased(Booking), aliased(Slot)
    return (select(booking.id).join(slot, col(slot.id) == booking.slot_id)
            .where(booking.submission_id == Submission.id, booking.status == "booked", slot.ends_at > now)
            .exists())


class Retention:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _policies(self, now: dt.datetime, app_id: int | None = None) -> list[_Policy]:
        """Each app residents have seen, with the retention period of the version they see now (or saw last)."""
        with self.store.session() as s:
            refs = version_refs(s, app_id)
            slugs = (dict(s.exec(select(id_col(App.id), App.slug).where(col(App.id).in_(list(refs)))).all())
                     if refs else {})
        policies = []
        for found, versions in refs.items():
            live, _scheduled = live_and_scheduled(versions, now)
            if live is not None:  # only scheduled so far: nobody could have sent anything
                days = LiveApps(self.store).version_spec(live.id).lifecycle.retention_days
                policies.append(_Policy(found, slugs[found], days))
        return sorted(policies, key=lambda p: p.slug)

    # --- what the next purge would do -------------------------------------------------------------

    def plan(self, app_id: int | None = None) -> list[PurgePlan]:
        """Per app (of one app, with `app_id`), by slug: what a purge would delete now and when the next
        submission expires. A few index lookups per app, however many submissions there are."""
        now = self.store.now()
        plans = []
        with self.store.session() as s:
            for policy in self._policies(now, app_id):
                drafts = s.exec(select(func.count()).select_from(Draft).where(
                    Draft.app_id == policy.app_id, Draft.expires_at <= now)).one()
                if policy.days is None:
                    plans.append(PurgePlan(policy.app_id, policy.slug, None, 0, 0, None, drafts))
                    continue
                cutoff = now - dt.timedelta(days=policy.days)
                mine = (Submission.app_id == policy.app_id, Submission.created_at <= cutoff)
                expired = s.exec(select(func.count()).select_from(Submission).where(*mine)).one()
                # From the bookings still to come (few), not from the expired submissions (maybe many).
                # A slot lies within one day: the start bound lets the index on starts_at narrow them.
                held = s.exec(select(func.count(distinct(col(Booking.submission_id))))
                              .join(Slot, col(Slot.id) == Booking.slot_id)
                              .join(Submission, col(Submission.id) == Booking.submission_id)
                              .where(Booking.status == "booked", Slot.starts_at > now - dt.timedelta(days=1),
                                     Slot.ends_at > now, *mine)).one()
                oldest = s.exec(select(func.min(Submission.created_at)).where(
                    Submission.app_id == policy.app_id, Submission.created_at > cutoff)).one()
                next_expiry = as_utc(oldest) + dt.timedelta(days=policy.days) if oldest is not None else None
                plans.append(PurgePlan(policy.app_id, policy.slug, policy.days, expired - held, held, next_expiry,
                                       drafts))
        return plans

    # --- the purge --------------------------------------------------------------------------------

    def purge(self, by: str = "system", *, stop: threading.Event | None = None) -> PurgeResult:
        """Delete what has passed its retention period, and resident drafts past their expiry; one audit
        line per app with counts (and one for the drafts), none when nothing was deleted. `stop` set
        (the server shutting down) ends it between batches; what was deleted so far is audited."""
        now = self.store.now()
        forget_old(self.store)  # no audit line: counts of tries, each already forgotten
        drafts = 0
        try:
            for deleted in self._batches(lambda s: self._expired_drafts(s, now), stop):
                drafts += deleted
        finally:
            if drafts:
                Audit(self.store).record(by, "retention.purge", detail={"drafts": drafts})
        purged = []
        for policy in self._policies(now):
            if policy.days is None or (stop is not None and stop.is_set()):
                continue
            done = self._purge_app(policy, now, by, stop)
            if done.rows:
                purged.append(done)
        return PurgeResult(apps=purged, drafts=drafts)

    def _purge_app(self, policy: _Policy, now: dt.datetime, by: str, stop: threading.Event | None) -> AppPurged:
        assert policy.days is not None
        cutoff = now - dt.timedelta(days=policy.days)
        counts = {"submissions": 0, "notes": 0, "bookings": 0, "drafts": 0}
        after: tuple[dt.datetime, int] | None = None  # where the last batch ended: the next starts past it

        def one_batch(s: Session) -> dict[str, int] | None:
            nonlocal after
            found = self._expired_submissions(s, policy.app_id, cutoff, now, after)
            if found is None:
                return None
            batch, after = found
            return batch

        try:
            for batch in self._batches(one_batch, stop):
                for name, n in batch.items():
                    counts[name] += n
        finally:
            done = AppPurged(policy.app_id, policy.slug, policy.days, **counts)
            if done.rows:
                Audit(self.store).record(by, "retention.purge", app_id=policy.app_id, target=policy.slug,
                                 detail=done.detail())
        return done

    def _batches(self, delete_one_batch: Callable[[Session], _Found | None],
                 stop: threading.Event | None) -> Iterator[_Found]:
        """Run `delete_one_batch(session)` in a transaction of its own until it finds nothing more."""
        while stop is None or not stop.is_set():
            with self.store.session() as s:
                if self.store.engine.dialect.name == "postgresql":
                    s.connection().execute(text(f"SELECT pg_advisory_xact_lock({PURGE_LOCK})"))
                result = delete_one_batch(s)
                s.commit()
            if result is None:
                return
            yield result

    @staticmethod
    def _expired_drafts(s: Session, now: dt.datetime) -> int | None:
        ids = list(s.exec(select(Draft.id).where(Draft.expires_at <= now).limit(BATCH)))
        if not ids:
            return None
        return s.exec(delete(Draft).where(col(Draft.id).in_(ids), col(Draft.expires_at) <= now)).rowcount

    @staticmethod
    def _expired_submissions(s: Session, app_id: int, cutoff: dt.datetime, now: dt.datetime,
                             after: tuple[dt.datetime, int] | None,
                             ) -> tuple[dict[str, int], tuple[dt.datetime, int]] | None:
        """One batch of the app's expired submissions, oldest first from `after`, deleted with what points at
        them: the counts, and where the batch ended. None when none is left."""
        ahead = _booked_ahead(now)
        query = select(id_col(Submission.id), Submission.created_at).where(
            Submission.app_id == app_id, Submission.created_at <= cutoff, ~ahead)
        if after is not None:  # a walk along ix_submission_app_created, never over what was deleted before
            query = query.where(tuple_(Submission.created_at, Submission.id) > tuple_(*after))
        rows = s.exec(query.order_by(col(Submission.created_at), col(Submission.id)).limit(BATCH)).all()
        if not rows:
            return None
        ids = [row[0] for row in rows]
        # Every statement asks again whether a booking is still to come (staff may have moved one meanwhile):
        # such a submission, and its bookings, stay.
        doomed = select(Submission.id).where(col(Submission.id).in_(ids), ~ahead)
        counts = {
            "bookings": s.exec(delete(Booking).where(col(Booking.submission_id).in_(doomed))).rowcount,
            "notes": s.exec(delete(SubmissionNote).where(col(SubmissionNote.submission_id).in_(doomed))).rowcount,
            "drafts": s.exec(delete(Draft).where(col(Draft.submission_id).in_(doomed))).rowcount,
            "submissions": s.exec(delete(Submission).where(col(Submission.id).in_(ids), ~ahead)).rowcount,
        }
        return counts, (rows[-1][1], rows[-1][0])
