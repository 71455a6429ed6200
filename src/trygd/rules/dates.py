"""Calendar arithmetic on one date (`datetime.date`) or on arrays of dates (`datetime64[D]`).

Age limits in folketrygdloven are expressed as birthdays and month ends ("the month in which
the member turns 67"), so the rules need the same few operations on both evaluation paths.
A person born on 29 February has the birthday on 28 February in years without that date,
as NAV's systems do.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import numpy as np

DateLike = Any
"""A `datetime.date` or a NumPy `datetime64[D]` array."""

_DAY = np.timedelta64(1, "D")


def _is_array(value: object) -> bool:
    return isinstance(value, np.ndarray)


# Calendar tables for 1800-2200, built once: turning a day into its year, month and day is
# then a table look-up instead of NumPy's calendar conversion, about ten times faster on
# millions of dates. Dates outside the tables take NumPy's own (slower) conversion.
_FIRST_DAY = np.datetime64("1800-01-01", "D")
_ALL_DAYS = np.arange(_FIRST_DAY, np.datetime64("2201-01-01", "D"))
_MONTHS_OF_DAYS = _ALL_DAYS.astype("datetime64[M]")
_YEAR_OF_DAY = _ALL_DAYS.astype("datetime64[Y]").astype(np.int64) + 1970
_MONTH_OF_DAY = _MONTHS_OF_DAYS.astype(np.int64) % 12 + 1
_DAY_OF_DAY = (_ALL_DAYS - _MONTHS_OF_DAYS).astype(np.int64) + 1
_MONTH_STARTS = np.arange(np.datetime64("1800-01", "M"), np.datetime64("2201-02", "M")).astype(
    "datetime64[D]"
)


def _table_offsets(dates: np.ndarray) -> np.ndarray | None:
    offsets = (dates - _FIRST_DAY).astype(np.int64)
    if offsets.size and (offsets.min() < 0 or offsets.max() >= len(_ALL_DAYS)):
        return None
    return offsets


def split(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day (1-31) of each date in an array."""
    offsets = _table_offsets(dates)
    if offsets is not None:
        return _YEAR_OF_DAY[offsets], _MONTH_OF_DAY[offsets], _DAY_OF_DAY[offsets]
    months = dates.astype("datetime64[M]")
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month_numbers = months.astype(np.int64) % 12 + 1
    days = (dates - months).astype(np.int64) + 1
    return years, month_numbers, days


def from_parts(years: np.ndarray, months: np.ndarray, days: np.ndarray) -> np.ndarray:
    index = (years - 1800) * 12 + (months - 1)
    if index.size and index.min() >= 0 and index.max() < len(_MONTH_STARTS):
        first = _MONTH_STARTS[index]
    else:
        first = ((years - 1970) * 12 + (months - 1)).astype("datetime64[M]").astype("datetime64[D]")
    result: np.ndarray = first + (days - 1).astype("timedelta64[D]")
    return result


def add_years(date: DateLike, years: int) -> DateLike:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    if _is_array(date):
        y, m, d = split(date)
        y2 = y + years
        leap = ((y2 % 4 == 0) & (y2 % 100 != 0)) | (y2 % 400 == 0)
        d2 = np.where((m == 2) & (d == 29) & ~leap, 28, d)
        return from_parts(y2, m, d2)
    target = date.year + years
    if date.month == 2 and date.day == 29 and not calendar.isleap(target):
        return dt.date(target, 2, 28)
    return date.replace(year=target)


def end_of_month(date: DateLike) -> DateLike:
    """The last day of the month the date is in."""
    if _is_array(date):
        years, months, _ = split(date)
        return from_parts(years + months // 12, months % 12 + 1, np.ones_like(months)) - _DAY
    return date.replace(day=calendar.monthrange(date.year, date.month)[1])


def add_days(date: DateLike, days: Any) -> DateLike:
    if isinstance(date, np.datetime64) and not _is_array(days):
        return date + np.timedelta64(int(days), "D")
    if _is_array(date) or _is_array(days):
        return np.asarray(date, dtype="datetime64[D]") + np.asarray(days).astype("timedelta64[D]")
    return date + dt.timedelta(days=int(days))


def add_weekdays(date: DateLike, count: Any) -> DateLike:
    """The weekday `count` weekdays after `date`, rolling `date` forward to a weekday first.

    Sykepengedager and dagpenger days are counted Monday to Friday (ftrl. § 8-11), so a maximum
    date is a weekday offset. Arrays use week arithmetic (a Monday-to-Friday week has five
    days), which gives exactly what NumPy's business-day calendar gives, many times faster.
    """
    if _is_array(date) or _is_array(count):
        days = np.asarray(date, dtype="datetime64[D]").astype(np.int64)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
        days = np.where(weekday >= 5, days + 7 - weekday, days)
        weekday = np.where(weekday >= 5, 0, weekday)
        weeks, rest = np.divmod(np.asarray(count, dtype=np.int64), 5)
        days = days + 7 * weeks + rest + np.where(weekday + rest >= 5, 2, 0)
        return days.astype("datetime64[D]")
    result = np.busday_offset(np.datetime64(date, "D"), int(count), "forward")
    return result.astype(dt.date)


def weekdays_after(after: DateLike, through: DateLike) -> Any:
    """The weekdays Monday to Friday after `after` up to and including `through`; 0 when
    `through` is not later. Sykepengedager left are counted so (ftrl. § 8-11: five days a
    week), as NAV's `ukedager` does."""
    if _is_array(after) or _is_array(through):
        start = np.asarray(after, dtype="datetime64[D]") + _DAY
        end = np.asarray(through, dtype="datetime64[D]") + _DAY
        start, end = np.broadcast_arrays(start, end)
        return np.maximum(np.busday_count(start, np.maximum(start, end)), 0)
    if through <= after:
        return 0
    return int(np.busday_count(after + dt.timedelta(days=1), through + dt.timedelta(days=1)))


def year_of(date: DateLike) -> Any:
    if _is_array(date):
        offsets = _table_offsets(date)
        if offsets is not None:
            return _YEAR_OF_DAY[offsets]
        return date.astype("datetime64[Y]").astype(np.int64) + 1970
    return date.year


def as_date_column(value: dt.date) -> np.datetime64:
    """A single date in the form that compares with `datetime64[D]` arrays."""
    return np.datetime64(value, "D")


def first_of_month(date: DateLike) -> DateLike:
    if isinstance(date, np.datetime64 | np.ndarray):
        return date.astype("datetime64[M]").astype("datetime64[D]")
    return date.replace(day=1)


def latest_birth_date(at: DateLike, years: int) -> DateLike:
    """The latest birth date of someone who has turned `years` on `at`.

    Age limits are then one comparison per person (`birth_date <= cutoff`) instead of
    calendar arithmetic on every birth date, which is what makes millions of persons per
    second possible. Someone born on 29 February turns a year older on 28 February in
    years without that date, so on such a 28 February the cutoff is the 29th.
    """
    if _is_array(at):
        raise TypeError("the assessment date is one date for a whole population")
    if isinstance(at, np.datetime64):
        day: dt.date = at.astype("datetime64[D]").astype(dt.date)
        return np.datetime64(latest_birth_date(day, years), "D")
    target = at.year - years
    if at.month == 2 and at.day == 28 and not calendar.isleap(at.year) and calendar.isleap(target):
        return dt.date(target, 2, 29)
    if at.month == 2 and at.day == 29 and not calendar.isleap(target):
        return dt.date(target, 2, 28)
    return at.replace(year=target)
