"""Reading payments: a person's own, a person's for a caseworker, one payment in detail, and
the unit's payments that are held or were rejected by the bank.

Everything here reads what the payment run stored (`payment_lines`, `payment_orders`,
`bank_statuses`) and, to say why a period is paid as it is, the amounts of the STORED decision
record of the vedtak a line came from; no rule runs again. The run itself lives in
`trygd.services.payments` and is not touched from here.

Every read passes the access point (`trygd.services.access`) and leaves an audit record:
the person's payments as one read of the person (`payments`), one payment as a read of its
case (`payment`), the unit's list of failed payments as a list of the unit like the task queue
(`payment_problems`; its rows name a person only where the caller may open the person's case).
A caseworker sees the payments of the cases the access policy lets them read: the person's
payments are read once, and the cases of other units are left out rather than refused.

What a line is, in words the pages translate:

- `part`: the benefit itself, a supplement (barnetillegg) or a refund to the employer;
- `change`: the first payment of a period, an etterbetaling (a later vedtak gave more), a
  feilutbetaling (it gave less: a claim on the person, never sent to the bank) or a new
  attempt after the bank rejected the payment;
- `rule`: the schedule of the benefit's home (`BenefitProfile.payments`), the amount per day
  or month from the record, the weekdays paid, the meldekort of the period, and the legal
  basis from `rules/legal_bases.toml`;
- `tax`: how the tax was withheld, from the line's stored tax basis;
- `setoffs`: what of the payment (after tax) was kept to pay down a decided tilbakekreving
  claim (motregning, `tilbakekreving_setoffs`, written by the run through
  `trygd.services.recovery`), each with the claim it went to; `setoff_ore` is their sum, and
  `net_ore` (what went to the bank) is the gross less the tax and the set-off.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select

from trygd.domain.payment_summary import VedtakPayments, vedtak_payments
from trygd.domain.payments import (
    REFUND_SUFFIX,
    Undetermined,
    VedtakInForce,
    kroner_to_ore,
    payment_rules,
    weekdays,
)
from trygd.privacy.policy import Action, Actor, Subject, decide
from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits import PROFILES
from trygd.rules.record import decode
from trygd.services import access
from trygd.services.employees import employee_names
from trygd.services.intake import caller_person
from trygd.services.records import get_or_404
from trygd.services.unit_of_work import UnitOfWork
from trygd.services.views import page, short_reference
from trygd.store.models import (
    BankStatus,
    DecisionRecordRow,
    Oppgave,
    PaymentOrder,
    Person,
    Sak,
    TilbakekrevingSetoff,
    Vedtak,
)
from trygd.store.models import PaymentLine as LineRow

UPCOMING = ("planned", "held")
"""A payment not yet sent: planned for its due date, or held until a missing fact is there."""
SENT = ("ordered", "accepted", "accepted_with_warning")
PROBLEMS = ("held", "rejected")
RECOVERY_BASIS = "payment_recovery"
REFUND_BASIS = "payment_employer_refund"
WITHHOLDING_PARAMETER = "payments.default_withholding_rate"
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


# -- read models --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRule:
    """Why a period is paid as it is: the benefit's schedule, the amount per day or month the
    stored vedtak gives (`rate_ore`), the weekdays paid (sykepenger), the meldekort of the
    period (dagpenger, AAP), and the legal bases as printed."""

    schedule: str
    rate_ore: int | None
    days: int | None
    meldekort_period_start: str | None
    vedtak_id: str | None
    vedtak_date: str | None
    legal_basis: str


@dataclass(frozen=True)
class TaxWithheld:
    """How tax was withheld: `card` is percentage, table, frikort or none (no tax card, the
    default rate), with the percentage where one applied and its legal basis."""

    card: str
    percent: str | None
    legal_basis: str


@dataclass(frozen=True)
class BankAnswer:
    status: str
    reason: str | None
    received_at: str


@dataclass(frozen=True)
class SetOff:
    """Part of a payment kept to pay down a tilbakekreving claim (the claim's id)."""

    tilbakekreving_id: str
    amount_ore: int


@dataclass(frozen=True)
class PaymentView:
    """One payment (or recovery) line as a person or a caseworker reads it."""

    id: str
    sak_id: str
    benefit: str
    kind: str
    part: str  # benefit | supplement | refund
    change: str  # first | etterbetaling | feilutbetaling | new_attempt
    period_start: str
    period_end: str
    correction: int
    due_date: str
    paid_on: str | None  # the day the bank was asked to pay (the order's date)
    gross_ore: int
    tax_ore: int | None
    net_ore: int | None  # paid out: the gross less the tax and the set-off
    status: str
    held_reason: str | None
    payee: str  # person | employer
    rule: PaymentRule
    tax: TaxWithheld | None
    bank: BankAnswer | None
    setoff_ore: int = 0
    setoffs: tuple[SetOff, ...] = ()

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = dataclasses.asdict(self)
        return result


@dataclass(frozen=True)
class PaymentList:
    """A person's payments: the upcoming ones (all), then a page of the past ones, newest
    first, with the sums paid (gross, tax and net) of every past payment."""

    person_id: str
    person_name: str
    upcoming: tuple[PaymentView, ...]
    past: tuple[PaymentView, ...]
    past_total: int
    limit: int
    offset: int
    paid_gross_ore: int
    paid_tax_ore: int
    paid_net_ore: int
    paid_setoff_ore: int
    """Kept of the payments to pay down tilbakekreving claims, in all (gross = tax + set-off +
    net)."""
    last_sent: PaymentView | None
    """The newest payment sent to the bank and not rejected (for a short summary)."""

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = dataclasses.asdict(self)
        return result


@dataclass(frozen=True)
class PaymentDetail:
    """One payment with every line of its period (the first payment, corrections, attempts)."""

    payment: PaymentView
    period_lines: tuple[PaymentView, ...]
    person_id: str

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = dataclasses.asdict(self)
        return result


@dataclass(frozen=True)
class PaymentTask:
    id: str
    behandling_id: str
    reason: str
    assigned_to: str | None
    assigned_to_name: str | None
    created_at: str


@dataclass(frozen=True)
class PaymentProblem:
    """A payment of the unit that is held or was rejected, with why and the task about it.
    `person_name` and `person_id` are None where the caller may not open the person's case
    (a protected address without the clearance)."""

    payment: PaymentView
    reason: str
    bank_reason: str | None
    reference: str
    person_id: str | None
    person_name: str | None
    task: PaymentTask | None


@dataclass(frozen=True)
class PaymentProblems:
    items: tuple[PaymentProblem, ...]
    total: int
    limit: int
    offset: int

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = dataclasses.asdict(self)
        return result


# -- building the views -------------------------------------------------------------------------


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def _basis(name: str) -> str:
    return default_ruleset().parameters.legal_basis(name).text


def _part(line: LineRow) -> str:
    if line.kind.endswith(REFUND_SUFFIX):
        return "refund"
    return "benefit" if line.kind == line.benefit else "supplement"


def _tax(line: LineRow) -> TaxWithheld | None:
    """The withholding as the run recorded it (`trygd.domain.tax.withhold` wrote the basis)."""
    basis = line.tax_basis
    if basis is None or line.tax_ore is None:
        return None
    legal = default_ruleset().parameters[WITHHOLDING_PARAMETER].legal_basis
    found = _PERCENT.search(basis)
    percent = found.group(1).removesuffix(".0") if found else None
    if basis.startswith("no tax card"):
        return TaxWithheld("none", percent, legal)
    if basis.startswith("percentage card"):
        return TaxWithheld("percentage", percent, legal)
    if basis.startswith("table card"):
        return TaxWithheld("table", None, legal)
    if basis == "frikort":
        return TaxWithheld("frikort", None, legal)
    return TaxWithheld("nothing", None, legal)  # a recovery: no tax on a negative line


@dataclass(frozen=True)
class _Vedtak:
    decided: dt.datetime
    amounts: dict[str, Any]


def _vedtak_of(uow: UnitOfWork, lines: Iterable[LineRow]) -> dict[uuid.UUID, _Vedtak]:
    """The decision date and the stored record's amounts of each line's vedtak, in one query
    (only the amounts of each record: the plan's own reading, `payments._chain`, does so too)."""
    ids = {line.vedtak_id for line in lines if line.vedtak_id is not None}
    if not ids:
        return {}
    rows = uow.session.execute(
        select(Vedtak.id, Vedtak.decided_at, DecisionRecordRow.record["amounts"])
        .join(DecisionRecordRow, DecisionRecordRow.id == Vedtak.record_id)
        .where(Vedtak.id.in_(ids))
    ).all()
    return {vid: _Vedtak(decided, decode(amounts or {})) for vid, decided, amounts in rows}


def _rule(line: LineRow, vedtak: _Vedtak | None) -> PaymentRule:
    profile = PROFILES.get(line.benefit)
    declared = profile.payments if profile is not None else None
    schedule = declared.schedule if declared is not None else "unknown"
    bases = [_basis(declared.legal_basis)] if declared and declared.legal_basis else []
    if line.kind.endswith(REFUND_SUFFIX):
        bases.append(_basis(REFUND_BASIS))
    if line.gross_ore < 0:
        bases.append(_basis(RECOVERY_BASIS))
    rate = days = None
    if declared is not None and vedtak is not None and schedule != "per_meldekort":
        suffix = line.kind.removeprefix(line.benefit)
        name = dict(declared.amounts).get("" if suffix == REFUND_SUFFIX else suffix)
        if name:
            try:
                rate = kroner_to_ore(vedtak.amounts.get(name), name)
            except Undetermined:
                rate = None
    if schedule == "per_weekday":
        days = weekdays(line.period_start, line.period_end)
    return PaymentRule(
        schedule,
        rate,
        days,
        line.period_start.isoformat() if schedule == "per_meldekort" else None,
        str(line.vedtak_id) if line.vedtak_id else None,
        _iso(vedtak.decided.date()) if vedtak else None,
        "; ".join(bases),
    )


def _changes(lines: Sequence[LineRow]) -> dict[uuid.UUID, str]:
    """What each line is to its period: the first payment, an etterbetaling, a feilutbetaling,
    or a new attempt (the line before it in the period was rejected by the bank)."""
    by_key: dict[tuple[Any, ...], dict[int, LineRow]] = {}
    for line in lines:
        key = (line.sak_id, line.kind, line.period_start, line.period_end)
        by_key.setdefault(key, {})[line.correction] = line
    out: dict[uuid.UUID, str] = {}
    for period in by_key.values():
        for correction, line in period.items():
            before = period.get(correction - 1)
            if correction == 0:
                out[line.id] = "first"
            elif before is not None and before.status == "rejected":
                out[line.id] = "new_attempt"
            elif line.gross_ore < 0:
                out[line.id] = "feilutbetaling"
            else:
                out[line.id] = "etterbetaling"
    return out


def _views(
    uow: UnitOfWork, lines: Sequence[LineRow], context: Sequence[LineRow] = ()
) -> list[PaymentView]:
    """The lines as views; `context` holds the other lines of their periods (for `change`)."""
    vedtak = _vedtak_of(uow, lines)
    setoffs = _setoffs(uow, lines)
    orders = _orders(uow, lines)
    answers = _bank_answers(uow, lines)
    changes = _changes([*lines, *context])
    return [
        PaymentView(
            id=str(line.id),
            sak_id=str(line.sak_id),
            benefit=line.benefit,
            kind=line.kind,
            part=_part(line),
            change=changes.get(line.id, "first"),
            period_start=line.period_start.isoformat(),
            period_end=line.period_end.isoformat(),
            correction=line.correction,
            due_date=line.due_date.isoformat(),
            paid_on=_paid_on(line, orders),
            gross_ore=line.gross_ore,
            tax_ore=line.tax_ore,
            net_ore=line.net_ore,
            status=line.status,
            held_reason=line.held_reason,
            payee=line.payee,
            rule=_rule(line, vedtak.get(line.vedtak_id) if line.vedtak_id else None),
            tax=_tax(line),
            bank=answers.get(line.id),
            setoff_ore=sum(s.amount_ore for s in setoffs.get(line.id, ())),
            setoffs=tuple(setoffs.get(line.id, ())),
        )
        for line in lines
    ]


def _setoffs(uow: UnitOfWork, lines: Iterable[LineRow]) -> dict[uuid.UUID, list[SetOff]]:
    """The set-offs of each paid line (one query), oldest claim first as the run took them."""
    ids = [line.id for line in lines if line.gross_ore > 0 and line.tax_ore is not None]
    if not ids:
        return {}
    found: dict[uuid.UUID, list[SetOff]] = {}
    rows = uow.session.execute(
        select(
            TilbakekrevingSetoff.line_id,
            TilbakekrevingSetoff.tilbakekreving_id,
            TilbakekrevingSetoff.amount_ore,
        )
        .where(TilbakekrevingSetoff.line_id.in_(ids))
        .order_by(TilbakekrevingSetoff.created_at, TilbakekrevingSetoff.id)
    )
    for line_id, case_id, amount in rows:
        found.setdefault(line_id, []).append(SetOff(str(case_id), int(amount)))
    return found


def _orders(uow: UnitOfWork, lines: Iterable[LineRow]) -> dict[uuid.UUID, dt.date]:
    ids = {line.order_id for line in lines if line.order_id is not None}
    if not ids:
        return {}
    rows = uow.session.execute(
        select(PaymentOrder.id, PaymentOrder.run_date).where(PaymentOrder.id.in_(ids))
    ).all()
    return dict(rows)


def _paid_on(line: LineRow, orders: dict[uuid.UUID, dt.date]) -> str | None:
    if line.order_id is not None and line.order_id in orders:
        return orders[line.order_id].isoformat()
    if line.status == "withheld_in_full":  # all of it went to tax: settled, nothing sent
        return _iso(line.updated_at.date())
    return None


def _bank_answers(uow: UnitOfWork, lines: Iterable[LineRow]) -> dict[uuid.UUID, BankAnswer]:
    """The bank's latest answer for each sent line (pain.002), if one came."""
    ids = [line.id for line in lines if line.order_id is not None]
    if not ids:
        return {}
    found: dict[uuid.UUID, BankAnswer] = {}
    rows = uow.session.scalars(
        select(BankStatus).where(BankStatus.line_id.in_(ids)).order_by(BankStatus.received_at)
    )
    for row in rows:
        if row.line_id is not None:
            found[row.line_id] = BankAnswer(row.status, row.reason, str(_iso(row.received_at)))
    return found


def _sort_key_past(view: PaymentView) -> tuple[str, str]:
    """Newest payment day first, then the latest period (the benefit before its supplement
    within a period: the sort before this one is by kind, and sorting keeps that order)."""
    return (view.paid_on or view.due_date, view.period_start)


def _person_payments(
    uow: UnitOfWork, person: Person, sak_ids: Sequence[uuid.UUID] | None, limit: int, offset: int
) -> PaymentList:
    """The person's payments, of the cases `sak_ids` (None: all their cases)."""
    query = select(LineRow).where(LineRow.person_id == person.id)
    if sak_ids is not None:
        query = query.where(LineRow.sak_id.in_(sak_ids))
    lines = list(uow.session.scalars(query))
    views = _views(uow, lines)
    upcoming = sorted(
        (v for v in views if v.status in UPCOMING),
        key=lambda v: (v.due_date, v.period_start, v.kind, v.correction),
    )
    past = sorted(
        sorted(
            (v for v in views if v.status not in UPCOMING), key=lambda v: (v.kind, v.correction)
        ),
        key=_sort_key_past,
        reverse=True,
    )
    settled = [v for v in past if v.status in (*SENT, "withheld_in_full")]
    return PaymentList(
        person_id=str(person.id),
        person_name=person.name,
        upcoming=tuple(upcoming),
        past=tuple(past[offset : offset + limit]),
        past_total=len(past),
        limit=limit,
        offset=offset,
        paid_gross_ore=sum(v.gross_ore for v in settled),
        paid_tax_ore=sum(v.tax_ore or 0 for v in settled),
        paid_net_ore=sum(v.net_ore or 0 for v in settled),
        paid_setoff_ore=sum(v.setoff_ore for v in settled),
        last_sent=next((v for v in past if v.status in SENT), None),
    )


# -- the use cases ------------------------------------------------------------------------------


def own_payments(uow: UnitOfWork, limit: int, offset: int) -> PaymentList:
    """The calling citizen's payments (one audit record: a read of their own data)."""
    limit, offset = page(limit, offset)
    person = caller_person(uow, Action.READ_CASE)
    access.check(
        uow,
        Action.READ_CASE,
        access.subject_for_person(uow, person),
        object_type="payments",
        object_id=person.id,
    )
    return _person_payments(uow, person, None, limit, offset)


def _readable_saker(uow: UnitOfWork, actor: Actor, person: Person) -> list[uuid.UUID]:
    """The person's cases the caller may read, by the access policy (decided per case, not
    audited again: the read of the person's payments is)."""
    saker = list(uow.session.scalars(select(Sak).where(Sak.person_id == person.id)))
    allowed = []
    for sak in saker:
        subject = access.subject_for_person(uow, person, sak)
        if decide(actor, Action.READ_CASE, subject, None).permit:
            allowed.append(sak.id)
    return allowed


def person_payments(uow: UnitOfWork, person_id: uuid.UUID, limit: int, offset: int) -> PaymentList:
    """A person's payments for an employee: audited as a read of the person's data; only the
    cases the employee may read are shown."""
    limit, offset = page(limit, offset)
    person: Person = get_or_404(uow, Person, person_id, "person")
    access.check(
        uow,
        Action.READ_CASE,
        access.subject_for_person(uow, person),
        object_type="payments",
        object_id=person.id,
    )
    saker = (
        None if uow.actor.person_id == str(person.id) else _readable_saker(uow, uow.actor, person)
    )
    return _person_payments(uow, person, saker, limit, offset)


def payment(uow: UnitOfWork, line_id: uuid.UUID) -> PaymentDetail:
    """One payment and every line of its period, audited as a read of its case."""
    line: LineRow = get_or_404(uow, LineRow, line_id, "payment")
    sak = uow.session.get(Sak, line.sak_id)
    assert sak is not None  # a foreign key guarantees it
    access.check_case(uow, Action.READ_CASE, sak, object_type="payment", object_id=line.id)
    period = list(
        uow.session.scalars(
            select(LineRow)
            .where(
                LineRow.sak_id == line.sak_id,
                LineRow.kind == line.kind,
                LineRow.period_start == line.period_start,
                LineRow.period_end == line.period_end,
            )
            .order_by(LineRow.correction)
        )
    )
    views = _views(uow, period)
    this = next(v for v in views if v.id == str(line.id))
    return PaymentDetail(this, tuple(views), str(line.person_id))


def _tasks(uow: UnitOfWork, sak_ids: set[uuid.UUID]) -> dict[tuple[uuid.UUID, str], Oppgave]:
    if not sak_ids:
        return {}
    rows = uow.session.scalars(
        select(Oppgave)
        .where(
            Oppgave.sak_id.in_(sak_ids),
            Oppgave.kind == "payment",
            Oppgave.status == "open",
        )
        .order_by(Oppgave.created_at)
    )
    found: dict[tuple[uuid.UUID, str], Oppgave] = {}
    for task in rows:
        found.setdefault((task.sak_id, task.reason), task)
    return found


def _problem_reason(line: LineRow) -> str:
    """The code of the task the run opened for the line (`trygd.services.payments`)."""
    if line.status == "rejected" or line.held_reason == "payment_rejected":
        return "payment_rejected"
    return f"payment_held_{line.held_reason or 'unknown'}"


def payment_problems(uow: UnitOfWork, limit: int, offset: int) -> PaymentProblems:
    """The caller's unit's payments that wait: held (a fact is missing) or rejected by the
    bank and not yet paid again, oldest due first, each with its reason and open task.

    One audit record covers the list (like the task queue); a row names its person only
    where the caller could open the person's case, and persons whose protection or skjerming
    the caller is not cleared for are left out (as in the queue)."""
    limit, offset = page(limit, offset)
    actor = uow.actor
    access.check(
        uow, Action.LIST_PAYMENT_PROBLEMS, object_type="payment_problems", object_id=actor.unit
    )
    if actor.unit is None:
        return PaymentProblems((), 0, limit, offset)
    newest = (
        select(
            LineRow.sak_id,
            LineRow.kind,
            LineRow.period_start,
            LineRow.period_end,
            func.max(LineRow.correction).label("last"),
        )
        .group_by(LineRow.sak_id, LineRow.kind, LineRow.period_start, LineRow.period_end)
        .subquery()
    )
    conditions = [
        Sak.unit == actor.unit,
        or_(
            LineRow.status == "held",
            (LineRow.status == "rejected") & (LineRow.correction == newest.c["last"]),
        ),
    ]
    conditions.append(Person.id.not_in(access.hidden_persons(uow)))
    base = (
        select(LineRow)
        .join(Sak, Sak.id == LineRow.sak_id)
        .join(Person, Person.id == LineRow.person_id)
        .join(
            newest,
            (newest.c.sak_id == LineRow.sak_id)
            & (newest.c.kind == LineRow.kind)
            & (newest.c.period_start == LineRow.period_start)
            & (newest.c.period_end == LineRow.period_end),
        )
        .where(*conditions)
    )
    total = uow.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    lines = list(
        uow.session.scalars(base.order_by(LineRow.due_date, LineRow.id).limit(limit).offset(offset))
    )
    earlier = _rejected_before(uow, lines)
    views = {v.id: v for v in _views(uow, lines, list(earlier.values()))}
    persons = {
        p.id: p
        for p in uow.session.scalars(
            select(Person).where(Person.id.in_({line.person_id for line in lines}))
        )
    }
    saker = {
        s.id: s
        for s in uow.session.scalars(select(Sak).where(Sak.id.in_({ln.sak_id for ln in lines})))
    }
    tasks = _tasks(uow, set(saker))
    names = employee_names(uow, {t.assigned_to for t in tasks.values() if t.assigned_to})
    rejected_answers = _bank_answers(uow, earlier.values())
    items = []
    for line in lines:
        reason = _problem_reason(line)
        view = views[str(line.id)]
        bank = view.bank
        if bank is None and line.id in earlier:
            bank = rejected_answers.get(earlier[line.id].id)
        task = tasks.get((line.sak_id, reason))
        person = persons[line.person_id]
        visible = _may_read(actor, person, saker[line.sak_id])
        items.append(
            PaymentProblem(
                payment=view,
                reason=reason,
                bank_reason=bank.reason if bank is not None else None,
                reference=short_reference(line.sak_id),
                person_id=str(person.id) if visible else None,
                person_name=person.name if visible else None,
                task=PaymentTask(
                    str(task.id),
                    str(task.behandling_id),
                    task.reason,
                    task.assigned_to,
                    names.get(task.assigned_to or ""),
                    str(_iso(task.created_at)),
                )
                if task is not None
                else None,
            )
        )
    return PaymentProblems(tuple(items), total, limit, offset)


def _rejected_before(uow: UnitOfWork, lines: Sequence[LineRow]) -> dict[uuid.UUID, LineRow]:
    """For each held new attempt, the rejected line it replaces (for the bank's reason)."""
    found: dict[uuid.UUID, LineRow] = {}
    for line in lines:
        if line.held_reason != "payment_rejected" or line.correction == 0:
            continue
        before = uow.session.scalars(
            select(LineRow).where(
                LineRow.sak_id == line.sak_id,
                LineRow.kind == line.kind,
                LineRow.period_start == line.period_start,
                LineRow.period_end == line.period_end,
                LineRow.correction == line.correction - 1,
            )
        ).first()
        if before is not None:
            found[line.id] = before
    return found


def _may_read(actor: Actor, person: Person, sak: Sak) -> bool:
    units = frozenset({sak.unit})
    subject = Subject(str(person.id), person.protection, person.skjermet, case_units=units)
    return decide(actor, Action.READ_CASE, subject, None).permit


# -- the letter's payment section ----------------------------------------------------------------


def vedtak_payment_summary(
    uow: UnitOfWork, vedtak: Vedtak, benefit: str, letter_date: dt.date
) -> VedtakPayments | None:
    """What a vedtak pays, from its stored decision record, for its letter (the caller, the
    letter job or the preview, has checked access to the case already)."""
    row = uow.session.execute(
        select(DecisionRecordRow.record["amounts"], DecisionRecordRow.record["input_facts"]).where(
            DecisionRecordRow.id == vedtak.record_id
        )
    ).first()
    if row is None:
        return None
    in_force = VedtakInForce(
        vedtak.id,
        vedtak.effective_from,
        vedtak.outcome,
        decode(row[0] or {}),
        decode(row[1] or {}),
    )
    try:
        return vedtak_payments(
            benefit, vedtak.sak_id, in_force, payment_rules(vedtak.effective_from), letter_date
        )
    except (Undetermined, ValueError):
        return None
