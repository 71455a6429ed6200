"""Dagpenger (ftrl. chapter 4) at every threshold, one krone, hour or day either side.

Worked cases D1–D9 are from shared/rules/test-cases.md; the cases named after a feature file
are navikt/dp-behandling's (commit 54fcd6f), `dagpenger/src/test/resources/features/`, with
their figures.

Income is given per month (`monthly_income`) unless a test is about the short form (the two
sums alone). `income(...)` puts each period's income in the period's latest month; on
JUNE_2025 (claim 2025-06-10, earning period June 2022 to May 2025) those are May 2025 (G
130 160, the G on the claim date, so not changed by indexing), May 2024 (G 124 028) and May
2023 (G 118 620).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pytest

from trygd.applications.inputs import InputError, parse_application
from trygd.rules.assessment import Assessment, Ruleset, assess, default_ruleset
from trygd.rules.benefits.dagpenger import DAGPENGER
from trygd.rules.benefits.dagpenger.rules import earning_months, month_text
from trygd.rules.declarations import FactError
from trygd.rules.evaluation import evaluate_many
from trygd.rules.parameters import load_default
from trygd.rules.record import derived_facts

BASE: dict[str, Any] = {
    "birth_date": dt.date(1980, 5, 5),
    "stays_in_norway": True,
    "normal_working_hours": 37.5,
    "current_working_hours": 0,
    "registered_job_seeker": True,
    "genuine_job_seeker": True,
    "self_inflicted_unemployment": False,
    "children": 0,
}
JUNE_2025 = dt.date(2025, 6, 10)


def income(at: dt.date, *periods: float) -> list[dict[str, Any]]:
    """Monthly income with each period's total in that period's latest month (the latest
    period first); a period left out had no income."""
    window = earning_months(at, 5)
    return [
        {"month": month_text(window[12 * number]), "amount": amount}
        for number, amount in enumerate(periods)
        if amount
    ]


def run(
    at: dt.date = JUNE_2025,
    periods: tuple[float, ...] = (400_000, 400_000, 400_000),
    language: str = "en",
    **changes: Any,
) -> Assessment:
    facts = {**BASE, **changes}
    if not {"income_12m", "income_36m", "indexed_income_1_12m", "monthly_income"} & set(changes):
        facts["monthly_income"] = income(at, *periods)
    return assess("dagpenger", facts, at, language=language)


def rule(result: Assessment, rule_id: str) -> Any:
    found = (*result.conditions, *result.calculations)
    return next(r for r in found if r.id == f"dagpenger.{rule_id}")


def status(result: Assessment, condition: str) -> str:
    return str(rule(result, condition).status)


def flat(at: dt.date, months: list[dict[str, Any]], **facts: Any) -> dict[str, Any]:
    params = default_ruleset().params(DAGPENGER, at)
    return dict(derived_facts(DAGPENGER, {"monthly_income": months, **facts}, at, params))


# -- the earning period -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "last_month"),
    [
        # navikt/dp-behandling 00-Opptjeningstid.feature, "Finner siste avsluttede
        # kalendermåned og opptjeningstid" (its 31.11.2023 is 30 November)
        ("2023-12-05", "2023-10"),
        ("2023-12-06", "2023-11"),
        ("2024-01-05", "2023-11"),
        ("2024-01-06", "2023-12"),
        ("2024-02-05", "2023-12"),
        ("2024-02-06", "2024-01"),
        ("2024-03-05", "2024-01"),
        ("2024-03-06", "2024-02"),
        ("2024-04-05", "2024-02"),
        ("2024-04-06", "2024-03"),
        ("2024-05-05", "2024-03"),  # the 5th is a Sunday: the deadline is Monday the 6th
        ("2024-05-07", "2024-04"),
        ("2024-06-05", "2024-04"),
        ("2024-07-05", "2024-05"),
        ("2024-08-05", "2024-06"),
        ("2024-09-05", "2024-07"),
        ("2024-10-05", "2024-08"),  # Saturday: deadline Monday 7 October
        ("2024-11-05", "2024-09"),
        ("2024-12-05", "2024-10"),
        ("2025-01-05", "2024-11"),
        ("2025-01-07", "2024-12"),
        ("2026-07-06", "2026-05"),
        ("2026-07-07", "2026-06"),
        # a holiday: 5 April 2026 is Easter Sunday and the 6th 2. påskedag, so the deadline
        # is Tuesday the 7th (not in the feature file; the calendar of trygd.rules.holidays)
        ("2026-04-06", "2026-02"),
        ("2026-04-07", "2026-02"),
        ("2026-04-08", "2026-03"),
    ],
)
def test_the_earning_period_ends_with_the_last_month_employers_had_to_report(
    claim: str, last_month: str
) -> None:
    window = earning_months(dt.date.fromisoformat(claim), 5)
    assert month_text(window[0]) == last_month
    assert len(window) == 36


def test_the_36_months_are_the_three_years_up_to_the_last_month() -> None:
    window = [month_text(m) for m in earning_months(JUNE_2025, 5)]
    assert (window[0], window[11], window[12], window[23], window[24], window[35]) == (
        "2025-05",
        "2024-06",
        "2024-05",
        "2023-06",
        "2023-05",
        "2022-06",
    )


def test_months_not_listed_count_as_no_income() -> None:
    facts = flat(JUNE_2025, [{"month": "2025-05", "amount": 100_000}])
    assert (facts["income_12m"], facts["income_36m"]) == (100_000, 100_000)
    assert (facts["indexed_income_13_24m"], facts["indexed_income_25_36m"]) == (0, 0)


@pytest.mark.parametrize(
    ("month", "accepted"),
    [
        ("2022-05", False),  # the month before the first month
        ("2022-06", True),  # the first month
        ("2025-05", True),  # the last month
        ("2025-06", False),  # the claim month: not yet reported
    ],
)
def test_a_month_outside_the_earning_period_is_refused_naming_the_field(
    month: str, accepted: bool
) -> None:
    document = {
        "benefit": "dagpenger",
        "claim_date": JUNE_2025.isoformat(),
        "facts": {"monthly_income": [{"month": month, "amount": 1000}]},
    }
    if accepted:
        parse_application(json.dumps(document))
        return
    with pytest.raises(InputError) as raised:
        parse_application(json.dumps(document))
    (field, problem), *_ = raised.value.problems
    assert field == "facts.monthly_income"
    assert "outside the earning period 2022-06 to 2025-05" in problem and month in problem


@pytest.mark.parametrize(
    ("facts", "field", "words"),
    [
        (
            {"monthly_income": [{"month": "2025-05", "amount": 1}] * 2},
            "facts.monthly_income",
            "the same month more than once",
        ),
        (
            {"monthly_income": [{"month": "2025-5", "amount": 1}]},
            "facts.monthly_income.0.month",
            "YYYY-MM",
        ),
        (
            {"monthly_income": [{"month": "2025-05", "amount": -1}]},
            "facts.monthly_income.0.amount",
            "at least 0",
        ),
        (
            {"monthly_income": [{"month": "2025-05", "amount": 1000}], "income_12m": 999},
            "facts.income_12m",
            "is not the sum of monthly_income from 2024-06 to 2025-05 (1000.00)",
        ),
        (
            {"monthly_income": [{"month": "2023-05", "amount": 1000}], "income_36m": 0},
            "facts.income_36m",
            "is not the sum of monthly_income from 2022-06 to 2025-05",
        ),
        (
            {"monthly_income": [], "indexed_income_13_24m": 5},
            "facts.indexed_income_13_24m",
            "is computed from monthly_income",
        ),
    ],
)
def test_contradictory_or_malformed_income_is_refused(
    facts: dict[str, Any], field: str, words: str
) -> None:
    document = {"benefit": "dagpenger", "claim_date": JUNE_2025.isoformat(), "facts": facts}
    with pytest.raises(InputError) as raised:
        parse_application(json.dumps(document))
    assert any(f == field and words in p for f, p in raised.value.problems), raised.value


def test_sums_that_agree_with_the_months_are_accepted() -> None:
    months = income(JUNE_2025, 200_000, 100_000)
    result = run(monthly_income=months, income_12m=200_000, income_36m=300_000)
    assert result.amounts["basis"] is not None


def test_monthly_income_for_a_claim_before_july_2019_is_refused() -> None:
    """Until 2019-07-01 the earning periods were calendar years (Prop. 12 L (2018–2019))."""
    with pytest.raises(FactError, match=r"monthly_income: .*from 2019-07-01"):
        run(dt.date(2019, 6, 30), monthly_income=[{"month": "2019-04", "amount": 1}])
    assert run(dt.date(2019, 7, 1), periods=(300_000,)).amounts["basis"] == 300_000


def test_derive_refuses_what_the_application_format_refuses() -> None:
    with pytest.raises(FactError, match="monthly_income: has months outside"):
        run(monthly_income=[{"month": "2025-06", "amount": 1}])


def test_a_revurdering_counts_the_months_from_the_claim_it_changes() -> None:
    """Assessed in January 2026 (a change of children), the case keeps the earning period and
    the indexing of its claim of JUNE_2025 (`basis_claim_date`); without it, the months of
    the claim lie outside the earning period of the new date."""
    later = dt.date(2026, 1, 15)
    months = [*income(JUNE_2025, 400_000, 400_000), {"month": "2022-06", "amount": 30_000}]
    claim = run(monthly_income=months)
    change = run(later, monthly_income=months, basis_claim_date=JUNE_2025, children=1)
    assert change.amounts["basis"] == claim.amounts["basis"]
    assert rule(change, "basis").values == rule(claim, "basis").values
    assert change.amounts["child_supplement"] == 38
    with pytest.raises(FactError, match="outside the earning period 2023-01 to 2025-12"):
        run(later, monthly_income=months)


# -- § 4-4 minimum income, on the income as paid ---------------------------------------------


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
def test_minimum_income_thresholds_short_form(
    income_12m: float, income_36m: float, expected: str, why: str
) -> None:
    result = run(income_12m=income_12m, income_36m=income_36m)
    assert status(result, "minimum_income") == expected, why


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        ((195_239, 0, 0), "not_met"),
        ((195_240, 0, 0), "met"),
        ((0, 195_240, 195_239), "not_met"),  # 390 479 in 36 months
        ((0, 195_240, 195_240), "met"),  # exactly 3 G
    ],
)
def test_minimum_income_thresholds_from_months(periods: tuple[float, ...], expected: str) -> None:
    assert status(run(periods=periods), "minimum_income") == expected


def test_minimum_income_is_tested_on_the_income_as_paid_not_indexed() -> None:
    """195 239 kr in June 2024 (G 124 028) is 204 893 kr indexed to the G of the claim date,
    above 1.5 G; but § 4-4 counts it as paid (dp-behandling `Minsteinntekt.kt` sums the
    months as they are), so it is one krone short."""
    months = [{"month": "2024-06", "amount": 195_239}]
    result = run(monthly_income=months)
    assert status(result, "minimum_income") == "not_met"
    facts = flat(JUNE_2025, months)
    assert facts["income_12m"] == 195_239
    assert facts["indexed_income_1_12m"] > 195_240


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
    ("income_12m", "income_36m", "expected"),
    [
        # navikt/dp-behandling 04-Minsteinntekt.feature, "Søker oppfyller § 4-4. Krav til
        # minsteinntekt" (søknadsdato 01.04.2022, without verneplikt)
        (0, 0, "not_met"),
        (118_620, 0, "not_met"),
        (0, 284_688, "not_met"),
        (177_930, 0, "met"),
        (0, 355_860, "met"),
    ],
)
def test_dp_behandling_minsteinntekt_feature(
    income_12m: float, income_36m: float, expected: str
) -> None:
    result = run(dt.date(2022, 4, 1), income_12m=income_12m, income_36m=income_36m)
    assert status(result, "minimum_income") == expected


# -- the short form: the two sums without the months -----------------------------------------


def test_the_two_sums_alone_decide_4_4_and_4_15_but_cannot_be_indexed() -> None:
    result = run(income_12m=400_000, income_36m=1_200_000, language="nb")
    assert status(result, "minimum_income") == "met"
    assert result.amounts["period_weeks"] == 104
    assert result.outcome.value == "manual_assessment"
    basis = rule(result, "basis")
    assert basis.status == "undetermined"
    assert basis.missing_facts == (
        "indexed_income_1_12m",
        "indexed_income_13_24m",
        "indexed_income_25_36m",
    )
    assert "oppjustert med G" in basis.explanation
    assert result.amounts["total_daily"] is None and result.amounts["egenandel"] is None


SIX_G_JUNE_2025 = 6 * 130_160  # G from 2025-05-01 (navikt/g), the G on JUNE_2025


@pytest.mark.parametrize(
    ("income_12m", "basis"),
    [
        (SIX_G_JUNE_2025 - 1, None),  # one krone below 6 G: the months are needed
        (SIX_G_JUNE_2025, SIX_G_JUNE_2025),  # 6 G as paid is at least 6 G indexed
        (SIX_G_JUNE_2025 + 1, SIX_G_JUNE_2025),
    ],
)
def test_the_short_form_settles_the_basis_only_when_12_months_reach_6g(
    income_12m: int, basis: int | None
) -> None:
    result = run(income_12m=income_12m, income_36m=3 * income_12m, language="en")
    assert result.amounts["basis"] == basis
    if basis is None:
        assert rule(result, "basis").status == "undetermined"
        assert result.outcome.value == "manual_assessment"
    else:
        assert result.outcome.value == "granted"
        explanation = rule(result, "basis").explanation
        assert "Indexing by G can only make income higher" in explanation


def test_the_short_form_and_the_months_agree_at_6g() -> None:
    """The same 12 months as one total and month by month give the same basis."""
    months = income(JUNE_2025, SIX_G_JUNE_2025, 100_000, 100_000)
    from_months = run(monthly_income=months)
    short = run(income_12m=SIX_G_JUNE_2025, income_36m=SIX_G_JUNE_2025 + 200_000)
    assert from_months.amounts["basis"] == short.amounts["basis"] == SIX_G_JUNE_2025
    assert from_months.amounts["total_daily"] == short.amounts["total_daily"]


def test_the_short_form_still_rejects_on_minimum_income() -> None:
    result = run(income_12m=100_000, income_36m=200_000)
    assert result.outcome.value == "rejected"
    assert result.failing_conditions == ("dagpenger.minimum_income",)


# -- § 4-11 the basis ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "basis", "unrounded"),
    [
        # navikt/dp-behandling 11-Dagpengegrunnlag.feature, søknadsdato 01.04.2022
        (
            # "Inntekt i siste 36 måneder er høyest og over 6G"
            [("2020-04", 500_000), ("2020-05", 500_000), ("2021-06", 50_000), ("2021-07", 50_000)],
            246_131,
            246_131.333333,
        ),
        (
            # "Inntekt i siste 12 måneder er høyest og over 6G"
            [("2020-04", 50_000), ("2020-05", 50_000), ("2021-06", 500_000), ("2021-07", 500_000)],
            638_394,
            638_394,
        ),
        (
            # "Inntekt i siste 12 måneder er høyest og ikke over 6G"
            [("2020-04", 10_000), ("2020-05", 10_000), ("2021-06", 10_000), ("2021-07", 10_000)],
            20_000,
            20_000,
        ),
    ],
)
def test_dp_behandling_dagpengegrunnlag_feature(
    months: list[tuple[str, float]], basis: float, unrounded: float
) -> None:
    at = dt.date(2022, 4, 1)
    given = [{"month": m, "amount": a} for m, a in months]
    result = run(at, monthly_income=given)
    assert result.amounts["basis"] == basis
    values = rule(result, "basis").values
    assert max(values["capped_1_12m"], values["average_36m"]) == pytest.approx(unrounded)


def test_dp_behandling_indexing_of_the_first_scenario() -> None:
    """11-Dagpengegrunnlag.feature, first scenario: "uavkortet" 1 157 655.060139 is the three
    periods indexed: April 2020 at G 99 858 and May 2020 at G 101 351 (the 2020 G from 1 May,
    although NAV put it into use only in September), both to the G of 01.04.2022 (106 399)."""
    months = [
        {"month": "2020-04", "amount": 500_000},
        {"month": "2020-05", "amount": 500_000},
        {"month": "2021-06", "amount": 50_000},
        {"month": "2021-07", "amount": 50_000},
    ]
    facts = flat(dt.date(2022, 4, 1), months)
    total = sum(facts[f"indexed_income_{p}"] for p in ("1_12m", "13_24m", "25_36m"))
    assert total == pytest.approx(1_157_655.060139, abs=1e-6)
    assert (facts["income_12m"], facts["income_36m"]) == (100_000, 1_100_000)


@pytest.mark.parametrize(
    ("latest", "capped", "basis"),
    [(780_959, 780_959, 780_959), (780_960, 780_960, 780_960), (780_961, 780_960, 780_960)],
)
def test_each_period_is_capped_at_6g_latest(latest: float, capped: float, basis: float) -> None:
    result = run(periods=(latest, 0, 0))
    assert rule(result, "basis").values["capped_1_12m"] == capped
    assert result.amounts["basis"] == basis


@pytest.mark.parametrize(
    ("middle", "capped"), [(780_959, 780_959), (780_960, 780_960), (780_961, 780_960)]
)
def test_each_period_is_capped_at_6g_before_the_average(middle: float, capped: float) -> None:
    """The cap is on each period (dp-behandling `minstAv(inntektperiode2, 6G)`), here the
    middle one, given indexed (as a population file does)."""
    result = run(
        income_12m=0,
        income_36m=middle,
        indexed_income_1_12m=0,
        indexed_income_13_24m=middle,
        indexed_income_25_36m=780_960,
    )
    values = rule(result, "basis").values
    assert values["capped_13_24m"] == capped
    assert values["average_36m"] == pytest.approx((capped + 780_960) / 3)


def test_capping_before_the_average_gives_less_than_capping_after() -> None:
    """2 000 000 kr in one year and nothing in the two others: the period counts 6 G, so the
    average is 2 G (260 320), not 6 G as an average capped afterwards would give."""
    result = run(periods=(0, 0, 2_000_000))
    assert result.amounts["basis"] == 260_320


def test_the_basis_is_indexed_by_the_g_of_each_month() -> None:
    """400 000 kr in each period's latest month on JUNE_2025: May 2025 counts as paid, May 2024
    × 130 160 / 124 028 and May 2023 × 130 160 / 118 620; the average of the three is the
    basis, rounded to whole kroner: (400 000 + 419 776.18 + 438 914.18) / 3 = 419 563.45."""
    result = run()
    assert rule(result, "basis").values["average_36m"] == pytest.approx(419_563.4531, abs=1e-4)
    assert result.amounts["basis"] == 419_563


def test_a_reform_of_g_reaches_the_indexing() -> None:
    """The G of each month comes from the rule-set the assessment runs under."""
    reform = {
        "parameters": {
            "common.grunnbelop": {
                "values": [
                    {
                        "from": dt.date(2024, 5, 1),
                        "minimum_income_from": dt.date(2024, 6, 3),
                        "value": 130_160,
                        "yearly_average": 126_313,
                        "source": "test: G 2024 as high as G 2025",
                    },
                    {
                        "from": dt.date(2025, 5, 1),
                        "minimum_income_from": dt.date(2025, 6, 2),
                        "value": 130_160,
                        "yearly_average": 130_160,
                        "source": "test",
                    },
                    {
                        "from": dt.date(2026, 5, 1),
                        "minimum_income_from": dt.date(2026, 6, 1),
                        "value": 136_549,
                        "yearly_average": 134_419,
                        "source": "test: as the baseline",
                    },
                ]
            }
        }
    }
    ruleset = Ruleset(load_default().with_reform(reform, "test"))
    facts = {**BASE, "monthly_income": income(JUNE_2025, 0, 400_000)}
    reformed = assess("dagpenger", facts, JUNE_2025, ruleset=ruleset)
    baseline = assess("dagpenger", facts, JUNE_2025)
    assert rule(reformed, "basis").values["capped_13_24m"] == 400_000
    assert rule(baseline, "basis").values["capped_13_24m"] == pytest.approx(
        400_000 * 130_160 / 124_028
    )


# -- § 4-12 daily rate, child supplement and the 90 % cap ------------------------------------


def test_d1_daily_rate_and_weekly_amount() -> None:
    result = run(dt.date(2026, 3, 1), periods=(400_000,))
    assert result.amounts["basis"] == 400_000
    assert result.amounts["daily_rate"] == 960
    assert result.amounts["weekly_amount"] == 4_800
    assert result.amounts["egenandel"] == 2_880  # D8: three daily amounts


def test_d2_child_supplement_below_the_cap() -> None:
    result = run(dt.date(2026, 3, 1), periods=(400_000,), children=2)
    assert result.amounts["total_daily"] == 1_036


def test_d3_the_90_percent_cap_cuts_the_rate_first() -> None:
    result = run(dt.date(2026, 3, 1), periods=(100_000,), children=5)
    assert result.amounts["child_supplement"] == 190
    assert result.amounts["total_daily"] == 346
    values = rule(result, "total_daily").values
    assert (values["reduced_daily_rate"], values["child_supplement_cut"]) == (156, 0)


def given_basis(basis: float, **facts: Any) -> dict[str, Any]:
    """Facts whose basis is `basis` (the latest period, below 6 G, with nothing before)."""
    return {
        "income_12m": basis,
        "income_36m": basis,
        "indexed_income_1_12m": basis,
        "indexed_income_13_24m": 0,
        "indexed_income_25_36m": 0,
        **facts,
    }


MAY_2024 = dt.date(2024, 5, 10)
"""The prøvingsdato of dp-behandling's DagpengensStørrelseSteg and EgenandelSteg (10.mai(2024)):
barnetillegg 36 kr."""


@pytest.mark.parametrize(
    ("basis", "children", "daily_rate", "total", "weekly"),
    [
        # navikt/dp-behandling 12-DagpengensStørrelse.feature
        (246_131, 0, 591, 591, 2_955),  # "Dagpengegrunnlag og søker har ikke barn" (590.7144)
        (425_625, 0, 1_022, 1_022, 5_110),  # the same title, 1021.5 rounded up (half up)
        (246_131, 2, 591, 663, 3_315),  # "Dagpengegrunnlag og søker har 2 barn"
        # "Dagpengegrunnlag og mange barn gjør at 90% regelen blir brukt": the cap is 242, the
        # child supplement alone 252, so it is cut too (ukessats 1210)
        (70_001, 7, 168, 242, 1_210),
    ],
)
def test_dp_behandling_dagpengens_storrelse_feature(
    basis: float, children: int, daily_rate: float, total: float, weekly: float
) -> None:
    result = run(MAY_2024, **given_basis(basis, children=children))
    assert result.amounts["basis"] == basis
    assert result.amounts["daily_rate"] == daily_rate
    assert result.amounts["total_daily"] == total
    assert result.amounts["weekly_amount"] == weekly


@pytest.mark.parametrize(
    ("basis", "total", "rate_cut"),
    [
        (67_291, 233, 0),  # rate 161 + 72 = 233 = the cap (233)
        (67_292, 233, 1),  # rate 162 + 72 = 234, one krone above the cap (233)
    ],
)
def test_the_90_percent_cap_cuts_the_rate_one_krone_either_side(
    basis: float, total: float, rate_cut: float
) -> None:
    result = run(MAY_2024, **given_basis(basis, children=2))
    values = rule(result, "total_daily").values
    assert result.amounts["total_daily"] == total
    assert (values["rate_cut"], values["child_supplement_cut"]) == (rate_cut, 0)


@pytest.mark.parametrize(
    ("basis", "cap", "child_supplement_cut"),
    [
        (72_656, 252, 0),  # the cap is exactly the child supplement (7 × 36)
        (72_655, 251, 1),  # one krone below: the child supplement is cut by one krone
    ],
)
def test_the_90_percent_cap_cuts_the_child_supplement_when_it_alone_passes_it(
    basis: float, cap: float, child_supplement_cut: float
) -> None:
    result = run(MAY_2024, **given_basis(basis, children=7))
    values = rule(result, "total_daily").values
    assert values["daily_cap"] == cap
    assert result.amounts["total_daily"] == cap
    assert values["reduced_daily_rate"] == 0
    assert values["child_supplement_cut"] == child_supplement_cut
    assert values["paid_child_supplement"] == 252 - child_supplement_cut


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


# -- § 4-15 the period, on the income as paid ------------------------------------------------


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
    ("income_12m", "weeks"),
    [
        # navikt/dp-behandling 15-Dagpengeperiode.feature (virkningstidspunkt 01.08.2024,
        # 2 G = 248 056)
        (300_000, 104),
        (200_000, 52),
        (248_056, 104),
        (248_055, 52),
    ],
)
def test_dp_behandling_dagpengeperiode_feature(income_12m: float, weeks: int) -> None:
    result = run(dt.date(2024, 8, 1), income_12m=income_12m, income_36m=income_12m)
    assert result.amounts["period_weeks"] == weeks


@pytest.mark.parametrize(("at", "weeks"), [(dt.date(2025, 6, 1), 104), (dt.date(2025, 6, 2), 52)])
def test_the_2g_of_the_period_is_the_g_for_minimum_income_tests(at: dt.date, weeks: int) -> None:
    """250 000 kr is 2 G of 2024 (248 056) but not of 2025 (260 320); NAV uses the 2025 G for
    the period only from 2 June 2025, with the minimum income (dp-behandling
    `Dagpengeperiode.kt` takes `Minsteinntekt.grunnbeløp`)."""
    assert run(at, income_12m=250_000, income_36m=250_000).amounts["period_weeks"] == weeks


def test_the_period_is_decided_on_the_income_as_paid() -> None:
    """260 319 kr in June 2024 (G 124 028) is above 2 G indexed, but counts as paid."""
    months = [{"month": "2024-06", "amount": 260_319}]
    assert run(monthly_income=months).amounts["period_weeks"] == 52


# -- § 4-9 ventetid: waiting days, then egenandel -------------------------------------------


def test_dp_behandling_egenandel_feature() -> None:
    """09-Egenandel.feature, "Egenandel skal være 3 ganger dagsats": sats 591 → 1773 (the
    prøvingsdato of its steps is 10 May 2024)."""
    result = run(MAY_2024, **given_basis(246_131))
    assert result.amounts["total_daily"] == 591
    assert result.amounts["egenandel"] == 1_773


@pytest.mark.parametrize(
    ("at", "egenandel", "variant", "words"),
    [
        (dt.date(2023, 12, 31), 0, "waiting_days", "the first 3 days"),
        (dt.date(2024, 1, 1), 3 * (591 + 36), "egenandel", "3 times the dagpenger per day"),
        (dt.date(2020, 6, 1), 0, "none", "neither waiting days nor an own share"),
    ],
)
def test_egenandel_from_2024_waiting_days_before(
    at: dt.date, egenandel: float, variant: str, words: str
) -> None:
    """From 2024-01-01 the egenandel is three daily amounts with the child supplement after
    the cap; before, three waiting days without payment (none during the pandemic)."""
    result = run(at, **given_basis(246_131, children=1))
    assert result.amounts["egenandel"] == egenandel
    calculation = rule(result, "egenandel")
    assert calculation.values["egenandel_text"] == variant
    assert words in calculation.explanation


def test_the_egenandel_explanation_in_norwegian() -> None:
    nb = run(dt.date(2024, 1, 1), language="nb", **given_basis(246_131))
    assert "egenandel" in rule(nb, "egenandel").explanation
    nn = run(dt.date(2023, 12, 31), language="nn", **given_basis(246_131))
    assert "ventedagar" in rule(nn, "egenandel").explanation


# -- other conditions ----------------------------------------------------------------------


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
    assert rule(result, "age").values["last_day_by_age"] == dt.date(2025, 9, 30)


@pytest.mark.parametrize(
    ("at", "weeks"),
    [(dt.date(2020, 12, 31), 12), (dt.date(2021, 1, 1), 18), (JUNE_2025, 18)],
)
def test_waiting_period_for_self_inflicted_unemployment(at: dt.date, weeks: int) -> None:
    assert run(at, self_inflicted_unemployment=True).amounts["quarantine_weeks"] == weeks
    assert run(at, self_inflicted_unemployment=False).amounts["quarantine_weeks"] == 0


def test_a_missing_fact_makes_its_condition_undetermined_and_the_case_manual() -> None:
    facts = {k: v for k, v in BASE.items() if k != "registered_job_seeker"}
    facts["monthly_income"] = income(JUNE_2025, 400_000)
    result = assess("dagpenger", facts, JUNE_2025, language="nb")
    assert result.outcome.value == "manual_assessment"
    assert result.undetermined == ("dagpenger.registered_job_seeker",)
    condition = next(c for c in result.conditions if c.status == "undetermined")
    assert condition.missing_facts == ("registered_job_seeker",)
    assert "registrering som arbeidssøker" in condition.explanation


def test_a_failed_condition_rejects_and_is_named_even_with_other_facts_missing() -> None:
    facts = {k: v for k, v in BASE.items() if k != "children"}
    facts.update(stays_in_norway=False, monthly_income=income(JUNE_2025, 400_000))
    result = assess("dagpenger", facts, JUNE_2025)
    assert result.outcome.value == "rejected"
    assert result.failing_conditions == ("dagpenger.stay_in_norway",)


def test_explanation_shows_the_actual_values_in_each_language() -> None:
    nb = run(periods=(180_000,), language="nb")
    text = rule(nb, "minimum_income").explanation
    assert "180\u00a0000\u00a0kr" in text and "1,5 G" in text and "195\u00a0240\u00a0kr" in text
    assert "uten oppjustering med G" in text
    en = run(periods=(180_000,), language="en")
    assert "NOK\u00a0195,240" in rule(en, "minimum_income").explanation
    basis = rule(run(language="nn"), "basis").explanation
    assert "oppjustert med G" in basis and "419\u00a0563\u00a0kr" in basis


def test_the_result_records_the_parameters_and_rule_set_version() -> None:
    result = run()
    names = {p.name: p for p in result.parameters}
    assert names["dagpenger.min_income_factor_12m"].value == 1.5
    assert names["common.grunnbelop"].value == 130_160
    assert names["dagpenger.reporting_deadline_day"].value == 5
    assert result.ruleset_version == default_ruleset().version


def test_population_path_agrees_with_the_single_path() -> None:
    at = dt.date(2025, 9, 30)
    params = default_ruleset().params(DAGPENGER, at)
    persons = [
        {**BASE, "monthly_income": income(at, 400_000, 300_000, 200_000)},
        {**BASE, "monthly_income": income(at, 100_000), "children": 5},
        {**BASE, "monthly_income": income(at, 0, 2_000_000), "birth_date": dt.date(1958, 9, 14)},
        {**BASE, "monthly_income": income(at, 400_000), "current_working_hours": 20.1},
    ]
    flats = [dict(derived_facts(DAGPENGER, p, at, params)) for p in persons]
    columns = {
        name: np.array(
            [p[name] for p in flats], dtype="datetime64[D]" if name == "birth_date" else None
        )
        for name in DAGPENGER.fact_names
    }
    many = evaluate_many(DAGPENGER, columns, params, at)
    for index, person in enumerate(persons):
        one = assess("dagpenger", person, at)
        assert many.outcomes()[index] == one.outcome
        assert many.values["basis"][index] == one.amounts["basis"]
        assert many.values["total_daily"][index] == one.amounts["total_daily"]
