"""What a vedtak letter says will be paid (trygd.domain.payment_summary), read from the stored
record through the payment plan: per benefit, the amounts, the first period and payment day,
to whom, and nothing where the plan lacks a fact or the vedtak pays nothing."""

from __future__ import annotations

import datetime as dt
import uuid

from trygd.domain.payment_summary import PaidPart, vedtak_payments
from trygd.domain.payments import PaymentRules, VedtakInForce

SAK = uuid.UUID(int=7)
RULES = PaymentRules(uforetrygd_payment_day=20, meldekort_lag_days=1, sykepenger_lag_days=1)
LETTER = dt.date(2026, 11, 13)


def _vedtak(effective: dt.date, amounts: dict, facts: dict | None = None, outcome="granted"):
    return VedtakInForce(uuid.UUID(int=1), effective, outcome, amounts, facts or {})


def test_uforetrygd_is_paid_from_the_month_after_with_its_barnetillegg():
    found = vedtak_payments(
        "uforetrygd",
        SAK,
        _vedtak(
            dt.date(2026, 11, 10),
            {"monthly_amount": 20501.0, "child_supplement_monthly": 4339.0},
        ),
        RULES,
        LETTER,
    )
    assert found is not None
    assert found.parts == (
        PaidPart("uforetrygd", "benefit", 2050100, "month"),
        PaidPart("uforetrygd_barnetillegg", "supplement", 433900, "month"),
    )
    assert found.first_period == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert found.first_payment == dt.date(2026, 12, 20) and not found.back_pay
    assert (found.payee, found.last_day, found.legal_basis) == (
        "person",
        None,
        "payment_uforetrygd",
    )


def test_a_past_start_is_paid_in_the_next_run_after_the_letter():
    found = vedtak_payments(
        "uforetrygd", SAK, _vedtak(dt.date(2026, 9, 1), {"monthly_amount": 1000.0}), RULES, LETTER
    )
    assert found is not None
    assert found.first_period[0] == dt.date(2026, 9, 1)
    assert found.first_payment == LETTER and found.back_pay


SICK = {
    "sick_leave_periods": [{"from": "2026-10-01", "to": "2026-12-15"}],
}
SICK_AMOUNTS = {
    "daily_payment": 1846.0,
    "first_payment_day": "2026-10-17",
    "first_refused_day": None,
}


def test_sykepenger_are_paid_per_weekday_to_the_employer_when_it_is_refunded():
    found = vedtak_payments(
        "sykepenger",
        SAK,
        _vedtak(dt.date(2026, 10, 1), SICK_AMOUNTS, {**SICK, "employer_refund": True}),
        RULES,
        LETTER,
    )
    assert found is not None
    assert found.parts == (PaidPart("sykepenger_refusjon", "refund", 184600, "day"),)
    assert found.first_period == (dt.date(2026, 10, 17), dt.date(2026, 10, 31))
    assert found.first_payment == LETTER and found.back_pay
    assert found.last_day == dt.date(2026, 12, 15) and found.payee == "employer"


def test_without_the_refund_fact_there_is_no_summary():
    vedtak = _vedtak(dt.date(2026, 10, 1), SICK_AMOUNTS, SICK)
    assert vedtak_payments("sykepenger", SAK, vedtak, RULES, LETTER) is None


def test_meldekort_benefits_are_paid_after_the_first_period_ends():
    found = vedtak_payments("dagpenger", SAK, _vedtak(dt.date(2026, 11, 4), {}), RULES, LETTER)
    assert found is not None
    assert found.parts == (PaidPart("dagpenger", "benefit", None, "meldeperiode"),)
    # The meldeperiode of 2 to 15 November 2026; the vedtak counts from its own date.
    assert found.first_period == (dt.date(2026, 11, 4), dt.date(2026, 11, 15))
    assert found.first_payment == dt.date(2026, 11, 16)
    assert found.legal_basis == "payment_dagpenger"


def test_a_rejection_pays_nothing():
    vedtak = _vedtak(dt.date(2026, 11, 1), {"monthly_amount": 1.0}, outcome="rejected")
    assert vedtak_payments("uforetrygd", SAK, vedtak, RULES, LETTER) is None
    assert (
        vedtak_payments("nonsense", SAK, _vedtak(dt.date(2026, 11, 1), {}), RULES, LETTER) is None
    )
