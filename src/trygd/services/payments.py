"""Payments (utbetaling): planning lines, the payment run, reconciliation and the checks.

One payment run for a date (`run`, called by `trygd payments run` and the scheduled job):

1. claim the run for the date (`payment_runs`: a holder and a lease that expires, so a run
   that died never blocks the next one; a holder on this machine whose process is gone is
   taken over at once);
2. plan: for every sak with something new since its plan was last made (`saker_to_plan`:
   no plan yet, a new vedtak or meldekort result, or the day its plan marked as the next to
   look at: a payment falls due or a payment parameter changes), settle its payment plan
   (`trygd.domain.payments`, read from the stored decision records) against the lines
   stored, insert the new lines under their deterministic ids (INSERT ... ON CONFLICT DO
   NOTHING) and mark what the plan was made from (`payment_plan_marks`), a batch of saker
   per transaction;
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
import itertools
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, case, func, null, or_, select, tuple_, update

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
from trygd.rules.record import decode
from trygd.services import access, meldekort, recovery
from trygd.services.errors import Conflict, InvalidInput
from trygd.services.records import open_oppgave, stored_record
from trygd.services.unit_of_work import UnitOfWork
from trygd.store import bulk
from trygd.store.models import (
    BankStatus,
    Behandling,
    DecisionRecordRow,
    LedgerPosting,
    Oppgave,
    PaymentDetails,
    PaymentOrder,
    PaymentPlanMark,
    PaymentRun,
    PaymentSimulation,
    Person,
    RefundClaim,
    Sak,
    Vedtak,
)
from trygd.store.models import PaymentLine as LineRow

PLAN_BATCH = 2000  # saker planned per transaction
ORDER_BATCH = 20_000  # lines per order transaction and pain.001 file
LOOK_AHEAD = dt.timedelta(days=45)
"""How far past the day it is made for a plan looks for its next due payment. A month is at
most 31 days, so a monthly benefit always finds its next payment day; a sak with nothing due
within it is planned again when the look-ahead ends (or earlier, when something new comes)."""
MAX_CREDITOR_NAME = 70  # ISO 20022 Max70Text
LINES = cast(Table, LineRow.__table__)
POSTINGS = cast(Table, LedgerPosting.__table__)
MARKS = cast(Table, PaymentPlanMark.__table__)
PAID_STATUSES = ("ordered", "accepted", "accepted_with_warning")
OPEN_STATUSES = ("planned", "held")
DEBTOR_NAME = "NAV"
# The account NAV pays from: a demo value (a valid Norwegian account number with a check
# digit); production reads it from configuration.
DEBTOR_ACCOUNT = os.environ.get("TRYGD_PAYMENT_DEBTOR_ACCOUNT", "76940512057")
DEBTOR_ORGANISATION = "889640782"  # NAV's organisation number (Brønnøysundregistrene)

MeldekortSource = Callable[
    [UnitOfWork, Sequence[uuid.UUID]], Mapping[uuid.UUID, Sequence[MeldekortPeriod]]
]


def _meldekort_from_services(
    uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, Sequence[MeldekortPeriod]]:
    """The approved meldekort periods of each sak, in one query. Every caller of the plan has
    checked and audited its access to the saker already, so this read adds no audit record."""
    return meldekort.approved_periods_of(uow, sak_ids)


meldekort_periods: MeldekortSource = _meldekort_from_services


def _per_meldekort(benefit: str) -> bool:
    profile = PROFILES.get(benefit)
    return bool(profile and profile.payments and profile.payments.schedule == "per_meldekort")


class RunBusy(Conflict):
    """Another payment run for the date holds the claim and its lease has not run out."""


# -- reading a sak's plan -----------------------------------------------------------------------


def _chain(uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[VedtakInForce]]:
    """Every vedtak of the saker with its stored decision record's outcome, amounts and input
    facts, oldest first. Only the parts of each record the sak's plan reads come from the
    database (`plan_domain.record_parts`: a record also holds every name its texts use, far
    more than a plan needs, and a plan per meldekort reads none of it)."""

    def part(name: str) -> Any:
        readers = [benefit for benefit in PROFILES if name in plan_domain.record_parts(benefit)]
        return case((Sak.benefit.in_(readers), DecisionRecordRow.record[name]), else_=null())

    rows = uow.session.execute(
        select(
            Vedtak.id,
            Vedtak.sak_id,
            Vedtak.effective_from,
            Vedtak.outcome,
            part("amounts"),
            part("input_facts"),
        )
        .join(DecisionRecordRow, DecisionRecordRow.id == Vedtak.record_id)
        .join(Sak, Sak.id == Vedtak.sak_id)
        .where(_among(uow, Vedtak.sak_id, sak_ids))
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


def _among(uow: UnitOfWork, column: Any, values: Sequence[Any]) -> Any:
    """`column IN values` for a batch of ids (`trygd.store.bulk.among`)."""
    return bulk.among(uow.session.get_bind().dialect.name, column, values)


def _existing(uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[ExistingLine]]:
    """The lines stored for each sak. Read on the session's connection, not through the ORM:
    a sak paid monthly for some years has dozens of lines, and the ORM's handling of each
    row cost more than the query."""
    uow.flush()  # what the use case wrote before is read too
    rows = (
        uow.session.connection()
        .execute(
            select(
                LineRow.sak_id,
                LineRow.kind,
                LineRow.period_start,
                LineRow.period_end,
                LineRow.correction,
                LineRow.gross_ore,
                LineRow.status,
            ).where(_among(uow, LineRow.sak_id, sak_ids))
        )
        .all()
    )
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
    periods: Sequence[MeldekortPeriod] = ()
    if _per_meldekort(sak.benefit):
        periods = (source or meldekort_periods)(uow, [sak.id]).get(sak.id, ())
    return plan_domain.payment_plan(
        sak.benefit, sak.id, chain, until, plan_domain.payment_rules(until), periods
    )


class _Horizon:
    """The rules of the plans made for one day, and the first day after it on which a
    payment parameter changes: the same for every sak, so looked up once."""

    def __init__(self) -> None:
        self._days: dict[dt.date, tuple[plan_domain.PaymentRules, dt.date | None]] = {}

    def at(self, day: dt.date) -> tuple[plan_domain.PaymentRules, dt.date | None]:
        if day not in self._days:
            self._days[day] = (
                plan_domain.payment_rules(day),
                plan_domain.rules_change_after(day),
            )
        return self._days[day]


def _plan_ahead(
    sak: Sak,
    chain: Sequence[VedtakInForce],
    until: dt.date,
    periods: Sequence[MeldekortPeriod],
    horizon: _Horizon,
) -> tuple[Plan, dt.date]:
    """The plan of a sak up to `until` (exactly `sak_plan`'s), and the first day on which a
    plan made later could give more: the next payment's due day, the day a payment parameter
    changes, or the end of the look-ahead, whichever comes first."""
    rules, change = horizon.at(until)
    ahead = plan_domain.payment_plan(sak.benefit, sak.id, chain, until + LOOK_AHEAD, rules, periods)
    recheck = plan_domain.next_due(ahead, until) or until + LOOK_AHEAD
    if change is not None:
        recheck = min(recheck, change)
    return plan_domain.due_by(ahead, until), recheck


def _vedtak_counts(uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = uow.session.execute(
        select(Vedtak.sak_id, func.count())
        .where(_among(uow, Vedtak.sak_id, sak_ids))
        .group_by(Vedtak.sak_id)
    )
    return {sak_id: int(n) for sak_id, n in rows}


def _insert_ignoring_existing(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Insert payment lines; a line whose id (or key) is stored already is left as it is
    (so two runs planning at once store each line once)."""
    uow.flush()  # what the use case changed before, first
    bulk.insert_new_rows(uow.session.connection(), LINES, rows)


def plan_saker(uow: UnitOfWork, saker: Sequence[Sak], until: dt.date) -> tuple[int, int]:
    """Store the new lines of each sak's plan up to `until` and mark what the plan was made
    from; returns (lines added, saker whose plan is undetermined). An undetermined plan opens
    a task, once. A sak planned before up to a later day is planned up to that day again: a
    run for an earlier day never takes back lines planned for a later one."""
    ids = [s.id for s in saker]
    if not ids:
        return 0, 0
    # The counts first: a vedtak or card stored while the plan is made then counts as new at
    # the next run. (Read after the plan's inputs, it could be counted but not planned.)
    vedtak_counts = _vedtak_counts(uow, ids)
    card_counts = meldekort.result_counts(uow, ids)
    planned_until: dict[uuid.UUID, dt.date] = {
        sak_id: day
        for sak_id, day in uow.session.execute(
            select(PaymentPlanMark.sak_id, PaymentPlanMark.planned_until).where(
                _among(uow, PaymentPlanMark.sak_id, ids)
            )
        )
    }
    chains = _chain(uow, ids)
    access.check_cases(
        uow,
        Action.RUN_JOB,
        [case for case in _cases(uow, ids) if case.sak_id in chains],
        object_type="payment_plan",
    )
    existing = _existing(uow, ids)
    periods = meldekort_periods(uow, [s.id for s in saker if _per_meldekort(s.benefit)])
    horizon = _Horizon()
    rows: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    undetermined = 0
    for sak in saker:
        chain = chains.get(sak.id, [])
        if not chain:
            continue
        sak_until = max(until, planned_until.get(sak.id, until))
        plan, recheck = _plan_ahead(sak, chain, sak_until, periods.get(sak.id, ()), horizon)
        latest = chain[-1].vedtak_id
        if plan.undetermined:
            undetermined += 1
            _task_once(uow, sak, _person(uow, sak), latest, "payment_plan_undetermined")
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
        marks.append(
            {
                "sak_id": sak.id,
                "planned_until": sak_until,
                "recheck_on": recheck,
                "vedtak_count": vedtak_counts.get(sak.id, 0),
                "meldekort_count": card_counts.get(sak.id, 0),
                "planned_at": uow.now,
            }
        )
    _insert_ignoring_existing(uow, rows)
    bulk.upsert_rows(uow.session.connection(), MARKS, "sak_id", marks)
    return len(rows), undetermined


def _cases(uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]) -> list[access.CaseFacts]:
    """What the access policy reads of each sak and its person, in one query."""
    rows = uow.session.execute(
        select(Sak.id, Sak.unit, Person.id, Person.protection, Person.skjermet)
        .join(Person, Person.id == Sak.person_id)
        .where(_among(uow, Sak.id, sak_ids))
        .order_by(Sak.id)
    )
    return [access.CaseFacts(*row) for row in rows]


def _person(uow: UnitOfWork, sak: Sak) -> Person:
    person = uow.session.get(Person, sak.person_id)
    assert person is not None  # a foreign key guarantees it
    return person


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


def saker_to_plan(uow: UnitOfWork, run_date: dt.date) -> list[uuid.UUID]:
    """The saker whose plan a run for `run_date` must make (again): each sak with a vedtak and
    no mark, or a mark whose `recheck_on` has come, or whose plan was made from fewer (or
    other) vedtak or meldekort results than the sak has now. Every other sak's lines are
    stored up to its plan's next change already. Reads ids and counts, no personal data."""
    vedtak = select(Vedtak.sak_id, func.count().label("n")).group_by(Vedtak.sak_id).subquery()
    cards = meldekort.results_per_sak()
    query = (
        select(vedtak.c.sak_id)
        .select_from(vedtak)
        .outerjoin(PaymentPlanMark, PaymentPlanMark.sak_id == vedtak.c.sak_id)
        .outerjoin(cards, cards.c.sak_id == vedtak.c.sak_id)
        .where(
            or_(
                PaymentPlanMark.sak_id.is_(None),
                PaymentPlanMark.recheck_on <= run_date,
                PaymentPlanMark.vedtak_count != vedtak.c.n,
                PaymentPlanMark.meldekort_count != func.coalesce(cards.c.n, 0),
            )
        )
        .order_by(vedtak.c.sak_id)
    )
    return list(uow.session.scalars(query))


def plan_batch(
    uow: UnitOfWork, run_id: uuid.UUID, holder: str, sak_ids: Sequence[uuid.UUID], until: dt.date
) -> tuple[int, int]:
    """Plan a batch of saker for the run, and renew the run's claim last (a run whose claim
    was taken over keeps none of the batch). Renewed last, the claim's row is locked only
    from there to the commit, so batches of one run can be planned side by side."""
    saker = list(uow.session.scalars(select(Sak).where(_among(uow, Sak.id, sak_ids))))
    found = plan_saker(uow, saker, until)
    renew(uow, run_id, holder)
    return found


LineKey = tuple[uuid.UUID, uuid.UUID]
"""A line's place in the order the run pays in: (person id, line id)."""
OrderRange = tuple[LineKey | None, LineKey | None]
"""Lines after the first key and up to the second (None: no bound)."""


def order_ranges(uow: UnitOfWork, run_date: dt.date, size: int) -> list[OrderRange]:
    """The lines to order by `run_date` cut into ranges of `size` lines, in (person, line)
    order: (after, up to) pairs, None for no bound; each range is one order transaction and
    one file, and ranges can be ordered side by side. Reads ids only."""
    numbered = (
        select(
            LINES.c.person_id,
            LINES.c.id,
            func.row_number().over(order_by=(LINES.c.person_id, LINES.c.id)).label("n"),
        )
        .where(LINES.c.status.in_(OPEN_STATUSES), LINES.c.due_date <= run_date)
        .subquery()
    )
    cuts: list[LineKey] = [
        (person_id, line_id)
        for person_id, line_id in uow.session.execute(
            select(numbered.c.person_id, numbered.c.id)
            .where(numbered.c.n % size == 0)
            .order_by(numbered.c.n)
        )
    ]
    bounds: list[LineKey | None] = [None, *cuts, None]
    return list(itertools.pairwise(bounds))


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


@dataclass(frozen=True)
class _Transfer:
    """One payment of an order file, as the file needs it."""

    line_id: uuid.UUID
    net_ore: int
    account: str
    name: str
    remittance: str


# What the ordering reads of a line, and what it may change (written back in one statement).
_READ = (
    "id",
    "sak_id",
    "person_id",
    "vedtak_id",
    "benefit",
    "kind",
    "period_start",
    "period_end",
    "gross_ore",
    "payee",
    "payee_account",
    "held_reason",
    "status",
    "tax_ore",
    "net_ore",
    "tax_basis",
    "order_id",
    "created_at",
)
_CHANGED = (
    "status",
    "tax_ore",
    "net_ore",
    "tax_basis",
    "held_reason",
    "payee_account",
    "order_id",
)


def order_due(
    uow: UnitOfWork,
    run_id: uuid.UUID,
    holder: str | None,
    run_date: dt.date,
    *,
    after: tuple[uuid.UUID, uuid.UUID] | None = None,
    upto: tuple[uuid.UUID, uuid.UUID] | None = None,
    limit: int | None = None,
) -> OrderResult:
    """Order the planned (or held) lines due by `run_date`, in this one transaction: all of
    them, or those after the (person, line) `after` and up to `upto`, at most `limit`; the
    run orders the ranges of `order_ranges`, one order file each. The run's claim is renewed
    last (see `plan_batch`).

    The lines are read as plain rows and their new status, tax and order written back with
    one UPDATE (through `trygd.store.bulk`), the ledger postings with one COPY: the rows of a
    batch are locked by the read, so nothing else changes them in between."""
    query = (
        select(*(LINES.c[name] for name in _READ))
        .where(LINES.c.status.in_(OPEN_STATUSES), LINES.c.due_date <= run_date)
        .order_by(LINES.c.person_id, LINES.c.id)
    )
    if after is not None:
        query = query.where(tuple_(LINES.c.person_id, LINES.c.id) > tuple_(*after))
    if upto is not None:
        query = query.where(tuple_(LINES.c.person_id, LINES.c.id) <= tuple_(*upto))
    if limit is not None:
        query = query.limit(limit)
    if uow.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    lines = uow.session.execute(query).all()
    if not lines:
        if holder is not None:
            renew(uow, run_id, holder)
        return OrderResult(None, None, 0, 0, 0, 0, 0)
    sak_ids = sorted({line.sak_id for line in lines})
    access.check_cases(uow, Action.RUN_JOB, _cases(uow, sak_ids), object_type="payment")
    person_ids = sorted({line.person_id for line in lines})
    names: dict[uuid.UUID, str] = {
        person_id: name
        for person_id, name in uow.session.execute(
            select(Person.id, Person.name).where(_among(uow, Person.id, person_ids))
        )
    }
    details = {
        d.person_id: d
        for d in uow.session.execute(
            select(
                PaymentDetails.person_id,
                PaymentDetails.account_number,
                PaymentDetails.tax_card,
                PaymentDetails.updated_at,
            ).where(_among(uow, PaymentDetails.person_id, person_ids))
        )
    }
    refunds = _refund_claims(uow, {line.sak_id for line in lines if line.payee == "employer"})
    rules = tax_rules(run_date)
    changes: list[dict[str, Any]] = []
    transfers: list[tuple[dict[str, Any], _Transfer]] = []
    postings: list[ledger.Posting] = []
    held = recoveries = 0
    reasons: dict[str | None, str | None] = {}
    for line in lines:
        account_holder = (
            refunds.get(line.sak_id) if line.payee == "employer" else details.get(line.person_id)
        )
        if line.held_reason == "payment_rejected" and not _details_changed_since(
            account_holder, line.created_at
        ):
            held += 1  # the bank refused the account: wait until the account is changed
            continue
        change = {name: getattr(line, name) for name in ("id", *_CHANGED)}
        change["updated_at"] = uow.now
        changes.append(change)
        if line.gross_ore < 0:
            change.update(status="recovery", tax_ore=0, net_ore=line.gross_ore)
            postings += ledger.payment_postings(
                line.id, line.person_id, line.benefit, line.gross_ore, 0
            )
            recoveries += 1
            continue
        detail = details.get(line.person_id)
        creditor = names[line.person_id]
        account: str | None = None
        if line.payee == "employer":
            claim = refunds.get(line.sak_id)
            account = claim.account_number if claim is not None else None
            creditor = claim.employer_name if claim is not None else ""
        elif detail is not None:
            account = detail.account_number
        if account not in reasons:  # each account checked once per batch
            reasons[account] = _hold_reason(account)
        reason = reasons[account]
        withholding = None
        if reason is None:
            try:
                card = card_from_fact(_tax_card(detail))
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
            change.update(status="held", held_reason=reason)
            held += 1
            sak = uow.session.get(Sak, line.sak_id)
            assert sak is not None  # a foreign key guarantees it
            _task_once(uow, sak, _person(uow, sak), line.vedtak_id, f"payment_held_{reason}")
            continue
        # tilbakekreving (issue 17): set-off (motregning) of a decided claim, from the net.
        setoff = recovery.setoff_for(
            uow, run_date, line.id, line.person_id, line.payee, line.gross_ore - withholding.tax_ore
        )
        net = line.gross_ore - withholding.tax_ore - setoff
        change.update(
            tax_ore=withholding.tax_ore,
            net_ore=net,
            tax_basis=withholding.basis,
            held_reason=None,
            payee_account=account,
        )
        postings += ledger.payment_postings(
            line.id, line.person_id, line.benefit, line.gross_ore, withholding.tax_ore, setoff
        )
        if net == 0:  # all of it withheld: nothing goes to the bank
            change["status"] = "withheld_in_full"
            continue
        change["status"] = "ordered"
        transfers.append(
            (
                change,
                _Transfer(
                    line.id,
                    net,
                    str(account),
                    creditor,
                    _remittance(line.kind, line.period_start, line.period_end),
                ),
            )
        )
    order_id = message_id = None
    net_total = sum(t.net_ore for _, t in transfers)
    if transfers:
        order_id = uuid.uuid4()
        message_id = f"TRYGD-{run_date:%Y%m%d}-{order_id.hex[:16]}"
        content = order_file(message_id, uow.now, run_date, [t for _, t in transfers])
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
        for change, _transfer in transfers:
            change["order_id"] = order_id
    uow.flush()  # the order and any task first: the lines point to the order
    bulk.update_rows(uow.session.connection(), LINES, "id", changes)
    _post(uow, postings, order_id)
    if holder is not None:
        renew(uow, run_id, holder)
    return OrderResult(
        order_id,
        message_id,
        len(transfers),
        net_total,
        sum(int(change["tax_ore"]) for change, _ in transfers),
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


def _details_changed_since(details: Any, moment: dt.datetime) -> bool:
    return details is not None and _aware(details.updated_at) > _aware(moment)


def _tax_card(details: Any) -> Any:
    return None if details is None else details.tax_card


def _hold_reason(account: str | None) -> str | None:
    """Why a payment to `account` cannot be made (none, or not a valid account), or None."""
    from trygd.bank.accounts import InvalidAccount, check_account

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


POSTING_COLUMNS = (
    "line_id",
    "person_id",
    "benefit",
    "transaction",
    "account",
    "amount_ore",
    "order_id",
    "posted_at",
)


def _post(uow: UnitOfWork, postings: Sequence[ledger.Posting], order_id: uuid.UUID | None) -> None:
    """Append the postings to the ledger (one COPY on PostgreSQL)."""
    if ledger.total(postings) != 0:  # unreachable: every posting comes in a pair
        raise AssertionError("the postings of a transaction do not sum to zero")
    if not postings:
        return
    uow.flush()
    now = uow.now
    rows = [
        (p.line_id, p.person_id, p.benefit, p.transaction, p.account, p.amount_ore, order_id, now)
        for p in postings
    ]
    bulk.insert_values(uow.session.connection(), POSTINGS, POSTING_COLUMNS, rows)


def order_file(
    message_id: str, created: dt.datetime, run_date: dt.date, transfers: Sequence[_Transfer]
) -> bytes:
    """The pain.001 order for the transfers, validated against the XSD before it is kept
    (`write_pain001` validates every file it writes)."""
    from trygd.bank.pain001 import Debtor, Transfer, write_pain001

    content: bytes = write_pain001(
        message_id=message_id,
        created_at=created,
        debtor=Debtor(
            name=DEBTOR_NAME, account=DEBTOR_ACCOUNT, organisation_number=DEBTOR_ORGANISATION
        ),
        transfers=[
            Transfer(
                end_to_end_id=t.line_id.hex,
                amount_ore=t.net_ore,
                creditor_name=t.name[:MAX_CREDITOR_NAME],
                creditor_account=t.account,
                remittance=t.remittance,
                requested_date=run_date,
            )
            for t in transfers
        ],
    )
    return content


def _remittance(kind: str, start: dt.date, end: dt.date) -> str:
    """The text on the person's bank statement: what and for which period (no identity
    number, no amount of tax: the person's payment page has the details)."""
    return f"NAV {kind} {start:%d.%m.%Y}-{end:%d.%m.%Y}"[:140]


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
    record = stored_record(uow, behandling.record_id)
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
