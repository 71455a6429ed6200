"""What caseworkers and approvers do with a behandling.

Every change names the version of the behandling the caller last read; an older version is
refused (409) rather than overwritten. Totrinnskontroll: the person who approves or returns a
proposal must hold the approver role and must not be the one who proposed it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import update

from trygd.domain.behandling import Action, State
from trygd.privacy.policy import Action as Access
from trygd.rules.record import RecordRule
from trygd.services import access, free_text, payments
from trygd.services.decisions import make_vedtak, run_rules, start_of_day_after
from trygd.services.errors import Conflict, Forbidden, InvalidInput
from trygd.services.intake import summary
from trygd.services.records import (
    check_version,
    close_oppgaver,
    enqueue,
    facts_as_json,
    get_or_404,
    move,
    open_oppgave,
    stored_record,
    validate_facts,
)
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import Behandling, InformationRequest, Job, Oppgave, Person, Sak, Vurdering

MIN_REASON_LENGTH = 10
LONGEST_INFORMATION_DEADLINE = dt.timedelta(days=90)
REMINDER_BEFORE_DEADLINE = dt.timedelta(days=7)


def load_for_change(
    uow: UnitOfWork, behandling_id: uuid.UUID, action: Access, version: Any
) -> tuple[Sak, Behandling, Person]:
    """Load the behandling, check the caller's right and the version they based the change on."""
    behandling = get_or_404(uow, Behandling, behandling_id, "behandling")
    sak = uow.session.get(Sak, behandling.sak_id)
    assert sak is not None
    person = access.check_case(
        uow,
        action,
        sak,
        object_type="behandling",
        object_id=behandling.id,
        assigned_to=behandling.assigned_to,
    )
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidInput([("version", "is required: the version of the behandling you read")])
    check_version(behandling, version)
    return sak, behandling, person


def _reason(body: dict[str, Any], field: str = "reason") -> str:
    return free_text.checked(body.get(field), field, free_text.REASON, minimum=MIN_REASON_LENGTH)


def _rules_of(uow: UnitOfWork, behandling: Behandling) -> tuple[RecordRule, ...]:
    """What each rule did in the behandling's latest assessment (none before the rules ran)."""
    if behandling.record_id is None:
        return ()
    return stored_record(uow, behandling.record_id).rules


def _require_state(behandling: Behandling, state: State, doing: str) -> None:
    if behandling.state != state.value:
        raise Conflict(f"cannot {doing} a behandling that is {behandling.state}")


def assess_condition(
    uow: UnitOfWork, behandling_id: uuid.UUID, body: dict[str, Any]
) -> dict[str, Any]:
    """The caseworker establishes the facts behind a condition, with a written reason; or
    behind a calculation the rules could not make (dagpenger's basis without the income per
    month), which is then named in `condition` like a condition."""
    sak, behandling, _person = load_for_change(
        uow, behandling_id, Access.ASSESS, body.get("version")
    )
    _require_state(behandling, State.ASSESSING, "assess conditions of")
    condition = body.get("condition")
    known = {
        f"{sak.benefit}.{r.id}": r
        for r in _rules_of(uow, behandling)
        if r.kind == "condition" or r.status == "undetermined"
    }
    if not isinstance(condition, str) or condition not in known:
        raise InvalidInput([("condition", f"must be one of: {', '.join(sorted(known))}")])
    facts = body.get("facts")
    if not isinstance(facts, dict) or not facts:
        raise InvalidInput([("facts", "must be an object with the facts you have established")])
    reason = _reason(body)
    allowed = set(known[condition].facts_used) | set(known[condition].missing_facts)
    for name in facts:
        if name not in allowed:
            raise InvalidInput(
                [
                    (
                        f"facts.{name}",
                        f"is not a fact of {condition}; use: {', '.join(sorted(allowed))}",
                    )
                ]
            )
    merged = {**behandling.facts, **facts}
    application = validate_facts(sak.benefit, behandling.claim_date, merged)
    behandling.facts = facts_as_json(application.facts)
    uow.session.add(
        Vurdering(
            id=uuid.uuid4(),
            behandling_id=behandling.id,
            condition=condition,
            facts=facts_as_json({k: application.facts.get(k) for k in facts}),
            reason=reason,
            assessed_by=uow.actor.id,
            assessed_at=uow.now,
        )
    )
    uow.event(
        sak.id,
        behandling.id,
        "condition_assessed",
        condition=condition,
        facts=sorted(facts),
        reason=reason,
    )
    run_rules(uow, sak, behandling, application.facts)
    behandling.assigned_to = behandling.assigned_to or uow.actor.id
    return summary(uow, sak, behandling)


def request_information(
    uow: UnitOfWork, behandling_id: uuid.UUID, body: dict[str, Any]
) -> dict[str, Any]:
    """Opplysningsplikt (ftrl. § 21-3): ask the person for facts or documents by a deadline."""
    sak, behandling, person = load_for_change(
        uow, behandling_id, Access.REQUEST_INFORMATION, body.get("version")
    )
    description = free_text.checked(
        body.get("description"), "description", free_text.DESCRIPTION, minimum=MIN_REASON_LENGTH
    )
    requested = body.get("facts_requested", [])
    conditions = [r for r in _rules_of(uow, behandling) if r.kind == "condition"]
    fact_names = {name for c in conditions for name in (*c.facts_used, *c.missing_facts)}
    if not isinstance(requested, list) or not all(isinstance(n, str) for n in requested):
        raise InvalidInput([("facts_requested", "must be a list of fact names")])
    for index, name in enumerate(requested):
        if name not in fact_names:
            raise InvalidInput(
                [(f"facts_requested[{index}]", f"{name!r} is not a fact of this benefit")]
            )
    deadline_text = body.get("deadline")
    try:
        deadline = dt.date.fromisoformat(deadline_text) if isinstance(deadline_text, str) else None
    except ValueError:
        deadline = None
    if deadline is None:
        raise InvalidInput([("deadline", "is required as a date (YYYY-MM-DD)")])
    today = uow.now.date()
    if deadline <= today:
        raise InvalidInput([("deadline", "must be after today")])
    if deadline > today + LONGEST_INFORMATION_DEADLINE:
        raise InvalidInput(
            [("deadline", f"must be within {LONGEST_INFORMATION_DEADLINE.days} days")]
        )
    move(uow, sak, behandling, Action.REQUEST_INFORMATION, deadline=deadline.isoformat())
    request = InformationRequest(
        id=uuid.uuid4(),
        behandling_id=behandling.id,
        person_id=person.id,
        description=description,
        facts_requested=requested,
        deadline=deadline,
        requested_by=uow.actor.id,
        requested_at=uow.now,
        status="open",
    )
    uow.session.add(request)
    close_oppgaver(uow, behandling)
    behandling.assigned_to = behandling.assigned_to or uow.actor.id
    reminder_at = start_of_day_after(deadline - REMINDER_BEFORE_DEADLINE - dt.timedelta(days=1))
    if reminder_at > uow.now:
        enqueue(uow, "information_reminder", reminder_at, request_id=str(request.id))
    enqueue(uow, "information_deadline", start_of_day_after(deadline), request_id=str(request.id))
    enqueue(uow, "send_letter", uow.now, letter="information_request", request_id=str(request.id))
    result = summary(uow, sak, behandling)
    result["information_request_id"] = str(request.id)
    return result


def answer_information(
    uow: UnitOfWork, request_id: uuid.UUID, body: dict[str, Any]
) -> dict[str, Any]:
    """The person answers a request; the case goes back to the caseworker."""
    request = get_or_404(uow, InformationRequest, request_id, "information request")
    behandling = uow.session.get(Behandling, request.behandling_id)
    assert behandling is not None
    sak = uow.session.get(Sak, behandling.sak_id)
    assert sak is not None
    person = access.check_case(
        uow,
        Access.ANSWER_INFORMATION,
        sak,
        object_type="information_request",
        object_id=request.id,
    )
    if request.status != "open":
        raise Conflict(f"the request is {request.status} and can no longer be answered")
    text = free_text.checked(body.get("answer"), "answer", free_text.ANSWER)
    facts = body.get("facts", {})
    if not isinstance(facts, dict):
        raise InvalidInput([("facts", "must be an object")])
    for name in facts:
        if name not in request.facts_requested:
            raise InvalidInput([(f"facts.{name}", "was not asked for in this request")])
    application = validate_facts(sak.benefit, behandling.claim_date, {**behandling.facts, **facts})
    behandling.facts = facts_as_json(application.facts)
    request.status = "answered"
    request.answer = text
    request.answered_facts = facts_as_json(facts)
    request.answered_at = uow.now
    move(uow, sak, behandling, Action.INFORMATION_RECEIVED, information_request_id=str(request.id))
    _cancel_jobs(uow, request.id)
    run_rules(uow, sak, behandling, application.facts)
    open_oppgave(
        uow, sak, behandling, person, "assess", "information_received", behandling.assigned_to
    )
    return summary(uow, sak, behandling)


def _cancel_jobs(uow: UnitOfWork, request_id: uuid.UUID) -> None:
    """The reminder and deadline of an answered request are not needed any more."""
    uow.session.execute(
        update(Job)
        .where(
            Job.status == "pending",
            Job.kind.in_(("information_reminder", "information_deadline")),
            Job.payload["request_id"].as_string() == str(request_id),
        )
        .values(status="cancelled", finished_at=uow.now)
    )


def propose(uow: UnitOfWork, behandling_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """The caseworker proposes the vedtak the rules give; a second person must approve it."""
    sak, behandling, person = load_for_change(
        uow, behandling_id, Access.PROPOSE, body.get("version")
    )
    _require_state(behandling, State.ASSESSING, "propose")
    undetermined = [
        f"{sak.benefit}.{r.id}" for r in _rules_of(uow, behandling) if r.status == "undetermined"
    ]
    if undetermined or behandling.outcome not in ("granted", "rejected"):
        raise Conflict(
            f"conditions are still undetermined: {', '.join(undetermined)}; assess them first"
        )
    note = free_text.optional(body.get("reason"), "reason", free_text.REASON)
    behandling.proposed_by = uow.actor.id
    behandling.proposal_reason = note
    behandling.approved_by = None
    move(uow, sak, behandling, Action.PROPOSE, outcome=behandling.outcome)
    payments.store_simulation(uow, behandling)  # simulering, kept with the proposal
    close_oppgaver(uow, behandling)
    open_oppgave(uow, sak, behandling, person, "approve", "totrinnskontroll")
    return summary(uow, sak, behandling)


def _second_person(uow: UnitOfWork, behandling: Behandling) -> None:
    if behandling.proposed_by == uow.actor.id:
        raise Forbidden(
            "totrinnskontroll: the approver must be a different person from the caseworker "
            "who proposed the vedtak"
        )


def approve(uow: UnitOfWork, behandling_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    sak, behandling, _person = load_for_change(
        uow, behandling_id, Access.APPROVE, body.get("version")
    )
    _require_state(behandling, State.PROPOSED, "approve")
    _second_person(uow, behandling)
    payments.check_simulation(uow, behandling)  # simulation must equal execution
    behandling.approved_by = uow.actor.id
    move(uow, sak, behandling, Action.APPROVE)
    move(uow, sak, behandling, Action.DECIDE)
    close_oppgaver(uow, behandling)
    vedtak = make_vedtak(uow, sak, behandling, automatic=False)
    return summary(uow, sak, behandling, vedtak)


def return_proposal(
    uow: UnitOfWork, behandling_id: uuid.UUID, body: dict[str, Any]
) -> dict[str, Any]:
    """The approver sends the proposal back to the caseworker with a reason."""
    sak, behandling, person = load_for_change(
        uow, behandling_id, Access.RETURN, body.get("version")
    )
    _require_state(behandling, State.PROPOSED, "return")
    _second_person(uow, behandling)
    reason = _reason(body)
    proposer = behandling.proposed_by
    behandling.proposed_by = None
    move(uow, sak, behandling, Action.RETURN, reason=reason, returned_to=proposer)
    close_oppgaver(uow, behandling)
    open_oppgave(uow, sak, behandling, person, "assess", "returned_by_approver", proposer)
    return summary(uow, sak, behandling)


def claim_task(uow: UnitOfWork, task_id: uuid.UUID) -> dict[str, Any]:
    """Take a task from the unit's queue; the caller becomes responsible for the behandling."""
    task = get_or_404(uow, Oppgave, task_id, "oppgave")
    sak = uow.session.get(Sak, task.sak_id)
    assert sak is not None
    access.check_claim(uow, task, sak)
    if task.status != "open":
        raise Conflict("the task is closed")
    result = uow.session.execute(
        update(Oppgave)
        .where(Oppgave.id == task.id, Oppgave.status == "open")
        .where((Oppgave.assigned_to.is_(None)) | (Oppgave.assigned_to == uow.actor.id))
        .values(assigned_to=uow.actor.id)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("the task is already assigned to someone else")
    uow.event(sak.id, task.behandling_id, "task_claimed", task_id=str(task.id))
    return {
        "id": str(task.id),
        "assigned_to": uow.actor.id,
        "behandling_id": str(task.behandling_id),
    }
