"""An app's status: one vocabulary, derived at each request from its versions and times, never stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col
from sqlmodel.sql.expression import Select

from generated_apps.domain.models import AppVersion, as_utc


class AppStatus(StrEnum):
    DRAFT = "draft"  # never published
    SCHEDULED = "scheduled"  # a version waits for its time; residents see nothing yet
    LIVE = "live"
    LIVE_WITH_CHANGES = "live_with_changes"  # live, and the draft differs from what residents see
    RETIRED = "retired"


@dataclass(frozen=True)
class VersionRef:
    """A version without its spec: enough to derive status."""

    id: int
    number: int
    published_at: dt.datetime
    spec_hash: str


def app_status(now: dt.datetime, retired_at: dt.datetime | None, *, live: bool, scheduled: bool,
               draft_differs: bool = False) -> AppStatus:
    """The status at `now` of an app retired at `retired_at` (None: not), with a version `live` or not,
    one `scheduled` or not. `draft_differs`: only the staff side knows the draft; residents see LIVE."""
    if retired_at is not None and retired_at <= now:
        return AppStatus.RETIRED
    if not live:
        return AppStatus.SCHEDULED if scheduled else AppStatus.DRAFT
    return AppStatus.LIVE_WITH_CHANGES if draft_differs else AppStatus.LIVE


def live_and_scheduled(versions: list[VersionRef], now: dt.datetime) -> tuple[VersionRef | None, VersionRef | None]:
    """The version residents see at `now` (the newest whose time has come) and the one scheduled next."""
    live = max((v for v in versions if v.published_at <= now), key=lambda v: v.number, default=None)
    upcoming = [v for v in versions if v.published_at > now and (live is None or v.number > live.number)]
    return live, min(upcoming, key=lambda v: v.published_at, default=None)


def version_refs(s: Session, app_id: int | None = None) -> dict[int, list[VersionRef]]:
    """The versions not cancelled, by app: without their specs."""
    # sqlmodel's select() is typed for four columns at most: this is the Select it makes for more, with
    # the types of its rows (read from the database, so the ids are set).
    query: Select[int, int, int, dt.datetime, str] = Select(
        col(AppVersion.app_id), col(AppVersion.id), col(AppVersion.number), col(AppVersion.published_at),
        col(AppVersion.spec_hash))
    query = query.where(col(AppVersion.cancelled_at).is_(None))
    if app_id is not None:
        query = query.where(col(AppVersion.app_id) == app_id)
    refs: dict[int, list[VersionRef]] = {}
    for row in s.exec(query):
        refs.setdefault(row[0], []).append(VersionRef(row[1], row[2], as_utc(row[3]), row[4]))
    return refs
