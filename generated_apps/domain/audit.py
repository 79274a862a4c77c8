"""The audit log: one line per change staff (or the system) made, listed, filtered and exported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from generated_apps.domain.models import AuditEvent
from generated_apps.domain.store import Store


@dataclass(frozen=True)
class AuditFilter:
    """Which audit lines to list or export; every field optional."""

    action: str | None = None  # "app.publish", or a prefix ending in "." such as "user."
    actor: str | None = None
    app_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _query(where: AuditFilter) -> SelectOfScalar[AuditEvent]:
    query = select(AuditEvent)
    if where.action:
        query = query.where(col(AuditEvent.action).startswith(where.action) if where.action.endswith(".")
                            else AuditEvent.action == where.action)
    if where.actor:
        query = query.where(AuditEvent.actor == where.actor)
    if where.app_id is not None:
        query = query.where(AuditEvent.app_id == where.app_id)
    if where.since is not None:
        query = query.where(AuditEvent.at >= where.since)
    if where.until is not None:
        query = query.where(AuditEvent.at < where.until)
    return query


class Audit:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, actor: str, action: str, *, target: str | None = None, app_id: int | None = None,
               detail: dict[str, Any] | None = None) -> None:
        with self.store.session() as s:
            s.add(AuditEvent(actor=actor, action=action, target=target, app_id=app_id, detail=detail or {}))
            s.commit()

    def events(self, app_id: int | None = None) -> list[AuditEvent]:
        with self.store.session() as s:
            query = select(AuditEvent).order_by(col(AuditEvent.id))
            if app_id is not None:
                query = query.where(AuditEvent.app_id == app_id)
            return list(s.exec(query))

    def page(self, where: AuditFilter, *, offset: int = 0, limit: int = 50) -> tuple[list[AuditEvent], int]:
        """One page of the audit log, newest first, and how many lines match in all."""
        query = _query(where)
        with self.store.session() as s:
            total = s.exec(select(func.count()).select_from(query.subquery())).one()
            rows = list(s.exec(query.order_by(col(AuditEvent.id).desc()).offset(offset).limit(limit)))
        return rows, total

    def batches(self, where: AuditFilter, size: int = 1000) -> Iterator[list[AuditEvent]]:
        """Every matching line, oldest first, a batch at a time (keyset paging: flat memory for exports)."""
        after = 0
        while True:
            with self.store.session() as s:
                query = _query(where).where(col(AuditEvent.id) > after).order_by(col(AuditEvent.id)).limit(size)
                batch = list(s.exec(query))
            if not batch:
                return
            yield batch
            last = batch[-1].id
            assert last is not None  # a row read from the database has its id
            after = last

    def actions(self) -> list[str]:
        with self.store.session() as s:
            return sorted(s.exec(select(AuditEvent.action).distinct()))
