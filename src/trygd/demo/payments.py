"""Demo payments: one demo person whose uføretrygd has been paid for some months, so the
payment pages (`/my/payments`, the caseworker's history and failed payments) show something.

Oda was granted uføretrygd with barnetillegg a few months ago (proposed by one caseworker,
approved by another). The payment run has paid her on each payment day since, and the bank
has answered each order; the bank rejected the latest uføretrygd payment (the account was
closed), so a new attempt waits with a task until she gives a new account number. Everything
goes through the services with their clock set back, so every line, order, ledger posting,
bank status and task is what the system itself would have written on those days.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from trygd.bank.pain002 import TransferStatus, write_pain002
from trygd.demo.users import BY_ID
from trygd.domain.payments import payment_rules
from trygd.privacy.policy import Actor, Role, clearances_from, roles_from
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService
from trygd.services.unit_of_work import RequestContext
from trygd.store.models import PaymentDetails, PaymentLine, PaymentOrder, Person

HISTORY_MONTHS = 4
"""How many monthly payment days the demo history covers (not a legal value)."""
REJECTION = "AC04: closed account number"  # an ISO 20022 reason code and its text


def _employee(user: str) -> RequestContext:
    e = BY_ID[user]
    return RequestContext(
        Actor(e.id, e.name, roles_from(e.roles), e.unit, None, clearances_from(e.clearances))
    )


def _citizen(person: Person) -> RequestContext:
    return RequestContext(
        Actor(f"person:{person.id}", person.name, frozenset({Role.CITIZEN}), None, str(person.id))
    )


def payment_days(today: dt.date, months: int = HISTORY_MONTHS) -> list[dt.date]:
    """The last `months` uføretrygd payment days before `today` (the day of the month is the
    parameter `payments.uforetrygd_payment_day`), oldest first."""
    days: list[dt.date] = []
    month = today.replace(day=1)
    while len(days) < months:
        day = month.replace(day=payment_rules(month).uforetrygd_payment_day)
        if day < today:
            days.append(day)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return sorted(days)


def _answer_from_bank(
    service: CaseService,
    run_day: dt.date,
    at: dt.datetime,
    reject_kind: str | None,
    reject_persons: set[Any] | None = None,
) -> None:
    """The bank's status report (pain.002) for the orders of the run of `run_day`: every
    payment accepted, except the one of kind `reject_kind`, which is rejected."""
    with service.sessions() as session:
        orders = list(session.scalars(select(PaymentOrder).where(PaymentOrder.run_date == run_day)))
        lines = list(
            session.scalars(
                select(PaymentLine).where(
                    PaymentLine.order_id.in_([o.id for o in orders]),
                    PaymentLine.status == "ordered",
                )
            )
        )
    for order in orders:
        statuses = [
            TransferStatus(line.id.hex, "rejected", "RJCT", REJECTION)
            if line.kind == reject_kind
            and (reject_persons is None or line.person_id in reject_persons)
            else TransferStatus(line.id.hex, "accepted", "ACSC", None)
            for line in lines
            if line.order_id == order.id
        ]
        if statuses:
            report = write_pain002(f"DEMO-{order.message_id[-16:]}", at, order.message_id, statuses)
            service.payments_reconcile(report)


@dataclass(frozen=True)
class Grant:
    """One person's monthly benefit in a shared payment history: the facts applied with, the
    caseworker's reason, whether the bank rejects the last payment, and `between(past,
    clock, day, next_day, sak_id)`, run after each payment day's answer from the bank with
    the service on the history's clock (never setting it back)."""

    person: Person
    facts: dict[str, Any]
    reason: str
    reject_last: bool = False
    between: Any = None


def monthly_benefits_paid(
    service: CaseService,
    today: dt.date,
    benefit: str,
    grants: list[Grant],
    *,
    caseworker: str,
    approver: str,
) -> CaseService:
    """Monthly benefits decided before the first of the history's payment days and paid on
    each of them, by one payment run per day for all of them (a run for an earlier day after
    a later one would settle the later months as no longer due). Returns the service on the
    history's clock."""
    days = payment_days(today)
    # The right arose on the last day of the month before the first payment day's, so the
    # first month paid is that day's month (ftrl. § 22-12); decided early in that month.
    first_month = days[0].replace(day=1)
    decided = dt.datetime.combine(first_month + dt.timedelta(days=5), dt.time(10), tzinfo=dt.UTC)
    clock = FixedClock(decided)
    past = CaseService(service.engine, dataclasses.replace(service.settings, clock=clock))
    claim = first_month - dt.timedelta(days=1)
    cases: list[dict[str, Any]] = []
    for grant in grants:
        with past.sessions.begin() as session:  # the account and tax card, as known then
            details = session.get(PaymentDetails, grant.person.id)
            if details is not None:
                details.updated_at = decided - dt.timedelta(days=30)
        body = {"benefit": benefit, "claim_date": claim.isoformat(), "facts": grant.facts}
        case = past.submit_application(_citizen(grant.person), body)[1]
        cases.append(case)

        def act(user: str, action: str, case: dict[str, Any] = case, **more: Any) -> None:
            current = past.get_behandling(_employee(user), case["behandling_id"])
            past.behandling_action(
                _employee(user),
                action,
                case["behandling_id"],
                {"version": current.version, **more},
            )

        act(caseworker, "propose", reason=grant.reason)
        act(approver, "approve")
    past.run_due_jobs()
    rejected = {g.person.id for g in grants if g.reject_last}
    for index, day in enumerate(days):
        clock.now = dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC)
        past.payment_run(day)
        clock.now = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(7), tzinfo=dt.UTC)
        last = index == len(days) - 1
        _answer_from_bank(past, day, clock.now, benefit if last else None, rejected)
        past.run_due_jobs()
        next_day = days[index + 1] if not last else today
        for grant, case in zip(grants, cases, strict=True):
            if grant.between is not None:
                grant.between(past, clock, day, next_day, case["sak_id"])
    return past


def monthly_benefit_paid(
    service: CaseService,
    person: Person,
    today: dt.date,
    benefit: str,
    facts: dict[str, Any],
    *,
    caseworker: str,
    approver: str,
    reason: str,
    reject_last: bool = True,
    between: Any = None,
) -> CaseService:
    """One person's monthly benefit paid on each payment day of the history (see
    `monthly_benefits_paid`); the bank rejects the last payment unless `reject_last` is False."""
    return monthly_benefits_paid(
        service,
        today,
        benefit,
        [Grant(person, facts, reason, reject_last, between)],
        caseworker=caseworker,
        approver=approver,
    )
