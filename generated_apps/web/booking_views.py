"""The resident's side of facility bookings, beside the form's own pages (form_views.py).

The slot picker's week of times, the check of a chosen time when its page is sent, the booking on
the confirmation page with its calendar file, and cancelling with the reference number and the
last four digits of the phone number. The place itself is taken at submit (Bookings.submit).

The booking pages (cancel, cancelled, booking.ics) exist only for an app that takes bookings, and find
only bookings made with that app's own form; at any other app they answer as an unknown app does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from functools import cached_property
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import icalendar
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MultiDict
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from generated_apps.domain import flow, i18n
from generated_apps.domain.bookings import Bookings
from generated_apps.domain.errors import BookingRefused, Refusal
from generated_apps.domain.live import LiveApp
from generated_apps.domain.models import Booking, Resource, Slot, as_utc
from generated_apps.domain.store import Store
from generated_apps.web.cookies import set_cookie
from generated_apps.web.lookup import Lookup, Lookups
from generated_apps.web.modes import Live
from generated_apps.web.pages import Pages
from generated_apps.web.resolve import Resolver, spec_of
from widgets import N_, AppSpec
from widgets.slot_picker import SlotPicker, clock_time, day_label, slot_words

# ?refused=CODE on the slot page after a place could not be had at submit: what the resident reads.
REFUSALS = {
    Refusal.FULL: N_("Sorry, the time you chose was booked by someone else just now. Please choose another time."),
    Refusal.OUTSIDE_WINDOW: N_("The time you chose can no longer be booked online. Please choose another time."),
    Refusal.MONTHLY_LIMIT: N_("Your phone number already has the most bookings allowed in that month. "
                              "Please choose a day in another month, or call us."),
    Refusal.CANNOT_BOOK: N_("That time cannot be booked. Choose another"),
}
WEEK = dt.timedelta(days=7)
# After cancelling, the next page learns which booking from a cookie that lasts a few minutes, never from
# its address: an address lands in every access log on the way (ours, a proxy's) and in the history.
CANCELLED_SECONDS = 10 * 60


def cancelled_cookie(app_id: int) -> str:
    return f"mdg_cancelled_{app_id}"


def refusal_code(refused: BookingRefused) -> Refusal:
    """The code a slot page is sent back with: one it has a message for, else "cannot be booked"."""
    return refused.code if refused.code in REFUSALS else Refusal.CANNOT_BOOK


def refusal_message(code: str) -> str | None:
    """The message for a slot page's ?refused= code, or None for none or one we never send."""
    return next((message for refusal, message in REFUSALS.items() if refusal.value == code), None)


def takes_bookings(spec: AppSpec) -> bool:
    """An app residents book with: a reservation, or any app with a slot picker."""
    return spec.kind == "reservation" or any(isinstance(q, SlotPicker) for q in spec.questions())


class BookingViews:
    def __init__(self, store: Store, bookings: Bookings, mode: Live, pages: Pages, resolver: Resolver,
                 time_zone: str) -> None:
        self.store, self.bookings, self.mode, self.pages, self.resolver = store, bookings, mode, pages, resolver
        self.zone = ZoneInfo(time_zone)

    @cached_property
    def lookups(self) -> Lookups:
        return Lookups(self.store, self.pages.secret)

    # --- the slot picker ----------------------------------------------------------------------------

    def picker(self, request: Request, widget: SlotPicker, page_url: str) -> dict[str, Any]:
        """A week of the facility's times for the slot picker's template, from the week the resident
        asked for (?week=), kept inside the booking window."""
        resource = self.bookings.resource(widget.resource)
        if resource is None or not resource.active:
            return {"unavailable": True}
        tr = self.pages.translator(request)
        earliest, latest = self.bookings.window(resource)
        first, last = earliest.astimezone(self.zone).date(), latest.astimezone(self.zone).date()
        try:
            week = dt.date.fromisoformat(request.query_params.get("week", ""))
        except ValueError:
            week = first
        week = min(max(week, first), max(last - WEEK + dt.timedelta(days=1), first))
        end = min(week + WEEK - dt.timedelta(days=1), last)
        by_day: dict[dt.date, list[dict[str, Any]]] = {week + dt.timedelta(days=n): []
                                                       for n in range((end - week).days + 1)}
        for view in self.bookings.slots(resource, week, end):
            if as_utc(view.slot.starts_at) < earliest:
                continue  # too soon to book online: nothing to choose, only a row between the question and its times
            starts = as_utc(view.slot.starts_at).astimezone(self.zone)
            ends = as_utc(view.slot.ends_at).astimezone(self.zone)
            by_day[starts.date()].append({
                "id": view.slot.id, "time": f"{clock_time(starts)}〜{clock_time(ends)}", "bookable": view.bookable,
                "words": self._left_words(tr, view.slot, view.left, view.bookable)})
        keep = {"change": "1"} if request.query_params.get("change") == "1" else {}

        def week_url(day: dt.date) -> str:
            return f"{page_url}?{urlencode({**keep, 'week': day.isoformat()})}"

        return {
            "unavailable": False,
            "week": tr.gettext("{first} to {last}").format(first=day_label(week, tr.lang),
                                                           last=day_label(end, tr.lang)),
            "days": [{"iso": day.isoformat(), "label": day_label(day, tr.lang), "slots": slots}
                     for day, slots in by_day.items()],
            "previous_url": week_url(max(week - WEEK, first)) if week > first else None,
            "next_url": week_url(week + WEEK) if week + WEEK <= last else None,
        }

    @staticmethod
    def _left_words(tr: i18n.Translator, slot: Slot, left: int, bookable: bool) -> str:
        if slot.closed:
            return tr.gettext("Closed")
        if left == 0:
            return tr.gettext("Full")
        if not bookable:
            return tr.gettext("Not bookable online")
        return tr.gettext("{left} left").format(left=left)

    def check_choices(self, spec: AppSpec, index: int, answers: Mapping[str, Any],
                      updates: dict[str, Any]) -> list[flow.FieldError]:
        """Check each time chosen on this page against the database, and keep it with its times so
        that the check page and the confirmation can say it in words. The place is taken at submit."""
        errors = []
        for question in flow.visible_questions(spec, answers, index):
            if not isinstance(question, SlotPicker) or not isinstance(updates.get(question.key), dict):
                continue
            slot = self.bookings.slot(updates[question.key]["slot"])
            problem = self.bookings.why_not(slot, self.bookings.resource(question.resource))
            if problem:
                errors.append(flow.FieldError(question, problem, {}))
                continue
            assert slot is not None  # why_not has a problem with a slot that does not exist
            updates[question.key] = {"slot": slot.id,
                                     "starts_at": as_utc(slot.starts_at).astimezone(self.zone).isoformat(),
                                     "ends_at": as_utc(slot.ends_at).astimezone(self.zone).isoformat()}
        return errors

    # --- after booking ------------------------------------------------------------------------------

    def booked(self, request: Request, submission_id: int) -> list[dict[str, str]]:
        """The bookings a submission made, as the confirmation page says them."""
        lang = self.pages.translator(request).lang
        return [{"reference": booking.reference, "facility": resource.name, "when": self._when(slot, lang)}
                for booking, slot, resource in self.bookings.bookings_of(submission_id) if booking.status == "booked"]

    def _when(self, slot: Slot, lang: str) -> str:
        return slot_words(as_utc(slot.starts_at).astimezone(self.zone), as_utc(slot.ends_at).astimezone(self.zone),
                          lang)

    async def calendar_file(self, request: Request) -> Response:
        return await run_in_threadpool(self._calendar_file, request)

    def _booking_app(self, request: Request) -> LiveApp | Response:
        """The app in the address, if it takes bookings (a retired one too: its bookings can still be
        cancelled); else the not-found page, as for an app that does not exist."""
        live = self.resolver.app(request, retired_ok=True)
        if isinstance(live, Response) or takes_bookings(spec_of(live)):
            return live
        return self.pages.not_found(request)

    def _calendar_file(self, request: Request) -> Response:
        """The resident's bookings as an iCalendar file, for the phone's calendar. Only for the browser
        that made them (the draft cookie): nothing in the address says whose booking it is."""
        live = self._booking_app(request)
        if isinstance(live, Response):
            return live
        draft = self.resolver.draft(request, live)
        booked = self.bookings.bookings_of(draft.submission_id) if draft and draft.submission_id else []
        booked = [row for row in booked if row[0].status == "booked"]
        if not booked:
            return self.pages.not_found(request, live.spec)
        lang = self.pages.translator(request).lang
        body = self.ical(live, booked, lang)
        return Response(body, media_type="text/calendar; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="booking-{booked[0][0].reference}.ics"',
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    def ical(self, live: LiveApp, booked: list[tuple[Booking, Slot, Resource]], lang: str) -> bytes:
        tr = i18n.Translator(lang)
        phone = self.pages.help_block(live.spec)["phone"]
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Madoguchi//Facility bookings//JA")
        calendar.add("version", "2.0")
        for booking, slot, resource in booked:
            event = icalendar.Event()
            event.add("uid", f"{booking.reference}@madoguchi")
            event.add("dtstamp", self.store.now())
            event.add("dtstart", as_utc(slot.starts_at).astimezone(self.zone))
            event.add("dtend", as_utc(slot.ends_at).astimezone(self.zone))
            event.add("summary", f"{resource.name} – {tr.text(spec_of(live).title)}")
            event.add("location", resource.name)
            event.add("description", tr.gettext("Reference number {reference}. To cancel, call {phone}.").format(
                reference=booking.reference, phone=phone))
            calendar.add_component(event)
        calendar.add_missing_timezones()
        body: bytes = calendar.to_ical()
        return body

    # --- cancelling -----------------------------------------------------------------------------------

    async def cancel_form(self, request: Request) -> Response:
        return await run_in_threadpool(self._cancel_page, request)

    def _cancel_page(self, request: Request, status: int = 200, *, values: dict[str, str] | None = None,
                     errors: dict[str, str] | None = None, found: tuple[Booking, Slot, Resource] | None = None,
                     notice: str | None = None, call: bool = False) -> Response:
        live = self._booking_app(request)
        if isinstance(live, Response):
            return live
        errors = errors or {}
        when = self._when(found[1], self.pages.translator(request).lang) if found else None
        title = N_("Cancel this booking?") if found else N_("Cancel a booking")
        return self.pages.render(
            request, "cancel.html", status, spec=live.spec, app=live, title=title, values=values or {},
            errors=errors, error_links=[{"field_id": f"f-{k}", "text": v} for k, v in errors.items()], found=found,
            when=when, notice=notice, call=call, action=self.mode.url(live, "/cancel"), back_url=self.mode.url(live))

    def cancel(self, request: Request, form: MultiDict) -> Response:
        """Two steps: the reference number and the phone's last four digits find the booking, which is
        shown; "Yes, cancel it" cancels it. Each step is a try, counted by lookup.Lookups."""
        live = self._booking_app(request)
        if isinstance(live, Response):
            return live
        tr = self.pages.translator(request)
        lookup = self.lookups.read(request, form, tr)
        if lookup.bot:
            return RedirectResponse(request.url.path, status_code=303)
        if not lookup.ready:
            return self._refused(request, lookup)
        if form.get("confirm") == "yes":
            return self._cancelling(request, live, lookup)
        found = self.bookings.find(live.app_id, lookup.reference, lookup.last4)
        if found is None:
            return self._refused(request, lookup.not_found(tr))
        self.lookups.found(lookup)
        return self._cancel_page(request, values=lookup.values, found=found)

    def _cancelling(self, request: Request, live: LiveApp, lookup: Lookup) -> Response:
        try:
            booking = self.bookings.cancel(lookup.reference, lookup.last4, app_id=live.app_id)
        except BookingRefused:
            return self._refused(request, lookup.not_found(self.pages.translator(request)))
        self.lookups.found(lookup)
        response = RedirectResponse(self.mode.url(live, "/cancelled"), status_code=303)
        proof = f"{booking.reference}.{self._sign(live.app_id, booking.reference)}"
        set_cookie(response, request, cancelled_cookie(live.app_id), proof, max_age=CANCELLED_SECONDS)
        return response

    def _refused(self, request: Request, lookup: Lookup) -> Response:
        return self._cancel_page(request, lookup.status, values=lookup.values, errors=lookup.errors,
                                 notice=lookup.notice, call=lookup.call)

    def _sign(self, app_id: int, reference: str) -> str:
        """Proof that this browser just cancelled the booking at this app, so the next page may name its time."""
        message = f"booking-cancelled\x00{app_id}\x00{reference}".encode()  # a prefix no other signature uses
        return hmac.new(self.pages.secret, message, hashlib.sha256).hexdigest()[:32]

    async def cancelled(self, request: Request) -> Response:
        return await run_in_threadpool(self._cancelled, request)

    def _cancelled(self, request: Request) -> Response:
        live = self._booking_app(request)
        if isinstance(live, Response):
            return live
        # Kept for the cookie's few minutes, not cleared here: the page's own language and reading-aid
        # links come back to this address, and so do a reload and the Back button.
        reference, _, token = request.cookies.get(cancelled_cookie(live.app_id), "")[:120].partition(".")
        # (compared as bytes: the cookie may hold any text)
        if not reference or not hmac.compare_digest(self._sign(live.app_id, reference).encode(), token.encode()):
            return RedirectResponse(self.mode.url(live, "/cancel"), status_code=303)
        found = self.bookings.booking(live.app_id, reference)
        when = self._when(found[1], self.pages.translator(request).lang) if found else None
        return self.pages.render(request, "cancelled.html", spec=live.spec, app=live, reference=reference,
                                when=when, facility=found[2].name if found else None, back_url=self.mode.url(live))
