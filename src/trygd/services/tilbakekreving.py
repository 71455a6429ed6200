"""Tilbakekreving use cases: opening a case from a revurdering's feilutbetaling, the
forhåndsvarsel and the person's answer, the caseworker's assessment, totrinnskontroll, the
vedtak and its postings, and the reads of the pages and the API.

- Opening (`open_from_vedtak`): iverksetting of a vedtak that replaces another calls it after
  the payment lines are settled. The feilutbetaling is the revurdering's new plan against
  what was paid, period by period (the simulation, `trygd.domain.payments.simulate`, in its
  stored form: the negative lines the settlement made for the vedtak, each with what was
  paid for its period). One case per vedtak: the unique constraint
  `uq_tilbakekreving_vedtak` refuses a second, and a repeated or concurrent opening finds
  the first.
- Forhåndsvarsel (fvl. § 16): sent with the opening (a letter job), with the comment deadline
  from `trygd.domain.deadlines.advance_notice_deadline`; a job at the deadline hands the
  case to a caseworker if the person has not answered.
- Assessment (ftrl. § 22-15, § 22-17a): the caseworker's answers to the questions
  `trygd.rules.tilbakekreving` leaves open, with a written reason; the rules run on the day.
- Proposal and approval by two different persons; at approval the rules run again on the
  day of the vedtak, and a result that differs from the proposal's is refused (409,
  `tilbakekreving_result_differs`) so that nobody approves figures they did not see.
- The vedtak: letter (nb/nn/en) with the klage deadline, the ledger postings (write-off of
  what is not recovered, rentetillegg), and recovery by set-off (`services/recovery.py`)
  or a claim handed on.
- Klage: the vedtak can be appealed like any vedtak (`services/appeals.py`), within the
  klagefrist from the day its letter reached the person (`vedtak_received_on`). If the unit,
  Klageinstans or a court goes the person's way, `decide_again_after_klage` gives a
  caseworker a task to decide the tilbakekreving again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select, update

from trygd.domain import deadlines
from trygd.domain import recovery as recovery_domain
from trygd.domain import tilbakekreving as domain
from trygd.domain.tilbakekreving import Action, FeilutbetaltPeriod, State
from trygd.privacy.policy import Action as Access
from trygd.rules.assessment import default_ruleset
from trygd.rules.tilbakekreving import Answers, AssessmentError, Result, assess
from trygd.services import access, free_text
from trygd.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from trygd.services.records import enqueue, open_oppgave
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import (
    Behandling,
    Job,
    Letter,
    Oppgave,
    Person,
    Sak,
    Tilbakekreving,
    TilbakekrevingSetoff,
    Vedtak,
)
from trygd.store.models import PaymentLine as LineRow

PAID = ("ordered", "accepted", "accepted_with_warning", "withheld_in_full")
RECOVERY_METHODS = ("setoff", "handed_on")
TASK_REASON = "tilbakekreving"
APPROVAL_REASON = "tilbakekreving_approval"
AFTER_KLAGE_REASON = "tilbakekreving_after_klage"  # decide it again: a klage went the person's way
MIN_REASON_LENGTH = 10


# -- opening -----------------------------------------------------------------------------------


def feilutbetalte_perioder(uow: UnitOfWork, vedtak: Vedtak) -> list[FeilutbetaltPeriod]:
    """The periods the vedtak's new plan gives less for than was paid: per negative line the
    settlement made for the vedtak, what the other lines of its period paid, and the day it
    was last paid (the day the claim arose, for foreldelse)."""
    negative = list(
        uow.session.scalars(
            select(LineRow)
            .where(LineRow.vedtak_id == vedtak.id, LineRow.gross_ore < 0)
            .order_by(LineRow.period_start, LineRow.kind)
        )
    )
    if not negative:
        return []
    keys = {(n.kind, n.period_start, n.period_end) for n in negative}
    paid: dict[tuple[str, dt.date, dt.date], tuple[int, dt.date | None]] = {}
    rows = uow.session.execute(
        select(
            LineRow.id,
            LineRow.kind,
            LineRow.period_start,
            LineRow.period_end,
            LineRow.gross_ore,
            LineRow.status,
            LineRow.due_date,
        ).where(LineRow.sak_id == vedtak.sak_id)
    ).all()
    own = {n.id for n in negative}
    for line_id, kind, start, end, gross, status, due in rows:
        key = (kind, start, end)
        if key not in keys or line_id in own:
            continue
        if status in PAID or status == "recovery":
            total, last = paid.get(key, (0, None))
            if gross > 0 and status in PAID:
                last = due if last is None or due > last else last
            paid[key] = (total + gross, last)
    out: list[FeilutbetaltPeriod] = []
    for line in negative:
        paid_ore, last = paid.get((line.kind, line.period_start, line.period_end), (0, None))
        if paid_ore <= 0:
            continue  # nothing was paid for the period: nothing paid too much
        correct = max(0, paid_ore + line.gross_ore)
        if correct >= paid_ore:
            continue
        out.append(
            FeilutbetaltPeriod(
                line.kind,
                line.period_start,
                line.period_end,
                paid_ore,
                correct,
                last or line.due_date,
                str(line.id),
            )
        )
    return out


def open_from_vedtak(
    uow: UnitOfWork, vedtak: Vedtak, action: Access = Access.RUN_JOB
) -> Tilbakekreving | None:
    """Open the tilbakekreving of a vedtak's feilutbetaling, once; None when it made none.
    `action`: the iverksetting job's (run_job), or a caseworker's (assess)."""
    return _opened(uow, vedtak, action)[0]


def _opened(uow: UnitOfWork, vedtak: Vedtak, action: Access) -> tuple[Tilbakekreving | None, bool]:
    """`open_from_vedtak`, and whether this call made the case. Whether it existed is
    decided by the one query this call's insert depends on: a case another request stored
    a moment before is found here, not made again (and, if both got past this query, the
    unique constraint refuses the second insert and its request runs again)."""
    existing = uow.session.scalars(
        select(Tilbakekreving).where(Tilbakekreving.vedtak_id == vedtak.id)
    ).first()
    if existing is not None:
        return existing, False
    if vedtak.replaces_vedtak_id is None:
        return None, False
    periods = feilutbetalte_perioder(uow, vedtak)
    if not periods:
        return None, False
    sak = uow.session.get(Sak, vedtak.sak_id)
    assert sak is not None
    access.check_case(uow, action, sak, object_type="tilbakekreving", object_id=vedtak.id)
    today = uow.now.date()
    deadline = deadlines.advance_notice_deadline(today)
    case = Tilbakekreving(
        id=uuid.uuid4(),
        sak_id=sak.id,
        person_id=sak.person_id,
        vedtak_id=vedtak.id,
        behandling_id=vedtak.behandling_id,
        benefit=sak.benefit,
        state=State.VARSEL_SENT.value,
        feilutbetalt_ore=domain.total_ore(periods),
        periods=[p.to_json() for p in periods],
        varsel_sent_at=uow.now,
        comment_deadline=deadline.last_day,
        created_at=uow.now,
        updated_at=uow.now,
        version=1,
    )
    uow.session.add(case)
    uow.session.flush()  # the unique constraint decides here: one case per vedtak
    uow.event(
        sak.id,
        vedtak.behandling_id,
        "tilbakekreving_opened",
        tilbakekreving_id=str(case.id),
        feilutbetalt_ore=case.feilutbetalt_ore,
        comment_deadline=deadline.last_day.isoformat(),
    )
    enqueue(
        uow, "send_letter", uow.now, letter="tilbakekreving_varsel", tilbakekreving_id=str(case.id)
    )
    enqueue(
        uow,
        "tilbakekreving_comment_deadline",
        _start_of_day_after(deadline.last_day),
        tilbakekreving_id=str(case.id),
    )
    return case, True


def _start_of_day_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)


def open_for_vedtak(uow: UnitOfWork, vedtak_id: uuid.UUID) -> tuple[bool, dict[str, Any]]:
    """A caseworker opens the tilbakekreving of a vedtak (one made before the automatic
    opening existed, or to check): (created, the case); 404 when it paid nothing too much."""
    vedtak = uow.session.get(Vedtak, vedtak_id)
    if vedtak is None:
        raise NotFound("vedtak not found")
    sak = uow.session.get(Sak, vedtak.sak_id)
    assert sak is not None
    access.check_case(uow, Access.ASSESS, sak, object_type="tilbakekreving", object_id=vedtak.id)
    case, created = _opened(uow, vedtak, Access.ASSESS)
    if case is None:
        raise NotFound("the vedtak paid nothing too much: there is no feilutbetaling")
    return created, view(uow, case, staff=True)


# -- the person's answer and the deadline ---------------------------------------------------


def _load(uow: UnitOfWork, case_id: uuid.UUID) -> tuple[Tilbakekreving, Sak]:
    case = uow.session.get(Tilbakekreving, case_id)
    if case is None:
        raise NotFound("tilbakekreving not found")
    sak = uow.session.get(Sak, case.sak_id)
    assert sak is not None
    return case, sak


def _move(uow: UnitOfWork, case: Tilbakekreving, action: Action, **data: Any) -> None:
    try:
        new = domain.next_state(State(case.state), action)
    except domain.IllegalTransition as error:
        raise Conflict(str(error), code="tilbakekreving_state") from None
    old = case.state
    case.state = new.value
    case.updated_at = uow.now
    uow.event(
        case.sak_id,
        case.behandling_id,
        f"tilbakekreving_{action.value}",
        tilbakekreving_id=str(case.id),
        **{"from": old, "to": new.value},
        **data,
    )


def _check_version(case: Tilbakekreving, body: dict[str, Any]) -> None:
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidInput([("version", "is required: the version of the tilbakekreving you read")])
    if version != case.version:
        raise Conflict(
            f"the tilbakekreving has changed since you read it (you sent version {version}, "
            f"it is now {case.version}); read it again and retry"
        )


def _task(
    uow: UnitOfWork, case: Tilbakekreving, sak: Sak, person: Person, kind: str, reason: str
) -> None:
    behandling = uow.session.get(Behandling, case.behandling_id)
    assert behandling is not None
    _close_tasks(uow, case)
    open_oppgave(uow, sak, behandling, person, kind, reason)


def _close_tasks(uow: UnitOfWork, case: Tilbakekreving) -> None:
    uow.session.execute(
        update(Oppgave)
        .where(
            Oppgave.behandling_id == case.behandling_id,
            Oppgave.status == "open",
            Oppgave.reason.in_((TASK_REASON, APPROVAL_REASON)),
        )
        .values(status="closed", closed_at=uow.now)
    )


def answer(uow: UnitOfWork, case_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """The person comments on the varsel (fvl. § 16). Before the deadline the case goes to a
    caseworker at once; a comment after it is still kept, for the caseworker to read."""
    case, sak = _load(uow, case_id)
    person = access.check_case(
        uow, Access.ANSWER_INFORMATION, sak, object_type="tilbakekreving", object_id=case.id
    )
    if case.comment is not None:
        raise Conflict("you have already answered this varsel", code="tilbakekreving_answered")
    if case.state not in (State.VARSEL_SENT.value, State.ASSESSING.value):
        raise Conflict(
            "the tilbakekreving is decided: send a klage instead", code="tilbakekreving_state"
        )
    case.comment = free_text.checked(body.get("comment"), "comment", free_text.ANSWER)
    case.commented_at = uow.now
    case.updated_at = uow.now
    if case.state == State.VARSEL_SENT.value:
        _move(uow, case, Action.ANSWER)
        _cancel_deadline(uow, case)
        _task(uow, case, sak, person, "assess", TASK_REASON)
    else:
        uow.event(
            sak.id, case.behandling_id, "tilbakekreving_comment", tilbakekreving_id=str(case.id)
        )
    return view(uow, case)


def _cancel_deadline(uow: UnitOfWork, case: Tilbakekreving) -> None:
    uow.session.execute(
        update(Job)
        .where(
            Job.status == "pending",
            Job.kind == "tilbakekreving_comment_deadline",
            Job.payload["tilbakekreving_id"].as_string() == str(case.id),
        )
        .values(status="cancelled", finished_at=uow.now)
    )


def comment_deadline_passed(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Job: the comment period ended without an answer; a caseworker takes the case on."""
    case = uow.session.get(Tilbakekreving, uuid.UUID(payload["tilbakekreving_id"]))
    if case is None or case.state != State.VARSEL_SENT.value:
        return
    sak = uow.session.get(Sak, case.sak_id)
    assert sak is not None
    person = access.check_case(
        uow, Access.RUN_JOB, sak, object_type="tilbakekreving", object_id=case.id
    )
    _move(uow, case, Action.DEADLINE_PASSED)
    _task(uow, case, sak, person, "assess", TASK_REASON)


# -- the caseworker's assessment ------------------------------------------------------------


def _answers_from(body: dict[str, Any]) -> Answers:
    problems: list[tuple[str, str]] = []

    def text(name: str) -> str | None:
        value = body.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            problems.append((name, "must be text"))
            return None
        return value

    def whole(name: str) -> int | None:
        value = body.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append((name, "must be a whole number"))
            return None
        return value

    known = text("knowledge_date")
    knowledge: dt.date | None = None
    if known is not None:
        try:
            knowledge = dt.date.fromisoformat(known)
        except ValueError:
            problems.append(("knowledge_date", "must be a date (YYYY-MM-DD)"))
    answers = Answers(
        text("grounds"),
        text("culpability"),
        knowledge,
        whole("reduction_percent"),
        whole("in_hand_ore"),
    )
    if problems:
        raise InvalidInput(problems)
    return answers


def _periods(case: Tilbakekreving) -> list[FeilutbetaltPeriod]:
    return [FeilutbetaltPeriod.from_json(p) for p in case.periods]


def _evaluate(case: Tilbakekreving, answers: Answers, on: dt.date) -> Result:
    if answers.knowledge_date is not None and answers.knowledge_date > on:
        raise InvalidInput([("knowledge_date", "cannot be after today")])
    try:
        return assess(
            [p.as_rule_period() for p in _periods(case)],
            answers,
            on,
            default_ruleset().parameters,
        )
    except AssessmentError as error:
        raise InvalidInput([(error.field, error.problem)]) from None


def assess_case(uow: UnitOfWork, case_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """The caseworker's answers (§ 22-15) and reason; the rules run with them today."""
    case, sak = _load(uow, case_id)
    access.check_case(uow, Access.ASSESS, sak, object_type="tilbakekreving", object_id=case.id)
    _check_version(case, body)
    if case.state != State.ASSESSING.value:
        raise Conflict(
            "the tilbakekreving can be assessed once the person has answered the varsel or "
            "the deadline has passed, and before it is proposed",
            code="tilbakekreving_state",
        )
    answers = _answers_from(body)
    reason = free_text.checked(
        body.get("reason"), "reason", free_text.REASON, minimum=MIN_REASON_LENGTH
    )
    result = _evaluate(case, answers, uow.now.date())
    case.answers = answers.to_json()
    case.assessment_reason = reason
    case.assessed_by = uow.actor.id
    case.result = result.to_json()
    case.updated_at = uow.now
    uow.event(
        sak.id,
        case.behandling_id,
        "tilbakekreving_assessed",
        tilbakekreving_id=str(case.id),
        outcome=result.outcome,
        questions=list(result.questions),
    )
    return view(uow, case, staff=True)


def propose(uow: UnitOfWork, case_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    case, sak = _load(uow, case_id)
    person = access.check_case(
        uow, Access.PROPOSE, sak, object_type="tilbakekreving", object_id=case.id
    )
    _check_version(case, body)
    if case.answers is None:
        raise Conflict("assess the tilbakekreving first", code="tilbakekreving_not_assessed")
    result = _evaluate(case, Answers.from_json(case.answers), uow.now.date())
    why = domain.can_propose(State(case.state), result.questions)
    if why is not None:
        raise Conflict(f"cannot propose yet: {why}", code=f"tilbakekreving_{why}")
    method = body.get("recovery_method")
    if result.claim_ore > 0:
        if method not in RECOVERY_METHODS:
            raise InvalidInput(
                [("recovery_method", f"must be one of: {', '.join(RECOVERY_METHODS)}")]
            )
    else:
        method = None
    case.result = result.to_json()
    case.recovery_method = method
    case.proposed_by = uow.actor.id
    case.approved_by = None
    _move(uow, case, Action.PROPOSE, outcome=result.outcome)
    _task(uow, case, sak, person, "approve", APPROVAL_REASON)
    return view(uow, case, staff=True)


def _second_person(uow: UnitOfWork, case: Tilbakekreving) -> None:
    if case.proposed_by == uow.actor.id:
        raise Forbidden(
            "totrinnskontroll: the approver must be a different person from the caseworker "
            "who proposed the vedtak"
        )


def return_proposal(uow: UnitOfWork, case_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    case, sak = _load(uow, case_id)
    person = access.check_case(
        uow, Access.RETURN, sak, object_type="tilbakekreving", object_id=case.id
    )
    _check_version(case, body)
    if case.state != State.PROPOSED.value:
        raise Conflict(
            "only a proposed tilbakekreving can be returned", code="tilbakekreving_state"
        )
    _second_person(uow, case)
    reason = free_text.checked(
        body.get("reason"), "reason", free_text.REASON, minimum=MIN_REASON_LENGTH
    )
    case.proposed_by = None
    _move(uow, case, Action.RETURN, reason=reason)
    _task(uow, case, sak, person, "assess", TASK_REASON)
    return view(uow, case, staff=True)


_COMPARED = ("outcome", "feilutbetalt_ore", "foreldet_ore", "recovered_ore", "rentetillegg_ore")


def approve(uow: UnitOfWork, case_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """Totrinnskontroll and the vedtak: the rules run again on the day of the vedtak and must
    give what the caseworker proposed; then the postings, the letter and the recovery."""
    case, sak = _load(uow, case_id)
    access.check_case(uow, Access.APPROVE, sak, object_type="tilbakekreving", object_id=case.id)
    _check_version(case, body)
    if case.state != State.PROPOSED.value:
        raise Conflict(
            "only a proposed tilbakekreving can be approved", code="tilbakekreving_state"
        )
    _second_person(uow, case)
    assert case.answers is not None and case.result is not None
    today = uow.now.date()
    result = _evaluate(case, Answers.from_json(case.answers), today)
    proposed = case.result
    differences = [
        f"{name}: {proposed.get(name)} proposed, {result.to_json()[name]} now"
        for name in _COMPARED
        if proposed.get(name) != result.to_json()[name]
    ]
    if differences:
        raise Conflict(
            "the rules give another result today than when the vedtak was proposed: "
            + "; ".join(differences),
            [("result", d) for d in differences],
            code="tilbakekreving_result_differs",
        )
    case.result = result.to_json()
    case.approved_by = uow.actor.id
    case.decided_at = uow.now
    case.recovered_ore = result.recovered_ore
    case.rentetillegg_ore = result.rentetillegg_ore
    case.claim_ore = result.claim_ore
    case.klage_deadline = deadlines.klage_deadline(today).last_day
    _move(uow, case, Action.APPROVE, outcome=result.outcome, claim_ore=result.claim_ore)
    _close_tasks(uow, case)
    first = _periods(case)[0]
    from trygd.services import recovery  # the set-off module reads this one's cases

    recovery.post(
        uow,
        recovery_domain.decision_postings(
            uuid.UUID(first.line_id),
            case.person_id,
            case.benefit,
            feilutbetalt_ore=case.feilutbetalt_ore,
            recovered_ore=result.recovered_ore,
            rentetillegg_ore=result.rentetillegg_ore,
        ),
    )
    if result.claim_ore == 0:
        case.closed_at = uow.now
        _move(uow, case, Action.SETTLE)
    elif case.recovery_method == "handed_on":
        recovery.post(
            uow,
            recovery_domain.handed_on_postings(
                uuid.UUID(first.line_id), case.person_id, case.benefit, result.claim_ore
            ),
        )
        _move(uow, case, Action.HAND_ON, outstanding_ore=result.claim_ore)
    enqueue(
        uow, "send_letter", uow.now, letter="tilbakekreving_vedtak", tilbakekreving_id=str(case.id)
    )
    return view(uow, case, staff=True)


# -- klage ---------------------------------------------------------------------------------


def vedtak_received_on(uow: UnitOfWork, case: Tilbakekreving) -> dt.date:
    """The day the tilbakekreving vedtak reached the person: the date of its letter, or the
    day of the vedtak while the letter is not yet sent. The klagefrist runs from here."""
    assert case.decided_at is not None
    letter_date = uow.session.scalars(
        select(Letter.letter_date)
        .where(
            Letter.sak_id == case.sak_id,
            Letter.behandling_id == case.behandling_id,
            Letter.kind == "tilbakekreving_vedtak",
        )
        .order_by(Letter.sent_at)
        .limit(1)
    ).first()
    return letter_date if letter_date is not None else case.decided_at.date()


def klage_terms(uow: UnitOfWork, case: Tilbakekreving) -> dict[str, Any] | None:
    """The dates a person needs before appealing the vedtak, as `appeals.submit_klage`
    computes them today (the deadline module's klagefrist), or None before the vedtak."""
    if case.decided_at is None:
        return None
    today = uow.now.date()
    deadline = deadlines.klage_deadline(vedtak_received_on(uow, case))
    return {
        "deadline": deadline.last_day.isoformat(),
        "late": today > deadline.last_day,
        "grounds_deadline": deadlines.short_klage_grounds_deadline(
            today, deadline
        ).last_day.isoformat(),
        "legal_basis": deadline.legal_basis,
    }


def decide_again_after_klage(
    uow: UnitOfWork,
    case: Tilbakekreving,
    sak: Sak,
    person: Person,
    *,
    klage_id: uuid.UUID,
    why: str,
) -> None:
    """A klage against the vedtak went the person's way (omgjøring by the unit, or a change
    from Klageinstans or a court): the outcome is recorded in the case's history and a
    caseworker gets a task to decide the tilbakekreving again. Nothing is recomputed here."""
    behandling = uow.session.get(Behandling, case.behandling_id)
    assert behandling is not None
    uow.event(
        sak.id,
        case.behandling_id,
        "tilbakekreving_klage_outcome",
        tilbakekreving_id=str(case.id),
        klage_id=str(klage_id),
        outcome=why,
    )
    open_oppgave(uow, sak, behandling, person, "assess", AFTER_KLAGE_REASON)


# -- reading ---------------------------------------------------------------------------------


def recovered_so_far(uow: UnitOfWork, case_id: uuid.UUID) -> int:
    return int(
        uow.session.scalar(
            select(func.coalesce(func.sum(TilbakekrevingSetoff.amount_ore), 0)).where(
                TilbakekrevingSetoff.tilbakekreving_id == case_id
            )
        )
        or 0
    )


def balance(uow: UnitOfWork, case: Tilbakekreving) -> dict[str, int]:
    """The claim, what set-offs have recovered, what was handed on and what is left."""
    claim = int(case.claim_ore or 0)
    paid = recovered_so_far(uow, case.id)
    handed_on = claim if case.state == State.HANDED_ON.value else 0
    return {
        "claim_ore": claim,
        "recovered_ore": paid,
        "handed_on_ore": handed_on,
        "outstanding_ore": max(0, claim - paid - handed_on),
    }


def view(uow: UnitOfWork, case: Tilbakekreving, *, staff: bool = False) -> dict[str, Any]:
    """The case as the pages and the API show it (amounts in øre, dates as ISO text)."""
    letters = {
        kind: str(letter_id)
        for kind, letter_id in uow.session.execute(
            select(Letter.kind, Letter.id).where(
                Letter.sak_id == case.sak_id,
                Letter.behandling_id == case.behandling_id,
                Letter.kind.in_(("tilbakekreving_varsel", "tilbakekreving_vedtak")),
            )
        )
    }
    # Each set-off with the payment it was taken from (its kind and period, for the pages).
    setoffs = [
        {
            "line_id": str(s.line_id),
            "amount_ore": s.amount_ore,
            "run_date": s.run_date.isoformat(),
            "kind": kind,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
        }
        for s, kind, start, end in uow.session.execute(
            select(
                TilbakekrevingSetoff,
                LineRow.kind,
                LineRow.period_start,
                LineRow.period_end,
            )
            .join(LineRow, LineRow.id == TilbakekrevingSetoff.line_id)
            .where(TilbakekrevingSetoff.tilbakekreving_id == case.id)
            .order_by(TilbakekrevingSetoff.run_date, LineRow.kind)
        )
    ]
    out: dict[str, Any] = {
        "id": str(case.id),
        "sak_id": str(case.sak_id),
        "vedtak_id": str(case.vedtak_id),
        "behandling_id": str(case.behandling_id),
        "benefit": case.benefit,
        "state": case.state,
        "version": case.version,
        "feilutbetalt_ore": case.feilutbetalt_ore,
        "periods": case.periods,
        "varsel_sent_at": case.varsel_sent_at.isoformat(),
        "comment_deadline": case.comment_deadline.isoformat(),
        "comment_deadline_basis": deadlines.advance_notice_deadline(
            case.varsel_sent_at.date()
        ).legal_basis,
        "comment": case.comment,
        "commented_at": case.commented_at.isoformat() if case.commented_at else None,
        "result": case.result,
        "decided_at": case.decided_at.isoformat() if case.decided_at else None,
        "recovery_method": case.recovery_method,
        "klage_deadline": case.klage_deadline.isoformat() if case.klage_deadline else None,
        "klage_terms": klage_terms(uow, case),
        "balance": balance(uow, case),
        "setoffs": setoffs,
        "letters": letters,
    }
    if staff:
        out |= {
            "answers": case.answers,
            "assessment_reason": case.assessment_reason,
            "assessed_by": case.assessed_by,
            "proposed_by": case.proposed_by,
            "approved_by": case.approved_by,
        }
    return out


def get(uow: UnitOfWork, case_id: uuid.UUID) -> dict[str, Any]:
    case, sak = _load(uow, case_id)
    access.check_case(uow, Access.READ_CASE, sak, object_type="tilbakekreving", object_id=case.id)
    return view(uow, case, staff=uow.actor.person_id is None)


def for_sak(uow: UnitOfWork, sak_id: uuid.UUID) -> list[dict[str, Any]]:
    sak = uow.session.get(Sak, sak_id)
    if sak is None:
        raise NotFound("sak not found")
    access.check_case(uow, Access.READ_CASE, sak, object_type="tilbakekreving", object_id=sak.id)
    cases = uow.session.scalars(
        select(Tilbakekreving)
        .where(Tilbakekreving.sak_id == sak.id)
        .order_by(Tilbakekreving.created_at.desc())
    )
    return [view(uow, c, staff=uow.actor.person_id is None) for c in cases]


def own(uow: UnitOfWork) -> list[dict[str, Any]]:
    """The caller's own tilbakekrevinger (a citizen), newest first."""
    person_id = uow.actor.person_id
    if person_id is None:
        raise Forbidden("only a person has tilbakekrevinger of their own")
    person = uow.session.get(Person, uuid.UUID(person_id))
    if person is None:
        return []
    access.check(
        uow,
        Access.READ_CASE,
        access.subject_for_person(uow, person),
        object_type="tilbakekreving",
        object_id=person.id,
    )
    cases = uow.session.scalars(
        select(Tilbakekreving)
        .where(Tilbakekreving.person_id == person.id)
        .order_by(Tilbakekreving.created_at.desc())
    )
    return [view(uow, c) for c in cases]


def ids_for_behandlinger(uow: UnitOfWork, behandling_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The tilbakekreving of each revurdering behandling (for the queue's links)."""
    if not behandling_ids:
        return {}
    return {
        b: str(t)
        for b, t in uow.session.execute(
            select(Tilbakekreving.behandling_id, Tilbakekreving.id).where(
                Tilbakekreving.behandling_id.in_(behandling_ids)
            )
        )
    }
