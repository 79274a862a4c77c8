"""The database handle: engine, sessions, clock and migration, and the per-process caches.

Every query of Madoguchi goes through a `Store`; the rules live with their aggregates, each given the
store (`Apps(store)`, `Lifecycle(store)`, `LiveApps(store)`, `AccessPoints(store)`, `Banner(store)`,
`Drafts(store)`, `Submissions(store)`, `Bookings(store)`, `StaffAccounts(store)`, `Audit(store)`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from generated_apps.domain.db import make_engine, migrate
from generated_apps.domain.models import EmergencyBanner, utcnow
from widgets import AppSpec


class Store:
    def __init__(self, engine: Engine, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        # Every "now" of the lifecycle comes from here: tests move it to prove that scheduled times
        # take effect at the first request after them, with no job running.
        self.clock = clock
        # Per-process caches, shared by the aggregates made on this store (they are made per call):
        self.cached_specs: dict[int, AppSpec] = {}  # published versions never change, so caching them is safe
        # The furigana of every version loaded (text -> text with readings): a text reads the same in each.
        self.cached_readings: dict[str, str] = {}
        # slug -> (valid until, live.LiveApp or None)
        self.cached_live: dict[str, tuple[dt.datetime, Any]] = {}
        self.cached_banner: tuple[dt.datetime, EmergencyBanner | None] | None = None  # (valid until, banner)
        self.cache_lock = threading.Lock()

    @classmethod
    def open(cls, url: str, *, migrate_schema: bool = True) -> Store:
        """The store on `url`, its schema brought up to date first unless `migrate_schema` is False (a
        public replica whose database role may read and write rows but not change tables)."""
        engine = make_engine(url)
        if migrate_schema:
            migrate(engine)
        return cls(engine)

    def now(self) -> dt.datetime:
        return self.clock()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def insert(self, table: type[SQLModel]) -> PgInsert | SqliteInsert:
        """INSERT for this database, with its ON CONFLICT clauses (SQLite's or PostgreSQL's)."""
        return (pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert)(table)

    def forget_live(self, slug: str | None = None) -> None:
        """Forget what residents see of the app at `slug` (of every app without one): it changed here."""
        if slug is None:
            self.cached_live.clear()
        else:
            self.cached_live.pop(slug, None)
