"""Why a command of the domain was not carried out: every refusal the domain raises, in one place.

`Refused` carries a message id (with its parameters) that the staff side translates; a `BookingRefused`
also its `Refusal` code, which a resident's page decides on. The others carry what a page needs to
explain itself (the lint errors, the revision someone else saved).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
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


class Refusal(StrEnum):
    """Why a booking, a cancellation or a change to a resource was refused: what callers decide on
    (a resident's page chooses its message by it), never the wording of the message."""

    FULL = "full"
    OUTSIDE_WINDOW = "window"
    MONTHLY_LIMIT = "limit"
    CANNOT_BOOK = "cannot"  # no such time, its facility closed or inactive
    CLOSED = "closed"
    NO_NAME_OR_PHONE = "no_name_or_phone"
    NO_MATCH = "no_match"  # no booking with that reference number (and phone digits)
    SAME_TIME = "same_time"
    NO_SUCH_TIME = "no_such_time"
    NO_SUCH_RESOURCE = "no_such_resource"
    BAD_SETTING = "bad_setting"  # a resource's settings as staff typed them
    BOOKINGS_IN_THE_WAY = "bookings_in_the_way"


class BookingRefused(Refused):
    """A booking or cancellation that cannot be made: `code` says why (full, outside the window, …),
    `msgid` says it in words."""

    # A change to a resource refused because of bookings already taken: the residents staff must call.
    bookings: tuple[AffectedBooking, ...] = ()

    def __init__(self, msgid: str, code: Refusal, **params: Any) -> None:
        super().__init__(msgid, **params)
        self.code = code


@dataclass(frozen=True)
class AffectedBooking:
    """A booking that stands in the way of a change to its resource. `reason`: capacity (fewer places than
    bookings), leaves (its time leaves the schedule), changes (its time changes), closes (its day closes)."""

    reference: str
    name: str
    phone: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str
