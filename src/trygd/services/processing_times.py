"""How long applications usually take, measured from the decisions already made.

The receipt after an application that a caseworker must assess tells the person when to
expect the decision. A constant ("within 4 weeks") would be a promise nobody checks; this
reads the answer off the last twelve months of first decisions made by caseworkers for the
same benefit: the time within which four out of five of them were decided, in whole weeks.
With fewer than `MIN_DECISIONS` such decisions there is no honest figure, and none is given.

The same is done for service complaints (serviceklager): the time within which four out of
five were answered.

The figure is about many cases and names nobody, so it is not personal data and is read
without an access check. It is still a use of the persons' data for statistics, which a
person can restrict (GDPR art. 18) or object to (art. 21): their cases and complaints are
left out (`restriction.kept_out_of_statistics`). It changes slowly, so each process keeps
it for an hour.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from trygd.services.restriction import kept_out_of_statistics
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import Behandling, Sak, Serviceklage, Vedtak

PERIOD = dt.timedelta(days=365)
MIN_DECISIONS = 20
SHARE = 0.8  # "four out of five are decided within"
MOST_ROWS = 5000  # the newest decisions are enough for a percentile


@dataclass(frozen=True)
class ProcessingTime:
    weeks: int  # four out of five applications were decided within this many weeks
    decisions: int  # how many decisions (or answers) the figure rests on
    since: dt.date  # the first day of the period measured


def usual_processing_time(uow: UnitOfWork, benefit: str) -> ProcessingTime | None:
    """The time within which `SHARE` of the caseworkers' first decisions on `benefit` in the
    last `PERIOD` were made, counted from the day the application came in; None when fewer
    than `MIN_DECISIONS` were made."""
    since = uow.now - PERIOD
    rows = uow.session.execute(
        select(Behandling.created_at, Vedtak.decided_at)
        .join(Vedtak, Vedtak.behandling_id == Behandling.id)
        .join(Sak, Sak.id == Behandling.sak_id)
        .where(
            Sak.benefit == benefit,
            Behandling.kind == "forstegangsbehandling",
            Vedtak.automatic.is_(False),
            Vedtak.decided_at >= since,
            kept_out_of_statistics(Sak.person_id),
        )
        .order_by(Vedtak.decided_at.desc())
        .limit(MOST_ROWS)
    ).all()
    return _usual(rows, since)


def usual_serviceklage_answer_time(uow: UnitOfWork) -> ProcessingTime | None:
    """The time within which `SHARE` of the serviceklager answered in the last `PERIOD` were
    answered, counted from the day they came in; None when fewer than `MIN_DECISIONS`."""
    since = uow.now - PERIOD
    rows = uow.session.execute(
        select(Serviceklage.received_at, Serviceklage.answered_at)
        .where(
            Serviceklage.answered_at.is_not(None),
            Serviceklage.answered_at >= since,
            kept_out_of_statistics(Serviceklage.person_id),
        )
        .order_by(Serviceklage.answered_at.desc())
        .limit(MOST_ROWS)
    ).all()
    return _usual(rows, since)


def _usual(rows: Sequence[Any], since: dt.datetime) -> ProcessingTime | None:
    if len(rows) < MIN_DECISIONS:
        return None
    days = sorted(_days(received, done) for received, done in rows)
    within = days[math.ceil(SHARE * len(days)) - 1]  # the nearest-rank percentile
    return ProcessingTime(
        weeks=max(1, math.ceil(within / 7)), decisions=len(rows), since=since.date()
    )


def _days(received: dt.datetime, decided: dt.datetime) -> float:
    # SQLite gives back naive timestamps (stored in UTC); PostgreSQL aware ones.
    if received.tzinfo is None:
        received = received.replace(tzinfo=dt.UTC)
    if decided.tzinfo is None:
        decided = decided.replace(tzinfo=dt.UTC)
    return max(0.0, (decided - received).total_seconds() / 86400)
