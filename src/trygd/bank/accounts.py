"""Check the account a payment goes to: a Norwegian kontonummer or an IBAN.

A Norwegian account number (kontonummer, the BBAN) has 11 digits: a 4-digit bank
registration number, a 6-digit account part and a MOD11 check digit. People write it with
spaces or dots ("8601 11 17947", "8601.11.17947"); the payment file wants the 11 digits.
Foreign accounts are given as an IBAN (ISO 13616), checked with MOD 97-10 and the country's
BBAN structure. Both checks are python-stdnum's (`stdnum.no.kontonr`, `stdnum.iban`).

Error messages say what is wrong but never repeat the number: an account number is personal
data, and messages end up in logs and task lists.
"""

from __future__ import annotations

from stdnum import iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as _StdnumError
from stdnum.no import kontonr

_BBAN_LENGTH = 11
_SEPARATORS = str.maketrans("", "", " .\t")


class InvalidAccount(ValueError):
    """The account is neither a valid Norwegian kontonummer nor a valid IBAN."""


def _compact(value: str) -> str:
    return value.translate(_SEPARATORS).upper()


def _check_kontonummer(digits: str, what: str) -> str:
    if len(digits) != _BBAN_LENGTH:
        raise InvalidAccount(
            f"{what} has {len(digits)} digits; a Norwegian account number has {_BBAN_LENGTH}"
        )
    if digits.startswith("0000"):
        # python-stdnum reads 0000 + 7 digits as an old 7-digit postgiro number; no bank has
        # registration number 0000, so it cannot be paid to as an 11-digit account.
        raise InvalidAccount(f"{what}: bank registration number 0000 does not exist")
    try:
        kontonr.validate(digits)
    except InvalidChecksum:
        raise InvalidAccount(f"{what}: the check digit (MOD11) is wrong") from None
    except _StdnumError:
        raise InvalidAccount(f"{what} is not a Norwegian account number") from None
    return digits


def _check_iban(compact: str) -> str:
    try:
        number = str(iban.validate(compact, check_country=False))
    except InvalidChecksum:
        raise InvalidAccount("IBAN: the check digits (MOD 97-10) are wrong") from None
    except InvalidComponent:
        raise InvalidAccount("IBAN: unknown country code") from None
    except (InvalidFormat, InvalidLength):
        raise InvalidAccount("IBAN: wrong length or characters for its country") from None
    except _StdnumError:
        raise InvalidAccount("IBAN is not valid") from None
    if number.startswith("NO"):
        _check_kontonummer(number[4:], "the Norwegian account number inside the IBAN")
    return number


def check_account(value: str) -> str:
    """Return the account in compact form (11 digits, or the IBAN without spaces, upper case).

    Raises `InvalidAccount` with a message that names the problem, not the number.
    """
    compact = _compact(value)
    if not compact:
        raise InvalidAccount("account number is empty")
    if compact.isdigit():
        return _check_kontonummer(compact, "account number")
    if compact[:2].isalpha() and compact[2:].isalnum():
        return _check_iban(compact)
    raise InvalidAccount("account number must be 11 digits (spaces and dots allowed) or an IBAN")


def is_norwegian(account: str) -> bool:
    """True for an 11-digit Norwegian account number or a Norwegian (NO) IBAN.

    Takes an account already checked by `check_account`; it looks at the form only.
    """
    compact = _compact(account)
    if compact.isdigit():
        return len(compact) == _BBAN_LENGTH
    return compact.startswith("NO")


def norwegian_bban(account: str) -> str:
    """The 11-digit Norwegian account number of a checked Norwegian account (BBAN or NO IBAN).

    Bits' guidelines give domestic NOK accounts as the BBAN, so a NO IBAN is turned back
    into its 11 digits (an NO IBAN is "NO", two check digits and the BBAN).
    """
    compact = _compact(account)
    if not is_norwegian(compact):
        raise InvalidAccount("account is not Norwegian")
    return compact if compact.isdigit() else compact[4:]
