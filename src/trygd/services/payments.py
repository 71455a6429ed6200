"""Payments (utbetaling): planning lines, the payment run, reconciliation and the checks.

One payment run for a date (`run`, called by `trygd payments run` and the scheduled job):

1. claim the run for the date (`payment_runs`: a holder and a lease that expires, so a run
   that died never blocks the next one; a holder on this machine whose process is gone is
   taken over at once);
2. plan: for every sak with a vedtak, settle its payment plan (`trygd.domain.payments`,
   read from the stored decision records) against the lines stored, and insert the new lines
   under their deterministic ids (INSERT ... ON CONFLICT DO NOTHING), a batch of saker per
   transaction;
3. order: per transaction, take a batch of planned (or held) lines due by the date (on
   PostgreSQL `FOR UPDATE SKIP LOCKED`, so two runs never take one line), withhold tax by the
   person's tax card, write one pain.001 order (`trygd.bank`), store it, mark the lines
   ordered and post the ledger;
4. mark the run finished.

Every step is idempotent: a repeated run finds the lines stored and settled, and nothing due
that is not ordered. A run killed at any point leaves either a whole step committed or none
of it; the next run goes on from there. Each line is paid once because its id is its
primary key and a line leaves `planned` only inside the transaction that orders it.

Every sak a run touches is checked and audited through `trygd.services.access` (the system
actor, `run_job`).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from trygd.domain import ledger
from trygd.domain import payments as plan_domain
from trygd.domain.payments import (
    ExistingLine,
    MeldekortPeriod,
    PaymentKey,
    Plan,
    Simulation,
    VedtakInForce,
)
from trygd.domain.tax import card_from_fact, tax_rules, withhold
from trygd.privacy.policy import Action
from trygd.rules.benefits import PROFILES
from trygd.rules.record import DecisionRecord, decode
from trygd.services import access, meldekort, recovery
from trygd.services.errors import Conflict, InvalidInput
from trygd.services.records import open_oppgave
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import (
    BankStatus,
    Behandling,
    DecisionRecordRow,
    LedgerPosting,
    Oppgave,
    PaymentDetails,
    PaymentOrder,
    PaymentRun,
    PaymentSimulation,
    Person,
    RefundClaim,
    Sak,
    Vedtak,
)
from trygd.store.models import PaymentLine as LineRow

PLAN_BATCH = 500  # saker planned per transaction
ORDER_BATCH = 20_000  # lines per order transaction and pain.001 file
MAX_CREDITOR_NAME = 70  # ISO 20022 Max70Text
LINES = cast(Table, LineRow.__table__)
POSTINGS = cast(Table, LedgerPosting.__table__)
PAID_STATUSES = ("ordered", "accepted", "accepted_with_warning")
OPEN_STATUSES = ("planned", "held")
DEBTOR_NAME = "NAV"
# The account NAV pays from: a demo value (a valid Norwegian account number with a check
# digit); production reads it from configuration.
DEBTOR_ACCOUNT = os.environ.get("TRYGD_PAYMENT_DEBTOR_ACCOUNT", "76940512057")
DEBTOR_ORGANISATION = "889640782"  # NAV's organisation number (Brønnøysundregistrene)

MeldekortSource = Callable[[UnitOfWork, uuid.UUID], Iterable[MeldekortPeriod]]


def _meldekort_from_services(uow: UnitOfWork, sak_id: uuid.UUID) -> Iterable[MeldekortPeriod]:
    """The approved meldekort periods of a sak. Every caller of the plan has checked and
    audited its access to the sak already, so this read adds no second audit record."""
    periods: Iterable[MeldekortPeriod] = meldekort.approved_periods_checked(uow, sak_id)
    return periods


meldekort_periods: MeldekortSource = _meldekort_from_services


class RunBusy(Conflict):
    """Another payment run for the date holds the claim and its lease has not run out."""


# -- reading a sak's plan -----------------------------------------------------------------------


def _chain(uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[VedtakInForce]]:
    """Every vedtak of the saker with its stored decision record's outcome, amounts and input
    facts, oldest first. Only those two parts of each record are read from the database (a
    record also holds every name its texts use: far more than a plan needs)."""
    rows = uow.session.execute(
        select(
            Vedtak.id,
            Vedtak.sak_id,
            Vedtak.effective_from,
            Vedtak.outcome,
            DecisionRecordRow.record["amounts"],
            DecisionRecordRow.record["input_facts"],
        )
        .join(DecisionRecordRow, DecisionRecordRow.id == Vedtak.record_id)
        .where(Vedtak.sak_id.in_(sak_ids))
        .order_by(Vedtak.decided_at)
    ).all()
    out: dict[uuid.UUID, list[VedtakInForce]] = {}
    for vedtak_id, sak_id, effective_from, outcome, amounts, facts in rows:
        out.setdefault(sak_id, []).append(
            VedtakInForce(
                vedtak_id, effective_from, outcome, decode(amounts or {}), decode(facts or {})
            )
        )
    return out


def _existing(uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[ExistingLine]]:
    rows = uow.session.execute(
        select(
            LineRow.sak_id,
            LineRow.kind,
            LineRow.period_start,
            LineRow.period_end,
            LineRow.correction,
            LineRow.gross_ore,
            LineRow.status,
        ).where(LineRow.sak_id.in_(sak_ids))
    ).all()
    out: dict[uuid.UUID, list[ExistingLine]] = {}
    for sak_id, kind, start, end, correction, gross, status in rows:
        key = PaymentKey(sak_id, kind, start, end)
        out.setdefault(sak_id, []).append(
            ExistingLine(key, correction, gross, cancelled=status == "rejected")
        )
    return out


def sak_plan(
    uow: UnitOfWork,
    sak: Sak,
    chain: Sequence[VedtakInForce],
    until: dt.date,
    *,
    source: MeldekortSource | None = None,
) -> Plan:
    """The payment plan of one sak up to `until`, from its vedtak chain."""
    periods: Iterable[MeldekortPeriod] = ()
    profile = PROFILES.get(sak.benefit)
    if profile is not None and profile.payments and profile.payments.schedule == "per_meldekort":
        periods = (source or meldekort_periods)(uow, sak.id)
    return plan_domain.payment_plan(
        sak.benefit, sak.id, chain, until, plan_domain.payment_rules(until), periods
    )


def _insert_ignoring_existing(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Insert payment lines; a line whose id (or key) is stored already is left as it is."""
    if not rows:
        return
    dialect = uow.session.get_bind().dialect.name
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Core executemany (psycopg pipelines it): no ORM bookkeeping for rows nothing reads back.
    uow.session.connection().execute(upsert(LINES).on_conflict_do_nothing(), rows)


def plan_saker(uow: UnitOfWork, saker: Sequence[Sak], until: dt.date) -> tuple[int, int]:
    """Store the new lines of each sak's plan up to `until`; returns (lines added, saker
    whose plan is undetermined). An undetermined plan opens a task, once."""
    chains = _chain(uow, [s.id for s in saker])
    existing = _existing(uow, [s.id for s in saker])
    # Loaded in one query and held here, so the access checks find them in the session.
    persons = list(
        uow.session.scalars(select(Person).where(Person.id.in_({s.person_id for s in saker})))
    )
    rows: list[dict[str, Any]] = []
    undetermined = 0
    for sak in saker:
        chain = chains.get(sak.id, [])
        if not chain:
            continue
        person = access.check_case(
            uow, Action.RUN_JOB, sak, object_type="payment_plan", object_id=sak.id
        )
        plan = sak_plan(uow, sak, chain, until)
        latest = chain[-1].vedtak_id
        if plan.undetermined:
            undetermined += 1
            _task_once(uow, sak, person, latest, "payment_plan_undetermined")
        for line in plan_domain.settle(plan.payments, existing.get(sak.id, [])):
            rows.append(
                {
                    "id": line.id,
                    "sak_id": sak.id,
                    "person_id": sak.person_id,
                    "vedtak_id": line.vedtak_id or latest,
                    "benefit": sak.benefit,
                    "kind": line.key.kind,
                    "period_start": line.key.period_start,
                    "period_end": line.key.period_end,
                    "correction": line.correction,
                    "due_date": line.due,
                    "gross_ore": line.gross_ore,
                    "tax_ore": None,
                    "net_ore": None,
                    "payee": line.payee,
                    "payee_account": None,  # a person's or employer's: read when ordered
                    "basis": line.basis,
                    "tax_basis": None,
                    "status": "planned",
                    "held_reason": None,
                    "order_id": None,
                    "created_at": uow.now,
                    "updated_at": uow.now,
                }
            )
    _insert_ignoring_existing(uow, rows)
    del persons
    return len(rows), undetermined


def _task_once(
    uow: UnitOfWork, sak: Sak, person: Person, vedtak_id: uuid.UUID | None, reason: str
) -> None:
    """Open a payment task on the sak unless one for the same reason is open already."""
    already = uow.session.scalars(
        select(Oppgave.id).where(
            Oppgave.sak_id == sak.id, Oppgave.reason == reason, Oppgave.status == "open"
        )
    ).first()
    if already is not None:
        return
    behandling_id = None
    if vedtak_id is not None:
        behandling_id = uow.session.scalar(
            select(Vedtak.behandling_id).where(Vedtak.id == vedtak_id)
        )
    if behandling_id is None:
        behandling_id = uow.session.scalar(
            select(Behandling.id)
            .where(Behandling.sak_id == sak.id)
            .order_by(Behandling.created_at.desc())
        )
    behandling = uow.session.get(Behandling, behandling_id)
    assert behandling is not None  # a sak with a vedtak has a behandling
    open_oppgave(uow, sak, behandling, person, "payment", reason)


def on_vedtak(uow: UnitOfWork, vedtak: Vedtak) -> int:
    """Iverksetting: store the lines the vedtak makes due today (etterbetaling included);
    the next payment run orders them. A revurdering's corrections are made here too."""
    sak = uow.session.get(Sak, vedtak.sak_id)
    assert sak is not None
    added, _ = plan_saker(uow, [sak], uow.now.date())
    return added


# -- the run ------------------------------------------------------------------------------------


def this_holder() -> str:
    """Who holds a run: this machine and process, and a random part for threads."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _holder_gone(holder: str | None) -> bool:
    """True when the holder was a process on this machine that no longer exists (killed):
    its claim need not wait for the lease to run out."""
    if not holder:
        return True
    parts = holder.split(":")
    if len(parts) != 3 or parts[0] != socket.gethostname()[:40]:
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError):
        return False
    return False


def _lease(at: dt.date) -> dt.timedelta:
    from trygd.rules.assessment import default_ruleset

    minutes = default_ruleset().parameters["payments.run_lease_minutes"].value_at(at).value
    return dt.timedelta(minutes=minutes)


def claim_run(uow: UnitOfWork, run_date: dt.date, holder: str) -> uuid.UUID:
    """Take the run of `run_date` for `holder`, or raise RunBusy while another holds it."""
    access.check(uow, Action.RUN_JOB, object_type="payment_run", object_id=run_date.isoformat())
    query = select(PaymentRun).where(PaymentRun.run_date == run_date)
    if uow.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    run = uow.session.scalars(query).first()
    until = uow.now + _lease(run_date)
    if run is None:
        run = PaymentRun(
            id=uuid.uuid4(),
            run_date=run_date,
            status="running",
            holder=holder,
            lease_until=until,
            started_at=uow.now,
            attempts=1,
        )
        uow.session.add(run)
        uow.flush()  # a concurrent first run fails here on the unique run_date
        return run.id
    if (
        run.status == "running"
        and run.holder != holder
        and run.lease_until is not None
        and _aware(run.lease_until) > uow.now
        and not _holder_gone(run.holder)
    ):
        raise RunBusy(
            f"the payment run for {run_date.isoformat()} is in progress "
            f"(its claim runs until {_aware(run.lease_until).isoformat(timespec='seconds')})"
        )
    run.status = "running"
    run.holder = holder
    run.lease_until = until
    run.attempts += 1
    run.finished_at = None
    return run.id


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def renew(uow: UnitOfWork, run_id: uuid.UUID, holder: str) -> None:
    """Extend the claim; a run whose claim was taken over stops (its work is not lost: the
    other run does it)."""
    result = uow.session.execute(
        update(PaymentRun)
        .where(PaymentRun.id == run_id, PaymentRun.holder == holder)
        .values(lease_until=uow.now + _lease(uow.now.date()))
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise RunBusy("this payment run's claim was taken over by another run")


def finish_run(uow: UnitOfWork, run_id: uuid.UUID, holder: str) -> None:
    renew(uow, run_id, holder)
    uow.session.execute(
        update(PaymentRun)
        .where(PaymentRun.id == run_id)
        .values(status="finished", finished_at=uow.now, lease_until=None)
    )


def saker_with_vedtak(uow: UnitOfWork) -> list[uuid.UUID]:
    return list(uow.session.scalars(select(Vedtak.sak_id).distinct().order_by(Vedtak.sak_id)))


def plan_batch(
    uow: UnitOfWork, run_id: uuid.UUID, holder: str, sak_ids: Sequence[uuid.UUID], until: dt.date
) -> tuple[int, int]:
    renew(uow, run_id, holder)
    saker = list(uow.session.scalars(select(Sak).where(Sak.id.in_(sak_ids))))
    return plan_saker(uow, saker, until)


@dataclass(frozen=True)
class OrderResult:
    order_id: uuid.UUID | None
    message_id: str | None
    ordered: int
    ordered_net_ore: int
    tax_ore: int
    held: int
    recoveries: int
    lines_seen: int = 0
    last: tuple[uuid.UUID, uuid.UUID] | None = None  # where the next batch starts
    message_ids: tuple[str, ...] = ()

    def plus(self, other: OrderResult) -> OrderResult:
        """Two batches' results together (the first order's id and message id stay)."""
        return OrderResult(
            self.order_id or other.order_id,
            self.message_id or other.message_id,
            self.ordered + other.ordered,
            self.ordered_net_ore + other.ordered_net_ore,
            self.tax_ore + other.tax_ore,
            self.held + other.held,
            self.recoveries + other.recoveries,
            self.lines_seen + other.lines_seen,
            other.last or self.last,
            self.message_ids + other.message_ids,
        )


@dataclass
class _Transfer:
    line: LineRow
    name: str


def order_due(
    uow: UnitOfWork,
    run_id: uuid.UUID,
    holder: str | None,
    run_date: dt.date,
    *,
    after: tuple[uuid.UUID, uuid.UUID] | None = None,
    limit: int | None = None,
) -> OrderResult:
    """Order the planned (or held) lines due by `run_date`, in this one transaction: all of
    them, or the first `limit` after the (person, line) `after`; the run calls it batch by
    batch (one order file each) until a batch comes back short."""
    if holder is not None:
        renew(uow, run_id, holder)
    query = (
        select(LineRow)
        .where(LineRow.status.in_(OPEN_STATUSES), LineRow.due_date <= run_date)
        .order_by(LineRow.person_id, LineRow.id)
    )
    if after is not None:
        query = query.where(tuple_(LineRow.person_id, LineRow.id) > tuple_(*after))
    if limit is not None:
        query = query.limit(limit)
    if uow.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    lines = list(uow.session.scalars(query))
    if not lines:
        return OrderResult(None, None, 0, 0, 0, 0, 0)
    sak_ids = sorted({line.sak_id for line in lines})
    saker = {s.id: s for s in uow.session.scalars(select(Sak).where(Sak.id.in_(sak_ids)))}
    person_ids = sorted({line.person_id for line in lines})
    persons = {
        p.id: p for p in uow.session.scalars(select(Person).where(Person.id.in_(person_ids)))
    }
    details = {
        d.person_id: d
        for d in uow.session.scalars(
            select(PaymentDetails).where(PaymentDetails.person_id.in_(person_ids))
        )
    }
    refunds = _refund_claims(uow, {line.sak_id for line in lines if line.payee == "employer"})
    rules = tax_rules(run_date)
    checked: set[uuid.UUID] = set()
    transfers: list[_Transfer] = []
    postings: list[ledger.Posting] = []
    held = recoveries = 0
    for line in lines:
        sak = saker[line.sak_id]
        person = persons[line.person_id]
        if sak.id not in checked:
            access.check_case(uow, Action.RUN_JOB, sak, object_type="payment", object_id=sak.id)
            checked.add(sak.id)
        account_holder = (
            refunds.get(line.sak_id) if line.payee == "employer" else details.get(line.person_id)
        )
        if line.held_reason == "payment_rejected" and not _details_changed_since(
            account_holder, line.created_at
        ):
            held += 1  # the bank refused the account: wait until the account is changed
            continue
        line.updated_at = uow.now
        if line.gross_ore < 0:
            line.status = "recovery"
            line.tax_ore, line.net_ore = 0, line.gross_ore
            postings += ledger.payment_postings(
                line.id, line.person_id, line.benefit, line.gross_ore, 0
            )
            recoveries += 1
            continue
        creditor = person.name
        if line.payee == "employer":
            claim = refunds.get(line.sak_id)
            line.payee_account = claim.account_number if claim is not None else None
            creditor = claim.employer_name if claim is not None else ""
        reason = _hold_reason(line, details.get(line.person_id))
        withholding = None
        if reason is None:
            try:
                card = card_from_fact(_tax_card(details.get(line.person_id)))
            except ValueError:
                reason = "tax_card_invalid"
            else:
                withholding = withhold(
                    line.gross_ore,
                    card,
                    default_rate=rules.default_rate,
                    round_down=rules.round_down,
                )
                if withholding.tax_ore is None:
                    reason = withholding.undetermined or "tax"
        if reason is not None or withholding is None or withholding.tax_ore is None:
            line.status = "held"
            line.held_reason = reason
            held += 1
            _task_once(uow, sak, person, line.vedtak_id, f"payment_held_{reason}")
            continue
        line.tax_ore = withholding.tax_ore
        # tilbakekreving (issue 17): set-off (motregning) of a decided claim, from the net.
        setoff = recovery.setoff_for(
            uow, run_date, line.id, line.person_id, line.payee, line.gross_ore - line.tax_ore
        )
        line.net_ore = line.gross_ore - withholding.tax_ore - setoff
        line.tax_basis = withholding.basis
        line.held_reason = None
        if line.payee == "person":
            line.payee_account = details[line.person_id].account_number
        postings += ledger.payment_postings(
            line.id, line.person_id, line.benefit, line.gross_ore, withholding.tax_ore, setoff
        )
        if line.net_ore == 0:  # all of it withheld: nothing goes to the bank
            line.status = "withheld_in_full"
            continue
        line.status = "ordered"
        transfers.append(_Transfer(line, creditor))
    order_id = message_id = None
    net_total = sum(t.line.net_ore or 0 for t in transfers)
    if transfers:
        order_id = uuid.uuid4()
        message_id = f"TRYGD-{run_date:%Y%m%d}-{order_id.hex[:16]}"
        content = order_file(message_id, uow.now, run_date, transfers)
        uow.session.add(
            PaymentOrder(
                id=order_id,
                message_id=message_id,
                run_id=run_id,
                run_date=run_date,
                transfers=len(transfers),
                total_ore=net_total,
                content=content,
                created_at=uow.now,
                status_deadline=uow.now + _status_deadline(run_date),
            )
        )
        uow.flush()
        for transfer in transfers:
            transfer.line.order_id = order_id
    _post(uow, postings, order_id)
    return OrderResult(
        order_id,
        message_id,
        len(transfers),
        net_total,
        sum(t.line.tax_ore or 0 for t in transfers),
        held,
        recoveries,
        len(lines),
        (lines[-1].person_id, lines[-1].id),
        (message_id,) if message_id else (),
    )


def _refund_claims(uow: UnitOfWork, sak_ids: set[uuid.UUID]) -> dict[uuid.UUID, RefundClaim]:
    """The employers' refund claims of the saker (ftrl. § 22-3): where a refund goes."""
    if not sak_ids:
        return {}
    query = select(RefundClaim).where(RefundClaim.sak_id.in_(sorted(sak_ids)))
    return {claim.sak_id: claim for claim in uow.session.scalars(query)}


def _details_changed_since(
    details: PaymentDetails | RefundClaim | None, moment: dt.datetime
) -> bool:
    return details is not None and _aware(details.updated_at) > _aware(moment)


def _tax_card(details: PaymentDetails | None) -> Any:
    return None if details is None else details.tax_card


def _hold_reason(line: LineRow, details: PaymentDetails | None) -> str | None:
    """Why a line cannot be paid yet (a fact is missing or wrong), or None."""
    from trygd.bank.accounts import InvalidAccount, check_account

    account = line.payee_account if line.payee == "employer" else None
    if line.payee == "person":
        account = details.account_number if details is not None else None
    if not account:
        return "account_number"
    try:
        check_account(account)
    except InvalidAccount:
        return "account_number_invalid"
    return None


def _status_deadline(at: dt.date) -> dt.timedelta:
    from trygd.rules.assessment import default_ruleset

    hours = default_ruleset().parameters["payments.status_deadline_hours"].value_at(at).value
    return dt.timedelta(hours=hours)


def _post(uow: UnitOfWork, postings: Sequence[ledger.Posting], order_id: uuid.UUID | None) -> None:
    if ledger.total(postings) != 0:  # unreachable: every posting comes in a pair
        raise AssertionError("the postings of a transaction do not sum to zero")
    if not postings:
        return
    uow.flush()
    rows = [
        {
            "line_id": p.line_id,
            "person_id": p.person_id,
            "benefit": p.benefit,
            "transaction": p.transaction,
            "account": p.account,
            "amount_ore": p.amount_ore,
            "order_id": order_id,
            "posted_at": uow.now,
        }
        for p in postings
    ]
    uow.session.connection().execute(POSTINGS.insert(), rows)


def order_file(
    message_id: str, created: dt.datetime, run_date: dt.date, transfers: Sequence[_Transfer]
) -> bytes:
    """The pain.001 order for the transfers, validated against the XSD before it is kept."""
    from trygd.bank.pain001 import Debtor, Transfer, validate_pain001, write_pain001

    content: bytes = write_pain001(
        message_id=message_id,
        created_at=created,
        debtor=Debtor(
            name=DEBTOR_NAME, account=DEBTOR_ACCOUNT, organisation_number=DEBTOR_ORGANISATION
        ),
        transfers=[
            Transfer(
                end_to_end_id=t.line.id.hex,
                amount_ore=int(t.line.net_ore or 0),
                creditor_name=t.name[:MAX_CREDITOR_NAME],
                creditor_account=str(t.line.payee_account),
                remittance=_remittance(t.line),
                requested_date=run_date,
            )
            for t in transfers
        ],
    )
    validate_pain001(content)
    return content


def _remittance(line: LineRow) -> str:
    """The text on the person's bank statement: what and for which period (no identity
    number, no amount of tax: the person's payment page has the details)."""
    return (f"NAV {line.kind} {line.period_start:%d.%m.%Y}-{line.period_end:%d.%m.%Y}")[:140]


# -- exporting the order files -----------------------------------------------------------------


def unexported_orders(
    uow: UnitOfWork, run_date: dt.date | None
) -> list[tuple[uuid.UUID, str, bytes]]:
    access.check(uow, Action.RUN_JOB, object_type="payment_order", object_id="export")
    query = select(PaymentOrder).where(PaymentOrder.exported_at.is_(None))
    if run_date is not None:
        query = query.where(PaymentOrder.run_date == run_date)
    return [
        (o.id, o.message_id, o.content)
        for o in uow.session.scalars(query.order_by(PaymentOrder.created_at))
    ]


def mark_exported(uow: UnitOfWork, order_ids: Sequence[uuid.UUID]) -> None:
    access.check(uow, Action.RUN_JOB, object_type="payment_order", object_id="export")
    uow.session.execute(
        update(PaymentOrder)
        .where(PaymentOrder.id.in_(order_ids), PaymentOrder.exported_at.is_(None))
        .values(exported_at=uow.now)
    )


# -- reconciliation ---------------------------------------------------------------------------


@dataclass
class Tally:
    count: int = 0
    sum_ore: int = 0

    def add(self, amount: int) -> None:
        self.count += 1
        self.sum_ore += amount


@dataclass
class Reconciliation:
    """What the bank acknowledged against what was ordered and what the ledger holds."""

    original_message_id: str
    ordered: Tally = field(default_factory=Tally)
    accepted: Tally = field(default_factory=Tally)
    accepted_with_warning: Tally = field(default_factory=Tally)
    rejected: Tally = field(default_factory=Tally)
    pending: Tally = field(default_factory=Tally)
    missing: Tally = field(default_factory=Tally)
    already_read: int = 0
    reopened: int = 0
    differences: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, Tally]]:
        return [
            ("ordered", self.ordered),
            ("accepted", self.accepted),
            ("accepted_with_warning", self.accepted_with_warning),
            ("rejected", self.rejected),
            ("pending", self.pending),
            ("missing", self.missing),
        ]


FINAL = ("accepted", "accepted_with_warning", "rejected")


def reconcile(uow: UnitOfWork, content: bytes) -> Reconciliation:
    """Read a pain.002 status report, record each status once, reopen rejected payments (a
    new attempt line and a task to check the account), and compare the order, the bank's
    answer and the ledger."""
    from trygd.bank.pain002 import InvalidStatusFile, TransferStatus, read_pain002

    try:
        report = read_pain002(content)
    except InvalidStatusFile as error:
        raise InvalidInput([("status", str(error))]) from None
    access.check(
        uow, Action.RUN_JOB, object_type="payment_status", object_id=report.message_id[:64]
    )
    order = uow.session.scalars(
        select(PaymentOrder).where(PaymentOrder.message_id == report.original_message_id)
    ).first()
    if order is None:
        raise InvalidInput(
            [("status", f"refers to order {report.original_message_id!r}, which was never sent")]
        )
    result = Reconciliation(order.message_id)
    lines = {
        line.id.hex: line
        for line in uow.session.scalars(select(LineRow).where(LineRow.order_id == order.id))
    }
    seen = set(
        uow.session.scalars(
            select(BankStatus.end_to_end_id).where(
                BankStatus.report_message_id == report.message_id
            )
        )
    )
    saker: dict[uuid.UUID, Sak] = {}
    statuses = list(report.transfers)
    if not statuses and report.group_status == "RJCT":
        # the whole file was rejected without listing its transfers: each one is rejected
        statuses = [
            TransferStatus(key, "rejected", "RJCT", "the whole order was rejected") for key in lines
        ]
    for status in statuses:
        line = lines.get(status.end_to_end_id)
        if status.end_to_end_id in seen:
            result.already_read += 1
            continue
        uow.session.add(
            BankStatus(
                id=uuid.uuid4(),
                report_message_id=report.message_id,
                original_message_id=report.original_message_id,
                end_to_end_id=status.end_to_end_id,
                line_id=line.id if line is not None else None,
                status=status.status,
                reason=status.reason,
                received_at=uow.now,
            )
        )
        if line is None:
            result.differences.append(
                f"the bank reported {status.end_to_end_id!r}, which is not in the order"
            )
            continue
        if line.status not in ("ordered", "accepted_with_warning", "accepted"):
            continue  # a final status came before; a later report does not undo it
        if status.status in FINAL and line.status == "ordered":
            line.status = status.status
            line.updated_at = uow.now
            if status.status == "rejected":
                result.reopened += _reopen(uow, line, saker)
    for line in lines.values():
        net = int(line.net_ore or 0)
        result.ordered.add(net)
        tally = {
            "accepted": result.accepted,
            "accepted_with_warning": result.accepted_with_warning,
            "rejected": result.rejected,
        }.get(line.status)
        if tally is not None:
            tally.add(net)
        elif line.id.hex in {s.end_to_end_id for s in statuses}:
            result.pending.add(net)
        else:
            result.missing.add(net)
    _compare_with_ledger(uow, order, lines.values(), result)
    return result


def _reopen(uow: UnitOfWork, line: LineRow, saker: dict[uuid.UUID, Sak]) -> int:
    """A rejected payment: reverse its postings and store a new attempt for the same period
    (the next correction number), held until a person has looked at the account."""
    postings = [
        ledger.Posting(
            p.transaction,
            p.line_id,
            p.person_id,
            p.benefit,
            cast(ledger.Account, p.account),
            p.amount_ore,
        )
        for p in uow.session.scalars(
            select(LedgerPosting).where(
                LedgerPosting.line_id == line.id,
                LedgerPosting.transaction.in_(("payment", "withholding", "order")),
            )
        )
    ]
    _post(uow, ledger.reversal(postings, "rejected"), line.order_id)
    next_correction = (
        uow.session.scalar(
            select(func.max(LineRow.correction)).where(
                LineRow.sak_id == line.sak_id,
                LineRow.kind == line.kind,
                LineRow.period_start == line.period_start,
                LineRow.period_end == line.period_end,
            )
        )
        or 0
    ) + 1
    key = PaymentKey(line.sak_id, line.kind, line.period_start, line.period_end)
    new_id = plan_domain.line_id(key, next_correction)
    _insert_ignoring_existing(
        uow,
        [
            {
                "id": new_id,
                "sak_id": line.sak_id,
                "person_id": line.person_id,
                "vedtak_id": line.vedtak_id,
                "benefit": line.benefit,
                "kind": line.kind,
                "period_start": line.period_start,
                "period_end": line.period_end,
                "correction": next_correction,
                "due_date": line.due_date,
                "gross_ore": line.gross_ore,
                "tax_ore": None,
                "net_ore": None,
                "payee": line.payee,
                "payee_account": line.payee_account if line.payee == "employer" else None,
                "basis": f"new attempt after the bank rejected line {line.id}",
                "tax_basis": None,
                "status": "held",
                "held_reason": "payment_rejected",
                "order_id": None,
                "created_at": uow.now,
                "updated_at": uow.now,
            }
        ],
    )
    sak = saker.get(line.sak_id) or uow.session.get(Sak, line.sak_id)
    assert sak is not None
    saker[sak.id] = sak
    person = access.check_case(uow, Action.RUN_JOB, sak, object_type="payment", object_id=line.id)
    _task_once(uow, sak, person, line.vedtak_id, "payment_rejected")
    return 1


def _compare_with_ledger(
    uow: UnitOfWork, order: PaymentOrder, lines: Iterable[LineRow], result: Reconciliation
) -> None:
    lines = list(lines)
    ordered_net = sum(int(line.net_ore or 0) for line in lines)
    if ordered_net != order.total_ore or len(lines) != order.transfers:
        result.differences.append(
            f"the order says {order.transfers} payments of {order.total_ore} øre, "
            f"its lines {len(lines)} of {ordered_net} øre"
        )
    ids = [line.id for line in lines]
    bank = (
        uow.session.scalar(
            select(func.coalesce(func.sum(LedgerPosting.amount_ore), 0)).where(
                LedgerPosting.line_id.in_(ids), LedgerPosting.account == "bank"
            )
        )
        or 0
    )
    sent = sum(int(line.net_ore or 0) for line in lines if line.status != "rejected")
    if -int(bank) != sent:
        result.differences.append(
            f"the ledger's bank account shows {-int(bank)} øre sent, the bank's answer {sent}"
        )


def status_alarms(uow: UnitOfWork) -> int:
    """Orders still without a final status for some payment after the deadline: one alarm
    task per order (on the sak of its first such payment), raised once."""
    access.check(uow, Action.RUN_JOB, object_type="payment_order", object_id="status_alarms")
    late = list(
        uow.session.scalars(
            select(PaymentOrder).where(
                PaymentOrder.status_deadline < uow.now, PaymentOrder.alarm_raised_at.is_(None)
            )
        )
    )
    raised = 0
    for order in late:
        waiting = uow.session.scalars(
            select(LineRow)
            .where(LineRow.order_id == order.id, LineRow.status == "ordered")
            .order_by(LineRow.id)
        ).first()
        if waiting is None:
            continue
        sak = uow.session.get(Sak, waiting.sak_id)
        assert sak is not None
        person = access.check_case(
            uow, Action.RUN_JOB, sak, object_type="payment_order", object_id=order.id
        )
        _task_once(uow, sak, person, waiting.vedtak_id, "payment_status_missing")
        order.alarm_raised_at = uow.now
        raised += 1
    return raised


# -- the daily double-payment check ------------------------------------------------------------


SETTLED_STATUSES = (*PAID_STATUSES, "withheld_in_full", "recovery")


def double_payments(uow: UnitOfWork) -> list[tuple[uuid.UUID, str, dt.date, dt.date]]:
    """Look for money paid twice, whatever the constraints say: a period whose paid lines
    add up to more than the plan (from the stored records) gives it, with no recovery line
    waiting, or two paid periods of one sak and kind that overlap. Each finding opens a
    `double_payment_suspected` task on the sak, once."""
    access.check(uow, Action.RUN_JOB, object_type="payment_check", object_id="double_payment")
    rows = uow.session.execute(
        select(
            LineRow.sak_id,
            LineRow.kind,
            LineRow.period_start,
            LineRow.period_end,
            LineRow.gross_ore,
            LineRow.status,
            LineRow.vedtak_id,
        ).order_by(LineRow.sak_id, LineRow.kind, LineRow.period_start, LineRow.correction)
    ).all()
    paid: dict[PaymentKey, int] = {}
    waiting: set[PaymentKey] = set()
    vedtak_of: dict[uuid.UUID, uuid.UUID | None] = {}
    for sak_id, kind, start, end, gross, status, vedtak_id in rows:
        key = PaymentKey(sak_id, kind, start, end)
        vedtak_of[sak_id] = vedtak_id
        if status in SETTLED_STATUSES:
            paid[key] = paid.get(key, 0) + gross
        elif status in OPEN_STATUSES and gross < 0:
            waiting.add(key)
    findings: list[PaymentKey] = []
    previous: PaymentKey | None = None
    for key in paid:  # in order of sak, kind and period
        if (
            previous is not None
            and (previous.sak_id, previous.kind) == (key.sak_id, key.kind)
            and key.period_start <= previous.period_end
            and paid[key] > 0
            and paid[previous] > 0
        ):
            findings.append(key)
        previous = key
    by_sak: dict[uuid.UUID, list[PaymentKey]] = {}
    for key in paid:
        by_sak.setdefault(key.sak_id, []).append(key)
    sak_ids = sorted(by_sak)
    today = uow.now.date()
    found = set(findings)
    for first in range(0, len(sak_ids), PLAN_BATCH):
        part = sak_ids[first : first + PLAN_BATCH]
        chains = _chain(uow, part)
        for sak in uow.session.scalars(select(Sak).where(Sak.id.in_(part))):
            planned = {
                p.key: p.gross_ore
                for p in sak_plan(uow, sak, chains.get(sak.id, []), today).payments
            }
            for key in by_sak[sak.id]:
                if key in waiting or key in found:
                    continue
                if paid[key] > planned.get(key, 0) and paid[key] > 0:
                    findings.append(key)
                    found.add(key)
    for key in findings:
        flagged = uow.session.get(Sak, key.sak_id)
        assert flagged is not None
        person = access.check_case(
            uow, Action.RUN_JOB, flagged, object_type="payment", object_id=flagged.id
        )
        _task_once(uow, flagged, person, vedtak_of.get(flagged.id), "double_payment_suspected")
    return [(k.sak_id, k.kind, k.period_start, k.period_end) for k in findings]


# -- ledger balances ----------------------------------------------------------------------------


def ledger_total(uow: UnitOfWork) -> int:
    """The sum of every posting (zero when the ledger balances)."""
    access.check(uow, Action.RUN_JOB, object_type="ledger", object_id="total")
    return int(
        uow.session.scalar(select(func.coalesce(func.sum(LedgerPosting.amount_ore), 0))) or 0
    )


def balances(uow: UnitOfWork, person_id: uuid.UUID) -> dict[tuple[str, str], int]:
    """The balance of each (benefit, account) of a person; audited as a read of their data."""
    person = uow.session.get(Person, person_id)
    if person is None:
        raise InvalidInput([("person_id", "no such person")])
    access.check(
        uow,
        Action.READ_CASE,
        access.subject_for_person(uow, person),
        object_type="ledger",
        object_id=person_id,
    )
    rows = uow.session.execute(
        select(LedgerPosting.benefit, LedgerPosting.account, func.sum(LedgerPosting.amount_ore))
        .where(LedgerPosting.person_id == person_id)
        .group_by(LedgerPosting.benefit, LedgerPosting.account)
    ).all()
    return {(benefit, account): int(total) for benefit, account, total in rows}


# -- simulation (simulering) --------------------------------------------------------------------


def simulate_behandling(uow: UnitOfWork, behandling: Behandling, until: dt.date) -> Simulation:
    """What the behandling's proposed result would pay, period by period, against what was
    paid: the sak's vedtak chain with the proposal in place of the vedtak from its claim date
    on, read from the behandling's latest decision record (never a new run of the rules)."""
    sak = uow.session.get(Sak, behandling.sak_id)
    assert sak is not None
    if behandling.record_id is None:
        return Simulation((), ("no_rule_result",))
    row = uow.session.get(DecisionRecordRow, behandling.record_id)
    assert row is not None
    record = DecisionRecord.from_json(row.record)
    chain = [
        v for v in _chain(uow, [sak.id]).get(sak.id, []) if v.effective_from < behandling.claim_date
    ]
    proposal = VedtakInForce(
        behandling.id, behandling.claim_date, record.outcome, record.amounts, record.input_facts
    )
    plan = sak_plan(uow, sak, [*chain, proposal], until)
    paid = [
        ExistingLine(PaymentKey(sak.id, kind, start, end), correction, gross)
        for kind, start, end, correction, gross in uow.session.execute(
            select(
                LineRow.kind,
                LineRow.period_start,
                LineRow.period_end,
                LineRow.correction,
                LineRow.gross_ore,
            ).where(LineRow.sak_id == sak.id, LineRow.status.in_((*PAID_STATUSES, "recovery")))
        )
    ]
    return plan_domain.simulate(plan, paid)


def store_simulation(uow: UnitOfWork, behandling: Behandling) -> Simulation:
    """Simulate the proposal and keep it with the proposal (with the date it ran to, so the
    approver's run covers the same periods)."""
    until = uow.now.date()
    simulation = simulate_behandling(uow, behandling, until)
    document = {**simulation.to_json(), "until": until.isoformat()}
    stored = uow.session.get(PaymentSimulation, behandling.id)
    if stored is None:
        uow.session.add(
            PaymentSimulation(
                behandling_id=behandling.id,
                simulation=document,
                made_by=uow.actor.id,
                made_at=uow.now,
            )
        )
    else:
        stored.simulation = document
        stored.made_by = uow.actor.id
        stored.made_at = uow.now
    return simulation


def stored_simulation(uow: UnitOfWork, behandling_id: uuid.UUID) -> Simulation | None:
    stored = uow.session.get(PaymentSimulation, behandling_id)
    return None if stored is None else Simulation.from_json(stored.simulation)


def check_simulation(uow: UnitOfWork, behandling: Behandling) -> None:
    """Simulation must equal execution: the approver's simulation, run again now over the
    same periods, must equal the caseworker's to the øre and the period, or the approval is
    refused (409, `simulation_differs`, naming each difference). A proposal without a stored
    simulation (made before simulations were kept) is simulated and stored now instead."""
    stored = uow.session.get(PaymentSimulation, behandling.id)
    if stored is None:
        store_simulation(uow, behandling)
        return
    before = Simulation.from_json(stored.simulation)
    until = dt.date.fromisoformat(stored.simulation["until"])
    after = simulate_behandling(uow, behandling, until)
    differences = plan_domain.simulation_differences(before, after)
    if differences:
        raise Conflict(
            "the payments simulated now differ from the caseworker's simulation: "
            + "; ".join(differences),
            [("simulation", difference) for difference in differences],
            code="simulation_differs",
            facts={"differences": str(len(differences))},
        )


def read_simulation(uow: UnitOfWork, behandling_id: uuid.UUID) -> Simulation | None:
    """The simulation of a behandling for the case page: the one stored with the proposal,
    or, before a proposal, a fresh one (not stored). Audited as a read of the case."""
    behandling = uow.session.get(Behandling, behandling_id)
    if behandling is None:
        return None
    sak = uow.session.get(Sak, behandling.sak_id)
    assert sak is not None
    access.check_case(
        uow, Action.READ_CASE, sak, object_type="payment_simulation", object_id=behandling.id
    )
    stored = stored_simulation(uow, behandling.id)
    if stored is not None:
        return stored
    if behandling.state != "assessing" or behandling.outcome not in ("granted", "rejected"):
        return None
    return simulate_behandling(uow, behandling, uow.now.date())
