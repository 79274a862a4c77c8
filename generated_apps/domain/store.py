"""All database access of Madoguchi goes through `Store`: views and commands never build queries."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from generated_apps.domain.db import make_engine, migrate
from generated_apps.domain.models import (
    AccessPoint,
    App,
    AppVersion,
    AuditEvent,
    Draft,
    EmergencyBanner,
    Resource,
    ScanCount,
    StaffUser,
    Submission,
    utcnow,
)
from generated_apps.domain.refnum import new_reference
from generated_apps.domain.search_text import search_text
from widgets import N_, AppSpec, LocalizedText, furigana, lint
from widgets.base import MAX_ID
from widgets.text import clean_staff_text, japanese_texts

# A resident's draft lives long after they stop typing (ACCESSIBILITY.md item 15 asks for 20 hours).
DRAFT_LIFETIME = dt.timedelta(days=7)
# How long a replica may serve an app's live version before looking again. Publishing in this
# process is seen at once; in another replica within this many seconds. Retirement times are
# compared with the clock at each request, so a scheduled retirement is always on time.
LIVE_CACHE_SECONDS = 2.0
EDIT_BURST = dt.timedelta(minutes=10)  # saves of one draft by one person this close are one audit line
DRAFT_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class PublishRefused(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class EditConflict(Exception):
    """Someone else saved the app since this editor loaded it (optimistic revision check)."""

    def __init__(self, revision: int, updated_by: str | None, updated_at: dt.datetime) -> None:
        super().__init__(f"the app is at revision {revision}")
        self.revision, self.updated_by, self.updated_at = revision, updated_by, updated_at


class SlugTaken(Exception):
    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


# An app's status, derived at each request from its versions and times, never stored.
STATUSES = ("draft", "scheduled", "live", "live_with_changes", "retired")


class Refused(Exception):
    """A command that cannot be carried out as asked: `msgid` (with `params`) says why, for staff."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid.format(**params))
        self.msgid, self.params = msgid, params


class LifecycleRefused(Refused):
    """Publishing, scheduling, retiring or rolling back refused."""


class UserChangeRefused(Refused):
    """A change to a staff account refused (the last admin, a name taken)."""


ROLES = ("staff", "admin")


@dataclass(frozen=True)
class AuditFilter:
    """Which audit lines to list or export; every field optional."""

    action: str | None = None  # "app.publish", or a prefix ending in "." such as "user."
    actor: str | None = None
    app_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


class DraftChanged(Exception):
    """The draft changed after the admin reviewed it for publishing: review it again."""


@dataclass(frozen=True)
class VersionRef:
    """A version without its spec: enough to derive status."""

    id: int
    number: int
    published_at: dt.datetime
    spec_hash: str


def live_and_scheduled(versions: list[VersionRef], now: dt.datetime) -> tuple[VersionRef | None, VersionRef | None]:
    """The version residents see at `now` (the newest whose time has come) and the one scheduled next."""
    live = max((v for v in versions if v.published_at <= now), key=lambda v: v.number, default=None)
    upcoming = [v for v in versions if v.published_at > now and (live is None or v.number > live.number)]
    return live, min(upcoming, key=lambda v: v.published_at, default=None)


def derive_status(retired_at: dt.datetime | None, live: VersionRef | None, scheduled: VersionRef | None,
                  draft_hash: str | None, now: dt.datetime) -> str:
    """`draft_hash` None: the draft cannot be read, so it differs from whatever is live."""
    if retired_at is not None and retired_at <= now:
        return "retired"
    if live is None:
        return "scheduled" if scheduled is not None else "draft"
    return "live" if draft_hash == live.spec_hash else "live_with_changes"


@dataclass(frozen=True)
class AppState:
    """Where one app stands in its lifecycle at `now`: what the builder's header and publishing page show."""

    app: App
    status: str
    live: VersionRef | None
    scheduled: VersionRef | None
    retire_at: dt.datetime | None  # set, and in the future: a scheduled retirement
    open_drafts: int  # residents' answers in progress, not sent, not expired
    now: dt.datetime
    damaged: bool = False  # the draft cannot be read (store.readable_spec): restore_draft mends it


# Access point codes: no 0/O, 1/I/L to mistake for each other when typed from a poster.
ACCESS_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ACCESS_CODE_LENGTH = 6  # 31**6, about 890 million codes
ACCESS_CODE = re.compile(f"[{ACCESS_ALPHABET}]{{{ACCESS_CODE_LENGTH}}}")
ACCESS_POINT_LABEL_MAX = 100
BANNER_LEVELS = ("info", "warning", "danger")
BANNER_MAX = 300


def is_row_id(value: int) -> bool:
    """Ids come from addresses staff can type: one no table can hold names a row that does not exist
    (SQLite cannot even bind an integer past 64 bits; PostgreSQL's integer columns end at MAX_ID)."""
    return 0 < value <= MAX_ID


def new_access_code() -> str:
    return "".join(secrets.choice(ACCESS_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


@dataclass(frozen=True)
class AccessPointSummary:
    point: AccessPoint
    scans: int
    submissions: int


@dataclass(frozen=True)
class AppSummary:
    """One row of the builder's dashboard."""

    id: int
    slug: str
    kind: str
    spec: dict[str, Any]
    status: str
    revision: int
    updated_at: dt.datetime
    updated_by: str | None
    submissions: int
    live_version: int | None
    # The draft cannot be read (written by an older version, or changed by hand in the database): `spec`
    # then holds only a title to show, and the editor offers to restore the draft (Store.restore_draft).
    damaged: bool = False


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

    def status(self, now: dt.datetime | None = None) -> str:
        now = now or utcnow()
        if self.retired_at is not None and self.retired_at <= now:
            return "retired"
        return "live" if self.version_id is not None else "draft"


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes: every time we store is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


DAMAGED_DRAFT = N_("The draft of this app cannot be read. Open it in the editor to restore it")


def readable_spec(data: Any) -> AppSpec | None:
    """The app in stored JSON, or None when it no longer validates (a draft from an older version, a
    row changed by hand): such a draft is shown as damaged, never allowed to break a page."""
    try:
        return AppSpec.model_validate(data)
    except (ValidationError, ValueError, TypeError, RecursionError):
        return None


def _draft_hash(app: App) -> str | None:
    spec = readable_spec(app.draft_spec)
    return spec_hash(spec) if spec is not None else None


def shown_title(app: App) -> str:
    """The Japanese title of an app's draft, read from its JSON even when the draft as a whole cannot be."""
    title = app.draft_spec.get("title") if isinstance(app.draft_spec, dict) else None
    if isinstance(title, dict):
        title = title.get("ja")
    return clean_staff_text(title, multiline=False) if isinstance(title, str) else ""


def _shown_spec(app: App) -> dict[str, Any]:
    """What the dashboard and other pages may read of a damaged draft: its address and title."""
    return {"slug": app.slug, "title": {"ja": shown_title(app)}}


def retire_message_texts(message: LocalizedText | Mapping[str, str] | str | None) -> dict[str, str] | None:
    """A retirement message as it is kept: its texts by language, cleaned and trimmed, Japanese always
    there (a plain string is Japanese); None when nothing is written. ValueError for an unknown language."""
    if isinstance(message, Mapping):
        message = {"ja": "", **message}
    texts = LocalizedText.model_validate(message).root if message is not None else {}
    return dict(texts) if any(texts.values()) else None


def spec_readings(spec: AppSpec) -> dict[str, str]:
    """The furigana of every Japanese text of `spec`, from the dictionary (widgets/furigana.py)."""
    return furigana.readings(japanese_texts(spec))


def spec_hash(spec: AppSpec) -> str:
    canonical = json.dumps(spec.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # A validated spec holds no lone surrogate (widgets/text.py); were one to slip in, it is hashed
    # rather than raised. Every other text encodes exactly as before, so stored hashes still match.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


class Store:
    def __init__(self, engine: Engine, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        # Every "now" of the lifecycle comes from here: tests move it to prove that scheduled times
        # take effect at the first request after them, with no job running.
        self.clock = clock
        self._specs: dict[int, AppSpec] = {}  # published versions never change, so caching them is safe
        # The furigana of every version loaded (text -> text with readings): a text reads the same in each.
        self._readings: dict[str, str] = {}
        self._live: dict[str, tuple[dt.datetime, LiveApp | None]] = {}  # slug -> (valid until, app)
        self._banner: tuple[dt.datetime, EmergencyBanner | None] | None = None  # (valid until, banner)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        return self.clock()

    def insert(self, table: type) -> Any:
        """INSERT for this database, with its ON CONFLICT clauses (SQLite's or PostgreSQL's)."""
        return (pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert)(table)

    @classmethod
    def open(cls, url: str, *, migrate_schema: bool = True) -> Store:
        """The store on `url`, its schema brought up to date first unless `migrate_schema` is False (a
        public replica whose database role may read and write rows but not change tables)."""
        engine = make_engine(url)
        if migrate_schema:
            migrate(engine)
        return cls(engine)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # --- apps -------------------------------------------------------------------------------

    def save_app(self, spec: AppSpec, by: str) -> App:
        """Create an app from a spec, or replace the draft of the app with that slug."""
        with self.session() as s:
            app = s.exec(select(App).where(App.slug == spec.slug)).first()
            data = spec.model_dump(mode="json", exclude_none=True)
            if app is None:
                app = App(slug=spec.slug, kind=spec.kind, draft_spec=data, updated_by=by)
                action = "app.create"
            else:
                app.draft_spec, app.kind, app.updated_by = data, spec.kind, by
                app.revision += 1
                app.updated_at = self.now()
                action = "app.update"
            s.add(app)
            s.flush()
            s.add(AuditEvent(actor=by, action=action, app_id=app.id, target=app.slug))
            s.commit()
            self._live.pop(app.slug, None)
            return app

    def create_app(self, spec: AppSpec, by: str) -> App:
        """A new app whose draft is `spec`; SlugTaken when another app has that address."""
        with self.session() as s:
            app = App(slug=spec.slug, kind=spec.kind, draft_spec=spec.model_dump(mode="json", exclude_none=True),
                      updated_by=by, created_by=by)
            s.add(app)
            try:
                s.flush()
            except IntegrityError:
                raise SlugTaken(spec.slug) from None
            s.add(AuditEvent(actor=by, action="app.create", app_id=app.id, target=app.slug))
            s.commit()
            return app

    def save_draft(self, app_id: int, spec: AppSpec, *, revision: int, by: str) -> App:
        """Replace the draft if nobody saved since `revision` (one conditional UPDATE): the saved app.

        EditConflict when someone else saved first; SlugTaken when the new address belongs to another app.
        """
        data = spec.model_dump(mode="json", exclude_none=True)
        with self.session() as s:
            published = s.exec(select(AppVersion.id).where(AppVersion.app_id == app_id).limit(1)).first()
            # A published app keeps its address (residents and printed links use it) until the next publish.
            moves = {} if published is not None else {"slug": spec.slug}
            try:
                result = s.exec(
                    update(App)
                    .where(App.id == app_id, App.revision == revision)
                    .values(draft_spec=data, kind=spec.kind, revision=revision + 1, updated_at=self.now(),
                            updated_by=by, **moves)
                )
                s.flush()
            except IntegrityError:
                raise SlugTaken(spec.slug) from None
            if result.rowcount != 1:
                s.rollback()
                app = s.get(App, app_id)
                if app is None:
                    raise LookupError(app_id)
                raise EditConflict(app.revision, app.updated_by, app.updated_at)
            app = s.get(App, app_id)
            # A draft is saved at every keystroke: one audit line per person and burst of editing.
            last = s.exec(select(AuditEvent).where(AuditEvent.app_id == app_id)
                          .order_by(AuditEvent.id.desc()).limit(1)).first()
            if last is None or (last.action, last.actor) != ("app.edit", by) or self.now() - last.at > EDIT_BURST:
                s.add(AuditEvent(actor=by, action="app.edit", app_id=app_id, target=spec.slug,
                                 detail={"revision": revision + 1}))
            s.commit()
            s.refresh(app)
        self._live.clear()  # the slug may have changed: forget every cached lookup
        return app

    def restore_draft(self, app_id: int, by: str, *, blank: AppSpec) -> App:
        """Mend a draft that cannot be read: it becomes the newest published (or scheduled) version that
        can, or `blank` when there is none, at the app's address. The damaged JSON goes into the audit
        line, so nothing stored is lost. Refused when the draft can be read (someone mended it already)."""
        with self.session() as s:
            app = s.get(App, app_id)
            if app is None:
                raise LookupError(app_id)
            if readable_spec(app.draft_spec) is not None:
                raise Refused("The draft can be read again: there is nothing to restore")
            versions = s.exec(select(AppVersion).where(AppVersion.app_id == app_id, AppVersion.cancelled_at.is_(None))
                              .order_by(AppVersion.number.desc()))
            found = next(((v.number, spec) for v in versions if (spec := readable_spec(v.spec)) is not None),
                         (None, blank))
            number, spec = found[0], found[1].model_copy(update={"slug": app.slug})
            damaged = app.draft_spec
            app.draft_spec, app.kind = spec.model_dump(mode="json", exclude_none=True), spec.kind
            app.revision, app.updated_at, app.updated_by = app.revision + 1, self.now(), by
            s.add(app)
            s.add(AuditEvent(actor=by, action="app.restore_draft", app_id=app_id, target=app.slug,
                             detail={"from_version": number, "damaged_draft": damaged}))
            s.commit()
            s.refresh(app)
        self._live.pop(app.slug, None)
        return app

    def facility_ids(self) -> set[int]:
        """The numbers of the facilities taking bookings: what an app's slot pickers may name."""
        with self.session() as s:
            return set(s.exec(select(Resource.id).where(Resource.active.is_(True))))

    def app_by_id(self, app_id: int) -> App | None:
        if not is_row_id(app_id):
            return None
        with self.session() as s:
            return s.get(App, app_id)

    def slug_free(self, slug: str, except_app: int | None = None) -> bool:
        with self.session() as s:
            found = s.exec(select(App.id).where(App.slug == slug)).first()
        return found is None or found == except_app

    def free_slug(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`, … whichever no app has yet."""
        with self.session() as s:
            taken = set(s.exec(select(App.slug).where(App.slug.startswith(base))))
        if base not in taken:
            return base
        n = 2
        while f"{base[:55]}-{n}" in taken:
            n += 1
        return f"{base[:55]}-{n}"

    def app_summaries(self) -> list[AppSummary]:
        """Every app with its derived status and submissions count, most recently changed first."""
        now = self.now()
        with self.session() as s:
            apps = list(s.exec(select(App).order_by(App.updated_at.desc(), App.id.desc())))
            counts = dict(s.exec(select(Submission.app_id, func.count()).group_by(Submission.app_id)).all())
            versions = self._version_refs(s)
        summaries = []
        for a in apps:
            live, scheduled = live_and_scheduled(versions.get(a.id, []), now)
            draft_hash = _draft_hash(a)
            status = derive_status(a.retired_at, live, scheduled, draft_hash, now)
            summaries.append(AppSummary(id=a.id, slug=a.slug, kind=a.kind, status=status,
                                        spec=a.draft_spec if draft_hash is not None else _shown_spec(a),
                                        revision=a.revision, updated_at=a.updated_at, updated_by=a.updated_by,
                                        submissions=counts.get(a.id, 0),
                                        live_version=live.number if live else None, damaged=draft_hash is None))
        return summaries

    def _version_refs(self, s: Session, app_id: int | None = None) -> dict[int, list[VersionRef]]:
        """The versions not cancelled, by app: without their specs."""
        query = select(AppVersion.app_id, AppVersion.id, AppVersion.number, AppVersion.published_at,
                       AppVersion.spec_hash).where(AppVersion.cancelled_at.is_(None))
        if app_id is not None:
            query = query.where(AppVersion.app_id == app_id)
        refs: dict[int, list[VersionRef]] = {}
        for row in s.exec(query):
            refs.setdefault(row[0], []).append(VersionRef(row[1], row[2], as_utc(row[3]), row[4]))
        return refs

    def app_state(self, app_id: int) -> AppState | None:
        if not is_row_id(app_id):
            return None
        now = self.now()
        with self.session() as s:
            app = s.get(App, app_id)
            if app is None:
                return None
            live, scheduled = live_and_scheduled(self._version_refs(s, app_id).get(app_id, []), now)
            open_drafts = s.exec(select(func.count()).select_from(Draft).where(
                Draft.app_id == app_id, Draft.submission_id.is_(None), Draft.expires_at > now)).one()
        retired_at = as_utc(app.retired_at)
        draft_hash = _draft_hash(app)
        return AppState(app=app, status=derive_status(retired_at, live, scheduled, draft_hash, now),
                        live=live, scheduled=scheduled,
                        retire_at=retired_at if retired_at is not None and retired_at > now else None,
                        open_drafts=open_drafts, now=now, damaged=draft_hash is None)

    def versions(self, app_id: int) -> list[AppVersion]:
        """Every version of the app, the newest first, cancelled ones included."""
        with self.session() as s:
            return list(s.exec(select(AppVersion).where(AppVersion.app_id == app_id)
                               .order_by(AppVersion.number.desc())))

    def app(self, slug: str) -> App | None:
        with self.session() as s:
            return s.exec(select(App).where(App.slug == slug)).first()

    def apps(self) -> list[App]:
        with self.session() as s:
            return list(s.exec(select(App).order_by(App.slug)))

    # --- lifecycle: publish, schedule, retire, roll back --------------------------------------------
    # Each command checks its own rules, changes what it must in one transaction, and writes one
    # audit line. Who may call them is the builder's business (builder/roles.py).

    def publish(self, slug: str, by: str, *, at: dt.datetime | None = None, revision: int | None = None,
                warnings_acknowledged: bool = False) -> AppVersion:
        """Freeze the app's draft into the next immutable AppVersion, seen by residents from `at` (now by default).

        Refused (PublishRefused) while lint finds errors, which include the city's policy fields;
        refused (LifecycleRefused) when lint has warnings not acknowledged, or `at` is in the past.
        With `revision`, DraftChanged when the draft is no longer the one the admin reviewed.
        A newer publish replaces a version still waiting for its time. Publishing a retired app re-opens it.
        """
        now = self.now()
        if at is not None:
            at = as_utc(at)
            if at < now - dt.timedelta(minutes=1):
                raise LifecycleRefused("The publishing time {at} has already passed", at=at)
            at = at if at > now else None  # a minute ago means now
        for _attempt in range(3):
            with self.session() as s:
                app = s.exec(select(App).where(App.slug == slug)).first()
                if app is None:
                    raise LookupError(slug)
                if revision is not None and app.revision != revision:
                    raise DraftChanged(app.revision)
                spec = readable_spec(app.draft_spec)
                if spec is None:
                    raise PublishRefused([DAMAGED_DRAFT])
                issues = lint(spec, self.facility_ids())
                errors = [issue.message for issue in issues if issue.level == "error"]
                if errors:
                    raise PublishRefused(errors)
                if any(issue.level == "warning" for issue in issues) and not warnings_acknowledged:
                    raise LifecycleRefused("Read the warnings and confirm that the app should be published with them")
                retired_at = as_utc(app.retired_at)
                if at is not None and retired_at is not None and retired_at <= now:
                    raise LifecycleRefused("A retired app is re-opened by publishing it now, not at a later time")
                if at is not None and retired_at is not None and at >= retired_at:
                    raise LifecycleRefused("The app is to be retired on {retire_at}, before that publishing time",
                                           retire_at=retired_at)
                if spec.slug != app.slug:  # the draft has a new address: it takes effect now
                    if s.exec(select(App.id).where(App.slug == spec.slug, App.id != app.id)).first() is not None:
                        raise SlugTaken(spec.slug)
                    app.slug = spec.slug
                try:
                    version, detail = self._next_version(s, app, spec, by, now, at=at)
                except IntegrityError:  # another admin published this app at the same moment: number again
                    s.rollback()
                    continue
                if at is not None:
                    detail["at"] = at.isoformat()
                action = "app.schedule" if at else "app.reopen" if detail.pop("reopened", False) else "app.publish"
                s.add(AuditEvent(actor=by, action=action, app_id=app.id, target=app.slug, detail=detail))
                s.commit()
                self._live.clear()  # the address may have moved
                return version
        raise LifecycleRefused("Someone else is publishing this app at this moment. Try again")

    def _next_version(self, s: Session, app: App, spec: AppSpec, by: str, now: dt.datetime, *,
                      at: dt.datetime | None = None, rollback_of: int | None = None) -> tuple[AppVersion, dict[str, Any]]:
        """Add version N+1 of `app` with `spec`, seen from `at` (now by default), replacing any version
        still waiting; published now, it re-opens a retired app (a retirement still to come stays).
        The audit detail so far. IntegrityError (flushed) when another admin took the number meanwhile."""
        replaced = self._cancel_waiting(s, app.id, now, by)
        last = s.exec(select(func.max(AppVersion.number)).where(AppVersion.app_id == app.id)).one() or 0
        version = AppVersion(app_id=app.id, number=last + 1, spec=spec.model_dump(mode="json", exclude_none=True),
                             spec_hash=spec_hash(spec), published_by=by, published_at=at or now, created_at=now,
                             rollback_of=rollback_of, readings=spec_readings(spec))
        detail: dict[str, Any] = {"version": version.number, "hash": version.spec_hash}
        retired_at = as_utc(app.retired_at)
        if at is None and retired_at is not None and retired_at <= now:
            app.retired_at = app.retire_message = app.successor_id = None
            detail["reopened"] = True
        if replaced:
            detail["replaces_scheduled"] = replaced
        s.add_all([version, app])
        s.flush()
        return version, detail

    def _cancel_waiting(self, s: Session, app_id: int, now: dt.datetime, by: str) -> list[int]:
        """Cancel the app's versions still waiting for their time: the numbers cancelled."""
        waiting = list(s.exec(select(AppVersion).where(AppVersion.app_id == app_id, AppVersion.cancelled_at.is_(None),
                                                       AppVersion.published_at > now)))
        for version in waiting:
            version.cancelled_at, version.cancelled_by = now, by
            s.add(version)
        return [v.number for v in waiting]

    def cancel_scheduled(self, app_id: int, by: str) -> int:
        """Withdraw the version waiting for its time (residents never saw it): its number."""
        with self.session() as s:
            app = self._app_for_lifecycle(s, app_id)
            cancelled = self._cancel_waiting(s, app_id, self.now(), by)
            if not cancelled:
                raise LifecycleRefused("No publication of this app is waiting for its time")
            s.add(AuditEvent(actor=by, action="app.unschedule", app_id=app_id, target=app.slug,
                             detail={"versions": cancelled}))
            s.commit()
        self._live.clear()
        return cancelled[0]

    def retire(self, slug: str, by: str, message: LocalizedText | Mapping[str, str] | str | None = None,
               at: dt.datetime | None = None, successor_id: int | None = None) -> None:
        """Retire the app now or at `at`: residents then see the service-ended page, with `message` (by
        language; a string is Japanese) in their language, the help phone and a link to the successor app.
        Refused for an app never published, for a time already past or not after a scheduled publication,
        and for a successor that is this app or missing. A language the app offers but the message lacks
        is the builder's to warn about (widgets.lint.retire_message_issues), never refused here."""
        texts = retire_message_texts(message)
        now = self.now()
        with self.session() as s:
            app = s.exec(select(App).where(App.slug == slug)).first()
            if app is None:
                raise LookupError(slug)
            live, scheduled = live_and_scheduled(self._version_refs(s, app.id).get(app.id, []), now)
            if live is None and scheduled is None:
                raise LifecycleRefused("The app has never been published, so there is nothing to retire")
            if live is None:
                raise LifecycleRefused("Residents cannot see the app yet: call off the scheduled publication instead")
            retired_at = as_utc(app.retired_at)
            if retired_at is not None and retired_at <= now:
                raise LifecycleRefused("The app is already retired")
            if at is not None:
                at = as_utc(at)
                if at < now - dt.timedelta(minutes=1):
                    raise LifecycleRefused("The retirement time {at} has already passed", at=at)
                if scheduled is not None and at <= scheduled.published_at:
                    raise LifecycleRefused("The retirement time must be after the scheduled publication on {publish_at}",
                                           publish_at=scheduled.published_at)
            if successor_id is not None:
                if successor_id == app.id or s.get(App, successor_id) is None:
                    raise LifecycleRefused("Choose another app as the successor")
            when = at if at is not None and at > now else now
            app.retired_at, app.retire_message, app.successor_id = when, texts, successor_id
            s.add(app)
            detail: dict[str, Any] = {"at": when.isoformat()}
            if when == now:  # a publication still waiting would never be seen
                cancelled = self._cancel_waiting(s, app.id, now, by)
                if cancelled:
                    detail["cancels_scheduled"] = cancelled
            if successor_id is not None:
                detail["successor_id"] = successor_id
            if texts:
                detail["message"] = texts
            s.add(AuditEvent(actor=by, action="app.retire", app_id=app.id, target=app.slug, detail=detail))
            s.commit()
        self._live.clear()

    def cancel_retirement(self, app_id: int, by: str) -> None:
        """Call off a retirement that has not yet taken effect. Its message is kept, for the next one."""
        now = self.now()
        with self.session() as s:
            app = self._app_for_lifecycle(s, app_id)
            retired_at = as_utc(app.retired_at)
            if retired_at is None or retired_at <= now:
                raise LifecycleRefused("No retirement of this app is waiting for its time")
            app.retired_at = app.successor_id = None
            s.add(app)
            s.add(AuditEvent(actor=by, action="app.unretire", app_id=app_id, target=app.slug,
                             detail={"was_at": retired_at.isoformat()}))
            s.commit()
        self._live.clear()

    def rollback(self, app_id: int, number: int, by: str) -> AppVersion:
        """Publish again the spec of earlier version `number`, as the next version, at today's address.
        The draft is left as it is; a retired app is re-opened."""
        for _attempt in range(3):
            now = self.now()
            with self.session() as s:
                app = self._app_for_lifecycle(s, app_id)
                earlier = s.exec(select(AppVersion).where(AppVersion.app_id == app_id,
                                                          AppVersion.number == number)).first()
                if earlier is None or earlier.cancelled_at is not None or as_utc(earlier.published_at) > now:
                    raise LifecycleRefused("There is no version {number} of this app that residents have seen",
                                           number=number)
                live, _scheduled = live_and_scheduled(self._version_refs(s, app_id).get(app_id, []), now)
                if live is not None and live.number == number:
                    raise LifecycleRefused("Version {number} is the one residents see now", number=number)
                # The content of then, at the address of now: posters and links point at today's.
                spec = AppSpec.model_validate(earlier.spec).model_copy(update={"slug": app.slug})
                try:
                    version, detail = self._next_version(s, app, spec, by, now, rollback_of=number)
                except IntegrityError:  # another admin made a version of this app at the same moment
                    s.rollback()
                    continue
                detail["rollback_of"] = number
                s.add(AuditEvent(actor=by, action="app.rollback", app_id=app_id, target=app.slug, detail=detail))
                s.commit()
            self._live.clear()
            return version
        raise LifecycleRefused("Someone else is publishing this app at this moment. Try again")

    def _app_for_lifecycle(self, s: Session, app_id: int) -> App:
        app = s.get(App, app_id)
        if app is None:
            raise LookupError(app_id)
        return app

    def cached_live_app(self, slug: str) -> tuple[bool, LiveApp | None]:
        """(found in the cache, the app) without touching the database."""
        entry = self._live.get(slug)
        if entry is None or entry[0] <= self.now():
            return False, None
        return True, entry[1]

    def live_app(self, slug: str) -> LiveApp | None:
        """The app at `slug` with the version residents see now (None when there is no such app)."""
        hit, live = self.cached_live_app(slug)
        if hit:
            return live
        now = self.now()
        live, changes_at = self._load_live_app(slug, now)
        if len(self._live) > 10_000:  # slugs come from URLs: never let strangers grow this without bound
            self._live.clear()
        valid_until = now + dt.timedelta(seconds=LIVE_CACHE_SECONDS)
        self._live[slug] = (min(valid_until, changes_at) if changes_at else valid_until, live)
        return live

    def _load_live_app(self, slug: str, now: dt.datetime) -> tuple[LiveApp | None, dt.datetime | None]:
        """The app and the next time what residents see changes by itself (a scheduled publication)."""
        with self.engine.connect() as c:
            row = c.execute(select(App.id, App.slug, App.retired_at, App.retire_message, App.successor_id)
                            .where(App.slug == slug)).first()
            if row is None:
                return None, None
            app_id, slug, retired_at, message, successor_id = row
            versions = [VersionRef(v[0], v[1], as_utc(v[2]), "") for v in c.execute(
                select(AppVersion.id, AppVersion.number, AppVersion.published_at)
                .where(AppVersion.app_id == app_id, AppVersion.cancelled_at.is_(None)))]
            successor = c.execute(select(App.slug).where(App.id == successor_id)).scalar() if successor_id else None
        live, scheduled = live_and_scheduled(versions, now)
        spec = self.version_spec(live.id) if live is not None else None
        opens_at = scheduled.published_at if scheduled is not None and live is None else None
        return (LiveApp(app_id, slug, live.id if live else None, live.number if live else None, spec,
                        as_utc(retired_at), message, successor, opens_at, live.published_at if live else None),
                scheduled.published_at if scheduled is not None else None)

    def version_spec(self, version_id: int) -> AppSpec:
        spec = self._specs.get(version_id)
        if spec is None:
            with self.session() as s:
                version = s.get(AppVersion, version_id)
                if version is None:
                    raise LookupError(version_id)
                spec = AppSpec.model_validate(version.spec)
                readings = version.readings
                if readings is None:  # published before furigana were kept: computed once, now
                    readings = spec_readings(spec)
                    s.exec(update(AppVersion).where(AppVersion.id == version_id, AppVersion.readings.is_(None))
                           .values(readings=readings))
                    s.commit()
            with self._lock:
                self._readings.update(readings)
                self._specs[version_id] = spec
        return spec

    def readings(self) -> dict[str, str]:
        """The furigana of every published version loaded so far (each version's spec is loaded with
        them, by version_spec): Japanese text -> the same text with every reading written out."""
        return self._readings


    def live_apps(self) -> list[LiveApp]:
        """Every app with a published version, retired ones included, in slug order."""
        with self.session() as s:
            slugs = list(s.exec(select(App.slug).order_by(App.slug)))
        apps = [self.live_app(slug) for slug in slugs]
        return [a for a in apps if a is not None and a.version_id is not None]

    # --- access points (QR codes) ---------------------------------------------------------------

    def create_access_point(self, app_id: int, label: str, by: str) -> AccessPoint:
        """A new access point of the app with a fresh code, never used before."""
        label = clean_staff_text(label, multiline=False)
        if not label:
            raise Refused("Give the access point a name, such as the counter where its code is put up")
        if len(label) > ACCESS_POINT_LABEL_MAX:
            raise Refused("Keep the name under {limit} characters", limit=ACCESS_POINT_LABEL_MAX)
        for _attempt in range(10):
            with self.session() as s:
                app = s.get(App, app_id)
                if app is None:
                    raise LookupError(app_id)
                point = AccessPoint(app_id=app_id, code=new_access_code(), label=label, created_by=by,
                                    created_at=self.now())
                s.add(point)
                try:
                    s.flush()
                except IntegrityError:  # the code is taken: draw another
                    s.rollback()
                    continue
                s.add(AuditEvent(actor=by, action="access_point.create", app_id=app_id, target=point.code,
                                 detail={"label": label}))
                s.commit()
                return point
        raise RuntimeError("could not draw a free access point code")

    def change_access_point(self, point_id: int, by: str, *, label: str | None = None,
                            active: bool | None = None) -> AccessPoint:
        with self.session() as s:
            point = s.get(AccessPoint, point_id)
            if point is None:
                raise LookupError(point_id)
            detail: dict[str, Any] = {}
            if label is not None:
                label = clean_staff_text(label, multiline=False)
                if not label or len(label) > ACCESS_POINT_LABEL_MAX:
                    raise Refused("Give the access point a name of at most {limit} characters",
                                  limit=ACCESS_POINT_LABEL_MAX)
                if label != point.label:
                    detail["label"], point.label = [point.label, label], label
            if active is not None and active != point.active:
                detail["active"], point.active = [point.active, active], active
            if detail:
                s.add(point)
                s.add(AuditEvent(actor=by, action="access_point.change", app_id=point.app_id, target=point.code,
                                 detail=detail))
                s.commit()
                s.refresh(point)
            return point

    def access_points(self, app_id: int) -> list[AccessPointSummary]:
        """The app's access points, oldest first, with their scans and the submissions made through them."""
        if not is_row_id(app_id):
            return []
        with self.session() as s:
            points = list(s.exec(select(AccessPoint).where(AccessPoint.app_id == app_id).order_by(AccessPoint.id)))
            scans = dict(s.exec(select(ScanCount.access_point_id, func.sum(ScanCount.count))
                                .join(AccessPoint, AccessPoint.id == ScanCount.access_point_id)
                                .where(AccessPoint.app_id == app_id).group_by(ScanCount.access_point_id)).all())
            sent = dict(s.exec(select(Submission.access_point, func.count()).where(Submission.app_id == app_id)
                               .group_by(Submission.access_point)).all())
        return [AccessPointSummary(p, int(scans.get(p.id) or 0), sent.get(p.code, 0)) for p in points]

    def scans_per_day(self, app_id: int, since: dt.date) -> list[tuple[int, dt.date, int]]:
        """(access point id, day, scans) from `since` on, by day."""
        with self.session() as s:
            return [tuple(row) for row in s.exec(
                select(ScanCount.access_point_id, ScanCount.day, ScanCount.count)
                .join(AccessPoint, AccessPoint.id == ScanCount.access_point_id)
                .where(AccessPoint.app_id == app_id, ScanCount.day >= since).order_by(ScanCount.day))]

    def scan(self, code: str, day: dt.date) -> tuple[AccessPoint, str] | None:
        """The access point of a code opened by a resident, and its app's address now; the scan is counted.

        None for a code that does not exist or is disabled (not counted). One conditional upsert per
        scan: concurrent scans of one code on one day all count.
        """
        code = code.upper()
        if not ACCESS_CODE.fullmatch(code):
            return None
        with self.session() as s:
            found = s.exec(select(AccessPoint, App.slug).join(App, App.id == AccessPoint.app_id)
                           .where(AccessPoint.code == code)).first()
            if found is None or not found[0].active:
                return None
            point, slug = found
            s.exec(self.insert(ScanCount).values(access_point_id=point.id, day=day, count=1).on_conflict_do_update(
                index_elements=["access_point_id", "day"], set_={"count": ScanCount.count + 1}))
            s.commit()
        return point, slug

    def access_point(self, code: str) -> AccessPoint | None:
        with self.session() as s:
            return s.exec(select(AccessPoint).where(AccessPoint.code == code.upper())).first()

    # --- the emergency banner ---------------------------------------------------------------------

    def banner(self) -> EmergencyBanner | None:
        """The banner every resident page shows now, if any. Asked on every page: kept for a moment,
        and forgotten at once in this process when an admin sets or clears one."""
        cached = self._banner
        if cached is not None and cached[0] > self.now():
            return cached[1]
        with self.session() as s:
            current = s.exec(select(EmergencyBanner).where(EmergencyBanner.cleared_at.is_(None))
                             .order_by(EmergencyBanner.id.desc()).limit(1)).first()
        self._banner = (self.now() + dt.timedelta(seconds=LIVE_CACHE_SECONDS), current)
        return current

    def set_banner(self, text: str, level: str, by: str, text_en: str | None = None) -> EmergencyBanner:
        """Show a new banner (it replaces the one shown before)."""
        text, text_en = clean_staff_text(text, multiline=False), clean_staff_text(text_en or "", multiline=False) or None
        if not text:
            raise Refused("Write the message in Japanese")
        if len(text) > BANNER_MAX or (text_en and len(text_en) > BANNER_MAX):
            raise Refused("Keep the message under {limit} characters", limit=BANNER_MAX)
        if level not in BANNER_LEVELS:
            raise Refused("Choose how urgent the message is")
        now = self.now()
        with self.session() as s:
            for shown in s.exec(select(EmergencyBanner).where(EmergencyBanner.cleared_at.is_(None))):
                shown.cleared_at, shown.cleared_by = now, by
                s.add(shown)
            banner = EmergencyBanner(text=text, text_en=text_en, level=level, issued_at=now, issued_by=by)
            s.add(banner)
            s.flush()
            s.add(AuditEvent(actor=by, action="banner.set", target=str(banner.id),
                             detail={"level": level, "text": text, "text_en": text_en}))
            s.commit()
        self._banner = None
        return banner

    def clear_banner(self, by: str) -> None:
        now = self.now()
        with self.session() as s:
            shown = list(s.exec(select(EmergencyBanner).where(EmergencyBanner.cleared_at.is_(None))))
            if not shown:
                raise Refused("No banner is shown")
            for banner in shown:
                banner.cleared_at, banner.cleared_by = now, by
                s.add(banner)
            s.add(AuditEvent(actor=by, action="banner.clear", target=str(shown[-1].id)))
            s.commit()
        self._banner = None

    # --- residents' drafts ----------------------------------------------------------------------

    def draft(self, draft_id: str | None, app_id: int) -> Draft | None:
        """The resident's draft for this app, if the id is real and not expired."""
        if not draft_id or not DRAFT_ID.fullmatch(draft_id):
            return None
        with self.session() as s:
            draft = s.get(Draft, draft_id)
        if draft is None or draft.app_id != app_id or draft.expires_at <= self.now():
            return None
        return draft

    def create_draft(self, app_id: int, version_id: int, answers: dict[str, Any],
                     access_point: str | None = None) -> Draft:
        now = self.now()
        draft = Draft(id=secrets.token_urlsafe(32), app_id=app_id, version_id=version_id, answers=answers,
                      created_at=now, updated_at=now, expires_at=now + DRAFT_LIFETIME, access_point=access_point)
        with self.session() as s:
            s.add(draft)
            s.commit()
        return draft

    def save_answers(self, draft_id: str, answers: dict[str, Any]) -> None:
        now = self.now()
        with self.session() as s:
            s.exec(
                update(Draft)
                .where(Draft.id == draft_id, Draft.submission_id.is_(None))
                .values(answers=answers, updated_at=now, expires_at=now + DRAFT_LIFETIME)
            )
            s.commit()

    # --- submissions ----------------------------------------------------------------------------

    def submit(self, draft: Draft, answers: dict[str, Any], lang: str,
               along: Callable[[Session, Submission], None] | None = None, *,
               entered_by: str | None = None) -> Submission:
        """Turn a draft into a submission, once: submitting twice returns the first submission.
        `along` does more in the same transaction (takes a booking's place): what it raises undoes all.
        `entered_by`: the member of staff who entered it for a resident (at the counter), audited with it."""
        for _attempt in range(20):
            with self.session() as s:
                existing = s.exec(select(Submission).where(Submission.draft_id == draft.id)).first()
                if existing is not None:
                    return existing
                reference = new_reference()
                submission = Submission(app_id=draft.app_id, version_id=draft.version_id, reference=reference,
                                        answers=answers, lang=lang, draft_id=draft.id, entered_by=entered_by,
                                        access_point=draft.access_point, created_at=self.now(),
                                        search_text=search_text(reference, answers))
                s.add(submission)
                if entered_by is not None:
                    s.add(AuditEvent(actor=entered_by, action="submission.counter", app_id=draft.app_id,
                                     target=reference, at=self.now()))
                try:
                    s.flush()
                    if along is not None:
                        along(s, submission)
                except IntegrityError:
                    # Another request submitted this draft just now, or the reference number was taken.
                    s.rollback()
                    continue
                s.exec(update(Draft).where(Draft.id == draft.id).values(submission_id=submission.id))
                s.commit()
                return submission
        raise RuntimeError("could not store the submission")

    def submission(self, submission_id: int) -> Submission | None:
        if not is_row_id(submission_id):
            return None
        with self.session() as s:
            return s.get(Submission, submission_id)

    def submissions(self, app_id: int) -> list[Submission]:
        with self.session() as s:
            return list(s.exec(select(Submission).where(Submission.app_id == app_id).order_by(Submission.id)))

    # --- staff ----------------------------------------------------------------------------------

    def create_staff_user(self, username: str, display_name: str, password_hash: str, role: str, *,
                          by: str, must_change_password: bool = False) -> StaffUser:
        display_name = clean_staff_text(display_name, multiline=False)
        user = StaffUser(username=username, display_name=display_name, password_hash=password_hash, role=role,
                         must_change_password=must_change_password)
        with self.session() as s:
            s.add(user)
            try:
                s.flush()
            except IntegrityError:
                raise ValueError(f"the user name {username!r} is taken") from None
            s.add(AuditEvent(actor=by, action="user.create", target=username, detail={"role": role}))
            s.commit()
        return user

    def staff_user(self, username: str) -> StaffUser | None:
        with self.session() as s:
            return s.exec(select(StaffUser).where(StaffUser.username == username)).first()

    def staff_user_by_id(self, user_id: int) -> StaffUser | None:
        if not is_row_id(user_id):
            return None
        with self.session() as s:
            return s.get(StaffUser, user_id)

    def staff_count(self) -> int:
        with self.session() as s:
            return s.exec(select(func.count()).select_from(StaffUser)).one()

    def record_sign_in(self, user_id: int, password_hash: str | None = None) -> None:
        """Note the time; store a re-hashed password when the hashing parameters changed."""
        with self.session() as s:
            user = s.get(StaffUser, user_id)
            user.last_sign_in_at = self.now()
            if password_hash:
                user.password_hash = password_hash
            s.add(user)
            s.add(AuditEvent(actor=user.username, action="auth.sign_in", target=user.username))
            s.commit()

    def staff_users(self) -> list[StaffUser]:
        with self.session() as s:
            return list(s.exec(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.username)))

    def change_staff_user(self, user_id: int, by: str, *, role: str | None = None, active: bool | None = None) -> StaffUser:
        """Change a role or (de)activate an account. Never leaves the builder without an active admin."""
        if role is not None and role not in ROLES:
            raise UserChangeRefused("There is no role {role}", role=role)
        with self.session() as s:
            # PostgreSQL: lock the active admins first, so that two admins demoting each other take turns.
            s.exec(select(StaffUser.id).where(StaffUser.role == "admin", StaffUser.active).with_for_update()).all()
            user = s.get(StaffUser, user_id)
            if user is None:
                raise LookupError(user_id)
            changes: dict[str, Any] = {}
            if role is not None and role != user.role:
                changes["role"] = [user.role, role]
                user.role = role
            if active is not None and active != user.active:
                changes["active"] = [user.active, active]
                user.active = active
            if not changes:
                return user
            s.add(user)
            s.flush()
            # Counted after the write, in its transaction: on SQLite the write lock, on PostgreSQL the
            # row locks above, make a second admin's change wait for this one and then count again.
            left = s.exec(select(func.count()).select_from(StaffUser).where(StaffUser.role == "admin",
                                                                             StaffUser.active)).one()
            if left == 0:
                raise UserChangeRefused("{name} is the last active admin: make another member of staff an admin first",
                                        name=user.display_name)
            action = ("user.deactivate" if active is False else "user.activate") if "active" in changes else "user.role"
            s.add(AuditEvent(actor=by, action=action, target=user.username, detail=changes))
            s.commit()
            s.refresh(user)
        return user

    def set_password(self, user_id: int, password_hash: str, *, by: str, must_change: bool) -> None:
        """A new password hash: a temporary one set by an admin (`must_change`), or the user's own."""
        with self.session() as s:
            user = s.get(StaffUser, user_id)
            if user is None:
                raise LookupError(user_id)
            user.password_hash, user.must_change_password = password_hash, must_change
            s.add(user)
            action = "user.password_reset" if must_change else "user.password_change"
            s.add(AuditEvent(actor=by, action=action, target=user.username))
            s.commit()

    def audit(self, actor: str, action: str, *, target: str | None = None, app_id: int | None = None,
              detail: dict[str, Any] | None = None) -> None:
        with self.session() as s:
            s.add(AuditEvent(actor=actor, action=action, target=target, app_id=app_id, detail=detail or {}))
            s.commit()

    def audit_events(self, app_id: int | None = None) -> list[AuditEvent]:
        with self.session() as s:
            query = select(AuditEvent).order_by(AuditEvent.id)
            if app_id is not None:
                query = query.where(AuditEvent.app_id == app_id)
            return list(s.exec(query))

    def _audit_query(self, where: AuditFilter):
        query = select(AuditEvent)
        if where.action:
            query = query.where(AuditEvent.action.startswith(where.action) if where.action.endswith(".")
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

    def audit_page(self, where: AuditFilter, *, offset: int = 0, limit: int = 50) -> tuple[list[AuditEvent], int]:
        """One page of the audit log, newest first, and how many lines match in all."""
        query = self._audit_query(where)
        with self.session() as s:
            total = s.exec(select(func.count()).select_from(query.subquery())).one()
            rows = list(s.exec(query.order_by(AuditEvent.id.desc()).offset(offset).limit(limit)))
        return rows, total

    def audit_batches(self, where: AuditFilter, size: int = 1000) -> Iterator[list[AuditEvent]]:
        """Every matching line, oldest first, a batch at a time (keyset paging: flat memory for exports)."""
        after = 0
        while True:
            with self.session() as s:
                batch = list(s.exec(self._audit_query(where).where(AuditEvent.id > after)
                                    .order_by(AuditEvent.id).limit(size)))
            if not batch:
                return
            yield batch
            after = batch[-1].id

    def audit_actions(self) -> list[str]:
        with self.session() as s:
            return sorted(s.exec(select(AuditEvent.action).distinct()))
