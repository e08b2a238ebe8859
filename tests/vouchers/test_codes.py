import pytest
from hypothesis import given
from hypothesis import strategies as st

from buurtbudget.vouchers.codes import (
    ALPHABET,
    CODE_LENGTH,
    InvalidVoucherCode,
    check_character,
    format_code,
    generate_code,
    is_valid,
    normalise_code,
)

data_strings = st.text(alphabet=ALPHABET, min_size=12, max_size=12)


def test_generated_codes_have_format_and_no_ambiguous_characters():
    codes = {generate_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == CODE_LENGTH == 13 and is_valid(code)
        assert not set(code) & set("01OIL")
    assert format_code("ABCDEFGHJKMNP") == "ABCD-EFGH-JKMN-P"


def test_normalise_accepts_lowercase_spaces_and_dashes():
    code = generate_code()
    typed = " " + format_code(code).lower().replace("-", " - ") + " "
    assert normalise_code(typed) == code


@pytest.mark.parametrize(
    "text, message", [("ABC", "13 tekens"), ("0BCDEFGHJKMNP", "niet voor"), ("", "13 tekens")]
)
def test_normalise_explains_what_is_wrong(text, message):
    with pytest.raises(InvalidVoucherCode, match=message):
        normalise_code(text)


@given(data_strings, st.integers(0, 12), st.sampled_from(ALPHABET))
def test_check_character_catches_every_single_character_typo(data, position, replacement):
    code = data + check_character(data)
    typo = code[:position] + replacement + code[position + 1 :]
    assert is_valid(code)
    assert is_valid(typo) == (typo == code)
    if typo != code:
        with pytest.raises(InvalidVoucherCode, match="klopt niet"):
            normalise_code(typo)


@given(data_strings, st.integers(0, 11))
def test_check_character_catches_adjacent_swaps(data, position):
    code = data + check_character(data)
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert is_valid(swapped) == (swapped == code)


def test_exhaustive_single_typos_for_some_codes():
    for _ in range(20):
        code = generate_code()
        for i in range(CODE_LENGTH):
            for c in ALPHABET:
                if c != code[i]:
                    assert not is_valid(code[:i] + c + code[i + 1 :])
