"""The example applications in examples/, modelled on the plain-language brochure's cases,
assess to the outcomes and amounts a caseworker would expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from trygd.applications.inputs import parse_application
from trygd.rules.assessment import assess

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

EXPECTED = [
    # file, outcome, failing condition, {amount: value}
    # Indexed by G month by month (ftrl. § 4-11): the basis is 199 394, not the 190 000 paid.
    (
        "dagpenger-lost-job.json",
        "granted",
        None,
        {"basis": 199_394, "total_daily": 553, "period_weeks": 52, "egenandel": 1_659},
    ),
    # The two sums alone cannot be indexed: the basis waits for the months.
    ("dagpenger-totals-only.json", "manual_assessment", None, {"period_weeks": 52, "basis": None}),
    ("sykepenger-lisa.json", "granted", None, {"daily_payment": 1_615, "days_used": 28}),
    ("sykepenger-truls.json", "rejected", "sykepenger.earning_period", {}),
    ("sykepenger-gradert.json", "granted", None, {"daily_payment": 1_502, "days_remaining": 225}),
    ("aap-after-sykepenger.json", "granted", None, {"daily_rate": 1_438, "total_daily": 1_514}),
    ("aap-young-no-income.json", "granted", None, {"daily_rate": 681}),  # A2, under 25
    ("aap-40-percent.json", "rejected", "aap.work_capacity_reduced", {}),
    ("uforetrygd-60-prosent.json", "granted", None, {"uforegrad": 60, "monthly_amount": 20_501}),
    ("uforetrygd-40-prosent-uten-aap.json", "rejected", "uforetrygd.reduced_earning_capacity", {}),
    ("uforetrygd-ung-ufor.json", "granted", None, {"monthly_amount": 32_095}),
    # Two children not living with both parents: 104 128 less 50 % of the income 586 570.21
    # above 3.5 G (455 560), 65 505.10: 38 622.90 a year, 3 219 a month (ftrl. § 12-16).
    (
        "uforetrygd-barnetillegg.json",
        "granted",
        None,
        {"monthly_amount": 36_381, "child_supplement_monthly": 3_219},
    ),
]


def test_every_example_has_an_expected_outcome() -> None:
    assert {path.name for path in EXAMPLES.glob("*.json")} == {row[0] for row in EXPECTED}


@pytest.mark.parametrize(("name", "outcome", "failing", "amounts"), EXPECTED)
def test_example(name: str, outcome: str, failing: str | None, amounts: dict) -> None:
    application = parse_application((EXAMPLES / name).read_bytes())
    result = assess(application.benefit, application.facts, application.claim_date)
    assert result.outcome.value == outcome
    assert result.failing_conditions == ((failing,) if failing else ())
    for key, value in amounts.items():
        assert result.amounts[key] == value, key
