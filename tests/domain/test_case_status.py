"""The one status a person sees for a case, from its stored records (trygd.domain.case_status),
and when a revurdering needs a forhåndsvarsel (trygd.domain.advance_notice)."""

from __future__ import annotations

from typing import Any

import pytest

from trygd.domain.advance_notice import advance_notice, against_person
from trygd.domain.case_status import CaseStatus, case_status


def _vedtak(vid: str, outcome: str, day: str, replaces: str | None = None) -> dict[str, Any]:
    return {
        "id": vid,
        "outcome": outcome,
        "decided_at": f"{day}T10:00:00+00:00",
        "effective_from": day,
        "replaces_vedtak_id": replaces,
    }


def _sak(
    vedtak: list[dict[str, Any]], *, open_behandling: bool = False, request: bool = False
) -> dict[str, Any]:
    behandlinger = [{"kind": "forstegangsbehandling", "state": "decided"}]
    if open_behandling:
        behandlinger.append({"kind": "revurdering", "state": "assessing"})
    return {
        "behandlinger": behandlinger,
        "vedtak": vedtak,
        "information_requests": [{"status": "open"}] if request else [],
    }


GRANTED = _vedtak("a", "granted", "2026-10-01")
STOP = _vedtak("b", "rejected", "2026-12-07", replaces="a")


@pytest.mark.parametrize(
    ("sak", "klager", "expected"),
    [
        (_sak([GRANTED]), [], CaseStatus("granted")),
        (_sak([_vedtak("a", "rejected", "2026-10-01")]), [], CaseStatus("rejected")),
        (_sak([GRANTED, STOP]), [], CaseStatus("stopped", "2026-12-07")),
        # a later no after a stop keeps the day the benefit stopped
        (
            _sak([GRANTED, STOP, _vedtak("c", "rejected", "2026-12-20", replaces="b")]),
            [],
            CaseStatus("stopped", "2026-12-07"),
        ),
        # granted again after a stop
        (
            _sak([GRANTED, STOP, _vedtak("c", "granted", "2027-01-04", replaces="b")]),
            [],
            CaseStatus("granted"),
        ),
        (_sak([GRANTED, STOP]), [{"state": "first_instance_review"}], CaseStatus("under_klage")),
        (_sak([GRANTED, STOP]), [{"state": "closed"}], CaseStatus("stopped", "2026-12-07")),
        (_sak([GRANTED], open_behandling=True), [], CaseStatus("processing")),
        (_sak([]), [], CaseStatus("processing")),
        (_sak([GRANTED], open_behandling=True, request=True), [], CaseStatus("waiting_for_you")),
    ],
)
def test_the_status_comes_from_the_records(sak, klager, expected):
    assert case_status(sak, klager) == expected


def test_a_revurdering_goes_against_the_person_when_it_stops_or_lowers_a_benefit():
    assert against_person("granted", "rejected", {}, {})
    assert against_person("granted", "granted", {"daily_rate": 900}, {"daily_rate": 800})
    assert not against_person("granted", "granted", {"daily_rate": 900}, {"daily_rate": 950})
    assert not against_person("rejected", "granted", None, {"daily_rate": 950})


def test_notice_is_left_out_only_when_the_facts_are_the_persons_own():
    own = advance_notice(
        kind="revurdering", against=True, facts_from_person_only=True, notice_sent=False
    )
    assert own.status == "omitted"
    assert own.legal_basis == "fvl. § 16 første ledd og tredje ledd bokstav c"
    staff = advance_notice(
        kind="revurdering", against=True, facts_from_person_only=False, notice_sent=False
    )
    assert staff.status == "missing"
    sent = advance_notice(
        kind="revurdering", against=True, facts_from_person_only=False, notice_sent=True
    )
    assert sent.status == "sent"
    assert (
        advance_notice(
            kind="revurdering", against=False, facts_from_person_only=True, notice_sent=False
        ).status
        == "not_required"
    )
    assert (
        advance_notice(
            kind="forstegangsbehandling",
            against=False,
            facts_from_person_only=True,
            notice_sent=False,
        ).status
        == "not_required"
    )
