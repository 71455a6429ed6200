"""Requests under GDPR art. 15-22, and the one-month clock of art. 12(3).

A person asks from their page: for a copy of data beyond the download (art. 15), to have
something corrected (art. 16), to have data erased (art. 17), to restrict processing (art. 18),
to object to processing based on a public interest (art. 21), or for a caseworker to look again
at an automatic decision (art. 22(3)). Each request goes to a unit (the person's local office;
the case's unit for a manual review), has a deadline one month from the day it was received
(`trygd.domain.deadlines.gdpr_answer_deadline`), may be extended once by two months with a
reason sent to the person (`gdpr_extended_deadline`, the notice by letter), and is answered by
letter. A job reminds the unit `privacy.gdpr_reminder_days` before the deadline; the unit's
queue shows every open request with its deadline date.

Restriction has an effect at once: while a restriction is asked for or granted, or an
objection waits for an answer (art. 18(1)(d)), the person's data is "restricted": the access
point permits a caseworker only what serves the person's own claims and rights
(`policy.DURING_RESTRICTION`), and says so in each audit record; the statistics (usual
processing times) leave the person out; staff pages show the restriction. An objection that
is granted keeps the person out of the statistics.

Erasure (art. 17) is answered by a decision, not only a text: the caseworker either erases
what may be erased (`trygd.services.erasure.carry_out`: the retention run's steps for the one
person) or nothing; the request then stores what was erased and what kept, each with its legal
basis, and the outcome follows from it. Before asking, the person can see the same overview.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from sqlalchemy import case, func, select

from trygd.domain import deadlines
from trygd.domain import erasure as erasure_rules
from trygd.domain.units import local_office
from trygd.privacy.policy import Action as Access
from trygd.rules.assessment import default_ruleset
from trygd.services import access, erasure, free_text, restriction
from trygd.services.employees import employee_name
from trygd.services.errors import Conflict, InvalidInput
from trygd.services.intake import caller_person, protection_of
from trygd.services.meldekort import OSLO
from trygd.services.records import enqueue, get_or_404, parse_id
from trygd.services.restriction import restricting
from trygd.services.unit_of_work import UnitOfWork
from trygd.services.views import page
from trygd.store.models import PRIVACY_REQUEST_KINDS, Person, PrivacyRequest, Sak, Vedtak

KINDS = PRIVACY_REQUEST_KINDS
# What an objection can be about: the processing NAV bases on a public interest rather than on
# the benefit's own rules (art. 21(1) applies to processing under art. 6(1)(e) or (f) only).
OBJECTION_PROCESSING = ("statistics", "development", "other")
OUTCOMES = ("granted", "partly", "refused")
MIN_TEXT = 10
# Kinds whose text may be left empty: the access request's form only asks what more is wanted.
TEXT_OPTIONAL = frozenset({"access", "erasure"})
REMINDER_HOUR = 7  # the reminder is due at 07:00 Norwegian time


def legal_basis(kind: str) -> str:
    """The article a request of `kind` rests on, from `rules/legal_bases.toml`."""
    return default_ruleset().parameters.legal_basis(f"privacy_{kind}").text


def is_restricted(uow: UnitOfWork, person_id: uuid.UUID) -> bool:
    return restriction.is_restricted(uow.session, person_id)


def restricted_since(uow: UnitOfWork, person_id: uuid.UUID) -> str | None:
    """The day the person's processing became restricted, for the staff pages; None if not."""
    found = uow.session.scalar(
        select(func.min(PrivacyRequest.received_on)).where(
            PrivacyRequest.person_id == person_id, restricting()
        )
    )
    return found.isoformat() if found is not None else None


def current_deadline(request: PrivacyRequest) -> dt.date:
    return request.extended_deadline or request.deadline


def _iso(value: Any) -> str | None:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat() if value is not None else None


def _row(r: PrivacyRequest) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "kind": r.kind,
        "legal_basis": legal_basis(r.kind),
        "text": r.text,
        "processing": r.processing,
        "vedtak_id": str(r.vedtak_id) if r.vedtak_id else None,
        "unit": r.unit,
        "received_at": _iso(r.received_at),
        "received_on": r.received_on.isoformat(),
        "deadline": r.deadline.isoformat(),
        "extended_deadline": r.extended_deadline.isoformat() if r.extended_deadline else None,
        "current_deadline": current_deadline(r).isoformat(),
        "extension_reason": r.extension_reason,
        "status": r.status,
        "outcome": r.outcome,
        "answer": r.answer,
        "answered_at": _iso(r.answered_at),
        "reminded_at": _iso(r.reminded_at),
        "erasure": r.erasure,
    }


def _today(uow: UnitOfWork) -> dt.date:
    """The date in Norway: the day a request is received and deadlines are counted on."""
    return uow.now.astimezone(OSLO).date()


def _reminder_at(deadline: dt.date) -> dt.datetime:
    days = int(default_ruleset().parameters["privacy.gdpr_reminder_days"].value_at(deadline).value)
    day = deadline - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(REMINDER_HOUR), tzinfo=OSLO).astimezone(dt.UTC)


def _plan_reminder(uow: UnitOfWork, request: PrivacyRequest) -> None:
    deadline = current_deadline(request)
    enqueue(
        uow,
        "privacy_request_reminder",
        max(_reminder_at(deadline), uow.now),
        privacy_request_id=str(request.id),
        deadline=deadline.isoformat(),
    )


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInput([("body", "must be a JSON object")])
    unknown = set(body) - {"kind", "text", "processing", "vedtak_id"}
    if unknown:
        raise InvalidInput([(sorted(unknown)[0], "is not a field of a privacy request")])
    return body


def submit(uow: UnitOfWork, body: Any) -> dict[str, Any]:
    """The person makes a request; it is received today and must be answered within a month."""
    person = caller_person(uow, Access.SUBMIT_PRIVACY_REQUEST)
    body = _object(body)
    kind = body.get("kind")
    if kind not in KINDS:
        raise InvalidInput([("kind", f"must be one of {', '.join(KINDS)}")])
    minimum = 0 if kind in TEXT_OPTIONAL else MIN_TEXT
    raw = body.get("text")
    if minimum == 0 and (raw is None or (isinstance(raw, str) and not raw.strip())):
        text = ""
    else:
        text = free_text.checked(raw, "text", free_text.DESCRIPTION, minimum=max(minimum, 1))
    processing = None
    vedtak: Vedtak | None = None
    unit = local_office(person.municipality, protection_of(person)).number
    if kind == "objection":
        processing = body.get("processing")
        if processing not in OBJECTION_PROCESSING:
            raise InvalidInput(
                [("processing", f"must be one of {', '.join(OBJECTION_PROCESSING)}")]
            )
    elif body.get("processing") is not None:
        raise InvalidInput([("processing", "is only for an objection")])
    if kind == "manual_review":
        if body.get("vedtak_id") is None:
            raise InvalidInput([("vedtak_id", "name the automatic decision to review")])
        vedtak = uow.session.get(Vedtak, parse_id(body["vedtak_id"], "vedtak_id"))
        sak = uow.session.get(Sak, vedtak.sak_id) if vedtak is not None else None
        if vedtak is None or sak is None or sak.person_id != person.id:
            raise InvalidInput([("vedtak_id", "is not one of your decisions")])
        if not vedtak.automatic:
            raise InvalidInput([("vedtak_id", "was made by a caseworker, not automatically")])
        unit = sak.unit
    elif body.get("vedtak_id") is not None:
        raise InvalidInput([("vedtak_id", "is only for a manual review")])
    access.check(
        uow,
        Access.SUBMIT_PRIVACY_REQUEST,
        access.subject_for_person(uow, person),
        object_type="privacy_request",
        object_id=person.id,
    )
    waiting = uow.session.scalar(
        select(PrivacyRequest.received_on).where(
            PrivacyRequest.person_id == person.id,
            PrivacyRequest.kind == kind,
            PrivacyRequest.status == "open",
        )
    )
    if waiting is not None:
        raise Conflict(
            f"you already have an open request of this kind, received {waiting.isoformat()}:"
            " we answer it first"
        )
    received = _today(uow)
    request = PrivacyRequest(
        id=uuid.uuid4(),
        person_id=person.id,
        kind=kind,
        unit=unit,
        text=text,
        processing=processing,
        vedtak_id=vedtak.id if vedtak else None,
        received_at=uow.now,
        received_on=received,
        deadline=deadlines.gdpr_answer_deadline(received).last_day,
        status="open",
    )
    uow.session.add(request)
    uow.session.flush()  # the unique index decides a race before the reminder is planned
    _plan_reminder(uow, request)
    return _row(request)


def _own(uow: UnitOfWork) -> Person:
    """The calling person, once they may read their own privacy requests (the same check for
    the list of them and for what an erasure would take)."""
    person = caller_person(uow, Access.READ_CASE)
    access.check(
        uow,
        Access.READ_CASE,
        access.subject_for_person(uow, person),
        object_type="privacy_requests",
        object_id=person.id,
    )
    return person


def erasure_overview_own(uow: UnitOfWork) -> dict[str, Any]:
    """What an erasure request would erase of the caller's data now, and what we must keep."""
    person = _own(uow)
    return erasure.overview(uow, person.id)


def list_own(uow: UnitOfWork) -> dict[str, Any]:
    person = _own(uow)
    rows = uow.session.scalars(
        select(PrivacyRequest)
        .where(PrivacyRequest.person_id == person.id)
        .order_by(PrivacyRequest.received_at.desc(), PrivacyRequest.id)
    ).all()
    return {
        "items": [_row(r) for r in rows],
        "total": len(rows),
        "restricted": is_restricted(uow, person.id),
    }


def _checked(
    uow: UnitOfWork, request_id: uuid.UUID, action: Access
) -> tuple[PrivacyRequest, Person]:
    """The request, after checking `action` on its person for the unit it was sent to only
    (Klageinstans reaches nothing through this channel)."""
    request = get_or_404(uow, PrivacyRequest, request_id, "privacy request")
    person = uow.session.get(Person, request.person_id)
    assert person is not None
    subject = dataclasses.replace(
        access.subject_for_person(uow, person, units=frozenset({request.unit})),
        appeal_units=frozenset(),
    )
    access.check(uow, action, subject, object_type="privacy_request", object_id=request.id)
    return request, person


def get(uow: UnitOfWork, request_id: uuid.UUID) -> dict[str, Any]:
    request, person = _checked(uow, request_id, Access.READ_CASE)
    vedtak = uow.session.get(Vedtak, request.vedtak_id) if request.vedtak_id else None
    return {
        **_row(request),
        "person_name": person.name,
        "restricted_since": restricted_since(uow, person.id),
        "vedtak_decided_on": vedtak.decided_at.date().isoformat() if vedtak else None,
        "sak_id": str(vedtak.sak_id) if vedtak else None,
        "behandling_id": str(vedtak.behandling_id) if vedtak else None,
        "answered_by_name": employee_name(uow, request.answered_by),
        "extended_by_name": employee_name(uow, request.extended_by),
        "may_extend": may_extend(request, _today(uow)),
        "extension_would_end": deadlines.gdpr_extended_deadline(
            request.received_on
        ).last_day.isoformat(),
        "erasure_overview": (
            erasure.overview(uow, person.id)
            if request.kind == "erasure" and request.status == "open"
            else None
        ),
    }


def may_extend(request: PrivacyRequest, today: dt.date) -> bool:
    """Art. 12(3): an extension must be told to the person within the first month."""
    return (
        request.status == "open" and request.extended_deadline is None and today <= request.deadline
    )


def extend(uow: UnitOfWork, request_id: uuid.UUID, body: Any) -> dict[str, Any]:
    """Extend the deadline by two months; the person is told why, by letter, at once."""
    request, _person = _checked(uow, request_id, Access.HANDLE_PRIVACY_REQUEST)
    if not isinstance(body, dict):
        raise InvalidInput([("body", "must be a JSON object")])
    reason = free_text.checked(body.get("reason"), "reason", free_text.REASON, minimum=MIN_TEXT)
    if request.status != "open":
        raise Conflict("the request has been answered already")
    if request.extended_deadline is not None:
        raise Conflict("the deadline has been extended once already; it cannot be extended again")
    today = _today(uow)
    if today > request.deadline:
        raise Conflict(
            f"the deadline {request.deadline.isoformat()} has passed: an extension must be sent"
            " within the first month (GDPR art. 12(3))"
        )
    extended = deadlines.gdpr_extended_deadline(request.received_on)
    request.extended_deadline = extended.last_day
    request.extension_reason = reason
    request.extended_by = uow.actor.id
    request.extended_at = uow.now
    request.reminded_at = None
    enqueue(
        uow,
        "send_letter",
        uow.now,
        letter="privacy_extension",
        privacy_request_id=str(request.id),
    )
    _plan_reminder(uow, request)
    return _row(request)


def answer(uow: UnitOfWork, request_id: uuid.UUID, body: Any) -> dict[str, Any]:
    """Answer the request; the answer goes to the person by letter.

    An erasure request is answered with `erase` (true: erase what may be erased now; false:
    erase nothing) instead of an outcome: the outcome follows from what was erased and kept."""
    request, person = _checked(uow, request_id, Access.HANDLE_PRIVACY_REQUEST)
    if not isinstance(body, dict):
        raise InvalidInput([("body", "must be a JSON object")])
    unknown = set(body) - {"outcome", "answer", "erase"}
    if unknown:
        raise InvalidInput([(sorted(unknown)[0], "is not a field of an answer")])
    outcome = body.get("outcome")
    erase = body.get("erase")
    if request.kind == "erasure":
        if outcome is not None:
            raise InvalidInput(
                [("outcome", "follows from what is erased: give erase (true or false)")]
            )
        if not isinstance(erase, bool):
            raise InvalidInput([("erase", "must be true (erase what may be erased) or false")])
    else:
        if erase is not None:
            raise InvalidInput([("erase", "is only for an erasure request")])
        if outcome not in OUTCOMES:
            raise InvalidInput([("outcome", f"must be one of {', '.join(OUTCOMES)}")])
    text = free_text.checked(body.get("answer"), "answer", free_text.SERVICEKLAGE, minimum=MIN_TEXT)
    if request.status != "open":
        raise Conflict("the request has been answered already")
    if request.kind == "erasure":
        if erase:
            # The erasure itself is audited as its own use of the person's data.
            access.check(
                uow,
                Access.HANDLE_PRIVACY_REQUEST,
                dataclasses.replace(
                    access.subject_for_person(uow, person, units=frozenset({request.unit})),
                    appeal_units=frozenset(),
                ),
                purpose="erasure (GDPR art. 17)",
                object_type="privacy_request",
                object_id=request.id,
            )
            record = erasure.carry_out(uow, person.id)
        else:
            record = erasure.nothing_erased(uow, person.id)
        request.erasure = record
        outcome = erasure_rules.outcome(*erasure.totals(record))
    request.status = "answered"
    request.outcome = outcome
    request.answer = text
    request.answered_by = uow.actor.id
    request.answered_at = uow.now
    enqueue(
        uow, "send_letter", uow.now, letter="privacy_answer", privacy_request_id=str(request.id)
    )
    return _row(request)


def list_for_unit(uow: UnitOfWork, limit: int, offset: int) -> dict[str, Any]:
    """The requests sent to the caller's unit: open ones first, the nearest deadline first.

    Like the task queue, one audit record covers the listing and its rows hold no names or
    texts; opening one (`get`) is checked and audited per person."""
    limit, offset = page(limit, offset)
    actor = uow.actor
    access.check(uow, Access.LIST_QUEUE, object_type="privacy_requests", object_id=actor.unit)
    if actor.unit is None:
        return {"items": [], "total": 0, "open": 0, "limit": limit, "offset": offset}
    conditions = [PrivacyRequest.unit == actor.unit]
    conditions.append(Person.id.not_in(access.hidden_persons(uow)))
    joined = select(PrivacyRequest).join(Person, Person.id == PrivacyRequest.person_id)
    counts = dict(
        uow.session.execute(
            select(PrivacyRequest.status, func.count())
            .join(Person, Person.id == PrivacyRequest.person_id)
            .where(*conditions)
            .group_by(PrivacyRequest.status)
        ).all()
    )
    due = func.coalesce(PrivacyRequest.extended_deadline, PrivacyRequest.deadline)
    rows = uow.session.scalars(
        joined.where(*conditions)
        .order_by(
            case((PrivacyRequest.status == "open", 0), else_=1),
            case((PrivacyRequest.status == "open", due), else_=None),
            PrivacyRequest.answered_at.desc(),
            PrivacyRequest.id,
        )
        .limit(limit)
        .offset(offset)
    ).all()
    today = _today(uow)
    return {
        "items": [
            {
                "id": str(r.id),
                "kind": r.kind,
                "status": r.status,
                "outcome": r.outcome,
                "received_on": r.received_on.isoformat(),
                "deadline": r.deadline.isoformat(),
                "extended_deadline": (
                    r.extended_deadline.isoformat() if r.extended_deadline else None
                ),
                "current_deadline": current_deadline(r).isoformat(),
                "overdue": r.status == "open" and current_deadline(r) < today,
                "reminded": r.reminded_at is not None,
                "answered_at": _iso(r.answered_at),
            }
            for r in rows
        ],
        "total": sum(counts.values()),
        "open": counts.get("open", 0),
        "today": today.isoformat(),
        "limit": limit,
        "offset": offset,
    }


def reminder_job(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Job `privacy_request_reminder`: mark an open request as reminded on the unit's queue,
    unless it was answered or its deadline moved since the job was planned."""
    request = uow.session.get(PrivacyRequest, uuid.UUID(payload["privacy_request_id"]))
    if request is None or request.status != "open":
        return
    if current_deadline(request).isoformat() != payload["deadline"]:
        return  # extended since: the new deadline has its own reminder
    person = uow.session.get(Person, request.person_id)
    assert person is not None
    access.check(
        uow,
        Access.RUN_JOB,
        access.subject_for_person(uow, person),
        object_type="privacy_request",
        object_id=request.id,
    )
    request.reminded_at = uow.now
