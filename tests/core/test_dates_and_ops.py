"""Calendar arithmetic and operators give the same answer on one value and on arrays."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from trygd.rules import dates, ops

birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31))


@given(birth_dates, st.integers(min_value=0, max_value=80))
def test_add_years_agrees_on_scalars_and_arrays(birth: dt.date, years: int) -> None:
    scalar = dates.add_years(birth, years)
    array = dates.add_years(np.array([birth], dtype="datetime64[D]"), years)
    assert array[0] == np.datetime64(scalar)


def test_29_february_birthday_falls_on_28_february() -> None:
    assert dates.add_years(dt.date(2000, 2, 29), 1) == dt.date(2001, 2, 28)
    assert dates.add_years(dt.date(2000, 2, 29), 4) == dt.date(2004, 2, 29)


@given(birth_dates, st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_latest_birth_date_matches_birthday_arithmetic(birth: dt.date, at: dt.date) -> None:
    """Having turned 67 on `at` means the 67th birthday is on or before `at`."""
    turned = dates.add_years(birth, 67) <= at
    assert turned == (birth <= dates.latest_birth_date(at, 67))


def test_end_of_month_and_weekdays() -> None:
    assert dates.end_of_month(dt.date(2024, 2, 3)) == dt.date(2024, 2, 29)
    assert dates.add_weekdays(dt.date(2025, 1, 4), 0) == dt.date(2025, 1, 6)  # Saturday
    assert dates.add_weekdays(dt.date(2025, 1, 6), 5) == dt.date(2025, 1, 13)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_round_half_up_agrees_on_scalars_and_arrays(value: float) -> None:
    assert ops.round_half_up(value) == ops.round_half_up(np.array([value]))[0]


def test_round_half_up_rounds_halves_up_unlike_python_round() -> None:
    assert ops.round_half_up(2.5) == 3
    assert ops.round_half_up(645.6) == 646
    assert round(2.5) == 2  # why ops.round_half_up exists


@given(st.lists(st.floats(min_value=0, max_value=1e7), min_size=5, max_size=5))
def test_sum_of_best_agrees_on_scalars_and_arrays(values: list[float]) -> None:
    scalar = ops.sum_of_best(3, values)
    array = ops.sum_of_best(3, [np.array([v]) for v in values])
    assert scalar == array[0]
    assert scalar == sum(sorted(values)[2:]) or abs(scalar - sum(sorted(values)[2:])) < 1e-6


def test_not_is_logical_on_scalars() -> None:
    assert ops.not_(True) is False
    assert list(ops.not_(np.array([True, False]))) == [False, True]
    assert ops.divide_or(1.0, 0.0, 0.0) == 0.0
    assert list(ops.divide_or(np.array([1.0, 1.0]), np.array([0.0, 4.0]), 0.0)) == [0.0, 0.25]


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2150, 1, 1)),
    st.integers(min_value=-400, max_value=400),
)
def test_weekday_arithmetic_on_arrays_equals_numpys_business_days(day: dt.date, count: int) -> None:
    array = dates.add_weekdays(np.array([day], dtype="datetime64[D]"), np.array([count]))
    assert array[0] == np.busday_offset(np.datetime64(day, "D"), count, "forward")
    assert dates.add_weekdays(day, count) == array[0].astype(dt.date)


@given(st.dates(min_value=dt.date(1700, 1, 1), max_value=dt.date(2300, 12, 31)))
def test_calendar_tables_agree_with_numpy(day: dt.date) -> None:
    years, months, days = dates.split(np.array([day], dtype="datetime64[D]"))
    assert (years[0], months[0], days[0]) == (day.year, day.month, day.day)
    end = dates.end_of_month(np.array([day], dtype="datetime64[D]"))[0]
    assert end == np.datetime64(dates.end_of_month(day))
