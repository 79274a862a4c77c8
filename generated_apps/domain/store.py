"""The database handle: engine, sessions, clock and migration, and the per-process caches.

Every query of Madoguchi goes through a `Store`; the rules live with their aggregates, each given the
store (`Apps(store)`, `Lifecycle(store)`, `LiveApps(store)`, `AccessPoints(store)`, `Banner(store)`,
`Drafts(store)`, `Submissions(store)`, `Bookings(store)`, `StaffAccounts(store)`, `Audit(store)`).

Until the callers move, the methods below the handle's own are one-line delegations to their new
homes, and the old names importable from here are read from theirs; each is marked "moved to".
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from generated_apps.domain.db import make_engine, migrate
from generated_apps.domain.errors import (  # noqa: F401 - moved to errors.*
    DraftChanged,
    EditConflict,
    LifecycleRefused,
    PublishRefused,
    Refused,
    SlugTaken,
    UserChangeRefused,
)
from generated_apps.domain.models import (  # noqa: F401 - as_utc, is_row_id: moved to models.*
    EmergencyBanner,
    as_utc,
    is_row_id,
    utcnow,
)
from generated_apps.domain.specs import (  # noqa: F401 - moved to specs.*
    DAMAGED_DRAFT,
    readable_spec,
    retire_message_texts,
    shown_title,
    spec_hash,
    spec_readings,
)
from generated_apps.domain.status import (  # noqa: F401 - moved to status.*
    AppStatus,
    VersionRef,
    live_and_scheduled,
    version_refs,
)
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
        self.cached_live: dict[str, tuple[dt.datetime, Any]] = {}  # slug -> (valid until, live.LiveApp or None)
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

    def insert(self, table: type) -> Any:
        """INSERT for this database, with its ON CONFLICT clauses (SQLite's or PostgreSQL's)."""
        return (pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert)(table)

    def forget_live(self, slug: str | None = None) -> None:
        """Forget what residents see of the app at `slug` (of every app without one): it changed here."""
        if slug is None:
            self.cached_live.clear()
        else:
            self.cached_live.pop(slug, None)

    # === Delegations kept for the callers until they move (wave B deletes them) ====================

    # --- apps.py: Apps ------------------------------------------------------------------------

    def save_app(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.save_app
        return _moved("apps").Apps(self).save_app(*args, **kwargs)

    def create_app(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.create
        return _moved("apps").Apps(self).create(*args, **kwargs)

    def save_draft(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.save_draft
        return _moved("apps").Apps(self).save_draft(*args, **kwargs)

    def restore_draft(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.restore_draft
        return _moved("apps").Apps(self).restore_draft(*args, **kwargs)

    def facility_ids(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.facility_ids
        return _moved("apps").Apps(self).facility_ids(*args, **kwargs)

    def app_by_id(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.by_id
        return _moved("apps").Apps(self).by_id(*args, **kwargs)

    def slug_free(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.slug_free
        return _moved("apps").Apps(self).slug_free(*args, **kwargs)

    def free_slug(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.free_slug
        return _moved("apps").Apps(self).free_slug(*args, **kwargs)

    def app_summaries(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.summaries
        return _moved("apps").Apps(self).summaries(*args, **kwargs)

    def app_state(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.state
        return _moved("apps").Apps(self).state(*args, **kwargs)

    def versions(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.versions
        return _moved("apps").Apps(self).versions(*args, **kwargs)

    def app(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.by_slug
        return _moved("apps").Apps(self).by_slug(*args, **kwargs)

    def apps(self, *args: Any, **kwargs: Any) -> Any:  # moved to apps.Apps.all
        return _moved("apps").Apps(self).all(*args, **kwargs)

    # --- lifecycle.py: Lifecycle --------------------------------------------------------------

    def publish(self, *args: Any, **kwargs: Any) -> Any:  # moved to lifecycle.Lifecycle.publish
        return _moved("lifecycle").Lifecycle(self).publish(*args, **kwargs)

    def cancel_scheduled(self, *args: Any, **kwargs: Any) -> Any:  # moved to lifecycle.Lifecycle.cancel_scheduled
        return _moved("lifecycle").Lifecycle(self).cancel_scheduled(*args, **kwargs)

    def retire(self, *args: Any, **kwargs: Any) -> Any:  # moved to lifecycle.Lifecycle.retire
        return _moved("lifecycle").Lifecycle(self).retire(*args, **kwargs)

    def cancel_retirement(self, *args: Any, **kwargs: Any) -> Any:  # moved to lifecycle.Lifecycle.cancel_retirement
        return _moved("lifecycle").Lifecycle(self).cancel_retirement(*args, **kwargs)

    def rollback(self, *args: Any, **kwargs: Any) -> Any:  # moved to lifecycle.Lifecycle.rollback
        return _moved("lifecycle").Lifecycle(self).rollback(*args, **kwargs)

    # --- live.py: LiveApps --------------------------------------------------------------------

    def cached_live_app(self, *args: Any, **kwargs: Any) -> Any:  # moved to live.LiveApps.cached
        return _moved("live").LiveApps(self).cached(*args, **kwargs)

    def live_app(self, *args: Any, **kwargs: Any) -> Any:  # moved to live.LiveApps.get
        return _moved("live").LiveApps(self).get(*args, **kwargs)

    def version_spec(self, *args: Any, **kwargs: Any) -> Any:  # moved to live.LiveApps.version_spec
        return _moved("live").LiveApps(self).version_spec(*args, **kwargs)

    def readings(self, *args: Any, **kwargs: Any) -> Any:  # moved to live.LiveApps.readings
        return _moved("live").LiveApps(self).readings(*args, **kwargs)

    def live_apps(self, *args: Any, **kwargs: Any) -> Any:  # moved to live.LiveApps.all
        return _moved("live").LiveApps(self).all(*args, **kwargs)

    # --- access_points.py: AccessPoints -------------------------------------------------------

    def create_access_point(self, *args: Any, **kwargs: Any) -> Any:  # moved to access_points.AccessPoints.create
        return _moved("access_points").AccessPoints(self).create(*args, **kwargs)

    def change_access_point(self, *args: Any, **kwargs: Any) -> Any:  # moved to access_points.AccessPoints.change
        return _moved("access_points").AccessPoints(self).change(*args, **kwargs)

    def access_points(self, *args: Any, **kwargs: Any) -> Any:  # moved to access_points.AccessPoints.of_app
        return _moved("access_points").AccessPoints(self).of_app(*args, **kwargs)

    def scans_per_day(self, *args: Any, **kwargs: Any) -> Any:  # moved to access_points.AccessPoints.scans_per_day
        return _moved("access_points").AccessPoints(self).scans_per_day(*args, **kwargs)

    def scan(self, *args: Any, **kwargs: Any) -> Any:  # moved to access_points.AccessPoints.scan
        return _moved("access_points").AccessPoints(self).scan(*args, **kwargs)

    def access_point(self, *args: Any, **kwargs: Any) -> Any:  # moved to access_points.AccessPoints.by_code
        return _moved("access_points").AccessPoints(self).by_code(*args, **kwargs)

    # --- banner.py: Banner --------------------------------------------------------------------

    def banner(self, *args: Any, **kwargs: Any) -> Any:  # moved to banner.Banner.current
        return _moved("banner").Banner(self).current(*args, **kwargs)

    def set_banner(self, *args: Any, **kwargs: Any) -> Any:  # moved to banner.Banner.set
        return _moved("banner").Banner(self).set(*args, **kwargs)

    def clear_banner(self, *args: Any, **kwargs: Any) -> Any:  # moved to banner.Banner.clear
        return _moved("banner").Banner(self).clear(*args, **kwargs)

    # --- drafts.py: Drafts --------------------------------------------------------------------

    def draft(self, *args: Any, **kwargs: Any) -> Any:  # moved to drafts.Drafts.get
        return _moved("drafts").Drafts(self).get(*args, **kwargs)

    def create_draft(self, *args: Any, **kwargs: Any) -> Any:  # moved to drafts.Drafts.create
        return _moved("drafts").Drafts(self).create(*args, **kwargs)

    def save_answers(self, *args: Any, **kwargs: Any) -> Any:  # moved to drafts.Drafts.save_answers
        return _moved("drafts").Drafts(self).save_answers(*args, **kwargs)

    def submit(self, *args: Any, **kwargs: Any) -> Any:  # moved to drafts.Drafts.submit
        return _moved("drafts").Drafts(self).submit(*args, **kwargs)

    # --- submissions.py: Submissions ----------------------------------------------------------

    def submission(self, *args: Any, **kwargs: Any) -> Any:  # moved to submissions.Submissions.get
        return _moved("submissions").Submissions(self).get(*args, **kwargs)

    def submissions(self, *args: Any, **kwargs: Any) -> Any:  # moved to submissions.Submissions.of_app
        return _moved("submissions").Submissions(self).of_app(*args, **kwargs)

    # --- staff_accounts.py: StaffAccounts -----------------------------------------------------

    def create_staff_user(self, *args: Any, **kwargs: Any) -> Any:  # moved to staff_accounts.StaffAccounts.create
        return _moved("staff_accounts").StaffAccounts(self).create(*args, **kwargs)

    def staff_user(self, *args: Any, **kwargs: Any) -> Any:  # moved to staff_accounts.StaffAccounts.by_username
        return _moved("staff_accounts").StaffAccounts(self).by_username(*args, **kwargs)

    def staff_user_by_id(self, *args: Any, **kwargs: Any) -> Any:  # moved to staff_accounts.StaffAccounts.by_id
        return _moved("staff_accounts").StaffAccounts(self).by_id(*args, **kwargs)

    def staff_count(self, *args: Any, **kwargs: Any) -> Any:  # moved to staff_accounts.StaffAccounts.count
        return _moved("staff_accounts").StaffAccounts(self).count(*args, **kwargs)

    def record_sign_in(self, *args: Any, **kwargs: Any) -> Any:  # moved to staff_accounts.StaffAccounts.record_sign_in
        return _moved("staff_accounts").StaffAccounts(self).record_sign_in(*args, **kwargs)

    def staff_users(self, *args: Any, **kwargs: Any) -> Any:  # moved to staff_accounts.StaffAccounts.all
        return _moved("staff_accounts").StaffAccounts(self).all(*args, **kwargs)

    def change_staff_user(self, *args: Any, **kwargs: Any) -> Any:  # moved to staff_accounts.StaffAccounts.change
        return _moved("staff_accounts").StaffAccounts(self).change(*args, **kwargs)

    def set_password(self, *args: Any, **kwargs: Any) -> Any:  # moved to staff_accounts.StaffAccounts.set_password
        return _moved("staff_accounts").StaffAccounts(self).set_password(*args, **kwargs)

    # --- audit.py: Audit ----------------------------------------------------------------------

    def audit(self, *args: Any, **kwargs: Any) -> Any:  # moved to audit.Audit.record
        return _moved("audit").Audit(self).record(*args, **kwargs)

    def audit_events(self, *args: Any, **kwargs: Any) -> Any:  # moved to audit.Audit.events
        return _moved("audit").Audit(self).events(*args, **kwargs)

    def audit_page(self, *args: Any, **kwargs: Any) -> Any:  # moved to audit.Audit.page
        return _moved("audit").Audit(self).page(*args, **kwargs)

    def audit_batches(self, *args: Any, **kwargs: Any) -> Any:  # moved to audit.Audit.batches
        return _moved("audit").Audit(self).batches(*args, **kwargs)

    def audit_actions(self, *args: Any, **kwargs: Any) -> Any:  # moved to audit.Audit.actions
        return _moved("audit").Audit(self).actions(*args, **kwargs)

    def _version_refs(self, s: Any, app_id: int | None = None) -> Any:  # moved to status.version_refs
        return version_refs(s, app_id)


def _moved(module: str) -> Any:
    """A module of the domain, imported when first asked: the aggregates import this one."""
    return importlib.import_module(f"generated_apps.domain.{module}")


# Old names still imported from here, read from their new homes when first asked (no import circle).
_MOVED_NAMES = {
    "AppState": "apps",  # moved to apps.AppState
    "AppSummary": "apps",  # moved to apps.AppSummary
    "EDIT_BURST": "apps",  # moved to apps.EDIT_BURST
    "LiveApp": "live",  # moved to live.LiveApp
    "LIVE_CACHE_SECONDS": "live",  # moved to live.LIVE_CACHE_SECONDS
    "ACCESS_ALPHABET": "access_points",  # moved to access_points.ACCESS_ALPHABET
    "ACCESS_CODE": "access_points",  # moved to access_points.ACCESS_CODE
    "ACCESS_CODE_LENGTH": "access_points",  # moved to access_points.ACCESS_CODE_LENGTH
    "ACCESS_POINT_LABEL_MAX": "access_points",  # moved to access_points.ACCESS_POINT_LABEL_MAX
    "AccessPointSummary": "access_points",  # moved to access_points.AccessPointSummary
    "new_access_code": "access_points",  # moved to access_points.new_access_code
    "BANNER_LEVELS": "banner",  # moved to banner.BANNER_LEVELS
    "BANNER_MAX": "banner",  # moved to banner.BANNER_MAX
    "DRAFT_ID": "drafts",  # moved to drafts.DRAFT_ID
    "DRAFT_LIFETIME": "drafts",  # moved to drafts.DRAFT_LIFETIME
    "ROLES": "staff_accounts",  # moved to staff_accounts.ROLES
    "AuditFilter": "audit",  # moved to audit.AuditFilter
}


def __getattr__(name: str) -> Any:
    if name in _MOVED_NAMES:
        return getattr(_moved(_MOVED_NAMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
