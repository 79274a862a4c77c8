"""Phone: a Japanese phone number, typed however the resident writes it.

Full-width digits (never superscript or circled ones), hyphens of every kind, spaces, brackets and +81
are accepted. The answer is kept with hyphens where the resident put separators ("0142-23-3331"); a
number typed without any is grouped when its kind is known (mobile 090-1234-5678, 0120-123-456, Tokyo
03-1234-5678) and left as digits otherwise, since area codes have different lengths.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

import phonenumbers

from .base import Invalid, Question, Raw, clean_text, dashes_to_hyphens, single, values
from .text import N_, has_unmeant_digits

_ALLOWED = re.compile(r"^\+?[0-9\-() ]+$")
_GROUPS = re.compile(r"[0-9]+")
# Numbers whose grouping is known from their first digits: (prefix, length, group sizes).
_KNOWN = (
    ("0120", 10, (4, 3, 3)), ("0570", 10, (4, 3, 3)), ("0800", 11, (4, 3, 4)),
    ("020", 11, (3, 4, 4)), ("050", 11, (3, 4, 4)), ("060", 11, (3, 4, 4)),
    ("070", 11, (3, 4, 4)), ("080", 11, (3, 4, 4)), ("090", 11, (3, 4, 4)),
    ("03", 10, (2, 4, 4)), ("06", 10, (2, 4, 4)),
)

_ELEVEN_DIGITS = ("020", "050", "060", "070", "080", "090")

PHONE_FORMAT = N_("Enter a phone number, like 0142-23-3331")


def normalise_phone(text: str) -> str | None:
    """A Japanese phone number with hyphens, or None when `text` is not one (nor when it has digits
    nobody types, such as ⁰¹⁴²: text.has_unmeant_digits)."""
    if has_unmeant_digits(text):
        return None
    text = dashes_to_hyphens(clean_text(text))
    if not text or not _ALLOWED.match(text) or text.count("+") > 1:
        return None
    groups = _GROUPS.findall(text)
    if text.startswith("+"):
        # +81 (0)142-23-3331 or +81 142 23 3331: the country code takes the place of the leading 0.
        if not groups or groups[0] != "81" or len(groups) == 1:
            return None
        groups = groups[1:]
        if groups[0] == "0":
            groups = groups[1:]
        if not groups:
            return None
        groups[0] = "0" + groups[0].lstrip("0")
    elif text[0] not in "0(":
        return None
    digits = "".join(groups)
    if not (10 <= len(digits) <= 11) or not digits.startswith("0") or digits.startswith("00"):
        return None
    # Mobile, IP and 0800 numbers have 11 digits; every other number has 10.
    if (len(digits) == 11) != digits.startswith(_ELEVEN_DIGITS):
        return None
    if len(groups) > 1:
        return "-".join(groups)
    for prefix, length, sizes in _KNOWN:
        if digits.startswith(prefix) and len(digits) == length:
            parts, at = [], 0
            for size in sizes:
                parts.append(digits[at:at + size])
                at += size
            return "-".join(parts)
    return digits


def written_phone(phone: str) -> str:
    """A phone number as Japanese numbers are written, for staff reading one out: "0142233331" ->
    "0142-23-3331", "0222123456" -> "022-212-3456". The groups come from libphonenumber's data for
    Japan (area codes of two to five digits); a number written with separators keeps them. Anything
    that is not a Japanese number is given back as it was."""
    normal = normalise_phone(phone)
    if normal is None:
        return phone
    if "-" in normal:
        return normal
    try:
        number = phonenumbers.parse(normal, "JP")
    except phonenumbers.NumberParseException:
        return normal
    if not phonenumbers.is_valid_number(number):
        return normal
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def tel_uri(phone: str) -> str:
    """A tel: link for a number as written ("0142-23-3331" -> "tel:0142-23-3331")."""
    return "tel:" + re.sub(r"[^0-9+\-]", "", dashes_to_hyphens(clean_text(phone)).replace(" ", "-"))


class Phone(Question):
    type: Literal["phone"] = "phone"

    title: ClassVar[str] = N_("Phone number")
    icon: ClassVar[str] = "phone"
    example: ClassVar[dict[str, Any]] = {"type": "phone", "key": "phone", "label": "電話番号"}
    example_answer: ClassVar[Any] = "0142-23-3331"
    identifies_submitter: ClassVar[bool] = True
    autocomplete: ClassVar[str | None] = "tel"
    is_submitters_phone: ClassVar[bool] = True
    template: ClassVar[str] = """
{% call m.field(w, error, as_heading) %}
<input class="input input--medium" type="tel" id="{{ w.first_field_id() }}" name="{{ w.key }}" \
value="{{ m.value(raw, w.key) }}"
 size="16" autocomplete="{{ w.autocomplete }}" spellcheck="false"{{ m.described(w, error) }}>
{% endcall %}"""

    def parse(self, raw: Raw) -> Any:
        phone = normalise_phone(single(raw, self.key, max_length=30))  # cleaned by single(): checked below as typed
        if phone is None or any(has_unmeant_digits(value) for value in values(raw, self.key)):
            raise Invalid(PHONE_FORMAT)
        return phone
