"""The retired page gives staff's message in the resident's language (issue 17): the message is app
text, like a widget's label, so an English resident reads the English one and a Japanese fallback is
marked lang="ja". The store keeps the message by language; a plain string is Japanese."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.web.asgi import create_app
from tests.htmlpage import parse
from widgets import AppSpec

SLUG = "library-survey"
JA = "2026年度の調査は終了しました。"
EN = "The 2026 survey has ended."


@pytest.fixture
def resident(settings, store, example_spec):
    Apps(store).create(AppSpec.model_validate(example_spec), by="suzuki")
    Lifecycle(store).publish(SLUG, by="admin")
    with TestClient(create_app(settings, store), follow_redirects=False) as client:
        yield client


def message_on_ended_page(client, lang: str):
    assert client.get(f"/lang/{lang}", params={"next": f"/a/{SLUG}"}).status_code == 303
    response = client.get(f"/a/{SLUG}")
    assert response.status_code == 410
    page = parse(response.text)
    assert page.find("html").attrs["lang"] == lang
    (message,) = [p for p in page.find("main").find_all("p") if JA in p.text or EN in p.text]
    return message


def marked_japanese(element) -> bool:
    return element.attrs.get("lang") == "ja" or element.find("span", lang="ja") is not None


def test_a_japanese_message_is_shown_to_an_english_resident_marked_as_japanese(store, resident):
    Lifecycle(store).retire(SLUG, by="admin", message=JA)
    message = message_on_ended_page(resident, "en")
    assert message.text == JA and marked_japanese(message)


def test_a_message_written_in_the_residents_language_is_shown_in_it(store, resident):
    Lifecycle(store).retire(SLUG, by="admin", message={"ja": JA, "en": EN})

    english = message_on_ended_page(resident, "en")
    assert english.text == EN and not marked_japanese(english)
    korean = message_on_ended_page(resident, "ko")  # none written in Korean: the Japanese, marked
    assert korean.text == JA and marked_japanese(korean)
    assert message_on_ended_page(resident, "ja").text == JA


def test_a_message_written_only_in_english_leaves_no_empty_paragraph_for_a_japanese_resident(store, resident):
    Lifecycle(store).retire(SLUG, by="admin", message={"en": EN})
    assert resident.get("/lang/ja", params={"next": f"/a/{SLUG}"}).status_code == 303
    page = parse(resident.get(f"/a/{SLUG}").text)
    assert page.find(class_="retire-message") is None
    assert "このサービスは終了しました" in page.find("main").text  # the page itself still says it
    assert message_on_ended_page(resident, "en").text == EN
