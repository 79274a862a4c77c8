"""Why a command of the domain was not carried out: every refusal the domain raises, in one place.

`Refused` carries a message id (with its parameters) that the staff side translates; the others carry
what a page needs to explain itself (the lint errors, the revision someone else saved).
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class Refused(Exception):
    """A command that cannot be carried out as asked: `msgid` (with `params`) says why, for staff."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid.format(**params))
        self.msgid, self.params = msgid, params


class LifecycleRefused(Refused):
    """Publishing, scheduling, retiring or rolling back refused."""


class UserChangeRefused(Refused):
    """A change to a staff account refused (the last admin, a name taken)."""


class SubmissionRefused(Refused):
    """A change staff asked for that cannot be made, or a resident's look that is refused: `msgid` says why."""


class PublishRefused(Exception):
    """The draft cannot be published: lint's errors, as messages to translate."""

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


class DraftChanged(Exception):
    """The draft changed after the admin reviewed it for publishing: review it again."""
