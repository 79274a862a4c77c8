"""Apps as staff edit them: creating, saving and mending drafts, finding apps, and where each stands.

Publishing and what follows it live in lifecycle.py; what residents see of an app in live.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from generated_apps.domain.errors import EditConflict, Refused, SlugTaken
from generated_apps.domain.models import (
    App,
    AppVersion,
    AuditEvent,
    Draft,
    Resource,
    Submission,
    as_utc,
    id_col,
    is_row_id,
)
from generated_apps.domain.specs import draft_hash, readable_spec, shown_spec
from generated_apps.domain.status import AppStatus, VersionRef, app_status, live_and_scheduled, version_refs
from generated_apps.domain.store import Store
from widgets import AppSpec

EDIT_BURST = dt.timedelta(minutes=10)  # saves of one draft by one person this close are one audit line


@dataclass(frozen=True)
class AppSummary:
    """One row of the builder's dashboard."""

    id: int
    slug: str
    kind: str
    spec: dict[str, Any]
    status: AppStatus
    revision: int
    updated_at: dt.datetime
    updated_by: str | None
    submissions: int
    live_version: int | None
    # The draft cannot be read (written by an older version, or changed by hand in the database): `spec`
    # then holds only a title to show, and the editor offers to restore the draft (Apps.restore_draft).
    damaged: bool = False


@dataclass(frozen=True)
class AppState:
    """Where one app stands in its lifecycle at `now`: what the builder's header and publishing page show."""

    app: App
    status: AppStatus
    live: VersionRef | None
    scheduled: VersionRef | None
    retire_at: dt.datetime | None  # set, and in the future: a scheduled retirement
    open_drafts: int  # residents' answers in progress, not sent, not expired
    now: dt.datetime
    damaged: bool = False  # the draft cannot be read (specs.readable_spec): restore_draft mends it


def staff_status(now: dt.datetime, retired_at: dt.datetime | None, live: VersionRef | None,
                 scheduled: VersionRef | None, draft: str | None) -> AppStatus:
    """The status staff see: `draft` is the draft's hash, None when it cannot be read (so it differs)."""
    return app_status(now, retired_at, live=live is not None, scheduled=scheduled is not None,
                      draft_differs=live is not None and draft != live.spec_hash)


class Apps:
    def __init__(self, store: Store) -> None:
        self.store = store

    def save_app(self, spec: AppSpec, by: str) -> App:
        """Create an app from a spec, or replace the draft of the app with that slug."""
        with self.store.session() as s:
            app = s.exec(select(App).where(App.slug == spec.slug)).first()
            data = spec.model_dump(mode="json", exclude_none=True)
            if app is None:
                app = App(slug=spec.slug, kind=spec.kind, draft_spec=data, updated_by=by)
                action = "app.create"
            else:
                app.draft_spec, app.kind, app.updated_by = data, spec.kind, by
                app.revision += 1
                app.updated_at = self.store.now()
                action = "app.update"
            s.add(app)
            s.flush()
            s.add(AuditEvent(actor=by, action=action, app_id=app.id, target=app.slug))
            s.commit()
            self.store.forget_live(app.slug)
            return app

    def create(self, spec: AppSpec, by: str) -> App:
        """A new app whose draft is `spec`; SlugTaken when another app has that address."""
        with self.store.session() as s:
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
        with self.store.session() as s:
            published = s.exec(select(AppVersion.id).where(AppVersion.app_id == app_id).limit(1)).first()
            # A published app keeps its address (residents and printed links use it) until the next publish.
            moves = {} if published is not None else {"slug": spec.slug}
            try:
                result = s.exec(
                    update(App)
                    .where(col(App.id) == app_id, col(App.revision) == revision)
                    .values(draft_spec=data, kind=spec.kind, revision=revision + 1, updated_at=self.store.now(),
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
            assert app is not None  # the UPDATE above found it
            # A draft is saved at every keystroke: one audit line per person and burst of editing.
            last = s.exec(select(AuditEvent).where(AuditEvent.app_id == app_id)
                          .order_by(col(AuditEvent.id).desc()).limit(1)).first()
            if last is None or (last.action, last.actor) != ("app.edit", by) or self.store.now() - last.at > EDIT_BURST:
                s.add(AuditEvent(actor=by, action="app.edit", app_id=app_id, target=spec.slug,
                                 detail={"revision": revision + 1}))
            s.commit()
            s.refresh(app)
        self.store.forget_live()  # the slug may have changed: forget every cached lookup
        return app

    def restore_draft(self, app_id: int, by: str, *, blank: AppSpec) -> App:
        """Mend a draft that cannot be read: it becomes the newest published (or scheduled) version that
        can, or `blank` when there is none, at the app's address. The damaged JSON goes into the audit
        line, so nothing stored is lost. Refused when the draft can be read (someone mended it already)."""
        with self.store.session() as s:
            app = s.get(App, app_id)
            if app is None:
                raise LookupError(app_id)
            if readable_spec(app.draft_spec) is not None:
                raise Refused("The draft can be read again: there is nothing to restore")
            versions = s.exec(select(AppVersion)
                              .where(AppVersion.app_id == app_id, col(AppVersion.cancelled_at).is_(None))
                              .order_by(col(AppVersion.number).desc()))
            found = next(((v.number, spec) for v in versions if (spec := readable_spec(v.spec)) is not None),
                         (None, blank))
            number, spec = found[0], found[1].model_copy(update={"slug": app.slug})
            damaged = app.draft_spec
            app.draft_spec, app.kind = spec.model_dump(mode="json", exclude_none=True), spec.kind
            app.revision, app.updated_at, app.updated_by = app.revision + 1, self.store.now(), by
            s.add(app)
            s.add(AuditEvent(actor=by, action="app.restore_draft", app_id=app_id, target=app.slug,
                             detail={"from_version": number, "damaged_draft": damaged}))
            s.commit()
            s.refresh(app)
        self.store.forget_live(app.slug)
        return app

    def facility_ids(self) -> set[int]:
        """The numbers of the facilities taking bookings: what an app's slot pickers may name."""
        with self.store.session() as s:
            return set(s.exec(select(id_col(Resource.id)).where(col(Resource.active).is_(True))))

    def by_id(self, app_id: int) -> App | None:
        if not is_row_id(app_id):
            return None
        with self.store.session() as s:
            return s.get(App, app_id)

    def by_slug(self, slug: str) -> App | None:
        with self.store.session() as s:
            return s.exec(select(App).where(App.slug == slug)).first()

    def all(self) -> list[App]:
        with self.store.session() as s:
            return list(s.exec(select(App).order_by(App.slug)))

    def slug_free(self, slug: str, except_app: int | None = None) -> bool:
        with self.store.session() as s:
            found = s.exec(select(App.id).where(App.slug == slug)).first()
        return found is None or found == except_app

    def free_slug(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`, … whichever no app has yet."""
        with self.store.session() as s:
            taken = set(s.exec(select(App.slug).where(col(App.slug).startswith(base))))
        if base not in taken:
            return base
        n = 2
        while f"{base[:55]}-{n}" in taken:
            n += 1
        return f"{base[:55]}-{n}"

    def summaries(self) -> list[AppSummary]:
        """Every app with its derived status and submissions count, most recently changed first."""
        now = self.store.now()
        with self.store.session() as s:
            apps = list(s.exec(select(App).order_by(col(App.updated_at).desc(), col(App.id).desc())))
            counts = dict(s.exec(select(Submission.app_id, func.count()).group_by(col(Submission.app_id))).all())
            versions = version_refs(s)
        summaries = []
        for a in apps:
            assert a.id is not None  # read from the database
            live, scheduled = live_and_scheduled(versions.get(a.id, []), now)
            draft = draft_hash(a)
            status = staff_status(now, as_utc(a.retired_at), live, scheduled, draft)
            summaries.append(AppSummary(id=a.id, slug=a.slug, kind=a.kind, status=status,
                                        spec=a.draft_spec if draft is not None else shown_spec(a),
                                        revision=a.revision, updated_at=a.updated_at, updated_by=a.updated_by,
                                        submissions=counts.get(a.id, 0),
                                        live_version=live.number if live else None, damaged=draft is None))
        return summaries

    def state(self, app_id: int) -> AppState | None:
        if not is_row_id(app_id):
            return None
        now = self.store.now()
        with self.store.session() as s:
            app = s.get(App, app_id)
            if app is None:
                return None
            live, scheduled = live_and_scheduled(version_refs(s, app_id).get(app_id, []), now)
            open_drafts = s.exec(select(func.count()).select_from(Draft).where(
                Draft.app_id == app_id, col(Draft.submission_id).is_(None), Draft.expires_at > now)).one()
        retired_at = as_utc(app.retired_at)
        draft = draft_hash(app)
        return AppState(app=app, status=staff_status(now, retired_at, live, scheduled, draft),
                        live=live, scheduled=scheduled,
                        retire_at=retired_at if retired_at is not None and retired_at > now else None,
                        open_drafts=open_drafts, now=now, damaged=draft is None)

    def versions(self, app_id: int) -> list[AppVersion]:
        """Every version of the app, the newest first, cancelled ones included."""
        with self.store.session() as s:
            return list(s.exec(select(AppVersion).where(AppVersion.app_id == app_id)
                               .order_by(col(AppVersion.number).desc())))
