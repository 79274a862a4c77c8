"""What residents sent, as staff work through it: paging, filters and search; status, replies, notes and
assignment; and the resident's own look at a consultation's reply on the app's status page.

Through the store's engine and clock (`Submissions(store)`), as bookings are. Every change is one
UPDATE and one audit line in the same transaction; the audit line names the reference number, never
what the resident wrote.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Text, cast, exists, func, inspect, literal, text, update
from sqlmodel import Session, col, select

from generated_apps.domain.errors import SubmissionRefused  # moved to errors.SubmissionRefused
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import (
    AccessPoint,
    AppVersion,
    AuditEvent,
    Submission,
    SubmissionNote,
    is_row_id,
)
from generated_apps.domain.refnum import parse_reference
from generated_apps.domain.search_text import fold
from generated_apps.domain.staff_accounts import StaffAccounts
from generated_apps.domain.store import Store
from widgets import N_, AppSpec

# A consultation goes 受付済 → 対応中 → 回答済 → 完了; a form uses the same words for staff's own work.
STATUSES = ("received", "in_progress", "answered", "closed")
STATUS_NAMES = {"received": N_("Received"), "in_progress": N_("In progress"), "answered": N_("Answered"),
                "closed": N_("Completed")}
SORTS = ("created_at", "reference", "status")
NOTE_LIMIT = 5000
REPLY_LIMIT = 10_000


@dataclass(frozen=True)
class SubmissionFilter:
    """What staff narrow the table to. Days are whole days in the city's time zone, both ends included."""

    since: dt.date | None = None
    until: dt.date | None = None
    status: str | None = None
    access_point: str | None = None  # a code; "-" for submissions that came through no access point
    version: int | None = None  # the version's number
    answer_key: str | None = None  # with `answer`: that question's answer equals or contains it
    answer: str | None = None
    answer_match: Literal["equals", "contains"] = "contains"
    search: str | None = None  # the reference number, or words in any answer
    assigned_to: str | None = None  # a username; "-" for nobody
    entered_by_staff: bool | None = None


@dataclass(frozen=True)
class SubmissionPage:
    rows: list[Submission]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class SubmissionDetail:
    submission: Submission
    version_number: int
    spec: AppSpec  # the version the resident used: its labels are what they saw
    access_point_label: str | None
    notes: list[SubmissionNote] = field(default_factory=list)


def phone_last4(spec: AppSpec, answers: dict[str, Any]) -> str | None:
    """The last four digits of the first phone number the resident gave: their second factor."""
    for question in spec.questions():
        if question.is_submitters_phone and isinstance(answers.get(question.key), str):
            digits = re.sub(r"\D", "", answers[question.key])
            if len(digits) >= 4:
                return digits[-4:]
    return None


def _like(words: str) -> str:
    return "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Submissions:
    def __init__(self, store: Store, time_zone: str = "Asia/Tokyo") -> None:
        self.store = store
        self.zone = ZoneInfo(time_zone)

    # --- the table ---------------------------------------------------------------------------------

    def _day_start(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), self.zone).astimezone(dt.UTC)

    def _conditions(self, app_id: int, where: SubmissionFilter, dialect: str) -> list[Any]:
        conditions: list[Any] = [Submission.app_id == app_id]
        if where.since is not None:
            conditions.append(Submission.created_at >= self._day_start(where.since))
        if where.until is not None:
            conditions.append(Submission.created_at < self._day_start(where.until + dt.timedelta(days=1)))
        if where.status:
            conditions.append(Submission.status == where.status)
        if where.access_point == "-":
            conditions.append(col(Submission.access_point).is_(None))
        elif where.access_point:
            conditions.append(Submission.access_point == where.access_point)
        if where.version is not None:
            conditions.append(Submission.version_id == (
                select(AppVersion.id).where(AppVersion.app_id == app_id, AppVersion.number == where.version)
                .scalar_subquery()))
        if where.assigned_to == "-":
            conditions.append(col(Submission.assigned_to).is_(None))
        elif where.assigned_to:
            conditions.append(Submission.assigned_to == where.assigned_to)
        if where.entered_by_staff is not None:
            conditions.append(col(Submission.entered_by).is_not(None) if where.entered_by_staff
                              else col(Submission.entered_by).is_(None))
        if where.search and where.search.strip():
            words = fold(where.search.strip())
            reference = parse_reference(words)
            conditions.append(Submission.reference == reference if reference is not None
                              else col(Submission.search_text).like(_like(words), escape="\\"))
        if where.answer_key and where.answer not in (None, ""):
            conditions.append(self._answer_condition(where, dialect))
        return conditions

    @staticmethod
    def _answer_condition(where: SubmissionFilter, dialect: str) -> Any:
        """Any one value of a question's answer (each choice of a multiple choice, each part of a name)
        equals, or contains, the words: json_each in SQLite, json_array_elements_text in PostgreSQL."""
        assert where.answer is not None  # _conditions asks only when an answer is given
        wanted = where.answer if where.answer_match == "equals" else _like(fold(where.answer))
        if dialect == "sqlite":
            values = func.json_each(Submission.answers, f'$."{where.answer_key}"').table_valued("value")
            value = cast(values.c.value, Text)
            test = value == wanted if where.answer_match == "equals" else func.lower(value).like(wanted, escape="\\")
            return exists(select(literal(1)).select_from(values).where(test))
        test_sql = "e.v = :answer" if where.answer_match == "equals" else "lower(e.v) LIKE :answer ESCAPE '\\'"
        return text(
            "EXISTS (SELECT 1 FROM json_array_elements_text(CASE json_typeof(submission.answers -> :answer_key)"
            " WHEN 'array' THEN submission.answers -> :answer_key"
            " ELSE json_build_array(submission.answers ->> :answer_key) END) AS e(v) WHERE " + test_sql + ")"
        ).bindparams(answer_key=where.answer_key, answer=wanted)

    def page(self, app_id: int, where: SubmissionFilter | None = None, *, sort: str = "created_at",
             descending: bool = True, offset: int = 0, limit: int = 50) -> SubmissionPage:
        """One page of the table, sorted on the server. Each sort walks an index; a page past the middle
        is read from the other end, so the last page of a million is as quick as the first."""
        where = where or SubmissionFilter()
        column = getattr(Submission, sort if sort in SORTS else "created_at")
        limit = max(1, min(limit, 500))
        with self.store.session() as s:
            conditions = self._conditions(app_id, where, s.get_bind().dialect.name)
            total = s.exec(select(func.count()).select_from(Submission).where(*conditions)).one()
            offset = max(0, min(offset, max(total - 1, 0)))
            backwards = offset > total // 2
            if backwards:
                descending = not descending
                offset, limit = max(0, total - offset - limit), min(limit, total - offset)
            order = ((column.desc(), col(Submission.id).desc()) if descending
                     else (column.asc(), col(Submission.id).asc()))
            rows = list(s.exec(select(Submission).where(*conditions).order_by(*order).offset(offset).limit(limit)))
        if backwards:
            rows.reverse()
            offset = total - offset - len(rows)
        return SubmissionPage(rows=rows, total=total, offset=offset, limit=limit)

    def batches(self, app_id: int, where: SubmissionFilter | None = None, size: int = 1000) -> Iterator[list[Any]]:
        """Every matching submission, oldest first, a batch at a time (walking the id): for exports and
        summaries, in flat memory however many there are. Read-only rows with a Submission's attributes
        (`row.answers`, `row.created_at`, …), not ORM objects: building those was half an export's time."""
        where = where or SubmissionFilter()
        after = 0
        columns = list(inspect(Submission).local_table.columns)
        while True:
            with self.store.session() as s:
                conditions = self._conditions(app_id, where, s.get_bind().dialect.name)
                # Rows with the columns as attributes, which the type system cannot name.
                batch: list[Any] = list(s.exec(select(*columns).where(*conditions, col(Submission.id) > after)
                                               .order_by(col(Submission.id)).limit(size)))
            if not batch:
                return
            yield batch
            after = batch[-1].id

    def access_point_labels(self, app_id: int) -> dict[str, str]:
        """The app's access points, code -> label, oldest first: what the filter offers. Without the counts
        `Store.access_points` adds, which read every submission of the app."""
        with self.store.session() as s:
            return dict(s.exec(select(AccessPoint.code, AccessPoint.label).where(AccessPoint.app_id == app_id)
                               .order_by(col(AccessPoint.id))).all())

    def count(self, app_id: int, where: SubmissionFilter | None = None) -> int:
        with self.store.session() as s:
            conditions = self._conditions(app_id, where or SubmissionFilter(), s.get_bind().dialect.name)
            return s.exec(select(func.count()).select_from(Submission).where(*conditions)).one()

    # --- one submission ----------------------------------------------------------------------------

    def get(self, submission_id: int) -> Submission | None:
        if not is_row_id(submission_id):
            return None
        with self.store.session() as s:
            return s.get(Submission, submission_id)

    def of_app(self, app_id: int) -> list[Submission]:
        """Every submission to the app, oldest first."""
        with self.store.session() as s:
            return list(s.exec(select(Submission).where(Submission.app_id == app_id).order_by(col(Submission.id))))

    def detail(self, submission_id: int) -> SubmissionDetail | None:
        with self.store.session() as s:
            submission = s.get(Submission, submission_id)
            if submission is None:
                return None
            version = s.get(AppVersion, submission.version_id)
            assert version is not None and version.id is not None  # versions are never deleted
            label = None
            if submission.access_point:
                point = s.exec(select(AccessPoint).where(AccessPoint.code == submission.access_point)).first()
                label = point.label if point is not None else None
            notes = list(s.exec(select(SubmissionNote).where(SubmissionNote.submission_id == submission_id)
                                .order_by(col(SubmissionNote.at), col(SubmissionNote.id))))
        return SubmissionDetail(submission=submission, version_number=version.number,
                                spec=LiveApps(self.store).version_spec(version.id), access_point_label=label,
                                notes=notes)

    def by_reference(self, app_id: int, reference: str) -> Submission | None:
        digits = parse_reference(reference)
        if digits is None:
            return None
        with self.store.session() as s:
            return s.exec(select(Submission).where(Submission.app_id == app_id,
                                                   Submission.reference == digits)).first()

    def _change(self, s: Session, submission_id: int, by: str, action: str, values: dict[str, Any],
                detail: dict[str, Any] | None = None) -> Submission:
        submission = s.get(Submission, submission_id)
        if submission is None:
            raise SubmissionRefused(N_("This submission no longer exists "
                                       "(it may have been deleted at the end of its retention period)"))
        s.exec(update(Submission).where(col(Submission.id) == submission_id)
               .values(**values, updated_at=self.store.now()))
        s.add(AuditEvent(actor=by, action=action, app_id=submission.app_id, target=submission.reference,
                         detail=detail or {}, at=self.store.now()))
        return submission

    def _commit(self, s: Session, submission: Submission) -> Submission:
        s.commit()
        s.refresh(submission)
        return submission

    def set_status(self, submission_id: int, status: str, by: str) -> Submission:
        if status not in STATUSES:
            raise SubmissionRefused(N_("Choose a status from the list"))
        with self.store.session() as s:
            current = s.get(Submission, submission_id)
            if status == "answered" and current is not None and not current.reply:
                raise SubmissionRefused(N_("Write a reply first: the resident reads it when the status is Answered"))
            before = current.status if current is not None else None
            changed = self._change(s, submission_id, by, "submission.status", {"status": status},
                                   {"from": before, "to": status})
            return self._commit(s, changed)

    def write_reply(self, submission_id: int, reply: str, by: str) -> Submission:
        """The answer a resident reads on the status page. It marks the consultation answered (a closed one
        stays closed); writing it again replaces it, and the audit log keeps that it changed."""
        reply = reply.strip()
        if not reply:
            raise SubmissionRefused(N_("Write the reply before saving it"))
        if len(reply) > REPLY_LIMIT:
            raise SubmissionRefused(N_("The reply must be {max} characters or fewer"), max=REPLY_LIMIT)
        with self.store.session() as s:
            current = s.get(Submission, submission_id)
            status = "closed" if current is not None and current.status == "closed" else "answered"
            changed = self._change(s, submission_id, by, "submission.reply",
                                   {"reply": reply, "replied_at": self.store.now(), "replied_by": by, "status": status},
                                   {"characters": len(reply), "replaced": bool(current and current.reply)})
            return self._commit(s, changed)

    def assign(self, submission_id: int, username: str | None, by: str) -> Submission:
        with self.store.session() as s:
            if username is not None and StaffAccounts(self.store).by_username(username) is None:
                raise SubmissionRefused(N_("There is no member of staff called {name}"), name=username)
            changed = self._change(s, submission_id, by, "submission.assign", {"assigned_to": username},
                                   {"to": username})
            return self._commit(s, changed)

    def add_note(self, submission_id: int, note: str, by: str) -> SubmissionNote:
        note = note.strip()
        if not note:
            raise SubmissionRefused(N_("Write the note before adding it"))
        if len(note) > NOTE_LIMIT:
            raise SubmissionRefused(N_("A note must be {max} characters or fewer"), max=NOTE_LIMIT)
        with self.store.session() as s:
            self._change(s, submission_id, by, "submission.note", {}, {"characters": len(note)})
            added = SubmissionNote(submission_id=submission_id, at=self.store.now(), by=by, text=note)
            s.add(added)
            s.commit()
            s.refresh(added)
            return added
