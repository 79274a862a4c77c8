"""Every phone and mail link on the resident pages is a 44 x 44 px target, inside a sentence too
(ACCESSIBILITY.md 7, issue 17): the consultation's status page, the links staff write in a paragraph,
and the pages that only give a number to call. In Chromium with JavaScript off, at 320 px."""

from __future__ import annotations

import pytest

from builder.templates_gallery import template
from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle

from .test_booking_pages import go, small_contact_links
from .test_other_pages import assert_checks
from .test_status_pages import base_url, look, send_a_consultation, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

CONSULTATION_STATUS = f"/a/{template('consultation').spec.slug}/status"
LINKS_SLUG = "contact-links"
PARAGRAPH = "ご質問は[電話（0142-23-3331）](tel:0142-23-3331)か、[メール](mailto:info@city.date.example)でどうぞ。"


@pytest.fixture(scope="module")
def paragraph_app(server):  # noqa: F811 (the fixture imported above)
    """A published notice whose paragraph holds a phone and a mail link in one sentence."""
    _url, store = server
    spec = template("notice").spec.model_dump(mode="json", exclude_none=True)
    spec["slug"] = LINKS_SLUG
    spec["pages"] = [{"title": {"ja": "お問い合わせ"}, "widgets": [{"type": "paragraph", "text": {"ja": PARAGRAPH}}]}]
    spec["languages"] = ["ja"]
    from widgets import AppSpec

    Apps(store).save_app(AppSpec.model_validate(spec), by="test")
    Lifecycle(store).publish(LINKS_SLUG, by="test", warnings_acknowledged=True)
    return f"/a/{LINKS_SLUG}"


def test_phone_and_mail_links_in_sentences_are_44_px_targets(resident_context, axe, paragraph_app):
    page = resident_context(320).new_page()
    go(page, f"{paragraph_app}/p/1")
    assert page.locator(".prose a[href^='tel:'], .prose a[href^='mailto:']").count() == 2
    assert small_contact_links(page) == []
    assert_checks(page, axe, "a paragraph with a phone and a mail link")  # still no sideways scrolling at 200 %

    reference = send_a_consultation(page)
    go(page, CONSULTATION_STATUS)
    look(page, reference, "3331", 200)  # the demo resident's phone ends 3331 (resident.py)
    assert page.locator("main a[href^='tel:']").count() == 1, "call us, under the status"
    assert small_contact_links(page) == []

    for url, status in (("/a/no-such-app", 404), ("/q/ZZZZZZ", 404)):
        go(page, url, status)
        assert page.locator("main a[href^='tel:']").count() == 1, url
        assert small_contact_links(page) == [], url
