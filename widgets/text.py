"""Human-readable text in several languages, Japanese required.

Staff may write a plain string in an app file; it is read as Japanese.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, RootModel, model_validator

from . import furigana

# Languages app content may be written in. "ja-x-easy" is やさしい日本語 (Easy Japanese).
Lang = Literal["ja", "en", "zh-Hans", "ko", "vi", "ja-x-easy"]
LANGS: tuple[str, ...] = ("ja", "en", "zh-Hans", "ko", "vi", "ja-x-easy")
DEFAULT_LANG = "ja"


# Control characters, zero-width and bidirectional controls, lone surrogates, non-characters: what
# nobody can see or mean, and what cannot be written as UTF-8 (a lone surrogate) or stored in
# PostgreSQL (NUL). Tab, line feed and carriage return are not here: callers decide about them.
# The zero-width joiner (U+200D) stays: emoji sequences need it.
CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]"
)


def clean_staff_text(value: str, *, multiline: bool = True) -> str:
    """Text staff wrote (or an app file brought), without what CONTROL matches; otherwise as written
    (no NFKC: staff mean their full-width letters). Line breaks become LF; on one line, any run of
    white space becomes one space."""
    value = CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value if multiline else " ".join(value.split())


# Digits a resident types for a number: ASCII, and the full-width ones a Japanese IME gives (１２ is 12).
_TYPED_DIGITS = frozenset("0123456789０１２３４５６７８９")


def has_unmeant_digits(value: str) -> bool:
    """Whether `value` has a character that NFKC would read as a digit but nobody types as one:
    superscripts (⁴⁵), subscripts, circled or bracketed numbers (④ ⑴), mathematical digits (𝟒).
    A number, phone number or postal code with one is refused, not read: 「⁰⁴⁵人」 is not 45 people."""
    return any(not ch.isascii() and ch not in _TYPED_DIGITS and _reads_as_digit(ch) for ch in value)


def _reads_as_digit(ch: str) -> bool:
    return any(c.isdigit() for c in unicodedata.normalize("NFKC", ch))


# A text field of an app that is not a LocalizedText (a condition's value): cleaned the same way.
StaffText = Annotated[str, AfterValidator(clean_staff_text)]


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


class LocalizedText(RootModel[dict[Lang, StaffText]]):
    """{"ja": "…", "en": "…"}: Japanese is required, the others fall back to it.

    The "ja" key must be there; an empty one is allowed while a draft is being written and is
    reported by the spec lint, which blocks publishing. Each text is cleaned (`clean_staff_text`),
    whether it comes from the editor, an imported file or the database.
    """

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_japanese(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"ja": data}
        return data

    @model_validator(mode="after")
    def _japanese_required(self) -> LocalizedText:
        if "ja" not in self.root:
            raise ValueError("Japanese text (ja) is required")
        self.root = {lang: text.strip() for lang, text in self.root.items() if lang == "ja" or text.strip()}
        return self

    def is_blank(self) -> bool:
        return not self.root["ja"]

    def get(self, lang: str) -> tuple[str, str]:
        """The text for `lang` and the language it is really in (Japanese when missing)."""
        if lang in self.root:
            return self.root[lang], lang
        return self.root["ja"], "ja"

    def text(self, lang: str) -> str:
        """The text for `lang` as a reader reads it: Japanese without its furigana notation (furigana.py)."""
        text, real = self.get(lang)
        return furigana.plain(text) if real in furigana.JAPANESE else text

    def __str__(self) -> str:
        return self.root["ja"]


def localized_texts(model: BaseModel) -> Iterator[LocalizedText]:
    """Every LocalizedText in `model` (an app, a page, a widget), however deep."""
    for name in type(model).model_fields:
        yield from _localized(getattr(model, name))


def _localized(value: Any) -> Iterator[LocalizedText]:
    if isinstance(value, LocalizedText):
        yield value
    elif isinstance(value, BaseModel):
        yield from localized_texts(value)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _localized(item)


def japanese_texts(model: BaseModel) -> list[str]:
    """The Japanese (and Easy Japanese) texts of `model`, each once: what furigana are computed for."""
    return list(dict.fromkeys(text for value in localized_texts(model) for lang, text in value.root.items()
                              if lang in furigana.JAPANESE and text))
