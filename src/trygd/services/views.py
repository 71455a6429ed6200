"""Reading cases, queues, persons and the audit trail, each through the access point."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ColumnElement, func, select

from trygd.domain import deadlines
from trygd.domain.automation import LEGAL_BASIS as AUTOMATION_BASIS
from trygd.domain.behandling import Kind, State, allowed_actions
from trygd.domain.identity import IdentityNumberError, parse_identity_number
from trygd.domain.klage import KlageState, allowed_klage_actions, waiting_for_comments
from trygd.domain.units import UNITS
from trygd.letters.build import headline_amount
from trygd.privacy.policy import NOBODY, STAFF_ROLES, Action, Actor, Subject, decide, task_kinds_for
from trygd.services import access, free_text, tilbakekreving
from trygd.services.employees import employee_name, employee_names
from trygd.services.errors import InvalidInput, NotFound
from trygd.services.intake import caller_person
from trygd.services.read_models import (
    AdvanceNotice,
    BehandlingView,
    Criterion,
    HeadlineAmount,
    ReplacedBy,
    VedtakView,
)
from trygd.services.read_models import Vurdering as VurderingRow
from trygd.services.records import explained, get_or_404
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import (
    AuditRecord,
    Behandling,
    Event,
    InformationRequest,
    Klage,
    Oppgave,
    Person,
    Sak,
    Vedtak,
    Vurdering,
)

MAX_PAGE = 200
TILBAKEKREVING_REASONS = (
    tilbakekreving.TASK_REASON,
    tilbakekreving.APPROVAL_REASON,
    tilbakekreving.AFTER_KLAGE_REASON,
)

AUTOMATIC_NOTICE = {
    "nb": (
        "Denne søknaden ble behandlet automatisk. Du kan se kriteriene vedtaket bygger på "
        "nedenfor. Du kan klage på vedtaket, og klagen blir alltid behandlet av en saksbehandler."
    ),
    "nn": (
        "Denne søknaden vart behandla automatisk. Du kan sjå kriteria vedtaket byggjer på "
        "nedanfor. Du kan klage på vedtaket, og klagen blir alltid behandla av ein saksbehandlar."
    ),
    "en": (
        "This application was processed automatically. The criteria the decision is based on "
        "are shown below. You can appeal the decision, and an appeal is always handled by a "
        "caseworker."
    ),
}


# Deeper than any list in trygd goes, and far inside what a database integer holds (an offset
# above 2**63 would otherwise fail in the driver, as a 500).
MAX_OFFSET = 1_000_000


def page(limit: int, offset: int) -> tuple[int, int]:
    if limit < 1 or limit > MAX_PAGE:
        raise InvalidInput([("limit", f"must be between 1 and {MAX_PAGE}")])
    if offset < 0 or offset > MAX_OFFSET:
        raise InvalidInput([("offset", f"must be between 0 and {MAX_OFFSET}")])
    return limit, offset


def _iso(value: Any) -> Any:
    """ISO 8601; SQLite hands back naive datetimes, which trygd always stores in UTC."""
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat() if value is not None else None


def _behandling_row(b: Behandling) -> dict[str, Any]:
    return {
        "id": str(b.id),
        "kind": b.kind,
        "state": b.state,
        "version": b.version,
        "claim_date": _iso(b.claim_date),
        "outcome": b.outcome,
        "revises_vedtak_id": str(b.revises_vedtak_id) if b.revises_vedtak_id else None,
        "assigned_to": b.assigned_to,
        "proposed_by": b.proposed_by,
        "approved_by": b.approved_by,
        "allowed_actions": _allowed(b),
        "created_at": _iso(b.created_at),
        "updated_at": _iso(b.updated_at),
    }


def _allowed(b: Behandling) -> list[str]:
    if b.kind == Kind.KLAGE.value:
        return [a.value for a in allowed_klage_actions(KlageState(b.state))]
    return [a.value for a in allowed_actions(State(b.state))]


def _vedtak_row(v: Vedtak) -> dict[str, Any]:
    return {
        "id": str(v.id),
        "behandling_id": str(v.behandling_id),
        "outcome": v.outcome,
        "automatic": v.automatic,
        "decided_at": _iso(v.decided_at),
        "effective_from": _iso(v.effective_from),
        "replaces_vedtak_id": str(v.replaces_vedtak_id) if v.replaces_vedtak_id else None,
        "ruleset_version": v.ruleset_version,
        "implemented_at": _iso(v.implemented_at),
        "facts": v.facts,  # what the vedtak rests on, e.g. to show it when a change is reported
    }


def _request_row(r: InformationRequest) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "behandling_id": str(r.behandling_id),
        "description": r.description,
        "facts_requested": r.facts_requested,
        "deadline": _iso(r.deadline),
        "status": r.status,
        "requested_at": _iso(r.requested_at),
        "answered_at": _iso(r.answered_at),
    }


def _read_sak(uow: UnitOfWork, sak: Sak) -> Person:
    return access.check_case(uow, Action.READ_CASE, sak, object_type="sak", object_id=sak.id)


def get_sak(uow: UnitOfWork, sak_id: uuid.UUID) -> dict[str, Any]:
    sak = get_or_404(uow, Sak, sak_id, "sak")
    person = _read_sak(uow, sak)
    behandlinger = uow.session.scalars(
        select(Behandling).where(Behandling.sak_id == sak.id).order_by(Behandling.created_at)
    ).all()
    vedtak = uow.session.scalars(
        select(Vedtak).where(Vedtak.sak_id == sak.id).order_by(Vedtak.decided_at)
    ).all()
    requests = uow.session.scalars(
        select(InformationRequest)
        .where(InformationRequest.behandling_id.in_([b.id for b in behandlinger]))
        .order_by(InformationRequest.requested_at)
    ).all()
    return {
        "id": str(sak.id),
        "benefit": sak.benefit,
        "unit": sak.unit,
        "person": {"id": str(person.id), "name": person.name},
        "created_at": _iso(sak.created_at),
        "behandlinger": [_behandling_row(b) for b in behandlinger],
        "vedtak": [_vedtak_row(v) for v in vedtak],
        "information_requests": [_request_row(r) for r in requests],
    }


def list_own_cases(uow: UnitOfWork, limit: int, offset: int) -> dict[str, Any]:
    limit, offset = page(limit, offset)
    person = caller_person(uow, Action.LIST_OWN_CASES)
    access.check(
        uow, Action.LIST_OWN_CASES, access.subject_for_person(uow, person), object_type="person"
    )
    query = select(Sak).where(Sak.person_id == person.id)
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    saker = uow.session.scalars(query.order_by(Sak.created_at).limit(limit).offset(offset)).all()
    items = []
    for sak in saker:
        latest = uow.session.scalars(
            select(Behandling)
            .where(Behandling.sak_id == sak.id)
            .order_by(Behandling.created_at.desc())
            .limit(1)
        ).first()
        items.append(
            {
                "id": str(sak.id),
                "benefit": sak.benefit,
                "unit": sak.unit,
                "latest_behandling": _behandling_row(latest) if latest else None,
            }
        )
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def get_behandling(
    uow: UnitOfWork, behandling_id: uuid.UUID, language: str | None = None
) -> BehandlingView:
    """The behandling; with `language`, its rule result is explained in that language."""
    behandling = get_or_404(uow, Behandling, behandling_id, "behandling")
    sak = uow.session.get(Sak, behandling.sak_id)
    assert sak is not None
    _read_sak(uow, sak)
    vurderinger = uow.session.scalars(
        select(Vurdering)
        .where(Vurdering.behandling_id == behandling.id)
        .order_by(Vurdering.assessed_at)
    ).all()
    people = (behandling.assigned_to, behandling.proposed_by, behandling.approved_by)
    names = employee_names(
        uow, {*(a for a in people if a), *(v.assessed_by for v in vurderinger if v.assessed_by)}
    )
    row = _behandling_row(behandling)
    return BehandlingView(
        id=row["id"],
        kind=row["kind"],
        state=row["state"],
        version=row["version"],
        claim_date=row["claim_date"],
        outcome=row["outcome"],
        revises_vedtak_id=row["revises_vedtak_id"],
        assigned_to=row["assigned_to"],
        proposed_by=row["proposed_by"],
        approved_by=row["approved_by"],
        allowed_actions=row["allowed_actions"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        assigned_to_name=names.get(behandling.assigned_to or ""),
        proposed_by_name=names.get(behandling.proposed_by or ""),
        approved_by_name=names.get(behandling.approved_by or ""),
        sak_id=str(sak.id),
        benefit=sak.benefit,
        facts=behandling.facts,
        # The latest rule result, explained from its stored record (in bokmål by default).
        assessment=(
            explained(uow, behandling.record_id, language or "nb")
            if behandling.record_id is not None
            else None
        ),
        vurderinger=[
            VurderingRow(
                condition=v.condition,
                facts=v.facts,
                reason=v.reason,
                assessed_by=v.assessed_by,
                assessed_by_name=names.get(v.assessed_by or ""),
                assessed_at=_iso(v.assessed_at),
            )
            for v in vurderinger
        ],
    )


def get_vedtak(uow: UnitOfWork, vedtak_id: uuid.UUID, language: str) -> VedtakView:
    """The vedtak with the criteria it rests on, as GDPR art. 22 and the privacy statement ask."""
    if language not in AUTOMATIC_NOTICE:
        raise InvalidInput([("lang", "must be one of nb, nn, en")])
    vedtak = get_or_404(uow, Vedtak, vedtak_id, "vedtak")
    sak = uow.session.get(Sak, vedtak.sak_id)
    assert sak is not None
    _read_sak(uow, sak)
    assessment = explained(uow, vedtak.record_id, language)
    replaced = (
        uow.session.get(Vedtak, vedtak.replaces_vedtak_id) if vedtak.replaces_vedtak_id else None
    )
    replaced_by = uow.session.scalars(
        select(Vedtak).where(Vedtak.replaces_vedtak_id == vedtak.id).order_by(Vedtak.decided_at)
    ).first()
    made = uow.session.scalars(
        select(Event)
        .where(Event.behandling_id == vedtak.behandling_id, Event.type == "vedtak_made")
        .order_by(Event.id.desc())
        .limit(1)
    ).first()
    row = _vedtak_row(vedtak)
    behandling = uow.session.get(Behandling, vedtak.behandling_id)
    return VedtakView(
        id=row["id"],
        behandling_id=row["behandling_id"],
        outcome=row["outcome"],
        automatic=row["automatic"],
        decided_at=row["decided_at"],
        effective_from=row["effective_from"],
        replaces_vedtak_id=row["replaces_vedtak_id"],
        ruleset_version=row["ruleset_version"],
        implemented_at=row["implemented_at"],
        facts=row["facts"],
        # Whether a forhåndsvarsel (fvl. § 16) was owed, and why none was sent if none was.
        advance_notice=(
            AdvanceNotice(
                status=made.data["advance_notice"],
                legal_basis=made.data.get("advance_notice_basis"),
                reason=made.data.get("advance_notice_reason"),
            )
            if made is not None and "advance_notice" in made.data
            else None
        ),
        # A no that replaces a yes stops the benefit from `effective_from`.
        stops=vedtak.outcome == "rejected"
        and replaced is not None
        and replaced.outcome == "granted",
        replaced_by=(
            ReplacedBy(id=str(replaced_by.id), decided_at=_iso(replaced_by.decided_at))
            if replaced_by
            else None
        ),
        sak_id=str(sak.id),
        benefit=sak.benefit,
        behandling_kind=behandling.kind if behandling is not None else None,
        automatic_notice=AUTOMATIC_NOTICE[language] if vedtak.automatic else None,
        automation_legal_basis=AUTOMATION_BASIS if vedtak.automatic else None,
        proposed_by=vedtak.proposed_by,
        proposed_by_name=employee_name(uow, vedtak.proposed_by),
        approved_by=vedtak.approved_by,
        approved_by_name=employee_name(uow, vedtak.approved_by),
        criteria=[
            Criterion(
                id=c["id"],
                legal_basis=c["legal_basis"],
                title=c["title"],
                status=c["status"],
                explanation=c["explanation"],
            )
            for c in assessment["conditions"]
        ],
        calculations=assessment["calculations"],
        # The amounts decided and stored, as the letter states them (not re-computed).
        amounts=assessment["amounts"],
        headline_amount=_headline(sak.benefit, vedtak, assessment["amounts"]),
        parameters=assessment["parameters"],
        summary=assessment["summary"],
    )


def _headline(benefit: str, vedtak: Vedtak, amounts: dict[str, Any]) -> HeadlineAmount | None:
    """The amount the vedtak letter states first (granted vedtak only), and per what."""
    if vedtak.outcome != "granted":
        return None
    found = headline_amount(benefit, amounts)
    return HeadlineAmount(amount=found[0], per=found[1]) if found else None


def list_events(uow: UnitOfWork, sak_id: uuid.UUID, limit: int, offset: int) -> dict[str, Any]:
    limit, offset = page(limit, offset)
    sak = get_or_404(uow, Sak, sak_id, "sak")
    _read_sak(uow, sak)
    total = uow.session.scalar(select(func.count(Event.id)).where(Event.sak_id == sak.id)) or 0
    events = uow.session.scalars(
        select(Event).where(Event.sak_id == sak.id).order_by(Event.id).limit(limit).offset(offset)
    ).all()
    names = employee_names(uow, {e.actor_id for e in events if e.actor_id})
    return {
        "items": [
            {
                "id": e.id,
                "type": e.type,
                "at": _iso(e.at),
                "behandling_id": str(e.behandling_id) if e.behandling_id else None,
                "actor_id": e.actor_id,
                "actor_name": names.get(e.actor_id or ""),
                "actor_role": e.actor_role,
                "data": e.data,
            }
            for e in events
        ],
        "total": total,
        "limit": limit,
        "offset": offset,
    }


def queue(
    uow: UnitOfWork, kind: str | None, benefit: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """The open tasks of the caller's unit that the caller may take, oldest first, with
    counts per kind.

    One audit record covers the listing (its rows show no names or identity numbers);
    opening a case from the queue is audited per person.
    """
    limit, offset = page(limit, offset)
    actor = uow.actor
    access.check(uow, Action.LIST_QUEUE, object_type="unit", object_id=actor.unit)
    if actor.unit is None:
        return {"items": [], "total": 0, "counts": {}, "limit": limit, "offset": offset}
    # Only the tasks the caller may take (`policy.task_kinds_for`), and never the approval of
    # a vedtak they proposed themselves: the claim would be refused anyway.
    own_proposals = select(Behandling.id).where(Behandling.proposed_by == actor.id)
    conditions = [
        Oppgave.unit == actor.unit,
        Oppgave.status == "open",
        Oppgave.kind.in_(sorted(task_kinds_for(actor))),
        ~((Oppgave.kind == "approve") & Oppgave.behandling_id.in_(own_proposals)),
    ]
    # Tasks of persons the caller may not see are left out (`access.hidden_persons`).
    conditions.append(Oppgave.person_id.not_in(access.hidden_persons(uow)))
    counts = dict(
        uow.session.execute(
            select(Oppgave.kind, func.count()).where(*conditions).group_by(Oppgave.kind)
        ).all()
    )
    if kind is not None:
        conditions.append(Oppgave.kind == kind)
    if benefit is not None:
        conditions.append(Oppgave.benefit == benefit)
    total = uow.session.scalar(select(func.count()).select_from(Oppgave).where(*conditions)) or 0
    tasks = uow.session.scalars(
        select(Oppgave)
        .where(*conditions)
        .order_by(Oppgave.created_at, Oppgave.id)
        .limit(limit)
        .offset(offset)
    ).all()
    names = employee_names(uow, {t.assigned_to for t in tasks if t.assigned_to})
    persons = _by_id(uow, Person, {t.person_id for t in tasks})
    task_deadlines = _task_deadlines(uow, [t.behandling_id for t in tasks], uow.now.date())
    # A tilbakekreving's tasks point to the revurdering behandling; the row links the case.
    recoveries = tilbakekreving.ids_for_behandlinger(
        uow, [t.behandling_id for t in tasks if t.reason in TILBAKEKREVING_REASONS]
    )
    return {
        "items": [
            {
                "id": str(t.id),
                "kind": t.kind,
                "reason": t.reason,
                "benefit": t.benefit,
                "sak_id": str(t.sak_id),
                "reference": short_reference(t.sak_id),
                "behandling_id": str(t.behandling_id),
                "person_name": _name_for_queue(actor, persons.get(t.person_id), t),
                "assigned_to": t.assigned_to,
                "assigned_to_name": names.get(t.assigned_to or ""),
                "created_at": _iso(t.created_at),
                "age_days": max(0, (uow.now.date() - _as_utc(t.created_at).date()).days),
                **task_deadlines.get(t.behandling_id, {"deadline": None, "deadline_kind": None}),
                "tilbakekreving_id": (
                    recoveries.get(t.behandling_id) if t.reason in TILBAKEKREVING_REASONS else None
                ),
            }
            for t in tasks
        ],
        "total": total,
        "counts": counts,
        "limit": limit,
        "offset": offset,
    }


def short_reference(sak_id: uuid.UUID | str) -> str:
    """The case's reference as letters and pages print it: the first 8 hex digits, upper case."""
    return str(sak_id).split("-")[0].upper()


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _by_id(uow: UnitOfWork, model: Any, ids: set[uuid.UUID]) -> dict[uuid.UUID, Any]:
    if not ids:
        return {}
    return {row.id: row for row in uow.session.scalars(select(model).where(model.id.in_(ids)))}


def _name_for_queue(actor: Actor, person: Person | None, task: Oppgave) -> str | None:
    """The person's name on the caller's own queue, where the access policy would let the
    caller open the case (a protected or skjermet person without the clearance: None)."""
    if person is None:
        return None
    units = frozenset({task.unit})
    subject = Subject(
        str(person.id), person.protection, person.skjermet, case_units=units, appeal_units=units
    )
    return person.name if decide(actor, Action.READ_CASE, subject, None).permit else None


def _task_deadlines(
    uow: UnitOfWork, behandling_ids: list[uuid.UUID], today: dt.date
) -> dict[uuid.UUID, dict[str, Any]]:
    """The next date each task waits for or must meet: the person's answer to a request for
    information, the grounds of a short klage, or the end of the comment period at NAV
    Klageinstans (until then the klage may not be decided, fvl. § 33); otherwise the day by
    which NAV must decide or send a foreløpig svar (fvl. § 11 a), counted from the day the
    application or klage reached the unit that has the task."""
    found: dict[uuid.UUID, dict[str, Any]] = {}
    if not behandling_ids:
        return found

    def keep(behandling_id: uuid.UUID, day: dt.date, kind: str) -> None:
        current = found.get(behandling_id)
        if current is None or day.isoformat() < current["deadline"]:
            found[behandling_id] = {"deadline": day.isoformat(), "deadline_kind": kind}

    requests = uow.session.scalars(
        select(InformationRequest).where(
            InformationRequest.behandling_id.in_(behandling_ids),
            InformationRequest.status == "open",
        )
    )
    for r in requests:
        keep(r.behandling_id, r.deadline, "information")
    received: dict[uuid.UUID, dt.date] = {}
    for k in uow.session.scalars(select(Klage).where(Klage.behandling_id.in_(behandling_ids))):
        received[k.behandling_id] = (
            _as_utc(k.forwarded_at).date()
            if k.klageinstans_unit and k.forwarded_at
            else k.received_on
        )
        if k.klageinstans_unit and k.outcome is None and k.comment_deadline:
            if waiting_for_comments(k.comment_deadline, k.comments, today):
                keep(k.behandling_id, k.comment_deadline, "comments")
        elif k.fristavbrytende and not k.grounds and k.grounds_deadline:
            keep(k.behandling_id, k.grounds_deadline, "grounds")
    for b in _by_id(uow, Behandling, set(behandling_ids)).values():
        if b.id not in found:
            day = received.get(b.id) or _as_utc(b.created_at).date()
            answer_by = deadlines.preliminary_answer_deadline(day).last_day
            keep(b.id, answer_by, "answer")
            found[b.id]["overdue"] = answer_by < today
    return found


def _purpose(value: Any) -> str | None:
    """A stated purpose, bounded; a missing or blank one is left to the access policy (which
    denies, and logs the try)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return value
    return free_text.checked(value, "purpose", free_text.PURPOSE)


def search_person(
    uow: UnitOfWork, identity_number: Any, purpose: Any, allow_synthetic: bool
) -> dict[str, Any]:
    """Find a person by identity number; the purpose is required and logged."""
    if not isinstance(identity_number, str):
        raise InvalidInput([("identity_number", "is required as a string of 11 digits")])
    purpose = _purpose(purpose)
    try:
        number = parse_identity_number(
            identity_number, allow_synthetic=allow_synthetic, today=uow.now.date()
        )
    except IdentityNumberError as error:
        raise InvalidInput([("identity_number", error.problem)]) from None
    person = uow.session.scalars(
        select(Person).where(Person.identity_number == number.value)
    ).first()
    if person is None:
        access.check(uow, Action.SEARCH_PERSON, purpose=purpose, object_type="person")
        raise NotFound("no person with that identity number")
    access.check(
        uow,
        Action.SEARCH_PERSON,
        access.subject_for_person(uow, person),
        purpose=purpose,
        object_type="person",
        object_id=person.id,
    )
    saker = uow.session.scalars(
        select(Sak).where(Sak.person_id == person.id, Sak.unit == uow.actor.unit)
    ).all()
    return {
        "id": str(person.id),
        "name": person.name,
        "birth_date": _iso(person.birth_date),
        "municipality": person.municipality,
        "saker": [{"id": str(s.id), "benefit": s.benefit, "unit": s.unit} for s in saker],
    }


# One visit: the same employee, for the same purpose, with no pause longer than this.
VISIT_GAP = dt.timedelta(minutes=30)
# How far back the access log reads to group visits (the newest records first).
ACCESS_LOG_RECORDS = 5000
# What an employee did, strongest first: a visit is named after the strongest thing done.
_ACTIVITIES: tuple[tuple[str, set[str]], ...] = (
    ("decided_klage", {"decide_klage", "register_anke"}),
    ("handled_klage", {"review_klage", "submit_klage"}),
    (
        "worked_on_case",
        {
            "assess",
            "propose",
            "approve",
            "return",
            "request_information",
            "send_letter",
            "claim_task",
            "answer_serviceklage",
            "change_account",
            "register_refund",
        },
    ),
    ("searched", {"search_person"}),
    ("read_case", set()),
)


def _activity(actions: set[str]) -> str:
    for name, kinds in _ACTIVITIES:
        if actions & kinds:
            return name
    return "read_case"


def access_log(uow: UnitOfWork, limit: int, offset: int) -> dict[str, Any]:
    """Which employees looked at the caller's data, when and why (innsyn i logg).

    The audit trail has one record per request; a person reads visits: one employee, one
    purpose, one stretch of time (no pause over `VISIT_GAP`). Each visit says who (name,
    unit, role), what they did at its strongest (read, worked on, decided a klage) and which
    benefit's case, from when to when, and how many records it covers."""
    limit, offset = page(limit, offset)
    person = caller_person(uow, Action.READ_ACCESS_LOG)
    access.check(
        uow,
        Action.READ_ACCESS_LOG,
        access.subject_for_person(uow, person),
        object_type="access_log",
    )
    staff = [r.value for r in STAFF_ROLES]
    records = uow.session.scalars(
        select(AuditRecord)
        .where(
            AuditRecord.person_id == person.id,
            AuditRecord.actor_role.in_(staff),
            AuditRecord.outcome == "permit",
        )
        .order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
        .limit(ACCESS_LOG_RECORDS)
    ).all()[::-1]
    benefits = _benefits_of(uow, records)
    visits: list[dict[str, Any]] = []
    open_visit: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in records:
        at = _as_utc(r.at)
        key = (r.actor_id, r.purpose or "")
        visit = open_visit.get(key)
        if visit is None or at - visit["_last"] > VISIT_GAP:
            visit = {
                "_last": at,
                "_actions": set(),
                "at": _iso(at),
                "until": _iso(at),
                "name": r.actor_name,
                "unit": r.actor_unit,
                "unit_name": _unit_name(r.actor_unit),
                "role": r.actor_role,
                "purpose": r.purpose,
                "benefits": [],
                "records": 0,
            }
            open_visit[key] = visit
            visits.append(visit)
        visit["_last"] = at
        visit["_actions"].add(r.action)
        visit["until"] = _iso(at)
        visit["records"] += 1
        benefit = benefits.get((r.object_type, r.object_id))
        if benefit and benefit not in visit["benefits"]:
            visit["benefits"].append(benefit)
    visits.reverse()  # the newest visit first
    items = []
    for visit in visits[offset : offset + limit]:
        actions = visit.pop("_actions")
        visit.pop("_last")
        items.append({**visit, "activity": _activity(actions), "actions": sorted(actions)})
    return {"items": items, "total": len(visits), "limit": limit, "offset": offset}


def _unit_name(number: str | None) -> str | None:
    unit = UNITS.get(number or "")
    return unit.name if unit else None


def _benefits_of(uow: UnitOfWork, records: Any) -> dict[tuple[str | None, str | None], str]:
    """The benefit of the case each audited object belongs to (a sak, a behandling, a klage
    or a vedtak), so a visit can say which case it was about."""
    wanted: dict[str, set[uuid.UUID]] = {}
    for r in records:
        if r.object_type in ("sak", "behandling", "klage", "vedtak") and r.object_id:
            try:
                wanted.setdefault(r.object_type, set()).add(uuid.UUID(r.object_id))
            except ValueError:
                continue
    sak_of: dict[tuple[str, str], uuid.UUID] = {}
    for kind, model in (("behandling", Behandling), ("klage", Klage), ("vedtak", Vedtak)):
        for row in _by_id(uow, model, wanted.get(kind, set())).values():
            sak_of[(kind, str(row.id))] = row.sak_id
    for sak_id in wanted.get("sak", set()):
        sak_of[("sak", str(sak_id))] = sak_id
    saker = _by_id(uow, Sak, set(sak_of.values()))
    return {key: saker[sak_id].benefit for key, sak_id in sak_of.items() if sak_id in saker}


def audit_trail(
    uow: UnitOfWork, person_id: str | None, purpose: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """The audit trail for internal control; reading it is itself audited."""
    limit, offset = page(limit, offset)
    subject_id = None
    if person_id is not None:
        try:
            subject_id = uuid.UUID(person_id)
        except ValueError:
            raise InvalidInput([("person_id", "is not a valid id (a UUID)")]) from None
    purpose = _purpose(purpose)
    if subject_id is not None:
        access.check_person(
            uow, Action.READ_AUDIT, subject_id, purpose=purpose, object_type="audit_log"
        )
    else:
        access.check(uow, Action.READ_AUDIT, NOBODY, purpose=purpose, object_type="audit_log")
    # Records about persons the caller may not see are left out, as the persons are.
    hidden = access.hidden_persons(uow)
    conditions: list[ColumnElement[bool]] = [
        AuditRecord.person_id.is_(None) | AuditRecord.person_id.not_in(hidden)
    ]
    if subject_id is not None:
        conditions.append(AuditRecord.person_id == subject_id)
    total = (
        uow.session.scalar(select(func.count()).select_from(AuditRecord).where(*conditions)) or 0
    )
    records = uow.session.scalars(
        select(AuditRecord)
        .where(*conditions)
        .order_by(AuditRecord.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    columns = [c.name for c in AuditRecord.__table__.columns]
    return {
        "items": [{name: _jsonable(getattr(r, name)) for name in columns} for r in records],
        "total": total,
        "limit": limit,
        "offset": offset,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return _iso(value)
    return value
