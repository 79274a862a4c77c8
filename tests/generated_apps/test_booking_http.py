"""A resident books a facility over HTTP, with no JavaScript: the week of times, the check page, the
place taken at submit, the confirmation with its calendar file, and cancelling with the reference
number and the phone's last four digits. Real SQLite file, real ASGI app, a moved clock."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import ExitStack
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.bookings import Bookings, SlotView
from generated_apps.domain.errors import PublishRefused
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.models import Booking
from generated_apps.domain.refnum import check_digit, format_reference
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import Submissions
from generated_apps.web.asgi import create_app
from generated_apps.web.lookup import REFERENCE
from tests.htmlpage import form_fields, parse
from widgets import AppSpec

from .test_attack_corpus import CORPUS
from .test_lifecycle import Clock
from .test_resident_http import get, h1, post

JST = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 11, 16, 0, 0, tzinfo=dt.UTC)  # Monday 16 November 2026, 9:00 in Date City
WEEKLY = {"mon": [{"start": "09:00", "end": "12:00", "capacity": 10}],
          "sat": [{"start": "10:00", "end": "12:00", "capacity": 1}]}
SLUG = "gym"
PICK, NAME, PHONE = (f"/a/{SLUG}/p/{n}" for n in (1, 2, 3))
CHECK, SUBMIT, DONE, CANCEL, CANCELLED = (f"/a/{SLUG}/{tail}" for tail in ("check", "submit", "done", "cancel",
                                                                             "cancelled"))
SATURDAY_WORDS = "令和8年（2026年）11月21日（土）10:00〜12:00"
UNKNOWN = format_reference("1234567" + str(check_digit("1234567")))  # well formed, but nobody's


def booking_spec(resource_id: int) -> AppSpec:
    return AppSpec.model_validate({
        "slug": SLUG, "kind": "reservation", "title": {"ja": "体育館の予約", "en": "Book the gym"},
        "contact": {"phone": "0142-23-3331"}, "lifecycle": {"retention_days": 400, "no_end": True},
        "pages": [
            {"widgets": [{"type": "slot_picker", "key": "time", "resource": resource_id,
                          "label": {"ja": "使う日と時間", "en": "Day and time"}}]},
            {"widgets": [{"type": "name", "key": "name", "label": {"ja": "お名前", "en": "Your name"},
                          "reading": "none"}]},
            {"widgets": [{"type": "phone", "key": "phone", "label": {"ja": "電話番号", "en": "Phone number"}}]},
        ]})


def a_gym_time_three_days_ahead(store: Store, places: int) -> tuple[Bookings, SlotView]:
    """The gym with one two-hour time three days from now (Date City's day, open whatever day it is), and
    its booking app published: for the tests that book through real servers, on the real clock."""
    bookings = Bookings(store)
    day = (dt.datetime.now(JST) + dt.timedelta(days=3)).date()
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    gym = bookings.create_resource("体育館", {weekday: [{"start": "10:00", "end": "12:00", "capacity": places}]},
                                   by="kato", holidays_closed=False)
    [view] = bookings.slots(gym, day, day)
    Apps(store).save_app(booking_spec(gym.id), by="kato")
    Lifecycle(store).publish(SLUG, by="kato")
    return bookings, view


@pytest.fixture
def bookings(store) -> Bookings:
    store.clock = Clock(NOW)
    return Bookings(store)


@pytest.fixture
def gym(bookings):
    resource = bookings.create_resource("体育館", WEEKLY, by="kato", monthly_limit=2)
    spec = booking_spec(resource.id)
    Apps(bookings.store).save_app(spec, by="kato")
    Lifecycle(bookings.store).publish(SLUG, by="kato")
    return resource


@pytest.fixture
def browser(settings, store, gym):
    """Opens a new resident's browser (its own cookies): call it once per resident."""
    site = create_app(settings, store)
    with ExitStack() as stack:
        yield lambda: stack.enter_context(TestClient(site, follow_redirects=False, raise_server_exceptions=False))


@pytest.fixture
def resident(browser):
    return browser()


def saturday_slot(bookings, gym):
    return bookings.slots(gym, dt.date(2026, 11, 21), dt.date(2026, 11, 21))[0].slot


def radios(page) -> dict[str, str]:
    """Open times on the page: slot id -> the words beside its button."""
    return {i.attrs["value"]: page.find("label", **{"for": i.attrs["id"]}).text
            for i in page.find_all("input") if i.attrs.get("type") == "radio"}


def book_until_check(client, slot_id: int, name: str = "伊達 花子", phone: str = "0142-23-3331") -> None:
    post(client, PICK, {"time": str(slot_id)})
    post(client, NAME, {"name": name})
    assert post(client, PHONE, {"phone": phone}).headers["location"] == CHECK


def test_the_week_lists_each_day_with_its_times_and_what_is_left(resident, bookings, gym):
    page = get(resident, PICK)
    assert "使う日と時間" in h1(page)
    days = [h.text for h in page.find_all("h2", cls="slot-day")]
    # Today's times start within 24 hours: the week begins tomorrow, the first day residents may book.
    assert days == ["11月17日（火）", "11月18日（水）", "11月19日（木）", "11月20日（金）", "11月21日（土）",
                    "11月22日（日）", "11月23日（月）"]
    saturday = saturday_slot(bookings, gym)
    # 23 November is a holiday: no Monday times. The day is in each time's name (read out by screen readers).
    assert radios(page) == {str(saturday.id): "11月21日（土） 10:00〜12:00 残り1"}
    assert "この日は予約できる時間がありません" in page.text
    links = {a.text: a.attrs["href"] for a in page.find_all("a", cls="link-block")}
    assert links == {"次の週": f"{PICK}?week=2026-11-24"}  # no week before the first bookable day


def test_next_and_previous_week_stay_inside_the_booking_window(resident):
    page = get(resident, f"{PICK}?week=2026-11-24")
    assert page.find("h2", cls="slot-day").text == "11月24日（火）"
    links = {a.text: a.attrs["href"] for a in page.find_all("a", cls="link-block")}
    assert links["前の週"] == f"{PICK}?week=2026-11-17"
    far = get(resident, f"{PICK}?week=2030-01-01")  # past the 60 days: the last week of the window
    assert far.find_all("h2", cls="slot-day")[-1].text == "1月15日（金）"
    assert "次の週" not in {a.text for a in far.find_all("a", cls="link-block")}
    assert get(resident, f"{PICK}?week=not-a-date").find("h2", cls="slot-day").text == "11月17日（火）"


def test_a_resident_books_a_time_and_gets_a_reference_calendar_file_and_how_to_cancel(resident, bookings, gym, store):
    saturday = saturday_slot(bookings, gym)
    book_until_check(resident, saturday.id)
    check = get(resident, CHECK)
    assert SATURDAY_WORDS in [dd.text for dd in check.find_all("dd", cls="answer-value")]
    assert bookings.slot(saturday.id).booked == 0  # the place is taken at submit, not before

    assert post(resident, SUBMIT, {}, with_csrf_from=CHECK).headers["location"] == DONE
    done = get(resident, DONE)
    assert h1(done) == "予約が確定しました"
    reference = done.find("p", cls="reference").text
    assert done.find("dd", cls="booked-when").text == SATURDAY_WORDS
    links = {a.text: a.attrs["href"] for a in done.find_all("a", cls="link-block")}
    assert links["スマートフォンのカレンダーに入れる"] == f"/a/{SLUG}/booking.ics"
    assert links["予約を取り消す"] == CANCEL
    assert bookings.slot(saturday.id).booked == 1
    [submission] = Submissions(store).of_app(Apps(store).by_slug(SLUG).id)
    assert submission.reference == reference
    assert submission.answers["time"]["slot"] == saturday.id
    with store.session() as s:
        [booking] = s.exec(select(Booking)).all()
    assert (booking.reference, booking.name, booking.phone, booking.submission_id) == (
        reference, "伊達 花子", "0142233331", submission.id)


def test_the_calendar_file_parses_back_with_the_times_in_asia_tokyo(resident, browser, bookings, gym):
    saturday = saturday_slot(bookings, gym)
    book_until_check(resident, saturday.id)
    post(resident, SUBMIT, {}, with_csrf_from=CHECK)
    response = resident.get(f"/a/{SLUG}/booking.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert response.headers["cache-control"] == "no-store"
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2026, 11, 21, 10, 0, tzinfo=JST)
    assert event.decoded("dtend") == dt.datetime(2026, 11, 21, 12, 0, tzinfo=JST)
    assert str(event.get("dtstart").params["TZID"]) == "Asia/Tokyo"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    reference = get(resident, DONE).find("p", cls="reference").text
    assert reference in str(event["description"]) and "体育館" in str(event["summary"])
    assert browser().get(f"/a/{SLUG}/booking.ics").status_code == 404  # only the browser that booked


def test_two_residents_want_the_last_place_one_gets_it_the_other_chooses_again_with_answers_kept(
        browser, bookings, gym):
    saturday = saturday_slot(bookings, gym)  # one place
    first, second = browser(), browser()
    book_until_check(first, saturday.id)
    book_until_check(second, saturday.id, name="有珠 太郎", phone="090-1234-5678")
    assert post(first, SUBMIT, {}, with_csrf_from=CHECK).headers["location"] == DONE
    refused = post(second, SUBMIT, {}, with_csrf_from=CHECK)
    assert refused.headers["location"] == f"{PICK}?change=1&refused=full"
    page = get(second, refused.headers["location"])
    assert page.find("title").text.startswith("エラー:")
    assert "ほかの方が予約されました" in page.find("div", cls="error-summary").text
    assert str(saturday.id) not in radios(page)  # the full time is no longer a button
    assert bookings.slot(saturday.id).booked == 1

    monday = next(v.slot for v in bookings.slots(gym, dt.date(2026, 11, 30), dt.date(2026, 11, 30)))
    assert post(second, f"{PICK}?change=1", {"time": str(monday.id)}).headers["location"] == CHECK
    answers = [dd.text for dd in get(second, CHECK).find_all("dd", cls="answer-value")]
    assert answers == ["令和8年（2026年）11月30日（月）9:00〜12:00", "有珠 太郎", "090-1234-5678"]
    assert post(second, SUBMIT, {}, with_csrf_from=CHECK).headers["location"] == DONE


@pytest.mark.parametrize("choice", ["999999", "abc", "-1", "today", "other-resource"])
def test_a_tampered_or_unbookable_time_is_refused_on_its_page(resident, bookings, gym, choice):
    if choice == "today":  # starts within 24 hours: outside the window
        choice = str(bookings.slots(gym, dt.date(2026, 11, 16), dt.date(2026, 11, 16))[0].slot.id)
    if choice == "other-resource":
        other = bookings.create_resource("会議室A", WEEKLY, by="kato")
        choice = str(bookings.slots(other, dt.date(2026, 11, 21), dt.date(2026, 11, 21))[0].slot.id)
    page = parse(post(resident, PICK, {"time": choice}, status=422).text)
    assert page.find("title").text.startswith("エラー:")
    assert page.find("p", cls="error-message") is not None
    assert "mdg_draft_" not in str(resident.cookies)  # nothing stored


def test_the_time_page_is_never_served_from_the_page_cache(resident, bookings, gym):
    saturday = saturday_slot(bookings, gym)
    assert radios(get(resident, PICK))[str(saturday.id)].endswith("残り1")
    bookings.book(saturday.id, "窓口 予約", "0142-11-2222", by="kato")  # booked at the counter meanwhile
    page = get(resident, PICK)
    assert str(saturday.id) not in radios(page) and "満員" in page.text


def test_sending_the_same_form_twice_books_once(resident, bookings, gym, store):
    saturday = saturday_slot(bookings, gym)
    book_until_check(resident, saturday.id)
    token = form_fields(get(resident, CHECK))["csrf"]
    assert resident.post(SUBMIT, data={"csrf": token}).headers["location"] == DONE
    assert resident.post(SUBMIT, data={"csrf": token}).headers["location"] == DONE
    assert len(Submissions(store).of_app(Apps(store).by_slug(SLUG).id)) == 1 and bookings.slot(saturday.id).booked == 1


def test_the_monthly_limit_per_phone_sends_the_resident_back_to_choose(browser, bookings, gym):
    mondays = [v.slot for v in bookings.slots(gym, dt.date(2026, 12, 7), dt.date(2026, 12, 21))]
    for slot in mondays[:2]:
        bookings.book(slot.id, "伊達 花子", "0142-23-3331")
    resident = browser()
    book_until_check(resident, mondays[2].id)
    refused = post(resident, SUBMIT, {}, with_csrf_from=CHECK)
    assert refused.headers["location"] == f"{PICK}?change=1&refused=limit"
    assert "ほかの月" in get(resident, refused.headers["location"]).find("div", cls="error-summary").text
    assert bookings.slot(mondays[2].id).booked == 0


def booked_reference(resident, bookings, gym) -> str:
    book_until_check(resident, saturday_slot(bookings, gym).id)
    post(resident, SUBMIT, {}, with_csrf_from=CHECK)
    return get(resident, DONE).find("p", cls="reference").text


def cancel(client, reference: str):
    """Find the booking and say "Yes, cancel it": the response to that second POST."""
    found = parse(post(client, CANCEL, {"reference": reference, "last4": "3331"}, status=200).text)
    return post(client, CANCEL, {k: v for k, v in form_fields(found).items() if k != "csrf"}, with_csrf_from=CANCEL)


def test_a_resident_cancels_with_the_reference_and_the_last_four_digits(browser, bookings, gym):
    reference = booked_reference(browser(), bookings, gym)
    saturday = saturday_slot(bookings, gym)
    later = browser()  # another day, another browser: only the number and the digits are needed
    assert h1(get(later, CANCEL)) == "予約の取り消し"
    found = parse(post(later, CANCEL, {"reference": reference.replace("-", ""), "last4": "３３３１"}, status=200).text)
    assert h1(found) == "この予約を取り消しますか"
    assert SATURDAY_WORDS in found.text and "体育館" in found.text
    assert bookings.slot(saturday.id).booked == 1  # nothing cancelled yet
    done = post(later, CANCEL, {**{k: v for k, v in form_fields(found).items() if k != "csrf"}},
                with_csrf_from=CANCEL)
    assert done.headers["location"] == CANCELLED
    page = get(later, CANCELLED)
    assert h1(page) == "予約を取り消しました" and reference in page.text and SATURDAY_WORDS in page.text
    assert bookings.slot(saturday.id).booked == 0  # free again at once


def test_the_cancelled_booking_reaches_its_page_in_a_short_lived_cookie_never_in_an_address(browser, bookings, gym,
                                                                                          store):
    reference = booked_reference(browser(), bookings, gym)
    resident = browser()
    done = cancel(resident, reference)
    assert done.headers["location"] == CANCELLED  # no reference number, no signature
    cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith("mdg_cancelled_"))
    name, value = cookie.split(";")[0].split("=", 1)
    assert name == f"mdg_cancelled_{Apps(store).by_slug(SLUG).id}" and value.startswith(f"{reference}.")
    assert {"HttpOnly", "Path=/", "SameSite=lax", "Max-Age=600"} <= {part.strip() for part in cookie.split(";")}
    page = get(resident, CANCELLED)
    assert reference in page.text
    links = page.find_all("a", cls="language") + page.find_all("a", cls="aid-choice")
    assert links and all(a.attrs["href"].endswith(f"?next={CANCELLED}") for a in links)  # nor in their links
    # A reload, or the page in another language, within the cookie's few minutes: the same booking.
    assert reference in get(resident, CANCELLED).text
    resident.get(f"/lang/en?next={CANCELLED}")
    english = get(resident, CANCELLED)
    assert h1(english) == "Your booking is cancelled" and reference in english.text


def test_without_the_cookie_the_cancelled_page_sends_the_resident_to_the_cancel_form(browser, bookings, gym, store):
    """A bookmark, a reload once the cookie has expired, another browser, a forged cookie."""
    reference = booked_reference(browser(), bookings, gym)
    cancelled = browser()
    cancel(cancelled, reference)
    name = f"mdg_cancelled_{Apps(store).by_slug(SLUG).id}"
    signature = cancelled.cookies[name].partition(".")[2]
    cancelled.cookies.delete(name)  # as the browser does when Max-Age has passed
    assert cancelled.get(CANCELLED).headers["location"] == CANCEL
    forger = browser()
    hostile = [f"{x}.{x}" for x in CORPUS if x.isascii() and x.isprintable() and ";" not in x]
    for value in ["", reference, f"{reference}.forged", f"{UNKNOWN}.{signature}", f"{reference}.{signature[:-1]}",
                  *hostile]:
        assert forger.get(CANCELLED, headers={"cookie": f"{name}={value}"}).headers["location"] == CANCEL, value


def test_a_cancelled_page_cannot_be_forged_with_a_chosen_csrf_cookie(browser, bookings, gym, store):
    """The form token signs the browser's cookie; a cookie chosen to read "cancelled:REF" must not turn a
    page's token into the proof that this browser cancelled booking REF."""
    reference = booked_reference(browser(), bookings, gym)
    attacker = browser()
    attacker.cookies.set("mdg_csrf", f"cancelled:{reference}")
    page = get(attacker, CANCEL)
    token = form_fields(page)["csrf"]
    given = [c.value for c in attacker.cookies.jar if c.name == "mdg_csrf" and c.value != f"cancelled:{reference}"]
    assert given, "the page did not give the browser a CSRF cookie of our own"
    for signature in (token, token[:32]):
        attacker.cookies.set(f"mdg_cancelled_{Apps(store).by_slug(SLUG).id}", f"{reference}.{signature}")
        get(attacker, CANCELLED, status=303)
    assert saturday_slot(bookings, gym).booked == 1


def without_what_was_typed(html: str) -> str:
    return re.sub(r'(name="(?:csrf|reference|last4)" value=")[^"]*"', r'\1"', html)


def test_six_wrong_tries_at_a_real_booking_and_at_a_made_up_number_get_the_same_answers_byte_for_byte(
        browser, bookings, gym):
    reference = booked_reference(browser(), bookings, gym)
    real, made_up = browser(), browser()
    for n in range(REFERENCE.free + 1):
        answers = [post(client, CANCEL, {"reference": number, "last4": "0000"}, status=422)
                   for client, number in ((real, reference), (made_up, UNKNOWN))]
        assert without_what_was_typed(answers[0].text) == without_what_was_typed(answers[1].text), f"try {n + 1}"
    page = parse(answers[0].text)
    assert "見つかりませんでした" in page.find("div", cls="notice").text
    assert page.find("div", cls="notice").find("a").attrs["href"] == "tel:0142233331"


def test_a_worn_out_number_cannot_be_cancelled_online_until_a_day_has_passed(browser, bookings, gym, store):
    reference = booked_reference(browser(), bookings, gym)
    someone = browser()
    for _ in range(REFERENCE.free):
        post(someone, CANCEL, {"reference": reference, "last4": "0000"}, status=422)
    locked = parse(post(browser(), CANCEL, {"reference": reference, "last4": "3331"}, status=422).text)
    assert "お電話ください" in locked.find("div", cls="notice").text  # even the right digits: call the city now
    assert saturday_slot(bookings, gym).booked == 1
    store.clock.move(dt.timedelta(days=1))
    assert cancel(browser(), reference).headers["location"] == CANCELLED
    assert saturday_slot(bookings, gym).booked == 0


def notice_app(store) -> None:
    Apps(store).save_app(AppSpec.model_validate({
        "slug": "notice", "kind": "notice", "title": {"ja": "お知らせ"}, "languages": ["ja"],
        "contact": {"phone": "0142-23-3331"},
        "lifecycle": {"retention_days": 30, "no_end": True},
        "pages": [{"widgets": [{"type": "paragraph", "text": {"ja": "図書館は月曜休館です。"}}]}]}), by="kato")
    Lifecycle(store).publish("notice", by="kato")


def test_the_booking_pages_of_an_app_that_takes_no_bookings_answer_as_an_unknown_app(browser, bookings, gym, store):
    reference = booked_reference(browser(), bookings, gym)
    notice_app(store)
    resident = browser()
    get(resident, "/")  # past the first page (the one with the stylesheet inline): the pages compared are alike
    for tail in ("cancel", "cancelled", "booking.ics"):
        response, unknown = resident.get(f"/a/notice/{tail}"), resident.get(f"/a/no-such-app/{tail}")
        assert response.status_code == unknown.status_code == 404, tail
        assert response.text.replace("/a/notice/", "/a/no-such-app/") == unknown.text  # nothing says it is there
    token = form_fields(get(resident, CANCEL))["csrf"]
    for confirm in ("", "yes"):
        posted = resident.post("/a/notice/cancel", data={"csrf": token, "reference": reference, "last4": "3331",
                                                        "confirm": confirm})
        assert posted.status_code == 404 and reference not in posted.text
    assert saturday_slot(bookings, gym).booked == 1


def test_another_booking_apps_cancel_page_does_not_find_this_apps_booking(browser, bookings, gym, store):
    reference = booked_reference(browser(), bookings, gym)
    Apps(store).save_app(AppSpec.model_validate({**booking_spec(gym.id).model_dump(mode="json"), "slug": "gym-2"}),
                         by="kato")
    Lifecycle(store).publish("gym-2", by="kato")
    resident = browser()
    for confirm in ("", "yes"):
        refused = post(resident, "/a/gym-2/cancel", {"reference": reference, "last4": "3331", "confirm": confirm},
                       status=422)
        assert "見つかりませんでした" in parse(refused.text).find("div", cls="notice").text
        assert "体育館" not in parse(refused.text).find("main").text
    assert saturday_slot(bookings, gym).booked == 1
    # Nor is its cancelled page told of it by this app's proof.
    done = cancel(browser(), reference)
    proof = next(c for c in done.headers.get_list("set-cookie")
                 if c.startswith("mdg_cancelled_")).split(";")[0].split("=", 1)[1]
    other = browser()
    other.cookies.set(f"mdg_cancelled_{Apps(store).by_slug('gym-2').id}", proof)
    assert other.get("/a/gym-2/cancelled").headers["location"] == "/a/gym-2/cancel"


@pytest.mark.parametrize("reference,last4,wrong", [("1234-5670", "3331", "reference"), ("", "3331", "reference"),
                                                    (UNKNOWN, "33", "last4"), (UNKNOWN, "abcd", "last4")])
def test_badly_typed_cancel_details_are_named_field_by_field_and_kept(resident, reference, last4, wrong):
    page = parse(post(resident, CANCEL, {"reference": reference, "last4": last4}, status=422).text)
    assert page.find("title").text.startswith("エラー:")
    assert [a.attrs["href"] for a in page.find("div", cls="error-summary").find_all("a")] == [f"#f-{wrong}"]
    assert page.find("input", id=f"f-{wrong}").attrs["aria-invalid"] == "true"
    assert form_fields(page)["reference"] == reference and form_fields(page)["last4"] == last4


def test_an_app_whose_slot_picker_names_no_facility_taking_bookings_is_not_published(bookings):
    closed = bookings.create_resource("旧体育館", WEEKLY, by="kato", active=False)
    for number in (closed.id, 99):
        Apps(bookings.store).save_app(booking_spec(number), by="kato")
        with pytest.raises(PublishRefused, match=f"facility number {number}"):
            Lifecycle(bookings.store).publish(SLUG, by="kato")
