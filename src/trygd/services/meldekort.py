"""Meldekort use cases: the person's cards, drafts, sending, corrections and the results the
payments read; the reminder and deadline jobs of each meldeperiode.

Every read and change passes `trygd.services.access` (check + audit). A sent card is never
changed: a correction is a new version with its reason, and its result supersedes the
earlier one. What may exist only once is kept by the database: one card per sak, period and
version (`uq_meldekort_version`: of two parallel sends of the same period only one gets
version 1), one approved result per sak and period, one draft per sak and period, one plan
of jobs per sak and period.

The period's money comes from the benefit's rule (`trygd.rules.benefits.MELDEKORT`) with the
vedtak's stored amounts (its decision record), never recomputed from the application.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Subquery, bindparam, delete, func, select

from trygd.domain import meldekort as domain
from trygd.privacy.policy import Action as Access
from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits import MELDEKORT
from trygd.rules.meldekort import CALCULATED, PeriodInput, vedtak_incomplete
from trygd.services import access
from trygd.services.errors import Conflict, InvalidInput, NotFound
from trygd.services.intake import caller_person, caller_saker
from trygd.services.records import get_or_404, open_oppgave
from trygd.services.unit_of_work import UnitOfWork
from trygd.store import bulk
from trygd.store.models import (
    Behandling,
    DecisionRecordRow,
    Job,
    MeldekortCard,
    MeldekortDraft,
    MeldekortPlan,
    MeldekortResult,
    Person,
    Sak,
    Vedtak,
)

OSLO = ZoneInfo("Europe/Oslo")
GRANTED = "granted"
APPROVED = "approved"
SUPERSEDED = "superseded"
UNDETERMINED = "undetermined"
REMINDER_HOUR = 9
"""Reminders go out at nine in the morning, Norwegian time (a service choice, not law)."""


@dataclass(frozen=True)
class ApprovedPeriod:
    """One approved meldekort result, as the payments read it."""

    meldekort_id: uuid.UUID
    period_start: dt.date
    period_end: dt.date
    version: int
    gross_ore: int


def today(uow: UnitOfWork) -> dt.date:
    """The date in Norway now: a card opens and falls due on Norwegian days."""
    return uow.now.astimezone(OSLO).date()


def _at(day: dt.date, hour: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO).astimezone(dt.UTC)


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


# --- the vedtak behind the cards ------------------------------------------------------------


def running_vedtak(uow: UnitOfWork, sak: Sak, period: domain.Meldeperiode) -> Vedtak | None:
    """The vedtak in force for `period`: the latest decided vedtak in effect by its last day,
    if it grants the benefit (a later vedtak replaces the plan from its effective date)."""
    vedtak = uow.session.scalars(
        select(Vedtak)
        .where(Vedtak.sak_id == sak.id, Vedtak.effective_from <= period.end)
        .order_by(Vedtak.decided_at.desc())
        .limit(1)
    ).first()
    if vedtak is None or vedtak.outcome != GRANTED:
        return None
    return vedtak


def first_granted(uow: UnitOfWork, sak: Sak) -> Vedtak | None:
    """The earliest granted vedtak of a sak with meldeplikt: the first period it covers."""
    if sak.benefit not in MELDEKORT:
        return None
    return uow.session.scalars(
        select(Vedtak)
        .where(Vedtak.sak_id == sak.id, Vedtak.outcome == GRANTED)
        .order_by(Vedtak.effective_from)
        .limit(1)
    ).first()


def _period(period_start: str | dt.date) -> domain.Meldeperiode:
    try:
        start = (
            period_start
            if isinstance(period_start, dt.date)
            else dt.date.fromisoformat(period_start)
        )
        return domain.Meldeperiode.starting(start)
    except ValueError:
        raise InvalidInput(
            [("period_start", "must be the first day (a Monday) of a meldeperiode")]
        ) from None


def _sak(uow: UnitOfWork, sak_id: str | uuid.UUID) -> Sak:
    try:
        key = sak_id if isinstance(sak_id, uuid.UUID) else uuid.UUID(sak_id)
    except ValueError:
        raise NotFound("sak not found") from None
    sak: Sak = get_or_404(uow, Sak, key, "sak")
    return sak


def _own_sak(uow: UnitOfWork, sak_id: str | uuid.UUID, action: Access) -> tuple[Sak, Person]:
    sak = _sak(uow, sak_id)
    person = access.check_case(uow, action, sak, object_type="meldekort", object_id=sak.id)
    if sak.benefit not in MELDEKORT:
        raise NotFound("this case has no meldekort")
    return sak, person


def _versions(uow: UnitOfWork, sak: Sak, period: domain.Meldeperiode) -> list[MeldekortCard]:
    return list(
        uow.session.scalars(
            select(MeldekortCard)
            .where(MeldekortCard.sak_id == sak.id, MeldekortCard.period_start == period.start)
            .order_by(MeldekortCard.version)
        )
    )


def _draft(uow: UnitOfWork, sak: Sak, period: domain.Meldeperiode) -> MeldekortDraft | None:
    draft = uow.session.scalars(
        select(MeldekortDraft).where(
            MeldekortDraft.sak_id == sak.id, MeldekortDraft.period_start == period.start
        )
    ).first()
    if draft is not None and _aware(draft.expires_at) <= uow.now:
        uow.session.delete(draft)
        return None
    return draft


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


# --- reading --------------------------------------------------------------------------------


def _summary(uow: UnitOfWork, sak: Sak, period: domain.Meldeperiode, on: dt.date) -> dict[str, Any]:
    versions = _versions(uow, sak, period)
    latest = versions[-1] if versions else None
    return _summary_of(sak, period, on, latest, _result_of(uow, latest) if latest else None)


def _summary_of(
    sak: Sak,
    period: domain.Meldeperiode,
    on: dt.date,
    latest: MeldekortCard | None,
    result: MeldekortResult | None,
) -> dict[str, Any]:
    """A period's card as listed: its dates, its state, and the latest version sent."""
    plan = domain.schedule(period)
    if latest is not None:
        state = "sent"
    elif plan.is_overdue(on):
        state = "overdue"
    elif plan.is_open(on):
        state = "open"
    else:
        state = "not_open_yet"
    return {
        "sak_id": str(sak.id),
        "benefit": sak.benefit,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "opens_on": plan.opens_on.isoformat(),
        "due_on": plan.due_on.isoformat(),
        "state": state,
        "version": latest.version if latest else None,
        "late": latest.late if latest else None,
        "sent_at": _iso(latest.sent_at) if latest else None,
        "gross_ore": result.gross_ore if result else None,
        "result_status": result.status if result else None,
    }


def _card_view(
    sak: Sak,
    period: domain.Meldeperiode,
    on: dt.date,
    versions: Sequence[tuple[MeldekortCard, MeldekortResult | None]],
    draft: MeldekortDraft | None,
) -> dict[str, Any]:
    """One period's card as `get_one` answers: made from rows the caller has read."""
    latest, result = versions[-1] if versions else (None, None)
    return {
        **_summary_of(sak, period, on, latest, result),
        "days": [d.isoformat() for d in period.days],
        "versions": [
            {
                "id": str(card.id),
                "version": card.version,
                "answers": card.answers,
                "correction_reason": card.correction_reason,
                "late": card.late,
                "sent_at": _iso(card.sent_at),
                "result": None
                if outcome is None
                else {
                    "status": outcome.status,
                    "gross_ore": outcome.gross_ore,
                    "calculation": outcome.calculation,
                },
            }
            for card, outcome in versions
        ],
        "draft": None
        if draft is None
        else {"answers": draft.answers, "expires_at": _iso(draft.expires_at)},
    }


def _result_of(uow: UnitOfWork, card: MeldekortCard) -> MeldekortResult | None:
    return uow.session.scalars(
        select(MeldekortResult).where(MeldekortResult.meldekort_id == card.id)
    ).first()


def list_own(uow: UnitOfWork) -> dict[str, Any]:
    """The caller's meldekort: every period of each running vedtak up to the current one,
    newest first, with its state (open, sent, overdue, not open yet)."""
    person = caller_person(uow, Access.SEND_MELDEKORT)
    access.check(
        uow,
        Access.SEND_MELDEKORT,
        access.subject_for_person(uow, person),
        object_type="meldekort",
    )
    on = today(uow)
    items: list[dict[str, Any]] = []
    for sak in caller_saker(uow, person):
        first = first_granted(uow, sak)
        if first is None:
            continue
        for period in domain.periods_of_vedtak(first.effective_from, on):
            if running_vedtak(uow, sak, period) is None:
                continue
            items.append(_summary(uow, sak, period, on))
    items.sort(key=lambda item: (item["period_start"], item["benefit"]), reverse=True)
    return {"items": items, "today": on.isoformat()}


def get_one(uow: UnitOfWork, sak_id: str, period_start: str) -> dict[str, Any]:
    """One period's card: its dates, every sent version with its result, and the draft."""
    sak, _person = _own_sak(uow, sak_id, Access.READ_CASE)
    period = _period(period_start)
    vedtak = running_vedtak(uow, sak, period)
    if vedtak is None:
        raise NotFound("no meldekort for this period: no vedtak grants the benefit then")
    versions = [
        (card, result)
        for card, result in uow.session.execute(
            select(MeldekortCard, MeldekortResult)
            .outerjoin(MeldekortResult, MeldekortResult.meldekort_id == MeldekortCard.id)
            .where(MeldekortCard.sak_id == sak.id, MeldekortCard.period_start == period.start)
            .order_by(MeldekortCard.version)
        )
    ]
    return _card_view(sak, period, today(uow), versions, _draft(uow, sak, period))


# --- changing -------------------------------------------------------------------------------


def _problems(error: domain.CardProblems) -> InvalidInput:
    return InvalidInput(error.problems)


def save_draft(uow: UnitOfWork, sak_id: str, period_start: str, body: Any) -> dict[str, Any]:
    """Keep the answers so far (checked as far as they go) until the draft keep time ends."""
    sak, person = _own_sak(uow, sak_id, Access.SEND_MELDEKORT)
    period = _period(period_start)
    if running_vedtak(uow, sak, period) is None:
        raise NotFound("no meldekort for this period: no vedtak grants the benefit then")
    if _versions(uow, sak, period):
        raise Conflict(
            "the meldekort for this period was sent already; send a correction instead",
            code="meldekort_already_sent",
        )
    try:
        card = domain.parse_card(body, period, complete=False)
    except domain.CardProblems as error:
        raise _problems(error) from None
    answers = card.as_json()
    if isinstance(body, dict) and body.get("still_job_seeker") is None:
        answers["still_job_seeker"] = None
    keep = domain.parameters_on(period.start).draft_keep_days
    expires = uow.now + dt.timedelta(days=int(keep))
    draft = _draft(uow, sak, period)
    if draft is None:
        draft = MeldekortDraft(
            id=uuid.uuid4(),
            sak_id=sak.id,
            person_id=person.id,
            period_start=period.start,
            answers=answers,
            updated_at=uow.now,
            expires_at=expires,
        )
        uow.session.add(draft)
    else:
        draft.answers = answers
        draft.updated_at = uow.now
        draft.expires_at = expires
    return {"answers": answers, "expires_at": _iso(expires)}


def send(uow: UnitOfWork, sak_id: str, period_start: str, body: Any) -> dict[str, Any]:
    """Send the card of a period that is open: version 1, its result, and no more draft."""
    sak, person = _own_sak(uow, sak_id, Access.SEND_MELDEKORT)
    period = _period(period_start)
    reads = _for_sending(uow, sak, period)
    vedtak = reads.vedtak
    if vedtak is None:
        raise NotFound("no meldekort for this period: no vedtak grants the benefit then")
    plan = domain.schedule(period)
    on = today(uow)
    if not plan.is_open(on):
        raise Conflict(
            f"the meldekort for this period can be sent from {plan.opens_on.isoformat()}",
            code="meldekort_not_open",
            facts={"opens_on": plan.opens_on.isoformat()},
        )
    if reads.sent:
        raise Conflict(
            "the meldekort for this period was sent already; send a correction instead",
            code="meldekort_already_sent",
        )
    try:
        card = domain.parse_card(body, period)
    except domain.CardProblems as error:
        raise _problems(error) from None
    row = _store(uow, sak, person, card, version=1, late=plan.is_late(on))
    if reads.draft:  # sent: the draft is no longer needed
        uow.session.execute(
            delete(MeldekortDraft).where(
                MeldekortDraft.sak_id == sak.id, MeldekortDraft.period_start == period.start
            )
        )
    result = _calculate(uow, sak, person, vedtak, card, row, reads.amounts, reads.egenandel_left)
    # The answer is the card as `get_one` shows it, read by the person as part of sending:
    # checked and audited as that read, and made from the rows this use case just stored.
    access.check_case(uow, Access.READ_CASE, sak, object_type="meldekort", object_id=sak.id)
    return _card_view(sak, period, on, [(row, result)], None)


def correct(uow: UnitOfWork, sak_id: str, period_start: str, body: Any) -> dict[str, Any]:
    """A correction of a sent card: a new version with its reason; its result replaces the
    earlier result of the period. The original's lateness stays with the period."""
    sak, person = _own_sak(uow, sak_id, Access.SEND_MELDEKORT)
    period = _period(period_start)
    vedtak = running_vedtak(uow, sak, period)
    if vedtak is None:
        raise NotFound("no meldekort for this period: no vedtak grants the benefit then")
    versions = _versions(uow, sak, period)
    if not versions:
        raise Conflict(
            "no meldekort was sent for this period; send it before correcting it",
            code="meldekort_not_sent",
        )
    try:
        card = domain.parse_card(body, period, correction=True)
    except domain.CardProblems as error:
        raise _problems(error) from None
    row = _store(uow, sak, person, card, version=versions[-1].version + 1, late=versions[0].late)
    for earlier in uow.session.scalars(
        select(MeldekortResult).where(
            MeldekortResult.sak_id == sak.id,
            MeldekortResult.period_start == period.start,
            MeldekortResult.status != SUPERSEDED,
        )
    ):
        earlier.status = SUPERSEDED
    uow.flush()  # the superseded row leaves the "one approved" index before the new one
    _calculate(
        uow,
        sak,
        person,
        vedtak,
        card,
        row,
        _amounts(uow, vedtak),
        _egenandel_left(uow, sak, period),
    )
    return get_one(uow, str(sak.id), period.start.isoformat())


def _store(
    uow: UnitOfWork, sak: Sak, person: Person, card: domain.Card, *, version: int, late: bool
) -> MeldekortCard:
    row = MeldekortCard(
        id=uuid.uuid4(),
        sak_id=sak.id,
        person_id=person.id,
        period_start=card.period.start,
        period_end=card.period.end,
        version=version,
        answers=card.as_json(),
        correction_reason=card.correction_reason,
        late=late,
        sent_at=uow.now,
        sent_by=uow.actor.id,
    )
    uow.add_new(row)
    uow.flush()  # a second card of the same version fails here, on the unique constraint
    return row


def _egenandel_query() -> Any:
    """What is left of the egenandel after the approved periods before a period (parameters
    `sak_id`, `start`): the latest such period's `egenandel_left_ore` (no row: none approved
    yet, so the vedtak's whole egenandel)."""
    return (
        select(MeldekortResult.calculation["egenandel_left_ore"].as_integer())
        .where(
            MeldekortResult.sak_id == bindparam("sak_id"),
            MeldekortResult.status == APPROVED,
            MeldekortResult.period_start < bindparam("start"),
        )
        .order_by(MeldekortResult.period_start.desc())
        .limit(1)
    )


_EGENANDEL_LEFT = _egenandel_query()


def _egenandel_left(uow: UnitOfWork, sak: Sak, period: domain.Meldeperiode) -> int | None:
    left = uow.session.scalar(_EGENANDEL_LEFT, {"sak_id": sak.id, "start": period.start})
    return int(left) if left is not None else None


def _amounts(uow: UnitOfWork, vedtak: Vedtak) -> Any:
    """The vedtak's stored amounts (only that part of its large decision record)."""
    return uow.session.scalar(
        select(DecisionRecordRow.record["amounts"]).where(DecisionRecordRow.id == vedtak.record_id)
    )


# What sending a card reads, in one statement (built once: sending is the busiest use case of
# the meldekort, and building the statement cost more than running it). Parameters: `sak_id`,
# `start` and `end` of the period.
_FOR_SENDING = (
    select(
        Vedtak,
        DecisionRecordRow.record["amounts"],
        select(MeldekortCard.id)
        .where(
            MeldekortCard.sak_id == bindparam("sak_id"),
            MeldekortCard.period_start == bindparam("start"),
        )
        .exists(),
        _egenandel_query().scalar_subquery(),
        select(MeldekortDraft.id)
        .where(
            MeldekortDraft.sak_id == bindparam("sak_id"),
            MeldekortDraft.period_start == bindparam("start"),
        )
        .exists(),
    )
    .join(DecisionRecordRow, DecisionRecordRow.id == Vedtak.record_id)
    .where(Vedtak.sak_id == bindparam("sak_id"), Vedtak.effective_from <= bindparam("end"))
    .order_by(Vedtak.decided_at.desc())
    .limit(1)
)


@dataclass(frozen=True)
class _Sending:
    """What sending a period's card reads: the vedtak in force for the period (as
    `running_vedtak`: None unless it grants the benefit), its stored amounts, whether a card
    of the period was sent already, the egenandel left before the period, and whether a
    draft of the card is kept."""

    vedtak: Vedtak | None
    amounts: Any = None
    sent: bool = False
    egenandel_left: int | None = None
    draft: bool = False


def _for_sending(uow: UnitOfWork, sak: Sak, period: domain.Meldeperiode) -> _Sending:
    found = uow.session.execute(
        _FOR_SENDING, {"sak_id": sak.id, "start": period.start, "end": period.end}
    ).first()
    if found is None or found[0].outcome != GRANTED:
        return _Sending(None)
    vedtak, amounts, sent, left, draft = found
    return _Sending(
        vedtak, amounts, bool(sent), int(left) if left is not None else None, bool(draft)
    )


def _calculate(
    uow: UnitOfWork,
    sak: Sak,
    person: Person,
    vedtak: Vedtak,
    card: domain.Card,
    row: MeldekortCard,
    amounts: Any,
    egenandel_left: int | None,
) -> MeldekortResult:
    """Calculate the card by the benefit's rule from the vedtak's stored `amounts` and the
    egenandel left before the period, and store its result (the row is returned)."""
    given = PeriodInput(
        period_start=card.period.start,
        period_end=card.period.end,
        days=card.days,
        still_job_seeker=card.still_job_seeker,
        effective_from=vedtak.effective_from,
        amounts=amounts or {},
        facts=vedtak.facts,
        late=row.late,
        egenandel_left_ore=egenandel_left,
    )
    parameter_set = default_ruleset().parameters
    try:
        result = MELDEKORT[sak.benefit](given, parameter_set)
    except ValueError as error:
        # The vedtak lacks a stored amount or fact the rule needs: the card is kept, nothing
        # is paid on a guess, and a caseworker completes the vedtak (the task below).
        result = vedtak_incomplete(sak.benefit, given, parameter_set, str(error)[:200])
    status = APPROVED if result.status == CALCULATED else UNDETERMINED
    stored = MeldekortResult(
        id=uuid.uuid4(),
        sak_id=sak.id,
        meldekort_id=row.id,
        period_start=card.period.start,
        period_end=card.period.end,
        version=row.version,
        gross_ore=result.gross_ore,
        calculation=result.to_json(),
        status=status,
        created_at=uow.now,
    )
    uow.add_new(stored)
    uow.event(
        sak.id,
        vedtak.behandling_id,
        "meldekort_sent" if row.version == 1 else "meldekort_corrected",
        period_start=card.period.start.isoformat(),
        version=row.version,
        gross_ore=result.gross_ore,
        status=status,
    )
    if status == UNDETERMINED:
        reason = "meldekort_" + "_".join(result.undetermined)
        open_oppgave(uow, sak, _behandling(uow, vedtak), person, "assess", reason[:64])
    return stored


def _behandling(uow: UnitOfWork, vedtak: Vedtak) -> Behandling:
    behandling = uow.session.get(Behandling, vedtak.behandling_id)
    assert behandling is not None  # a foreign key guarantees it
    return behandling


# --- for the payments ------------------------------------------------------------------------


def approved_periods(uow: UnitOfWork, sak_id: uuid.UUID) -> list[ApprovedPeriod]:
    """The approved results of a sak's meldekort, one per period (the latest version), in
    period order: what the payments pay. Checked and audited as a read of the case."""
    sak = _sak(uow, sak_id)
    access.check_case(uow, Access.READ_CASE, sak, object_type="meldekort", object_id=sak.id)
    return approved_periods_checked(uow, sak.id)


def approved_periods_checked(uow: UnitOfWork, sak_id: uuid.UUID) -> list[ApprovedPeriod]:
    """`approved_periods` for a use case that has already checked and audited its access to
    the sak (the payment plan, the simulation at propose and approve): one audit record per
    use case, not one per internal read."""
    return approved_periods_of(uow, [sak_id]).get(sak_id, [])


def approved_periods_of(
    uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ApprovedPeriod]]:
    """`approved_periods_checked` of many saker in one query (the payment run plans saker in
    batches), for a use case that has checked and audited its access to each sak. Only the
    columns the payments read: not the calculation, the largest part of a result."""
    out: dict[uuid.UUID, list[ApprovedPeriod]] = {}
    if not sak_ids:
        return out
    rows = uow.session.execute(
        select(
            MeldekortResult.sak_id,
            MeldekortResult.meldekort_id,
            MeldekortResult.period_start,
            MeldekortResult.period_end,
            MeldekortResult.version,
            MeldekortResult.gross_ore,
        )
        .where(
            bulk.among(uow.session.get_bind().dialect.name, MeldekortResult.sak_id, sak_ids),
            MeldekortResult.status == APPROVED,
        )
        .order_by(MeldekortResult.sak_id, MeldekortResult.period_start)
    )
    for sak_id, card_id, start, end, version, gross in rows:
        out.setdefault(sak_id, []).append(ApprovedPeriod(card_id, start, end, version, gross))
    return out


def results_per_sak() -> Subquery:
    """How many meldekort results each sak has, of any status (a subquery: `sak_id`, `n`).
    A result is added for every card sent and every correction, so the count changes when
    what the payments read may have changed; the payment run compares it with the count its
    last plan of the sak was made from. No personal data: ids and counts."""
    return (
        select(MeldekortResult.sak_id, func.count().label("n"))
        .group_by(MeldekortResult.sak_id)
        .subquery()
    )


def result_counts(uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """`results_per_sak` for some saker."""
    if not sak_ids:
        return {}
    rows = uow.session.execute(
        select(MeldekortResult.sak_id, func.count())
        .where(bulk.among(uow.session.get_bind().dialect.name, MeldekortResult.sak_id, sak_ids))
        .group_by(MeldekortResult.sak_id)
    )
    return {sak_id: int(n) for sak_id, n in rows}


# --- jobs: reminder before the due day, missing card after it --------------------------------


def plan_periods(uow: UnitOfWork, sak: Sak, until: dt.date) -> int:
    """Make the reminder and deadline jobs of every period of the sak's running vedtak up to
    the one holding `until`, once per period (`uq_meldekort_plan`); returns how many periods
    were planned now. Each deadline job plans the next period, so the chain runs on."""
    first = first_granted(uow, sak)
    if first is None:
        return 0
    planned = set(
        uow.session.scalars(
            select(MeldekortPlan.period_start).where(MeldekortPlan.sak_id == sak.id)
        )
    )
    count = 0
    for period in domain.periods_of_vedtak(first.effective_from, until):
        if period.start in planned or running_vedtak(uow, sak, period) is None:
            continue
        plan = domain.schedule(period)
        payload = {"sak_id": str(sak.id), "period_start": period.start.isoformat()}
        uow.session.add(
            MeldekortPlan(
                id=uuid.uuid4(), sak_id=sak.id, period_start=period.start, created_at=uow.now
            )
        )
        for kind, run_at in (
            ("meldekort_reminder", _at(plan.reminder_on, REMINDER_HOUR)),
            ("meldekort_deadline", _at(plan.due_on + dt.timedelta(days=1))),
        ):
            uow.session.add(
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
        count += 1
    return count


def plan_for_sak(uow: UnitOfWork, sak_id: uuid.UUID, until: dt.date) -> int:
    """`plan_periods` for a sak by id, as the system (checked and audited as a job)."""
    sak = _sak(uow, sak_id)
    access.check_case(uow, Access.RUN_JOB, sak, object_type="meldekort", object_id=sak.id)
    return plan_periods(uow, sak, until)


def _job_card(uow: UnitOfWork, payload: dict[str, Any]) -> tuple[Sak, domain.Meldeperiode, bool]:
    sak = _sak(uow, payload["sak_id"])
    access.check_case(uow, Access.RUN_JOB, sak, object_type="meldekort", object_id=sak.id)
    period = _period(payload["period_start"])
    return sak, period, bool(_versions(uow, sak, period))


def reminder_job(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Remind the person of a card not yet sent, before it is due."""
    sak, period, sent = _job_card(uow, payload)
    vedtak = running_vedtak(uow, sak, period)
    if sent or vedtak is None:
        return
    uow.event(
        sak.id,
        vedtak.behandling_id,
        "meldekort_reminder_sent",
        period_start=period.start.isoformat(),
        due_on=domain.schedule(period).due_on.isoformat(),
    )


def deadline_job(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """After the due day: plan the next period; a card still missing stops the payment for
    the period (nothing approved, nothing paid, ftrl. §§ 4-8, 11-10) and goes to a
    caseworker as an oppgave."""
    sak, period, sent = _job_card(uow, payload)
    plan_periods(uow, sak, period.next().start)
    vedtak = running_vedtak(uow, sak, period)
    if sent or vedtak is None:
        return
    person = uow.session.get(Person, sak.person_id)
    assert person is not None
    uow.event(
        sak.id,
        vedtak.behandling_id,
        "meldekort_missing",
        period_start=period.start.isoformat(),
        due_on=domain.schedule(period).due_on.isoformat(),
        legal_basis=default_ruleset().parameters.legal_basis("meldekort_missing").text,
    )
    open_oppgave(uow, sak, _behandling(uow, vedtak), person, "assess", "meldekort_missing")


def purge_expired_drafts(uow: UnitOfWork) -> int:
    """Delete the drafts whose keep time has ended (`meldekort.draft_keep_days`)."""
    access.check(uow, Access.RUN_JOB, object_type="meldekort_draft")
    result = uow.session.execute(delete(MeldekortDraft).where(MeldekortDraft.expires_at <= uow.now))
    return int(getattr(result, "rowcount", 0) or 0)
