"""A resident finding what they sent again, with no account: the reference number on their confirmation
and the last four digits of the phone number they gave.

The cancel page (bookings) and the status page (consultations) read the two fields, refuse a form
without its CSRF token, and count wrong tries per address, the same way.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import defaultdict, deque
from dataclasses import dataclass, field

from starlette.datastructures import MultiDict
from starlette.requests import Request

from .forms import CSRF_COOKIE, HONEYPOT, csrf_ok
from .i18n import Translator
from .refnum import parse_reference

# Wrong tries from one address; each record also counts its own (Bookings.CANCEL_TRIES, STATUS_TRIES).
CLIENT_TRIES, CLIENT_PERIOD = 20, 15 * 60


class Tries:
    """Wrong tries per client address in this process, forgotten after `period` seconds."""

    def __init__(self, limit: int = CLIENT_TRIES, period: float = CLIENT_PERIOD) -> None:
        self.limit, self.period = limit, period
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, client: str) -> deque[float]:
        failures, now = self._failures[client], time.monotonic()
        while failures and failures[0] < now - self.period:
            failures.popleft()
        return failures

    def blocked(self, client: str) -> bool:
        return len(self._recent(client)) >= self.limit

    def failed(self, client: str) -> None:
        if len(self._failures) > 10_000:  # never grows without bound
            self._failures.clear()
        self._recent(client).append(time.monotonic())


POST_PERIOD = 600.0  # seconds: the window of the limit on forms sent (Settings.post_limit)


class PostLimit(Tries):
    """Forms sent per client address in this process: past the limit, refused until the window moves on."""

    def __init__(self, limit: int, period: float = POST_PERIOD) -> None:
        super().__init__(limit, period)

    def allows(self, client: str) -> bool:
        """Whether this client may send one more form now (and count it)."""
        if self.limit <= 0:
            return True
        if self.blocked(client):
            return False
        self.failed(client)  # one more try inside the window
        return True


@dataclass
class Lookup:
    """The two fields as sent. Unless `ready`, the page comes back at once: with `status` and a `notice`
    or field `errors` (values kept), or, for a bot that filled in the honeypot, as a plain redirect."""

    values: dict[str, str]  # as typed, to show again
    client: str
    reference: str | None = None
    last4: str = ""
    status: int = 200
    notice: str | None = None
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message
    bot: bool = False

    @property
    def ready(self) -> bool:
        return self.status == 200 and not self.bot


def read_lookup(request: Request, form: MultiDict, secret: bytes, tries: Tries, tr: Translator) -> Lookup:
    values = {name: str(form.get(name, ""))[:40] for name in ("reference", "last4")}
    lookup = Lookup(values, request.client.host if request.client else "?")
    if not csrf_ok(secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
        lookup.status = 400
        lookup.notice = tr.gettext("For your security, please press the button again. What you entered is kept.")
        return lookup
    if form.get(HONEYPOT):
        lookup.bot = True
        return lookup
    lookup.reference = parse_reference(values["reference"])
    lookup.last4 = unicodedata.normalize("NFKC", values["last4"]).strip()
    if lookup.reference is None:
        lookup.errors["reference"] = tr.gettext("Enter the reference number as it is on your confirmation, "
                                                "for example 1234-5678")
    if not re.fullmatch(r"[0-9]{4}", lookup.last4):
        lookup.errors["last4"] = tr.gettext("Enter the last 4 digits of your phone number, for example 3331")
    if lookup.errors:
        lookup.status = 422
    elif tries.blocked(lookup.client):
        lookup.status = 429
        lookup.notice = tr.gettext("There have been too many tries. Please wait 15 minutes, or call us.")
    return lookup
