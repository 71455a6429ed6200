"""G-regulering of one grant (`trygd.rules.regulation`): what the new G does, and nothing else.

Hypothesis varies the income and the claim date of granted examples of every benefit that
follows G; the properties hold for every draw:

- regulating with the G the grant already used changes nothing;
- regulating twice (2025's G, then 2026's) gives what regulating once with 2026's gives;
- sykepenger never fall when G rises, and stay the same for an income up to 6 G of the old G
  (only the cap moves);
- uføretrygd's yearly amount before rounding rises exactly as G does (the grunnlag is counted
  in G); dagpenger are not regulated.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trygd.applications.inputs import parse_application
from trygd.rules.assessment import default_ruleset
from trygd.rules.record import evaluate_record
from trygd.rules.regulation import G, NotRegulable, regulate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
G_2025, G_2026 = dt.date(2025, 5, 1), dt.date(2026, 5, 1)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _g(day: dt.date) -> float:
    return float(default_ruleset().parameters[G].value_at(day).value)


def _record(example: str, claim: dt.date, **facts: Any):
    document = json.loads((EXAMPLES / f"{example}.json").read_text())
    document["claim_date"] = claim.isoformat()
    document["facts"].update(facts)
    app = parse_application(json.dumps(document))
    return evaluate_record(app.benefit, app.facts, app.claim_date)


CLAIMS_BEFORE_2025_G = st.dates(dt.date(2024, 9, 1), dt.date(2025, 4, 30))
INCOMES = st.integers(min_value=150_000, max_value=2_000_000)


@SETTINGS
@given(claim=CLAIMS_BEFORE_2025_G, income=INCOMES)
def test_sykepenger_follow_only_the_moving_cap(claim: dt.date, income: int) -> None:
    periods = [{"from": claim.isoformat(), "to": (claim + dt.timedelta(days=40)).isoformat()}]
    before = _record(
        "sykepenger-truls",
        claim,
        yearly_income=income,
        days_in_work=400,
        sick_leave_periods=[{**periods[0], "grade": 100}],
    )
    if before.outcome.value != "granted":
        return
    once = regulate(before, G_2026)
    assert once.record is not None
    old, new = before.amounts["daily_payment"], once.record.amounts["daily_payment"]
    assert new >= old
    if income <= 6 * _g(claim):
        assert once.verdict == "unchanged" and new == old
    twice = regulate(regulate(before, G_2025).record, G_2026)  # type: ignore[arg-type]
    assert twice.record is not None and twice.record.amounts == once.record.amounts


@SETTINGS
@given(
    claim=CLAIMS_BEFORE_2025_G,
    income=INCOMES,
    expected=st.integers(min_value=0, max_value=100_000),
)
def test_uforetrygd_rises_as_g_does(claim: dt.date, income: int, expected: int) -> None:
    before = _record(
        "uforetrygd-60-prosent", claim, income_before_uforhet=income, expected_income=expected
    )
    if before.outcome.value != "granted":
        return
    same = regulate(before, claim)
    assert same.verdict == "unchanged" and same.record.amounts == before.amounts  # type: ignore[union-attr]
    once = regulate(before, G_2026)
    assert once.verdict == "regulated" and once.record is not None
    ratio = _g(G_2026) / _g(claim)
    assert once.record.amounts["full_yearly_amount"] == pytest.approx(
        before.amounts["full_yearly_amount"] * ratio, rel=1e-9
    )
    twice = regulate(regulate(before, G_2025).record, G_2026)  # type: ignore[arg-type]
    assert twice.record is not None and twice.record.amounts == once.record.amounts
    used = {p.name: p for p in once.record.parameters}[G]
    assert (used.value, used.valid_from) == (_g(G_2026), G_2026)


@SETTINGS
@given(claim=st.dates(dt.date(2025, 5, 1), dt.date(2026, 4, 30)))
def test_aap_regulated_twice_is_regulated_once(claim: dt.date) -> None:
    before = _record("aap-after-sykepenger", claim)
    if before.outcome.value != "granted":
        return
    once = regulate(before, G_2026)
    assert once.verdict == "regulated" and once.record is not None
    assert once.record.amounts["daily_rate"] > before.amounts["daily_rate"]
    assert regulate(before, claim).verdict == "unchanged"


def test_dagpenger_are_not_regulated() -> None:
    before = _record("dagpenger-lost-job", dt.date(2025, 6, 10))
    assert before.outcome.value == "granted"
    result = regulate(before, G_2026)
    assert (result.verdict, result.record) == ("not_regulated", None)


def test_a_refused_grant_is_not_regulated() -> None:
    before = _record("uforetrygd-60-prosent", dt.date(2025, 6, 1), earning_capacity_reduction=10)
    assert before.outcome.value != "granted"
    with pytest.raises(NotRegulable, match="granted"):
        regulate(before, G_2026)
