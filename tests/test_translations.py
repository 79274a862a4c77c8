"""Every interface message is translated, and every catalog entry is still used (STYLE.md: GOV.UK forms-runner).

Japanese and English hold every message (the builder's too); Simplified Chinese, Korean and Vietnamese
hold the resident pages' interface: every message used outside builder/.
"""

from __future__ import annotations

import json
import re

import pytest
from babel.messages.pofile import read_po

from builder.messages import FULL_LANGUAGES, LANGUAGES, LOCALES, collect, resident
from generated_apps.domain.i18n import CATALOG_LOCALES, UI_LANGS, Translator

RESIDENT_ONLY = tuple(lang for lang in LANGUAGES if lang not in FULL_LANGUAGES)
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def catalog(lang: str):
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture(scope="module")
def template():
    return collect()


@pytest.fixture(scope="module")
def used(template) -> set[str]:
    return {m.id for m in template if m.id}


@pytest.fixture(scope="module")
def residents(template) -> set[str]:
    return {m.id for m in resident(template) if m.id}


def expected(lang: str, used: set[str], residents: set[str]) -> set[str]:
    return used if lang in FULL_LANGUAGES else residents


def test_every_resident_interface_language_has_a_catalog():
    assert RESIDENT_ONLY == ("zh_Hans", "ko", "vi")
    assert sorted(CATALOG_LOCALES[code] for code in UI_LANGS) == sorted(LANGUAGES)


def test_the_resident_catalogs_leave_out_what_only_staff_read(used, residents):
    assert residents < used
    assert "Skip to main content" in residents and "Received" in residents
    assert "Sign out" in used and "Sign out" not in residents  # builder/ text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_in_the_code_is_translated(lang, used, residents):
    translated = {m.id for m in catalog(lang) if m.id and m.string}
    missing = sorted(expected(lang, used, residents) - translated)
    assert missing == [], f"run `madoguchi messages` and translate these in {lang}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalog_keeps_messages_the_code_no_longer_uses(lang, used, residents):
    assert sorted({m.id for m in catalog(lang) if m.id} - expected(lang, used, residents)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_translation_is_fuzzy(lang):
    assert [m.id for m in catalog(lang) if m.id and m.fuzzy] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang):
    for message in catalog(lang):
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), \
                (message.id, message.string)


@pytest.mark.parametrize("code", ["zh-Hans", "ko", "vi"])
def test_the_translator_reads_each_languages_own_catalog(code):
    status = {"zh-Hans": "已受理", "ko": "접수됨", "vi": "Đã tiếp nhận"}[code]
    assert Translator(code).gettext("Received") == status
    assert Translator(code).lang == code


def test_the_status_words_mean_the_same_in_every_language():
    words = {code: [Translator(code).gettext(w) for w in ("Received", "In progress", "Answered", "Completed")]
             for code in UI_LANGS}
    assert words["ja"] == ["受付済", "対応中", "回答済", "完了"]
    assert words["en"] == ["Received", "In progress", "Answered", "Completed"]
    assert words["zh-Hans"] == ["已受理", "处理中", "已答复", "已完成"]
    assert words["ko"] == ["접수됨", "처리 중", "답변 완료", "완료"]
    assert words["vi"] == ["Đã tiếp nhận", "Đang xử lý", "Đã trả lời", "Đã hoàn tất"]


def test_the_japanese_interface_readings_are_those_of_the_catalog_as_it_is(residents):
    """`madoguchi messages` works out the furigana of the Japanese interface text; a catalog changed
    since, without running it again, fails here (a resident with furigana on would see text without)."""
    from builder.messages import _annotated
    from generated_apps.domain.i18n import INTERFACE_READINGS
    from widgets import furigana

    kept = json.loads(INTERFACE_READINGS.read_text(encoding="utf-8"))
    shown = {m.string for m in catalog("ja") if m.id in residents and furigana.KANJI.search(m.string or "")}
    assert set(kept) == shown
    assert kept == {text: _annotated(text) for text in shown}
    assert kept["次へ"] == "｜次《つぎ》へ"
    person = next(text for text in kept if "ほかの方が" in text)
    assert "ほかの｜方《かた》が" in kept[person]  # a person, not a direction (READING_FIXES)
