"""The tables. Only generated_apps touches them; the schema itself is made by the Alembic migrations."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, cast, overload

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel, col

from widgets.base import MAX_ID
from widgets.text import LANGS, clean_staff_text


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@overload
def as_utc(moment: dt.datetime) -> dt.datetime: ...
@overload
def as_utc(moment: None) -> None: ...
@overload
def as_utc(moment: dt.datetime | None) -> dt.datetime | None: ...
def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes: every time we store is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def id_col(column: int | None) -> Mapped[int]:
    """A table's `id` in a query, like `sqlmodel.col`: the ids of rows read are set, which the type
    (None until a new row is flushed) cannot say."""
    return cast("Mapped[int]", col(column))


def is_row_id(value: int) -> bool:
    """Ids come from addresses staff can type: one no table can hold names a row that does not exist
    (SQLite cannot even bind an integer past 64 bits; PostgreSQL's integer columns end at MAX_ID)."""
    return 0 < value <= MAX_ID


class StaffText(TypeDecorator[str]):
    """Text staff typed (a label, a name, a note, a message): written and read without control characters
    or lone surrogates (widgets/text.py), whichever module writes it. PostgreSQL refuses NUL, and a lone
    surrogate cannot be sent to a browser; a row an older version wrote is cleaned as it is read.
    Only the Python side changes: the column's type in the database stays what the migrations made."""

    impl = String
    cache_ok = True

    def __init__(self, length: int | None = None, multiline: bool = False) -> None:
        super().__init__(length)
        self.multiline = multiline

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return value if value is None else clean_staff_text(value, multiline=self.multiline)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return value if value is None else clean_staff_text(value, multiline=self.multiline)


class StaffTextByLanguage(TypeDecorator[dict[str, str]]):
    """Staff's text in each language they wrote it in ({"ja": "…", "en": "…"}, Japanese always there),
    kept as JSON in a text column; a plain string an older version stored there is Japanese, so the
    column needs no migration. Cleaned like StaffText on the way in and out; unknown languages are dropped."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Mapping[str, str] | str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(_by_language({"ja": value} if isinstance(value, str) else value), ensure_ascii=False)

    def process_result_value(self, value: str | None, dialect: Any) -> dict[str, str] | None:
        if value is None:
            return None
        stored: Any = value
        if value.startswith("{"):
            try:
                stored = json.loads(value)
            except ValueError:
                pass
        return _by_language(stored if isinstance(stored, dict) else {"ja": value})


def _by_language(texts: Mapping[Any, Any]) -> dict[str, str]:
    cleaned = {lang: clean_staff_text(text) for lang, text in texts.items() if lang in LANGS and isinstance(text, str)}
    return {"ja": cleaned.pop("ja", ""), **cleaned}


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return clean_staff_text(value)
    if isinstance(value, dict):
        return {_clean_json(k): _clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    return value


class CleanJSON(TypeDecorator[Any]):
    """JSON whose texts are cleaned like StaffText: an audit line's detail quotes what staff typed."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return _clean_json(value)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return _clean_json(value)


class App(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=63, unique=True, index=True)
    kind: str = Field(max_length=20)
    draft_spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    revision: int = 1
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    updated_by: str | None = Field(default=None, max_length=100)
    created_by: str | None = Field(default=None, max_length=100)
    retired_at: dt.datetime | None = None  # in the future: a scheduled retirement
    # The retired page's message to residents, by language: kept when a scheduled retirement is called off.
    retire_message: dict[str, str] | None = Field(default=None, sa_type=StaffTextByLanguage)
    # Where the retired page sends residents: an app's id (checked by the store; apps are never deleted).
    successor_id: int | None = None
    # A survey's counts published as open data (open_data.py): under this licence, since then, by whom.
    open_data_licence: str | None = Field(default=None, max_length=100, sa_type=StaffText(100))
    open_data_at: dt.datetime | None = None
    open_data_by: str | None = Field(default=None, max_length=100)


class AppVersion(SQLModel, table=True):
    __tablename__ = "app_version"
    __table_args__ = (UniqueConstraint("app_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    app_id: int = Field(foreign_key="app.id", index=True)
    number: int
    spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    spec_hash: str = Field(max_length=64)
    published_by: str = Field(max_length=100)
    published_at: dt.datetime = Field(default_factory=utcnow)  # when residents first see it (later: scheduled)
    created_at: dt.datetime | None = Field(default_factory=utcnow)  # when the admin published or scheduled it
    rollback_of: int | None = None  # the number of the earlier version this one republishes
    # A scheduled version withdrawn before its time: residents never saw it. Nothing else about a version changes
    # (but for `readings`, filled in once for a version published before they were kept).
    cancelled_at: dt.datetime | None = None
    cancelled_by: str | None = Field(default=None, max_length=100)
    # Furigana, computed when it was published: each Japanese text of the spec -> the same text with every
    # reading written out (widgets/furigana.py), so residents' pages never need the dictionary.
    readings: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class Draft(SQLModel, table=True):
    """A resident's answers in progress, found by the random id in their cookie."""

    id: str = Field(primary_key=True, max_length=64)
    app_id: int = Field(foreign_key="app.id", index=True)
    version_id: int = Field(foreign_key="app_version.id")
    answers: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime = Field(index=True)
    access_point: str | None = Field(default=None, max_length=20)
    submission_id: int | None = Field(default=None, foreign_key="submission.id")


class Submission(SQLModel, table=True):
    # Each list staff page through is one walk down one of these, however many submissions there are.
    __table_args__ = (
        Index("ix_submission_app_created", "app_id", "created_at", "id"),
        Index("ix_submission_app_status", "app_id", "status", "created_at", "id"),
        Index("ix_submission_app_reference", "app_id", "reference"),
    )

    id: int | None = Field(default=None, primary_key=True)
    app_id: int = Field(foreign_key="app.id", index=True)
    version_id: int = Field(foreign_key="app_version.id")
    reference: str = Field(max_length=20, unique=True)
    answers: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    lang: str = Field(default="ja", max_length=12)
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
    # One submission per draft, enforced by the database: a double submit finds the first one.
    draft_id: str | None = Field(default=None, max_length=64, unique=True)
    access_point: str | None = Field(default=None, max_length=20)
    status: str = Field(default="received", max_length=20)  # submissions.STATUSES
    entered_by: str | None = Field(default=None, max_length=100)  # staff who entered it for a resident
    assigned_to: str | None = Field(default=None, max_length=100)  # a member of staff's username
    updated_at: dt.datetime | None = None
    # A consultation's answer, which the resident reads on the app's status page.
    reply: str | None = Field(default=None, sa_column=Column(StaffText(multiline=True)))
    replied_at: dt.datetime | None = None
    replied_by: str | None = Field(default=None, max_length=100)
    status_failures: int = 0  # no longer used: look-up tries are counted in `attempt` (attempts.py); dropped later
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class SubmissionNote(SQLModel, table=True):
    """A note a member of staff wrote on a submission; residents never see it. Purged with it."""

    __tablename__ = "submission_note"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    at: dt.datetime = Field(default_factory=utcnow)
    by: str = Field(max_length=100)
    text: str = Field(sa_column=Column(StaffText(multiline=True), nullable=False))


class AuditEvent(SQLModel, table=True):
    """One line of the audit log. Append-only: database triggers refuse UPDATE and DELETE (migration 0003)."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=50)
    app_id: int | None = Field(default=None, foreign_key="app.id", index=True)
    target: str | None = Field(default=None, max_length=200, sa_type=StaffText(200))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(CleanJSON, nullable=False))


class StaffUser(SQLModel, table=True):
    """A member of staff who signs in to the builder. Never deleted: the audit log keeps the name."""

    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=100, sa_type=StaffText(100))
    password_hash: str = Field(max_length=200)  # Argon2id, made by the builder
    role: str = Field(default="staff", max_length=20)  # staff | admin
    active: bool = True
    must_change_password: bool = False
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_sign_in_at: dt.datetime | None = None


class AccessPoint(SQLModel, table=True):
    """A named place an app is reached from (a counter, a poster, a newsletter): its QR code opens /q/{code}.

    The code never changes and is never reused: it may be printed and laminated for years.
    """

    __tablename__ = "access_point"

    id: int | None = Field(default=None, primary_key=True)
    app_id: int = Field(foreign_key="app.id", index=True)
    code: str = Field(max_length=12, unique=True, index=True)
    label: str = Field(max_length=200, sa_type=StaffText(200))
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=100)


class ScanCount(SQLModel, table=True):
    """How many times an access point's code was opened on one day (Asia/Tokyo): a count, nothing personal."""

    __tablename__ = "scan_count"
    __table_args__ = (UniqueConstraint("access_point_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    access_point_id: int = Field(foreign_key="access_point.id", index=True)
    day: dt.date
    count: int = 0


class EmergencyBanner(SQLModel, table=True):
    """A message an admin puts at the top of every resident page (a Mt Usu eruption), until cleared."""

    __tablename__ = "emergency_banner"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=500, sa_type=StaffText(500))  # Japanese
    text_en: str | None = Field(default=None, max_length=500, sa_type=StaffText(500))
    level: str = Field(max_length=10)  # info | warning | danger
    issued_at: dt.datetime = Field(default_factory=utcnow)
    issued_by: str = Field(max_length=100)
    cleared_at: dt.datetime | None = None
    cleared_by: str | None = Field(default=None, max_length=100)


class Resource(SQLModel, table=True):
    """Something residents book by the slot: 体育館, 会議室A, the pottery kiln."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, sa_type=StaffText(100))  # Japanese
    # {"mon": [{"start": "09:00", "end": "12:00", "capacity": 10}, ...], "tue": [...], ...}
    schedule: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    closed_dates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # ISO dates
    holidays_closed: bool = True  # Japanese public holidays
    days_ahead: int = 60  # bookable from this many days ahead …
    hours_before: int = 24  # … until this many hours before the slot starts
    monthly_limit: int | None = None  # bookings per phone number per month
    active: bool = True


class Slot(SQLModel, table=True):
    """One bookable time of a resource. `booked` only ever changes by a conditional UPDATE."""

    __table_args__ = (UniqueConstraint("resource_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    resource_id: int = Field(foreign_key="resource.id", index=True)
    starts_at: dt.datetime = Field(index=True)
    ends_at: dt.datetime
    capacity: int
    booked: int = 0
    closed: bool = False


class Booking(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="slot.id", index=True)
    reference: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200, sa_type=StaffText(200))
    phone: str = Field(max_length=20, index=True)  # digits only
    status: str = Field(default="booked", max_length=20)  # booked | cancelled
    created_at: dt.datetime = Field(default_factory=utcnow)
    cancelled_at: dt.datetime | None = None
    entered_by: str | None = Field(default=None, max_length=100)  # staff who booked for a resident
    # The resident's form the booking was sent with (its reference number is the submission's).
    submission_id: int | None = Field(default=None, index=True)


class Attempt(SQLModel, table=True):
    """Tries counted against one key (a reference number, a client address, a staff user name), shared
    by every process on the database: attempts.py. The key is a keyed hash, never the text itself."""

    key: str = Field(primary_key=True, max_length=64)
    count: int = 0  # tries let through since the count was last forgotten
    next_at: float = 0.0  # epoch seconds: no further try is let through before this (past `free`)
    forget_at: float = Field(index=True)  # epoch seconds: the count is forgotten, and the row purged
