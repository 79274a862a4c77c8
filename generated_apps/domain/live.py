"""What residents see of an app: the version live now at an address, its spec and its furigana.

Asked on every resident page, so kept for a moment in the store's per-process cache (`Store.cached_live`):
publishing in this process is seen at once, in another replica within LIVE_CACHE_SECONDS.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.sql.expression import Select

from generated_apps.domain.models import App, AppVersion, as_utc, id_col, utcnow
from generated_apps.domain.specs import spec_readings
from generated_apps.domain.status import AppStatus, VersionRef, app_status, live_and_scheduled
from generated_apps.domain.store import Store
from widgets import AppSpec

# How long a replica may serve an app's live version before looking again. Publishing in this
# process is seen at once; in another replica within this many seconds. Retirement times are
# compared with the clock at each request, so a scheduled retirement is always on time.
LIVE_CACHE_SECONDS = 2.0


@dataclass(frozen=True)
class LiveApp:
    """What the resident side needs of an app: its row's key facts and the version it serves now."""

    app_id: int
    slug: str
    version_id: int | None
    version_number: int | None
    spec: AppSpec | None
    retired_at: dt.datetime | None
    retire_message: dict[str, str] | None  # by language, Japanese always there (LocalizedText's shape)
    successor_slug: str | None = None
    opens_at: dt.datetime | None = None  # no version live yet, one scheduled for then
    published_at: dt.datetime | None = None  # of the version residents see: "posted on" for a notice

    def status(self, now: dt.datetime | None = None) -> AppStatus:
        """The app's status for residents (never LIVE_WITH_CHANGES: they do not see the draft)."""
        return app_status(now or utcnow(), self.retired_at, live=self.version_id is not None,
                          scheduled=self.opens_at is not None)


class LiveApps:
    def __init__(self, store: Store) -> None:
        self.store = store

    def cached(self, slug: str) -> tuple[bool, LiveApp | None]:
        """(found in the cache, the app) without touching the database."""
        entry = self.store.cached_live.get(slug)
        if entry is None or entry[0] <= self.store.now():
            return False, None
        return True, entry[1]

    def get(self, slug: str) -> LiveApp | None:
        """The app at `slug` with the version residents see now (None when there is no such app)."""
        hit, live = self.cached(slug)
        if hit:
            return live
        now = self.store.now()
        live, changes_at = self._load(slug, now)
        cache = self.store.cached_live
        if len(cache) > 10_000:  # slugs come from URLs: never let strangers grow this without bound
            cache.clear()
        valid_until = now + dt.timedelta(seconds=LIVE_CACHE_SECONDS)
        cache[slug] = (min(valid_until, changes_at) if changes_at else valid_until, live)
        return live

    def _load(self, slug: str, now: dt.datetime) -> tuple[LiveApp | None, dt.datetime | None]:
        """The app and the next time what residents see changes by itself (a scheduled publication)."""
        with self.store.engine.connect() as c:
            # sqlmodel's select() is typed for four columns at most: this is the Select it makes for more,
            # with the types of its rows (read from the database, so the ids are set).
            query: Select[int, str, dt.datetime | None, dict[str, str] | None, int | None] = Select(
                col(App.id), col(App.slug), col(App.retired_at), col(App.retire_message), col(App.successor_id))
            row = c.execute(query.where(col(App.slug) == slug)).first()
            if row is None:
                return None, None
            app_id, slug, retired_at, message, successor_id = row
            versions = [VersionRef(v[0], v[1], as_utc(v[2]), "") for v in c.execute(
                select(id_col(AppVersion.id), AppVersion.number, AppVersion.published_at)
                .where(AppVersion.app_id == app_id, col(AppVersion.cancelled_at).is_(None)))]
            successor = c.execute(select(App.slug).where(App.id == successor_id)).scalar() if successor_id else None
        live, scheduled = live_and_scheduled(versions, now)
        spec = self.version_spec(live.id) if live is not None else None
        opens_at = scheduled.published_at if scheduled is not None and live is None else None
        return (LiveApp(app_id, slug, live.id if live else None, live.number if live else None, spec,
                        as_utc(retired_at), message, successor, opens_at, live.published_at if live else None),
                scheduled.published_at if scheduled is not None else None)

    def version_spec(self, version_id: int) -> AppSpec:
        """A published version's spec (they never change, so each is loaded once per process)."""
        spec = self.store.cached_specs.get(version_id)
        if spec is None:
            with self.store.session() as s:
                version = s.get(AppVersion, version_id)
                if version is None:
                    raise LookupError(version_id)
                spec = AppSpec.model_validate(version.spec)
                readings = version.readings
                if readings is None:  # published before furigana were kept: computed once, now
                    readings = spec_readings(spec)
                    s.exec(update(AppVersion)
                           .where(col(AppVersion.id) == version_id, col(AppVersion.readings).is_(None))
                           .values(readings=readings))
                    s.commit()
            with self.store.cache_lock:
                self.store.cached_readings.update(readings)
                self.store.cached_specs[version_id] = spec
        return spec

    def readings(self) -> dict[str, str]:
        """The furigana of every published version loaded so far (each version's spec is loaded with
        them, by version_spec): Japanese text -> the same text with every reading written out."""
        return self.store.cached_readings

    def all(self) -> list[LiveApp]:
        """Every app with a published version, retired ones included, in slug order."""
        with self.store.session() as s:
            slugs = list(s.exec(select(App.slug).order_by(App.slug)))
        apps = [self.get(slug) for slug in slugs]
        return [a for a in apps if a is not None and a.version_id is not None]
