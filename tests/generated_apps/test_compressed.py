"""Cached pages sent gzip-compressed, with the CSRF token outside the compression."""

from __future__ import annotations

import gzip
import zlib

from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from generated_apps.asgi import create_app
from generated_apps.compressed import CachedPage

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


def test_a_blank_question_page_comes_compressed_and_a_page_of_answers_never_does(settings, app_store):  # noqa: F811
    with TestClient(create_app(settings, app_store), follow_redirects=False) as client:
        plain = client.get(f"/a/{SLUG}/p/1", headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers
        packed = client.get(f"/a/{SLUG}/p/1", headers={"accept-encoding": "gzip, deflate, br"})
        assert packed.headers["content-encoding"] == "gzip" and packed.headers["vary"] == "Accept-Encoding"
        assert packed.text == plain.text  # the same page, the same token (httpx decompresses)
        assert int(packed.headers["content-length"]) < len(plain.content) / 2
        token = plain.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        client.post(f"/a/{SLUG}/p/1", data={"csrf": token, "visited": "yes"})
        for path in (f"/a/{SLUG}/p/2", f"/a/{SLUG}/check"):  # rendered for this resident, with their answers
            assert "content-encoding" not in client.get(path, headers={"accept-encoding": "gzip"}).headers, path
        for path in ("/", f"/a/{SLUG}", "/a/no-such-app"):  # no token, nothing of anyone's: compressed as made
            reply = client.get(path, headers={"accept-encoding": "gzip"})
            assert reply.headers["content-encoding"] == "gzip" and "</html>" in reply.text, path
