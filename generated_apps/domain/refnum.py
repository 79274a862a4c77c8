"""Reference numbers residents can read aloud: digits only, grouped, with a Damm check digit.

The Damm check digit catches every single wrong digit and every swap of two neighbouring digits.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from widgets.text import has_unmeant_digits

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

DIGITS = 8  # seven random digits and the check digit, shown as 1234-5678


def check_digit(digits: str) -> int:
    interim = 0
    for d in digits:
        interim = _DAMM[interim][int(d)]
    return interim


def new_reference() -> str:
    body = "".join(str(secrets.randbelow(10)) for _ in range(DIGITS - 1))
    return format_reference(body + str(check_digit(body)))


def format_reference(digits: str) -> str:
    return f"{digits[:4]}-{digits[4:]}"


def parse_reference(text: str) -> str | None:
    """A typed reference number (full-width digits, spaces and hyphens allowed), or None when it is wrong."""
    if has_unmeant_digits(text):  # ⁰¹²³ is not 0123 (widgets/text.py)
        return None
    digits = re.sub(r"[\s\-‐‑–—−ー]", "", unicodedata.normalize("NFKC", text))
    if not re.fullmatch(rf"[0-9]{{{DIGITS}}}", digits) or check_digit(digits) != 0:
        return None
    return format_reference(digits)
