"""Replaying stored decisions: does the installed rule code still decide each vedtak as stored?

`trygd vedtak verify` runs here. Each vedtak's decision record is replayed with its own
stored facts, date and parameter values (`trygd.rules.record.replay`); a difference means
that the code now decides that case otherwise (a changed rule, or a record that was altered
after it was written). A record made by a rule logic version that is not installed, or one
converted from the old format that lacks a parameter table, cannot be replayed here and is
reported as skipped, never as a difference. Each vedtak is read through the access check
(as the system worker) and audited like any other read of a case.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select

from trygd.privacy.policy import Action as Access
from trygd.rules.record import NotInstalled, NotReplayable, replay, texts_changed
from trygd.services import access
from trygd.services.errors import NotFound
from trygd.services.records import stored_record
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import Sak, Vedtak

BATCH = 200
"""Vedtak per unit of work in a check of all of them."""


@dataclass(frozen=True)
class VedtakCheck:
    vedtak_id: str
    benefit: str
    effective_from: str
    result: Literal["same", "different", "skipped"]
    details: tuple[str, ...]
    """The differences, or why the vedtak was skipped."""
    texts_changed: bool
    """The rule texts changed since the record was made (wording only: not a difference)."""


def all_vedtak_ids(uow: UnitOfWork) -> list[uuid.UUID]:
    return list(uow.session.scalars(select(Vedtak.id).order_by(Vedtak.decided_at, Vedtak.id)))


def batches(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def check_vedtak(uow: UnitOfWork, ids: list[uuid.UUID]) -> list[VedtakCheck]:
    """Replay the decision record of each vedtak; an unknown id is a 404 (nothing checked)."""
    found = {v.id: v for v in uow.session.scalars(select(Vedtak).where(Vedtak.id.in_(ids)))}
    unknown = [str(i) for i in ids if i not in found]
    if unknown:
        raise NotFound(f"vedtak not found: {', '.join(unknown)}")
    checks = []
    for vedtak_id in ids:
        vedtak = found[vedtak_id]
        sak = uow.session.get(Sak, vedtak.sak_id)
        assert sak is not None
        access.check_case(uow, Access.READ_CASE, sak, object_type="vedtak", object_id=vedtak.id)
        checks.append(_check(uow, vedtak, sak))
    return checks


def _check(uow: UnitOfWork, vedtak: Vedtak, sak: Sak) -> VedtakCheck:
    record = stored_record(uow, vedtak.record_id)
    result: Literal["same", "different", "skipped"]
    details: tuple[str, ...]
    try:
        differences = replay(record)
    except (NotInstalled, NotReplayable) as reason:
        result, details = "skipped", (str(reason),)
    else:
        result = "different" if differences else "same"
        details = tuple(str(d) for d in differences)
    return VedtakCheck(
        vedtak_id=str(vedtak.id),
        benefit=sak.benefit,
        effective_from=vedtak.effective_from.isoformat(),
        result=result,
        details=details,
        texts_changed=texts_changed(record),
    )
