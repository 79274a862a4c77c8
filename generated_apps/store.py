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
from .models import App, AppVersion, AuditEvent, Draft, Submission, utcnow
from .refnum import new_reference

# A resident's draft lives long after they stop typing (ACCESSIBILITY.md item 15 asks for 20 hours).
DRAFT_LIFETIME = dt.timedelta(days=7)
# How long a replica may serve an app's live version before looking again. Publishing in this
# process is seen at once; in another replica within this many seconds. Retirement times are
# compared with the clock at each request, so a scheduled retirement is always on time.
LIVE_CACHE_SECONDS = 2.0
DRAFT_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class PublishRefused(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


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
            self._live.pop(app.slug, None)
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

    def audit_events(self, app_id: int | None = None) -> list[AuditEvent]:
        with self.session() as s:
            query = select(AuditEvent).order_by(AuditEvent.id)
            if app_id is not None:
                query = query.where(AuditEvent.app_id == app_id)
            return list(s.exec(query))
