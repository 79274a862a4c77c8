"""The app lint: what must be fixed before an app is published (errors), what should be (warnings), and
advice that never stops publishing (the Easy Japanese checklist).

Each issue names where it is (page and widget index, from 0, and the question's data key) and
says what is wrong as a msgid with parameters, so the builder can show it in the staff's language.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from pydantic import BaseModel

from . import colour, easy_japanese, furigana, markup
from .base import Question, Widget
from .dropdown import DROPDOWN_MIN_OPTIONS, Dropdown
from .image import HTTPS_ONLY, Image
from .multiple_choice import MultipleChoice
from .notice import Notice
from .paragraph import Paragraph
from .slot_picker import SlotPicker
from .spec import AppSpec
from .text import N_, Lang, LocalizedText

# Longest sentence, in characters (Japanese, Chinese) or words (English, Korean, Vietnamese), that older
# residents read comfortably.
SENTENCE_LIMIT = 60
SENTENCE_WORDS = 25
_CHARACTER_LANGS = {"ja", "ja-x-easy", "zh-Hans"}
# Each language's own name, shown to staff as it is (a code such as zh-Hans says little).
LANGUAGE_NAMES = {"ja": "日本語", "en": "English", "zh-Hans": "简体中文", "ko": "한국어", "vi": "Tiếng Việt",
                  "ja-x-easy": "やさしい日本語"}
_LEVELS = {"error": 0, "warning": 1, "advice": 2}
_SENTENCE_END = re.compile(r"[。．！？!?\n]|\.(?=\s|$)")
# Fields whose text is formatted (markup.py): counted and checked as the resident reads them.
_FORMATTED = {(Paragraph, "text"), (Notice, "body")}


@dataclass(frozen=True)
class LintIssue:
    level: Literal["error", "warning", "advice"]  # advice is never counted against publishing
    code: str  # stable name of the check: "duplicate-key", "long-sentence", …
    msgid: str  # English message with {placeholders}, for gettext
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    page: int | None = None  # index in spec.pages, from 0
    widget: int | None = None  # index in the page's widgets, from 0
    key: str | None = None  # the question's data key

    @property
    def message(self) -> str:
        return self.msgid.format(**self.params)

    def __str__(self) -> str:
        where = ("" if self.page is None else
                 f"page {self.page + 1}" + ("" if self.widget is None else f", widget {self.widget + 1}"))
        return f"{self.level}: {self.message}" + (f" ({where})" if where else "")


def lint(spec: AppSpec, facilities: Collection[int] | None = None) -> list[LintIssue]:
    """Every issue of `spec`, errors first, each group in page order. `facilities`: the numbers of the
    facilities taking bookings now, where the caller knows them (slot pickers must name one)."""
    texts = list(_texts(spec))  # walked once: the builder lints at every keystroke
    issues: list[LintIssue] = [*_blank_texts(texts), *_keys(spec), *_conditions(spec), *_links(texts),
                               *_furigana(texts), *_questions_per_page(spec), *_dropdowns(spec), *_images(spec),
                               *_long_sentences(spec, texts), *_translations(spec, texts), *_policy(spec),
                               *_bookings(spec, facilities), *_consultations(spec), *_colour(spec),
                               *_easy_japanese(spec, texts)]
    return sorted(issues, key=lambda i: (_LEVELS[i.level], -1 if i.page is None else i.page, i.widget or 0))


class _Where(TypedDict):
    """Where an issue is, as LintIssue's keyword arguments."""

    page: int | None
    widget: int | None
    key: str | None


@dataclass(frozen=True)
class _Text:
    path: str  # "label", "options[2].label"
    text: LocalizedText
    required: bool
    formatted: bool
    page: int | None = None
    widget: int | None = None
    owner: Widget | None = None


def _texts(spec: AppSpec) -> Iterator[_Text]:
    """Every piece of text in the app, where it is, and whether the app needs it."""
    for path, text, required, formatted in _walk(spec, "", skip=frozenset({"pages"})):
        yield _Text(path, text, required, formatted)
    for p, page in enumerate(spec.pages):
        if page.title is not None:
            yield _Text("title", page.title, False, False, p)
        for w, widget in enumerate(page.widgets):
            for path, text, required, formatted in _walk(widget, ""):
                yield _Text(path, text, required, formatted, p, w, widget)


_Found = tuple[str, LocalizedText, bool, bool]  # path, text, required, formatted


def _walk(model: BaseModel, prefix: str, skip: frozenset[str] = frozenset()) -> Iterator[_Found]:
    for name, info in type(model).model_fields.items():
        if name in skip:
            continue
        formatted = (type(model), name) in _FORMATTED
        yield from _walk_value(getattr(model, name), prefix + name, info.is_required(), formatted)


def _walk_value(value: Any, path: str, required: bool, formatted: bool) -> Iterator[_Found]:
    if isinstance(value, LocalizedText):
        yield path, value, required, formatted
    elif isinstance(value, BaseModel):
        yield from _walk(value, path + ".")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_value(item, f"{path}[{index}]", True, formatted)


def _key_of(widget: Widget | None) -> str | None:
    return widget.key if isinstance(widget, Question) else None


def _blank_texts(texts: list[_Text]) -> Iterator[LintIssue]:
    for t in texts:
        # An optional text left wholly empty is as good as none; one with only English is not.
        if not t.text.is_blank() or not (t.required or len(t.text.root) > 1):
            continue
        where: _Where = {"page": t.page, "widget": t.widget, "key": _key_of(t.owner)}
        if isinstance(t.owner, Question) and t.path == "label":
            yield LintIssue("error", "blank-label", N_("The question has no label in Japanese"), **where)
        elif isinstance(t.owner, Image) and t.path == "alt":
            yield LintIssue("error", "blank-alt",
                            N_("The image has no alternative text: say in Japanese what it shows"), **where)
        else:
            yield LintIssue("error", "blank-text", N_("Japanese text is missing: {field}"), {"field": t.path}, **where)


def _keys(spec: AppSpec) -> Iterator[LintIssue]:
    first_page: dict[str, int] = {}
    for p, page in enumerate(spec.pages):
        for w, widget in enumerate(page.widgets):
            if not isinstance(widget, Question):
                continue
            if widget.key in first_page:
                yield LintIssue("error", "duplicate-key",
                                N_("The data name {key} is used twice (first on page {first_page})"),
                                {"key": widget.key, "first_page": first_page[widget.key] + 1}, p, w, widget.key)
            else:
                first_page[widget.key] = p


def _conditions(spec: AppSpec) -> Iterator[LintIssue]:
    asked: dict[str, tuple[int, Question]] = {}
    for q_page, question in ((p, q) for p, page in enumerate(spec.pages) for q in page.questions()):
        asked.setdefault(question.key, (q_page, question))
    for p, page in enumerate(spec.pages):
        for w, widget in enumerate(page.widgets):
            condition = widget.show_if
            if condition is None:
                continue
            where: _Where = {"page": p, "widget": w, "key": _key_of(widget)}
            params = {"key": condition.key, "value": condition.value}
            if condition.key not in asked:
                yield LintIssue("error", "condition-unknown-key",
                                N_("The condition names {key}, which no question asks"), params, **where)
                continue
            asked_on, question = asked[condition.key]
            if asked_on >= p:
                yield LintIssue("error", "condition-not-earlier",
                                N_("The condition names {key}, which is not asked on an earlier page"), params, **where)
            if condition.op == "answered":
                continue
            if isinstance(question, MultipleChoice) and condition.op == "equals":
                yield LintIssue("warning", "condition-equals-list",
                                N_("{key} takes several answers: use 'contains' in the condition"), params, **where)
            choices = getattr(question, "option_values", None)
            if choices is not None and condition.value not in choices():
                yield LintIssue("warning", "condition-value-not-an-option",
                                N_("The condition value {value} is not one of the answers to {key}"), params, **where)


def _links(texts: list[_Text]) -> Iterator[LintIssue]:
    for t in texts:
        if not t.formatted:
            continue
        for url in sorted({url for text in t.text.root.values() for url in markup.links(text)}):
            if not markup.is_safe_url(url):
                yield LintIssue("error", "unsafe-link",
                                N_("The link to {url} is not allowed: use an https://, tel: or mailto: address"),
                                {"url": url}, t.page, t.widget, _key_of(t.owner))


_FURIGANA = {
    "empty-reading": N_("Write the reading of {base} between 《 and 》 ({field})"),
    "reading-not-kana": N_("The reading {reading} of {base} is not in kana: write readings in hiragana or katakana "
                           "({field})"),
    "broken-notation": N_("The furigana notation in {field} is not complete near “{near}”: write ｜漢字《かんじ》, "
                          "the reading in 《 》 right after the kanji"),
    "reading-in-alt": N_("Readings cannot be shown in alternative text: write {field} without 《 》"),
}


def _furigana(texts: list[_Text]) -> Iterator[LintIssue]:
    """Readings staff wrote (furigana.py) in Japanese text: well formed, in kana, and only where a resident sees
    text (alternative text is read out, never shown)."""
    for t in texts:
        where: _Where = {"page": t.page, "widget": t.widget, "key": _key_of(t.owner)}
        for lang, text in t.text.root.items():
            if lang not in furigana.JAPANESE:
                continue
            field = t.path if lang == "ja" else f"{t.path} ({LANGUAGE_NAMES[lang]})"
            if isinstance(t.owner, Image) and t.path == "alt" and furigana.plain(text) != text:
                yield LintIssue("error", "reading-in-alt", _FURIGANA["reading-in-alt"], {"field": field}, **where)
                continue
            for code, params in furigana.problems(text):
                yield LintIssue("error", f"furigana-{code}", _FURIGANA[code], {**params, "field": field}, **where)


def _questions_per_page(spec: AppSpec) -> Iterator[LintIssue]:
    for p, page in enumerate(spec.pages):
        questions = page.questions()
        if len(questions) > 1:
            yield LintIssue("warning", "several-questions",
                            N_("This page asks {count} questions: ask one question per page"),
                            {"count": len(questions)}, p, None, questions[1].key)


def _dropdowns(spec: AppSpec) -> Iterator[LintIssue]:
    for p, page in enumerate(spec.pages):
        for w, widget in enumerate(page.widgets):
            if isinstance(widget, Dropdown) and len(widget.options) < DROPDOWN_MIN_OPTIONS:
                yield LintIssue("warning", "short-dropdown",
                                N_("A dropdown with {count} options is harder to use than radio buttons: "
                                   "use a single choice"),
                                {"count": len(widget.options), "min": DROPDOWN_MIN_OPTIONS}, p, w, widget.key)


def _images(spec: AppSpec) -> Iterator[LintIssue]:
    # An app stored before images had to be https still loads; its pages show the alt text instead, and
    # it may not be published again until the address is mended.
    for p, page in enumerate(spec.pages):
        for w, widget in enumerate(page.widgets):
            if isinstance(widget, Image) and not widget.src.startswith("https://"):
                yield LintIssue("error", "image-address", HTTPS_ONLY, {}, p, w, None)


def _long_sentences(spec: AppSpec, texts: list[_Text]) -> Iterator[LintIssue]:
    """One warning per widget (or per app or page text) and language: its longest sentence, and every field
    that has one too long."""
    found: dict[tuple[int | None, int | None, Lang], tuple[int, str, list[_Text]]] = {}
    for t in texts:
        for lang in spec.languages:
            if lang not in t.text.root:
                continue
            in_words = lang not in _CHARACTER_LANGS
            limit = SENTENCE_WORDS if in_words else SENTENCE_LIMIT
            longest = max(sentences(t.text.root[lang], t.formatted), key=lambda s: _length(s, in_words), default="")
            if _length(longest, in_words) > limit:
                length, start, fields = found.get((t.page, t.widget, lang), (0, "", []))
                if _length(longest, in_words) > length:
                    length, start = _length(longest, in_words), longest
                found[(t.page, t.widget, lang)] = (length, start, [*fields, t])
    for (page, widget, lang), (length, start, fields) in found.items():
        in_words = lang not in _CHARACTER_LANGS
        msgid = (N_("A sentence of {length} words in {fields} is hard to read: "
                    "keep sentences under {limit} words ({start}…)")
                 if in_words else
                 N_("A sentence of {length} characters in {fields} is hard to read: "
                    "keep sentences under {limit} ({start}…)"))
        params = {"length": length, "limit": SENTENCE_WORDS if in_words else SENTENCE_LIMIT,
                  "start": " ".join(start.split()[:5]) if in_words else start[:15],
                  "field": fields[0].path, "fields": ", ".join(t.path for t in fields), "lang": lang}
        yield LintIssue("warning", "long-sentence", msgid, params, page, widget, _key_of(fields[0].owner))


def sentences(text: str, formatted: bool = False) -> list[str]:
    """The sentences of a text as residents read it (markup removed), stripped, none empty."""
    plain = markup.plain_text(text) if formatted else furigana.plain(text)
    return [s.strip() for s in _SENTENCE_END.split(plain) if s.strip()]


def _length(sentence: str, in_words: bool) -> int:
    return len(sentence.split()) if in_words else len(sentence)


def _translations(spec: AppSpec, texts: list[_Text]) -> Iterator[LintIssue]:
    """Every text written in Japanese must be there in each language the app offers: a resident who chose
    it would otherwise meet Japanese in the middle of the page. Optional texts left out are not asked for."""
    missing: dict[tuple[int | None, int | None, Lang], list[_Text]] = {}
    for t in texts:
        if t.text.is_blank():
            continue
        for lang in spec.languages:
            if lang != "ja" and lang not in t.text.root:
                missing.setdefault((t.page, t.widget, lang), []).append(t)
    for (page, widget, lang), texts in missing.items():
        yield LintIssue("error", "missing-translation",
                        N_("Text in {language} is missing: {fields}. "
                           "Write it, or take {language} off the app's languages"),
                        {"lang": lang, "language": LANGUAGE_NAMES[lang], "fields": ", ".join(t.path for t in texts)},
                        page, widget, _key_of(texts[0].owner))


_EASY_JAPANESE = {
    "easy-long-sentence": N_("Easy Japanese, short sentences: a sentence in {fields} has {length} characters. "
                             "Split it into sentences of {limit} characters or fewer ({start}…)"),
    "easy-double-negative": N_("Easy Japanese, no double negatives: {fields} says \u201c{phrase}\u201d. "
                               "Say it the positive way, e.g. 〜します or 〜てください"),
    "easy-loanwords": N_("Easy Japanese, few loanwords: a sentence in {fields} has {count} katakana words ({words}). "
                         "Use everyday Japanese words, or explain each one"),
    "easy-kanji": N_("Easy Japanese, few kanji: {percent}% of {fields} is kanji. Write more words in hiragana "
                     "(at most {limit}%)"),
}
_EASY_JAPANESE_KINDS = {"form", "consultation", "reservation"}  # apps residents fill in, not notices


def _easy_japanese(spec: AppSpec, texts: list[_Text]) -> Iterator[LintIssue]:
    """The Easy Japanese checklist, as advice: one line per widget and rule, its worst case, and the fields."""
    if "ja-x-easy" not in spec.languages:
        if spec.kind in _EASY_JAPANESE_KINDS:
            yield LintIssue("advice", "suggest-easy-japanese",
                            N_("Consider an Easy Japanese (やさしい日本語) version: older residents and residents from "
                               "abroad read it more easily. Add it under App settings, Languages"))
        return
    worst: dict[tuple[int | None, int | None, str], tuple[easy_japanese.Finding, list[_Text]]] = {}
    for t in texts:
        text = t.text.root.get("ja-x-easy")
        if text is None:
            continue
        for finding in easy_japanese.check(furigana.plain(text), sentences(text, t.formatted)):
            where = (t.page, t.widget, finding.rule)
            kept, fields = worst.get(where, (finding, []))
            if finding.severity > kept.severity:
                kept = finding
            worst[where] = (kept, fields if t in fields else [*fields, t])
    for (page, widget, rule), (finding, fields) in worst.items():
        yield LintIssue("advice", rule, _EASY_JAPANESE[rule],
                        {**finding.params, "fields": ", ".join(t.path for t in fields)},
                        page, widget, _key_of(fields[0].owner))


def _policy(spec: AppSpec) -> Iterator[LintIssue]:
    """What the city requires of every published app: who to call, how long data is kept, when it ends."""
    if not spec.contact.phone.strip():
        yield LintIssue("error", "no-contact-phone",
                        N_("The app has no contact phone number: residents need one on every page"))
    if spec.lifecycle.retention_days is None:
        yield LintIssue("error", "no-retention", N_("Say how many days submissions are kept (App settings, Lifecycle)"))
    if spec.lifecycle.end_date is None and not spec.lifecycle.no_end:
        yield LintIssue("error", "no-end-date",
                        N_("Give a planned end date, or tick 'No planned end' (App settings, Lifecycle)"))


def _colour(spec: AppSpec) -> Iterator[LintIssue]:
    """White text on the app's colour must be readable by older eyes: 7:1, as every text of ours."""
    if spec.colour is not None and (ratio := colour.contrast(spec.colour, colour.WHITE)) < colour.MIN_CONTRAST:
        yield LintIssue("error", "colour-contrast",
                        N_("The title bar colour {colour} is too light: white text on it has a contrast of {ratio}:1, "
                           "and it needs at least 7:1. Choose a darker colour, or none"),
                        {"colour": spec.colour, "ratio": f"{int(ratio * 10) / 10:.1f}"})


def _bookings(spec: AppSpec, facilities: Collection[int] | None) -> Iterator[LintIssue]:
    """A booking is made in a name and a phone number (the number lets the resident cancel, and staff
    call) and for a facility that takes bookings."""
    pickers = [(p, w, widget) for p, page in enumerate(spec.pages) for w, widget in enumerate(page.widgets)
               if isinstance(widget, SlotPicker)]
    if not pickers:
        return
    for trait, code, msgid in (
            ("is_submitters_name", "booking-without-name",
             N_("An app that takes bookings needs a required name question")),
            ("is_submitters_phone", "booking-without-phone",
             N_("An app that takes bookings needs a required phone number question"))):
        if not _always_asked(spec, trait):
            yield LintIssue("error", code, msgid)
    if facilities is None:
        return
    for p, w, picker in pickers:
        if picker.resource not in facilities:
            yield LintIssue("error", "booking-unknown-facility",
                            N_("There is no facility number {number} taking bookings (see Facility bookings)"),
                            {"number": picker.resource}, page=p, widget=w, key=picker.key)


def _consultations(spec: AppSpec) -> Iterator[LintIssue]:
    """A resident reads the reply to a consultation with its reference number and the last four digits of
    the phone number they gave (generated_apps/web/status_views.py): every resident must give one."""
    if spec.kind == "consultation" and not _always_asked(spec, "is_submitters_phone"):
        yield LintIssue("error", "consultation-without-phone",
                        N_("A consultation needs a required phone number question: residents give its last four "
                           "digits to read the reply"))


def _always_asked(spec: AppSpec, trait: str) -> bool:
    """A question with this trait (the submitter's name, their phone) is required and shown to every resident."""
    return any(getattr(q, trait) and q.required and q.show_if is None for q in spec.questions())


def retire_message_issues(message: LocalizedText | Mapping[str, str] | None,
                          languages: Collection[str]) -> list[LintIssue]:
    """A retirement message (the retired page's words to residents) lacking a language the app offers:
    a warning, never a refusal, since residents then read the Japanese (or only the rest of the page).
    No message at all is no issue."""
    texts: dict[str, str] = dict((message.root if isinstance(message, LocalizedText) else message or {}).items())
    if not any(text.strip() for text in texts.values()):
        return []
    return [LintIssue("warning", "retire-message-missing-language",
                      N_("The message to residents has no text in {language}: residents who read {language} will "
                         "see it in Japanese") if lang != "ja" else
                      N_("The message to residents has no text in {language}: residents who read Japanese will "
                         "not see it"), {"lang": lang, "language": LANGUAGE_NAMES[lang]})
            for lang in languages if lang in LANGUAGE_NAMES and not texts.get(lang, "").strip()]
