"""Human-readable text in several languages, Japanese required.

Staff may write a plain string in an app file; it is read as Japanese.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import RootModel, model_validator

# Languages app content may be written in. "ja-x-easy" is やさしい日本語 (Easy Japanese).
Lang = Literal["ja", "en", "zh-Hans", "ko", "vi", "ja-x-easy"]
LANGS: tuple[str, ...] = ("ja", "en", "zh-Hans", "ko", "vi", "ja-x-easy")
DEFAULT_LANG = "ja"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


class LocalizedText(RootModel[dict[Lang, str]]):
    """{"ja": "…", "en": "…"}: Japanese is required, the others fall back to it.

    The "ja" key must be there; an empty one is allowed while a draft is being written and is
    reported by the spec lint, which blocks publishing.
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
            return self.root[lang], lang  # type: ignore[index]
        return self.root["ja"], "ja"

    def text(self, lang: str) -> str:
        return self.get(lang)[0]

    def __str__(self) -> str:
        return self.root["ja"]
