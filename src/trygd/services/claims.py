"""One claim in process per sak, and no second grant for a period a running one covers.

Why a lock and not only a check: an automatic vedtak closes its behandling in the same
transaction that opened it, so two søknader sent at once each find no open behandling and no
vedtak, and both would be granted. Every use case that starts or changes a claim in an
existing sak therefore first locks the sak's row (`lock_sak`: `SELECT ... FOR NO KEY UPDATE`
on PostgreSQL; on SQLite every writing transaction already holds the database's write lock from
its `BEGIN IMMEDIATE`). A second request waits there until the first has committed, and then
reads what the first one stored (PostgreSQL's READ COMMITTED reads the newest committed rows
in every statement), so it is refused with a clear message instead of deciding again.

Two partial unique indexes (migration 0005) hold the rest even where no lock was taken: one
open behandling of the ordinary kinds per sak, and one open klage per vedtak. A brand-new sak
needs no lock: its unique (person, benefit) key makes a concurrent twin fail, and the facade
runs that twin again, which then finds the sak and waits at the lock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from trygd.domain.behandling import Kind
from trygd.domain.claims import covers, last_covered_day
from trygd.services.errors import Conflict
from trygd.services.records import open_behandling, stored_amounts
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import Behandling, Sak, Vedtak


def lock_sak(uow: UnitOfWork, sak: Sak) -> None:
    """Hold the sak's row until the commit: claim-changing use cases of one sak run one at a
    time, and each sees what the one before it stored.

    `FOR NO KEY UPDATE` rather than `FOR UPDATE`: it excludes the next claim the same way, but
    not the key-share locks that inserting rows pointing to the sak takes (events, tasks, a
    caseworker's work on the case), which need not wait for a claim."""
    uow.session.execute(select(Sak.id).where(Sak.id == sak.id).with_for_update(key_share=True))


@dataclass(frozen=True)
class RunningClaim:
    """A granted benefit in force: the vedtak in force, and the claim it belongs to."""

    vedtak_id: str
    start: dt.date  # the day the claim took effect (the first vedtak of the chain)
    last_day: dt.date | None  # the last day it can cover; None: no known end


def running_claims(uow: UnitOfWork, sak: Sak) -> list[RunningClaim]:
    """The sak's granted benefits in force: each chain of vedtak (a first vedtak and those
    that replaced one another) whose newest vedtak is a grant. A rejected or ended claim does
    not run. Usually one; an earlier claim whose period is over stays in the list."""
    rows = uow.session.execute(
        select(
            Vedtak.id,
            Vedtak.replaces_vedtak_id,
            Vedtak.outcome,
            Vedtak.effective_from,
            Vedtak.record_id,
        ).where(Vedtak.sak_id == sak.id)
    ).all()
    replaced = {row.replaces_vedtak_id for row in rows}
    by_id = {row.id: row for row in rows}
    running = []
    for current in rows:
        if current.id in replaced or current.outcome != "granted":
            continue
        root = current
        while root.replaces_vedtak_id is not None and root.replaces_vedtak_id in by_id:
            root = by_id[root.replaces_vedtak_id]
        amounts = stored_amounts(uow, current.record_id)
        last_day = last_covered_day(sak.benefit, root.effective_from, amounts)
        running.append(RunningClaim(str(current.id), root.effective_from, last_day))
    return running


def refuse_second_claim(uow: UnitOfWork, sak: Sak, claim_date: dt.date) -> None:
    """Refuse a new søknad (409) while the sak has a claim in process, or when a running grant
    already covers `claim_date`. Call with the sak locked."""
    open_now = open_behandling(uow, sak)
    if open_now is not None:
        raise in_process(sak, open_now)
    covering = [r for r in running_claims(uow, sak) if covers(r.last_day, claim_date)]
    if covering:
        # The one that reaches furthest: the day after it is when a new claim can start.
        running = max(covering, key=lambda r: (r.last_day is None, r.last_day or dt.date.min))
        facts = {
            "sak_id": str(sak.id),
            "vedtak_id": running.vedtak_id,
            "running_from": running.start.isoformat(),
        }
        if running.last_day is None:
            until = "with no end date"
            later = "report a change instead"
        else:
            facts["covered_until"] = running.last_day.isoformat()
            until = f"until {running.last_day.isoformat()}"
            later = (
                "report a change instead; a new application can claim "
                f"{sak.benefit} from {(running.last_day + dt.timedelta(days=1)).isoformat()}"
            )
        raise Conflict(
            f"{sak.benefit} is already granted in this case from {running.start.isoformat()} "
            f"{until} (vedtak {running.vedtak_id}), which covers the claim date "
            f"{claim_date.isoformat()}; {later}",
            code="claim_covered",
            facts=facts,
        )


def in_process(sak: Sak, behandling: Behandling) -> Conflict:
    """The refusal of a second claim while `behandling` is open in the sak."""
    what = (
        "an application"
        if behandling.kind == Kind.FIRST.value
        else f"a {behandling.kind} of the vedtak"
    )
    return Conflict(
        f"{what} for {sak.benefit} is already being processed in this case (behandling "
        f"{behandling.id}, received {behandling.created_at.date().isoformat()}); you will get "
        "a decision on it, and changes can be reported once it is decided",
        code="claim_in_process",
        facts={
            "sak_id": str(sak.id),
            "behandling_id": str(behandling.id),
            "behandling_kind": behandling.kind,
            "received": behandling.created_at.date().isoformat(),
        },
    )
