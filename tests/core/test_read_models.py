"""The read models' JSON is the API's contract: same keys, same order, nested objects as
objects, and a vedtak's `klage_terms` only where the facade added them."""

from __future__ import annotations

import dataclasses

from trygd.services.read_models import (
    AdvanceNotice,
    BehandlingView,
    Criterion,
    HeadlineAmount,
    KlageTerms,
    ReplacedBy,
    VedtakView,
    Vurdering,
)

VEDTAK_KEYS = [
    "id", "behandling_id", "outcome", "automatic", "decided_at", "effective_from",
    "replaces_vedtak_id", "ruleset_version", "implemented_at", "facts", "advance_notice",
    "stops", "replaced_by", "sak_id", "benefit", "automatic_notice", "automation_legal_basis",
    "proposed_by", "proposed_by_name", "approved_by", "approved_by_name", "criteria",
    "calculations", "amounts", "headline_amount", "parameters", "summary", "behandling_kind",
]  # fmt: skip


def _vedtak() -> VedtakView:
    return VedtakView(
        id="v1",
        behandling_id="b1",
        outcome="granted",
        automatic=False,
        decided_at="2026-01-02T10:00:00+00:00",
        effective_from="2026-01-01",
        replaces_vedtak_id=None,
        ruleset_version="r1",
        implemented_at=None,
        facts={"children": 1},
        advance_notice=AdvanceNotice(status="not_required", legal_basis=None, reason=None),
        stops=False,
        replaced_by=ReplacedBy(id="v2", decided_at="2026-02-01T10:00:00+00:00"),
        sak_id="s1",
        benefit="dagpenger",
        automatic_notice=None,
        automation_legal_basis=None,
        proposed_by="Z1",
        proposed_by_name="A",
        approved_by="Z2",
        approved_by_name="B",
        criteria=[Criterion("c", "§ 1", "T", "met", "E")],
        calculations=[],
        amounts={"daily_rate": 100},
        headline_amount=HeadlineAmount(amount=100.0, per="day"),
        parameters=[],
        summary="S",
    )


def test_a_vedtak_without_klage_terms_leaves_the_key_out() -> None:
    body = _vedtak().to_json()
    assert list(body) == VEDTAK_KEYS
    assert body["advance_notice"] == {"status": "not_required", "legal_basis": None, "reason": None}
    assert body["replaced_by"] == {"id": "v2", "decided_at": "2026-02-01T10:00:00+00:00"}
    assert body["criteria"] == [
        {"id": "c", "legal_basis": "§ 1", "title": "T", "status": "met", "explanation": "E"}
    ]
    assert body["headline_amount"] == {"amount": 100.0, "per": "day"}


def test_klage_terms_come_last_where_the_facade_added_them() -> None:
    terms = KlageTerms(deadline="2026-02-13", late=False, grounds_deadline="2026-01-20")
    body = dataclasses.replace(_vedtak(), klage_terms=terms).to_json()
    assert list(body) == [*VEDTAK_KEYS, "klage_terms"]
    assert body["klage_terms"] == {
        "deadline": "2026-02-13",
        "late": False,
        "grounds_deadline": "2026-01-20",
    }


def test_a_behandling_with_its_vurderinger() -> None:
    behandling = BehandlingView(
        id="b1", kind="soknad", state="assessing", version=2, claim_date="2026-01-01",
        outcome=None, revises_vedtak_id=None, assigned_to="Z1", proposed_by=None,
        approved_by=None, allowed_actions=["assess"], created_at="t0", updated_at="t1",
        assigned_to_name="A", proposed_by_name=None, approved_by_name=None, sak_id="s1",
        benefit="dagpenger", facts={}, assessment=None,
        vurderinger=[Vurdering("c", {"x": 1}, "why", "Z1", "A", "t2")],
    )  # fmt: skip
    body = behandling.to_json()
    assert list(body)[-3:] == ["facts", "assessment", "vurderinger"]
    assert body["vurderinger"] == [
        {
            "condition": "c",
            "facts": {"x": 1},
            "reason": "why",
            "assessed_by": "Z1",
            "assessed_by_name": "A",
            "assessed_at": "t2",
        }
    ]
