"""Phone numbers, email addresses and postal codes, typed the many ways residents type them."""

from __future__ import annotations

import pytest

from widgets import Invalid, widget_adapter
from widgets.phone import normalise_phone, tel_uri

PHONE = widget_adapter.validate_python({"type": "phone", "key": "tel", "label": "電話番号"})
EMAIL = widget_adapter.validate_python({"type": "email", "key": "mail", "label": "メールアドレス"})
POSTAL = widget_adapter.validate_python({"type": "postal_code", "key": "zip", "label": "郵便番号"})


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("0142-23-3331", "0142-23-3331"),
        ("０１４２－２３－３３３１", "0142-23-3331"),
        ("０１４２ー２３ー３３３１", "0142-23-3331"),  # the long vowel mark Japanese keyboards give for "-"
        ("0142−23−3331", "0142-23-3331"),  # minus sign
        ("0142 23 3331", "0142-23-3331"),
        ("(0142) 23-3331", "0142-23-3331"),
        ("（０１４２）２３－３３３１", "0142-23-3331"),
        ("0142233331", "0142233331"),  # area codes vary in length: left as digits
        ("09012345678", "090-1234-5678"),
        ("080-1234-5678", "080-1234-5678"),
        ("0312345678", "03-1234-5678"),
        ("0120123456", "0120-123-456"),
        ("+81 142-23-3331", "0142-23-3331"),
        ("+81 (0)142-23-3331", "0142-23-3331"),
        ("＋８１ ９０ １２３４ ５６７８", "090-1234-5678"),
    ],
)
def test_japanese_phone_numbers_are_taken_and_normalised(typed, stored):
    assert PHONE.read({"tel": [typed]}) == stored


@pytest.mark.parametrize(
    "typed",
    ["123", "0142-23-333", "0142-23-33311", "090-1234-567", "9012345678", "0012345678", "+1 202 555 0123", "+81",
     "0142-23-3331 内線12", "tel:0142233331", "<script>", "０１４２あ２３", "😀", "0142-23-3331\n0142-23-3332"],
)
def test_what_is_not_a_japanese_phone_number_is_refused(typed):
    with pytest.raises(Invalid) as exc:
        PHONE.read({"tel": [typed]})
    assert exc.value.message in {"Enter a phone number, like 0142-23-3331", "{label} must be {max} characters or fewer"}


@pytest.mark.parametrize("typed", ["⁰¹⁴²-²³-³³³¹", "0142-23-333¹", "０１４２－２３－３３３①", "𝟎𝟏𝟒𝟐𝟐𝟑𝟑𝟑𝟑𝟏"])
def test_a_phone_number_with_digits_nobody_types_is_refused_not_read(typed):
    with pytest.raises(Invalid) as exc:
        PHONE.read({"tel": [typed]})
    assert exc.value.message == "Enter a phone number, like 0142-23-3331"
    assert normalise_phone(typed) is None


@pytest.mark.parametrize("typed", ["⁰⁵²-⁰⁰²¹", "〒052-002①", "₀₅₂₀₀₂₁"])
def test_a_postal_code_with_digits_nobody_types_is_refused_not_read(typed):
    with pytest.raises(Invalid) as exc:
        POSTAL.read({"zip": [typed]})
    assert exc.value.message == "Enter a postal code of 7 digits, like 052-0021"


def test_a_phone_number_becomes_a_tel_link():
    assert tel_uri("0142-23-3331") == "tel:0142-23-3331"
    assert tel_uri("(0142) 23 3331") == "tel:0142-23-3331"
    assert normalise_phone("") is None


@pytest.mark.parametrize(
    "typed, stored",
    [("taro@example.jp", "taro@example.jp"), ("  Taro.Date@Example.JP ", "Taro.Date@example.jp"),
     ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"), ("a..b@docomo.ne.jp", "a..b@docomo.ne.jp"),
     ("first+tag@mail.city.date.hokkaido.jp", "first+tag@mail.city.date.hokkaido.jp")],
)
def test_email_addresses_are_taken_with_the_domain_in_lower_case(typed, stored):
    assert EMAIL.read({"mail": [typed]}) == stored


@pytest.mark.parametrize(
    "typed",
    ["taro", "taro@", "@example.jp", "taro@example", "taro@@example.jp", "taro@exa mple", "<script>@x.jp",
     "taro@example.jp<script>", "たろう@example.jp", "taro@-example.jp", "a" * 65 + "@example.jp",
     "x@" + "a" * 300 + ".jp"],
)
def test_what_is_not_an_email_address_is_refused(typed):
    with pytest.raises(Invalid):
        EMAIL.read({"mail": [typed]})


@pytest.mark.parametrize(
    "typed", ["052-0021", "0520021", "０５２－００２１", "〒052-0021", "〒０５２ー００２１", " 〒 052 0021 ",
              "052−0021", "０５２００２１"]
)
def test_postal_codes_are_stored_with_a_hyphen(typed):
    assert POSTAL.read({"zip": [typed]}) == "052-0021"


@pytest.mark.parametrize("typed",
                         ["052-002", "05200211", "52-0021", "052-00２1x", "abc-defg", "〒", "052--0021", "<script>"])
def test_what_is_not_a_postal_code_is_refused(typed):
    with pytest.raises(Invalid) as exc:
        POSTAL.read({"zip": [typed]})
    assert exc.value.message == "Enter a postal code of 7 digits, like 052-0021"


def test_a_postal_code_reads_with_its_mark(ja):
    assert POSTAL.display("052-0021", ja) == "〒052-0021"
    assert POSTAL.to_raw("052-0021") == {"zip": ["052-0021"]}


def test_a_stored_phone_number_reads_as_japanese_numbers_are_written():
    from widgets.phone import written_phone

    assert written_phone("0142233331") == "0142-23-3331"  # Date City: a four-digit area code
    assert written_phone("09012345678") == "090-1234-5678"
    assert written_phone("0312345678") == "03-1234-5678"
    assert written_phone("0120123456") == "0120-123-456"
    assert written_phone("0112345678") == "011-234-5678"  # Sapporo
    assert written_phone("0222123456") == "022-212-3456"  # Sendai: a three-digit area code
    assert written_phone("0452123456") == "045-212-3456"  # Yokohama
    assert written_phone("0156412345") == "01564-1-2345"  # a five-digit one, in eastern Hokkaido
    assert written_phone("0142-23-3331") == "0142-23-3331"  # already written so
    assert written_phone("12345") == "12345"  # not a Japanese number: as it was
