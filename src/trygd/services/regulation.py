"""G-regulering of every running grant: a new vedtak where the new G changes the amounts.

A batch of saker is one transaction: for each sak the run reads the vedtak in force, asks the
pure rules what the new G does (`trygd.rules.regulation.regulate`), and stores one
`regulations` row with the outcome. The row is unique per sak and date of the new G, so a run
stopped at any point (SIGKILL included) and started again goes on with the saker that have no
row yet and never regulates one twice; two runs at once lose nothing either (a batch that
meets the other's rows is refused by the database and done again without them).

Outcomes (`OUTCOMES`): `regulated` (a new automatic vedtak of kind regulering from the date of
the new G, already carried out: the next payment run pays the difference for periods paid at
the old G as etterbetaling); `unchanged` (the new G does not change the amounts, e.g.
sykepenger under the 6 G cap); `not_regulated` (the benefit does not follow G); `not_running`
(no granted vedtak covers the date); `already_regulated` (the vedtak in force already used the
new G); `open_behandling` (a caseworker's behandling is open: it will be assessed with the
new G, and the run leaves it); `manual` (with the new G the grant would no longer be granted:
a task, never an automatic refusal); `failed` (the stored record cannot be regulated: a task
with the reason).

No letter goes to each person: NAV announces G-regulering generally, and the person's page
shows the new vedtak and amount (GDPR art. 22: the vedtak is marked automatic).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select

from trygd.domain.claims import last_covered_day
from trygd.privacy.policy import Action
from trygd.rules.assessment import benefit_by_id, default_ruleset, jsonable
from trygd.rules.benefits import PROFILES
from trygd.rules.record import FORMAT as RECORD_FORMAT
from trygd.rules.record import DecisionRecord
from trygd.rules.regulation import G, NotRegulable, regulate
from trygd.services import access
from trygd.services.records import open_oppgave
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import (
    Behandling,
    DecisionRecordRow,
    Person,
    Regulation,
    Sak,
    Vedtak,
)

OUTCOMES = (
    "regulated",
    "unchanged",
    "not_regulated",
    "not_running",
    "already_regulated",
    "open_behandling",
    "manual",
    "failed",
)
KIND = "regulering"
BATCH = 500
LARGEST = 10
OPEN_STATES = ("received", "assessing", "waiting_for_information", "proposed", "approved")


@dataclass
class Report:
    """What a run did (or, dry, would do): counts per outcome, the change in yearly amounts
    of the regulated grants (øre), and the largest changes."""

    g_from: dt.date
    dry_run: bool
    counts: Counter[str] = field(default_factory=Counter)
    yearly_change_ore: int = 0
    largest: list[tuple[int, str, str]] = field(default_factory=list)
    """(change in øre, sak id, benefit), largest first."""

    def add(self, other: Report) -> None:
        self.counts.update(other.counts)
        self.yearly_change_ore += other.yearly_change_ore
        self.largest = sorted([*self.largest, *other.largest], reverse=True)[:LARGEST]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "g_from": self.g_from.isoformat(),
            "dry_run": self.dry_run,
            "counts": {name: self.counts.get(name, 0) for name in OUTCOMES},
            "total": self.total,
            "yearly_change_ore": self.yearly_change_ore,
            "largest": [{"change_ore": c, "sak_id": s, "benefit": b} for c, s, b in self.largest],
        }


def _ore(kroner: Any) -> int | None:
    if not isinstance(kroner, int | float):
        return None
    return int((Decimal(str(kroner)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def saker_to_regulate(
    uow: UnitOfWork, g_from: dt.date, after: uuid.UUID | None, limit: int
) -> list[uuid.UUID]:
    """The next saker with a vedtak and no regulation for `g_from` yet, by id."""
    access.check(uow, Action.RUN_JOB, object_type="regulation", object_id=g_from.isoformat())
    done = select(Regulation.sak_id).where(Regulation.g_from == g_from, Regulation.sak_id == Sak.id)
    query = (
        select(Sak.id)
        .where(select(Vedtak.id).where(Vedtak.sak_id == Sak.id).exists(), ~done.exists())
        .order_by(Sak.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(Sak.id > after)
    return list(uow.session.scalars(query))


def _in_force(uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Vedtak]:
    """The newest vedtak of each sak (by decision time): the one in force."""
    newest = (
        select(Vedtak.sak_id, func.max(Vedtak.decided_at).label("at"))
        .where(Vedtak.sak_id.in_(sak_ids))
        .group_by(Vedtak.sak_id)
        .subquery()
    )
    query = select(Vedtak).join(
        newest, (Vedtak.sak_id == newest.c.sak_id) & (Vedtak.decided_at == newest.c.at)
    )
    return {v.sak_id: v for v in uow.session.scalars(query)}


def _open(uow: UnitOfWork, sak_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    query = select(Behandling.sak_id).where(
        Behandling.sak_id.in_(sak_ids),
        Behandling.state.in_(OPEN_STATES),
        Behandling.kind != "klage",
    )
    return set(uow.session.scalars(query))


def _records(uow: UnitOfWork, ids: set[uuid.UUID]) -> dict[uuid.UUID, DecisionRecord]:
    rows = uow.session.scalars(select(DecisionRecordRow).where(DecisionRecordRow.id.in_(ids)))
    return {row.id: DecisionRecord.from_json(row.record) for row in rows}


def count_saker(uow: UnitOfWork) -> int:
    """How many saker have a vedtak (the run's whole, for its progress)."""
    access.check(uow, Action.RUN_JOB, object_type="regulation", object_id="count")
    query = select(func.count(func.distinct(Vedtak.sak_id)))
    return int(uow.session.scalar(query) or 0)


def next_batch(
    uow: UnitOfWork, g_from: dt.date, after: uuid.UUID | None, limit: int, *, dry_run: bool
) -> tuple[uuid.UUID | None, Report]:
    """Choose and regulate the next saker in this one transaction; returns the last sak id
    (None: nothing was left) and what the batch did."""
    sak_ids = saker_to_regulate(uow, g_from, after, limit)
    if not sak_ids:
        return None, Report(g_from, dry_run)
    return sak_ids[-1], regulate_batch(uow, g_from, sak_ids, dry_run=dry_run)


def regulate_batch(
    uow: UnitOfWork, g_from: dt.date, sak_ids: Sequence[uuid.UUID], *, dry_run: bool
) -> Report:
    """Regulate the saker (or, dry, only count what would happen)."""
    report = Report(g_from, dry_run)
    saker = {s.id: s for s in uow.session.scalars(select(Sak).where(Sak.id.in_(sak_ids)))}
    persons = {
        p.id: p
        for p in uow.session.scalars(
            select(Person).where(Person.id.in_({s.person_id for s in saker.values()}))
        )
    }
    in_force = _in_force(uow, sak_ids)
    busy = _open(uow, sak_ids)
    records = _records(uow, {v.record_id for v in in_force.values() if v.record_id})
    new_g = default_ruleset().parameters[G].value_at(g_from).value
    for sak_id in sak_ids:
        sak, vedtak = saker[sak_id], in_force.get(sak_id)
        access.check_case(uow, Action.RUN_JOB, sak, object_type="regulation", object_id=sak.id)
        outcome, reason, regulated = _decide(sak, vedtak, records, busy, g_from, new_g)
        old_annual = new_annual = None
        if vedtak is not None and vedtak.record_id in records:
            annual = benefit_by_id(sak.benefit).annual_amount
            old_annual = _ore(records[vedtak.record_id].names.get(annual))
            if regulated is not None:
                new_annual = _ore(regulated.names.get(annual))
        report.counts[outcome] += 1
        if outcome == "regulated" and old_annual is not None and new_annual is not None:
            change = new_annual - old_annual
            report.yearly_change_ore += change
            report.largest = sorted([*report.largest, (change, str(sak.id), sak.benefit)])[::-1][
                :LARGEST
            ]
        if dry_run:
            continue
        new_vedtak_id = None
        if outcome == "regulated" and regulated is not None and vedtak is not None:
            new_vedtak_id = _new_vedtak(uow, sak, vedtak, regulated, g_from)
        if outcome in ("manual", "failed") and vedtak is not None:
            behandling = uow.session.get(Behandling, vedtak.behandling_id)
            assert behandling is not None
            open_oppgave(
                uow, sak, behandling, persons[sak.person_id], KIND, f"regulering_{outcome}"
            )
        uow.session.add(
            Regulation(
                id=uuid.uuid4(),
                g_from=g_from,
                sak_id=sak.id,
                benefit=sak.benefit,
                outcome=outcome,
                reason=reason[:300] if reason else None,
                old_vedtak_id=vedtak.id if vedtak is not None else None,
                new_vedtak_id=new_vedtak_id,
                old_annual_ore=old_annual,
                new_annual_ore=new_annual,
                created_at=uow.now,
            )
        )
    if not dry_run:
        uow.flush()
    return report


def _decide(
    sak: Sak,
    vedtak: Vedtak | None,
    records: dict[uuid.UUID, DecisionRecord],
    busy: set[uuid.UUID],
    g_from: dt.date,
    new_g: float,
) -> tuple[str, str | None, DecisionRecord | None]:
    profile = PROFILES.get(sak.benefit)
    if profile is None or profile.regulation is None or not profile.regulation.regulated:
        return "not_regulated", None, None
    if vedtak is None or vedtak.outcome != "granted" or vedtak.record_id not in records:
        return "not_running", None, None
    record = records[vedtak.record_id]
    amounts = {name: jsonable(value) for name, value in record.amounts.items()}
    last = last_covered_day(sak.benefit, vedtak.effective_from, amounts)
    if last is not None and last < g_from:
        return "not_running", f"the grant ended on {last.isoformat()}", None
    ended = _last_period_day(sak.benefit, amounts, record)
    if ended is not None and ended < g_from:
        return "not_running", f"the last period paid ended on {ended.isoformat()}", None
    if sak.id in busy:
        return "open_behandling", None, None
    used = next((p for p in record.parameters if p.name == G), None)
    if used is not None and used.value == new_g:
        return "already_regulated", None, None
    try:
        result = regulate(record, g_from)
    except NotRegulable as error:
        return "failed", str(error), None
    if result.verdict == "outcome_changed":
        return "manual", "with the new G the grant would not be granted", result.record
    if result.verdict == "unchanged":
        return "unchanged", None, result.record
    if result.verdict == "not_regulated":
        return "not_regulated", None, None
    return "regulated", None, result.record


def _last_period_day(
    benefit: str, amounts: dict[str, Any], record: DecisionRecord
) -> dt.date | None:
    """For a benefit paid for the periods of a fact (sykepenger: the sick notes), the last day
    of the last period: a grant whose periods all ended before the new G has nothing left to
    regulate. None for the other benefits."""
    profile = PROFILES.get(benefit)
    declared = profile.payments if profile is not None else None
    if declared is None or not declared.periods_fact:
        return None
    periods = record.input_facts.get(declared.periods_fact) or []
    ends = [jsonable(p.get("to")) for p in periods if isinstance(p, dict)]
    days = [dt.date.fromisoformat(end) for end in ends if isinstance(end, str)]
    return max(days) if days else None


def _new_vedtak(
    uow: UnitOfWork, sak: Sak, old: Vedtak, record: DecisionRecord, g_from: dt.date
) -> uuid.UUID:
    """A decided and carried-out behandling of kind regulering with its automatic vedtak from
    the date of the new G (or the old vedtak's own date, if later)."""
    effective = max(g_from, old.effective_from)
    row = DecisionRecordRow(
        id=uuid.uuid4(),
        benefit=record.benefit,
        claim_date=record.at,
        ruleset_version=record.ruleset_version,
        format=RECORD_FORMAT,
        record=record.to_json(),
        created_at=uow.now,
    )
    behandling = Behandling(
        id=uuid.uuid4(),
        sak_id=sak.id,
        kind=KIND,
        state="implemented",
        claim_date=effective,
        facts=dict(old.facts),
        record_id=row.id,
        outcome="granted",
        ruleset_version=record.ruleset_version,
        revises_vedtak_id=old.id,
        created_at=uow.now,
        updated_at=uow.now,
    )
    vedtak = Vedtak(
        id=uuid.uuid4(),
        sak_id=sak.id,
        behandling_id=behandling.id,
        replaces_vedtak_id=old.id,
        outcome="granted",
        automatic=True,
        decided_at=uow.now,
        effective_from=effective,
        ruleset_version=record.ruleset_version,
        facts=dict(old.facts),
        record_id=row.id,
        implemented_at=uow.now,
    )
    # Added together and flushed once per batch: the unit of work inserts the records, then
    # the behandlinger, then the vedtak (by their foreign keys), many rows per statement.
    uow.session.add_all([row, behandling, vedtak])
    uow.event(
        sak.id,
        behandling.id,
        "vedtak_made",
        vedtak_id=str(vedtak.id),
        outcome="granted",
        automatic=True,
        replaces=str(old.id),
        regulering_g_from=g_from.isoformat(),
    )
    return vedtak.id
