"""All database access of Madoguchi goes through `Store`: views and commands never build queries."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from widgets import AppSpec, lint

from .db import make_engine, migrate
from .models import App, AppVersion, AuditEvent, Draft, StaffUser, Submission, utcnow
from .refnum import new_reference

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


def derive_status(app: App, latest: AppVersion | None, now: dt.datetime | None = None) -> str:
    now = now or utcnow()
    if app.retired_at is not None and app.retired_at <= now:
        return "retired"
    if latest is None:
        return "draft"
    if latest.published_at > now:
        return "scheduled"
    draft_hash = spec_hash(AppSpec.model_validate(app.draft_spec))
    return "live" if draft_hash == latest.spec_hash else "live_with_changes"


@dataclass(frozen=True)
class LiveApp:
    """What the resident side needs of an app: its row's key facts and the version it serves."""

    app_id: int
    slug: str
    version_id: int | None
    version_number: int | None
    spec: AppSpec | None
    retired_at: dt.datetime | None
    retire_message: str | None

    def status(self, now: dt.datetime | None = None) -> str:
        now = now or utcnow()
        if self.retired_at is not None and self.retired_at <= now:
            return "retired"
        return "live" if self.version_id is not None else "draft"


def spec_hash(spec: AppSpec) -> str:
    canonical = json.dumps(spec.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._specs: dict[int, AppSpec] = {}  # published versions never change, so caching them is safe
        self._live: dict[str, tuple[float, LiveApp | None]] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, url: str) -> Store:
        engine = make_engine(url)
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
                app.updated_at = utcnow()
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
                    .values(draft_spec=data, kind=spec.kind, revision=revision + 1, updated_at=utcnow(),
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
            if last is None or (last.action, last.actor) != ("app.edit", by) or utcnow() - last.at > EDIT_BURST:
                s.add(AuditEvent(actor=by, action="app.edit", app_id=app_id, target=spec.slug,
                                 detail={"revision": revision + 1}))
            s.commit()
            s.refresh(app)
        self._live.clear()  # the slug may have changed: forget every cached lookup
        return app

    def app_by_id(self, app_id: int) -> App | None:
        with self.session() as s:
            return s.get(App, app_id)

    def latest_version(self, app_id: int) -> AppVersion | None:
        with self.session() as s:
            return s.exec(select(AppVersion).where(AppVersion.app_id == app_id)
                          .order_by(AppVersion.number.desc()).limit(1)).first()

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
        now = utcnow()
        with self.session() as s:
            apps = list(s.exec(select(App).order_by(App.updated_at.desc(), App.id.desc())))
            counts = dict(s.exec(select(Submission.app_id, func.count()).group_by(Submission.app_id)).all())
            newest = (select(AppVersion.app_id, func.max(AppVersion.number).label("number"))
                      .group_by(AppVersion.app_id).subquery())
            latest = {v.app_id: v for v in s.exec(
                select(AppVersion).join(newest, (AppVersion.app_id == newest.c.app_id)
                                        & (AppVersion.number == newest.c.number)))}
        return [
            AppSummary(id=a.id, slug=a.slug, kind=a.kind, spec=a.draft_spec,
                       status=derive_status(a, latest.get(a.id), now), revision=a.revision,
                       updated_at=a.updated_at, updated_by=a.updated_by, submissions=counts.get(a.id, 0),
                       live_version=latest[a.id].number if a.id in latest else None)
            for a in apps
        ]

    def app(self, slug: str) -> App | None:
        with self.session() as s:
            return s.exec(select(App).where(App.slug == slug)).first()

    def apps(self) -> list[App]:
        with self.session() as s:
            return list(s.exec(select(App).order_by(App.slug)))

    def publish(self, slug: str, by: str) -> AppVersion:
        """Freeze the app's draft into the next immutable AppVersion. Refused while lint has errors."""
        with self.session() as s:
            app = s.exec(select(App).where(App.slug == slug)).one()
            spec = AppSpec.model_validate(app.draft_spec)
            errors = [issue.message for issue in lint(spec) if issue.level == "error"]
            if errors:
                raise PublishRefused(errors)
            if spec.slug != app.slug:  # the draft has a new address: it takes effect now
                if s.exec(select(App.id).where(App.slug == spec.slug, App.id != app.id)).first() is not None:
                    raise SlugTaken(spec.slug)
                app.slug = spec.slug
            last = s.exec(select(func.max(AppVersion.number)).where(AppVersion.app_id == app.id)).one() or 0
            version = AppVersion(
                app_id=app.id, number=last + 1, spec=spec.model_dump(mode="json", exclude_none=True),
                spec_hash=spec_hash(spec), published_by=by,
            )
            s.add(version)
            app.retired_at = app.retire_message = None  # publishing a retired app re-opens it
            s.add(app)
            s.flush()
            s.add(AuditEvent(actor=by, action="app.publish", app_id=app.id, target=app.slug,
                             detail={"version": version.number, "hash": version.spec_hash}))
            s.commit()
            self._live.clear()  # the address may have moved
            return version

    def retire(self, slug: str, by: str, message: str | None = None, at: dt.datetime | None = None) -> None:
        with self.session() as s:
            app = s.exec(select(App).where(App.slug == slug)).one()
            app.retired_at, app.retire_message = at or utcnow(), message
            s.add(app)
            s.add(AuditEvent(actor=by, action="app.retire", app_id=app.id, target=slug))
            s.commit()
            self._live.pop(app.slug, None)

    def cached_live_app(self, slug: str) -> tuple[bool, LiveApp | None]:
        """(found in the cache, the app) without touching the database."""
        entry = self._live.get(slug)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def live_app(self, slug: str) -> LiveApp | None:
        """The app at `slug` with its newest published version (None when there is no such app)."""
        hit, live = self.cached_live_app(slug)
        if hit:
            return live
        live = self._load_live_app(slug)
        if len(self._live) > 10_000:  # slugs come from URLs: never let strangers grow this without bound
            self._live.clear()
        self._live[slug] = (time.monotonic() + LIVE_CACHE_SECONDS, live)
        return live

    def _load_live_app(self, slug: str) -> LiveApp | None:
        with self.engine.connect() as c:
            row = c.execute(
                select(App.id, App.slug, App.retired_at, App.retire_message, AppVersion.id, AppVersion.number)
                .select_from(App)
                .outerjoin(AppVersion, AppVersion.app_id == App.id)
                .where(App.slug == slug)
                .order_by(AppVersion.number.desc())
                .limit(1)
            ).first()
        if row is None:
            return None
        app_id, slug, retired_at, message, version_id, number = row
        spec = self.version_spec(version_id) if version_id is not None else None
        return LiveApp(app_id, slug, version_id, number, spec, retired_at, message)

    def version_spec(self, version_id: int) -> AppSpec:
        spec = self._specs.get(version_id)
        if spec is None:
            with self.session() as s:
                version = s.get(AppVersion, version_id)
                if version is None:
                    raise LookupError(version_id)
                spec = AppSpec.model_validate(version.spec)
            with self._lock:
                self._specs[version_id] = spec
        return spec


    def live_apps(self) -> list[LiveApp]:
        """Every app with a published version, retired ones included, in slug order."""
        with self.session() as s:
            slugs = list(s.exec(select(App.slug).order_by(App.slug)))
        apps = [self.live_app(slug) for slug in slugs]
        return [a for a in apps if a is not None and a.version_id is not None]

    # --- residents' drafts ----------------------------------------------------------------------

    def draft(self, draft_id: str | None, app_id: int) -> Draft | None:
        """The resident's draft for this app, if the id is real and not expired."""
        if not draft_id or not DRAFT_ID.fullmatch(draft_id):
            return None
        with self.session() as s:
            draft = s.get(Draft, draft_id)
        if draft is None or draft.app_id != app_id or draft.expires_at <= utcnow():
            return None
        return draft

    def create_draft(self, app_id: int, version_id: int, answers: dict[str, Any],
                     access_point: str | None = None) -> Draft:
        now = utcnow()
        draft = Draft(id=secrets.token_urlsafe(32), app_id=app_id, version_id=version_id, answers=answers,
                      created_at=now, updated_at=now, expires_at=now + DRAFT_LIFETIME, access_point=access_point)
        with self.session() as s:
            s.add(draft)
            s.commit()
        return draft

    def save_answers(self, draft_id: str, answers: dict[str, Any]) -> None:
        now = utcnow()
        with self.session() as s:
            s.exec(
                update(Draft)
                .where(Draft.id == draft_id, Draft.submission_id.is_(None))
                .values(answers=answers, updated_at=now, expires_at=now + DRAFT_LIFETIME)
            )
            s.commit()

    # --- submissions ----------------------------------------------------------------------------

    def submit(self, draft: Draft, answers: dict[str, Any], lang: str) -> Submission:
        """Turn a draft into a submission, once: submitting twice returns the first submission."""
        for _attempt in range(20):
            with self.session() as s:
                existing = s.exec(select(Submission).where(Submission.draft_id == draft.id)).first()
                if existing is not None:
                    return existing
                submission = Submission(app_id=draft.app_id, version_id=draft.version_id, reference=new_reference(),
                                        answers=answers, lang=lang, draft_id=draft.id,
                                        access_point=draft.access_point)
                s.add(submission)
                try:
                    s.flush()
                except IntegrityError:
                    # Another request submitted this draft just now, or the reference number was taken.
                    s.rollback()
                    continue
                s.exec(update(Draft).where(Draft.id == draft.id).values(submission_id=submission.id))
                s.commit()
                return submission
        raise RuntimeError("could not store the submission")

    def submission(self, submission_id: int) -> Submission | None:
        with self.session() as s:
            return s.get(Submission, submission_id)

    def submissions(self, app_id: int) -> list[Submission]:
        with self.session() as s:
            return list(s.exec(select(Submission).where(Submission.app_id == app_id).order_by(Submission.id)))

    # --- staff ----------------------------------------------------------------------------------

    def create_staff_user(self, username: str, display_name: str, password_hash: str, role: str, *,
                          by: str, must_change_password: bool = False) -> StaffUser:
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
        with self.session() as s:
            return s.get(StaffUser, user_id)

    def staff_count(self) -> int:
        with self.session() as s:
            return s.exec(select(func.count()).select_from(StaffUser)).one()

    def record_sign_in(self, user_id: int, password_hash: str | None = None) -> None:
        """Note the time; store a re-hashed password when the hashing parameters changed."""
        with self.session() as s:
            user = s.get(StaffUser, user_id)
            user.last_sign_in_at = utcnow()
            if password_hash:
                user.password_hash = password_hash
            s.add(user)
            s.add(AuditEvent(actor=user.username, action="auth.sign_in", target=user.username))
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
