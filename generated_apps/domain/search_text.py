"""The text staff search a submission by: its reference number and every answer, folded the same way
as what staff type (NFKC, case-folded), so that ＡＢＣ finds abc and 4821-0937 finds 48210937."""

from __future__ import annotations

import unicodedata
from typing import Any


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _words(value: Any) -> list[str]:
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, dict):
        return [word for item in value.values() for word in _words(item)]
    if isinstance(value, list | tuple):
        return [word for item in value for word in _words(item)]
    return [str(value)]


def search_text(reference: str, answers: dict[str, Any]) -> str:
    parts = [reference, reference.replace("-", ""), *_words(answers)]
    return fold("\n".join(parts))
