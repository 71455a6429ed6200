"""What a granted vedtak will pay: the summary its letter's payment section (utbetaling) gives.

Read from the vedtak's STORED decision record through the plan the payment run itself uses
(`trygd.domain.payments.payment_plan`), so the letter states what will be paid, never a
second calculation and never a new run of the rules:

- sykepenger (`per_weekday`): the daily amount for every weekday (ftrl. § 8-11), the first
  calendar-month period and its payment day, the last day paid, and whether the money goes to
  the person or is refunded to the employer (ftrl. § 22-3);
- uføretrygd (`per_month`): each monthly amount (the benefit, barnetillegg), the first whole
  month and its payment day (ftrl. § 22-12);
- dagpenger and AAP (`per_meldekort`): paid per meldeperiode after its meldekort; the first
  period is the one the vedtak starts in, and its payment day the earliest one (the period's
  end and the payment lag), since the amount waits for the card.

A plan that cannot be made (a fact it needs is missing) gives no summary: the letter then
says what it always said, and the payment run opens a task for the missing fact.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

from trygd.domain import meldekort
from trygd.domain.payments import (
    REFUND_SUFFIX,
    PaymentRules,
    VedtakInForce,
    kroner_to_ore,
    payment_plan,
)
from trygd.rules.benefits import PROFILES

Part = Literal["benefit", "supplement", "refund"]
Per = Literal["day", "month", "meldeperiode"]
PAYMENT_HORIZON_DAYS = 62
"""How far after the effective date the plan is read to find the first monthly payment: the
first whole month starts at most a month later, and its payment day is in that month. Not a
legal value: the payment day itself is the parameter `payments.uforetrygd_payment_day`."""


@dataclass(frozen=True)
class PaidPart:
    """One part of what is paid: the benefit itself, a supplement (barnetillegg) or the
    benefit refunded to the employer; `amount_ore` per `per` (None per meldeperiode: the
    amount depends on the meldekort)."""

    kind: str
    part: Part
    amount_ore: int | None
    per: Per


@dataclass(frozen=True)
class VedtakPayments:
    """The payment summary of one granted vedtak, as of the day its letter is written."""

    parts: tuple[PaidPart, ...]
    first_period: tuple[dt.date, dt.date]
    first_payment: dt.date
    """The payment day of the first period, or the letter's date when that day has passed
    (what is owed for earlier periods is paid by the next payment run)."""
    back_pay: bool
    """The first period's payment day was before the letter: the first payment covers time
    that has already passed (etterbetaling)."""
    last_day: dt.date | None
    """The last day paid when the vedtak itself ends it (the end of the sick leave, the
    maksdato); None for a benefit that runs until a new vedtak."""
    payee: Literal["person", "employer"]
    legal_basis: str
    """The name of the basis in `legal_bases.toml` (the benefit's `Payments.legal_basis`)."""


def _part(benefit: str, kind: str) -> Part:
    if kind.endswith(REFUND_SUFFIX):
        return "refund"
    return "benefit" if kind == benefit else "supplement"


def vedtak_payments(
    benefit: str,
    sak_id: uuid.UUID,
    vedtak: VedtakInForce,
    rules: PaymentRules,
    letter_date: dt.date,
) -> VedtakPayments | None:
    """The summary of what `vedtak` pays on its own from its effective date, or None when it
    pays nothing (not granted, a benefit without payments) or the plan is undetermined."""
    profile = PROFILES.get(benefit)
    declared = profile.payments if profile is not None else None
    if declared is None or vedtak.outcome != "granted":
        return None
    if declared.schedule == "per_meldekort":
        period = meldekort.period_containing(vedtak.effective_from)
        due = period.end + dt.timedelta(days=rules.meldekort_lag_days)
        return VedtakPayments(
            (PaidPart(benefit, "benefit", None, "meldeperiode"),),
            (vedtak.effective_from, period.end),
            max(due, letter_date),
            due < letter_date,
            None,
            "person",
            declared.legal_basis,
        )
    until = (
        dt.date.max
        if declared.schedule == "per_weekday"
        else vedtak.effective_from + dt.timedelta(days=PAYMENT_HORIZON_DAYS)
    )
    plan = payment_plan(benefit, sak_id, [vedtak], until, rules)
    if plan.undetermined or not plan.payments:
        return None
    first = min(plan.payments, key=lambda p: (p.key.period_start, p.key.kind))
    first_lines = [p for p in plan.payments if p.key.period_start == first.key.period_start]
    names = dict(declared.amounts)
    parts = []
    for line in sorted(first_lines, key=lambda p: len(p.key.kind)):
        suffix = line.key.kind.removeprefix(benefit)
        name = names.get("" if suffix == REFUND_SUFFIX else suffix)
        amount = kroner_to_ore(vedtak.amounts.get(name), name) if name else line.gross_ore
        per: Per = "day" if declared.schedule == "per_weekday" else "month"
        parts.append(PaidPart(line.key.kind, _part(benefit, line.key.kind), amount, per))
    last_day = (
        max(p.key.period_end for p in plan.payments) if declared.schedule == "per_weekday" else None
    )
    return VedtakPayments(
        tuple(parts),
        (first.key.period_start, first.key.period_end),
        max(first.due, letter_date),
        first.due < letter_date,
        last_day,
        first.payee,
        declared.legal_basis,
    )
