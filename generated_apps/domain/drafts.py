"""Residents' drafts: the answers of one resident to one app, kept while they type, sent once."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from generated_apps.domain.models import AuditEvent, Draft, Submission
from generated_apps.domain.refnum import new_reference
from generated_apps.domain.search_text import search_text
from generated_apps.domain.store import Store

# A resident's draft lives long after they stop typing (ACCESSIBILITY.md item 15 asks for 20 hours).
DRAFT_LIFETIME = dt.timedelta(days=7)
DRAFT_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class Drafts:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, draft_id: str | None, app_id: int) -> Draft | None:
        """The resident's draft for this app, if the id is real and not expired."""
        if not draft_id or not DRAFT_ID.fullmatch(draft_id):
            return None
        with self.store.session() as s:
            draft = s.get(Draft, draft_id)
        if draft is None or draft.app_id != app_id or draft.expires_at <= self.store.now():
            return None
        return draft

    def create(self, app_id: int, version_id: int, answers: dict[str, Any], access_point: str | None = None) -> Draft:
        now = self.store.now()
        draft = Draft(id=secrets.token_urlsafe(32), app_id=app_id, version_id=version_id, answers=answers,
                      created_at=now, updated_at=now, expires_at=now + DRAFT_LIFETIME, access_point=access_point)
        with self.store.session() as s:
            s.add(draft)
            s.commit()
        return draft

    def save_answers(self, draft_id: str, answers: dict[str, Any]) -> None:
        now = self.store.now()
        with self.store.session() as s:
            s.exec(
                update(Draft)
                .where(col(Draft.id) == draft_id, col(Draft.submission_id).is_(None))
                .values(answers=answers, updated_at=now, expires_at=now + DRAFT_LIFETIME)
            )
            s.commit()

    def submit(self, draft: Draft, answers: dict[str, Any], lang: str,
               along: Callable[[Session, Submission], None] | None = None, *,
               entered_by: str | None = None) -> Submission:
        """Turn a draft into a submission, once: submitting twice returns the first submission.
        `along` does more in the same transaction (takes a booking's place): what it raises undoes all.
        `entered_by`: the member of staff who entered it for a resident (at the counter), audited with it."""
        for _attempt in range(20):
            with self.store.session() as s:
                existing = s.exec(select(Submission).where(Submission.draft_id == draft.id)).first()
                if existing is not None:
                    return existing
                reference = new_reference()
                submission = Submission(app_id=draft.app_id, version_id=draft.version_id, reference=reference,
                                        answers=answers, lang=lang, draft_id=draft.id, entered_by=entered_by,
                                        access_point=draft.access_point, created_at=self.store.now(),
                                        search_text=search_text(reference, answers))
                s.add(submission)
                if entered_by is not None:
                    s.add(AuditEvent(actor=entered_by, action="submission.counter", app_id=draft.app_id,
                                     target=reference, at=self.store.now()))
                try:
                    s.flush()
                    if along is not None:
                        along(s, submission)
                except IntegrityError:
                    # Another request submitted this draft just now, or the reference number was taken.
                    s.rollback()
                    continue
                s.exec(update(Draft).where(col(Draft.id) == draft.id).values(submission_id=submission.id))
                s.commit()
                return submission
        raise RuntimeError("could not store the submission")
