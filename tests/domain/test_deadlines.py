"""Procedural deadlines: Easter, the holidays, the counting rules and the parameters.

Expected dates are written out by hand (from the calendar and the rules in
`trygd.domain.deadlines`), not computed by the module under test; the Easter sweep checks the
module against a second, independent algorithm (Gauss's, with its two exceptions).
"""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trygd.domain.deadlines import (
    LAST_YEAR,
    MAX_EXTENSION_DAYS,
    Deadline,
    add_period,
    advance_notice_deadline,
    anke_deadline,
    comment_deadline,
    court_deadline,
    deadline_from,
    easter_sunday,
    grounds_deadline,
    holiday_name,
    information_answer_deadline,
    is_working_day,
    klage_deadline,
    next_working_day,
    preliminary_answer_deadline,
    public_holidays,
    short_klage_grounds_deadline,
)
from trygd.rules.parameters import ParameterError, load_default

PARAMETERS = load_default()
D = dt.date.fromisoformat
ONE_DAY = dt.timedelta(days=1)


# --- the worked cases P1-P3 (shared/rules/test-cases.md) ---------------------------------


def test_p1_six_weeks_from_a_tuesday_end_on_a_tuesday() -> None:
    deadline = klage_deadline(D("2025-03-04"))
    assert deadline.last_day == D("2025-04-15")
    assert deadline.moved_from is None
    assert deadline.moved_because == ()
    assert deadline.raw_end == D("2025-04-15")


def test_p2_a_deadline_on_langfredag_moves_past_easter_to_tuesday() -> None:
    deadline = klage_deadline(D("2025-03-07"))
    assert deadline.last_day == D("2025-04-22")
    assert deadline.moved_from == D("2025-04-18")
    assert deadline.moved_because == ("Langfredag", "lørdag", "Påskedag", "2. påskedag")


def test_p3_easter_2026_and_the_holidays_that_hang_on_it() -> None:
    assert easter_sunday(2026) == D("2026-04-05")
    holidays = public_holidays(2026)
    assert holidays[D("2026-05-14")] == "Kristi himmelfartsdag"
    assert holidays[D("2026-05-25")] == "2. pinsedag"


# --- Easter and the holidays -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (1900, "1900-04-15"),
        (2000, "2000-04-23"),
        (2008, "2008-03-23"),
        (2011, "2011-04-24"),
        (2019, "2019-04-21"),
        (2024, "2024-03-31"),
        (2025, "2025-04-20"),
        (2026, "2026-04-05"),
        (2027, "2027-03-28"),
        (2038, "2038-04-25"),  # the latest possible date
        (2285, "2285-03-22"),  # the earliest possible date
    ],
)
def test_easter_sunday(year: int, easter: str) -> None:
    assert easter_sunday(year) == D(easter)


def _easter_by_gauss(year: int) -> dt.date:
    """Gauss's Easter algorithm, an independent check on Meeus/Jones/Butcher."""
    a, b, c = year % 19, year % 4, year % 7
    k = year // 100
    p = (13 + 8 * k) // 25
    q = k // 4
    m = (15 - p + k - q) % 30
    n = (4 + k - q) % 7
    d = (19 * a + m) % 30
    e = (2 * b + 4 * c + 6 * d + n) % 7
    if d == 29 and e == 6:
        return dt.date(year, 4, 19)
    if d == 28 and e == 6 and (11 * m + 11) % 30 < 19:
        return dt.date(year, 4, 18)
    return dt.date(year, 3, 22) + dt.timedelta(days=d + e)


def test_easter_agrees_with_gauss_for_every_supported_year() -> None:
    for year in range(1900, LAST_YEAR + 1):
        easter = easter_sunday(year)
        assert easter == _easter_by_gauss(year), year
        assert easter.weekday() == 6
        assert D(f"{year}-03-22") <= easter <= D(f"{year}-04-25")


@pytest.mark.parametrize("year", [1899, 2300, -1, 0])
def test_easter_outside_the_supported_years_is_refused(year: int) -> None:
    with pytest.raises(ValueError, match=r"1900\.\.2299"):
        easter_sunday(year)


def test_easter_refuses_a_year_that_is_not_an_int() -> None:
    with pytest.raises(TypeError):
        easter_sunday(2025.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        easter_sunday(True)


def test_every_holiday_of_2026_by_date() -> None:
    assert public_holidays(2026) == {
        D("2026-01-01"): "Nyttårsdag",
        D("2026-04-02"): "Skjærtorsdag",
        D("2026-04-03"): "Langfredag",
        D("2026-04-05"): "Påskedag",
        D("2026-04-06"): "2. påskedag",
        D("2026-05-01"): "1. mai",
        D("2026-05-14"): "Kristi himmelfartsdag",
        D("2026-05-17"): "17. mai",
        D("2026-05-24"): "Pinsedag",
        D("2026-05-25"): "2. pinsedag",
        D("2026-12-25"): "1. juledag",
        D("2026-12-26"): "2. juledag",
    }


def test_holidays_on_the_same_day_are_one_date_with_both_names() -> None:
    # 2008: Easter 23 March, so Kristi himmelfartsdag is 1 May; 2027: 2. pinsedag is 17 May
    holidays_2008 = public_holidays(2008)
    assert holidays_2008[D("2008-05-01")] == "1. mai / Kristi himmelfartsdag"
    assert len(holidays_2008) == 11
    assert public_holidays(2027)[D("2027-05-17")] == "17. mai / 2. pinsedag"


def test_public_holidays_returns_a_fresh_dict() -> None:
    public_holidays(2026).clear()
    assert len(public_holidays(2026)) == 12


def test_christmas_eve_and_new_years_eve_are_working_days() -> None:
    assert is_working_day(D("2026-12-24"))  # Thursday
    assert is_working_day(D("2026-12-31"))  # Thursday
    assert holiday_name(D("2026-12-24")) is None
    assert holiday_name(D("2026-12-25")) == "1. juledag"


def test_saturdays_and_sundays_are_not_working_days() -> None:
    assert not is_working_day(D("2025-03-08"))  # Saturday
    assert not is_working_day(D("2025-03-09"))  # Sunday
    assert is_working_day(D("2025-03-10"))  # Monday
    assert next_working_day(D("2025-03-10")) == D("2025-03-10")
    assert next_working_day(D("2025-03-08")) == D("2025-03-10")


def test_working_days_outside_the_supported_years_are_refused() -> None:
    with pytest.raises(ValueError, match=r"1900\.\.2299"):
        is_working_day(D("1899-12-31"))
    with pytest.raises(ValueError, match=r"1900\.\.2299"):
        next_working_day(D("2300-01-01"))


def test_a_datetime_is_refused_where_a_date_is_needed() -> None:
    with pytest.raises(TypeError, match="date"):
        is_working_day(dt.datetime(2025, 3, 4, 12, 0))
    with pytest.raises(TypeError, match="received"):
        klage_deadline(dt.datetime(2025, 3, 4, 12, 0))
    with pytest.raises(TypeError):
        add_period("2025-03-04", weeks=6)  # type: ignore[arg-type]


# --- year ends -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "raw_end", "last_day", "because"),
    [
        # landing on 1 January (a Wednesday): moves to 2 January
        ("2024-11-20", "2025-01-01", "2025-01-02", ("Nyttårsdag",)),
        # landing on 1. juledag and 2. juledag (Wednesday, Thursday): moves to Friday 27
        ("2024-11-13", "2024-12-25", "2024-12-27", ("1. juledag", "2. juledag")),
        ("2024-11-14", "2024-12-26", "2024-12-27", ("2. juledag",)),
        # 1. juledag on a Thursday: Christmas and the weekend give four days
        (
            "2025-11-13",
            "2025-12-25",
            "2025-12-29",
            ("1. juledag", "2. juledag", "lørdag", "søndag"),
        ),
        # New Year's Eve on a Saturday: over the year end to Monday 2 January
        ("2022-11-19", "2022-12-31", "2023-01-02", ("lørdag", "Nyttårsdag")),
        ("2025-11-20", "2026-01-01", "2026-01-02", ("Nyttårsdag",)),
    ],
)
def test_deadlines_at_the_year_end(
    received: str, raw_end: str, last_day: str, because: tuple[str, ...]
) -> None:
    deadline = klage_deadline(D(received))
    assert deadline.moved_from == D(raw_end)
    assert deadline.last_day == D(last_day)
    assert deadline.moved_because == because


@pytest.mark.parametrize(
    ("received", "last_day"),
    [
        ("2024-11-19", "2024-12-31"),  # New Year's Eve, a Tuesday: stays
        ("2024-11-12", "2024-12-24"),  # Christmas Eve, a Tuesday: stays
    ],
)
def test_christmas_eve_and_new_years_eve_are_not_moved(received: str, last_day: str) -> None:
    deadline = klage_deadline(D(received))
    assert deadline.last_day == D(last_day)
    assert deadline.moved_from is None


# --- Easter, Kristi himmelfart, Pinse and May -----------------------------------------------


@pytest.mark.parametrize(
    ("received", "skjaertorsdag", "tuesday"),
    [
        ("2008-02-07", "2008-03-20", "2008-03-25"),  # Easter 23 March
        ("2011-03-10", "2011-04-21", "2011-04-26"),  # Easter 24 April
        ("2024-02-15", "2024-03-28", "2024-04-02"),
        ("2026-02-19", "2026-04-02", "2026-04-07"),
    ],
)
def test_a_deadline_on_skjaertorsdag_moves_over_easter_to_tuesday(
    received: str, skjaertorsdag: str, tuesday: str
) -> None:
    deadline = klage_deadline(D(received))
    assert deadline.moved_from == D(skjaertorsdag)
    assert deadline.last_day == D(tuesday)
    assert deadline.moved_because == (
        "Skjærtorsdag",
        "Langfredag",
        "lørdag",
        "Påskedag",
        "2. påskedag",
    )
    assert (deadline.last_day - deadline.raw_end).days == MAX_EXTENSION_DAYS


def test_kristi_himmelfartsdag_moves_the_deadline_to_friday() -> None:
    # received on Skjærtorsdag itself: the day the notice arrives does not matter
    deadline = klage_deadline(D("2026-04-02"))
    assert deadline.moved_from == D("2026-05-14")
    assert deadline.last_day == D("2026-05-15")
    assert deadline.moved_because == ("Kristi himmelfartsdag",)


def test_kristi_himmelfartsdag_on_1_may() -> None:
    deadline = klage_deadline(D("2008-03-20"))
    assert deadline.last_day == D("2008-05-02")
    assert deadline.moved_because == ("1. mai / Kristi himmelfartsdag",)


@pytest.mark.parametrize(
    ("received", "last_day", "because"),
    [
        ("2026-04-11", "2026-05-26", ("lørdag", "Pinsedag", "2. pinsedag")),  # from Saturday
        ("2026-04-13", "2026-05-26", ("2. pinsedag",)),  # from 2. pinsedag itself
        # 2027: 2. pinsedag is 17 May
        ("2027-04-03", "2027-05-18", ("lørdag", "Pinsedag", "17. mai / 2. pinsedag")),
    ],
)
def test_pinse_moves_the_deadline_to_tuesday(
    received: str, last_day: str, because: tuple[str, ...]
) -> None:
    deadline = klage_deadline(D(received))
    assert deadline.last_day == D(last_day)
    assert deadline.moved_because == because


def test_17_may_on_a_weekday_moves_one_day() -> None:
    deadline = klage_deadline(D("2028-04-05"))
    assert deadline.moved_from == D("2028-05-17")  # a Wednesday
    assert deadline.last_day == D("2028-05-18")
    assert deadline.moved_because == ("17. mai",)


def test_17_may_on_a_saturday_names_the_holiday_then_the_sunday() -> None:
    deadline = klage_deadline(D("2025-04-05"))
    assert deadline.moved_from == D("2025-05-17")
    assert deadline.last_day == D("2025-05-19")
    assert deadline.moved_because == ("17. mai", "søndag")


# --- one day either side of every move -------------------------------------------------------

# runs of non-working days: (first, last)
MOVES = [
    ("2025-03-08", "2025-03-09"),  # an ordinary weekend
    ("2025-04-17", "2025-04-21"),  # Easter 2025
    ("2026-05-01", "2026-05-03"),  # 1 May on a Friday
    ("2026-05-14", "2026-05-14"),  # Kristi himmelfartsdag
    ("2026-05-23", "2026-05-25"),  # Pinse
    ("2025-05-17", "2025-05-18"),  # 17 May on a Saturday
    ("2025-12-25", "2025-12-28"),  # Christmas on a Thursday
    ("2026-01-01", "2026-01-01"),  # New Year's Day on a Thursday
    ("2022-12-31", "2023-01-01"),  # over the year end
]


@pytest.mark.parametrize(("first", "last"), MOVES)
def test_one_day_either_side_of_each_move(first: str, last: str) -> None:
    before, after = D(first) - ONE_DAY, D(last) + ONE_DAY
    assert next_working_day(before) == before
    assert next_working_day(after) == after
    day = D(first)
    while day <= D(last):
        assert not is_working_day(day)
        assert next_working_day(day) == after
        # and the same through the full rule, six weeks earlier
        assert deadline_from(day - dt.timedelta(weeks=6), weeks=6) == after
        day += ONE_DAY


# --- leap years and months --------------------------------------------------------------------


def test_six_weeks_across_29_february() -> None:
    assert deadline_from(D("2028-01-18"), weeks=6) == D("2028-02-29")  # a Tuesday
    assert klage_deadline(D("2028-01-18")).last_day == D("2028-02-29")


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2028-01-31", 1, "2028-02-29"),  # leap year: the month's last day
        ("2027-01-31", 1, "2027-02-28"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2028-02-29", 48, "2032-02-29"),
        ("2028-08-31", 6, "2029-02-28"),
        ("2027-08-31", 6, "2028-02-29"),
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-10-31", 6, "2026-04-30"),
        ("2025-11-15", 2, "2026-01-15"),  # over the year end
        ("2025-03-04", 0, "2025-03-04"),
    ],
)
def test_months_end_on_the_same_day_number_or_the_last_day(
    start: str, months: int, end: str
) -> None:
    assert add_period(D(start), months=months) == D(end)


def test_court_deadline_six_months_from_31_august_ends_on_29_february() -> None:
    deadline = court_deadline(D("2027-08-31"))
    assert deadline.last_day == D("2028-02-29")
    assert deadline.period == "6 months"
    assert deadline.moved_from is None


def test_court_deadline_moves_off_a_weekend() -> None:
    deadline = court_deadline(D("2025-08-31"))
    assert deadline.moved_from == D("2026-02-28")  # a Saturday
    assert deadline.last_day == D("2026-03-02")
    assert deadline.moved_because == ("lørdag", "søndag")


# --- rejected input --------------------------------------------------------------------------


@pytest.mark.parametrize(("weeks", "months"), [(-1, 0), (0, -1), (-6, 0)])
def test_a_negative_period_is_refused(weeks: int, months: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        add_period(D("2025-03-04"), weeks=weeks, months=months)
    with pytest.raises(ValueError, match="negative"):
        deadline_from(D("2025-03-04"), weeks=weeks, months=months)


def test_weeks_and_months_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        deadline_from(D("2025-03-04"), weeks=1, months=1)


@pytest.mark.parametrize("count", [1.5, 6.0, True, "6"])
def test_a_period_that_is_not_an_int_is_refused(count: object) -> None:
    with pytest.raises(TypeError, match="whole number"):
        add_period(D("2025-03-04"), weeks=count)  # type: ignore[arg-type]


def test_a_deadline_before_the_first_parameter_value_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"procedure.klage_weeks.*1997-04-30"):
        klage_deadline(D("1997-04-30"))


# --- the six named deadlines and their parameters --------------------------------------------


@pytest.mark.parametrize(
    ("function", "parameter", "day", "last_day", "period"),
    [
        (klage_deadline, "procedure.klage_weeks", "2025-03-04", "2025-04-15", "6 weeks"),
        (anke_deadline, "procedure.anke_weeks", "2025-03-07", "2025-04-22", "6 weeks"),
        (court_deadline, "procedure.court_months", "2025-10-31", "2026-04-30", "6 months"),
        (comment_deadline, "procedure.comment_weeks", "2025-03-04", "2025-03-25", "3 weeks"),
        (grounds_deadline, "procedure.grounds_weeks", "2025-03-04", "2025-03-18", "2 weeks"),
        (
            advance_notice_deadline,
            "procedure.advance_notice_weeks",
            "2025-03-04",
            "2025-03-18",
            "2 weeks",
        ),
        # fvl. § 11 a: one month; 31 January + 1 month is 28 February 2026, a Saturday.
        (
            preliminary_answer_deadline,
            "procedure.preliminary_answer_months",
            "2026-01-31",
            "2026-03-02",
            "1 month",
        ),
    ],
)
def test_each_deadline_reads_its_parameter(
    function: object, parameter: str, day: str, last_day: str, period: str
) -> None:
    deadline = function(D(day))  # type: ignore[operator]
    assert isinstance(deadline, Deadline)
    assert deadline.last_day == D(last_day)
    assert deadline.received == D(day)
    assert deadline.period == period
    assert deadline.parameter == parameter
    dated = PARAMETERS[parameter].value_at(D(day))
    assert deadline.parameter_value == dated.value
    assert deadline.legal_basis == PARAMETERS[parameter].legal_basis
    assert deadline.source == dated.source
    assert deadline.status == dated.status


def test_the_procedure_parameters_and_their_status() -> None:
    day = D("2025-06-01")
    expected = {
        "procedure.klage_weeks": (6, "weeks", "confirmed"),
        "procedure.anke_weeks": (6, "weeks", "confirmed"),
        "procedure.court_months": (6, "months", "confirmed"),
        "procedure.comment_weeks": (3, "weeks", "unconfirmed"),
        "procedure.grounds_weeks": (2, "weeks", "unconfirmed"),
        "procedure.advance_notice_weeks": (2, "weeks", "unconfirmed"),
    }
    for name, (value, unit, status) in expected.items():
        parameter = PARAMETERS[name]
        assert parameter.unit == unit
        assert parameter.values[0].start == D("1997-05-01")
        assert parameter.value_at(day).value == value
        assert parameter.value_at(day).status == status


def test_a_reform_changes_the_deadline_from_its_first_day_only() -> None:
    reform = {
        "parameters": {
            "procedure.klage_weeks": {
                "values": [{"from": D("2030-01-01"), "value": 8, "source": "test reform"}]
            }
        }
    }
    changed = PARAMETERS.with_reform(reform, "test")
    before = klage_deadline(D("2029-12-31"), parameters=changed)
    after = klage_deadline(D("2030-01-01"), parameters=changed)
    assert before.parameter_value == 6
    assert after.parameter_value == 8
    assert after.raw_end == D("2030-02-26")
    assert after.source == "test reform"


def test_a_singular_period_reads_naturally() -> None:
    reform = {
        "parameters": {
            "procedure.court_months": {
                "values": [{"from": D("2030-01-01"), "value": 1, "source": "test"}]
            }
        }
    }
    changed = PARAMETERS.with_reform(reform, "test")
    assert court_deadline(D("2030-01-31"), parameters=changed).period == "1 month"


# --- properties ------------------------------------------------------------------------------

# received dates for which every period drawn below stays inside the supported years
RECEIVED = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2297, 12, 31))


def test_the_longest_move_is_five_days_and_only_from_skjaertorsdag() -> None:
    """Every run of non-working days in 1900..2299: none longer than Easter's five."""
    longest: dict[int, set[str]] = {}
    run_start, day = None, dt.date(1900, 1, 1)
    while day <= dt.date(LAST_YEAR, 12, 31):
        if is_working_day(day):
            if run_start is not None:
                length = (day - run_start).days
                longest.setdefault(length, set()).add(holiday_name(run_start) or "weekend")
            run_start = None
        elif run_start is None:
            run_start = day
        day += ONE_DAY
    assert max(longest) == MAX_EXTENSION_DAYS == 5
    assert longest[5] == {"Skjærtorsdag"}


@given(received=RECEIVED, weeks=st.integers(min_value=0, max_value=52))
def test_a_deadline_in_weeks_is_a_working_day_close_after_the_raw_end(
    received: dt.date, weeks: int
) -> None:
    raw_end = add_period(received, weeks=weeks)
    last_day = deadline_from(received, weeks=weeks)
    assert raw_end.weekday() == received.weekday()
    assert (raw_end - received).days == 7 * weeks
    assert is_working_day(last_day)
    assert raw_end <= last_day <= raw_end + dt.timedelta(days=MAX_EXTENSION_DAYS)
    # every day passed over was not a working day
    day = raw_end
    while day < last_day:
        assert not is_working_day(day)
        day += ONE_DAY


@given(received=RECEIVED, months=st.integers(min_value=0, max_value=24))
def test_a_deadline_in_months_keeps_the_day_number_or_takes_the_last_day(
    received: dt.date, months: int
) -> None:
    raw_end = add_period(received, months=months)
    month_count = (raw_end.year - received.year) * 12 + raw_end.month - received.month
    assert month_count == months
    month_length = calendar.monthrange(raw_end.year, raw_end.month)[1]
    assert raw_end.day == min(received.day, month_length)
    last_day = deadline_from(received, months=months)
    assert is_working_day(last_day)
    assert raw_end <= last_day <= raw_end + dt.timedelta(days=MAX_EXTENSION_DAYS)


@given(received=st.dates(min_value=dt.date(1997, 5, 1), max_value=dt.date(2297, 12, 31)))
def test_klage_deadline_matches_the_parameter(received: dt.date) -> None:
    deadline = klage_deadline(received)
    weeks = PARAMETERS["procedure.klage_weeks"].value_at(received).value
    assert deadline.parameter_value == weeks
    assert deadline.last_day == deadline_from(received, weeks=int(weeks))
    assert deadline.raw_end == received + dt.timedelta(weeks=weeks)
    assert (deadline.moved_from is None) == (deadline.moved_because == ())
    assert len(deadline.moved_because) == (deadline.last_day - deadline.raw_end).days


def test_the_information_answer_time_is_a_parameter_with_its_legal_basis() -> None:
    result = information_answer_deadline(dt.date(2026, 12, 4))
    assert result.last_day == dt.date(2026, 12, 18)
    assert result.parameter == "procedure.information_answer_weeks"
    assert result.legal_basis == PARAMETERS["procedure.information_answer_weeks"].legal_basis


def test_deadlines_read_the_shared_parameter_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """No second cache: a reform of the shared rule-set reaches every deadline."""
    from trygd.rules import assessment

    reformed = assessment.default_ruleset().parameters.with_reform(
        {
            "parameters": {
                "procedure.klage_weeks": {
                    "values": [{"from": dt.date(2026, 1, 1), "value": 8, "source": "test"}]
                }
            }
        },
        "eight weeks",
    )
    monkeypatch.setattr(assessment, "_DEFAULT", assessment.Ruleset(reformed))
    result = klage_deadline(dt.date(2026, 12, 1))
    assert result.parameter_value == 8
    assert result.legal_basis == "ftrl. § 21-12"


# --- the grounds of a short klage never end before its klagefrist -----------------------------


@pytest.mark.parametrize(
    ("received", "vedtak_received", "expected"),
    [
        # The klagefrist (6 weeks from 2025-03-04: 2025-04-15) ends after the 2 weeks for the
        # grounds (from 2025-03-10: 2025-03-24): the person keeps the klagefrist.
        ("2025-03-10", "2025-03-04", "2025-04-15"),
        # Sent 2025-04-01: the 2 weeks end 2025-04-15, the same day as the klagefrist.
        ("2025-04-01", "2025-03-04", "2025-04-15"),
        # Sent 2025-04-02: the 2 weeks end 2025-04-16, one day after the klagefrist.
        ("2025-04-02", "2025-03-04", "2025-04-16"),
        # Late (after the klagefrist): the 2 weeks from the day it came.
        ("2025-04-22", "2025-03-04", "2025-05-06"),
    ],
)
def test_a_short_klage_keeps_the_rest_of_its_klagefrist(
    received: str, vedtak_received: str, expected: str
) -> None:
    frist = klage_deadline(D(vedtak_received))
    assert frist.last_day == D("2025-04-15")
    grounds = short_klage_grounds_deadline(D(received), frist)
    assert grounds.last_day == D(expected)
    assert grounds.last_day >= grounds_deadline(D(received)).last_day
