"""Loading and changing the stored records that several use cases share.

These helpers run inside a unit of work after the access check; they never check rights
themselves. Each change of a behandling goes through `move`, which consults the state machine
and writes the case event, so the event history cannot miss a transition.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import select, update

from trygd.applications.inputs import Application, InputError, parse_application
from trygd.domain.behandling import Action, IllegalTransition, Kind, State, next_state
from trygd.rules.assessment import benefit_by_id, jsonable
from trygd.rules.record import DecisionRecord, decode, explain
from trygd.rules.regulation import COMPACT_FORMAT, expand
from trygd.services.errors import Conflict, InvalidInput, NotFound
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import Behandling, DecisionRecordRow, Job, Oppgave, Person, Sak


def parse_id(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise InvalidInput([(field, "is not a valid id (a UUID)")]) from None


def get_or_404(uow: UnitOfWork, model: Any, id: uuid.UUID, what: str) -> Any:
    record = uow.session.get(model, id)
    if record is None:
        raise NotFound(f"{what} not found")
    return record


def check_version(behandling: Behandling, version: int) -> None:
    """Refuse a change based on an older read of the behandling (optimistic locking)."""
    if version != behandling.version:
        raise Conflict(
            f"the behandling has changed since you read it (you sent version {version}, "
            f"it is now {behandling.version}); read it again and retry"
        )


def move(uow: UnitOfWork, sak: Sak, behandling: Behandling, action: Action, **data: Any) -> None:
    """Apply `action` to the behandling through the state machine and record the event."""
    if behandling.kind == Kind.KLAGE.value:
        raise Conflict("this behandling is a klage: use the klage endpoints (/api/v1/klager)")
    try:
        new_state = next_state(State(behandling.state), action)
    except IllegalTransition as error:
        raise Conflict(str(error)) from None
    old_state = behandling.state
    behandling.state = new_state.value
    behandling.updated_at = uow.now
    uow.event(
        sak.id, behandling.id, action.value, **{"from": old_state, "to": new_state.value}, **data
    )


def validate_facts(benefit: str, claim_date: dt.date, facts: dict[str, Any]) -> Application:
    """Validate facts (as JSON values) for `benefit`; problems name the field."""
    document = {"benefit": benefit, "claim_date": claim_date.isoformat(), "facts": facts}
    try:
        return parse_application(json.dumps(document))
    except InputError as error:
        raise InvalidInput(error.problems) from None


def keep_claim_date(benefit: str, facts: dict[str, Any], claim_date: dt.date) -> dict[str, Any]:
    """A vedtak's facts (as JSON values) carried into a later behandling of the same right,
    with the claim date the rules must keep counting from (`Benefit.claim_date_fact`; for
    dagpenger the earning period of the basis) set to the vedtak's own when they lack it."""
    name = benefit_by_id(benefit).claim_date_fact
    if name is None or facts.get(name) is not None:
        return facts
    return {**facts, name: claim_date.isoformat()}


def facts_as_json(facts: dict[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, list):
            return [convert(item) for item in value]
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        return jsonable(value)

    return {name: convert(value) for name, value in facts.items()}


def stored_record(uow: UnitOfWork, record_id: uuid.UUID) -> DecisionRecord:
    """A stored decision record (every vedtak and every assessed behandling has one)."""
    row = uow.session.get(DecisionRecordRow, record_id)
    if row is None:  # the foreign keys make this impossible
        raise NotFound(f"decision record {record_id} not found")
    return record_of(uow, row.record)


def record_of(uow: UnitOfWork, document: dict[str, Any]) -> DecisionRecord:
    """The whole record of a stored one: a regulated grant's compact record
    (`trygd.rules.regulation.COMPACT_FORMAT`) expanded from the record it regulates."""
    if document.get("format") == COMPACT_FORMAT:
        base = uow.session.get(DecisionRecordRow, uuid.UUID(document["base"]))
        if base is None:  # the regulering wrote both; a base is never deleted
            raise NotFound(f"decision record {document['base']} not found")
        return expand(DecisionRecord.from_json(base.record), document)
    return DecisionRecord.from_json(document)


def stored_amounts(uow: UnitOfWork, record_id: uuid.UUID) -> dict[str, Any]:
    """The amounts a record decided as JSON values (dates as ISO text), as the explained
    result states them (see `trygd.rules.assessment.jsonable`)."""
    row = uow.session.get(DecisionRecordRow, record_id)
    if row is None:  # the foreign keys make this impossible
        raise NotFound(f"decision record {record_id} not found")
    amounts = decode(row.record["amounts"])  # only the amounts: cheaper than the whole record
    return {name: jsonable(value) for name, value in amounts.items()}


def explained(uow: UnitOfWork, record_id: uuid.UUID, language: str) -> dict[str, Any]:
    """A stored decision record explained in `language` (format trygd.assessment/1): the
    figures decided then, whatever the parameters say today."""
    return explain(stored_record(uow, record_id), language).to_dict()


def open_oppgave(
    uow: UnitOfWork,
    sak: Sak,
    behandling: Behandling,
    person: Person,
    kind: str,
    reason: str,
    assigned_to: str | None = None,
    unit: str | None = None,
) -> Oppgave:
    """An oppgave (task) in the queue of `unit` (by default the case's own unit)."""
    unit = unit or sak.unit
    oppgave = Oppgave(
        id=uuid.uuid4(),
        sak_id=sak.id,
        behandling_id=behandling.id,
        person_id=person.id,
        kind=kind,
        reason=reason,
        benefit=sak.benefit,
        unit=unit,
        skjermet=person.skjermet,
        status="open",
        assigned_to=assigned_to,
        created_at=uow.now,
    )
    uow.session.add(oppgave)
    uow.event(sak.id, behandling.id, "task_opened", kind=kind, reason=reason, unit=unit)
    return oppgave


def close_oppgaver(uow: UnitOfWork, behandling: Behandling) -> None:
    uow.session.execute(
        update(Oppgave)
        .where(Oppgave.behandling_id == behandling.id, Oppgave.status == "open")
        .values(status="closed", closed_at=uow.now)
    )


def enqueue(uow: UnitOfWork, kind: str, run_at: dt.datetime, **payload: Any) -> None:
    uow.add_new(
        Job(
            id=uuid.uuid4(),
            kind=kind,
            run_at=run_at,
            payload=payload,
            status="pending",
            attempts=0,
            created_at=uow.now,
        )
    )


def open_behandling(uow: UnitOfWork, sak: Sak) -> Behandling | None:
    """The case's open behandling of the ordinary kinds (a klage runs beside them)."""
    open_states = [s.value for s in State if s not in (State.DECIDED, State.IMPLEMENTED)]
    return uow.session.scalars(
        select(Behandling).where(
            Behandling.sak_id == sak.id,
            Behandling.state.in_(open_states),
            Behandling.kind != "klage",
        )
    ).first()
