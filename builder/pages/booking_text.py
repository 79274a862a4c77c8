"""How the facility-booking screens write days, times and counts for staff, in their language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from generated_apps.domain.booking_rules import WEEKDAYS
from generated_apps.domain.bookings import SlotView
from generated_apps.domain.errors import Refused
from generated_apps.domain.models import Booking, Slot
from widgets import N_

from ..i18n import _

WEEKDAY_NAMES = {"mon": N_("Monday"), "tue": N_("Tuesday"), "wed": N_("Wednesday"), "thu": N_("Thursday"),
                 "fri": N_("Friday"), "sat": N_("Saturday"), "sun": N_("Sunday")}
WEEKDAY_SHORT = {"mon": N_("Mon"), "tue": N_("Tue"), "wed": N_("Wed"), "thu": N_("Thu"), "fri": N_("Fri"),
                 "sat": N_("Sat"), "sun": N_("Sun")}
# Why a booking stands in the way of a change to its facility (AffectedBooking.reason).
REASONS = {"capacity": N_("Fewer places than bookings"), "leaves": N_("This time leaves the schedule"),
           "changes": N_("This time changes"), "closes": N_("This day closes")}


def refusal(refused: Refused) -> str:
    """A store's refusal in the staff member's language, a weekday in it (`day`) too."""
    params = dict(refused.params)
    if params.get("day") in WEEKDAY_NAMES:
        params["day"] = _(WEEKDAY_NAMES[params["day"]])
    return _(refused.msgid, **params)


def clock(moment: dt.datetime, zone: str) -> str:
    """A stored time (UTC; naive from SQLite means UTC) as the city's clock shows it: 09:30."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(ZoneInfo(zone)).strftime("%H:%M")


def city_date(moment: dt.datetime, zone: str) -> dt.date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(ZoneInfo(zone)).date()


def day_name(day: dt.date) -> str:
    """2026-12-05 (Sat)."""
    return _("{date} ({weekday})", date=day.isoformat(), weekday=_(WEEKDAY_SHORT[WEEKDAYS[day.weekday()]]))


def time_span(slot: Slot, zone: str) -> str:
    return f"{clock(slot.starts_at, zone)}–{clock(slot.ends_at, zone)}"


def counts(view: SlotView) -> str:
    return _("{booked} of {capacity} booked", booked=view.slot.booked, capacity=view.slot.capacity)


def state(view: SlotView) -> str:
    """Closed, full, or how many places are left."""
    if view.slot.closed:
        return _("Closed")
    if view.left == 0:
        return _("Full")
    return _("{left} left", left=view.left)


def entered_by(booking: Booking) -> str:
    """Who entered the booking: a member of staff's user name, or the resident online."""
    return booking.entered_by or _("Online (the resident)")
