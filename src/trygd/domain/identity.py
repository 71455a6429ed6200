"""Norwegian person identity numbers: fødselsnummer and D-nummer, parsed and checked.

Every case in trygd belongs to a person, and the person is named by an 11-digit identity number
``DDMMYY III K1 K2``: a birth date, a three-digit individnummer that also tells the birth
century, and two mod-11 check digits. Parsing it once, here, means the rest of the system gets
an `IdentityNumber` with a known kind and birth date instead of a loose string.

Variants handled:

- **D-nummer** (people not, or not yet, resident): day + 40.
- **NAV / Dolly synthetic test numbers**: month + 40.
- **Skatteetaten Tenor / Test-Norge synthetic test numbers**: month + 80. python-stdnum does not
  know this variant, so the date is decoded here; the check digits are computed over the digits
  as written, as for every other variant.
- D-nummer and synthetic combine (day + 40 and month + 40 or + 80).
- **H-numbers** (assistance numbers in the health sector) also have month + 40 and cannot be told
  apart from NAV synthetic numbers. Trygd does not accept H-numbers for real persons, so a
  month + 40 number is rejected unless synthetic numbers are allowed; when they are allowed it is
  read as a NAV synthetic number.
- **FH-numbers** (first digit 8 or 9, no birth date) are rejected.

Synthetic numbers are accepted only when the caller says so (`allow_synthetic=True`), which it
should do only in demo and test mode: in production a synthetic number is a mistake, or test data
leaking into real case processing.

From 2032-01-01 new numbers are gender-neutral and the control calculation changes so that
remainders 0-3 are accepted where only 0 is accepted today. Which check digit the new rule
applies to, and its exact formula, are not confirmed, so the new rule is NOT implemented: a
number that is valid only under the new rule is rejected as having wrong check digits. Existing
numbers stay valid under the new rule, so nothing issued before 2032 is affected.

An identity number is personal data. Never log it and never put it in a URL (URLs end up in
access logs, browser history and proxies). For that reason `IdentityNumberError` messages never
contain the number, and `repr()`/`str()` of an `IdentityNumber` show neither the number nor the
birth date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from stdnum.no import fodselsnummer

Kind = Literal["fodselsnummer", "d_nummer"]
Synthetic = Literal["nav", "skatteetaten"]

_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")
_SIX_SPACE_FIVE = re.compile(r"[0-9]{6} [0-9]{5}")

_D_NUMMER_DAY_OFFSET = 40
_FH_NUMBER_FIRST_DIGITS = ("8", "9")
_MONTH_OFFSETS: dict[Synthetic, int] = {"nav": 40, "skatteetaten": 80}

# Problems, each completing the sentence "identity_number ...".
NOT_ELEVEN_DIGITS = "must be exactly 11 digits"
WRONG_CHECK_DIGITS = "has wrong check digits"
FH_NUMBER = "is an FH-number, which is not accepted"
UNKNOWN_CENTURY = "has an individual number that does not fit the birth year"
INVALID_BIRTH_DATE = "does not contain a valid birth date"
FUTURE_BIRTH_DATE = "has a birth date in the future"
SYNTHETIC_NOT_ALLOWED = "is a synthetic test number, accepted only in demo and test mode"
SYNTHETIC_OR_H_NUMBER_NOT_ALLOWED = (
    "is a synthetic test number or an H-number; synthetic numbers are accepted only in demo "
    "and test mode"
)


class IdentityNumberError(ValueError):
    """An identity number was rejected; `problem` says why and never contains the number.

    `problem` completes the sentence "identity_number ...", so a caller can report it against
    the field without knowing the details.
    """

    problem: str

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem

    def __str__(self) -> str:
        return self.problem


@dataclass(frozen=True, slots=True, repr=False)
class IdentityNumber:
    """A checked fødselsnummer or D-nummer; make one with `parse_identity_number`.

    `value` is the 11 digits without spaces. `synthetic` is None for a number of a real person,
    "nav" for a NAV/Dolly test number (month + 40) and "skatteetaten" for a Tenor/Test-Norge
    test number (month + 80).

    `repr()` and `str()` show only the kind and the synthetic flag, so an `IdentityNumber` that
    ends up in a log line or an exception message leaks nothing about the person.
    """

    value: str
    kind: Kind
    birth_date: dt.date
    synthetic: Synthetic | None

    def masked(self) -> str:
        """The first six digits followed by ``*****``, e.g. ``"150576*****"``.

        NAV shows numbers like this in some user interfaces: enough for a caseworker to see the
        birth date and check they have the right person, without the full number. The six
        digits are still personal data (a birth date, possibly with D-nummer or synthetic
        offsets), so this is for screens shown to authorised users, not for logs or URLs.
        """
        return self.value[:6] + "*****"

    def __repr__(self) -> str:
        return f"IdentityNumber(kind={self.kind!r}, synthetic={self.synthetic!r})"

    def __str__(self) -> str:
        return self.__repr__()


def parse_identity_number(text: str, *, allow_synthetic: bool, today: dt.date) -> IdentityNumber:
    """Check an identity number as typed and return it parsed, or raise `IdentityNumberError`.

    Surrounding whitespace is stripped, and one space between the birth date and the
    individnummer ("150576 00333") is accepted because that is how numbers are usually
    written; anything else must be exactly 11 ASCII digits.

    `today` is passed in rather than read from the clock so that the result depends only on
    the arguments. A birth date on `today` is accepted, a later one is not.

    The checks run in this order, and the first failing one is reported: format, check digits,
    FH-number, century, birth date, future birth date, synthetic number. A synthetic number is
    therefore reported as synthetic only when it is otherwise a valid number.
    """
    digits = _compact(text)

    # python-stdnum's own `validate` compares with the real clock and rejects month + 80, so
    # only its check-digit functions are used. They return "10" when no digit fits; that never
    # equals one digit, so such numbers are rejected.
    check1 = fodselsnummer.calc_check_digit1(digits)
    check2 = fodselsnummer.calc_check_digit2(digits)
    if digits[9:11] != check1 + check2:
        raise IdentityNumberError(WRONG_CHECK_DIGITS)

    if digits[0] in _FH_NUMBER_FIRST_DIGITS:
        raise IdentityNumberError(FH_NUMBER)

    day = int(digits[0:2])
    kind: Kind = "fodselsnummer"
    if day > _D_NUMMER_DAY_OFFSET:
        day -= _D_NUMMER_DAY_OFFSET
        kind = "d_nummer"

    month = int(digits[2:4])
    synthetic: Synthetic | None = None
    if month > _MONTH_OFFSETS["skatteetaten"]:
        month -= _MONTH_OFFSETS["skatteetaten"]
        synthetic = "skatteetaten"
    elif month > _MONTH_OFFSETS["nav"]:
        month -= _MONTH_OFFSETS["nav"]
        synthetic = "nav"

    year = _birth_year(two_digit_year=int(digits[4:6]), individnummer=int(digits[6:9]))
    if year is None:
        raise IdentityNumberError(UNKNOWN_CENTURY)

    try:
        birth_date = dt.date(year, month, day)
    except ValueError:
        raise IdentityNumberError(INVALID_BIRTH_DATE) from None
    if birth_date > today:
        raise IdentityNumberError(FUTURE_BIRTH_DATE)

    if synthetic is not None and not allow_synthetic:
        if synthetic == "nav":
            raise IdentityNumberError(SYNTHETIC_OR_H_NUMBER_NOT_ALLOWED)
        raise IdentityNumberError(SYNTHETIC_NOT_ALLOWED)

    return IdentityNumber(value=digits, kind=kind, birth_date=birth_date, synthetic=synthetic)


def synthetic_identity_number(
    birth_date: dt.date,
    sequence: int,
    *,
    kind: Kind = "fodselsnummer",
    synthetic: Synthetic = "nav",
) -> str:
    """Build a valid synthetic test number for demo data and tests, deterministically.

    The individnumre that give `birth_date`'s century are taken in increasing order, those
    for which a check digit would be 10 (no valid number) are skipped, and the one at position
    `sequence` (0-based) is used. So different sequences for the same birth date give different
    numbers, and the same arguments always give the same number. The gender digit is not
    controlled.

    Raises ValueError when `sequence` is negative or larger than the number of usable
    individnumre for that date, or when the birth year is outside 1854-2039 (no individnummer
    range exists for it).
    """
    if sequence < 0:
        raise ValueError(f"sequence must be 0 or more, got {sequence}")
    day = birth_date.day + (_D_NUMMER_DAY_OFFSET if kind == "d_nummer" else 0)
    month = birth_date.month + _MONTH_OFFSETS[synthetic]
    date_digits = f"{day:02d}{month:02d}{birth_date.year % 100:02d}"

    remaining = sequence
    for individnummer in _individnumre_for_year(birth_date.year):
        first_nine = f"{date_digits}{individnummer:03d}"
        check1 = fodselsnummer.calc_check_digit1(first_nine)
        check2 = fodselsnummer.calc_check_digit2(first_nine + check1)
        if len(check1) != 1 or len(check2) != 1:
            continue
        if remaining == 0:
            return first_nine + check1 + check2
        remaining -= 1
    raise ValueError(f"no synthetic identity number at sequence {sequence} for this birth date")


def _compact(text: str) -> str:
    stripped = text.strip()
    if _SIX_SPACE_FIVE.fullmatch(stripped):
        return stripped.replace(" ", "")
    if _ELEVEN_DIGITS.fullmatch(stripped):
        return stripped
    raise IdentityNumberError(NOT_ELEVEN_DIGITS)


def _birth_year(*, two_digit_year: int, individnummer: int) -> int | None:
    """The four-digit birth year, or None when individnummer and year fit no century.

    The ranges are those python-stdnum 2.2 uses:
    000-499 -> 1900-1999; 500-749 with YY 54-99 -> 1854-1899; 500-999 with YY 00-39 ->
    2000-2039; 900-999 with YY 40-99 -> 1940-1999.
    """
    if individnummer <= 499:
        return 1900 + two_digit_year
    if individnummer <= 749 and two_digit_year >= 54:
        return 1800 + two_digit_year
    if two_digit_year <= 39:
        return 2000 + two_digit_year
    if individnummer >= 900:
        return 1900 + two_digit_year
    return None


def _individnumre_for_year(year: int) -> range | list[int]:
    """The individnumre that `_birth_year` maps to `year`, in increasing order."""
    if 1854 <= year <= 1899:
        return range(500, 750)
    if 1900 <= year <= 1939:
        return range(0, 500)
    if 1940 <= year <= 1999:
        return [*range(0, 500), *range(900, 1000)]
    if 2000 <= year <= 2039:
        return range(500, 1000)
    raise ValueError(f"no individnummer range for birth year {year}")
