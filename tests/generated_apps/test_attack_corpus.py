"""A generated attack corpus sent to every resident route that test_hostile_http.py does not walk:
slugs, codes and page numbers in the address, the `next` of every redirecting link, the status and
cancel forms, malformed bodies, and app files given to the builder's import.

The rule everywhere: no 500, no payload ever in a page unescaped, no redirect off the site, and a
polite page (the resident's 404, or the form again with an error) instead.
"""

from __future__ import annotations

import itertools
import json
from urllib.parse import quote, urlsplit

import pytest
from starlette.testclient import TestClient

from builder.app_files import read_app_file
from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.web.asgi import create_app
from generated_apps.web.forms import MAX_BODY
from tests.htmlpage import form_fields, parse
from widgets import AppSpec

XSS = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "'><svg/onload=alert(1)>",
       "<iframe src=//evil.example>"]
SQL = ["' OR '1'='1", "1; DROP TABLE submission; --", "\" OR \"\"=\"", "%' AND 1=1 --"]
FORMULA = ["=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]
TRAVERSAL = ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/secret.key", "....//....//", "/etc/passwd",
             "..\\..\\windows", "%00", "a%00.css", "%252e%252e%252f"]
STRANGE = ["", " ", "\u202eevil", "\x00", "%ff%fe", "ｓｕｒｖｅｙ", "A" * 5000, "😀", "NaN", "-1",
           "99999999999999999999"]
CORPUS = XSS + SQL + FORMULA + TRAVERSAL + STRANGE
# What a payload would look like had it been put into a page as HTML.
UNESCAPED = ("<script>alert", "<img src=x", "<svg/onload", "<iframe src")
OFF_SITE = ["//evil.example", "https://evil.example/", "/\\evil.example", "\\\\evil.example", "http:evil.example",
            "javascript:alert(1)", " //evil.example", "/%2f%2fevil.example", "%2f%2fevil.example", "\t//evil.example"]

SURVEY = {
    "slug": "survey", "title": {"ja": "アンケート", "en": "Survey"}, "kind": "consultation",
    "contact": {"phone": "0142-23-3331"}, "lifecycle": {"retention_days": 365, "no_end": True},
    "pages": [{"widgets": [{"type": "short_text", "key": "town", "label": {"ja": "町名", "en": "Town"}}]},
              {"widgets": [{"type": "phone", "key": "phone", "label": {"ja": "電話番号", "en": "Phone"}}]}],
}


@pytest.fixture
def client(settings, store):
    Apps(store).save_app(AppSpec.model_validate(SURVEY), by="test")
    Lifecycle(store).publish("survey", by="test")
    with TestClient(create_app(settings, store), follow_redirects=False, raise_server_exceptions=False) as c:
        yield c


def harmless(response, where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    assert "Traceback" not in response.text, where
    body = response.text
    for marker in UNESCAPED:
        assert marker not in body, f"{where}: {marker!r} unescaped in the page"
    location = response.headers.get("location")
    if location is not None:  # a path on this site, or (Starlette's trailing-slash redirect) this site's address
        on_site = location.startswith("/") and not location.startswith(("//", "/\\"))
        assert on_site or urlsplit(location).netloc == "testserver", f"{where}: off-site {location!r}"


ADDRESSES = ["/a/{x}", "/a/{x}/p/1", "/a/survey/p/{x}", "/a/{x}/check", "/a/{x}/done", "/a/{x}/status",
             "/a/survey/status?x={x}", "/a/{x}/cancel", "/a/{x}/cancelled?b={x}&t={x}",
             "/a/survey/cancelled?b={x}&t={x}",
             "/a/{x}/booking.ics", "/a/{x}/open-data.json", "/a/{x}/open-data.csv", "/q/{x}", "/static/{x}",
             "/lang/{x}", "/size/{x}", "/contrast/{x}", "/{x}"]


@pytest.mark.parametrize("address", ADDRESSES)
def test_every_address_takes_any_value_politely(client, address):
    for payload in CORPUS:
        path = address.replace("{x}", quote(payload, safe="/%.\\"))  # "../" and "%2e" as sent, the rest encoded
        harmless(client.get(path), path)


@pytest.mark.parametrize("link", ["/lang/en", "/size/large", "/contrast/high", "/lang/xx"])
def test_no_link_sends_a_resident_off_the_site(client, link):
    for target in OFF_SITE + TRAVERSAL + XSS:
        response = client.get(link, params={"next": target})
        harmless(response, f"{link}?next={target!r}")
        assert response.status_code in (303, 307, 302, 404), (link, target, response.status_code)


@pytest.mark.parametrize("form", ["/a/survey/status", "/a/survey/p/1"])
def test_forms_take_the_corpus_in_every_field_and_duplicated_fields(client, form):
    page = client.get(form)
    assert page.status_code == 200
    fields = form_fields(parse(page.text))
    names = [name for name in fields if name not in ("csrf",)]
    for payload, name in itertools.product(CORPUS, names):
        response = client.post(form, data={**fields, name: payload})
        harmless(response, f"{form} {name}={payload[:20]!r}")
        if response.status_code == 422:
            assert parse(response.text).find("title").text.startswith("エラー:")
    for name in names:  # the same field several times, with the corpus in each copy
        response = client.post(form, data={**fields, name: XSS[:3]})
        harmless(response, f"{form} {name} three times")


@pytest.mark.parametrize("body, content_type", [
    (b"town=%ff%fe%fd&csrf=x", "application/x-www-form-urlencoded"),             # broken UTF-8
    (b"\xff\xfe\x00<script>" * 10, "application/x-www-form-urlencoded"),
    (b"town=" + b"a" * (MAX_BODY + 10), "application/x-www-form-urlencoded"),   # over the size limit
    (b"&".join(b"f%d=1" % n for n in range(5000)), "application/x-www-form-urlencoded"),  # too many fields
    (b'{"town": "<script>alert(1)</script>"}', "application/json"),
    (b"--x\r\nContent-Disposition: form-data; name=\"town\"\r\n\r\n<script>alert(1)</script>\r\n--x--",
     "multipart/form-data; boundary=x"),
    (b"town=a&town=b&csrf=1&csrf=2", "application/x-www-form-urlencoded"),
    (b"", "text/plain"),
])
@pytest.mark.parametrize("form", ["/a/survey/p/1", "/a/survey/status", "/a/survey/submit", "/a/survey/cancel"])
def test_malformed_bodies_get_a_polite_refusal(client, form, body, content_type):
    client.get("/a/survey/p/1")  # a CSRF cookie, as a real browser would have
    response = client.post(form, content=body, headers={"content-type": content_type})
    harmless(response, f"{form} {body[:30]!r}")
    assert response.status_code in (303, 400, 404, 405, 413, 415, 422), (form, response.status_code)


def hostile_spec() -> dict:
    payload = XSS[0] + FORMULA[0]
    return {**SURVEY, "slug": "hostile", "title": {"ja": payload, "en": payload},
            "pages": [{"widgets": [
                {"type": "paragraph", "text": {"ja": XSS[1] + " [x](https://example.jp/?q=%3Cb%3E&a=1)", "en": XSS[1]}},
                {"type": "single_choice", "key": "pick", "label": {"ja": XSS[3], "en": XSS[3]},
                 "hint": {"ja": XSS[4], "en": XSS[4]},
                 "options": [{"value": "a", "label": {"ja": XSS[0], "en": XSS[0]}},
                             {"value": "b", "label": {"ja": SQL[0], "en": SQL[0]}}]}]},
                {"widgets": [{"type": "phone", "key": "phone", "label": {"ja": "電話番号", "en": "Phone"}}]}]}


@pytest.mark.parametrize("data", [
    b"\xff\xfe\xfd not utf-8", b"{", b"[]", b"null", b'"a string"', b"{}" * 10, b"[" * 100_000,
    json.dumps({"slug": "../../etc", "title": "x", "pages": []}).encode(),
    json.dumps({"slug": "ok", "title": {"ja": "x"}, "pages": [{"widgets": [{"type": "<script>"}]}]}).encode(),
    json.dumps({"slug": "ok", "title": {"ja": "x"}, "pages": [], "__class__": "os.system"}).encode(),
    b" " * 3_000_000,
])
def test_the_builder_import_refuses_hostile_files_with_reasons_and_stores_nothing(store, data):
    spec, problems = read_app_file(data)
    assert spec is None and problems, data[:40]


def test_an_app_file_full_of_markup_imports_as_text_and_every_page_shows_it_escaped(settings, store):
    spec, problems = read_app_file(json.dumps(hostile_spec()).encode())
    assert spec is not None, problems
    Apps(store).save_app(spec, by="test")
    Lifecycle(store).publish("hostile", by="test")
    with TestClient(create_app(settings, store), follow_redirects=False, raise_server_exceptions=False) as c:
        for lang in ("ja", "en"):
            c.get(f"/lang/{lang}?next=/")
            for path in ("/", "/a/hostile", "/a/hostile/p/1"):
                response = c.get(path)
                assert response.status_code == 200, path
                harmless(response, f"{lang} {path}")
            token = form_fields(parse(c.get("/a/hostile/p/1").text))["csrf"]
            harmless(c.post("/a/hostile/p/1", data={"csrf": token, "pick": "a"}), "answer")
            harmless(c.post("/a/hostile/p/2", data={"csrf": token, "phone": "0142-23-3331"}), "phone")
            check = c.get("/a/hostile/check")
            assert check.status_code == 200
            harmless(check, f"{lang} check page")
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in check.text  # shown, as text
