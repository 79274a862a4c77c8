"""The Easy Japanese (やさしい日本語) checklist: what makes a text harder to read than it need be.

Pure text checks, each finding named by its rule; the lint (lint.py) turns them into advice for staff.
The rules follow the usual guides for やさしい日本語 (e.g. 出入国在留管理庁・文化庁「在留支援のための
やさしい日本語ガイドライン」): short sentences, no double negatives, few loanwords, few kanji.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_LIMIT = 30  # characters
LOANWORDS_PER_SENTENCE = 2  # katakana words of 3 characters or more
KANJI_PERCENT = 40
_KANJI_MIN_LENGTH = 10  # a short label such as 氏名 is all kanji, and fine with furigana

_KATAKANA_WORD = re.compile(r"[ァ-ヺヽヾ][ァ-ヺー]{2,}")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々〆]")
# Double negatives, and the "must" forms built of two negatives: say them the positive way.
_DOUBLE_NEGATIVE = re.compile(
    r"ないわけ(?:では|でも)(?:ない|ありません)|なく(?:は|も)(?:ない|ありません)|ないこと(?:は|も)(?:ない|ありません)"
    r"|ないでは(?:ない|ありません)|ざるを(?:得|え)(?:ない|ません)|ないとは限(?:らない|りません)"
    r"|な(?:ければ|くては)(?:ならない|なりません|いけない|いけません)")


@dataclass(frozen=True)
class Finding:
    rule: str  # "easy-long-sentence", "easy-double-negative", "easy-loanwords", "easy-kanji"
    severity: int  # to keep the worst finding of a rule: characters, loanwords, percent
    params: dict[str, str | int]


def check(text: str, sentences: list[str]) -> list[Finding]:
    """What the checklist finds in one Easy Japanese text, split into `sentences` as residents read them."""
    findings = []
    for sentence in sentences:
        length = len("".join(sentence.split()))  # the spaces between words (分かち書き) do not count
        if length > SENTENCE_LIMIT:
            findings.append(Finding("easy-long-sentence", length,
                                    {"length": length, "limit": SENTENCE_LIMIT, "start": sentence[:15]}))
        words = _KATAKANA_WORD.findall(sentence)
        if len(words) > LOANWORDS_PER_SENTENCE:
            findings.append(Finding("easy-loanwords", len(words), {"count": len(words), "words": "、".join(words)}))
    # Easy Japanese is often written with spaces between words (分かち書き): いけない わけではない.
    for match in _DOUBLE_NEGATIVE.finditer("".join(text.split())):
        findings.append(Finding("easy-double-negative", 1, {"phrase": match.group()}))
    letters = [c for c in "".join(sentences) if c.isalnum()]
    if len(letters) >= _KANJI_MIN_LENGTH:
        percent = round(100 * sum(1 for c in letters if _KANJI.match(c)) / len(letters))
        if percent > KANJI_PERCENT:
            findings.append(Finding("easy-kanji", percent, {"percent": percent, "limit": KANJI_PERCENT}))
    return findings
