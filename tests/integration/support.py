"""Helpers shared by the integration tests: tokens, and applications with known outcomes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from trygd.api.identity import DemoTokens
from trygd.demo.users import BY_ID
from trygd.rules.benefits.dagpenger.rules import earning_months, month_text
from trygd.store.models import Person

# The tests run on a fixed "today", inside the parameters' known period.
TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)

TOKENS = DemoTokens("test-secret-not-for-production-use-0123456789")
# Some modules make their tokens once, when collected; a whole test run may outlast an hour
# (`API_LIFETIME`), so the tests' tokens live longer than real ones.
TEST_TOKEN_LIFETIME = dt.timedelta(hours=12)


def employee_headers(user: str) -> dict[str, str]:
    """Bearer header for a demo employee (see trygd.demo.users)."""
    e = BY_ID[user]
    claims = {
        "sub": e.id,
        "name": e.name,
        "roles": list(e.roles),
        "unit": e.unit,
        "clearances": list(e.clearances),
    }
    return {"Authorization": f"Bearer {TOKENS.issue(claims, lifetime=TEST_TOKEN_LIFETIME)}"}


def citizen_headers(person: Person, acr: str = "idporten-loa-high") -> dict[str, str]:
    """Bearer header for `person`, signed in at level `acr` (high, as the demo users are,
    unless a test asks for another)."""
    claims = {
        "sub": f"person:{person.id}",
        "name": person.name,
        "roles": ["citizen"],
        "pid": person.identity_number,
        "acr": acr,
    }
    return {"Authorization": f"Bearer {TOKENS.issue(claims, lifetime=TEST_TOKEN_LIFETIME)}"}


# Applications that the rules decide in a known way on TODAY (claim date 2026-11-13).
CLAIM_DATE = "2026-11-13"


def monthly_income(
    last_12m: int, earlier_24m: int, claim_date: str = CLAIM_DATE
) -> list[dict[str, Any]]:
    """Income per month for a claim on `claim_date`: the last 12 months' income in the last
    six months of the earning period (for CLAIM_DATE, May to October 2026, under the G of the
    claim date, so indexing leaves it as paid), the rest spread over the 24 months before the
    last 12."""
    window = [month_text(m) for m in earning_months(dt.date.fromisoformat(claim_date), 5)]
    months: list[dict[str, Any]] = []
    for names, total in ((window[:6], last_12m), (window[12:], earlier_24m)):
        share, rest = divmod(total, len(names))
        months += [{"month": m, "amount": share} for m in names]
        months[-len(names)]["amount"] += rest
    return [m for m in months if m["amount"]]


def dagpenger_application(claim_date: str = CLAIM_DATE, **facts: Any) -> dict[str, Any]:
    """Granted automatically unless the facts say otherwise: the basis is 260 000 kr (the
    last 12 months' income; the average of the three periods is lower). Given the two sums
    instead of the months (`income_12m`, `income_36m`), the rules decide the minimum income
    and the period from them but leave the basis to a caseworker."""
    base: dict[str, Any] = {
        "stays_in_norway": True,
        "monthly_income": monthly_income(260000, 460000, claim_date),
        "normal_working_hours": 37.5,
        "current_working_hours": 0,
        "registered_job_seeker": True,
        "genuine_job_seeker": True,
        "self_inflicted_unemployment": False,
        "children": 2,
    }
    if {"income_12m", "income_36m"} & facts.keys():
        del base["monthly_income"]
    base.update(facts)
    return {"benefit": "dagpenger", "claim_date": claim_date, "facts": base}


def aap_application(**facts: Any) -> dict[str, Any]:
    """Always manual (AAP is never automatic); granted once proposed and approved."""
    base = {
        "membership_years": 20,
        "stays_in_norway": True,
        "reduced_work_capacity": 60,
        "occupational_injury": False,
        "illness_main_cause": True,
        "needs_assistance": True,
        "capacity_reduced_date": "2025-02-10",
        "income_history": [
            {"year": 2022, "amount": 480000},
            {"year": 2023, "amount": 495000},
            {"year": 2024, "amount": 510000},
        ],
        "children": 1,
    }
    base.update(facts)
    return {
        "benefit": "aap",
        "claim_date": CLAIM_DATE,
        "facts": {k: v for k, v in base.items() if v is not None},
    }
