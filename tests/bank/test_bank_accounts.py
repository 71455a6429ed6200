"""Account checks: Norwegian kontonummer (MOD11) and IBAN (MOD 97-10)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trygd.bank.accounts import InvalidAccount, check_account, is_norwegian, norwegian_bban

VALID = "86011117947"  # a published example kontonummer with a correct MOD11 digit
WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def mod11_digit(first_ten: str) -> int | None:
    """The kontonummer check digit, computed here independently of python-stdnum."""
    remainder = sum(int(d) * w for d, w in zip(first_ten, WEIGHTS, strict=True)) % 11
    digit = (11 - remainder) % 11
    return None if digit == 10 else digit


@pytest.mark.parametrize("written", [VALID, "8601 11 17947", "8601.11.17947", " 86011117947 "])
def test_kontonummer_with_spaces_or_dots_is_compacted(written: str) -> None:
    assert check_account(written) == VALID


@pytest.mark.parametrize("wrong_last", ["86011117946", "86011117948"])
def test_check_digit_one_off_is_refused(wrong_last: str) -> None:
    with pytest.raises(InvalidAccount, match="check digit"):
        check_account(wrong_last)


def test_bank_registration_number_0000_is_refused() -> None:
    # 0000 + 7 digits is how python-stdnum reads an old postgiro number; it is no bank account
    with pytest.raises(InvalidAccount, match="0000"):
        check_account("00000000000")


def test_one_digit_changed_in_the_body_is_refused() -> None:
    with pytest.raises(InvalidAccount, match="check digit"):
        check_account("86011117957")


@pytest.mark.parametrize("length", [10, 12])
def test_wrong_length_says_how_many_digits(length: int) -> None:
    with pytest.raises(InvalidAccount, match=f"has {length} digits"):
        check_account(("8601111794799")[:length])


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_every_number_with_the_right_mod11_digit_passes(first_ten: str) -> None:
    digit = mod11_digit(first_ten)
    if digit is None or first_ten.startswith("0000"):
        with pytest.raises(InvalidAccount):
            check_account(first_ten + "0")
        return
    assert check_account(first_ten + str(digit)) == first_ten + str(digit)
    wrong = (digit + 1) % 10
    with pytest.raises(InvalidAccount):
        check_account(first_ten + str(wrong))


@pytest.mark.parametrize(
    ("written", "compact"),
    [
        ("NO93 8601 1117 947", "NO9386011117947"),
        ("no9386011117947", "NO9386011117947"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819"),
    ],
)
def test_iban_is_compacted(written: str, compact: str) -> None:
    assert check_account(written) == compact


def test_iban_with_wrong_check_digits_is_refused() -> None:
    with pytest.raises(InvalidAccount, match="MOD 97-10"):
        check_account("DE88370400440532013000")


def test_norwegian_iban_whose_kontonummer_is_wrong_is_refused() -> None:
    # check digits recomputed for the BBAN 86011117948 so that only MOD11 fails
    with pytest.raises(InvalidAccount, match="inside the IBAN"):
        check_account("NO6686011117948")


def test_iban_of_unknown_country_is_refused() -> None:
    with pytest.raises(InvalidAccount, match="country"):
        check_account("XX46370400440532013000")  # MOD 97-10 right, country unknown


@pytest.mark.parametrize("garbage", ["", "   ", "8601-11-17947x", "12ab34", "€123"])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidAccount):
        check_account(garbage)


@pytest.mark.parametrize("value", ["86011117946", "86011117", "DE88370400440532013000"])
def test_messages_never_echo_the_number(value: str) -> None:
    with pytest.raises(InvalidAccount) as caught:
        check_account(value)
    assert value not in str(caught.value)
    assert value[-6:] not in str(caught.value)


def test_is_norwegian() -> None:
    assert is_norwegian(VALID)
    assert is_norwegian("NO9386011117947")
    assert not is_norwegian("DE89370400440532013000")
    assert not is_norwegian("8601111794")


def test_norwegian_bban_from_iban_and_bban() -> None:
    assert norwegian_bban("NO9386011117947") == VALID
    assert norwegian_bban(VALID) == VALID
    with pytest.raises(InvalidAccount):
        norwegian_bban("DE89370400440532013000")
