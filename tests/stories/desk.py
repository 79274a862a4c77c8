"""What a clerk and a resident do, in words, for the stories of consultations, bookings, users, open data
and the emergency banner: each helper is one step a person takes on a page, as they would take it.

Staff pages are NiceGUI's, driven in Chromium; resident pages are plain HTML, driven in Chromium with
JavaScript off (every press of a button is a real POST). Helpers take the words a page shows in the
language the clerk works in: Japanese (the city's) unless a story signs in with lang="en".
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import httpx

from tests.browser.resident import LONG_TEXT_ANSWER, TEXT_ANSWER, fill_in, press_continue
from tests.htmlpage import Element, parse

from .conftest import connected

MAX_PAGES = 20  # no app of the templates has more questions than this

# The builder's words a helper clicks, in the two languages staff work in.
WORDS = {
    "ja": {"use": "テンプレート「{title}」を使う", "fix": "公開する前に、編集画面で次の点を直してください：",
           "publishing": "公開の管理", "publish": "公開する",
           "published": "公開しました。市民に表示されています", "acknowledge": "注意を読んだうえで公開する",
           "qr": "QRコード", "where": "コードを掲示する場所", "add": "追加"},
    "en": {"use": "Use the template {title}", "fix": "Fix these in the editor before publishing:",
           "publishing": "Publishing", "publish": "Publish",
           "published": "Published: residents see it now",
           "acknowledge": "I have read the warnings and want to publish anyway",
           "qr": "QR codes", "where": "Where the code is put up", "add": "Add"},
}


def lang_of(page) -> str:
    return "en" if page.locator("header a", has_text="Sign out").count() else "ja"


def words(page) -> dict[str, str]:
    return WORDS[lang_of(page)]


# --- staff, in the builder --------------------------------------------------------------------------------


def open_staff_page(page, path: str) -> None:
    """Type an address of the builder (as a bookmark or a link in a colleague's mail would take them)."""
    page.goto("/staff" + path)
    connected(page)


def app_id_of(page) -> int:
    return int(re.search(r"/apps/(\d+)", page.url).group(1))


def make_an_app_from_the_template(page, title: str) -> int:
    """New app → the template's card → the editor of the new app; its number."""
    open_staff_page(page, "/new")
    page.get_by_role("button", name=words(page)["use"].format(title=title)).click()
    page.wait_for_url(re.compile(r"/staff/apps/\d+$"))
    connected(page)
    return app_id_of(page)


def address_of(page, app_id: int) -> str:
    """The app's resident address, as the dashboard shows it under its title (/a/…)."""
    open_staff_page(page, "/")
    row = page.locator("tr", has=page.locator(f"a[href$='/apps/{app_id}']"))
    return row.locator("text=/^\\/a\\//").first.inner_text().strip()


def publish(page, app_id: int) -> None:
    """The app's publishing page → (tick that the warnings are read) → Publish, now."""
    w = words(page)
    open_staff_page(page, f"/apps/{app_id}/publishing")
    acknowledge = page.get_by_role("checkbox", name=w["acknowledge"])
    button = page.get_by_role("button", name=w["publish"], exact=True)
    button.or_(page.get_by_text(w["fix"])).first.wait_for()
    assert button.count(), "the publishing page refuses: " + page.locator("main main").inner_text()
    if acknowledge.count():
        acknowledge.click()
    page.get_by_role("button", name=w["publish"], exact=True).click()
    page.get_by_text(w["published"]).wait_for()


def put_up_a_qr_code(page, app_id: int, where: str) -> str:
    """The app's QR codes page → the place the code goes → Add; the code's address (/q/…)."""
    w = words(page)
    open_staff_page(page, f"/apps/{app_id}/access")
    page.get_by_label(w["where"]).fill(where)
    before = page.locator("a[href*='/poster.pdf']").count()
    page.get_by_role("button", name=w["add"], exact=True).click()
    page.wait_for_function("(n) => document.querySelectorAll(\"a[href*='/poster.pdf']\").length > n", arg=before)
    href = page.locator("a[href*='/poster.pdf']").last.get_attribute("href")
    return "/q/" + re.search(r"/access/([^/]+)/poster", href).group(1)


def notified(page, text: str) -> None:
    """A notification with `text` pops up (NiceGUI's toasts)."""
    page.locator(".q-notification", has_text=text).first.wait_for()


# --- residents, on their phones (JavaScript off) -----------------------------------------------------------


def go(page, url: str, status: int = 200):
    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}"
    return response


def press(page, expected: int = 303):
    """Press the page's main button (a real POST) and land on the next page."""
    response = press_continue(page)
    assert response.status == expected, f"{page.url}: {response.status}"
    return response


def answer_every_question_and_send(page) -> str:
    """From the start page: Start, answer each page as a resident would (the phone given is 0142-23-3331),
    check the answers, send; the reference number on the confirmation."""
    with page.expect_navigation():
        page.locator("main .button--start").click()
    for _ in range(MAX_PAGES):
        if page.url.endswith("/check"):
            break
        fill_in(page)
        press(page)
    assert page.url.endswith("/check"), page.url
    press(page)
    assert page.url.endswith("/done"), page.url
    return page.locator(".reference").inner_text().strip()


def answer_by_plain_http(base_url: str, address: str) -> str:
    """A resident on a phone no browser test drives: plain GETs and POSTs of the forms, with cookies. Each
    page's first choice, some words in each text box; the reference number on the confirmation."""
    with httpx.Client(base_url=base_url, follow_redirects=True, timeout=30) as client:
        page = parse(_ok(client.get(address)).text)
        here = _ok(client.get(page.find("a", cls="button--start").attrs["href"]))
        for _ in range(MAX_PAGES):
            form = next(f for f in parse(here.text).find_all("form") if f.attrs.get("method", "").lower() == "post")
            action = urljoin(str(here.url), form.attrs.get("action") or str(here.url))
            here = _ok(client.post(action, data=_answers(form)))
            if str(here.url).endswith("/done"):
                return parse(here.text).find(cls="reference").text.strip()
    raise AssertionError(f"{address}: no confirmation after {MAX_PAGES} pages")


def _ok(response: httpx.Response) -> httpx.Response:
    assert response.status_code == 200, f"{response.request.method} {response.url}: {response.status_code}"
    return response


def _hidden_from_people(element: Element) -> bool:
    while element is not None:
        if element.attrs.get("aria-hidden") == "true":
            return True
        element = element.parent
    return False


def _answers(form: Element) -> dict[str, str]:
    """What a resident sends from `form`: its hidden fields, the first choice of each group, words in each box."""
    data: dict[str, str] = {}
    for field in form.find_all():
        name = field.attrs.get("name")
        if not name or _hidden_from_people(field) or field.tag not in ("input", "select", "textarea"):
            continue
        kind = field.attrs.get("type", "text").lower()
        if field.tag == "select":
            data.setdefault(name, next(o.attrs.get("value", "")
                                       for o in field.find_all("option") if o.attrs.get("value")))
        elif field.tag == "textarea":
            data[name] = LONG_TEXT_ANSWER
        elif kind in ("radio", "checkbox"):
            data.setdefault(name, field.attrs.get("value", "on"))
        elif kind == "hidden":
            data[name] = field.attrs.get("value", "")
        elif kind not in ("submit", "button"):
            data[name] = field.attrs.get("value") or TEXT_ANSWER
    return data
