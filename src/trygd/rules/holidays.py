"""Norway's public holidays, and the working days they leave.

Deadlines (`trygd.domain.deadlines`, domstolloven § 149) and the rules both need them: the
dagpenger earning period ends with the last calendar month whose income employers had to
report by the 5th, moved to the next working day (a-opplysningsloven § 4, dagpengeforskriften
§ 3A-2, as NAV's dagpenger system counts with a Norwegian holiday calendar). The calendar is
pure arithmetic on dates, so it lives in the rules core, and the deadline module builds on it.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from types import MappingProxyType
from typing import Final

FIRST_YEAR: Final = 1900
"""First year for which Easter, and so the holidays, are computed."""

LAST_YEAR: Final = 2299
"""Last year for which Easter, and so the holidays, are computed."""

# Easter-based holidays, as days after Easter Sunday, with their names in bokmål.
_EASTER_HOLIDAYS: Final = (
    (-3, "Skjærtorsdag"),
    (-2, "Langfredag"),
    (0, "Påskedag"),
    (1, "2. påskedag"),
    (39, "Kristi himmelfartsdag"),
    (49, "Pinsedag"),
    (50, "2. pinsedag"),
)

# Holidays on a fixed date: (month, day, name).
_FIXED_HOLIDAYS: Final = (
    (1, 1, "Nyttårsdag"),
    (5, 1, "1. mai"),
    (5, 17, "17. mai"),
    (12, 25, "1. juledag"),
    (12, 26, "2. juledag"),
)


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an int, not {type(year).__name__}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            f"year {year} is outside the supported range {FIRST_YEAR}..{LAST_YEAR} "
            "(holidays are only computed for these years)"
        )


def check_date(day: dt.date, name: str) -> None:
    """Refuse what is not a plain date, naming the argument `name`."""
    # datetime is a subclass of date; date arithmetic on it would give datetimes back and
    # would hide a time-of-day that deadlines do not have, so it is refused.
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(day).__name__}")


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of a year in the Gregorian calendar.

    Seven of Norway's twelve public holidays hang on Easter, so Easter must be exact. This is the
    anonymous Gregorian algorithm (Meeus/Jones/Butcher), which is exact for every Gregorian
    year; the range is limited to 1900..2299 because no deadline needs more and the tests
    cover it. Outside it, a `ValueError` says so rather than returning a date nobody checked.
    """
    _check_year(year)
    golden = year % 19  # the year's place in the 19-year Metonic cycle
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    # the Gregorian corrections: leap centuries drop a day (solar), the moon's orbit does not
    # fit the 19-year cycle exactly and gains about 8 days in 2500 years (lunar)
    lunar_steps = (century + 8) // 25
    lunar_correction = (century - lunar_steps + 1) // 3
    # days from 21 March to the paschal full moon
    full_moon = (19 * golden + century - leap_centuries - lunar_correction + 15) % 30
    quarter, year_rest = divmod(year_of_century, 4)
    # days from the full moon to the following Sunday
    to_sunday = (32 + 2 * century_rest + 2 * quarter - full_moon - year_rest) % 7
    correction = (golden + 11 * full_moon + 22 * to_sunday) // 451
    month, day = divmod(full_moon + to_sunday - 7 * correction + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=512)
def holidays_of(year: int) -> MappingProxyType[dt.date, str]:
    """The public holidays of `year` by date, read-only and computed once (see
    `public_holidays`)."""
    easter = easter_sunday(year)
    found: dict[dt.date, list[str]] = {}
    for month, day, name in _FIXED_HOLIDAYS:
        found.setdefault(dt.date(year, month, day), []).append(name)
    for offset, name in _EASTER_HOLIDAYS:
        found.setdefault(easter + dt.timedelta(days=offset), []).append(name)
    # Kristi himmelfartsdag can fall on 1 or 17 May, Pinsedag or 2. pinsedag on 17 May; such
    # a day is one holiday with both names.
    return MappingProxyType({day: " / ".join(names) for day, names in sorted(found.items())})


def public_holidays(year: int) -> dict[dt.date, str]:
    """Norway's public holidays (helligdager and offentlige høytidsdager) in a year.

    These are the days, besides Saturdays and Sundays, that move a deadline (domstolloven
    § 149): the fixed days 1 January, 1 May, 17 May, 25 and 26 December, and the seven
    Easter-based days from Skjærtorsdag to 2. pinsedag. Names are in bokmål. When two
    holidays fall on the same date (Kristi himmelfartsdag on 1 May, as in 2008) the date
    appears once, with both names joined by " / ". A new dict is returned each time, so the
    caller may change it.
    """
    return dict(holidays_of(year))


def holiday_name(day: dt.date) -> str | None:
    """The holiday's name if `day` is a public holiday, otherwise None."""
    check_date(day, "day")
    return holidays_of(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is a working day: Monday to Friday and not a public holiday."""
    check_date(day, "day")
    holidays = holidays_of(day.year)  # first, so that an unsupported year is always refused
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself if it is a working day, otherwise the first working day after it."""
    check_date(day, "day")
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day
