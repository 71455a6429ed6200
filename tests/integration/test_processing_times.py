"""The usual processing time on the receipt: read off the caseworkers' first decisions of the
last twelve months, never a constant (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from support import NOW

from trygd.privacy.policy import Actor, Role
from trygd.services.facade import CaseService
from trygd.services.unit_of_work import RequestContext
from trygd.store.models import Behandling, DecisionRecordRow, Person, Sak, Serviceklage, Vedtak

CITIZEN = RequestContext(actor=Actor(id="person:x", name="X", roles=frozenset({Role.CITIZEN})))


@pytest.fixture
def decided(service: CaseService, make_person: Callable[..., Person]) -> Callable[..., None]:
    """Store one decided first application: received `days_ago` days before now, decided
    `took` days later."""

    def add(
        took: float,
        *,
        benefit: str = "aap",
        automatic: bool = False,
        kind: str = "forstegangsbehandling",
        days_ago: float = 60,
    ) -> None:
        person = make_person()
        received = NOW - dt.timedelta(days=days_ago)
        sak = Sak(
            id=uuid.uuid4(), person_id=person.id, benefit=benefit, unit="4450", created_at=received
        )
        behandling = Behandling(
            id=uuid.uuid4(), sak_id=sak.id, kind=kind, state="decided", claim_date=received.date(),
            facts={}, created_at=received, updated_at=received, version=1,
        )  # fmt: skip
        record = DecisionRecordRow(
            id=uuid.uuid4(), benefit=benefit, claim_date=received.date(), ruleset_version="test",
            format="trygd.decision/1", record={}, created_at=received,
        )  # fmt: skip
        vedtak = Vedtak(
            id=uuid.uuid4(), sak_id=sak.id, behandling_id=behandling.id, outcome="granted",
            automatic=automatic, decided_at=received + dt.timedelta(days=took),
            effective_from=received.date(), ruleset_version="test", facts={}, record_id=record.id,
        )  # fmt: skip
        with service.sessions.begin() as session:
            session.add(record)
            session.add(sak)
            session.flush()
            session.add(behandling)
            session.flush()
            session.add(vedtak)

    return add


def test_no_figure_from_too_few_decisions(service: CaseService, decided) -> None:
    for took in range(1, 20):  # 19 decisions
        decided(took)
    assert service.usual_processing_time(CITIZEN, "aap") is None


def test_four_out_of_five_decided_within_so_many_weeks(service: CaseService, decided) -> None:
    for took in range(1, 21):  # 1 to 20 days: the 16th of 20 took 16 days, so 3 weeks
        decided(took)
    # None of these count: automatic, another benefit, a revurdering, or over a year ago.
    decided(200, automatic=True)
    decided(200, benefit="uforetrygd")
    decided(200, kind="revurdering")
    decided(200, days_ago=600)
    usual = service.usual_processing_time(CITIZEN, "aap")
    assert usual == {"weeks": 3, "decisions": 20, "since": (NOW - dt.timedelta(days=365)).date()}


def test_the_figure_is_kept_for_an_hour(service: CaseService, decided, clock) -> None:
    for took in range(1, 21):
        decided(took)
    assert service.usual_processing_time(CITIZEN, "aap")["weeks"] == 3
    for _ in range(20):
        decided(60)  # now the 80th percentile is 60 days
    assert service.usual_processing_time(CITIZEN, "aap")["weeks"] == 3  # kept
    clock.advance(dt.timedelta(hours=1, seconds=1))
    assert service.usual_processing_time(CITIZEN, "aap")["weeks"] == 9  # 60 days: 9 weeks


def test_serviceklager_answered_within_so_many_weeks(
    service: CaseService, make_person: Callable[..., Person]
) -> None:
    person = make_person()

    def complaint(took: float | None, days_ago: float = 60) -> Serviceklage:
        received = NOW - dt.timedelta(days=days_ago)
        return Serviceklage(
            id=uuid.uuid4(), person_id=person.id, unit="4450", text="Ingen svarte.",
            received_at=received, status="answered" if took is not None else "open",
            answer="Beklager." if took is not None else None,
            answered_by="Z990401" if took is not None else None,
            answered_at=received + dt.timedelta(days=took) if took is not None else None,
        )  # fmt: skip

    with service.sessions.begin() as session:
        session.add_all([complaint(took) for took in range(1, 20)])  # 19 answered
        session.add_all([complaint(None), complaint(300, days_ago=700)])  # not counted
    assert service.usual_serviceklage_answer_time(CITIZEN) is None
    with service.sessions.begin() as session:
        session.add(complaint(30))  # the 20th: 16th of 20 took 16 days, so 3 weeks
    service._processing_times.clear()
    usual = service.usual_serviceklage_answer_time(CITIZEN)
    assert usual is not None and (usual["weeks"], usual["decisions"]) == (3, 20)
