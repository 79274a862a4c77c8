"""An app's lifecycle: publish (now or at a time), call off a scheduled publication, retire (now or at a
time), call off a retirement, roll back to an earlier version.

Each command checks its own rules, changes what it must in one transaction, and writes one audit
line. Who may call them is the builder's business (builder/roles.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from generated_apps.domain.apps import Apps
from generated_apps.domain.errors import DraftChanged, LifecycleRefused, PublishRefused, SlugTaken
from generated_apps.domain.models import App, AppVersion, AuditEvent, as_utc
from generated_apps.domain.specs import (
    DAMAGED_DRAFT,
    readable_spec,
    retire_message_texts,
    spec_hash,
    spec_readings,
)
from generated_apps.domain.status import live_and_scheduled, version_refs
from generated_apps.domain.store import Store
from widgets import AppSpec, LocalizedText, lint


class Lifecycle:
    def __init__(self, store: Store) -> None:
        self.store = store

    def publish(self, slug: str, by: str, *, at: dt.datetime | None = None, revision: int | None = None,
                warnings_acknowledged: bool = False) -> AppVersion:
        """Freeze the app's draft into the next immutable AppVersion, seen by residents from `at` (now by default).

        Refused (PublishRefused) while lint finds errors, which include the city's policy fields;
        refused (LifecycleRefused) when lint has warnings not acknowledged, or `at` is in the past.
        With `revision`, DraftChanged when the draft is no longer the one the admin reviewed.
        A newer publish replaces a version still waiting for its time. Publishing a retired app re-opens it.
        """
        now = self.store.now()
        if at is not None:
            at = as_utc(at)
            if at < now - dt.timedelta(minutes=1):
                raise LifecycleRefused("The publishing time {at} has already passed", at=at)
            at = at if at > now else None  # a minute ago means now
        for _attempt in range(3):
            with self.store.session() as s:
                app = s.exec(select(App).where(App.slug == slug)).first()
                if app is None:
                    raise LookupError(slug)
                if revision is not None and app.revision != revision:
                    raise DraftChanged(app.revision)
                spec = readable_spec(app.draft_spec)
                if spec is None:
                    raise PublishRefused([DAMAGED_DRAFT])
                issues = lint(spec, Apps(self.store).facility_ids())
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
                self.store.forget_live()  # the address may have moved
                return version
        raise LifecycleRefused("Someone else is publishing this app at this moment. Try again")

    def _next_version(self, s: Session, app: App, spec: AppSpec, by: str, now: dt.datetime, *,
                      at: dt.datetime | None = None, rollback_of: int | None = None,
                      ) -> tuple[AppVersion, dict[str, Any]]:
        """Add version N+1 of `app` with `spec`, seen from `at` (now by default), replacing any version
        still waiting; published now, it re-opens a retired app (a retirement still to come stays).
        The audit detail so far. IntegrityError (flushed) when another admin took the number meanwhile."""
        assert app.id is not None  # the callers read it from the database
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

    @staticmethod
    def _cancel_waiting(s: Session, app_id: int, now: dt.datetime, by: str) -> list[int]:
        """Cancel the app's versions still waiting for their time: the numbers cancelled."""
        waiting = list(s.exec(select(AppVersion).where(AppVersion.app_id == app_id,
                                                       col(AppVersion.cancelled_at).is_(None),
                                                       AppVersion.published_at > now)))
        for version in waiting:
            version.cancelled_at, version.cancelled_by = now, by
            s.add(version)
        return [v.number for v in waiting]

    def cancel_scheduled(self, app_id: int, by: str) -> int:
        """Withdraw the version waiting for its time (residents never saw it): its number."""
        with self.store.session() as s:
            app = _app(s, app_id)
            cancelled = self._cancel_waiting(s, app_id, self.store.now(), by)
            if not cancelled:
                raise LifecycleRefused("No publication of this app is waiting for its time")
            s.add(AuditEvent(actor=by, action="app.unschedule", app_id=app_id, target=app.slug,
                             detail={"versions": cancelled}))
            s.commit()
        self.store.forget_live()
        return cancelled[0]

    def retire(self, slug: str, by: str, message: LocalizedText | Mapping[str, str] | str | None = None,
               at: dt.datetime | None = None, successor_id: int | None = None) -> None:
        """Retire the app now or at `at`: residents then see the service-ended page, with `message` (by
        language; a string is Japanese) in their language, the help phone and a link to the successor app.
        Refused for an app never published, for a time already past or not after a scheduled publication,
        and for a successor that is this app or missing. A language the app offers but the message lacks
        is the builder's to warn about (widgets.lint.retire_message_issues), never refused here."""
        texts = retire_message_texts(message)
        now = self.store.now()
        with self.store.session() as s:
            app = s.exec(select(App).where(App.slug == slug)).first()
            if app is None:
                raise LookupError(slug)
            assert app.id is not None  # read from the database
            live, scheduled = live_and_scheduled(version_refs(s, app.id).get(app.id, []), now)
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
                    raise LifecycleRefused(
                        "The retirement time must be after the scheduled publication on {publish_at}",
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
        self.store.forget_live()

    def cancel_retirement(self, app_id: int, by: str) -> None:
        """Call off a retirement that has not yet taken effect. Its message is kept, for the next one."""
        now = self.store.now()
        with self.store.session() as s:
            app = _app(s, app_id)
            retired_at = as_utc(app.retired_at)
            if retired_at is None or retired_at <= now:
                raise LifecycleRefused("No retirement of this app is waiting for its time")
            app.retired_at = app.successor_id = None
            s.add(app)
            s.add(AuditEvent(actor=by, action="app.unretire", app_id=app_id, target=app.slug,
                             detail={"was_at": retired_at.isoformat()}))
            s.commit()
        self.store.forget_live()

    def rollback(self, app_id: int, number: int, by: str) -> AppVersion:
        """Publish again the spec of earlier version `number`, as the next version, at today's address.
        The draft is left as it is; a retired app is re-opened."""
        for _attempt in range(3):
            now = self.store.now()
            with self.store.session() as s:
                app = _app(s, app_id)
                earlier = s.exec(select(AppVersion).where(AppVersion.app_id == app_id,
                                                          AppVersion.number == number)).first()
                if earlier is None or earlier.cancelled_at is not None or as_utc(earlier.published_at) > now:
                    raise LifecycleRefused("There is no version {number} of this app that residents have seen",
                                           number=number)
                live, _scheduled = live_and_scheduled(version_refs(s, app_id).get(app_id, []), now)
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
            self.store.forget_live()
            return version
        raise LifecycleRefused("Someone else is publishing this app at this moment. Try again")


def _app(s: Session, app_id: int) -> App:
    app = s.get(App, app_id)
    if app is None:
        raise LookupError(app_id)
    return app
