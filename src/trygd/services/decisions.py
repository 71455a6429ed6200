"""Running the rules on a behandling, and turning a result into a vedtak.

Where the benefit allows automation and every condition is determined, the vedtak is made at
once and marked automatic (NAV-loven § 4 a, GDPR art. 22); otherwise a task goes to the
case's unit. A manual vedtak is only made from an approved proposal (totrinnskontroll).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import aliased

from trygd.domain.advance_notice import AdvanceNotice, advance_notice, against_person
from trygd.domain.automation import LEGAL_BASIS as AUTOMATION_BASIS
from trygd.domain.automation import may_decide_automatically
from trygd.domain.behandling import Action
from trygd.rules.declarations import FactError
from trygd.rules.parameters import ParameterError
from trygd.rules.record import FORMAT as RECORD_FORMAT
from trygd.rules.record import DecisionRecord, evaluate_record
from trygd.services.errors import InvalidInput
from trygd.services.records import (
    enqueue,
    facts_as_json,
    move,
    open_oppgave,
    stored_amounts,
    validate_facts,
)
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import (
    Behandling,
    DecisionRecordRow,
    Event,
    Person,
    Sak,
    Vedtak,
    Vurdering,
)


def run_rules(
    uow: UnitOfWork, sak: Sak, behandling: Behandling, facts: dict[str, Any] | None = None
) -> DecisionRecord:
    """Assess the behandling's facts on its claim date and store the result as a new decision
    record (records never change). The record the behandling pointed to before is deleted
    unless a vedtak rests on it.

    `facts` are the same facts already validated (as Python values) when the caller has them;
    otherwise the stored JSON facts are validated again."""
    if facts is None:
        facts = validate_facts(sak.benefit, behandling.claim_date, behandling.facts).facts
    try:
        record = evaluate_record(sak.benefit, facts, behandling.claim_date)
    except ParameterError as error:
        # The shipped parameter files are checked when loaded; here the error can only mean
        # that the date (or a year in the facts) lies outside the law's known values.
        raise InvalidInput([("claim_date", f"cannot be assessed on this date: {error}")]) from None
    except FactError as error:  # checked when the facts were validated; kept as a safeguard
        problems = [(f"facts.{name}", problem) for name, problem in error.problems]
        raise InvalidInput(problems) from None
    row = DecisionRecordRow(
        id=uuid.uuid4(),
        benefit=record.benefit,
        claim_date=record.at,
        ruleset_version=record.ruleset_version,
        format=RECORD_FORMAT,
        record=record.to_json(),
        created_at=uow.now,
    )
    previous = behandling.record_id
    uow.add_new_before(row, behandling)  # the behandling points to it
    behandling.record_id = row.id
    behandling.outcome = record.outcome.value
    behandling.ruleset_version = record.ruleset_version
    behandling.updated_at = uow.now
    undetermined = [f"{record.benefit}.{r.id}" for r in record.rules if r.status == "undetermined"]
    uow.event(
        sak.id,
        behandling.id,
        "assessed",
        outcome=record.outcome.value,
        ruleset_version=record.ruleset_version,
        undetermined=undetermined,
    )
    if previous is not None:
        # Once the behandling points to the new record: the old one goes, unless a vedtak
        # rests on it (or a later run in this use case points back to it: never, as every
        # run makes a new record).
        uow.at_commit(
            delete(DecisionRecordRow).where(
                DecisionRecordRow.id == previous,
                ~select(Vedtak.id).where(Vedtak.record_id == previous).exists(),
            )
        )
    return record


def assess_and_route(
    uow: UnitOfWork,
    sak: Sak,
    behandling: Behandling,
    person: Person,
    facts: dict[str, Any] | None = None,
) -> Vedtak | None:
    """Decide automatically where the law allows it (the vedtak is returned); otherwise give
    the unit a task."""
    record = run_rules(uow, sak, behandling, facts)
    if may_decide_automatically(sak.benefit, record.outcome.value):
        move(uow, sak, behandling, Action.DECIDE_AUTOMATICALLY, legal_basis=AUTOMATION_BASIS)
        return make_vedtak(uow, sak, behandling, automatic=True)
    undetermined = any(r.status == "undetermined" for r in record.rules)
    reason = "undetermined_conditions" if undetermined else "manual_benefit"
    open_oppgave(uow, sak, behandling, person, "assess", reason)
    return None


def make_vedtak(uow: UnitOfWork, sak: Sak, behandling: Behandling, *, automatic: bool) -> Vedtak:
    assert behandling.record_id is not None and behandling.outcome in ("granted", "rejected")
    vedtak = Vedtak(
        id=uuid.uuid4(),
        sak_id=sak.id,
        behandling_id=behandling.id,
        replaces_vedtak_id=behandling.revises_vedtak_id,
        outcome=behandling.outcome,
        automatic=automatic,
        decided_at=uow.now,
        effective_from=behandling.claim_date,
        proposed_by=None if automatic else behandling.proposed_by,
        approved_by=None if automatic else behandling.approved_by,
        ruleset_version=behandling.ruleset_version or "",
        facts=facts_as_json(behandling.facts),
        record_id=behandling.record_id,
        implemented_at=None,
    )
    uow.add_new(vedtak)
    uow.event(
        sak.id,
        behandling.id,
        "vedtak_made",
        vedtak_id=str(vedtak.id),
        outcome=vedtak.outcome,
        automatic=automatic,
        replaces=str(vedtak.replaces_vedtak_id) if vedtak.replaces_vedtak_id else None,
        **advance_notice_for(uow, behandling, vedtak).to_record(),
    )
    # Iverksetting runs as a job, so a vedtak is carried out even if this process dies now.
    enqueue(uow, "implement_vedtak", uow.now, behandling_id=str(behandling.id))
    # So is the letter: it is rendered and stored by a worker, never lost (see services.letters).
    enqueue(uow, "send_letter", uow.now, letter="vedtak", vedtak_id=str(vedtak.id))
    return vedtak


def advance_notice_for(uow: UnitOfWork, behandling: Behandling, vedtak: Vedtak) -> AdvanceNotice:
    """Whether the vedtak needed a forhåndsvarsel under fvl. § 16, and why none was sent if
    none was (see `trygd.domain.advance_notice`); recorded with the vedtak in the case
    history. Facts come only from the person when no caseworker assessed a condition. An
    automatic vedtak had no caseworker, so neither a notice nor findings of one: the
    database is only asked about a vedtak a caseworker made."""
    old = (
        uow.session.get(Vedtak, behandling.revises_vedtak_id)
        if behandling.revises_vedtak_id
        else None
    )
    against = old is not None and against_person(
        old.outcome,
        vedtak.outcome,
        stored_amounts(uow, old.record_id),
        stored_amounts(uow, vedtak.record_id),
    )
    staff_findings = notice_sent = False
    if not vedtak.automatic:
        staff_findings = (
            uow.session.scalar(
                select(Vurdering.id).where(Vurdering.behandling_id == behandling.id).limit(1)
            )
            is not None
        )
        notice_sent = (
            uow.session.scalar(
                select(Event.id)
                .where(
                    Event.behandling_id == behandling.id,
                    Event.type == "advance_notice_ordered",
                )
                .limit(1)
            )
            is not None
        )
    return advance_notice(
        kind=behandling.kind,
        against=against,
        facts_from_person_only=not staff_findings,
        notice_sent=notice_sent,
    )


def latest_vedtak(uow: UnitOfWork, sak: Sak) -> Vedtak | None:
    """The vedtak in force: not replaced by a later one (the newest if several qualify)."""
    replacing = aliased(Vedtak)
    replaced = select(replacing.id).where(replacing.replaces_vedtak_id == Vedtak.id).exists()
    return uow.session.scalars(
        select(Vedtak)
        .where(Vedtak.sak_id == sak.id, ~replaced)
        # Vedtak of two claims decided in the same instant: the later claim, then any fixed order.
        .order_by(Vedtak.decided_at.desc(), Vedtak.effective_from.desc(), Vedtak.id.desc())
        .limit(1)
    ).first()


def start_of_day_after(day: dt.date) -> dt.datetime:
    """Deadlines last the whole day; the job that acts on one runs when the next day begins."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=dt.UTC)
