"""Headers that depend on the connection: HSTS over HTTPS only, on the resident replicas as on the one server."""

from __future__ import annotations

import os
import sys

import httpx
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.config import Settings
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.web.asgi import create_app
from tests.browser.conftest import free_port, running

HSTS = "strict-transport-security"


def test_hsts_is_sent_over_https_and_never_over_plain_http(settings, store, example_spec):
    from widgets import AppSpec

    Apps(store).save_app(AppSpec.model_validate(example_spec), by="kato")
    Lifecycle(store).publish(example_spec["slug"], by="kato")
    app = create_app(settings, store)
    for path in ("/", f"/a/{example_spec['slug']}", f"/a/{example_spec['slug']}/p/1", "/no-such-page"):
        over_https = TestClient(app, base_url="https://madoguchi.example").get(path, follow_redirects=False)
        assert over_https.headers[HSTS] == "max-age=31536000", path
        plain = TestClient(app, base_url="http://madoguchi.example").get(path, follow_redirects=False)
        assert HSTS not in plain.headers, path
        # The page's own headers are still there, once each.
        assert over_https.headers["x-content-type-options"] == "nosniff"
        assert (over_https.headers.get_list("content-security-policy")
                == plain.headers.get_list("content-security-policy"))


def test_the_staff_cookie_is_https_only_when_people_come_over_https(tmp_path, monkeypatch):
    monkeypatch.delenv("MADOGUCHI_HTTPS", raising=False)
    base = {"data_dir": tmp_path, "database_url": "sqlite://"}
    assert Settings(**base, public_url="https://madoguchi.city.example").https
    assert not Settings(**base, public_url="http://127.0.0.1:8000").https
    # With an address of its own the builder's decides: staff may come over HTTPS while residents do not, or not.
    assert Settings(**base, public_url="http://10.0.0.5:8000", staff_url="https://staff.city.example").https
    assert not Settings(**base, public_url="https://madoguchi.city.example", staff_url="http://staff.city.example").https
    monkeypatch.setenv("MADOGUCHI_HTTPS", "1")  # TLS ends at a proxy whose address residents never see
    assert Settings(**base, public_url="http://10.0.0.5:8000").https
    # A real staff cookie with these flags:
    # tests/browser/test_staff_server.py::test_the_staff_cookie_is_secure_when_tls_ends_at_a_proxy


def test_resident_cookies_are_http_only_same_site_and_secure_over_https(settings, store, example_spec):
    from widgets import AppSpec

    Apps(store).save_app(AppSpec.model_validate(example_spec), by="kato")
    Lifecycle(store).publish(example_spec["slug"], by="kato")
    app = create_app(settings, store)
    slug = example_spec["slug"]
    for base, secure in (("https://madoguchi.example", True), ("http://madoguchi.example", False)):
        client = TestClient(app, base_url=base, follow_redirects=False)
        page = client.get(f"/a/{slug}/p/1")
        token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        answered = client.post(f"/a/{slug}/p/1", data={"csrf": token, "visited": "yes"})
        chosen = client.get("/size/large?next=/")
        cookies = [*page.headers.get_list("set-cookie"), *answered.headers.get_list("set-cookie"),
                   *chosen.headers.get_list("set-cookie")]
        names = {c.split("=", 1)[0] for c in cookies}
        assert {"mdg_csrf", f"mdg_draft_{Apps(store).by_slug(slug).id}", "mdg_size"} <= names
        for cookie in cookies:
            flags = {part.strip().lower() for part in cookie.split(";")[1:]}
            assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags, cookie
            assert ("secure" in flags) == secure, cookie


def test_behind_a_proxy_the_csrf_and_draft_cookies_are_secure_exactly_when_it_says_https(settings, store, example_spec,
                                                                                           tmp_path):
    """A real replica under uvicorn, which believes X-Forwarded-Proto from a proxy on 127.0.0.1 (its
    default): the CSRF and draft cookies are HttpOnly and SameSite=Lax always, Secure only over HTTPS."""
    from widgets import AppSpec

    Apps(store).save_app(AppSpec.model_validate(example_spec), by="kato")
    Lifecycle(store).publish(example_spec["slug"], by="kato")
    slug, port = example_spec["slug"], free_port()
    env = {**os.environ, "MADOGUCHI_DATABASE_URL": settings.database_url, "MADOGUCHI_DATA_DIR": str(tmp_path)}
    with running([sys.executable, "-m", "uvicorn", "generated_apps.web.asgi:app", "--host", "127.0.0.1",
                  "--port", str(port), "--log-level", "warning"], f"http://127.0.0.1:{port}/", tmp_path / "server.log",
                 env=env):
        for proto, secure in (("https", True), ("http", False)):
            address, proxied = f"http://127.0.0.1:{port}/a/{slug}/p/1", {"X-Forwarded-Proto": proto}
            page = httpx.get(address, headers=proxied)
            token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            # Sent back by hand, as the browser behind the proxy does: httpx would keep a Secure cookie off plain HTTP.
            csrf = next(c for c in page.headers.get_list("set-cookie") if c.startswith("mdg_csrf="))
            answered = httpx.post(address, data={"csrf": token, "visited": "yes"},
                                  headers={**proxied, "Cookie": csrf.split(";", 1)[0]})
            cookies = {c.split("=", 1)[0]: c for c in [*page.headers.get_list("set-cookie"),
                                                       *answered.headers.get_list("set-cookie")]}
            for name in ("mdg_csrf", f"mdg_draft_{Apps(store).by_slug(slug).id}"):
                flags = {part.strip().lower() for part in cookies[name].split(";")[1:]}
                assert {"httponly", "samesite=lax", "path=/"} <= flags, cookies[name]
                assert ("secure" in flags) == secure, (proto, cookies[name])
