"""The one access point: every read, search and change of personal data passes `check`.

`check` asks the policy (`trygd.privacy.policy`), records the answer in the audit trail of the
current unit of work, and raises `Forbidden` on a denial. A use case that skips it cannot
reach personal data, because the repositories in `trygd.services.cases` are only called after
it. Subjects are built from the database here, so that the policy sees the person's real
protection status and the units of their cases, never what the caller claims.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from trygd.privacy.policy import (
    NOBODY,
    Action,
    Role,
    Subject,
    Task,
    decide,
    visible_protections,
)
from trygd.services.errors import Forbidden
from trygd.services.restriction import is_restricted
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import Behandling, Klage, Oppgave, Person, Sak

_ROLES_NOT_BY_ASSIGNMENT = frozenset({Role.CITIZEN, Role.SYSTEM})


def _restricted(uow: UnitOfWork, person_id: uuid.UUID) -> bool:
    """Whether the person's processing is restricted (GDPR art. 18): asked only for an
    employee's access, the one kind the restriction narrows (saves a query for the citizen's
    own and the system's)."""
    if uow.actor.roles <= _ROLES_NOT_BY_ASSIGNMENT:
        return False
    return is_restricted(uow.session, person_id)


def subject_for_person(
    uow: UnitOfWork,
    person: Person,
    sak: Sak | None = None,
    assigned_to: str | None = None,
    units: frozenset[str] | None = None,
    handled_by: frozenset[str] = frozenset(),
) -> Subject:
    """The person as the policy sees them; with `sak`, only that case's unit counts.
    `units` passes the units of the person's cases when the caller has loaded them already."""
    if sak is not None:
        return _case_subject(
            uow,
            CaseFacts(sak.id, sak.unit, person.id, person.protection, person.skjermet),
            assigned_to,
            handled_by,
        )
    if units is None:
        units = frozenset(uow.session.scalars(select(Sak.unit).where(Sak.person_id == person.id)))
    assigned = {assigned_to} if assigned_to else set()
    appeal_units: frozenset[str] = frozenset()
    if Role.APPEALS in uow.actor.roles:  # only Klageinstans needs to know (saves a query)
        forwarded = select(Klage.klageinstans_unit).where(
            Klage.person_id == person.id, Klage.klageinstans_unit.is_not(None)
        )
        appeal_units = frozenset(u for u in uow.session.scalars(forwarded) if u)
    return Subject(
        person_id=str(person.id),
        protection=person.protection,
        skjermet=person.skjermet,
        case_units=units,
        assigned_to=frozenset(a for a in assigned if a),
        appeal_units=appeal_units,
        handled_by=handled_by,
        restricted=_restricted(uow, person.id),
    )


@dataclass(frozen=True)
class CaseFacts:
    """What the policy reads of one sak and its person, as plain values: a payment run that
    checks thousands of saker reads these in its own query instead of loading each row."""

    sak_id: uuid.UUID
    unit: str
    person_id: uuid.UUID
    protection: str
    skjermet: bool


def _case_subject(
    uow: UnitOfWork,
    case: CaseFacts,
    assigned_to: str | None = None,
    handled_by: frozenset[str] = frozenset(),
) -> Subject:
    """The person of one case as the policy sees them: only that case's unit counts."""
    assigned: set[str | None]
    # Only an employee's access can follow from a task assigned to them: a citizen's rests
    # on their own identity, and the system's on its role (saves a query for both).
    if uow.actor.roles <= _ROLES_NOT_BY_ASSIGNMENT:
        assigned = set()
    else:
        assigned = set(
            uow.session.scalars(
                select(Oppgave.assigned_to).where(
                    Oppgave.sak_id == case.sak_id, Oppgave.assigned_to.is_not(None)
                )
            )
        )
    if assigned_to:
        assigned.add(assigned_to)
    appeal_units: frozenset[str] = frozenset()
    if Role.APPEALS in uow.actor.roles:  # only Klageinstans needs to know (saves a query)
        forwarded = select(Klage.klageinstans_unit).where(
            Klage.person_id == case.person_id,
            Klage.klageinstans_unit.is_not(None),
            Klage.sak_id == case.sak_id,
        )
        appeal_units = frozenset(u for u in uow.session.scalars(forwarded) if u)
    return Subject(
        person_id=str(case.person_id),
        protection=case.protection,
        skjermet=case.skjermet,
        case_units=frozenset({case.unit}),
        assigned_to=frozenset(a for a in assigned if a),
        appeal_units=appeal_units,
        handled_by=handled_by,
        restricted=_restricted(uow, case.person_id),
    )


def check_cases(
    uow: UnitOfWork, action: Action, cases: Iterable[CaseFacts], *, object_type: str
) -> None:
    """`check_case` for each case, its sak as the object: one decision and one audit record
    per case, exactly as one call each would give (raises `Forbidden` at the first denial)."""
    for case in cases:
        check(uow, action, _case_subject(uow, case), object_type=object_type, object_id=case.sak_id)


def check_case(
    uow: UnitOfWork,
    action: Action,
    sak: Sak,
    *,
    object_type: str,
    object_id: uuid.UUID,
    assigned_to: str | None = None,
    handled_by: frozenset[str] = frozenset(),
) -> Person:
    """Check `action` on one case of a person; the person is returned for the use case."""
    person = uow.session.get(Person, sak.person_id)
    assert person is not None  # a foreign key guarantees it
    subject = subject_for_person(uow, person, sak, assigned_to, handled_by=handled_by)
    check(uow, action, subject, object_type=object_type, object_id=object_id)
    return person


def check_claim(uow: UnitOfWork, task: Oppgave, sak: Sak) -> Person:
    """Check that the caller may take `task`: the task's own kind and unit decide (an approval
    never by its proposer), and then the person's data as for any case."""
    behandling = uow.session.get(Behandling, task.behandling_id)
    proposed_by = behandling.proposed_by if behandling is not None else None
    person = uow.session.get(Person, sak.person_id)
    assert person is not None  # a foreign key guarantees it
    subject = dataclasses.replace(
        subject_for_person(uow, person, sak),
        task=Task(kind=task.kind, unit=task.unit, proposed_by=proposed_by),
    )
    check(uow, Action.CLAIM_TASK, subject, object_type="oppgave", object_id=task.id)
    return person


def hidden_persons(uow: UnitOfWork) -> Select[Any]:
    """The ids of the persons the caller's clearances do not let them see (few: the
    protected and skjermet persons). Every list of many persons' records (the task queue,
    payments that wait, privacy requests, the audit trail) leaves their rows out, so that a
    list never shows a caller without the clearance that a person is protected: not by a
    name left out, a unit, or a rule named in an audit record."""
    protections, skjermet = visible_protections(uow.actor)
    visible: ColumnElement[bool] = Person.protection.in_(sorted(protections))
    if not skjermet:
        visible = visible & Person.skjermet.is_(False)
    return select(Person.id).where(~visible)


def check_person(
    uow: UnitOfWork,
    action: Action,
    person_id: uuid.UUID,
    *,
    purpose: str | None = None,
    object_type: str | None = None,
) -> None:
    """Check `action` on everything about one person (such as their audit trail): the
    person's protection decides, not the units of their cases. An id of nobody is checked as
    an unprotected person, so that the answer does not tell whether the person exists."""
    person = uow.session.get(Person, person_id)
    subject = Subject(
        person_id=str(person_id),
        protection=person.protection if person is not None else "none",
        skjermet=person.skjermet if person is not None else False,
    )
    check(uow, action, subject, purpose=purpose, object_type=object_type)


def check(
    uow: UnitOfWork,
    action: Action,
    subject: Subject = NOBODY,
    *,
    purpose: str | None = None,
    object_type: str | None = None,
    object_id: uuid.UUID | str | None = None,
) -> None:
    """Permit or refuse `action` on `subject`, and audit the answer either way."""
    decision = decide(uow.actor, action, subject, purpose)
    uow.record_access(
        person_id=uuid.UUID(subject.person_id) if subject.person_id else None,
        action=action.value,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        purpose=purpose,
        outcome="permit" if decision.permit else "deny",
        reason=decision.reason,
    )
    if not decision.permit:
        if decision.about_subject:
            raise Forbidden("access denied: you have no access to this person's data")
        raise Forbidden(f"access denied: {decision.reason}")
