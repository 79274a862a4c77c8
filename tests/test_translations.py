"""Every interface message is translated, and every catalog entry is still used (STYLE.md: GOV.UK forms-runner)."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from builder.messages import LANGUAGES, LOCALES, collect


@pytest.fixture(scope="module")
def used() -> set[str]:
    return {m.id for m in collect() if m.id}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_in_the_code_is_translated(lang, used):
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    translated = {m.id for m in catalog if m.id and m.string}
    assert sorted(used - translated) == [], f"run `madoguchi messages` and translate these in {lang}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalog_keeps_messages_the_code_no_longer_uses(lang, used):
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    assert sorted({m.id for m in catalog if m.id} - used) == []


def test_placeholders_survive_translation(used):
    with (LOCALES / "ja" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="ja")
    for message in catalog:
        if message.id and message.string:
            for name in ("{label}", "{min}", "{max}", "{key}", "{count}", "{step}", "{steps}"):
                assert (name in message.id) == (name in message.string), (message.id, message.string)
