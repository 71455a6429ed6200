"""Recovery of decided tilbakekreving claims: set-off (motregning) in the payment run, and
the ledger postings of a claim.

The payment run calls `setoff_for` once for each line it pays, after tax is withheld
(one call site in `services/payments.py`, marked "tilbakekreving (issue 17)"). The first
call in a transaction reads every claim being recovered by set-off, of the persons of the
run (one query); each call keeps at most the share of the payment the parameter allows
(`tilbakekreving.setoff_max_share`, UNCONFIRMED), oldest claim first, records it
(`tilbakekreving_setoffs`, unique per claim and line, so a run repeated keeps nothing twice)
and closes a claim that is paid. The payment's postings then carry the set-off
(`ledger.payment_postings(..., setoff_ore)`: `expense` to `receivable`), so it never reaches
the bank and the ledger still sums to zero.
"""

from __future__ import annotations

import datetime as dt
import uuid
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, select

from trygd.domain import ledger
from trygd.domain import recovery as domain
from trygd.domain.tilbakekreving import Action, State
from trygd.rules.assessment import default_ruleset
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import LedgerPosting, Tilbakekreving, TilbakekrevingSetoff

POSTINGS = cast(Table, LedgerPosting.__table__)


@dataclass
class _Claim:
    case: Tilbakekreving
    outstanding_ore: int


@dataclass
class _Claims:
    by_person: dict[uuid.UUID, list[_Claim]] = field(default_factory=dict)


_loaded: weakref.WeakKeyDictionary[UnitOfWork, _Claims] = weakref.WeakKeyDictionary()


def _claims(uow: UnitOfWork) -> _Claims:
    """The claims being recovered by set-off, read once per transaction."""
    found = _loaded.get(uow)
    if found is not None:
        return found
    cases = list(
        uow.session.scalars(
            select(Tilbakekreving)
            .where(
                Tilbakekreving.state == State.DECIDED.value,
                Tilbakekreving.recovery_method == "setoff",
            )
            .order_by(Tilbakekreving.decided_at, Tilbakekreving.id)
        )
    )
    paid = (
        dict(
            uow.session.execute(
                select(
                    TilbakekrevingSetoff.tilbakekreving_id,
                    func.sum(TilbakekrevingSetoff.amount_ore),
                )
                .where(TilbakekrevingSetoff.tilbakekreving_id.in_([c.id for c in cases]))
                .group_by(TilbakekrevingSetoff.tilbakekreving_id)
            ).all()
        )
        if cases
        else {}
    )
    claims = _Claims()
    for case in cases:
        left = int(case.claim_ore or 0) - int(paid.get(case.id, 0))
        if left > 0:
            claims.by_person.setdefault(case.person_id, []).append(_Claim(case, left))
    _loaded[uow] = claims
    return claims


def setoff_for(
    uow: UnitOfWork,
    run_date: dt.date,
    line_id: uuid.UUID,
    person_id: uuid.UUID,
    payee: str,
    net_ore: int,
) -> int:
    """How much of this payment (after tax) is kept for the person's open claims; recorded
    here. Payments to an employer (refusjon) are never set off against the person's claim."""
    if payee != "person" or net_ore <= 0:
        return 0
    claims = _claims(uow).by_person.get(person_id)
    if not claims:
        return 0
    share = default_ruleset().parameters["tilbakekreving.setoff_max_share"].value_at(run_date)
    left = domain.setoff(sum(c.outstanding_ore for c in claims), net_ore, share.value)
    kept = 0
    for claim in claims:
        if left <= 0:
            break
        amount = min(left, claim.outstanding_ore)
        if amount <= 0:
            continue
        uow.session.add(
            TilbakekrevingSetoff(
                id=uuid.uuid4(),
                tilbakekreving_id=claim.case.id,
                line_id=line_id,
                amount_ore=amount,
                run_date=run_date,
                created_at=uow.now,
            )
        )
        claim.outstanding_ore -= amount
        left -= amount
        kept += amount
        uow.event(
            claim.case.sak_id,
            claim.case.behandling_id,
            "tilbakekreving_setoff",
            tilbakekreving_id=str(claim.case.id),
            line_id=str(line_id),
            amount_ore=amount,
            outstanding_ore=claim.outstanding_ore,
        )
        if claim.outstanding_ore == 0:
            claim.case.state = State.CLOSED.value
            claim.case.closed_at = uow.now
            claim.case.updated_at = uow.now
            uow.event(
                claim.case.sak_id,
                claim.case.behandling_id,
                f"tilbakekreving_{Action.SETTLE.value}",
                tilbakekreving_id=str(claim.case.id),
                **{"from": State.DECIDED.value, "to": State.CLOSED.value},
            )
    claims[:] = [c for c in claims if c.outstanding_ore > 0]
    return kept


def post(uow: UnitOfWork, postings: Sequence[ledger.Posting]) -> None:
    """Insert a tilbakekreving's own postings (pairs that sum to zero)."""
    if ledger.total(postings) != 0:
        raise AssertionError("the postings of a transaction do not sum to zero")
    if not postings:
        return
    uow.flush()
    rows: list[dict[str, Any]] = [
        {
            "line_id": p.line_id,
            "person_id": p.person_id,
            "benefit": p.benefit,
            "transaction": p.transaction,
            "account": p.account,
            "amount_ore": p.amount_ore,
            "order_id": None,
            "posted_at": uow.now,
        }
        for p in postings
    ]
    uow.session.connection().execute(POSTINGS.insert(), rows)
