"""Sykepenger (folketrygdloven chapter 8): conditions, amounts and the maksdato.

G is 124 028 kr from 2024-05-01 and 130 160 kr from 2025-05-01; the G for minimum-income
tests changes to 130 160 kr on 2025-06-02. So on the usual assessment date 2025-06-02 (a
Monday) 0.5 G = 65 080 kr, 2 G = 260 320 kr and 6 G = 780 960 kr. The
employer pays 2025-06-02 to 2025-06-17; NAV pays from 2025-06-18.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from trygd.rules.assessment import Ruleset, assess, default_ruleset
from trygd.rules.benefits.sykepenger.rules import SYKEPENGER
from trygd.rules.benefits.sykepenger.rules import derive as derive_with
from trygd.rules.declarations import Outcome
from trygd.rules.evaluation import evaluate_many
from trygd.rules.formatting import LANGUAGES
from trygd.rules.parameters import ParameterError, load_default
from trygd.rules.texts import check_complete

D = dt.date
AT = D(2025, 6, 2)


def derive(raw: dict[str, Any], at: dt.date) -> dict[str, Any]:
    """The derived facts with the shipped parameters on `at`, as `assess` derives them."""
    return derive_with(raw, at, default_ruleset().params(SYKEPENGER, at))


def facts(**changes: Any) -> dict[str, Any]:
    """Lisa (brochure example 1): works in a grocery shop in Oslo, has broken her leg."""
    base: dict[str, Any] = {
        "birth_date": D(1990, 3, 1),
        "folketrygd_member": True,
        "days_in_work": 400,
        "incapacity_due_to_illness": True,
        "loses_pensionable_income": True,
        "yearly_income": 420_000,
        "sick_leave_grade": 100,
        "sick_leave_history": [],
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def status(assessment: Any, rule: str) -> str:
    for result in (*assessment.conditions, *assessment.calculations):
        if result.id == f"sykepenger.{rule}":
            return str(result.status)
    raise KeyError(rule)


def value(assessment: Any, rule: str, name: str) -> Any:
    for result in (*assessment.conditions, *assessment.calculations):
        if result.id == f"sykepenger.{rule}":
            return result.values[name]
    raise KeyError(rule)


def missing(assessment: Any, rule: str) -> tuple[str, ...]:
    for result in (*assessment.conditions, *assessment.calculations):
        if result.id == f"sykepenger.{rule}":
            return tuple(result.missing_facts)
    raise KeyError(rule)


# --- Worked cases S1-S9 (shared/rules/test-cases.md) -------------------------------------


@pytest.mark.parametrize(
    ("case", "at", "daily_basis"),
    [
        ("S1: 6 G on 2019-05-01: 599 148 / 260", D(2019, 5, 1), 2304),
        ("S2: 6 G on 2019-04-30: 581 298 / 260", D(2019, 4, 30), 2236),
    ],
)
def test_s1_s2_daily_basis_at_6g(case: str, at: dt.date, daily_basis: int) -> None:
    result = assess("sykepenger", facts(yearly_income=1_000_000), at)
    assert result.amounts["daily_basis"] == daily_basis, case


def test_s3_income_above_6g_is_capped() -> None:
    result = assess("sykepenger", facts(yearly_income=900_000), AT)
    assert result.outcome is Outcome.GRANTED
    assert result.amounts["basis"] == 780_960
    assert result.amounts["daily_basis"] == 3004
    assert result.amounts["daily_payment"] == 3004


def test_s4_graded_50_percent() -> None:
    result = assess("sykepenger", facts(yearly_income=900_000, sick_leave_grade=50), AT)
    assert result.outcome is Outcome.GRANTED
    assert result.amounts["daily_payment"] == 1502


def test_s5_income_below_half_g() -> None:
    result = assess("sykepenger", facts(birth_date=D(1985, 1, 1), yearly_income=60_000), AT)
    assert result.outcome is Outcome.REJECTED
    assert result.failing_conditions == ("sykepenger.minimum_income",)
    assert value(result, "minimum_income", "income_threshold") == 65_080


def test_s6_age_68_income_below_2g() -> None:
    result = assess("sykepenger", facts(birth_date=D(1957, 1, 15), yearly_income=250_000), AT)
    assert result.outcome is Outcome.REJECTED
    assert result.failing_conditions == ("sykepenger.minimum_income",)
    assert value(result, "minimum_income", "income_threshold") == 260_320


def test_s7_age_68_gets_at_most_60_days() -> None:
    result = assess("sykepenger", facts(birth_date=D(1957, 1, 15), yearly_income=400_000), AT)
    assert result.outcome is Outcome.GRANTED
    assert value(result, "maksdato", "days_left_after_67") == 60
    # 60 weekdays from Wednesday 2025-06-18: the 60th is Tuesday 2025-09-09.
    assert result.amounts["maksdato"] == D(2025, 9, 9)
    assert np.busday_count(D(2025, 6, 18), D(2025, 9, 10)) == 60


def test_s8_work_ability_reduced_15_percent() -> None:
    result = assess("sykepenger", facts(sick_leave_grade=15), AT)
    assert result.outcome is Outcome.REJECTED
    assert result.failing_conditions == ("sykepenger.minimum_grade",)


# S9: 248 sykepengedager used from Monday 2023-01-02 to Wednesday 2023-12-13, then fit.
USED_UP = [{"from": D(2023, 1, 2), "to": D(2023, 12, 13)}]


def law_reading() -> Ruleset:
    """The 26 weeks counted by the law's words ("helt arbeidsfør"), not as NAV counts them."""
    return reformed("reset_counts_nav_practice", 0, since=D(1997, 5, 1))


@pytest.mark.parametrize(
    ("description", "ill_again", "outcome", "used"),
    [
        ("S9: fit for 181 days: no new right", D(2024, 6, 12), Outcome.REJECTED, 248),
        ("fit for exactly 182 days (26 weeks): new right", D(2024, 6, 13), Outcome.GRANTED, 0),
        ("fit for 183 days: new right", D(2024, 6, 14), Outcome.GRANTED, 0),
    ],
)
def test_s9_26_weeks_fully_fit_by_the_laws_words(
    description: str, ill_again: dt.date, outcome: Outcome, used: int
) -> None:
    """The law's reading (parameter 0): only the days at work before the new sick leave
    count; its arbeidsgiverperiode is passed over (§ 8-12 second paragraph)."""
    assert np.busday_count(D(2023, 1, 2), D(2023, 12, 14)) == 248
    result = assess(
        "sykepenger", facts(sick_leave_history=USED_UP), ill_again, ruleset=law_reading()
    )
    assert result.outcome is outcome, description
    assert value(result, "maksdato", "days_left") == 248 - used
    if outcome is Outcome.REJECTED:
        assert result.failing_conditions == ("sykepenger.maximum_period",)


@pytest.mark.parametrize(
    ("description", "ill_again", "outcome", "used"),
    [
        (
            "165 days at work + 16 employer days = 181: no new right",
            D(2024, 5, 27),
            Outcome.REJECTED,
            248,
        ),
        (
            "166 days at work + 16 employer days = 182: new right",
            D(2024, 5, 28),
            Outcome.GRANTED,
            0,
        ),
        (
            "S9 in NAV's practice: 181 days at work + 16 = 197: new right",
            D(2024, 6, 12),
            Outcome.GRANTED,
            0,
        ),
    ],
)
def test_s9_26_weeks_without_sykepenger_as_nav_counts_them(
    description: str, ill_again: dt.date, outcome: Outcome, used: int
) -> None:
    """NAV's practice (the default): 182 days without sykepenger, the new arbeidsgiverperiode
    counted (navikt/helse-spleis, MaksdatoberegningTest, "ny maksdato dersom 182 dager frisk
    - nav utbetaler arbeidsgiverperioden": 166 days at work and 16 employer days)."""
    result = assess("sykepenger", facts(sick_leave_history=USED_UP), ill_again)
    assert result.outcome is outcome, description
    assert value(result, "maksdato", "days_left") == 248 - used
    if outcome is Outcome.REJECTED:
        # The maksdato stays the day the last sykepengedag was used.
        assert result.amounts["maksdato"] == D(2023, 12, 13)
        assert result.amounts["first_refused_day"] == ill_again + dt.timedelta(days=16)


# --- Examples from the brochure -----------------------------------------------------------


def test_lisa_broken_leg_is_granted() -> None:
    result = assess("sykepenger", facts(), AT)
    assert result.outcome is Outcome.GRANTED
    assert result.amounts == {
        "basis": 420_000,
        "daily_basis": 1615,  # 420 000 / 260 = 1 615.38
        "daily_payment": 1615,
        "employer_period_end": D(2025, 6, 17),
        "first_payment_day": D(2025, 6, 18),
        "maksdato": D(2026, 5, 29),
        "days_used": 0,
        "days_remaining": 248,
        "first_refused_day": D(2026, 6, 1),
    }


def test_truls_new_nurse_has_not_worked_four_weeks() -> None:
    result = assess("sykepenger", facts(birth_date=D(2000, 8, 20), days_in_work=0), AT)
    assert result.outcome is Outcome.REJECTED
    assert result.failing_conditions == ("sykepenger.earning_period",)
    explanation = result.conditions[2].explanation
    assert "28 dager" in explanation


def test_graded_sick_leave_50_percent() -> None:
    result = assess("sykepenger", facts(sick_leave_grade=50), AT)
    assert result.outcome is Outcome.GRANTED
    assert result.amounts["daily_payment"] == 808  # 1 615 x 0.5 = 807.5, rounded up


# --- Boundaries ---------------------------------------------------------------------------

BIRTH = D(1960, 6, 10)  # 67 on 2027-06-10, 70 on 2030-06-10 (a Monday)


@pytest.mark.parametrize(
    ("description", "at", "expected"),
    [
        ("day before the 70th birthday: last possible day", D(2030, 6, 9), "met"),
        ("the 70th birthday", D(2030, 6, 10), "not_met"),
        ("day after the 70th birthday", D(2030, 6, 11), "not_met"),
    ],
)
def test_age_70(description: str, at: dt.date, expected: str) -> None:
    result = assess("sykepenger", facts(birth_date=BIRTH, yearly_income=500_000), at)
    assert status(result, "age") == expected, description
    assert value(result, "age", "last_day_by_age") == D(2030, 6, 9)


@pytest.mark.parametrize(
    ("days", "expected"),
    [(27, "not_met"), (28, "met"), (29, "met")],
)
def test_earning_period_four_weeks(days: int, expected: str) -> None:
    assert status(assess("sykepenger", facts(days_in_work=days), AT), "earning_period") == expected


@pytest.mark.parametrize(
    ("description", "birth_date", "income", "expected"),
    [
        ("under 67: one krone below 0.5 G", D(1990, 3, 1), 65_079, "not_met"),
        ("under 67: exactly 0.5 G", D(1990, 3, 1), 65_080, "met"),
        ("under 67: one krone above 0.5 G", D(1990, 3, 1), 65_081, "met"),
        ("age 68: one krone below 2 G", D(1957, 1, 15), 260_319, "not_met"),
        ("age 68: exactly 2 G (NAV: 'minst')", D(1957, 1, 15), 260_320, "met"),
        ("age 68: one krone above 2 G", D(1957, 1, 15), 260_321, "met"),
    ],
)
def test_minimum_income(description: str, birth_date: dt.date, income: int, expected: str) -> None:
    result = assess("sykepenger", facts(birth_date=birth_date, yearly_income=income), AT)
    assert status(result, "minimum_income") == expected, description


@pytest.mark.parametrize(
    ("description", "at", "threshold"),
    [
        ("day before the 67th birthday: 0.5 G", D(2025, 6, 9), 65_080),
        ("the 67th birthday itself: still 0.5 G", D(2025, 6, 10), 65_080),
        ("day after the 67th birthday: 2 G", D(2025, 6, 11), 260_320),
    ],
)
def test_higher_income_requirement_from_the_day_after_the_67th_birthday(
    description: str, at: dt.date, threshold: int
) -> None:
    result = assess("sykepenger", facts(birth_date=D(1958, 6, 10), yearly_income=100_000), at)
    assert value(result, "minimum_income", "income_threshold") == threshold, description


@pytest.mark.parametrize(
    ("description", "at", "expected"),
    [
        ("minimum-income G 124 028 on 2025-05-01: 0.5 G = 62 014", D(2025, 5, 1), "met"),
        ("minimum-income G 124 028 on 2025-06-01: 0.5 G = 62 014", D(2025, 6, 1), "met"),
        ("minimum-income G 130 160 on 2025-06-02: 0.5 G = 65 080", D(2025, 6, 2), "not_met"),
    ],
)
def test_the_minimum_income_g_changes_when_nav_puts_it_into_use(
    description: str, at: dt.date, expected: str
) -> None:
    """§ 8-3 andre ledd is measured against the G for minimum-income tests (spleis
    `Grunnbeløp.kt`), which NAV put into use on 2025-06-02, not on 1 May."""
    result = assess("sykepenger", facts(yearly_income=63_000), at)
    assert status(result, "minimum_income") == expected, description


UNDER_67 = D(1990, 3, 1)
AGE_69 = D(1957, 1, 15)


@pytest.mark.parametrize(
    ("at", "birth_date", "income", "threshold", "expected"),
    [
        # Between 1 May and 1 June 2026: G is 136 549, but the minimum-income G is still
        # 130 160, so 0.5 G = 65 080 and 2 G = 260 320.
        (D(2026, 5, 15), UNDER_67, 65_079, 65_080, "not_met"),
        (D(2026, 5, 15), UNDER_67, 65_080, 65_080, "met"),
        (D(2026, 5, 15), UNDER_67, 65_081, 65_080, "met"),
        (D(2026, 5, 31), UNDER_67, 65_080, 65_080, "met"),
        (D(2026, 5, 31), UNDER_67, 65_079, 65_080, "not_met"),
        (D(2026, 5, 31), AGE_69, 260_320, 260_320, "met"),
        (D(2026, 5, 31), AGE_69, 260_319, 260_320, "not_met"),
        (D(2026, 5, 15), AGE_69, 260_319, 260_320, "not_met"),
        (D(2026, 5, 15), AGE_69, 260_320, 260_320, "met"),
        (D(2026, 5, 15), AGE_69, 260_321, 260_320, "met"),
        # From 1 June 2026 the minimum-income G is 136 549: 0.5 G = 68 274.50, 2 G = 273 098.
        (D(2026, 6, 1), UNDER_67, 65_080, 68_274.5, "not_met"),
        (D(2026, 6, 1), UNDER_67, 68_273.5, 68_274.5, "not_met"),
        (D(2026, 6, 1), UNDER_67, 68_274, 68_274.5, "not_met"),
        (D(2026, 6, 1), UNDER_67, 68_274.5, 68_274.5, "met"),
        (D(2026, 6, 1), UNDER_67, 68_275.5, 68_274.5, "met"),
        (D(2026, 6, 15), UNDER_67, 68_275, 68_274.5, "met"),
        (D(2026, 6, 1), AGE_69, 273_097, 273_098, "not_met"),
        (D(2026, 6, 1), AGE_69, 273_098, 273_098, "met"),
        (D(2026, 6, 1), AGE_69, 273_099, 273_098, "met"),
    ],
)
def test_minimum_income_uses_the_minimum_income_g_of_2026(
    at: dt.date, birth_date: dt.date, income: float, threshold: float, expected: str
) -> None:
    result = assess("sykepenger", facts(birth_date=birth_date, yearly_income=income), at)
    assert value(result, "minimum_income", "income_threshold") == threshold
    assert status(result, "minimum_income") == expected


def test_the_6_g_cap_uses_the_ordinary_g_from_1_may() -> None:
    """On 2026-05-15 the threshold still uses last year's G, but the cap uses the new one."""
    result = assess("sykepenger", facts(yearly_income=900_000), D(2026, 5, 15))
    assert value(result, "basis", "basis_cap") == 6 * 136_549
    assert result.amounts["basis"] == 819_294
    used = {p.name: p.value for p in result.parameters}
    assert used["common.grunnbelop"] == 136_549
    assert used["common.grunnbelop_minimum_income"] == 130_160


def test_the_explanations_name_both_g_values() -> None:
    for language, g_minimum_income, g in (
        ("nb", "130 160 kr", "136 549 kr"),
        ("en", "NOK 130,160", "NOK 136,549"),
    ):
        result = assess("sykepenger", facts(), D(2026, 5, 15), language=language)
        minimum = next(r for r in result.conditions if r.id == "sykepenger.minimum_income")
        basis = next(r for r in result.calculations if r.id == "sykepenger.basis")
        assert g_minimum_income in minimum.explanation.replace("\xa0", " ")
        assert g in basis.explanation.replace("\xa0", " ")


@pytest.mark.parametrize(("grade", "expected"), [(19, "not_met"), (20, "met"), (21, "met")])
def test_minimum_grade_20_percent(grade: int, expected: str) -> None:
    assert status(assess("sykepenger", facts(sick_leave_grade=grade), AT), "minimum_grade") == (
        expected
    )


@pytest.mark.parametrize(
    ("income", "basis"),
    [(780_959, 780_959), (780_960, 780_960), (780_961, 780_960)],
)
def test_basis_cap_6g(income: int, basis: int) -> None:
    assert assess("sykepenger", facts(yearly_income=income), AT).amounts["basis"] == basis


@pytest.mark.parametrize(
    ("description", "income", "grade", "daily_basis", "daily_payment"),
    [
        ("1 000.496 rounds down", 260_129, 100, 1000, 1000),
        ("1 000.5 rounds up (half up)", 260_130, 100, 1001, 1001),
        ("half of 1 001 = 500.5 rounds up", 260_130, 50, 1001, 501),
        ("33 % of 3 004 = 991.32", 900_000, 33, 3004, 991),
    ],
)
def test_rounding_to_whole_kroner(
    description: str, income: int, grade: int, daily_basis: int, daily_payment: int
) -> None:
    result = assess("sykepenger", facts(yearly_income=income, sick_leave_grade=grade), AT)
    assert result.amounts["daily_basis"] == daily_basis, description
    assert result.amounts["daily_payment"] == daily_payment, description


def test_annual_amount_is_260_daily_payments() -> None:
    result = assess("sykepenger", facts(yearly_income=900_000, sick_leave_grade=50), AT)
    assert result.calculations[-1].values["annual_amount"] == 1502 * 260


def test_employer_period_and_first_day_nav_pays() -> None:
    """Without sick-leave periods the arbeidsgiverperiode is the 16 days from `at`."""
    result = assess("sykepenger", facts(), AT)
    assert result.amounts["employer_period_end"] == D(2025, 6, 17)
    assert result.amounts["first_payment_day"] == D(2025, 6, 18)  # day 17
    assert status(result, "beyond_employer_period") == "met"


def test_parameters_exist_from_the_act_coming_into_force() -> None:
    assert assess("sykepenger", facts(), D(1997, 5, 1)).outcome is Outcome.GRANTED
    with pytest.raises(ParameterError):
        assess("sykepenger", facts(), D(1997, 4, 30))


# --- Maksdato -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "history", "outcome", "maksdato", "refused"),
    [
        (
            "247 days used: one day left, the first day NAV pays",
            [{"from": D(2024, 6, 20), "to": D(2025, 5, 30)}],
            Outcome.GRANTED,
            D(2025, 6, 18),
            D(2025, 6, 19),
        ),
        (
            "248 days used: none left; the maksdato is the day the last one was used",
            [{"from": D(2024, 6, 19), "to": D(2025, 5, 30)}],
            Outcome.REJECTED,
            D(2025, 5, 30),
            D(2025, 6, 18),
        ),
    ],
)
def test_maximum_248_days(
    description: str,
    history: list[dict[str, Any]],
    outcome: Outcome,
    maksdato: dt.date,
    refused: dt.date,
) -> None:
    """When the quota is used up, the maksdato stays the day the last quota day was used, not
    a day computed from the new sick leave (shared/rules/corrections-2026-12.md)."""
    result = assess("sykepenger", facts(sick_leave_history=history), AT)
    assert result.outcome is outcome, description
    assert result.amounts["maksdato"] == maksdato, description
    assert result.amounts["first_refused_day"] == refused, description


def test_maksdato_counts_weekdays_only() -> None:
    # Two weeks paid in March 2025 (10 weekdays, weekends not counted).
    history = [{"from": D(2025, 3, 3), "to": D(2025, 3, 16)}]
    result = assess("sykepenger", facts(sick_leave_history=history), AT)
    assert value(result, "maksdato", "days_left") == 238
    assert result.amounts["maksdato"] == D(2026, 5, 15)  # 10 weekdays before 2026-05-29


@pytest.mark.parametrize(
    ("description", "days_after_67", "outcome"),
    [("59 of 60 days used", 59, Outcome.GRANTED), ("60 of 60 days used", 60, Outcome.REJECTED)],
)
def test_60_days_after_67(description: str, days_after_67: int, outcome: Outcome) -> None:
    # Born 1957-06-10: 67 on 2024-06-10. Paid 59 or 60 weekdays from 2025-03-03.
    last = np.busday_offset(D(2025, 3, 3), days_after_67 - 1).astype(dt.date)
    history = [{"from": D(2025, 3, 3), "to": last}]
    result = assess(
        "sykepenger",
        facts(birth_date=D(1957, 6, 10), yearly_income=400_000, sick_leave_history=history),
        AT,
    )
    assert result.outcome is outcome, description
    assert value(result, "maksdato", "days_left_after_67") == 60 - days_after_67


def test_days_before_the_67th_birthday_do_not_count_towards_the_60() -> None:
    # Born 1957-06-10 (67 on Monday 2024-06-10). Paid Monday 2024-06-03 to Friday 2024-06-21:
    # 15 weekdays, of which 9 from 2024-06-11. Ill again 2024-08-01; NAV pays from Saturday
    # 2024-08-17, so the first weekday is Monday 2024-08-19; 51 days are left.
    history = [{"from": D(2024, 6, 3), "to": D(2024, 6, 21)}]
    flat = derive(facts(birth_date=D(1957, 6, 10), sick_leave_history=history), D(2024, 8, 1))
    assert flat["sick_days_used"] == 15
    assert flat["sick_days_used_after_67"] == 9
    result = assess(
        "sykepenger",
        facts(birth_date=D(1957, 6, 10), yearly_income=400_000, sick_leave_history=history),
        D(2024, 8, 1),
    )
    assert result.outcome is Outcome.GRANTED
    assert result.amounts["maksdato"] == D(2024, 10, 28)


def test_spleis_example_60_days_counted_from_the_day_after_the_67th_birthday() -> None:
    # navikt/helse-spleis subsumsjon test for § 8-51 third paragraph: born 1951-02-01, ill from
    # 2018-01-01; the maksdato is 2018-04-26.
    result = assess(
        "sykepenger",
        facts(birth_date=D(1951, 2, 1), yearly_income=400_000),
        D(2018, 1, 1),
    )
    assert result.amounts["maksdato"] == D(2018, 4, 26)


@pytest.mark.parametrize(
    ("description", "at", "outcome", "maksdato"),
    [
        (
            "ill four weeks before turning 70 (Monday 2030-06-10)",
            D(2030, 5, 13),
            Outcome.GRANTED,
            D(2030, 6, 7),
        ),
        ("NAV would start on the 70th birthday", D(2030, 5, 25), Outcome.REJECTED, D(2030, 6, 7)),
    ],
)
def test_maksdato_never_on_or_after_the_70th_birthday(
    description: str, at: dt.date, outcome: Outcome, maksdato: dt.date
) -> None:
    result = assess("sykepenger", facts(birth_date=BIRTH, yearly_income=500_000), at)
    assert result.outcome is outcome, description
    assert result.amounts["maksdato"] == maksdato, description


def test_history_gaps_of_26_weeks_reset_the_count() -> None:
    history = [
        {"from": D(2022, 1, 3), "to": D(2022, 6, 30)},  # then 200 days without sykepenger
        {"from": D(2023, 1, 17), "to": D(2023, 1, 30)},  # 10 weekdays
        {"from": D(2023, 5, 1), "to": D(2023, 5, 5)},  # 5 weekdays, gap under 26 weeks
        {"from": D(2023, 5, 3), "to": D(2023, 5, 12)},  # overlaps; adds 5 weekdays
    ]
    assert derive({"sick_leave_history": history}, D(2023, 8, 1))["sick_days_used"] == 20


def test_history_after_the_new_incapacity_is_ignored() -> None:
    history = [{"from": D(2025, 5, 26), "to": D(2025, 6, 13)}]
    assert derive({"sick_leave_history": history}, AT)["sick_days_used"] == 5


def test_days_leaving_the_three_year_window_make_the_maksdato_undetermined() -> None:
    # Two paid weeks every 120 days for three and a half years: no gap of 26 weeks, so all
    # days within three years count, and the oldest of them leave the window while the new
    # period runs.
    history = []
    start = D(2021, 12, 6)
    while start < D(2025, 5, 1):
        history.append({"from": start, "to": start + dt.timedelta(days=11)})
        start += dt.timedelta(days=120)
    result = assess("sykepenger", facts(sick_leave_history=history), AT)
    assert result.outcome is Outcome.MANUAL
    assert missing(result, "maksdato") == ("used_days_stay_in_window",)
    assert status(result, "maximum_period") == "undetermined"
    assert "sykepenger.maksdato" in result.undetermined


def test_recent_history_stays_in_the_window() -> None:
    history = [{"from": D(2024, 9, 2), "to": D(2024, 12, 20)}]
    flat = derive({"sick_leave_history": history}, AT)
    assert flat["used_days_stay_in_window"] is True
    assert flat["sick_days_used"] == 80


def test_a_false_window_flag_given_directly_counts_as_unknown() -> None:
    flat = derive({"sick_days_used": 3, "used_days_stay_in_window": False}, AT)
    assert "used_days_stay_in_window" not in flat
    assert flat["sick_days_used"] == 3


# --- Missing facts and explanations -------------------------------------------------------


@pytest.mark.parametrize(
    ("left_out", "rule"),
    [
        ("yearly_income", "minimum_income"),
        ("birth_date", "age"),
        ("days_in_work", "earning_period"),
        ("sick_leave_grade", "minimum_grade"),
        ("folketrygd_member", "membership"),
    ],
)
def test_missing_fact_makes_the_rule_undetermined(left_out: str, rule: str) -> None:
    result = assess("sykepenger", facts(**{left_out: None}), AT)
    assert result.outcome is Outcome.MANUAL
    assert status(result, rule) == "undetermined"
    assert left_out in missing(result, rule)


def test_without_a_history_the_maksdato_is_undetermined() -> None:
    result = assess("sykepenger", facts(sick_leave_history=None), AT)
    assert result.outcome is Outcome.MANUAL
    assert "sick_days_used" in missing(result, "maksdato")
    assert "sykepenger.maximum_period" in result.undetermined
    assert result.amounts["daily_payment"] == 1615


def test_texts_are_complete_and_render_in_every_language() -> None:
    assert check_complete(SYKEPENGER) == []
    for language in LANGUAGES:
        for case in (facts(), facts(days_in_work=3, sick_leave_grade=10, yearly_income=1)):
            result = assess("sykepenger", case, AT, language=language)
            for rule in (*result.conditions, *result.calculations):
                assert rule.explanation and "{" not in rule.explanation


# --- The population path gives the same as one assessment ---------------------------------

PERSONS = [
    facts(),
    facts(yearly_income=900_000, sick_leave_grade=50),
    facts(birth_date=D(1957, 1, 15), yearly_income=250_000),
    facts(birth_date=D(1957, 1, 15), yearly_income=400_000),
    facts(days_in_work=10),
    facts(sick_leave_history=USED_UP),
    facts(birth_date=D(1955, 6, 20), yearly_income=500_000),  # turns 70 during the period
]


def test_population_path_agrees_with_single_assessments() -> None:
    flat = [derive(person, AT) for person in PERSONS]
    columns = {
        fact.name: np.array(
            [person[fact.name] for person in flat],
            dtype="datetime64[D]" if fact.kind == "date" else None,
        )
        for fact in SYKEPENGER.facts
    }
    params = default_ruleset().params(SYKEPENGER, AT)
    population = evaluate_many(SYKEPENGER, columns, params, AT)
    for index, person in enumerate(PERSONS):
        single = assess("sykepenger", person, AT)
        assert population.outcomes()[index] is single.outcome
        for name in ("basis", "daily_basis", "daily_payment"):
            assert population.values[name][index] == single.amounts[name]
        for name in ("first_payment_day", "maksdato"):
            day = np.asarray(population.values[name], dtype="datetime64[D]")[index]
            assert day == np.datetime64(single.amounts[name], "D")
        assert population.values["annual_amount"][index] == single.amounts["daily_payment"] * 260


REFORM_FROM = D(2025, 1, 1)


def reformed(name: str, value: float, since: dt.date = REFORM_FROM) -> Ruleset:
    reform = {
        "parameters": {
            f"sykepenger.{name}": {
                "values": [{"from": since, "value": value, "source": "test reform"}]
            }
        }
    }
    return Ruleset(load_default().with_reform(reform, f"{name} {value}"))


def derived(assessment: Any) -> dict[str, Any]:
    maksdato = next(r for r in assessment.calculations if r.id == "sykepenger.maksdato")
    return dict(maksdato.facts_used)


def test_a_reform_of_the_three_year_window_reaches_the_derived_facts() -> None:
    """Four short periods about 20 weeks apart (no 26-week reset): 40 days in three years,
    20 of them in the last year. The summary of the history reads the reform's window."""
    history = [
        {"from": D(2023, 10, 2), "to": D(2023, 10, 13)},
        {"from": D(2024, 3, 4), "to": D(2024, 3, 15)},
        {"from": D(2024, 8, 5), "to": D(2024, 8, 16)},
        {"from": D(2025, 1, 6), "to": D(2025, 1, 17)},
    ]
    baseline = assess("sykepenger", facts(sick_leave_history=history), AT)
    assert derived(baseline)["sick_days_used"] == 40
    assert value(baseline, "maksdato", "days_left") == 208
    one_year = assess(
        "sykepenger",
        facts(sick_leave_history=history),
        AT,
        ruleset=reformed("lookback_years", 1),
    )
    assert derived(one_year)["sick_days_used"] == 20
    # Days still counted could leave a one-year window before the maksdato: undetermined.
    assert derived(one_year)["used_days_stay_in_window"] is None
    assert "sykepenger.maksdato" in one_year.undetermined


def test_a_reform_of_the_248_days_reaches_the_derived_facts() -> None:
    """30 days used, the first on 2023-03-06. With 248 days the latest maksdato is in April
    2026, so the first days could leave the three-year window before it (undetermined); with
    200 days it is in February 2026 and every counted day stays in the window."""
    history = [
        {"from": D(2023, 3, 6), "to": D(2023, 3, 10)},
        {"from": D(2023, 8, 7), "to": D(2023, 8, 11)},
        {"from": D(2024, 1, 8), "to": D(2024, 1, 12)},
        {"from": D(2024, 6, 3), "to": D(2024, 6, 7)},
        {"from": D(2024, 11, 4), "to": D(2024, 11, 8)},
        {"from": D(2025, 4, 7), "to": D(2025, 4, 11)},
    ]
    baseline = assess("sykepenger", facts(sick_leave_history=history), AT)
    assert derived(baseline)["used_days_stay_in_window"] is None
    assert baseline.amounts["maksdato"] is None
    shorter = assess(
        "sykepenger", facts(sick_leave_history=history), AT, ruleset=reformed("max_days", 200)
    )
    assert derived(shorter)["sick_days_used"] == 30
    assert derived(shorter)["used_days_stay_in_window"] is True
    assert value(shorter, "maksdato", "days_left") == 170
    assert shorter.amounts["maksdato"] == D(2026, 2, 10)
