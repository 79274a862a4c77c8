"""A resident finding what they sent again, with no account: the reference number on their confirmation
and the last four digits of the phone number they gave.

The cancel page (bookings) and the status page (consultations) read the two fields, refuse a form
without its CSRF token, and limit tries the same way, in the database (attempts.py) so that the limits
hold across every process and restart: per reference number, whether anyone has it or not, and per
client address. Every look-up that finds nothing gets one answer (`NOT_FOUND`, 422): a wrong number,
wrong digits, another app's number and a number that has had too many tries are told apart by nothing,
and that answer always says how to reach the office, so a resident whose number a stranger has worn
out still knows what to do.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import defaultdict, deque
from dataclasses import dataclass, field

from starlette.datastructures import MultiDict
from starlette.requests import Request

from generated_apps.domain.attempts import Attempts, Limit
from generated_apps.domain.i18n import Translator
from generated_apps.domain.refnum import parse_reference
from generated_apps.domain.store import Store
from generated_apps.web.forms import CSRF_COOKIE, HONEYPOT, csrf_ok
from widgets import N_
from widgets.text import has_unmeant_digits

# Wrong tries at one reference number: then it is looked up by phone only until a day after the last.
# At most 5 guesses a day at 10,000 possible digits: half the digits take over two and a half years.
REFERENCE = Limit("lookup-reference", free=5, window=24 * 3600)
# Wrong tries from one client address, whatever the numbers: then a wait of 15 minutes after the last.
CLIENT = Limit("lookup-client", free=20, window=15 * 60)
NOT_FOUND = N_("We could not find it with that reference number and phone number. Please check both numbers "
               "and try again. If it still cannot be found, please call us.")
TOO_MANY = N_("There have been too many tries. Please wait 15 minutes, or call us.")


POST_PERIOD = 600.0  # seconds: the window of the limit on forms sent (Settings.post_limit)


class PostLimit:
    """Forms sent per client address in this process: past the limit, refused until the window moves on."""

    def __init__(self, limit: int, period: float = POST_PERIOD) -> None:
        self.limit, self.period = limit, period
        self._sent: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, client: str) -> deque[float]:
        sent, now = self._sent[client], time.monotonic()
        while sent and sent[0] < now - self.period:
            sent.popleft()
        return sent

    def allows(self, client: str) -> bool:
        """Whether this client may send one more form now (and count it)."""
        if self.limit <= 0:
            return True
        if len(self._sent) > 10_000:  # never grows without bound
            self._sent.clear()
        sent = self._recent(client)
        if len(sent) >= self.limit:
            return False
        sent.append(time.monotonic())  # one more inside the window
        return True


@dataclass
class Lookup:
    """The two fields as sent. Unless `ready`, the page comes back at once: with `status` and a `notice`
    or field `errors` (values kept), or, for a bot that filled in the honeypot, as a plain redirect.
    `ready` means a try is counted: the view looks the record up, then says `found` or `not_found`."""

    values: dict[str, str]  # as typed, to show again
    client: str
    reference: str = ""  # as parse_reference reads it; set whenever `ready`
    last4: str = ""
    status: int = 200
    notice: str | None = None
    call: bool = False  # the notice says how to reach the office
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message
    bot: bool = False

    @property
    def ready(self) -> bool:
        return self.status == 200 and not self.bot

    def not_found(self, tr: Translator) -> Lookup:
        """The one answer to every look-up that finds nothing, whatever the reason."""
        self.status, self.notice, self.call = 422, tr.gettext(NOT_FOUND), True
        return self


class Lookups:
    """The resident site's look-ups, with their limits counted in the database."""

    def __init__(self, store: Store, secret: bytes) -> None:
        self.secret = secret  # the site's: CSRF tokens, and the keys of the counts
        self.attempts = Attempts(store, secret)

    def read(self, request: Request, form: MultiDict, tr: Translator) -> Lookup:
        """The fields of the form, checked, and one try counted (or refused) when they are well formed."""
        values = {name: str(form.get(name, ""))[:40] for name in ("reference", "last4")}
        lookup = Lookup(values, request.client.host if request.client else "?")
        if not csrf_ok(self.secret, request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            lookup.status = 400
            lookup.notice = tr.gettext("For your security, please press the button again. What you entered is kept.")
            return lookup
        if form.get(HONEYPOT):
            lookup.bot = True
            return lookup
        reference = parse_reference(values["reference"])
        lookup.last4 = unicodedata.normalize("NFKC", values["last4"]).strip()
        if reference is None:
            lookup.errors["reference"] = tr.gettext("Enter the reference number as it is on your confirmation, "
                                                    "for example 1234-5678")
        else:
            lookup.reference = reference
        if not re.fullmatch(r"[0-9]{4}", lookup.last4) or has_unmeant_digits(values["last4"]):  # ³³³¹ is not 3331
            lookup.errors["last4"] = tr.gettext("Enter the last 4 digits of your phone number, for example 3331")
        if lookup.errors:
            lookup.status = 422
            return lookup
        # Counted before the record is looked at: tries sent together, to any server, cannot pass the limit.
        taken = self.attempts.take({REFERENCE: lookup.reference, CLIENT: lookup.client})
        if CLIENT.name in taken.refused:
            lookup.status, lookup.notice, lookup.call = 429, tr.gettext(TOO_MANY), True
        elif not taken.ok:
            lookup.not_found(tr)
        return lookup

    def found(self, lookup: Lookup) -> None:
        """The right digits: the number's count is forgotten and the address's try given back."""
        self.attempts.forget(REFERENCE, lookup.reference)
        self.attempts.give_back(CLIENT, lookup.client)
