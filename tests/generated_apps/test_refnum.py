from hypothesis import given
from hypothesis import strategies as st

from generated_apps.domain.refnum import check_digit, format_reference, new_reference, parse_reference


def test_a_new_reference_is_eight_digits_in_two_groups_and_checks_out():
    for _ in range(200):
        ref = new_reference()
        assert len(ref) == 9 and ref[4] == "-" and ref.replace("-", "").isdigit()
        assert parse_reference(ref) == ref


def test_typed_references_may_use_full_width_digits_and_spaces():
    ref = new_reference()
    typed = ref.replace("-", " ").translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_reference(typed) == ref
    assert parse_reference(ref.replace("-", "")) == ref


@given(st.text(alphabet="0123456789", min_size=7, max_size=7), st.integers(0, 6), st.integers(1, 9))
def test_every_single_wrong_digit_is_caught(body, position, shift):
    digits = body + str(check_digit(body))
    wrong = digits[:position] + str((int(digits[position]) + shift) % 10) + digits[position + 1:]
    assert parse_reference(format_reference(wrong)) is None


@given(st.text(alphabet="0123456789", min_size=7, max_size=7), st.integers(0, 6))
def test_every_swap_of_neighbouring_digits_is_caught(body, position):
    digits = body + str(check_digit(body))
    swapped = digits[:position] + digits[position + 1] + digits[position] + digits[position + 2:]
    if swapped != digits:
        assert parse_reference(format_reference(swapped)) is None


def test_garbage_is_not_a_reference():
    for text in ["", "abcd-efgh", "1234-567", "1234-56789", "<script>", "１２３４"]:
        assert parse_reference(text) is None


def test_digits_nobody_types_are_not_read_as_a_reference():
    """NFKC reads ⁰¹²³ and ①②③ as digits; a resident typing them did not mean a reference (issue 18)."""
    real = new_reference()
    superscript = real.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    arabic_indic = real.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert parse_reference(real) == real
    assert parse_reference(superscript) is None
    assert parse_reference(arabic_indic) is None
