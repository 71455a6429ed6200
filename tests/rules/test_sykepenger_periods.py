"""Sykepenger with the sick leave given as sick-note periods: the arbeidsgiverperiode (ftrl.
§§ 8-17, 8-19) counted over the periods, and the sykepengedager used, left and refused
(§ 8-12, § 8-51, § 8-3) counted day by day as NAV's sykepenger system counts them.

Worked cases come from navikt/helse-spleis (commit d1effe9b); each test names the file and
the test. Spleis's test timelines start on Monday 1 January 2018 unless they say otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pytest

from trygd.applications.inputs import InputError, parse_application
from trygd.rules.assessment import Ruleset, assess, default_ruleset
from trygd.rules.benefits.sykepenger.rules import SYKEPENGER
from trygd.rules.benefits.sykepenger.rules import derive as derive_with
from trygd.rules.declarations import Outcome
from trygd.rules.parameters import ParameterError, load_default

D = dt.date
YOUNG = D(1992, 2, 12)  # spleis UNG_PERSON_FNR_2018
TURNS_67_ON_11_JANUARY_2018 = D(1951, 1, 11)  # spleis PERSON_67_ÅR_11_JANUAR_2018


def days(first: dt.date, count: int) -> dt.date:
    """The last day of `count` calendar days from `first`."""
    return first + dt.timedelta(days=count - 1)


def period(first: dt.date, last: dt.date, grade: float = 100) -> dict[str, Any]:
    return {"from": first, "to": last, "grade": grade}


SPLEIS_START = D(2018, 1, 1)


def timeline(*parts: tuple[int, str], start: dt.date = SPLEIS_START) -> list[dict[str, Any]]:
    """Sick-note periods from a spleis-style timeline: (n, "S") is n days of sick leave,
    (n, "A") n days at work."""
    periods, day = [], start
    for count, kind in parts:
        if kind == "S":
            periods.append(period(day, days(day, count)))
        day += dt.timedelta(days=count)
    return periods


def facts(periods: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "birth_date": YOUNG,
        "folketrygd_member": True,
        "days_in_work": 400,
        "incapacity_due_to_illness": True,
        "loses_pensionable_income": True,
        "yearly_income": 500_000,
        "sick_leave_history": [],
        "sick_leave_periods": periods,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def run(periods: list[dict[str, Any]], ruleset: Ruleset | None = None, **changes: Any) -> Any:
    at = min(p["from"] for p in periods)
    return assess("sykepenger", facts(periods, **changes), at, ruleset=ruleset)


def derived(periods: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    at = min(p["from"] for p in periods)
    return derive_with(facts(periods, **changes), at, default_ruleset().params(SYKEPENGER, at))


def status(assessment: Any, rule: str) -> str:
    for result in (*assessment.conditions, *assessment.calculations):
        if result.id == f"sykepenger.{rule}":
            return str(result.status)
    raise KeyError(rule)


def reformed(name: str, value: float) -> Ruleset:
    reform = {
        "parameters": {
            f"sykepenger.{name}": {
                "values": [{"from": D(1997, 5, 1), "value": value, "source": "test reform"}]
            }
        }
    }
    return Ruleset(load_default().with_reform(reform, f"{name} {value}"))


# --- The arbeidsgiverperiode: 16 calendar days, gaps under 16 days continue it -------------

START = D(2025, 6, 2)  # a Monday: day 16 is Tuesday 17 June, day 17 Wednesday 18 June


@pytest.mark.parametrize(
    ("length", "met", "first_payment_day"),
    [
        (15, False, D(2025, 6, 18)),  # ends inside the arbeidsgiverperiode
        (16, False, D(2025, 6, 18)),  # ends on its last day: nothing for NAV
        (17, True, D(2025, 6, 18)),  # one weekday for NAV
    ],
)
def test_a_sick_leave_must_go_on_after_the_16_days(
    length: int, met: bool, first_payment_day: dt.date
) -> None:
    result = run([period(START, days(START, length))])
    assert result.amounts["employer_period_end"] == D(2025, 6, 17)
    assert result.amounts["first_payment_day"] == first_payment_day
    assert status(result, "beyond_employer_period") == ("met" if met else "not_met")
    assert result.outcome is (Outcome.GRANTED if met else Outcome.REJECTED)
    if met:
        assert result.amounts["days_used"] == 1


@pytest.mark.parametrize(
    ("gap", "employer_period_end"),
    [
        # 10 sick days, then `gap` days at work, then 20 sick days from START + 10 + gap.
        (15, D(2025, 7, 2)),  # the same period: 6 more days after the gap, from 27 June
        (16, D(2025, 7, 13)),  # a new period: 16 days from 28 June
        (17, D(2025, 7, 14)),  # a new period: 16 days from 29 June
    ],
)
def test_a_gap_under_16_days_continues_the_arbeidsgiverperiode(
    gap: int, employer_period_end: dt.date
) -> None:
    """navikt/helse-spleis, ArbeidsgiverperiodetellerTest, "ikke nok oppholdsdager" (15 days
    at work: the count goes on) and "nok oppholdsdager" (16: a new arbeidsgiverperiode)."""
    second = START + dt.timedelta(days=10 + gap)
    result = run([period(START, days(START, 10)), period(second, days(second, 20))])
    assert result.amounts["employer_period_end"] == employer_period_end
    assert result.amounts["first_payment_day"] == employer_period_end + dt.timedelta(days=1)


def test_spleis_spredt_arbeidsgiverperiode() -> None:
    """navikt/helse-spleis, ArbeidsgiverperiodesubsumsjonTest, "spredt":
    4.S + 1.A + 4.S + 1.A + 4.S + 10.A + 11.S gives 16 arbeidsgiverperiode days and 7 days
    after it (Monday 29 January to Sunday 4 February 2018: five weekdays)."""
    periods = timeline((4, "S"), (1, "A"), (4, "S"), (1, "A"), (4, "S"), (10, "A"), (11, "S"))
    result = run(periods)
    assert result.amounts["employer_period_end"] == D(2018, 1, 28)
    assert result.amounts["first_payment_day"] == D(2018, 1, 29)
    assert result.amounts["days_used"] == 5
    assert result.amounts["days_remaining"] == 243


def test_spleis_spredt_utbetalingsperiode() -> None:
    """navikt/helse-spleis, ArbeidsgiverperiodesubsumsjonTest, "spredt utbetalingsperiode":
    17.S + 10.A + 4.S + 10.A + 4.S gives 16 arbeidsgiverperiode days and 9 days after it,
    of them two weekend days (seven weekdays paid)."""
    result = run(timeline((17, "S"), (10, "A"), (4, "S"), (10, "A"), (4, "S")))
    assert result.amounts["employer_period_end"] == D(2018, 1, 16)
    assert result.amounts["days_used"] == 7


def test_spleis_ny_arbeidsgiverperiode_etter_halvferdig() -> None:
    """navikt/helse-spleis, ArbeidsgiverperiodesubsumsjonTest, "ny arbeidsgiverperiode etter
    halvferdig": 8.S + 32.A + 16.S is 8 + 16 arbeidsgiverperiode days and nothing for NAV."""
    result = run(timeline((8, "S"), (32, "A"), (16, "S")))
    assert result.amounts["employer_period_end"] == D(2018, 2, 25)
    assert status(result, "beyond_employer_period") == "not_met"
    assert result.failing_conditions == ("sykepenger.beyond_employer_period",)


def test_spleis_ny_arbeidsgiverperiode_etter_fullfort() -> None:
    """navikt/helse-spleis, ArbeidsgiverperiodesubsumsjonTest, "ny arbeidsgiverperiode etter
    fullført": 16.S + 32.A + 16.S is two arbeidsgiverperioder, nothing for NAV."""
    result = run(timeline((16, "S"), (32, "A"), (16, "S")))
    assert result.amounts["employer_period_end"] == D(2018, 3, 5)
    assert result.outcome is Outcome.REJECTED


def test_spleis_siste_dag_i_arbeidsgiverperioden_etter_opphold() -> None:
    """navikt/helse-spleis, ArbeidsgiverperiodesubsumsjonTest, "siste dag i
    arbeidsgiverperioden er også første dag etter opphold i arbeidsgiverperioden":
    15.S + 1.A + 2.S gives 16 arbeidsgiverperiode days and one day after it."""
    result = run(timeline((15, "S"), (1, "A"), (2, "S")))
    assert result.amounts["employer_period_end"] == D(2018, 1, 17)
    assert result.amounts["first_payment_day"] == D(2018, 1, 18)
    assert result.amounts["days_used"] == 1


def test_spleis_utbetaling_kun_i_helg() -> None:
    """navikt/helse-spleis, ArbeidsgiverperiodesubsumsjonTest, "utbetaling kun i helg":
    3.opphold + 18.S (Thursday 4 to Sunday 21 January 2018) leaves only a Saturday and a
    Sunday after the arbeidsgiverperiode: spleis pays nothing for them (§ 8-11), and here
    the condition that NAV has days to pay is not met."""
    result = run([period(D(2018, 1, 4), D(2018, 1, 21))])
    assert result.amounts["employer_period_end"] == D(2018, 1, 19)
    assert result.amounts["first_payment_day"] == D(2018, 1, 20)
    assert status(result, "beyond_employer_period") == "not_met"


def test_sick_leave_within_16_days_after_nav_paid_has_no_new_arbeidsgiverperiode() -> None:
    """§ 8-19: NAV paid until Friday 6 June; sick again ten days later, NAV pays from the
    first day (spleis `Arbeidsgiverperiodeberegner`: days paid by NAV complete the period)."""
    history = [{"from": D(2025, 5, 19), "to": D(2025, 6, 6)}]
    result = run([period(D(2025, 6, 16), D(2025, 6, 27))], sick_leave_history=history)
    assert result.amounts["employer_period_end"] == D(2025, 6, 6)
    assert result.amounts["first_payment_day"] == D(2025, 6, 16)
    assert result.amounts["days_used"] == 15 + 10


# --- The sykepengedager used, left and refused ---------------------------------------------


def test_spleis_riktig_antall_dager() -> None:
    """navikt/helse-spleis, MaksdatoberegningTest, "riktig antall dager": 16.AP, 10.NAV gives
    8 days used, 240 left and the maksdato 28 December 2018."""
    result = run([period(D(2018, 1, 1), D(2018, 1, 26))])
    assert result.outcome is Outcome.GRANTED
    assert result.amounts["days_used"] == 8
    assert result.amounts["days_remaining"] == 240
    assert result.amounts["maksdato"] == D(2018, 12, 28)
    assert result.amounts["first_refused_day"] == D(2018, 12, 31)


def test_spleis_stopper_betaling_etter_248_dager() -> None:
    """navikt/helse-spleis, MaksdatoberegningTest, "stopper betaling etter 248 dager":
    16.AP, 249.NAVDAGER refuses 31 December 2018; 248 used, none left, maksdato 28 December."""
    assert np.busday_count(D(2018, 1, 17), D(2019, 1, 1)) == 249
    result = run([period(D(2018, 1, 1), D(2018, 12, 31))])
    assert result.outcome is Outcome.GRANTED  # NAV pays until the maksdato
    assert result.amounts["days_used"] == 248
    assert result.amounts["days_remaining"] == 0
    assert result.amounts["maksdato"] == D(2018, 12, 28)
    assert result.amounts["first_refused_day"] == D(2018, 12, 31)


@pytest.mark.parametrize(
    ("last_day", "used", "left", "refused"),
    [
        (D(2018, 12, 27), 247, 1, D(2018, 12, 31)),  # 247 used: the maksdato is still ahead
        (D(2018, 12, 28), 248, 0, D(2018, 12, 31)),  # the 248th day is the last day
        (D(2018, 12, 31), 248, 0, D(2018, 12, 31)),  # the 249th weekday is refused
    ],
)
def test_248_days(last_day: dt.date, used: int, left: int, refused: dt.date) -> None:
    result = run([period(D(2018, 1, 1), last_day)])
    assert result.amounts["days_used"] == used
    assert result.amounts["days_remaining"] == left
    assert result.amounts["maksdato"] == D(2018, 12, 28)
    assert result.amounts["first_refused_day"] == refused


# The first sick leave used every day up to Wednesday 12 December 2018 (248.NAVDAGER from
# 1 January 2018), paid by NAV: the history of the next one.
HISTORY_248 = [{"from": D(2018, 1, 1), "to": D(2018, 12, 12)}]


def test_spleis_ny_maksdato_dersom_182_dager_frisk() -> None:
    """navikt/helse-spleis, MaksdatoberegningTest, "ny maksdato dersom 182 dager frisk - nav
    utbetaler arbeidsgiverperioden": 248.NAVDAGER, 166.ARB, 16.NAP, 10.NAV gives a new
    right: 7 days used, 241 left, maksdato 25 May 2020. The 16 days of the new
    arbeidsgiverperiode count towards the 182 days (paid by the employer here, by NAV in
    spleis's test; spleis counts both as days without sykepenger)."""
    result = run([period(D(2019, 5, 28), D(2019, 6, 22))], sick_leave_history=HISTORY_248)
    assert result.outcome is Outcome.GRANTED
    assert result.amounts["employer_period_end"] == D(2019, 6, 12)
    assert result.amounts["days_used"] == 7
    assert result.amounts["days_remaining"] == 241
    assert result.amounts["maksdato"] == D(2020, 5, 25)


def test_spleis_ikke_ny_maksdato_dersom_mindre_enn_182_dager_frisk() -> None:
    """navikt/helse-spleis, MaksdatoberegningTest, "ikke ny maksdato dersom mindre enn 182
    dager frisk - nav utbetaler arbeidsgiverperioden": 248.NAVDAGER, 100.ARB, 16.NAP, 10.NAV
    refuses 8 to 17 April 2019 and keeps the maksdato 12 December 2018 (corrections-2026-12:
    "a gap under 26 weeks does not reset it")."""
    result = run([period(D(2019, 3, 23), D(2019, 4, 17))], sick_leave_history=HISTORY_248)
    assert result.outcome is Outcome.REJECTED
    assert result.failing_conditions == ("sykepenger.maximum_period",)
    assert result.amounts["maksdato"] == D(2018, 12, 12)
    assert result.amounts["first_refused_day"] == D(2019, 4, 8)
    assert result.amounts["days_used"] == 248
    assert result.amounts["days_remaining"] == 0


@pytest.mark.parametrize(
    ("at_work", "nav_practice", "new_right"),
    [
        (165, True, False),  # 165 + 16 = 181 days without sykepenger
        (166, True, True),  # 166 + 16 = 182
        (181, False, False),  # the law's words: the 16 days are passed over
        (182, False, True),
    ],
)
def test_the_26_weeks_in_either_reading(at_work: int, nav_practice: bool, new_right: bool) -> None:
    start = D(2018, 12, 12) + dt.timedelta(days=at_work + 1)
    ruleset = None if nav_practice else reformed("reset_counts_nav_practice", 0)
    result = run([period(start, days(start, 30))], ruleset=ruleset, sick_leave_history=HISTORY_248)
    assert result.outcome is (Outcome.GRANTED if new_right else Outcome.REJECTED)
    if not new_right:
        assert result.amounts["maksdato"] == D(2018, 12, 12)


def test_spleis_refused_days_count_towards_the_26_weeks_then_a_day_at_work() -> None:
    """navikt/helse-spleis, MaksdatoberegningTest, "sjekk at 26 uker med syk etter karantene
    starter utbetaling etter første arbeidsdag": 16.AP, 248.NAVDAGER, 182.NAVDAGER (refused),
    1.ARB, 60.NAVDAGER gives a new right with 60 days used. Here the sick leave after the
    day at work (10 September 2019) joins the same arbeidsgiverperiode, so NAV pays at once.
    By the law's words the refused sick days are not days fully fit: no new right."""
    first = period(D(2018, 1, 1), D(2019, 9, 10))  # 16 + 248 weekdays + 182 refused days
    second = period(D(2019, 9, 12), D(2019, 12, 4))  # 60 weekdays after one day at work
    assert np.busday_count(D(2019, 9, 12), D(2019, 12, 5)) == 60
    practice = run([first, second])
    assert practice.amounts["days_used"] == 60
    assert practice.amounts["days_remaining"] == 188
    assert practice.amounts["maksdato"] == D(2020, 8, 24)
    law = run([first, second], ruleset=reformed("reset_counts_nav_practice", 0))
    assert law.amounts["days_used"] == 248
    assert law.amounts["maksdato"] == D(2018, 12, 28)
    assert law.amounts["first_refused_day"] == D(2018, 12, 31)


def test_spleis_sjekk_60_dagers_grense_for_67_aaringer() -> None:
    """navikt/helse-spleis, MaksdatoberegningTest, "sjekk 60 dagers grense for 67 åringer":
    a person who turns 67 on 11 January 2018, 11.NAV then 61.NAVDAGER: 69 days used, the
    maksdato 5 April and 6 April refused. The first 11 days are NAV's history here, so the
    sick leave from 12 January has no arbeidsgiverperiode of its own (§ 8-19)."""
    result = run(
        [period(D(2018, 1, 12), D(2018, 4, 6))],
        birth_date=TURNS_67_ON_11_JANUARY_2018,
        sick_leave_history=[{"from": D(2018, 1, 1), "to": D(2018, 1, 11)}],
    )
    assert result.amounts["days_used"] == 69
    assert result.amounts["days_remaining"] == 0
    assert result.amounts["maksdato"] == D(2018, 4, 5)
    assert result.amounts["first_refused_day"] == D(2018, 4, 6)
    maksdato = next(r for r in result.calculations if r.id == "sykepenger.maksdato")
    assert maksdato.values["days_left_after_67"] == 0


@pytest.mark.parametrize(
    ("weekdays_after_67", "left"),
    [(59, 1), (60, 0), (61, 0)],
)
def test_60_days_after_the_67th_birthday(weekdays_after_67: int, left: int) -> None:
    """Born 1958-06-10 (67 on Tuesday 10 June 2025); sick from Monday 2 June 2025: the
    employer pays to 17 June, NAV from 18 June, every day after the 67th birthday."""
    last = np.busday_offset(D(2025, 6, 18), weekdays_after_67 - 1).astype(dt.date)
    result = run([period(D(2025, 6, 2), last)], birth_date=D(1958, 6, 10))
    assert result.amounts["days_used"] == min(weekdays_after_67, 60)
    assert result.amounts["days_remaining"] == left
    maksdato = np.busday_offset(D(2025, 6, 18), 59).astype(dt.date)
    assert result.amounts["maksdato"] == maksdato
    assert result.amounts["first_refused_day"] == np.busday_offset(maksdato, 1).astype(dt.date)


@pytest.mark.parametrize(
    ("last_day", "used", "refused"),
    [
        (D(2030, 6, 7), 8, D(2030, 6, 10)),  # ends the Friday before the 70th birthday
        (D(2030, 6, 10), 8, D(2030, 6, 10)),  # the birthday itself is refused
        (D(2030, 6, 14), 8, D(2030, 6, 10)),
    ],
)
def test_the_70th_birthday_in_the_sick_leave(
    last_day: dt.date, used: int, refused: dt.date
) -> None:
    """Born 1960-06-10: 70 on Monday 10 June 2030. Sick from Monday 13 May 2030: the employer
    pays to 28 May, NAV from 29 May; the last possible day is Friday 7 June."""
    result = run([period(D(2030, 5, 13), last_day)], birth_date=D(1960, 6, 10))
    assert result.amounts["days_used"] == used
    assert result.amounts["maksdato"] == D(2030, 6, 7)
    assert result.amounts["days_remaining"] == 0
    assert result.amounts["first_refused_day"] == refused


def test_weekdays_under_20_percent_are_refused_and_not_counted() -> None:
    """§ 8-13: a week sick-listed 15 % is not paid and uses no sykepengedager; the grade of
    the last period is the grade assessed."""
    periods = [
        period(D(2025, 6, 2), D(2025, 6, 22)),
        period(D(2025, 6, 23), D(2025, 6, 29), grade=15),
        period(D(2025, 6, 30), D(2025, 7, 4), grade=50),
    ]
    flat = derived(periods)
    # NAV's days: 18-20 June (3), not 23-27 June (15 %), 30 June-4 July (5).
    assert flat["sick_days_used"] == 3 + 5
    assert flat["sick_leave_grade"] == 50
    result = run(periods)
    assert result.amounts["daily_payment"] == 962  # 500 000 / 260 = 1 923, half: 961.5


def test_a_grade_given_as_well_is_the_grade_assessed() -> None:
    """A change of the grade reported later applies from the day of the change."""
    flat = derived([period(D(2025, 6, 2), D(2025, 7, 4), grade=100)], sick_leave_grade=40)
    assert flat["sick_leave_grade"] == 40


def test_periods_replace_derived_facts_given_directly() -> None:
    flat = derived(
        [period(D(2025, 6, 2), D(2025, 6, 30))],
        sick_days_used=200,
        employer_period_last_day=D(2025, 6, 5),
    )
    assert flat["sick_days_used"] == 9
    assert flat["employer_period_last_day"] == D(2025, 6, 17)


def test_without_the_birth_date_the_count_to_day_is_not_derived() -> None:
    flat = derived([period(D(2025, 6, 2), D(2025, 6, 30))], birth_date=None)
    assert "days_counted_to" not in flat and "sick_days_used_after_67" not in flat
    assert flat["sick_days_used"] == 9
    result = run([period(D(2025, 6, 2), D(2025, 6, 30))], birth_date=None)
    assert result.outcome is Outcome.MANUAL
    assert status(result, "days_used") == "undetermined"


def test_a_reform_of_the_gap_reaches_the_arbeidsgiverperiode() -> None:
    """With 10 days instead of 16, a gap of 12 days at work starts a new period."""
    periods = [period(D(2025, 6, 2), D(2025, 6, 11)), period(D(2025, 6, 24), D(2025, 7, 31))]
    assert run(periods).amounts["employer_period_end"] == D(2025, 6, 29)
    reform = run(periods, ruleset=reformed("employer_period_gap_days", 10))
    assert reform.amounts["employer_period_end"] == D(2025, 7, 9)


def test_a_flag_parameter_is_one_or_zero() -> None:
    with pytest.raises(ParameterError, match="a flag is 1"):
        reformed("reset_counts_nav_practice", 2)


# --- The minimum income against the minimum-income G, with periods -------------------------


@pytest.mark.parametrize(
    ("first_day", "birth_date", "income", "expected"),
    [
        # The minimum-income G is 130 160 to 31 May 2026 and 136 549 from 1 June 2026
        # (navikt/helse-spleis Grunnbeløp.kt: gyldigSomMinsteinntektKrav = 1.juni(2026)).
        (D(2026, 5, 31), YOUNG, 65_080, "met"),  # 0.5 G = 65 080
        (D(2026, 6, 1), YOUNG, 65_080, "not_met"),  # 0.5 G = 68 274.50
        (D(2026, 6, 1), YOUNG, 68_274.5, "met"),
        (D(2026, 5, 31), D(1957, 1, 15), 260_320, "met"),  # age 69: 2 G = 260 320
        (D(2026, 6, 1), D(1957, 1, 15), 260_320, "not_met"),  # 2 G = 273 098
        (D(2026, 6, 1), D(1957, 1, 15), 273_098, "met"),
    ],
)
def test_minimum_income_either_side_of_the_new_minimum_income_g(
    first_day: dt.date, birth_date: dt.date, income: float, expected: str
) -> None:
    result = run(
        [period(first_day, days(first_day, 30))], birth_date=birth_date, yearly_income=income
    )
    assert status(result, "minimum_income") == expected


# --- The input format -----------------------------------------------------------------------


def _application(facts: dict[str, Any], claim_date: str = "2025-06-02") -> Any:
    document = {"benefit": "sykepenger", "claim_date": claim_date, "facts": facts}
    return parse_application(json.dumps(document))


def test_periods_are_read_with_their_grade() -> None:
    application = _application(
        {"sick_leave_periods": [{"from": "2025-06-02", "to": "2025-06-30", "grade": 60}]}
    )
    assert application.facts["sick_leave_periods"] == [
        {"from": D(2025, 6, 2), "to": D(2025, 6, 30), "grade": 60.0}
    ]


@pytest.mark.parametrize(
    ("periods", "claim_date", "problem"),
    [
        ([], "2025-06-02", ("facts.sick_leave_periods", "must hold at least one period")),
        (
            [
                {"from": "2025-06-02", "to": "2025-06-20", "grade": 100},
                {"from": "2025-06-20", "to": "2025-06-30", "grade": 50},
            ],
            "2025-06-02",
            ("facts.sick_leave_periods", "overlap"),
        ),
        (
            [{"from": "2025-06-03", "to": "2025-06-30", "grade": 100}],
            "2025-06-02",
            ("facts.sick_leave_periods", "after the claim date"),
        ),
        (
            [{"from": "2025-06-02", "to": "2025-06-30", "grade": 101}],
            "2025-06-02",
            ("facts.sick_leave_periods.0.grade", "must be at most 100"),
        ),
        (
            [{"from": "2025-06-02", "to": "2025-06-30"}],
            "2025-06-02",
            ("facts.sick_leave_periods.0.grade", "is required"),
        ),
        (
            [{"from": "2025-06-30", "to": "2025-06-02", "grade": 100}],
            "2025-06-30",
            ("facts.sick_leave_periods.0", "'to' is before 'from'"),
        ),
        (
            [{"from": "1800-01-01", "to": "2025-06-02", "grade": 100}],
            "2025-06-02",
            ("facts.sick_leave_periods.0", "must lie between"),
        ),
    ],
)
def test_bad_periods_are_refused_naming_the_field(
    periods: list[dict[str, Any]], claim_date: str, problem: tuple[str, str]
) -> None:
    with pytest.raises(InputError) as raised:
        _application({"sick_leave_periods": periods}, claim_date)
    field, words = problem
    assert any(f == field and words in text for f, text in raised.value.problems), (
        raised.value.problems
    )


def test_a_revurdering_may_be_assessed_after_the_first_day() -> None:
    application = _application(
        {"sick_leave_periods": [{"from": "2025-06-02", "to": "2025-07-30", "grade": 100}]},
        claim_date="2025-07-01",
    )
    assert application.claim_date == D(2025, 7, 1)
