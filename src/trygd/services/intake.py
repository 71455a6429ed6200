"""What comes in from the person: a søknad, and a reported change (endringsmelding)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import select

from trygd.applications.inputs import InputError, parse_application
from trygd.domain.behandling import Action, Kind, State
from trygd.domain.units import (
    PROTECTIONS,
    Protection,
    UnknownMunicipalityError,
    responsible_unit,
)
from trygd.privacy.policy import Action as Access
from trygd.privacy.policy import Role
from trygd.services import access, claims, free_text
from trygd.services.decisions import assess_and_route, latest_vedtak, run_rules
from trygd.services.errors import Conflict, InvalidInput, NotFound
from trygd.services.records import (
    facts_as_json,
    get_or_404,
    keep_claim_date,
    move,
    open_behandling,
    validate_facts,
)
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import Behandling, Endringsmelding, Person, Sak, Soknad, Vedtak

# How far ahead a claim or a change may be dated: parameters further out are not known.
LONGEST_AHEAD = dt.timedelta(days=366)


def protection_of(person: Person) -> Protection:
    """The stored protection status; anything unknown is treated as the strictest (fail closed)."""
    if person.protection in PROTECTIONS:
        return person.protection  # type: ignore[return-value]
    return "strengt_fortrolig"


def caller_person(uow: UnitOfWork, action: Access) -> Person:
    """The person record of the calling citizen, from the verified token.

    An employee calling a self-service endpoint is refused (403) and audited like any other
    denial; a citizen missing from the register gets 404."""
    if not uow.actor.has(Role.CITIZEN):
        access.check(uow, action)
    if uow.actor.person_id is None:
        raise NotFound("the caller has no person record in the population register")
    caller = uow.caller
    if caller is not None and str(caller.id) == uow.actor.person_id:
        return caller
    person = uow.session.get(Person, uuid.UUID(uow.actor.person_id))
    if person is None:
        raise NotFound("the caller has no person record in the population register")
    return person


def caller_saker(uow: UnitOfWork, person: Person) -> list[Sak]:
    """The calling citizen's cases: already at hand when `resolve_caller` loaded them with the
    person, otherwise read now."""
    if uow.caller is person and uow.caller_saker is not None:
        return uow.caller_saker
    return list(uow.session.scalars(select(Sak).where(Sak.person_id == person.id)))


def submit_application(uow: UnitOfWork, body: dict[str, Any]) -> dict[str, Any]:
    """Register a søknad, assess it, and decide it automatically where the law allows."""
    person = caller_person(uow, Access.APPLY)
    saker = caller_saker(uow, person)
    subject = access.subject_for_person(uow, person, units=frozenset(s.unit for s in saker))
    access.check(uow, Access.APPLY, subject, object_type="sak")
    facts = body.get("facts")
    if isinstance(facts, dict) and "birth_date" not in facts:
        # The register knows the birth date; the person need not type it.
        body = {**body, "facts": {**facts, "birth_date": person.birth_date.isoformat()}}
    try:
        application = parse_application(json.dumps(body))
    except InputError as error:
        raise InvalidInput(error.problems) from None
    if application.claim_date > uow.now.date() + LONGEST_AHEAD:
        raise InvalidInput([("claim_date", "is more than a year ahead")])
    description = free_text.optional(application.description, "description", free_text.DESCRIPTION)
    if application.facts.get("birth_date") not in (None, person.birth_date):
        raise InvalidInput([("facts.birth_date", "does not match the population register")])
    try:
        unit = responsible_unit(application.benefit, person.municipality, protection_of(person))
    except UnknownMunicipalityError as error:
        raise InvalidInput([("person.municipality", error.problem)]) from None

    sak = next((s for s in saker if s.benefit == application.benefit), None)
    if sak is None:
        sak = Sak(
            id=uuid.uuid4(),
            person_id=person.id,
            benefit=application.benefit,
            unit=unit.number,
            created_at=uow.now,
        )
        uow.add_new(sak)  # a concurrent twin fails on (person, benefit) and is run again
    else:
        claims.lock_sak(uow, sak)
        claims.refuse_second_claim(uow, sak, application.claim_date)
    facts = facts_as_json(application.facts)
    soknad = Soknad(
        id=uuid.uuid4(),
        sak_id=sak.id,
        claim_date=application.claim_date,
        facts=facts,
        description=description,
        received_at=uow.now,
    )
    behandling = new_behandling(uow, sak, Kind.FIRST, application.claim_date, facts)
    behandling.soknad_id = soknad.id
    uow.add_new(soknad, behandling)
    uow.event(sak.id, behandling.id, "soknad_received", soknad_id=str(soknad.id))
    move(uow, sak, behandling, Action.START)
    vedtak = assess_and_route(uow, sak, behandling, person, application.facts)
    return summary(uow, sak, behandling, vedtak)


def report_change(uow: UnitOfWork, sak_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """An endringsmelding opens a revurdering of the latest vedtak with the changed facts.

    One revurdering at a time: while one is open and still being assessed, a change from the
    same date joins it (see `_join_revurdering`); anything else waits for its vedtak. A change
    that changes nothing in the vedtak in force is refused, so a report sent twice makes one
    revurdering, not two."""
    sak = get_or_404(uow, Sak, sak_id, "sak")
    person = access.check_case(uow, Access.REPORT_CHANGE, sak, object_type="sak", object_id=sak.id)
    effective = _date_field(body, "effective_date")
    changes = body.get("facts")
    if not isinstance(changes, dict) or not changes:
        raise InvalidInput([("facts", "must be an object with at least one changed fact")])
    description = free_text.optional(body.get("description"), "description", free_text.DESCRIPTION)
    unknown = set(body) - {"effective_date", "facts", "description"}
    if unknown:
        raise InvalidInput([(sorted(unknown)[0], "is not a known field")])
    claims.lock_sak(uow, sak)
    old = latest_vedtak(uow, sak)
    if old is None:
        raise Conflict(
            "the case has no vedtak yet; changes go into the open behandling",
            code="no_vedtak",
            facts={"sak_id": str(sak.id)},
        )
    if effective < old.effective_from:
        raise InvalidInput([("effective_date", "is before the vedtak it changes took effect")])
    if effective > uow.now.date() + LONGEST_AHEAD:
        raise InvalidInput([("effective_date", "is more than a year ahead")])
    report = Endringsmelding(
        id=uuid.uuid4(),
        sak_id=sak.id,
        effective_date=effective,
        facts=facts_as_json(changes),
        description=description,
        received_at=uow.now,
    )
    open_now = open_behandling(uow, sak)
    if open_now is not None:
        if open_now.kind == Kind.REVURDERING.value and State(open_now.state) in JOINABLE:
            return _join_revurdering(uow, sak, open_now, report, changes)
        raise claims.in_process(sak, open_now)
    kept = keep_claim_date(sak.benefit, old.facts, old.effective_from)
    merged = {**kept, **changes}
    application = validate_facts(sak.benefit, effective, merged)
    facts = facts_as_json(application.facts)
    if facts == kept:
        raise Conflict(
            f"nothing changes: the vedtak in force already rests on these facts (vedtak {old.id})",
            code="no_change",
            facts={"sak_id": str(sak.id), "vedtak_id": str(old.id)},
        )
    behandling = new_behandling(uow, sak, Kind.REVURDERING, effective, facts)
    behandling.revises_vedtak_id = old.id
    uow.add_new(report, behandling)
    uow.event(
        sak.id,
        behandling.id,
        "change_reported",
        endringsmelding_id=str(report.id),
        changed=sorted(changes),
        revises_vedtak_id=str(old.id),
    )
    move(uow, sak, behandling, Action.START)
    vedtak = assess_and_route(uow, sak, behandling, person, application.facts)
    return summary(uow, sak, behandling, vedtak)


# A revurdering takes further changes while a caseworker is still assessing it; once proposed
# (or approved), the facts are what the approver checks, so a change waits for the vedtak.
JOINABLE = frozenset({State.ASSESSING, State.WAITING_FOR_INFORMATION})


def _join_revurdering(
    uow: UnitOfWork,
    sak: Sak,
    behandling: Behandling,
    report: Endringsmelding,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """A further change joins the open revurdering: its facts are merged into it, the rules
    run again, and the caseworker's task stays where it is (a person decides it).

    Only a change from the revurdering's own date can join: its vedtak takes effect on one
    day, and a change from another day would then apply from the wrong date."""
    if report.effective_date != behandling.claim_date:
        raise Conflict(
            f"a revurdering of this case from {behandling.claim_date.isoformat()} is open "
            f"(behandling {behandling.id}); a change from "
            f"{report.effective_date.isoformat()} can be reported once it is decided",
            code="revurdering_other_date",
            facts={
                "sak_id": str(sak.id),
                "behandling_id": str(behandling.id),
                "revurdering_from": behandling.claim_date.isoformat(),
            },
        )
    application = validate_facts(
        sak.benefit, behandling.claim_date, {**behandling.facts, **changes}
    )
    facts = facts_as_json(application.facts)
    uow.add_new(report)
    uow.event(
        sak.id,
        behandling.id,
        "change_joined",
        endringsmelding_id=str(report.id),
        changed=sorted(changes),
    )
    if facts != behandling.facts:
        behandling.facts = facts
        run_rules(uow, sak, behandling, application.facts)
    return {**summary(uow, sak, behandling), "joined": True}


def new_behandling(
    uow: UnitOfWork, sak: Sak, kind: Kind, claim_date: dt.date, facts: dict[str, Any]
) -> Behandling:
    return Behandling(
        id=uuid.uuid4(),
        sak_id=sak.id,
        kind=kind.value,
        state=State.RECEIVED.value,
        claim_date=claim_date,
        facts=facts,
        created_at=uow.now,
        updated_at=uow.now,
        version=1,
    )


def summary(
    uow: UnitOfWork, sak: Sak, behandling: Behandling, vedtak: Vedtak | None = None
) -> dict[str, Any]:
    """What a change answers; `vedtak` is the one the change made, if the caller has it."""
    uow.flush()  # the version a client must send next is the one after this change
    if vedtak is None and behandling.state == State.DECIDED.value:
        vedtak = latest_vedtak(uow, sak)
    return {
        "sak_id": str(sak.id),
        "behandling_id": str(behandling.id),
        "benefit": sak.benefit,
        "unit": sak.unit,
        "kind": behandling.kind,
        "state": behandling.state,
        "outcome": behandling.outcome,
        "version": behandling.version,
        "vedtak_id": str(vedtak.id) if vedtak else None,
        "automatic": vedtak.automatic if vedtak else None,
    }


def _date_field(body: dict[str, Any], name: str) -> dt.date:
    value = body.get(name)
    if value is None:
        raise InvalidInput([(name, "is required")])
    if not isinstance(value, str):
        raise InvalidInput([(name, "must be a date written as YYYY-MM-DD")])
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput([(name, "is not a valid date (YYYY-MM-DD)")]) from None
