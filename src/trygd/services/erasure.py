"""Erasure of a person's data on request (GDPR art. 17), as far as the law allows.

`overview` counts, for one person, each kind of record of `trygd.domain.erasure`: what an
erasure would delete or anonymise, and what NAV must keep, each with its legal basis from
`rules/legal_bases.toml`. The person sees it before asking and with the answer; the
caseworker sees it on the request. `carry_out` is the caseworker's decision "erase what may be
erased": it runs the retention run's own steps limited to the person
(`trygd.services.retention.erase_person`), records the run like any retention run (counts
only), and returns what was erased and what kept, which the request stores and the answer
letter lists. The caller has checked its right to handle the request (and so the person).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from trygd.domain import erasure
from trygd.rules.assessment import default_ruleset
from trygd.services import retention
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import (
    Anke,
    ApplicationDocument,
    AuditRecord,
    Klage,
    Letter,
    MeldekortCard,
    PaymentLine,
    PrivacyRequest,
    Sak,
    Soknad,
    Vedtak,
)


def legal_basis(category: erasure.Category) -> str:
    return default_ruleset().parameters.legal_basis(category.legal_basis).text


def _entry(category: erasure.Category, count: int) -> dict[str, Any]:
    return {
        "category": category.name,
        "action": category.action,
        "count": count,
        "legal_basis": legal_basis(category),
    }


def _kept_counts(uow: UnitOfWork, person_id: uuid.UUID) -> dict[str, int]:
    saker = select(Sak.id).where(Sak.person_id == person_id)

    def count(query: Any) -> int:
        return int(uow.session.scalar(query) or 0)

    sent_documents = count(
        select(func.count())
        .select_from(ApplicationDocument)
        .where(ApplicationDocument.person_id == person_id, ApplicationDocument.sak_id.is_not(None))
    )
    klager = select(Klage.id).where(Klage.person_id == person_id)
    return {
        "applications": count(
            select(func.count()).select_from(Soknad).where(Soknad.sak_id.in_(saker))
        )
        + sent_documents,
        "decisions": count(
            select(func.count()).select_from(Vedtak).where(Vedtak.sak_id.in_(saker))
        ),
        "letters": count(
            select(func.count()).select_from(Letter).where(Letter.person_id == person_id)
        ),
        "appeals": count(select(func.count()).select_from(klager.subquery()))
        + count(select(func.count()).select_from(Anke).where(Anke.klage_id.in_(klager))),
        "meldekort": count(
            select(func.count())
            .select_from(MeldekortCard)
            .where(MeldekortCard.person_id == person_id)
        ),
        "payments": count(
            select(func.count()).select_from(PaymentLine).where(PaymentLine.person_id == person_id)
        ),
        "access_log_and_requests": count(
            select(func.count()).select_from(AuditRecord).where(AuditRecord.person_id == person_id)
        )
        + count(
            select(func.count())
            .select_from(PrivacyRequest)
            .where(PrivacyRequest.person_id == person_id)
        ),
    }


def _erasable(results: list[retention.KindResult]) -> list[dict[str, Any]]:
    by_kind = {result.kind: result.count for result in results}
    return [_entry(category, by_kind.get(category.name, 0)) for category in erasure.ERASABLE]


def overview(uow: UnitOfWork, person_id: uuid.UUID) -> dict[str, Any]:
    """What an erasure would do to the person's records now (nothing is changed)."""
    kept = _kept_counts(uow, person_id)
    return {
        "erasable": _erasable(retention.erase_person(uow, person_id, dry_run=True)),
        "kept": [_entry(category, kept[category.name]) for category in erasure.KEPT],
    }


def carry_out(uow: UnitOfWork, person_id: uuid.UUID) -> dict[str, Any]:
    """Erase what may be erased of the person's records, record the run (counts only), and
    return what was erased and what is kept, for the request and the answer."""
    started = uow.now
    erased = _erasable(retention.erase_person(uow, person_id, dry_run=False))
    # Recorded as a retention run: per kind the action, the count and the basis; no person.
    retention.record(uow, started, [{**entry, "reason": "erasure_request"} for entry in erased])
    kept = _kept_counts(uow, person_id)
    return {
        "erased": [entry for entry in erased if entry["count"]],
        "kept": [_entry(category, kept[category.name]) for category in erasure.KEPT],
        "at": uow.now.isoformat(),
    }


def nothing_erased(uow: UnitOfWork, person_id: uuid.UUID) -> dict[str, Any]:
    """The record of a refused erasure: nothing erased, and what is kept and why."""
    kept = _kept_counts(uow, person_id)
    return {
        "erased": [],
        "kept": [_entry(category, kept[category.name]) for category in erasure.KEPT],
        "at": uow.now.isoformat(),
    }


def totals(record: dict[str, Any]) -> tuple[int, int]:
    """How many records were erased and how many kept, for the outcome."""
    return (
        sum(int(entry["count"]) for entry in record["erased"]),
        sum(int(entry["count"]) for entry in record["kept"]),
    )
