"""Use cases of the appeal chain: klage, NAV Klageinstans, Trygderetten and the court of appeal.

A klage appeals an ordinary vedtak or the vedtak of a tilbakekreving (`tilbakekreving_id`),
through the same chain. Where an ordinary vedtak is changed by a new behandling (omgjøring,
or a change from Klageinstans or a court), a tilbakekreving is decided again by a
caseworker: the klage's outcome is recorded and a task opened on the tilbakekreving, and
nothing is recomputed by itself.

Each use case loads the klage, checks access through `trygd.services.access`, moves the
klage's behandling through `trygd.domain.klage` (optimistic lock: the caller sends the
version they read), writes the case events, opens or closes tasks and enqueues the letters.
Deadlines come from `trygd.domain.deadlines`, so every date here follows the same rules as
the letters that print them.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from trygd.domain import deadlines
from trygd.domain.behandling import Kind, State
from trygd.domain.klage import (
    COURT_OUTCOMES,
    KLAGEINSTANS_OUTCOMES,
    NEEDS_NEW_BEHANDLING,
    NEXT_STEP,
    OPEN_STATES,
    IllegalKlageTransition,
    KlageAction,
    KlageState,
    Outcome,
    allowed_klage_actions,
    first_state,
    next_klage_state,
    waiting_for_comments,
)
from trygd.domain.units import UNITS, klageinstans_unit
from trygd.privacy.policy import Action as Access
from trygd.privacy.policy import Role
from trygd.rules.assessment import default_ruleset
from trygd.services import access, files, free_text
from trygd.services import tilbakekreving as recovery_cases
from trygd.services.decisions import run_rules, start_of_day_after
from trygd.services.errors import Conflict, InvalidInput
from trygd.services.letters import vedtak_received_on
from trygd.services.records import (
    check_version,
    close_oppgaver,
    enqueue,
    facts_as_json,
    get_or_404,
    keep_claim_date,
    open_behandling,
    open_oppgave,
    parse_id,
    validate_facts,
)
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import (
    Anke,
    Attachment,
    Behandling,
    Event,
    Klage,
    Person,
    Sak,
    Tilbakekreving,
    Vedtak,
)

MIN_TEXT = 10  # a reason or statement shorter than this cannot say why
MAX_ATTACHMENTS = 5
COURTS = ("trygderetten", "lagmannsretten")


# -- helpers ------------------------------------------------------------------


def _text(body: dict[str, Any], field: str, *, minimum: int = MIN_TEXT) -> str:
    return free_text.checked(body.get(field), field, free_text.KLAGE, minimum=minimum)


def _date(body: dict[str, Any], field: str, *, today: dt.date) -> dt.date:
    value = body.get(field)
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput([(field, "must be a date (YYYY-MM-DD)")])
    if day > today:
        raise InvalidInput([(field, "cannot be in the future")])
    return day


def _version(body: dict[str, Any]) -> int:
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidInput([("version", "must be the integer version of the klage you read")])
    return version


def _load(uow: UnitOfWork, klage_id: uuid.UUID) -> tuple[Klage, Behandling, Sak]:
    klage = get_or_404(uow, Klage, klage_id, "klage")
    behandling = uow.session.get(Behandling, klage.behandling_id)
    sak = uow.session.get(Sak, klage.sak_id)
    assert behandling is not None and sak is not None
    return klage, behandling, sak


FIRST_INSTANCE_ROLES = (Role.CASEWORKER.value, Role.APPROVER.value)


def _handled_by(uow: UnitOfWork, sak: Sak) -> frozenset[str]:
    """Everyone who worked on the case in the first instance: they may not decide its klage.

    The case history names every employee who did anything in the case (assessed a condition,
    proposed, approved or returned, asked for information, decided on a late klage, forwarded
    it), so it is read from there, not from the few fields that name the latest of them."""
    people: set[str] = set(
        uow.session.scalars(
            select(Event.actor_id)
            .where(Event.sak_id == sak.id, Event.actor_role.in_(FIRST_INSTANCE_ROLES))
            .distinct()
        )
    )
    for b in uow.session.scalars(select(Behandling).where(Behandling.sak_id == sak.id)):
        people.update(x for x in (b.assigned_to, b.proposed_by, b.approved_by) if x)
    for k in uow.session.scalars(select(Klage).where(Klage.sak_id == sak.id)):
        people.update(x for x in (k.forwarded_by, k.submitted_by) if x)
    for t in uow.session.scalars(select(Tilbakekreving).where(Tilbakekreving.sak_id == sak.id)):
        people.update(x for x in (t.assessed_by, t.proposed_by, t.approved_by) if x)
    return frozenset(people)


def _move(
    uow: UnitOfWork, sak: Sak, behandling: Behandling, action: KlageAction, **data: Any
) -> None:
    try:
        new_state = next_klage_state(KlageState(behandling.state), action)
    except IllegalKlageTransition as error:
        raise Conflict(str(error)) from None
    old = behandling.state
    behandling.state = new_state.value
    behandling.updated_at = uow.now
    uow.event(
        sak.id,
        behandling.id,
        f"klage_{action.value}",
        **{"from": old, "to": new_state.value},
        **data,
    )


def _letter(uow: UnitOfWork, kind: str, **ids: str) -> None:
    enqueue(uow, "send_letter", uow.now, letter=kind, **ids)


def _attachments(uow: UnitOfWork, klage: Klage, raw: Any) -> list[Attachment]:
    """The attachments, checked by `files.check_file` exactly as an application's documents:
    by their content, never by the type the sender claims."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidInput([("attachments", "must be a list")])
    files.check_count(len(raw), MAX_ATTACHMENTS, "attachments")
    stored = []
    for index, item in enumerate(raw):
        where = f"attachments[{index}]"
        if not isinstance(item, dict):
            raise InvalidInput([(where, "must be an object with filename and content")])
        filename = item.get("filename")
        if not isinstance(filename, str):
            raise InvalidInput([(f"{where}.filename", "is required as a text")])
        try:
            content = base64.b64decode(str(item.get("content", "")), validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput([(f"{where}.content", "must be base64")]) from None
        checked = files.check_file(filename, content, where)
        attachment = Attachment(
            id=uuid.uuid4(),
            klage_id=klage.id,
            filename=checked.filename,
            content_type=checked.content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            received_at=uow.now,
        )
        uow.session.add(attachment)
        stored.append(attachment)
    return stored


# -- the person (or a caseworker registering a klage that came by post) -----------------


@dataclass(frozen=True)
class _Appealed:
    """The decision a klage appeals: an ordinary vedtak or a tilbakekreving's vedtak."""

    sak: Sak
    vedtak: Vedtak | None
    tilbakekreving: Tilbakekreving | None
    decided_on: dt.date
    reached: dt.date  # the day it reached the person: the klagefrist runs from here

    @property
    def id(self) -> uuid.UUID:
        found = self.vedtak or self.tilbakekreving
        assert found is not None
        return found.id

    @property
    def ids(self) -> dict[str, str]:
        if self.tilbakekreving is not None:
            return {"tilbakekreving_id": str(self.tilbakekreving.id)}
        return {"vedtak_id": str(self.id)}


def _appealed(uow: UnitOfWork, body: dict[str, Any]) -> _Appealed:
    """The vedtak (`vedtak_id`) or the tilbakekreving vedtak (`tilbakekreving_id`) the body
    appeals, exactly one of them; the caller's right to appeal it is checked here."""
    vedtak_given = body.get("vedtak_id") is not None
    if vedtak_given == (body.get("tilbakekreving_id") is not None):
        field = "tilbakekreving_id" if vedtak_given else "vedtak_id"
        problem = (
            "cannot be sent with vedtak_id: a klage appeals one decision"
            if vedtak_given
            else "is required (or tilbakekreving_id, to appeal the vedtak of a tilbakekreving)"
        )
        raise InvalidInput([(field, problem)])
    if not vedtak_given:
        case_id = parse_id(body.get("tilbakekreving_id"), "tilbakekreving_id")  # type: ignore[arg-type]
        case = get_or_404(uow, Tilbakekreving, case_id, "tilbakekreving")
        sak = uow.session.get(Sak, case.sak_id)
        assert sak is not None
        access.check_case(
            uow, Access.SUBMIT_KLAGE, sak, object_type="tilbakekreving", object_id=case.id
        )
        if case.decided_at is None:
            raise Conflict(
                "the tilbakekreving has no vedtak yet: comment on the varsel instead",
                code="tilbakekreving_not_decided",
            )
        reached = recovery_cases.vedtak_received_on(uow, case)
        return _Appealed(sak, None, case, case.decided_at.date(), reached)
    vedtak_id = parse_id(body.get("vedtak_id"), "vedtak_id")  # type: ignore[arg-type]
    vedtak = get_or_404(uow, Vedtak, vedtak_id, "vedtak")
    sak = uow.session.get(Sak, vedtak.sak_id)
    assert sak is not None
    access.check_case(uow, Access.SUBMIT_KLAGE, sak, object_type="vedtak", object_id=vedtak.id)
    return _Appealed(sak, vedtak, None, vedtak.decided_at.date(), vedtak_received_on(uow, vedtak))


def submit_klage(uow: UnitOfWork, body: dict[str, Any]) -> dict[str, Any]:
    """A klage against one vedtak, or against the vedtak of a tilbakekreving. Its deadline
    counts from the day the vedtak reached the person; a late klage is registered all the
    same and a caseworker decides (fvl. § 31)."""
    appealed = _appealed(uow, body)
    sak = appealed.sak
    person = uow.session.get(Person, sak.person_id)
    assert person is not None
    fristavbrytende = body.get("fristavbrytende", False)
    if not isinstance(fristavbrytende, bool):
        raise InvalidInput([("fristavbrytende", "must be true or false")])
    text = _text(body, "text", minimum=1 if fristavbrytende else MIN_TEXT)
    today = uow.now.date()
    staff = uow.actor.person_id != str(person.id)
    received_on = (
        _date(body, "received_on", today=today) if staff and body.get("received_on") else today
    )
    if received_on < appealed.decided_on:
        raise InvalidInput([("received_on", "cannot be before the vedtak was made")])
    late_reason = free_text.optional(body.get("late_reason"), "late_reason", free_text.REASON)
    appeals_this = (
        Klage.tilbakekreving_id == appealed.id
        if appealed.tilbakekreving is not None
        else Klage.vedtak_id == appealed.id
    )
    open_klage = uow.session.scalars(
        select(Klage.id)
        .join(Behandling, Behandling.id == Klage.behandling_id)
        .where(appeals_this, Behandling.state.in_([s.value for s in OPEN_STATES]))
    ).first()
    if open_klage is not None:
        # One open klage per vedtak; the database holds it too (migrations 0005 and 0018), and
        # a twin sent at the same moment is run again by the facade and ends here.
        raise Conflict(
            f"there is already an open klage against this vedtak (klage {open_klage}); "
            "add to it instead",
            code="klage_open",
            facts={"klage_id": str(open_klage), **appealed.ids},
        )

    reached = appealed.reached
    deadline = deadlines.klage_deadline(reached)
    late = received_on > deadline.last_day
    grounds_deadline = (
        deadlines.short_klage_grounds_deadline(received_on, deadline).last_day
        if fristavbrytende
        else None
    )
    state = first_state(late=late, fristavbrytende=fristavbrytende)
    behandling = Behandling(
        id=uuid.uuid4(),
        sak_id=sak.id,
        kind=Kind.KLAGE.value,
        state=state.value,
        revises_vedtak_id=appealed.vedtak.id if appealed.vedtak else None,
        revises_tilbakekreving_id=appealed.tilbakekreving.id if appealed.tilbakekreving else None,
        claim_date=received_on,
        facts={},
        created_at=uow.now,
        updated_at=uow.now,
    )
    klage = Klage(
        id=uuid.uuid4(),
        behandling_id=behandling.id,
        sak_id=sak.id,
        vedtak_id=appealed.vedtak.id if appealed.vedtak else None,
        tilbakekreving_id=appealed.tilbakekreving.id if appealed.tilbakekreving else None,
        person_id=person.id,
        received_on=received_on,
        text=text,
        submitted_by=uow.actor.id,
        vedtak_received_on=reached,
        deadline=deadline.last_day,
        late=late,
        late_reason_given=late_reason,
        fristavbrytende=fristavbrytende,
        grounds=None if fristavbrytende else text,
        grounds_deadline=grounds_deadline,
        comments=[],
    )
    uow.session.add(behandling)
    uow.flush()  # the behandling first: the klage and its task point to it
    uow.session.add(klage)
    attachments = _attachments(uow, klage, body.get("attachments"))
    uow.event(
        sak.id,
        behandling.id,
        "klage_received",
        klage_id=str(klage.id),
        **appealed.ids,
        late=late,
        fristavbrytende=fristavbrytende,
        deadline=deadline.last_day.isoformat(),
        attachments=len(attachments),
    )
    if state is KlageState.AWAITING_GROUNDS:
        assert grounds_deadline is not None
        enqueue(
            uow,
            "klage_grounds_deadline",
            start_of_day_after(grounds_deadline),
            klage_id=str(klage.id),
        )
    else:
        reason = "late_klage" if late else "klage_received"
        open_oppgave(uow, sak, behandling, person, "klage", reason)
    _letter(uow, "klage_received", klage_id=str(klage.id))
    return klage_view(uow, klage, behandling)


def add_grounds(uow: UnitOfWork, klage_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """The full grounds of a fristavbrytende klage; the review starts."""
    klage, behandling, sak = _load(uow, klage_id)
    person = access.check_case(
        uow, Access.ADD_TO_KLAGE, sak, object_type="klage", object_id=klage.id
    )
    text = _text(body, "text")
    _move(uow, sak, behandling, KlageAction.GROUNDS_RECEIVED, klage_id=str(klage.id))
    klage.grounds = text
    klage.grounds_received_at = uow.now
    open_oppgave(uow, sak, behandling, person, "klage", "klage_grounds_received")
    return klage_view(uow, klage, behandling)


def comment(uow: UnitOfWork, klage_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """The person's comments, e.g. on the first instance's statement (fvl. § 33)."""
    klage, behandling, sak = _load(uow, klage_id)
    access.check_case(uow, Access.ADD_TO_KLAGE, sak, object_type="klage", object_id=klage.id)
    if KlageState(behandling.state) not in (
        KlageState.FIRST_INSTANCE_REVIEW,
        KlageState.AT_KLAGEINSTANS,
    ):
        raise Conflict(f"comments are not taken on a klage that is {behandling.state}")
    text = _text(body, "text", minimum=1)
    klage.comments = [*klage.comments, {"at": uow.now.isoformat(), "text": text}]
    behandling.updated_at = uow.now  # bumps the version: the caseworker sees something new
    uow.event(sak.id, behandling.id, "klage_comment_received", klage_id=str(klage.id))
    return klage_view(uow, klage, behandling)


def withdraw(uow: UnitOfWork, klage_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    klage, behandling, sak = _load(uow, klage_id)
    access.check_case(uow, Access.ADD_TO_KLAGE, sak, object_type="klage", object_id=klage.id)
    _move(uow, sak, behandling, KlageAction.WITHDRAW, klage_id=str(klage.id))
    klage.closed_reason = "withdrawn"
    close_oppgaver(uow, behandling)
    return klage_view(uow, klage, behandling)


def klage_terms(uow: UnitOfWork, vedtak: Vedtak) -> dict[str, Any]:
    """The dates a person needs before appealing `vedtak`, computed as `submit_klage` will
    compute them today: the last day of the klagefrist, whether a klage sent today is late,
    and the last day for the grounds if a short (fristavbrytende) klage is sent today. The
    caller has checked that the actor may read the vedtak."""
    today = uow.now.date()
    deadline = deadlines.klage_deadline(vedtak_received_on(uow, vedtak))
    grounds = deadlines.short_klage_grounds_deadline(today, deadline)
    return {
        "deadline": deadline.last_day.isoformat(),
        "late": today > deadline.last_day,
        "grounds_deadline": grounds.last_day.isoformat(),
    }


# -- the first instance ------------------------------------------------------------------


def _for_review(
    uow: UnitOfWork, klage_id: uuid.UUID, body: dict[str, Any]
) -> tuple[Klage, Behandling, Sak, Person]:
    klage, behandling, sak = _load(uow, klage_id)
    person = access.check_case(
        uow, Access.REVIEW_KLAGE, sak, object_type="klage", object_id=klage.id
    )
    check_version(behandling, _version(body))
    return klage, behandling, sak, person


def decide_late(uow: UnitOfWork, klage_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """fvl. § 31: consider a late klage anyway (the person cannot be blamed, or there are
    special reasons), or reject it (avvisning), always with a written reason."""
    klage, behandling, sak, person = _for_review(uow, klage_id, body)
    consider = body.get("consider")
    if not isinstance(consider, bool):
        raise InvalidInput([("consider", "must be true or false")])
    reason = _text(body, "reason")
    action = KlageAction.CONSIDER_LATE if consider else KlageAction.REJECT_LATE
    late_klage = default_ruleset().parameters.legal_basis("late_klage").text
    _move(
        uow, sak, behandling, action, klage_id=str(klage.id), reason=reason, legal_basis=late_klage
    )
    klage.late_decision = "considered" if consider else "rejected"
    klage.late_decision_reason = reason
    close_oppgaver(uow, behandling)
    if consider:
        open_oppgave(uow, sak, behandling, person, "klage", "late_klage_considered", uow.actor.id)
    else:
        klage.closed_reason = "avvist"
    return klage_view(uow, klage, behandling)


def change_decision(uow: UnitOfWork, klage_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """Omgjøring: the unit agrees with the klage (fvl. § 33). A new behandling of kind
    `omgjoring` starts from the appealed vedtak's facts plus the corrected ones; it goes
    through the ordinary assessment, proposal and approval, and its vedtak replaces the old."""
    klage, behandling, sak, person = _for_review(uow, klage_id, body)
    reason = _text(body, "reason")
    facts = body.get("facts", {})
    if not isinstance(facts, dict):
        raise InvalidInput([("facts", "must be an object with the corrected facts")])
    # A klage against a tilbakekreving is decided again after the move; one against a vedtak
    # needs its new behandling first, since the move's event names it.
    new: Behandling | None = None
    if klage.tilbakekreving_id is not None:
        if facts:
            raise InvalidInput(
                [("facts", "a tilbakekreving is decided again by a caseworker: send no facts")]
            )
        outcome = {"tilbakekreving_id": str(klage.tilbakekreving_id)}
    else:
        vedtak = uow.session.get(Vedtak, klage.vedtak_id)
        assert vedtak is not None
        new = _start_behandling(
            uow, sak, person, vedtak, Kind.OMGJORING, facts, reason="omgjoring_after_klage"
        )
        outcome = {"new_behandling_id": str(new.id)}
    _move(
        uow,
        sak,
        behandling,
        KlageAction.CHANGE_DECISION,
        klage_id=str(klage.id),
        reason=reason,
        **outcome,
    )
    if new is None:
        _decide_tilbakekreving_again(uow, klage, sak, person, "omgjoring_after_klage")
    else:
        klage.result_behandling_id = new.id
    klage.closed_reason = "omgjort"
    close_oppgaver(uow, behandling)
    return klage_view(uow, klage, behandling)


def _decide_tilbakekreving_again(
    uow: UnitOfWork, klage: Klage, sak: Sak, person: Person, why: str
) -> None:
    """The klage against a tilbakekreving vedtak went the person's way: a caseworker decides
    the tilbakekreving again (a task on it, with why); nothing is recomputed here."""
    assert klage.tilbakekreving_id is not None
    case = uow.session.get(Tilbakekreving, klage.tilbakekreving_id)
    assert case is not None
    recovery_cases.decide_again_after_klage(uow, case, sak, person, klage_id=klage.id, why=why)


def forward(uow: UnitOfWork, klage_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """The unit keeps its decision and sends the case to NAV Klageinstans with its statement;
    the person gets a copy and a deadline to comment."""
    klage, behandling, sak, person = _for_review(uow, klage_id, body)
    statement = _text(body, "statement")
    unit = klageinstans_unit(UNITS[sak.unit])
    comment_deadline = deadlines.comment_deadline(uow.now.date())
    _move(
        uow, sak, behandling, KlageAction.FORWARD, klage_id=str(klage.id), klageinstans=unit.number
    )
    klage.statement = statement
    klage.forwarded_by = uow.actor.id
    klage.forwarded_at = uow.now
    klage.comment_deadline = comment_deadline.last_day
    klage.klageinstans_unit = unit.number
    close_oppgaver(uow, behandling)
    open_oppgave(uow, sak, behandling, person, "klageinstans", "klage_forwarded", unit=unit.number)
    _letter(uow, "klage_forwarded", klage_id=str(klage.id))
    return klage_view(uow, klage, behandling)


def _start_behandling(
    uow: UnitOfWork,
    sak: Sak,
    person: Person,
    vedtak: Vedtak,
    kind: Kind,
    facts: dict[str, Any],
    *,
    reason: str,
) -> Behandling:
    """A new ordinary behandling that will replace `vedtak`, assessed at once and given to a
    caseworker: a decision after a klage is always made by a person."""
    if open_behandling(uow, sak) is not None:
        raise Conflict("the case already has an open behandling; finish it first")
    merged = {**keep_claim_date(sak.benefit, vedtak.facts, vedtak.effective_from), **facts}
    application = validate_facts(sak.benefit, vedtak.effective_from, merged)
    new = Behandling(
        id=uuid.uuid4(),
        sak_id=sak.id,
        kind=kind.value,
        state=State.ASSESSING.value,
        revises_vedtak_id=vedtak.id,
        claim_date=vedtak.effective_from,
        facts=facts_as_json(application.facts),
        created_at=uow.now,
        updated_at=uow.now,
    )
    uow.session.add(new)
    uow.flush()
    uow.event(
        sak.id, new.id, "behandling_opened", kind=kind.value, revises_vedtak_id=str(vedtak.id)
    )
    run_rules(uow, sak, new, application.facts)
    open_oppgave(uow, sak, new, person, "assess", reason)
    return new


# -- NAV Klageinstans ------------------------------------------------------------------


def klageinstans_decide(
    uow: UnitOfWork, klage_id: uuid.UUID, body: dict[str, Any]
) -> dict[str, Any]:
    """Klageinstans upholds, changes, partly changes or cancels and sends back. A change or a
    cancellation gives the first instance a new behandling that carries it out."""
    klage, behandling, sak = _load(uow, klage_id)
    person = access.check_case(
        uow,
        Access.DECIDE_KLAGE,
        sak,
        object_type="klage",
        object_id=klage.id,
        handled_by=_handled_by(uow, sak),
    )
    check_version(behandling, _version(body))
    outcome = body.get("outcome")
    if outcome not in {o.value for o in KLAGEINSTANS_OUTCOMES}:
        allowed = ", ".join(sorted(o.value for o in KLAGEINSTANS_OUTCOMES))
        raise InvalidInput([("outcome", f"must be one of {allowed}")])
    reasons = _text(body, "reasons")
    if waiting_for_comments(klage.comment_deadline, klage.comments, uow.now.date()):
        assert klage.comment_deadline is not None
        raise Conflict(
            f"the person may comment until {klage.comment_deadline.isoformat()} "
            "(fvl. § 33); decide after that"
        )
    result = Outcome(outcome)
    _move(
        uow,
        sak,
        behandling,
        KlageAction.KLAGEINSTANS_DECIDE,
        klage_id=str(klage.id),
        outcome=result.value,
    )
    klage.outcome = result.value
    klage.outcome_reasons = reasons
    klage.decided_by = uow.actor.id
    klage.decided_at = uow.now
    close_oppgaver(uow, behandling)
    if result in NEEDS_NEW_BEHANDLING and klage.tilbakekreving_id is not None:
        _decide_tilbakekreving_again(uow, klage, sak, person, f"klageinstans_{result.value}")
    elif result in NEEDS_NEW_BEHANDLING:
        vedtak = uow.session.get(Vedtak, klage.vedtak_id)
        assert vedtak is not None
        new = _start_behandling(
            uow,
            sak,
            person,
            vedtak,
            Kind.ETTER_KLAGEINSTANS,
            {},
            reason=f"klageinstans_{result.value}",
        )
        klage.result_behandling_id = new.id
    if result is Outcome.OPPHEVET:
        # Sent back: no anke now; the new vedtak can be appealed in its turn.
        _move(uow, sak, behandling, KlageAction.EXPIRE, klage_id=str(klage.id), reason="opphevet")
        klage.closed_reason = "opphevet"
    else:
        klage.anke_deadline = deadlines.anke_deadline(uow.now.date()).last_day
        enqueue(
            uow, "appeal_deadline", start_of_day_after(klage.anke_deadline), klage_id=str(klage.id)
        )
    _letter(uow, "klageinstans_decision", klage_id=str(klage.id))
    return klage_view(uow, klage, behandling)


def register_anke(uow: UnitOfWork, klage_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """An anke to Trygderetten, or a case before the court of appeal after Trygderetten."""
    klage, behandling, sak = _load(uow, klage_id)
    access.check_case(uow, Access.REGISTER_ANKE, sak, object_type="klage", object_id=klage.id)
    check_version(behandling, _version(body))
    court = body.get("court")
    if court not in COURTS:
        raise InvalidInput([("court", "must be trygderetten or lagmannsretten")])
    filed_on = _date(body, "filed_on", today=uow.now.date())
    if court == "trygderetten":
        if klage.decided_at is None:
            raise Conflict("Klageinstans has not decided this klage")
        start = klage.decided_at.date()
        deadline = klage.anke_deadline or deadlines.anke_deadline(start).last_day
        action = KlageAction.REGISTER_ANKE
    else:
        previous = _latest_anke(uow, klage, "trygderetten")
        if previous is None or previous.decided_on is None:
            raise Conflict("Trygderetten has not decided this case")
        start = previous.decided_on
        deadline = deadlines.court_deadline(start).last_day
        action = KlageAction.REGISTER_COURT_CASE
    if filed_on < start:
        raise InvalidInput([("filed_on", "cannot be before the decision it appeals")])
    _move(uow, sak, behandling, action, klage_id=str(klage.id), court=court)
    anke = Anke(
        id=uuid.uuid4(),
        klage_id=klage.id,
        court=court,
        filed_on=filed_on,
        deadline=deadline,
        late=filed_on > deadline,
        registered_by=uow.actor.id,
        registered_at=uow.now,
    )
    uow.session.add(anke)
    return klage_view(uow, klage, behandling)


def register_judgment(uow: UnitOfWork, klage_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """The outcome from Trygderetten or the court; in the person's favour, the first instance
    gets a new behandling that carries it out."""
    klage, behandling, sak = _load(uow, klage_id)
    person = access.check_case(
        uow, Access.REGISTER_ANKE, sak, object_type="klage", object_id=klage.id
    )
    check_version(behandling, _version(body))
    state = KlageState(behandling.state)
    court = {
        KlageState.AT_TRYGDERETTEN: "trygderetten",
        KlageState.AT_COURT_OF_APPEAL: "lagmannsretten",
    }.get(state)
    if court is None:
        raise Conflict(f"no anke is pending on a klage that is {behandling.state}")
    anke = _latest_anke(uow, klage, court)
    assert anke is not None
    outcome = body.get("outcome")
    if outcome not in {o.value for o in COURT_OUTCOMES}:
        raise InvalidInput([("outcome", f"must be one of {', '.join(o.value for o in Outcome)}")])
    decided_on = _date(body, "decided_on", today=uow.now.date())
    if decided_on < anke.filed_on:
        raise InvalidInput([("decided_on", "cannot be before the anke was filed")])
    reasons = _text(body, "reasons")
    action = (
        KlageAction.TRYGDERETTEN_DECIDE if court == "trygderetten" else KlageAction.COURT_DECIDE
    )
    _move(uow, sak, behandling, action, klage_id=str(klage.id), court=court, outcome=outcome)
    anke.outcome = outcome
    anke.decided_on = decided_on
    anke.reasons = reasons
    result = Outcome(outcome)
    if result in NEEDS_NEW_BEHANDLING and klage.tilbakekreving_id is not None:
        _decide_tilbakekreving_again(uow, klage, sak, person, f"{court}_{result.value}")
    elif result in NEEDS_NEW_BEHANDLING:
        vedtak = uow.session.get(Vedtak, klage.vedtak_id)
        assert vedtak is not None
        new = _start_behandling(
            uow, sak, person, vedtak, Kind.ETTER_ANKE, {}, reason=f"{court}_{result.value}"
        )
        anke.result_behandling_id = new.id
    if court == "trygderetten":
        last_day = deadlines.court_deadline(decided_on).last_day
        enqueue(
            uow,
            "appeal_deadline",
            start_of_day_after(last_day),
            klage_id=str(klage.id),
            court_deadline=last_day.isoformat(),
        )
    else:
        klage.closed_reason = f"lagmannsretten_{outcome}"
    return klage_view(uow, klage, behandling)


def _latest_anke(uow: UnitOfWork, klage: Klage, court: str) -> Anke | None:
    return uow.session.scalars(
        select(Anke)
        .where(Anke.klage_id == klage.id, Anke.court == court)
        .order_by(Anke.registered_at.desc())
        .limit(1)
    ).first()


# -- jobs ------------------------------------------------------------------


def grounds_deadline_passed(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """No grounds came in time: the klage is reviewed on what it says (a caseworker decides)."""
    klage, behandling, sak = _load(uow, uuid.UUID(payload["klage_id"]))
    if behandling.state != KlageState.AWAITING_GROUNDS.value:
        return
    person = access.check_case(uow, Access.RUN_JOB, sak, object_type="klage", object_id=klage.id)
    _move(uow, sak, behandling, KlageAction.GROUNDS_DEADLINE_PASSED, klage_id=str(klage.id))
    open_oppgave(uow, sak, behandling, person, "klage", "klage_grounds_missing")


def appeal_deadline(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """No anke (or court case) was registered in time: the last decision stands."""
    klage, behandling, sak = _load(uow, uuid.UUID(payload["klage_id"]))
    state = KlageState(behandling.state)
    if state not in (KlageState.KLAGEINSTANS_DECIDED, KlageState.TRYGDERETTEN_DECIDED):
        return
    access.check_case(uow, Access.RUN_JOB, sak, object_type="klage", object_id=klage.id)
    _move(uow, sak, behandling, KlageAction.EXPIRE, klage_id=str(klage.id))
    klage.closed_reason = "final"


# -- reading ------------------------------------------------------------------


def _deadline_steps(klage: Klage, anker: list[Anke]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = [
        {"step": "klage_deadline", "date": klage.deadline.isoformat()},
        {"step": "klage_received", "date": klage.received_on.isoformat()},
    ]
    if klage.grounds_deadline:
        steps.append({"step": "grounds_deadline", "date": klage.grounds_deadline.isoformat()})
    if klage.forwarded_at:
        steps.append(
            {"step": "forwarded_to_klageinstans", "date": klage.forwarded_at.date().isoformat()}
        )
    if klage.comment_deadline:
        steps.append({"step": "comment_deadline", "date": klage.comment_deadline.isoformat()})
    if klage.decided_at:
        steps.append({"step": "klageinstans_decided", "date": klage.decided_at.date().isoformat()})
    if klage.anke_deadline:
        steps.append({"step": "anke_deadline", "date": klage.anke_deadline.isoformat()})
    for anke in anker:
        steps.append({"step": f"{anke.court}_filed", "date": anke.filed_on.isoformat()})
        if anke.decided_on:
            steps.append({"step": f"{anke.court}_decided", "date": anke.decided_on.isoformat()})
    return steps


def _next_step(klage: Klage, state: KlageState) -> dict[str, Any]:
    due: dt.date | None = {
        KlageState.AWAITING_GROUNDS: klage.grounds_deadline,
        KlageState.AT_KLAGEINSTANS: klage.comment_deadline,
        KlageState.KLAGEINSTANS_DECIDED: klage.anke_deadline,
    }.get(state)
    return {"step": NEXT_STEP[state], "due": due.isoformat() if due else None}


def klage_view(uow: UnitOfWork, klage: Klage, behandling: Behandling) -> dict[str, Any]:
    uow.flush()  # the version the caller must send next
    anker = list(
        uow.session.scalars(
            select(Anke).where(Anke.klage_id == klage.id).order_by(Anke.registered_at)
        )
    )
    state = KlageState(behandling.state)
    return {
        **_klage_view_extras(uow, klage),
        "id": str(klage.id),
        "sak_id": str(klage.sak_id),
        "vedtak_id": str(klage.vedtak_id) if klage.vedtak_id else None,
        "tilbakekreving_id": str(klage.tilbakekreving_id) if klage.tilbakekreving_id else None,
        "behandling_id": str(behandling.id),
        "state": state.value,
        "version": behandling.version,
        "next_step": _next_step(klage, state),
        "received_on": klage.received_on.isoformat(),
        "text": klage.text,
        "grounds": klage.grounds,
        "fristavbrytende": klage.fristavbrytende,
        "vedtak_received_on": klage.vedtak_received_on.isoformat(),
        "deadline": klage.deadline.isoformat(),
        "late": klage.late,
        "late_decision": klage.late_decision,
        "late_decision_reason": klage.late_decision_reason,
        "grounds_deadline": klage.grounds_deadline.isoformat() if klage.grounds_deadline else None,
        "statement": klage.statement,
        "comment_deadline": klage.comment_deadline.isoformat() if klage.comment_deadline else None,
        "comments": klage.comments,
        "waiting_for_comments": state is KlageState.AT_KLAGEINSTANS
        and waiting_for_comments(klage.comment_deadline, klage.comments, uow.now.date()),
        "klageinstans_unit": klage.klageinstans_unit,
        "outcome": klage.outcome,
        "outcome_reasons": klage.outcome_reasons,
        "anke_deadline": klage.anke_deadline.isoformat() if klage.anke_deadline else None,
        "result_behandling_id": str(klage.result_behandling_id)
        if klage.result_behandling_id
        else None,
        "closed_reason": klage.closed_reason,
        "anker": [
            {
                "id": str(a.id),
                "court": a.court,
                "filed_on": a.filed_on.isoformat(),
                "deadline": a.deadline.isoformat(),
                "late": a.late,
                "outcome": a.outcome,
                "decided_on": a.decided_on.isoformat() if a.decided_on else None,
                "result_behandling_id": str(a.result_behandling_id)
                if a.result_behandling_id
                else None,
            }
            for a in anker
        ],
        "timeline": _deadline_steps(klage, anker),
        "allowed_actions": [a.value for a in allowed_klage_actions(state)],
    }


def _klage_view_extras(uow: UnitOfWork, klage: Klage) -> dict[str, Any]:
    """The attachments' metadata (never their content: that is `attachment`, checked and
    audited on its own)."""
    attachments = uow.session.execute(
        select(Attachment.id, Attachment.filename, Attachment.content_type, Attachment.size)
        .where(Attachment.klage_id == klage.id)
        .order_by(Attachment.received_at, Attachment.filename)
    ).all()
    return {
        "attachments": [
            {
                "id": str(a.id),
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
            }
            for a in attachments
        ],
    }


def get_klage(uow: UnitOfWork, klage_id: uuid.UUID) -> dict[str, Any]:
    klage, behandling, sak = _load(uow, klage_id)
    access.check_case(uow, Access.READ_CASE, sak, object_type="klage", object_id=klage.id)
    return klage_view(uow, klage, behandling)


def list_klager(uow: UnitOfWork, sak_id: uuid.UUID) -> dict[str, Any]:
    sak = get_or_404(uow, Sak, sak_id, "sak")
    access.check_case(uow, Access.READ_CASE, sak, object_type="sak", object_id=sak.id)
    klager = uow.session.scalars(
        select(Klage).where(Klage.sak_id == sak.id).order_by(Klage.received_on)
    ).all()
    items = []
    for klage in klager:
        behandling = uow.session.get(Behandling, klage.behandling_id)
        assert behandling is not None
        items.append(klage_view(uow, klage, behandling))
    return {"items": items, "total": len(items)}


def attachment(uow: UnitOfWork, attachment_id: uuid.UUID) -> Attachment:
    found: Attachment = get_or_404(uow, Attachment, attachment_id, "attachment")
    _klage, _behandling, sak = _load(uow, found.klage_id)
    access.check_case(uow, Access.READ_CASE, sak, object_type="attachment", object_id=found.id)
    return found
