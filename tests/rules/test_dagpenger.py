"""Dagpenger (ftrl. chapter 4) at every threshold, one krone, hour or day either side.

Worked cases D1–D9 are from shared/rules/test-cases.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from trygd.rules.assessment import Assessment, assess, default_ruleset
from trygd.rules.benefits.dagpenger import DAGPENGER
from trygd.rules.evaluation import evaluate_many

BASE: dict[str, Any] = {
    "birth_date": dt.date(1980, 5, 5),
    "stays_in_norway": True,
    "income_12m": 400_000,
    "income_36m": 1_200_000,
    "normal_working_hours": 37.5,
    "current_working_hours": 0,
    "registered_job_seeker": True,
    "genuine_job_seeker": True,
    "self_inflicted_unemployment": False,
    "children": 0,
}
JUNE_2025 = dt.date(2025, 6, 10)


def run(at: dt.date = JUNE_2025, **changes: Any) -> Assessment:
    return assess("dagpenger", {**BASE, **changes}, at, language="en")


def status(result: Assessment, condition: str) -> str:
    return next(c.status for c in result.conditions if c.id == f"dagpenger.{condition}")


@pytest.mark.parametrize(
    ("income_12m", "income_36m", "expected", "why"),
    [
        (195_239, 390_479, "not_met", "one krone below 1.5 G and 3 G (G 130 160)"),
        (195_240, 0, "met", "exactly 1.5 G in 12 months"),
        (195_241, 0, "met", "one krone above 1.5 G"),
        (0, 390_480, "met", "exactly 3 G in 36 months"),
        (0, 390_479, "not_met", "one krone below 3 G"),
        (190_000, 400_000, "met", "D4: 12 months fail, 36 months pass"),
    ],
)
def test_minimum_income_thresholds(
    income_12m: float, income_36m: float, expected: str, why: str
) -> None:
    result = run(income_12m=income_12m, income_36m=income_36m)
    assert status(result, "minimum_income") == expected, why


def test_new_g_applies_to_minimum_income_only_from_navs_date() -> None:
    """G 2025 took effect 1 May but NAV uses it for minsteinntekt from 2 June 2025."""
    assert (
        status(run(dt.date(2025, 6, 1), income_12m=190_000, income_36m=0), "minimum_income")
        == "met"
    )
    assert (
        status(run(dt.date(2025, 6, 2), income_12m=190_000, income_36m=0), "minimum_income")
        == "not_met"
    )


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (dt.date(2020, 3, 19), "not_met"),  # ordinary 1.5 G of 99 858 = 149 787
        (dt.date(2020, 3, 20), "met"),  # pandemic 0.75 G = 74 893.50 (D5)
        (dt.date(2020, 5, 1), "met"),
        (dt.date(2020, 10, 30), "met"),
        (dt.date(2020, 10, 31), "not_met"),
        (dt.date(2021, 2, 18), "not_met"),
        (dt.date(2021, 2, 19), "met"),
        (dt.date(2021, 9, 30), "met"),
        (dt.date(2021, 10, 1), "not_met"),
        (dt.date(2021, 12, 15), "met"),
        (dt.date(2022, 3, 31), "met"),
        (dt.date(2022, 4, 1), "not_met"),
    ],
)
def test_pandemic_minimum_income_by_claim_date(at: dt.date, expected: str) -> None:
    result = run(at, income_12m=80_000, income_36m=80_000)
    assert status(result, "minimum_income") == expected


@pytest.mark.parametrize(
    ("normal", "current", "expected"),
    [
        (40, 20, "met"),  # exactly 50 % lost
        (40, 20.1, "not_met"),
        (40, 19.9, "met"),
        (37.5, 18.75, "met"),
        (50, 20, "met"),  # usual hours count as at most 40
        (50, 21, "not_met"),  # 58 % of 50 hours but only 47.5 % of the 40 counted
        (0, 0, "not_met"),  # no working time to lose
    ],
)
def test_lost_working_time(normal: float, current: float, expected: str) -> None:
    result = run(normal_working_hours=normal, current_working_hours=current)
    assert status(result, "lost_working_time") == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (dt.date(2025, 9, 30), "met"),  # D9: last day of the month of the 67th birthday
        (dt.date(2025, 10, 1), "not_met"),
        (dt.date(2025, 9, 14), "met"),
    ],
)
def test_age_limit_is_the_end_of_the_month_of_the_67th_birthday(at: dt.date, expected: str) -> None:
    result = run(at, birth_date=dt.date(1958, 9, 14))
    assert status(result, "age") == expected
    age = next(c for c in result.conditions if c.id == "dagpenger.age")
    assert age.values["last_day_by_age"] == dt.date(2025, 9, 30)


def test_d1_daily_rate_and_weekly_amount() -> None:
    result = run(dt.date(2026, 3, 1), income_12m=400_000, income_36m=0)
    assert result.amounts["daily_rate"] == 960
    assert result.amounts["weekly_amount"] == 4_800
    assert result.amounts["egenandel"] == 2_880  # D8: three daily amounts


def test_d2_child_supplement_below_the_cap() -> None:
    result = run(dt.date(2026, 3, 1), income_12m=400_000, income_36m=0, children=2)
    assert result.amounts["total_daily"] == 1_036


def test_d3_the_90_percent_cap_cuts_the_rate_not_the_child_supplement() -> None:
    result = run(dt.date(2026, 3, 1), income_12m=100_000, income_36m=0, children=5)
    assert result.amounts["child_supplement"] == 190
    assert result.amounts["total_daily"] == 346
    calculation = next(c for c in result.calculations if c.id == "dagpenger.total_daily")
    assert calculation.values["reduced_daily_rate"] == 156


@pytest.mark.parametrize(
    ("at", "rate"),
    [
        (dt.date(2023, 1, 31), 17),
        (dt.date(2023, 2, 1), 35),
        (dt.date(2023, 12, 31), 35),
        (dt.date(2024, 1, 1), 36),
        (dt.date(2024, 12, 31), 36),
        (dt.date(2025, 1, 1), 37),
        (dt.date(2025, 12, 31), 37),
        (dt.date(2026, 1, 1), 38),
    ],
)
def test_child_supplement_by_date(at: dt.date, rate: float) -> None:
    assert run(at, children=1).amounts["child_supplement"] == rate


@pytest.mark.parametrize(
    ("income", "basis"),
    [(780_959, 780_959), (780_960, 780_960), (780_961, 780_960), (2_000_000, 780_960)],
)
def test_basis_is_capped_at_6g(income: float, basis: float) -> None:
    assert run(income_12m=income, income_36m=0).amounts["basis"] == basis


def test_basis_uses_the_36_month_average_when_higher() -> None:
    assert run(income_12m=300_000, income_36m=1_200_000).amounts["basis"] == 400_000


@pytest.mark.parametrize(
    ("income_12m", "income_36m", "weeks"),
    [
        (270_000, 0, 104),  # D6
        (260_320, 0, 104),  # exactly 2 G
        (260_319, 0, 52),
        (250_000, 720_000, 52),  # D7: average 240 000
        (0, 780_960, 104),  # average exactly 2 G
        (0, 780_957, 52),  # average one krone below 2 G
    ],
)
def test_period_length(income_12m: float, income_36m: float, weeks: int) -> None:
    assert run(income_12m=income_12m, income_36m=income_36m).amounts["period_weeks"] == weeks


@pytest.mark.parametrize(
    ("at", "weeks"),
    [(dt.date(2020, 12, 31), 12), (dt.date(2021, 1, 1), 18), (JUNE_2025, 18)],
)
def test_waiting_period_for_self_inflicted_unemployment(at: dt.date, weeks: int) -> None:
    assert run(at, self_inflicted_unemployment=True).amounts["quarantine_weeks"] == weeks
    assert run(at, self_inflicted_unemployment=False).amounts["quarantine_weeks"] == 0


def test_a_missing_fact_makes_its_condition_undetermined_and_the_case_manual() -> None:
    facts = {k: v for k, v in BASE.items() if k != "registered_job_seeker"}
    result = assess("dagpenger", facts, JUNE_2025, language="nb")
    assert result.outcome.value == "manual_assessment"
    assert result.undetermined == ("dagpenger.registered_job_seeker",)
    condition = next(c for c in result.conditions if c.status == "undetermined")
    assert condition.missing_facts == ("registered_job_seeker",)
    assert "registrering som arbeidssøker" in condition.explanation


def test_a_failed_condition_rejects_and_is_named_even_with_other_facts_missing() -> None:
    facts = {k: v for k, v in BASE.items() if k != "children"}
    result = assess("dagpenger", {**facts, "stays_in_norway": False}, JUNE_2025)
    assert result.outcome.value == "rejected"
    assert result.failing_conditions == ("dagpenger.stay_in_norway",)


def test_explanation_shows_the_actual_values_in_each_language() -> None:
    facts = {**BASE, "income_12m": 180_000, "income_36m": 0}
    nb = assess("dagpenger", facts, JUNE_2025, language="nb")
    text = next(c.explanation for c in nb.conditions if c.id == "dagpenger.minimum_income")
    assert "180\u00a0000\u00a0kr" in text and "1,5 G" in text and "195\u00a0240\u00a0kr" in text
    en = assess("dagpenger", facts, JUNE_2025, language="en")
    text = next(c.explanation for c in en.conditions if c.id == "dagpenger.minimum_income")
    assert "NOK\u00a0195,240" in text


def test_the_result_records_the_parameters_and_rule_set_version() -> None:
    result = run()
    names = {p.name: p for p in result.parameters}
    assert names["dagpenger.min_income_factor_12m"].value == 1.5
    assert names["common.grunnbelop"].value == 130_160
    assert result.ruleset_version == default_ruleset().version


def test_population_path_agrees_with_the_single_path() -> None:
    persons = [
        BASE,
        {**BASE, "income_12m": 100_000, "income_36m": 0, "children": 5},
        {**BASE, "birth_date": dt.date(1958, 9, 14)},
        {**BASE, "normal_working_hours": 40, "current_working_hours": 20.1},
    ]
    at = dt.date(2025, 9, 30)
    columns = {
        name: np.array(
            [p[name] for p in persons],
            dtype="datetime64[D]" if name == "birth_date" else None,
        )
        for name in BASE
    }
    params = default_ruleset().params(DAGPENGER, at)
    many = evaluate_many(DAGPENGER, columns, params, at)
    for index, person in enumerate(persons):
        one = assess("dagpenger", person, at)
        assert many.outcomes()[index] == one.outcome
        assert many.values["total_daily"][index] == one.amounts["total_daily"]
