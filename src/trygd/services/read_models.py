"""Typed read models: what the services hand to the API, the pages and the letters.

Frozen dataclasses instead of `dict[str, Any]`, so that a misspelt field is a mypy error
rather than a KeyError on one page. Each has `to_json()`, the exact JSON the API returns
(field names and order as declared, dates and times as ISO strings already).

Only the vedtak and the behandling have one so far; the sak, klage, letter and task are
still dicts. The explained rule result (format `trygd.assessment/1`) stays a plain dict:
its shape is the published output format, described by `trygd schema output`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


def _json(model: Any) -> dict[str, Any]:
    """The dataclass as JSON; nested dataclasses become objects, dicts and lists are copied."""
    result: dict[str, Any] = dataclasses.asdict(model)
    return result


@dataclass(frozen=True)
class Vurdering:
    """A caseworker's assessment of one condition."""

    condition: str
    facts: dict[str, Any]
    reason: str
    assessed_by: str
    assessed_by_name: str | None
    assessed_at: str


@dataclass(frozen=True)
class BehandlingView:
    """A behandling with its rule result (explained in the language asked for) and the
    caseworkers' assessments."""

    id: str
    kind: str
    state: str
    version: int
    claim_date: str
    outcome: str | None
    revises_vedtak_id: str | None
    assigned_to: str | None
    proposed_by: str | None
    approved_by: str | None
    allowed_actions: list[str]
    created_at: str
    updated_at: str
    assigned_to_name: str | None
    proposed_by_name: str | None
    approved_by_name: str | None
    sak_id: str
    benefit: str
    facts: dict[str, Any]
    # trygd.assessment/1, or None before the rules have run.
    assessment: dict[str, Any] | None
    vurderinger: list[Vurdering]

    def to_json(self) -> dict[str, Any]:
        return _json(self)


@dataclass(frozen=True)
class AdvanceNotice:
    """Whether a forhåndsvarsel (fvl. § 16) was owed, and why none was sent if none was."""

    status: str
    legal_basis: str | None
    reason: str | None


@dataclass(frozen=True)
class ReplacedBy:
    """The later vedtak that replaced this one."""

    id: str
    decided_at: str


@dataclass(frozen=True)
class Criterion:
    """One condition the vedtak rests on, as the person reads it."""

    id: str
    legal_basis: str
    title: str
    status: str
    explanation: str


@dataclass(frozen=True)
class HeadlineAmount:
    """The amount a granted vedtak letter states first, and per what ("day" or "month")."""

    amount: float
    per: str


@dataclass(frozen=True)
class KlageTerms:
    """The dates of appealing a vedtak, as of the day it is read."""

    deadline: str
    late: bool
    grounds_deadline: str


@dataclass(frozen=True)
class VedtakView:
    """A vedtak with the criteria, calculations and amounts it rests on."""

    id: str
    behandling_id: str
    outcome: str
    automatic: bool
    decided_at: str
    effective_from: str
    replaces_vedtak_id: str | None
    ruleset_version: str
    implemented_at: str | None
    facts: dict[str, Any]
    advance_notice: AdvanceNotice | None
    stops: bool
    replaced_by: ReplacedBy | None
    sak_id: str
    benefit: str
    automatic_notice: str | None
    automation_legal_basis: str | None
    proposed_by: str | None
    proposed_by_name: str | None
    approved_by: str | None
    approved_by_name: str | None
    criteria: list[Criterion]
    # The rows of trygd.assessment/1, as stored with the vedtak.
    calculations: list[dict[str, Any]]
    amounts: dict[str, Any]
    headline_amount: HeadlineAmount | None
    parameters: list[dict[str, Any]]
    summary: str
    # Only where the vedtak is read to be shown or appealed (the facade adds it); the export
    # of one's own data leaves it out, so the JSON leaves the key out too.
    # What made the vedtak: the kind of its behandling (a `regulering` sends no letter).
    behandling_kind: str | None = None
    klage_terms: KlageTerms | None = None

    def to_json(self) -> dict[str, Any]:
        result = _json(self)
        if self.klage_terms is None:
            del result["klage_terms"]
        return result
