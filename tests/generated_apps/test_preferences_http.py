"""The reading aids over HTTP: text size and high contrast, chosen with plain links, remembered in a cookie,
shown as classes on <html>, and never carried from one resident to another by the page cache."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.web.asgi import create_app
from generated_apps.web.forms import MAX_BODY
from generated_apps.web.preferences import CONTRAST_COOKIE, FURIGANA_COOKIE, SIZE_COOKIE
from tests.htmlpage import parse
from widgets import AppSpec

QUESTION = "/a/library-survey/p/1"


@pytest.fixture
def site(settings, store, example_spec):
    spec = AppSpec.model_validate(example_spec)
    Apps(store).save_app(spec, by="tanaka")
    Lifecycle(store).publish(spec.slug, by="tanaka")
    return create_app(settings, store)


@pytest.fixture
def resident(site):
    with TestClient(site, follow_redirects=False, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def another_resident(site):
    """A second browser on the same server: the same page cache, cookies of its own."""
    with TestClient(site, follow_redirects=False, raise_server_exceptions=False) as c:
        yield c


def html_classes(client, url: str = QUESTION, status: int = 200) -> set[str]:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.text[:300])
    return set((parse(response.text).find("html").attrs.get("class") or "").split())


def aids(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return parse(response.text).find("nav", cls="aids")


def current_choices(client, url: str = QUESTION) -> list[str]:
    return [a.attrs["href"].split("?")[0]
            for a in aids(client, url).find_all("a") if a.attrs.get("aria-current") == "true"]


@pytest.mark.parametrize(("path", "cookie", "value"), [
    ("/size/standard", SIZE_COOKIE, "standard"), ("/size/large", SIZE_COOKIE, "large"),
    ("/size/largest", SIZE_COOKIE, "largest"),
    ("/contrast/high", CONTRAST_COOKIE, "high"), ("/contrast/standard", CONTRAST_COOKIE, "standard"),
    ("/furigana/on", FURIGANA_COOKIE, "on"), ("/furigana/off", FURIGANA_COOKIE, "off"),
])
def test_each_choice_is_remembered_for_a_year_and_leads_back_to_the_page(resident, path, cookie, value):
    response = resident.get(path, params={"next": QUESTION})
    assert response.status_code == 303 and response.headers["location"] == QUESTION
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{cookie}={value};")
    assert "Max-Age=31536000" in set_cookie and "SameSite=lax" in set_cookie and "Path=/" in set_cookie


def test_the_next_page_keeps_its_query(resident):
    response = resident.get("/size/large", params={"next": "/a/library-survey/p/1?change=1"})
    assert response.headers["location"] == "/a/library-survey/p/1?change=1"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil", "javascript:alert(1)", ""])
def test_a_choice_only_ever_leads_back_to_this_site(resident, target):
    response = resident.get("/contrast/high", params={"next": target})
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert resident.get("/size/largest").headers["location"] == "/"  # no next at all: the portal


def test_the_html_class_follows_the_cookies(resident):
    assert html_classes(resident) == set()  # the standard page, as it always was
    resident.get("/size/large")
    assert html_classes(resident) == {"size-large"}
    resident.get("/contrast/high")
    assert html_classes(resident) == {"size-large", "contrast-high"}
    resident.get("/size/largest")
    assert html_classes(resident) == {"size-largest", "contrast-high"}
    resident.get("/size/standard")
    resident.get("/contrast/standard")
    assert html_classes(resident) == set()


def test_the_current_choices_are_marked_and_every_choice_is_a_link_back_here(resident):
    resident.get("/size/largest")
    nav = aids(resident, QUESTION)
    assert current_choices(resident) == ["/size/largest", "/contrast/standard", "/furigana/off"]
    assert {a.attrs["href"].split("?next=")[1] for a in nav.find_all("a")} == {QUESTION}
    hrefs = [a.attrs["href"].split("?")[0] for a in nav.find_all("a")]
    assert hrefs == ["/size/standard", "/size/large", "/size/largest", "/contrast/standard", "/contrast/high",
                     "/furigana/on", "/furigana/off"]
    lists = nav.find_all("ul")
    assert [ul.attrs["aria-labelledby"] for ul in lists] == ["aid-size", "aid-contrast", "aid-furigana"]  # each named


def test_the_aids_are_on_every_kind_of_page(resident, store):
    resident.get("/contrast/high")
    pages = [("/", 200), ("/a/library-survey", 200), (QUESTION, 200), ("/a/no-such-app", 404),
             ("/a/library-survey/p/99", 404)]
    for url, status in pages:
        assert aids(resident, url, status) is not None, url
        assert "contrast-high" in html_classes(resident, url, status), url
    too_big = resident.post(QUESTION, content=b"visited=" + b"a" * (MAX_BODY + 10),
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert too_big.status_code == 413  # the error page
    assert "contrast-high" in parse(too_big.text).find("html").attrs["class"]
    assert parse(too_big.text).find("nav", cls="aids") is not None
    Lifecycle(store).retire("library-survey", by="tanaka")
    assert aids(resident, "/a/library-survey", 410) is not None
    assert "contrast-high" in html_classes(resident, "/a/library-survey", 410)


def test_the_language_switch_is_left_as_it_was(resident):
    resident.get("/size/largest")
    page = parse(resident.get(QUESTION).text)
    assert page.find("a", hreflang="en").attrs["href"].startswith("/lang/en?next=")
    resident.get("/lang/en", params={"next": QUESTION})
    assert html_classes(resident) == {"size-largest"}  # the size stays chosen in another language


@pytest.mark.parametrize("chooser_first", [True, False])
def test_a_cached_page_never_carries_one_residents_choice_to_another(resident, another_resident, chooser_first):
    """A blank question page is kept in memory and served to everyone without a draft: the choice
    must be part of what it is kept under."""
    resident.get("/size/largest")
    resident.get("/contrast/high")
    if chooser_first:
        assert html_classes(resident) == {"size-largest", "contrast-high"}
        assert html_classes(resident) == {"size-largest", "contrast-high"}  # now from the cache
        assert html_classes(another_resident) == set()
        assert html_classes(another_resident) == set()
    else:
        assert html_classes(another_resident) == set()
        assert html_classes(another_resident) == set()
        assert html_classes(resident) == {"size-largest", "contrast-high"}
        assert html_classes(resident) == {"size-largest", "contrast-high"}
    # And the choices marked as current are each resident's own, too.
    assert current_choices(another_resident) == ["/size/standard", "/contrast/standard", "/furigana/off"]
    assert current_choices(resident) == ["/size/largest", "/contrast/high", "/furigana/off"]


@pytest.mark.parametrize("path", ["/size/huge", "/size/", "/contrast/on", "/contrast/%3Cscript%3E", "/size/LARGE"])
def test_an_unknown_choice_changes_nothing_and_goes_back_politely(resident, path):
    response = resident.get(path, params={"next": QUESTION})
    assert response.status_code in (303, 404), response.status_code
    remembered = response.headers.get("set-cookie", "")  # a 404 page may give the stylesheet's cookie, nothing else
    assert not any(name in remembered for name in (SIZE_COOKIE, CONTRAST_COOKIE, FURIGANA_COOKIE)), remembered
    if response.status_code == 303:
        assert response.headers["location"] == QUESTION
    assert html_classes(resident) == set()


def test_a_cookie_with_an_unknown_value_counts_as_no_choice(resident):
    resident.cookies.set(SIZE_COOKIE, "enormous")
    resident.cookies.set(CONTRAST_COOKIE, "x\" onload=\"alert(1)")
    assert html_classes(resident) == set()
    assert html_classes(resident, "/") == set()


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Dest": "image", "Sec-Fetch-Mode": "no-cors"},
    {"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Sec-Purpose": "prefetch"},
    {"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"}])
@pytest.mark.parametrize(("path", "cookie"), [("/size/largest", SIZE_COOKIE), ("/contrast/high", CONTRAST_COOKIE),
                                              ("/furigana/on", FURIGANA_COOKIE), ("/lang/en", "mdg_lang")])
def test_an_image_a_prefetch_or_a_scripts_fetch_of_a_choice_changes_nothing(resident, path, cookie, headers):
    """Only a resident opening the link chooses (issue 18): an <img> on some page pointing here, a prefetch
    or a script's fetch must not change the resident's pages."""
    response = resident.get(f"{path}?next=/", headers=headers)
    assert response.status_code == 303 and cookie not in response.headers.get("set-cookie", "")
    opened = resident.get(f"{path}?next=/", headers={"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate"})
    assert cookie in opened.headers.get("set-cookie", "")
