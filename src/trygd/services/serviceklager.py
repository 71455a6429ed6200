"""Serviceklage: a complaint about how NAV served the person (waiting time, rudeness, a lost
document). It is a channel of its own: it is answered by the unit it is about, it changes no
decision and no deadline, and it is never mixed up with a klage on a vedtak."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from sqlalchemy import case, func, select

from trygd.domain.units import local_office
from trygd.privacy.policy import Action as Access
from trygd.privacy.policy import Clearance
from trygd.services import access, free_text
from trygd.services.employees import employee_name
from trygd.services.errors import Conflict, InvalidInput
from trygd.services.intake import caller_person, protection_of
from trygd.services.records import enqueue, get_or_404, parse_id
from trygd.services.unit_of_work import UnitOfWork
from trygd.services.views import page
from trygd.store.models import Person, Sak, Serviceklage

MIN_TEXT = 10


def _text(body: dict[str, Any], field: str) -> str:
    return free_text.checked(body.get(field), field, free_text.SERVICEKLAGE, minimum=MIN_TEXT)


def _row(c: Serviceklage) -> dict[str, Any]:
    return {
        "id": str(c.id),
        "sak_id": str(c.sak_id) if c.sak_id else None,
        "unit": c.unit,
        "text": c.text,
        "received_at": c.received_at.isoformat(),
        "status": c.status,
        "answer": c.answer,
        "answered_at": c.answered_at.isoformat() if c.answered_at else None,
        "affects_deadlines": False,
    }


def submit(uow: UnitOfWork, body: dict[str, Any]) -> dict[str, Any]:
    """The person complains; it goes to the unit of the case it names, or their local office."""
    person = caller_person(uow, Access.SUBMIT_SERVICEKLAGE)
    text = _text(body, "text")
    sak: Sak | None = None
    if body.get("sak_id") is not None:
        sak = get_or_404(uow, Sak, parse_id(body["sak_id"], "sak_id"), "sak")
        if sak.person_id != person.id:
            raise InvalidInput([("sak_id", "is not one of your cases")])
    access.check(
        uow,
        Access.SUBMIT_SERVICEKLAGE,
        access.subject_for_person(uow, person),
        object_type="person",
        object_id=person.id,
    )
    if sak is not None:
        unit = sak.unit
    else:
        unit = local_office(person.municipality, protection_of(person)).number
    complaint = Serviceklage(
        id=uuid.uuid4(),
        person_id=person.id,
        sak_id=sak.id if sak else None,
        unit=unit,
        text=text,
        received_at=uow.now,
        status="open",
    )
    uow.session.add(complaint)
    return _row(complaint)


def list_own(uow: UnitOfWork) -> dict[str, Any]:
    # Audited as the reading it is (an employee calling it is refused as a read, not as a
    # complaint they never made).
    person = caller_person(uow, Access.READ_CASE)
    access.check(
        uow,
        Access.READ_CASE,
        access.subject_for_person(uow, person),
        object_type="serviceklager",
        object_id=person.id,
    )
    rows = uow.session.scalars(
        select(Serviceklage)
        .where(Serviceklage.person_id == person.id)
        .order_by(Serviceklage.received_at)
    ).all()
    return {"items": [_row(c) for c in rows], "total": len(rows)}


def answer(uow: UnitOfWork, complaint_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """A caseworker of the unit the complaint is about answers it; the answer goes by letter."""
    complaint = get_or_404(uow, Serviceklage, complaint_id, "serviceklage")
    person = uow.session.get(Person, complaint.person_id)
    assert person is not None
    subject = access.subject_for_person(uow, person, units=frozenset({complaint.unit}))
    access.check(
        uow,
        Access.ANSWER_SERVICEKLAGE,
        subject,
        object_type="serviceklage",
        object_id=complaint.id,
    )
    text = _text(body, "answer")
    if complaint.status != "open":
        raise Conflict("the serviceklage has already been answered")
    complaint.status = "answered"
    complaint.answer = text
    complaint.answered_by = uow.actor.id
    complaint.answered_at = uow.now
    enqueue(
        uow, "send_letter", uow.now, letter="serviceklage_answer", serviceklage_id=str(complaint.id)
    )
    return _row(complaint)


def list_for_unit(uow: UnitOfWork, limit: int, offset: int) -> dict[str, Any]:
    """The serviceklager sent to the caller's unit, open ones first, oldest first within each.

    Like the task queue, one audit record covers the listing, and its rows show no names or
    complaint texts; opening one (`get`) is checked and audited per person."""
    limit, offset = page(limit, offset)
    actor = uow.actor
    access.check(uow, Access.LIST_QUEUE, object_type="serviceklager", object_id=actor.unit)
    if actor.unit is None:
        return {"items": [], "total": 0, "open": 0, "limit": limit, "offset": offset}
    conditions = [Serviceklage.unit == actor.unit]
    if Clearance.SKJERMING not in actor.clearances:
        conditions.append(Person.skjermet.is_(False))
    base = select(Serviceklage).join(Person, Person.id == Serviceklage.person_id)
    counted = select(Serviceklage.status, func.count()).join(
        Person, Person.id == Serviceklage.person_id
    )
    counts = dict(
        uow.session.execute(counted.where(*conditions).group_by(Serviceklage.status)).all()
    )
    rows = uow.session.scalars(
        base.where(*conditions)
        .order_by(
            case((Serviceklage.status == "open", 0), else_=1),
            Serviceklage.received_at,
            Serviceklage.id,
        )
        .limit(limit)
        .offset(offset)
    ).all()
    benefits = {
        sak.id: sak.benefit
        for sak in uow.session.scalars(
            select(Sak).where(Sak.id.in_({c.sak_id for c in rows if c.sak_id}))
        )
    }
    return {
        "items": [
            {
                "id": str(c.id),
                "status": c.status,
                "received_at": c.received_at.isoformat(),
                "answered_at": c.answered_at.isoformat() if c.answered_at else None,
                "benefit": benefits.get(c.sak_id) if c.sak_id else None,
            }
            for c in rows
        ],
        "total": sum(counts.values()),
        "open": counts.get("open", 0),
        "limit": limit,
        "offset": offset,
    }


def get(uow: UnitOfWork, complaint_id: uuid.UUID) -> dict[str, Any]:
    """One serviceklage with the person's name: for the person, and for the staff of the unit
    it was sent to (the same subject `answer` checks, so who may answer may read it)."""
    complaint = get_or_404(uow, Serviceklage, complaint_id, "serviceklage")
    person = uow.session.get(Person, complaint.person_id)
    assert person is not None
    # Only the unit it was sent to: a klage of the same person at NAV Klageinstans gives
    # Klageinstans no access to this separate channel.
    subject = dataclasses.replace(
        access.subject_for_person(uow, person, units=frozenset({complaint.unit})),
        appeal_units=frozenset(),
    )
    access.check(uow, Access.READ_CASE, subject, object_type="serviceklage", object_id=complaint.id)
    sak = uow.session.get(Sak, complaint.sak_id) if complaint.sak_id else None
    return {
        **_row(complaint),
        "person_name": person.name,
        "benefit": sak.benefit if sak else None,
        "answered_by": complaint.answered_by,
        "answered_by_name": employee_name(uow, complaint.answered_by),
    }
