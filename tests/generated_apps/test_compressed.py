"""Pages sent gzip-compressed, with the CSRF token outside the compression, and nothing of an attacker's
beside answers."""

from __future__ import annotations

import gzip
import zlib

from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from generated_apps.web.asgi import create_app
from generated_apps.web.compressed import CachedPage

from .test_booking_http import PICK, bookings, browser, gym, resident  # noqa: F401 - fixtures: a booking app
from .test_resident_http import app_store  # noqa: F401 - the fixture: the library survey, published

SLUG = "library-survey"


@given(parts=st.lists(st.binary(max_size=3000), min_size=1, max_size=4), token=st.binary(min_size=0, max_size=80))
def test_the_gzip_file_is_exactly_the_page_with_its_token_in_every_place(parts, token):
    body = CachedPage(parts).gzip(token)
    assert gzip.decompress(body) == token.join(parts)
    assert zlib.decompress(body, wbits=31) == token.join(parts)  # strict: one member, right CRC and size


def test_the_length_of_a_response_tells_nothing_about_its_token():
    """BREACH guesses a secret from how well it compresses beside text it chose; the token is never compressed."""
    page = CachedPage([b"<form><input name=csrf value=\"", b"\"> next=/a/x?q=deadbeef deadbeef</form>" * 20])
    lengths = {len(page.gzip(token)) for token in (b"deadbeef" * 5, b"0" * 40, bytes(range(40)), b"dead" * 10)}
    assert len(lengths) == 1


def _token(page: str) -> str:
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def _answer_everything(client: TestClient, first_page: str) -> None:
    token = _token(first_page)
    for number, answer in ((1, {"visited": "yes"}), (2, {"book": "坊っちゃん"}), (3, {"town": "大町"})):
        assert client.post(f"/a/{SLUG}/p/{number}", data={"csrf": token, **answer}).status_code == 303


def test_every_page_comes_compressed_when_the_browser_takes_gzip(settings, app_store):  # noqa: F811
    with TestClient(create_app(settings, app_store), follow_redirects=False) as client:
        client.get("/")  # the first page carries the stylesheet inline; the pages compared here do not
        plain = client.get(f"/a/{SLUG}/p/1", headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers
        packed = client.get(f"/a/{SLUG}/p/1", headers={"accept-encoding": "gzip, deflate, br"})
        assert packed.headers["content-encoding"] == "gzip" and packed.headers["vary"] == "Accept-Encoding"
        assert packed.text == plain.text  # the same page, the same token (httpx decompresses)
        assert int(packed.headers["content-length"]) < len(plain.content) / 2
        _answer_everything(client, plain.text)
        # Pages made for this resident, with their answers; pages of no one; and an error page.
        for path in (f"/a/{SLUG}/p/2", f"/a/{SLUG}/check", "/", f"/a/{SLUG}", "/a/no-such-app"):
            reply = client.get(path, headers={"accept-encoding": "gzip"})
            assert reply.headers.get("content-encoding") == "gzip" and "</html>" in reply.text, (
                path, reply.status_code)
            unpacked = client.get(path, headers={"accept-encoding": "identity"})
            assert reply.text == unpacked.text, path


def test_a_page_with_answers_writes_back_nothing_a_request_brings(settings, app_store):  # noqa: F811
    """BREACH's other half: no text of an attacker's choosing beside a resident's answers."""
    chosen = "zq7xw"  # what an attacker might add to an address, hoping it is written into the page
    params = {"q": chosen, "via": chosen, "expired": chosen, "refused": chosen, "b": chosen.upper(), "t": chosen,
              "next": chosen, "week": "2026-01-01"}
    with TestClient(create_app(settings, app_store), follow_redirects=False) as client:
        first = client.get(f"/a/{SLUG}/p/1", params={"via": chosen})
        assert f"via%3D{chosen}" in first.text  # a blank first page carries the poster's code on: no answers yet
        _answer_everything(client, first.text)
        for path in (f"/a/{SLUG}/p/2", f"/a/{SLUG}/check", f"/a/{SLUG}/p/1"):
            page = client.get(path, params=params).text
            assert "坊っちゃん" in page or path.endswith("p/1"), path  # the resident's answers are on it
            assert chosen not in page.lower() and "2026-01-01" not in page, path
            assert "change%3D1" in client.get(path, params={"change": "1"}).text, path  # the one kept everywhere
        # So the length of a page of answers does not change with what the attacker guesses.
        lengths = {len(client.get(f"/a/{SLUG}/check", params={"via": guess},
                                  headers={"accept-encoding": "gzip"}).content) for guess in ("yes", "no", "visited")}
        assert len(lengths) == 1


def test_a_slot_pickers_page_carries_on_the_week_it_shows_never_the_text_of_its_address(resident):  # noqa: F811
    assert "week%3D2026-11-24" in resident.get(f"{PICK}?week=2026-11-24").text  # the aids come back to this week
    far = resident.get(f"{PICK}?week=2030-01-01").text  # past the booking window: its last week is shown
    assert "2030" not in far and "week%3D2027-01-" in far
