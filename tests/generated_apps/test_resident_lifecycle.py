"""Residents across an app's lifecycle, over HTTP: a new version published while they answer, the app
retired while they answer, a scheduled opening and a scheduled end (with the store's clock moved, no job
running), successors, and a roll back. Real SQLite file, real ASGI app, no mocks."""

from __future__ import annotations

import copy
import datetime as dt
from contextlib import ExitStack
from typing import Any

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.live import LiveApps
from generated_apps.domain.models import App
from generated_apps.domain.submissions import Submissions
from generated_apps.web.asgi import create_app
from tests.htmlpage import form_fields, parse
from widgets import AppSpec

from .test_lifecycle import HOUR, T0, Clock
from .test_resident_http import get, h1, post

SLUG = "library-survey"
START, P1, P2, P3, P4 = (f"/a/{SLUG}{tail}" for tail in ("", "/p/1", "/p/2", "/p/3", "/p/4"))
CHECK, SUBMIT, DONE = f"/a/{SLUG}/check", f"/a/{SLUG}/submit", f"/a/{SLUG}/done"
PHONE, TEL = "0142-22-1234", "tel:0142221234"  # the app's own line, not the site's general help line
SECOND = dt.timedelta(seconds=1)
ENDED = "このサービスは終了しました"
MESSAGE = "2026年度の調査は終了しました。新しいアンケートにお答えください。"
SUCCESSOR_SLUG, SUCCESSOR_TITLE = "library-survey-2027", "図書館アンケート（2027年度）"
V1_LABELS = ["この1年に図書館を使いましたか", "借りた本の題名", "お住まいの町名"]
V2_LABELS = ["この1年に市立図書館を使いましたか", "読んだ本の題名", "お住まいの地区"]


# --- the app, its versions and the residents' browsers ---------------------------------------------


@pytest.fixture
def spec(example_spec) -> dict[str, Any]:
    example_spec["contact"]["phone"] = PHONE
    return example_spec


@pytest.fixture
def browser(settings, store):
    """Opens a new browser (its own cookies) on one resident site: call it once per resident."""
    site = create_app(settings, store)
    with ExitStack() as stack:
        yield lambda: stack.enter_context(TestClient(site, follow_redirects=False))


@pytest.fixture
def clock(store) -> Clock:
    clock = Clock(T0)  # 9:00 in Date City
    store.clock = clock
    return clock


def create(store, spec: dict[str, Any], **changes: Any) -> App:
    return Apps(store).create(AppSpec.model_validate({**copy.deepcopy(spec), **changes}), by="suzuki")


def successor_app(store, spec: dict[str, Any]) -> App:
    return create(store, spec, slug=SUCCESSOR_SLUG, title={"ja": SUCCESSOR_TITLE, "en": "Library survey 2027"})


def version_2(spec: dict[str, Any]) -> dict[str, Any]:
    """New wording on every page, and a new required question on a page of its own."""
    changed = copy.deepcopy(spec)
    pages = changed["pages"]
    for page, label in zip(pages, V2_LABELS, strict=True):
        next(w for w in page["widgets"] if "key" in w)["label"]["ja"] = label
    pages.append({"widgets": [
        {"type": "single_choice", "key": "often", "label": {"ja": "どのくらい使いますか", "en": "How often do you go?"},
         "options": [{"value": "weekly", "label": {"ja": "毎週", "en": "Every week"}},
                     {"value": "rarely", "label": {"ja": "たまに", "en": "Now and then"}}]},
    ]})
    return changed


def revise(store, app_id: int, spec: dict[str, Any]) -> None:
    """Staff save a changed draft (residents see it only once it is published)."""
    current = Apps(store).by_id(app_id)
    Apps(store).save_draft(app_id, AppSpec.model_validate(spec), revision=current.revision, by="suzuki")


def send(client, url: str, data: dict[str, Any], token: str):
    """A form sent from a page the resident loaded earlier (with that page's CSRF token)."""
    return client.post(url, data={"csrf": token, **data})


def answer_everything(client) -> None:
    post(client, P1, {"visited": "yes"})
    post(client, P2, {"book": "坊っちゃん"})
    response = post(client, P3, {"town": "大町"})
    assert response.headers["location"] == CHECK


def check_labels(client) -> list[str]:
    return [dt_.text for dt_ in get(client, CHECK).find_all("dt")]


def draft_of(store, client, app_id: int):
    return Drafts(store).get(client.cookies.get(f"mdg_draft_{app_id}"), app_id)


def ended_page(response, *, unsent: bool, message: str | None = MESSAGE, successor: bool = True):
    """The service-ended page: 410, the app's phone as a tel: link, the message, the successor's link
    when it is live, and the notice that unsent answers are kept only for a resident who had some."""
    assert response.status_code == 410, (response.request.url, response.status_code, response.text[:500])
    page = parse(response.text)
    assert h1(page) == ENDED
    assert page.find("p", cls="lead").text == "図書館アンケート"
    main = page.find("main")
    assert main.find("a", href=TEL).text == PHONE  # in the page itself, not only in the help block
    assert page.find("aside", cls="help").find("a", href=TEL) is not None
    messages = [p.text for p in main.find_all("p", cls="retire-message")]
    assert messages == ([message] if message else [])
    links = [(a.attrs["href"], a.text) for a in main.find_all("a") if a.attrs["href"].startswith("/a/")]
    assert links == ([(f"/a/{SUCCESSOR_SLUG}", SUCCESSOR_TITLE)] if successor else [])
    notice = main.find("div", cls="notice")
    assert (notice is not None) == unsent, response.request.url
    if notice is not None:
        assert notice.attrs["role"] == "status"
    return page


# --- 1. a new version while a resident is answering -------------------------------------------------


def test_a_resident_who_started_on_version_1_finishes_on_it_after_version_2_is_published(store, spec, browser):
    app = create(store, spec)
    v1 = Lifecycle(store).publish(SLUG, by="admin")
    early = browser()
    assert V1_LABELS[0] in h1(get(early, P1))
    post(early, P1, {"visited": "yes"})

    revise(store, app.id, version_2(spec))
    v2 = Lifecycle(store).publish(SLUG, by="admin")
    assert (v1.number, v2.number) == (1, 2) and LiveApps(store).get(SLUG).version_id == v2.id

    # Every page the early resident sees from now on is version 1's, and version 2's new page is not theirs.
    for url, label, answer in [(P2, V1_LABELS[1], {"book": "坊っちゃん"}), (P3, V1_LABELS[2], {"town": "大町"})]:
        heading = h1(get(early, url))
        assert label in heading and not any(new in heading for new in V2_LABELS), heading
        response = post(early, url, answer)
    assert response.headers["location"] == CHECK  # not on to version 2's page 4
    assert early.get(P4).status_code == 404
    assert check_labels(early) == V1_LABELS
    assert V1_LABELS[0] in h1(get(early, P1 + "?change=1"))  # changing an answer: still version 1's words
    response = post(early, SUBMIT, {}, with_csrf_from=CHECK)
    assert response.headers["location"] == DONE
    assert get(early, DONE).find("p", cls="reference") is not None

    [submission] = Submissions(store).of_app(app.id)
    assert submission.version_id == v1.id
    assert submission.answers == {"visited": "yes", "book": "坊っちゃん", "town": "大町"}

    # A resident who starts now gets version 2: its wording and its new required question.
    late = browser()
    assert V2_LABELS[0] in h1(get(late, P1))
    post(late, P1, {"visited": "yes"})
    assert V2_LABELS[1] in h1(get(late, P2))
    post(late, P2, {"book": "坊っちゃん"})
    assert post(late, P3, {"town": "大町"}).headers["location"] == P4
    assert "どのくらい使いますか" in h1(get(late, P4))
    assert post(late, P4, {}, status=422).status_code == 422  # required
    assert post(late, P4, {"often": "weekly"}).headers["location"] == CHECK
    assert check_labels(late) == [*V2_LABELS, "どのくらい使いますか"]
    post(late, SUBMIT, {}, with_csrf_from=CHECK)
    first, second = Submissions(store).of_app(app.id)
    assert (first.version_id, second.version_id) == (v1.id, v2.id)
    assert second.answers["often"] == "weekly"


# --- 2. the app retired while a resident is answering -----------------------------------------------


@pytest.fixture
def retiring(store, spec):
    """The app, live, and its live successor."""
    app = create(store, spec)
    Lifecycle(store).publish(SLUG, by="admin")
    successor = successor_app(store, spec)
    Lifecycle(store).publish(SUCCESSOR_SLUG, by="admin")
    return app, successor


def test_a_page_sent_after_the_app_retired_is_kept_with_the_unsent_draft_and_nothing_is_sent(store, retiring, browser):
    app, successor = retiring
    resident = browser()
    post(resident, P1, {"visited": "yes"})
    token = form_fields(get(resident, P2))["csrf"]  # page 2 is open in their browser…
    Lifecycle(store).retire(SLUG, by="admin", message=MESSAGE, successor_id=successor.id)

    response = send(resident, P2, {"book": "坊っちゃん"}, token)  # …and they press Continue
    ended_page(response, unsent=True)
    ended_page(resident.get(CHECK), unsent=True)
    ended_page(resident.get(START), unsent=True)

    assert Submissions(store).of_app(app.id) == []
    draft = draft_of(store, resident, app.id)
    assert draft is not None and draft.submission_id is None
    assert draft.answers == {"visited": "yes", "book": "坊っちゃん"}  # page 1's and page 2's
    assert Apps(store).state(app.id).open_drafts == 1

    # The successor's link goes to an app residents can use.
    assert h1(get(resident, f"/a/{SUCCESSOR_SLUG}")) == SUCCESSOR_TITLE


def test_a_resident_with_no_draft_sees_the_ended_page_without_the_not_sent_notice(store, retiring, browser):
    app, successor = retiring
    stranger = browser()
    token = form_fields(get(stranger, P1))["csrf"]  # they opened the first page, and answered nothing yet
    Lifecycle(store).retire(SLUG, by="admin", message=MESSAGE, successor_id=successor.id)
    for url in [START, P1, P2, CHECK, DONE]:
        ended_page(stranger.get(url), unsent=False)
    ended_page(send(stranger, P1, {"visited": "yes"}, token), unsent=False)
    assert f"mdg_draft_{app.id}" not in stranger.cookies  # a page sent after the end starts no draft
    assert Apps(store).state(app.id).open_drafts == 0


def test_pressing_send_after_the_app_retired_sends_nothing_and_keeps_the_answers(store, retiring, browser):
    app, successor = retiring
    resident = browser()
    answer_everything(resident)
    token = form_fields(get(resident, CHECK))["csrf"]
    Lifecycle(store).retire(SLUG, by="admin", message=MESSAGE, successor_id=successor.id)
    ended_page(send(resident, SUBMIT, {}, token), unsent=True)
    assert Submissions(store).of_app(app.id) == []
    assert draft_of(store, resident, app.id).answers == {"visited": "yes", "book": "坊っちゃん", "town": "大町"}
    assert Apps(store).state(app.id).open_drafts == 1


def test_a_retired_app_without_a_message_or_successor_still_gives_its_phone_number(store, spec, browser):
    create(store, spec)
    Lifecycle(store).publish(SLUG, by="admin")
    Lifecycle(store).retire(SLUG, by="admin")
    ended_page(browser().get(START), unsent=False, message=None, successor=False)


def test_the_not_sent_notice_is_also_on_the_confirmation_address(store, retiring, browser):
    app, successor = retiring
    resident = browser()
    post(resident, P1, {"visited": "yes"})
    Lifecycle(store).retire(SLUG, by="admin", message=MESSAGE, successor_id=successor.id)
    ended_page(resident.get(START), unsent=True)
    ended_page(resident.get(DONE), unsent=True)


# --- 3. a scheduled retirement, with the clock moved -------------------------------------------------


def test_a_scheduled_retirement_takes_effect_at_the_first_request_after_its_time(store, spec, browser, clock):
    app = create(store, spec)
    Lifecycle(store).publish(SLUG, by="admin")
    Lifecycle(store).retire(SLUG, by="admin", message=MESSAGE, at=T0 + HOUR)
    resident, stranger = browser(), browser()
    answer_everything(resident)

    clock.move(HOUR - SECOND)  # the last second: everything works, and the app is now in the cache
    assert h1(get(stranger, START)) == "図書館アンケート"
    assert "この1年に図書館を使いましたか" in h1(get(stranger, P1))
    assert stranger.get(DONE).status_code == 303  # nothing sent yet: back to the start
    assert check_labels(resident) == V1_LABELS
    assert [a.attrs["href"] for a in get(resident, "/").find_all("a", cls="app-link")] == [START]

    clock.move(SECOND)  # within the cache's 2 seconds: the retirement time is compared at each request
    for url in [START, P1, CHECK, DONE]:
        ended_page(stranger.get(url), unsent=False, successor=False)
    for url in [START, P1, P3, CHECK]:
        ended_page(resident.get(url), unsent=True, successor=False)
    assert get(resident, "/").find_all("a", cls="app-link") == []
    assert Submissions(store).of_app(app.id) == []
    assert Apps(store).state(app.id).open_drafts == 1


def test_a_resident_on_a_page_when_the_time_passes_gets_the_ended_page_and_keeps_that_page(store, spec, browser, clock):
    app = create(store, spec)
    Lifecycle(store).publish(SLUG, by="admin")
    Lifecycle(store).retire(SLUG, by="admin", message=MESSAGE, at=T0 + HOUR)
    resident = browser()
    post(resident, P1, {"visited": "yes"})
    token = form_fields(get(resident, P2))["csrf"]
    clock.move(HOUR)
    ended_page(send(resident, P2, {"book": "坊っちゃん"}, token), unsent=True, successor=False)
    assert draft_of(store, resident, app.id).answers == {"visited": "yes", "book": "坊っちゃん"}
    assert Submissions(store).of_app(app.id) == []


@pytest.mark.parametrize("change", ["publish", "rollback"])
def test_a_correction_published_before_a_scheduled_retirement_keeps_the_retirement(store, spec, browser, clock, change):
    app = create(store, spec)
    Lifecycle(store).publish(SLUG, by="admin")
    if change == "rollback":
        revise(store, app.id, version_2(spec))
        Lifecycle(store).publish(SLUG, by="admin")
    Lifecycle(store).retire(SLUG, by="admin", message=MESSAGE, at=T0 + 3 * HOUR)
    clock.move(HOUR)
    if change == "publish":
        revise(store, app.id, version_2(spec))  # a typo fixed, say
        Lifecycle(store).publish(SLUG, by="admin")
    else:
        Lifecycle(store).rollback(app.id, 1, by="admin")
    clock.move(3 * HOUR)
    ended_page(browser().get(START), unsent=False, successor=False)


# --- 4. a scheduled first publication ----------------------------------------------------------------


def test_a_scheduled_app_says_when_it_opens_and_opens_at_that_time(store, spec, browser, clock):
    app = create(store, spec)
    Lifecycle(store).publish(SLUG, by="admin", at=T0 + 2 * HOUR)  # 11:00 in Tokyo
    resident = browser()
    for url in [START, P1, CHECK]:
        response = resident.get(url)
        assert response.status_code == 404, url
        page = parse(response.text)
        assert "2026年12月1日火曜日 11:00" in page.find("p", cls="lead").text
        assert h1(page) not in ("ページが見つかりません", ENDED)
        assert page.find("main").find("a", href="tel:0142233331") is not None  # the city's help line
    assert "csrf" not in form_fields(parse(resident.get(P1).text))  # no form to send before it opens
    assert resident.post(P1, data={"visited": "yes"}).status_code == 404
    assert f"mdg_draft_{app.id}" not in resident.cookies
    assert get(resident, "/").find_all("a", cls="app-link") == []

    resident.get("/lang/en?next=/")
    assert "Tuesday, December 1, 2026 11:00" in parse(resident.get(START).text).find("p", cls="lead").text
    resident.get("/lang/ja?next=/")

    clock.move(2 * HOUR - SECOND)
    assert resident.get(START).status_code == 404
    assert get(resident, "/").find_all("a", cls="app-link") == []

    clock.move(SECOND)
    start = get(resident, START)
    assert h1(start) == "図書館アンケート"
    assert start.find("a", cls="button").attrs["href"] == P1
    assert [a.attrs["href"] for a in get(resident, "/").find_all("a", cls="app-link")] == [START]
    assert V1_LABELS[0] in h1(get(resident, P1))
    answer_everything(resident)
    post(resident, SUBMIT, {}, with_csrf_from=CHECK)
    assert len(Submissions(store).of_app(app.id)) == 1


def test_a_scheduled_new_version_reaches_new_residents_at_its_time(store, spec, browser, clock):
    app = create(store, spec)
    v1 = Lifecycle(store).publish(SLUG, by="admin")
    revise(store, app.id, version_2(spec))
    v2 = Lifecycle(store).publish(SLUG, by="admin", at=T0 + HOUR)
    early = browser()
    assert V1_LABELS[0] in h1(get(early, P1))
    post(early, P1, {"visited": "no"})
    clock.move(HOUR - SECOND)
    assert V1_LABELS[0] in h1(get(browser(), P1))
    clock.move(SECOND)
    assert V2_LABELS[0] in h1(get(browser(), P1))
    assert V1_LABELS[2] in h1(get(early, P3))  # the resident part-way stays on version 1
    post(early, P3, {"town": "大町"})
    post(early, SUBMIT, {}, with_csrf_from=CHECK)
    [submission] = Submissions(store).of_app(app.id)
    assert submission.version_id == v1.id != v2.id


# --- 5. a successor residents cannot use is not linked --------------------------------------------------


@pytest.mark.parametrize("state", ["retired", "scheduled", "never published"])
def test_a_successor_that_is_not_live_is_not_linked(store, spec, browser, clock, state):
    create(store, spec)
    Lifecycle(store).publish(SLUG, by="admin")
    successor = successor_app(store, spec)
    if state == "retired":
        Lifecycle(store).publish(SUCCESSOR_SLUG, by="admin")
        Lifecycle(store).retire(SUCCESSOR_SLUG, by="admin")
    elif state == "scheduled":
        Lifecycle(store).publish(SUCCESSOR_SLUG, by="admin", at=T0 + HOUR)
    Lifecycle(store).retire(SLUG, by="admin", message=MESSAGE, successor_id=successor.id)
    resident = browser()
    ended_page(resident.get(START), unsent=False, successor=False)
    if state == "scheduled":  # linked from the moment it opens
        clock.move(HOUR)
        ended_page(resident.get(START), unsent=False, successor=True)


def test_the_successor_link_goes_at_the_moment_the_successor_itself_ends(store, spec, browser, clock):
    create(store, spec)
    Lifecycle(store).publish(SLUG, by="admin")
    successor = successor_app(store, spec)
    Lifecycle(store).publish(SUCCESSOR_SLUG, by="admin")
    Lifecycle(store).retire(SUCCESSOR_SLUG, by="admin", at=T0 + HOUR)
    Lifecycle(store).retire(SLUG, by="admin", message=MESSAGE, successor_id=successor.id)
    resident = browser()
    clock.move(HOUR - SECOND)
    ended_page(resident.get(START), unsent=False, successor=True)
    clock.move(SECOND)
    ended_page(resident.get(START), unsent=False, successor=False)
    assert resident.get(f"/a/{SUCCESSOR_SLUG}").status_code == 410


# --- 6. rolling back ----------------------------------------------------------------------------------


def test_rolling_back_serves_version_1s_wording_to_new_residents_as_version_3(store, spec, browser):
    app = create(store, spec)
    Lifecycle(store).publish(SLUG, by="admin")
    revise(store, app.id, version_2(spec))
    v2 = Lifecycle(store).publish(SLUG, by="admin")
    assert V2_LABELS[0] in h1(get(browser(), P1))  # version 2's page, now also in the page cache
    mid = browser()
    post(mid, P1, {"visited": "yes"})  # a resident who started on version 2

    v3 = Lifecycle(store).rollback(app.id, 1, by="admin")
    assert (v3.number, v3.rollback_of) == (3, 1) and LiveApps(store).get(SLUG).version_id == v3.id

    fresh = browser()
    for url, label, answer in zip([P1, P2, P3], V1_LABELS,
                                  [{"visited": "yes"}, {"book": "坊っちゃん"}, {"town": "大町"}], strict=True):
        heading = h1(get(fresh, url))
        assert label in heading and not any(new in heading for new in V2_LABELS), heading
        response = post(fresh, url, answer)
    assert response.headers["location"] == CHECK  # version 1 has no page 4
    assert draft_of(store, fresh, app.id).version_id == v3.id
    assert check_labels(fresh) == V1_LABELS
    post(fresh, SUBMIT, {}, with_csrf_from=CHECK)

    # The resident who started on version 2 finishes on it, new question included.
    assert V2_LABELS[1] in h1(get(mid, P2))
    post(mid, P2, {"book": "坊っちゃん"})
    assert post(mid, P3, {"town": "大町"}).headers["location"] == P4
    post(mid, P4, {"often": "rarely"})
    post(mid, SUBMIT, {}, with_csrf_from=CHECK)

    first, second = Submissions(store).of_app(app.id)
    assert (first.version_id, second.version_id) == (v3.id, v2.id)
    assert "often" not in first.answers and second.answers["often"] == "rarely"


def test_the_not_open_and_ended_pages_speak_japanese(store, spec, retiring, browser):
    app, successor = retiring
    create(store, spec, slug="later")
    Lifecycle(store).publish("later", by="admin", at=store.now() + dt.timedelta(days=1))
    resident = browser()
    post(resident, P1, {"visited": "yes"})
    Lifecycle(store).retire(SLUG, by="admin", message=MESSAGE, successor_id=successor.id)
    pages = [ended_page(resident.get(START), unsent=True), parse(resident.get("/a/later").text)]
    english = [e.text for page in pages for e in page.find("main").find_all()
               if e.tag in ("h1", "p") and e.text.isascii() and any(c.isalpha() for c in e.text)]
    assert english == []
