"""Background jobs kept in the database: reminders, deadlines and iverksetting.

A worker takes one due job at a time and runs it in the same transaction that marks it done,
so a job's effects and its "done" mark are committed together or not at all. If the worker
process dies half-way, the transaction is rolled back and the job is still pending for the
next worker. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets many workers share the table
without taking the same job; SQLite has a single writer, so there is nothing to share.
A job that fails is retried later with a growing delay; after `MAX_ATTEMPTS` it is marked
failed and stays visible for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from trygd.domain.behandling import Action, State
from trygd.privacy.policy import Action as Access
from trygd.services import (
    access,
    appeals,
    letters,
    meldekort,
    payments,
    privacy_requests,
    regulation,
    retention,
)
from trygd.services import tilbakekreving as tilbakekreving_service
from trygd.services.records import enqueue, move, open_oppgave
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import Behandling, InformationRequest, Job, Person, Sak, Vedtak

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def _open_request(
    uow: UnitOfWork, payload: dict[str, Any]
) -> tuple[InformationRequest, Behandling, Sak] | None:
    """The request a job is about, if it is still open (an answered one needs no job)."""
    request = uow.session.get(InformationRequest, uuid.UUID(payload["request_id"]))
    assert request is not None
    if request.status != "open":
        return None
    behandling = uow.session.get(Behandling, request.behandling_id)
    assert behandling is not None
    sak = uow.session.get(Sak, behandling.sak_id)
    assert sak is not None
    return request, behandling, sak


def _check_job(uow: UnitOfWork, sak: Sak, request: InformationRequest) -> Person:
    return access.check_case(
        uow, Access.RUN_JOB, sak, object_type="information_request", object_id=request.id
    )


def information_reminder(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    found = _open_request(uow, payload)
    if found is None:
        return
    request, behandling, sak = found
    _check_job(uow, sak, request)
    uow.event(
        sak.id,
        behandling.id,
        "information_reminder_sent",
        information_request_id=str(request.id),
        deadline=request.deadline.isoformat(),
    )


def information_deadline(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """The deadline passed without an answer: the case goes back to a caseworker."""
    found = _open_request(uow, payload)
    if found is None or found[1].state != State.WAITING_FOR_INFORMATION.value:
        return
    request, behandling, sak = found
    person = _check_job(uow, sak, request)
    request.status = "expired"
    move(uow, sak, behandling, Action.DEADLINE_PASSED, information_request_id=str(request.id))
    open_oppgave(
        uow,
        sak,
        behandling,
        person,
        "assess",
        "information_deadline_passed",
        behandling.assigned_to,
    )


def implement_vedtak(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Iverksetting: carry out the vedtak: store the payment lines it makes due now
    (etterbetaling, or the corrections of a revurdering); the payment run pays them."""
    behandling = uow.session.get(Behandling, uuid.UUID(payload["behandling_id"]))
    assert behandling is not None
    if behandling.state != State.DECIDED.value:
        return
    sak = uow.session.get(Sak, behandling.sak_id)
    assert sak is not None
    vedtak = uow.session.scalars(select(Vedtak).where(Vedtak.behandling_id == behandling.id)).one()
    vedtak.implemented_at = uow.now
    payments.on_vedtak(uow, vedtak)
    # A revurdering that gives less for periods already paid: a feilutbetaling, recovered
    # through a tilbakekreving case of its own (varsel first).
    tilbakekreving_service.open_from_vedtak(uow, vedtak)
    move(uow, sak, behandling, Action.IMPLEMENT, vedtak_id=str(vedtak.id))
    # A running benefit with meldeplikt: the reminder and deadline jobs of its meldeperioder.
    meldekort.plan_periods(uow, sak, meldekort.today(uow))


PAYMENT_RUN_HOUR = 6  # the scheduled run starts at 06:00 UTC, before the banks' first batch


def _next_day(uow: UnitOfWork, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(PAYMENT_RUN_HOUR), dt.UTC)


def payment_run(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """The scheduled payment run for a day, whole in this job's transaction: the job's row
    lock and its done mark commit with the lines and the order, so a worker killed half-way
    leaves nothing done and the job pending, and two workers never run it both (SKIP LOCKED).
    The next day's run is queued in the same transaction."""
    day = dt.date.fromisoformat(payload["date"])
    holder = f"job:{payload['date']}"
    run_id = payments.claim_run(uow, day, holder)
    sak_ids = payments.saker_to_plan(uow, day)
    for start in range(0, len(sak_ids), payments.PLAN_BATCH):
        part = sak_ids[start : start + payments.PLAN_BATCH]
        payments.plan_saker(
            uow, list(uow.session.scalars(select(Sak).where(Sak.id.in_(part)))), day
        )
    after = None
    while True:
        batch = payments.order_due(
            uow, run_id, holder, day, after=after, limit=payments.ORDER_BATCH
        )
        if batch.lines_seen < payments.ORDER_BATCH:
            break
        after = batch.last
    payments.finish_run(uow, run_id, holder)
    enqueue(uow, "payment_run", _next_day(uow, day), date=(day + dt.timedelta(days=1)).isoformat())


def payment_checks(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """The daily checks: double payments and orders without a bank status in time."""
    day = dt.date.fromisoformat(payload["date"])
    payments.double_payments(uow)
    payments.status_alarms(uow)
    enqueue(
        uow, "payment_checks", _next_day(uow, day), date=(day + dt.timedelta(days=1)).isoformat()
    )


def regulate(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """One batch of a G-regulering in this job's transaction, then the job for the next batch
    in the same transaction: a chain of jobs that ends when no sak is left. A worker killed
    half-way leaves the batch undone and the job pending; the `regulations` rows keep every
    sak regulated once, whichever worker runs the next job."""
    day = dt.date.fromisoformat(payload["g_from"])
    size = int(payload.get("batch") or regulation.BATCH)
    last, _report = regulation.next_batch(uow, day, None, size, dry_run=False)
    if last is not None:
        enqueue(uow, "regulate", uow.now, g_from=payload["g_from"], batch=size)


HANDLERS: dict[str, Callable[[UnitOfWork, dict[str, Any]], None]] = {
    "information_reminder": information_reminder,
    "information_deadline": information_deadline,
    "implement_vedtak": implement_vedtak,
    "send_letter": letters.send_letter,
    "klage_grounds_deadline": appeals.grounds_deadline_passed,
    "appeal_deadline": appeals.appeal_deadline,
    "meldekort_reminder": meldekort.reminder_job,
    "meldekort_deadline": meldekort.deadline_job,
    "payment_run": payment_run,
    "payment_checks": payment_checks,
    "regulate": regulate,
    "privacy_request_reminder": privacy_requests.reminder_job,
    "retention_run": retention.scheduled_run,
    "tilbakekreving_comment_deadline": tilbakekreving_service.comment_deadline_passed,
}


def claim_due_job(uow: UnitOfWork) -> Job | None:
    """The oldest due job, locked for this transaction (skipping jobs other workers hold)."""
    query = (
        select(Job)
        .where(Job.status == "pending", Job.run_at <= uow.now)
        .order_by(Job.run_at)
        .limit(1)
    )
    if uow.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return uow.session.scalars(query).first()


def retry_later(job: Job, error: str, now: dt.datetime) -> None:
    job.attempts += 1
    job.last_error = error[:2000]
    if job.attempts >= MAX_ATTEMPTS:
        job.status = "failed"
        job.finished_at = now
    else:
        job.run_at = now + dt.timedelta(minutes=2**job.attempts)
