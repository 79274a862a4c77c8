"""Tries counted in the database, so that a limit holds across processes, replicas and restarts.

A limit counts tries per key (a reference number, a client address, a staff user name): the first
`free` go through one after another; after that each further try must wait (`Limit.waits`), and a
count is forgotten `window` seconds after the last try let through. A key is stored only as a keyed
hash (HMAC with the site's secret), never as the text: a user name box may hold a password.

A try is *taken* before what it guards is checked (a password, the phone's digits), by one
`INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING` per key in one transaction: the database lets a
try through or not, so tries sent in parallel, to one process or to several, never get past the
limit together (SQLite and PostgreSQL alike). A check that succeeds may then `forget` its key or
`give_back` the try. `forget_old` (the hourly retention purge) removes the rows whose count is forgotten.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import case, delete, or_, update
from sqlalchemy.sql.dml import ReturningInsert
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from generated_apps.domain.models import Attempt
from generated_apps.domain.store import Store


@dataclass(frozen=True)
class Limit:
    name: str  # what is counted: part of each key's hash, so two limits never share a count
    free: int  # tries let through one after another
    window: float  # seconds: the count is forgotten this long after the last try let through
    # Past `free`, the wait before the next try, one per try (the last repeats). None: until forgotten.
    waits: tuple[float, ...] | None = None

    def wait_after(self, count: int) -> float:
        """How long after the `count`th try the next one must wait."""
        if count < self.free:
            return 0.0
        if self.waits is None:
            return self.window
        return self.waits[min(count - self.free, len(self.waits) - 1)]


@dataclass(frozen=True)
class Taken:
    """What `take` decided: `refused` names each limit that is full (empty: the try was let through
    and counted), and `wait` is how many seconds until all of them let a try through again."""

    refused: frozenset[str] = frozenset()
    wait: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.refused


class Attempts:
    def __init__(self, store: Store, secret: bytes) -> None:
        self.store, self._secret = store, secret

    def key(self, limit: Limit, value: str) -> str:
        return hmac.new(self._secret, f"{limit.name}\x00{value}".encode(), hashlib.sha256).hexdigest()

    def take(self, tries: Mapping[Limit, str]) -> Taken:
        """Count one try against each (limit, value), all or none: refused if any limit is full."""
        now = self.store.now().timestamp()
        keyed = sorted((self.key(limit, value), limit) for limit, value in tries.items())  # one order: no deadlock
        refused: dict[str, str] = {}
        with self.store.session() as s:
            for key, limit in keyed:
                if s.exec(self._take_one(key, limit, now)).first() is None:
                    refused[key] = limit.name
            if not refused:
                s.commit()
                return Taken()
            s.rollback()
            rows = s.exec(select(col(Attempt.next_at), col(Attempt.forget_at))
                          .where(col(Attempt.key).in_(list(refused)))).all()
        wait = max((min(next_at, forget_at) - now for next_at, forget_at in rows), default=0.0)
        return Taken(frozenset(refused.values()), max(wait, 0.0))

    def _take_one(self, key: str, limit: Limit, now: float) -> ReturningInsert[int]:
        """One statement: insert the key's first try, or count one more if the limit lets it through.
        No row comes back when it does not."""
        forgotten = col(Attempt.forget_at) <= now
        count = case((forgotten, 1), else_=col(Attempt.count) + 1)
        return (self.store.insert(Attempt)
                .values(key=key, count=1, next_at=now + limit.wait_after(1), forget_at=now + limit.window)
                .on_conflict_do_update(
                    index_elements=["key"],
                    set_={"count": count, "next_at": now + _wait_after(limit, count), "forget_at": now + limit.window},
                    where=or_(forgotten, col(Attempt.count) < limit.free, col(Attempt.next_at) <= now))
                .returning(col(Attempt.count)))

    def forget(self, limit: Limit, value: str) -> None:
        """Forget the count of `value` (its owner has just proved who they are)."""
        with self.store.session() as s:
            s.exec(delete(Attempt).where(col(Attempt.key) == self.key(limit, value)))
            s.commit()

    def give_back(self, limit: Limit, value: str) -> None:
        """Uncount one try of `value` (it turned out right)."""
        with self.store.session() as s:
            s.exec(update(Attempt).where(col(Attempt.key) == self.key(limit, value), col(Attempt.count) > 0)
                   .values(count=col(Attempt.count) - 1))
            s.commit()


def _wait_after(limit: Limit, count: ColumnElement[int]) -> ColumnElement[float]:
    """`limit.wait_after(count)` in SQL, for a count the database works out."""
    if limit.waits is None:
        return case((count < limit.free, 0.0), else_=limit.window)
    steps = [(count < limit.free, 0.0)] + [(count == limit.free + n, wait) for n, wait in enumerate(limit.waits[:-1])]
    return case(*steps, else_=limit.waits[-1])


def forget_old(store: Store) -> int:
    """Delete every row whose count is forgotten: how many. The table holds only counts still running."""
    with store.session() as s:
        deleted = s.exec(delete(Attempt).where(col(Attempt.forget_at) <= store.now().timestamp())).rowcount
        s.commit()
    return deleted
