"""A resident checks their consultation over HTTP, with no account and no JavaScript: the reference number
and the last four digits of the phone number they gave show where it is and the city's reply, in words,
in the response to the POST itself. Every look-up that finds nothing gets one answer, which says how to
call; guessing is stopped per reference number and per address. Real SQLite file, real ASGI app, a moved clock."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import ExitStack

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.refnum import check_digit, format_reference
from generated_apps.domain.submissions import Submissions
from generated_apps.web.asgi import create_app
from generated_apps.web.lookup import CLIENT, REFERENCE
from tests.htmlpage import form_fields, parse
from widgets import AppSpec

from .test_lifecycle import Clock
from .test_resident_http import get, h1, post
from .test_submissions import CONSULTATION, T0, publish, send

SLUG = CONSULTATION["slug"]
STATUS, CHECK, SUBMIT, DONE = (f"/a/{SLUG}/{tail}" for tail in ("status", "check", "submit", "done"))
UNKNOWN = format_reference("1234567" + str(check_digit("1234567")))  # well formed, but nobody's
PHONE, DIGITS = "0142-23-4567", "4567"
SENT_WORDS = {"ja": "令和8年（2026年）11月2日 9:30", "en": "2 November 2026 (Reiwa 8), 9:30"}


@pytest.fixture
def clock(store) -> Clock:
    store.clock = Clock(T0)
    return store.clock


@pytest.fixture
def app_id(store, clock) -> int:
    return publish(store, CONSULTATION)


@pytest.fixture
def browser(settings, store, app_id):
    """Opens a new resident's browser (its own cookies): call it once per resident."""
    site = create_app(settings, store)
    with ExitStack() as stack:
        yield lambda: stack.enter_context(TestClient(site, follow_redirects=False, raise_server_exceptions=False))


@pytest.fixture
def resident(browser):
    return browser()


@pytest.fixture
def sent(store, app_id):
    return send(store, app_id, {"question": "除雪はいつ来ますか", "topics": ["snow"],
                                "name": {"name": "伊達 花子", "reading": None}, "phone": PHONE})


def look(client, reference: str, last4: str, status: int = 200):
    """Send the status page's form; the page that comes back, parsed."""
    return parse(post(client, STATUS, {"reference": reference, "last4": last4}, status=status).text)


def status_word(page) -> str:
    return page.find("p", cls="status-word").text


def notice(page) -> str:
    return page.find("div", cls="notice").text


def test_a_resident_sends_a_consultation_through_the_pages_and_later_reads_the_reply(browser, store, app_id):
    resident = browser()
    start = get(resident, f"/a/{SLUG}")
    assert start.find("p", cls="status-link").find("a").attrs["href"] == STATUS
    post(resident, f"/a/{SLUG}/p/1", {"question": "除雪車はいつ来ますか"})
    post(resident, f"/a/{SLUG}/p/2", {"topics": ["snow"]})
    post(resident, f"/a/{SLUG}/p/3", {"name": "伊達 花子"})
    assert post(resident, f"/a/{SLUG}/p/4", {"phone": PHONE}).headers["location"] == CHECK
    assert post(resident, SUBMIT, {}, with_csrf_from=CHECK).headers["location"] == DONE
    done = get(resident, DONE)
    reference = done.find("p", cls="reference").text
    # The confirmation says where to read the reply, and what that needs.
    assert done.find("a", href=STATUS).text == "相談の状況を確かめる"
    assert "下4けた" in done.text

    later = browser()  # another day, another browser: only the number and the digits are needed
    form = get(later, STATUS)
    assert h1(form) == "相談の状況を確かめる" and form.find("title").text.startswith("相談の状況を確かめる")
    for name in ("reference", "last4"):
        field = form.find("input", name=name)
        assert (field.attrs["inputmode"], field.attrs["autocomplete"]) == ("numeric", "off")
    assert form.find("a", cls="help-phone").attrs["href"] == "tel:0142233331"
    assert form.find("a", cls="back").attrs["href"] == f"/a/{SLUG}"

    response = post(later, STATUS, {"reference": reference.replace("-", ""), "last4": "４５６７"}, status=200)
    assert "location" not in response.headers and response.headers["cache-control"] == "no-store"
    page = parse(response.text)
    assert h1(page) == "相談の状況" and page.find("p", cls="reference").text == reference
    assert status_word(page) == "受付済" and "受け付けました" in page.find("p", cls="status-meaning").text
    assert page.find("dd", cls="status-sent").text == SENT_WORDS["ja"]
    assert page.find("p", cls="reply") is None and "このページで読めます" in page.text

    [submission] = Submissions(store).of_app(app_id)
    staff = Submissions(store)
    staff.set_status(submission.id, "in_progress", by="sato")
    assert status_word(look(later, reference, DIGITS)) == "対応中"
    store.clock.move(dt.timedelta(days=1, hours=1))
    staff.write_reply(submission.id, "12月1日から除雪車が回ります。\n\n朝7時ごろです。", by="sato")
    response = post(later, STATUS, {"reference": reference, "last4": DIGITS}, status=200)
    page = parse(response.text)
    assert status_word(page) == "回答済" and "回答は下にあります" in page.find("p", cls="status-meaning").text
    assert page.find("dd", cls="status-replied").text == "令和8年（2026年）11月3日 10:30"
    # The reply as staff wrote it, its blank line kept (the page shows line breaks as they are).
    assert ">12月1日から除雪車が回ります。\n\n朝7時ごろです。</p>" in response.text
    staff.set_status(submission.id, "closed", by="sato")
    page = look(later, reference, DIGITS)
    assert (status_word(page) == "完了"
            and page.find("p", cls="reply").text == "12月1日から除雪車が回ります。 朝7時ごろです。")


@pytest.mark.parametrize("lang,words", [
    ("ja", ["受付済", "対応中", "回答済", "完了"]),
    ("en", ["Received", "In progress", "Answered", "Completed"]),
])
def test_each_status_is_a_word_with_a_sentence_of_what_it_means(resident, store, sent, lang, words):
    resident.get(f"/lang/{lang}?next=/")
    staff, seen = Submissions(store), []
    for status in ("received", "in_progress", "answered", "closed"):
        if status == "answered":
            staff.write_reply(sent.id, "Reply", by="sato")
        elif status != "received":
            staff.set_status(sent.id, status, by="sato")
        page = look(resident, sent.reference, DIGITS)
        seen.append(status_word(page))
        assert page.find("p", cls="status-meaning").text
        assert page.find("dd", cls="status-sent").text == SENT_WORDS[lang]
    assert seen == words


def without_what_was_typed(html: str) -> str:
    return re.sub(r'(name="(?:csrf|reference|last4)" value=")[^"]*"', r'\1"', html)


def test_every_look_up_that_finds_nothing_gets_one_answer_that_says_how_to_reach_the_office(resident, store, sent):
    other_app = publish(store, {**CONSULTATION, "slug": "soudan-2"})
    elsewhere = send(store, other_app, {"question": "?", "topics": ["tax"], "phone": PHONE})
    tries = [(sent.reference, "0000"), (UNKNOWN, DIGITS), (elsewhere.reference, DIGITS)]
    # Worn out: the right digits too.
    tries += [(sent.reference, "1111")] * (REFERENCE.free - 1) + [(sent.reference, DIGITS)]
    refusals = [post(resident, STATUS, {"reference": reference, "last4": last4}, status=422)
                for reference, last4 in tries]
    pages = [parse(r.text) for r in refusals]
    assert "見つかりませんでした" in notice(pages[0]) and "お電話ください" in notice(pages[0])
    call = pages[0].find("div", cls="notice").find("a")
    assert call.attrs["href"] == "tel:0142233331" and "平日 8:45〜17:30" in notice(pages[0])
    assert form_fields(pages[1])["reference"] == UNKNOWN and form_fields(pages[1])["last4"] == DIGITS
    # Nothing tells a wrong number from wrong digits, from another app's number, or from a worn-out one.
    assert len({without_what_was_typed(r.text) for r in refusals}) == 1
    assert all(p.find("p", cls="status-word") is None for p in pages)


def test_six_wrong_tries_at_a_real_number_and_at_a_made_up_one_get_the_same_answers_byte_for_byte(browser, sent):
    real, made_up = browser(), browser()
    for n in range(REFERENCE.free + 1):
        answers = [post(client, STATUS, {"reference": reference, "last4": "0000"}, status=422)
                   for client, reference in ((real, sent.reference), (made_up, UNKNOWN))]
        assert without_what_was_typed(answers[0].text) == without_what_was_typed(answers[1].text), f"try {n + 1}"


def test_a_worn_out_number_is_shown_again_a_day_after_its_last_wrong_try(browser, clock, sent):
    guesser = browser()
    for _ in range(REFERENCE.free):
        look(guesser, sent.reference, "0000", status=422)
    clock.move(dt.timedelta(hours=23, minutes=59))
    look(browser(), sent.reference, DIGITS, status=422)  # even the right digits, from anyone
    clock.move(dt.timedelta(minutes=2))
    assert status_word(look(browser(), sent.reference, DIGITS)) == "受付済"


def test_the_right_digits_forget_the_wrong_tries_before_them(resident, sent):
    for _ in range(REFERENCE.free - 1):
        look(resident, sent.reference, "0000", status=422)
    assert status_word(look(resident, sent.reference, DIGITS)) == "受付済"
    for _ in range(REFERENCE.free - 1):
        look(resident, sent.reference, "0000", status=422)
    assert status_word(look(resident, sent.reference, DIGITS)) == "受付済"


def test_too_many_tries_from_one_address_are_stopped_for_a_while(resident, clock, sent):
    made_up = [format_reference(f"{n:07d}" + str(check_digit(f"{n:07d}"))) for n in range(1000, 1000 + CLIENT.free)]
    for reference in made_up:  # each number tried once: the address's limit, not a number's
        look(resident, reference, DIGITS, status=422)
    stopped = look(resident, sent.reference, DIGITS, status=429)  # the right details, but not now
    assert "15分" in notice(stopped) and stopped.find("p", cls="status-word") is None
    assert stopped.find("div", cls="notice").find("a").attrs["href"] == "tel:0142233331"
    assert form_fields(stopped)["reference"] == sent.reference
    clock.move(dt.timedelta(minutes=15))
    assert status_word(look(resident, sent.reference, DIGITS)) == "受付済"


@pytest.mark.parametrize("reference,last4,wrong", [
    ("1234-5670", DIGITS, ["reference"]), ("", DIGITS, ["reference"]), (UNKNOWN, "45", ["last4"]),
    (UNKNOWN, "abcd", ["last4"]), (UNKNOWN, "0142-23-4567", ["last4"]), ("", "", ["reference", "last4"]),
    (UNKNOWN, "³³³¹", ["last4"]),  # look-alike digits are not read as digits (issue 18)
])
def test_badly_typed_details_are_named_field_by_field_and_kept(resident, reference, last4, wrong):
    page = look(resident, reference, last4, status=422)
    assert page.find("title").text.startswith("エラー:")
    assert [a.attrs["href"] for a in page.find("div", cls="error-summary").find_all("a")] == [f"#f-{w}" for w in wrong]
    for name in wrong:
        field = page.find("input", id=f"f-{name}")
        assert field.attrs["aria-invalid"] == "true" and f"{name}-error" in field.attrs["aria-describedby"]
    assert form_fields(page)["reference"] == reference and form_fields(page)["last4"] == last4


def test_the_reply_is_shown_as_text_never_as_html(resident, store, sent):
    Submissions(store).write_reply(sent.id, '<script>alert(1)</script><a href="https://evil.example">here</a>',
                                   by="sato")
    response = post(resident, STATUS, {"reference": sent.reference, "last4": DIGITS}, status=200)
    assert "<script>" not in response.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    reply = parse(response.text).find("p", cls="reply")
    assert reply.find("a") is None and reply.text.startswith("<script>")



def test_a_retired_consultation_still_shows_its_reply(resident, store, sent):
    Submissions(store).write_reply(sent.id, "ご相談の件、解決しました。", by="sato")
    Lifecycle(store).retire(SLUG, by="admin")
    assert get(resident, f"/a/{SLUG}", status=410) is not None  # no new consultations
    page = look(resident, sent.reference, DIGITS)
    assert status_word(page) == "回答済" and page.find("p", cls="reply").text == "ご相談の件、解決しました。"

def test_other_kinds_of_app_have_no_status_page(settings, store, app_id, example_spec):
    Apps(store).save_app(AppSpec.model_validate(example_spec), by="tanaka")  # a survey, kind "form"
    Lifecycle(store).publish(example_spec["slug"], by="tanaka")
    with TestClient(create_app(settings, store), follow_redirects=False) as client:
        client.get("/")  # past the first page (the one with the stylesheet inline): the two compared are alike
        survey = client.get(f"/a/{example_spec['slug']}/status")
        unknown = client.get("/a/no-such-app/status")
        assert survey.status_code == unknown.status_code == 404
        # Answered as an app that does not exist is: nothing says the survey is there.
        assert survey.text.replace(example_spec["slug"], "no-such-app") == unknown.text
        token = form_fields(get(client, STATUS))["csrf"]
        posted = client.post(f"/a/{example_spec['slug']}/status",
                             data={"csrf": token, "reference": UNKNOWN, "last4": DIGITS})
        assert posted.status_code == 404
        assert client.get(f"/a/{example_spec['slug']}").text.count(STATUS) == 0


def test_a_form_without_the_csrf_cookie_is_refused_politely_and_what_was_typed_is_kept(settings, store, sent):
    with TestClient(create_app(settings, store), follow_redirects=False) as fresh:
        response = fresh.post(STATUS, data={"csrf": "forged", "reference": sent.reference, "last4": DIGITS})
        assert response.status_code == 400 and "もう一度" in response.text
        page = parse(response.text)
        assert page.find("p", cls="status-word") is None
        assert form_fields(page)["reference"] == sent.reference and form_fields(page)["last4"] == DIGITS
        # The fresh token on that page works.
        again = fresh.post(STATUS, data={**form_fields(page)})
        assert again.status_code == 200 and status_word(parse(again.text)) == "受付済"
