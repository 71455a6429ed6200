"""Many identical requests at once on PostgreSQL: one claim, one revurdering, one open klage.

Issue 13 found that fifty identical søknader sent in parallel gave 41 automatic vedtak, twenty
endringsmeldinger twenty revurderinger of the same vedtak, and twenty klager on one vedtak
nine open klager. Here 20 to 50 threads (each with a connection of its own from the pool, as
API workers would have) send the same request through `CaseService` at the same moment, and
the result must be one: the others are refused with a clear 409 (or, for a change, joined).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from sqlalchemy import select
from support import NOW, TODAY, aap_application, dagpenger_application
from test_concurrency import citizen, count, employee, new_person, pg_url, race

from trygd.services.clock import FixedClock
from trygd.services.errors import Conflict
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine
from trygd.store.models import Behandling, Endringsmelding, Klage, Sak, Vedtak

__all__ = ["pg_url"]  # the fixture: a PostgreSQL database of the test's own


@pytest.fixture
def service(pg_url: str) -> Iterator[CaseService]:
    # Enough connections for every thread at once: the race is the database's, not the pool's.
    engine = make_engine(pg_url, pool_size=25, max_overflow=25)
    yield CaseService(engine, Settings(demo=True, clock=FixedClock(NOW)))
    engine.dispose()


def outcomes_by_kind(outcomes: list[Any]) -> tuple[list[Any], dict[str, int]]:
    """The successes, and the refusals counted by their code; anything else fails the test."""
    won = [o for o in outcomes if not isinstance(o, Exception)]
    codes: dict[str, int] = {}
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            assert isinstance(outcome, Conflict), repr(outcome)
            assert outcome.code is not None, f"a refusal without a clear reason: {outcome}"
            codes[outcome.code] = codes.get(outcome.code, 0) + 1
    return won, codes


@pytest.mark.parametrize("how", ["at_start", "after_reading"])
def test_fifty_identical_applications_at_once_give_one_vedtak(
    service: CaseService, how: str
) -> None:
    person = new_person(service)
    me = citizen(person)
    calls = 50 if how == "at_start" else 20  # after_reading holds a connection per thread
    outcomes = race(
        service,
        how,
        *(partial(service.submit_application, me, dagpenger_application()) for _ in range(calls)),
    )
    won, codes = outcomes_by_kind(outcomes)
    assert len(won) == 1, outcomes
    assert codes == {"claim_covered": calls - 1}
    assert count(service, Sak, Sak.person_id == person.id) == 1
    assert count(service, Behandling) == 1
    assert count(service, Vedtak) == 1


def test_applications_at_once_in_an_existing_sak_give_one_vedtak(service: CaseService) -> None:
    """The sak exists (an earlier rejection), so the requests queue at its lock."""
    person = new_person(service)
    me = citizen(person)
    _, rejected = service.submit_application(
        me, dagpenger_application(income_12m=100000, income_36m=200000)
    )
    assert rejected["outcome"] == "rejected"
    outcomes = race(
        service,
        "at_start",
        *(partial(service.submit_application, me, dagpenger_application()) for _ in range(30)),
    )
    won, codes = outcomes_by_kind(outcomes)
    assert len(won) == 1 and won[0][1]["outcome"] == "granted", outcomes
    assert codes == {"claim_covered": 29}
    assert count(service, Vedtak, Vedtak.outcome == "granted") == 1
    assert count(service, Behandling) == 2


def test_manual_applications_at_once_give_one_open_behandling(service: CaseService) -> None:
    person = new_person(service)
    outcomes = race(
        service,
        "at_start",
        *(
            partial(service.submit_application, citizen(person), aap_application())
            for _ in range(20)
        ),
    )
    won, codes = outcomes_by_kind(outcomes)
    assert len(won) == 1, outcomes
    assert codes == {"claim_in_process": 19}
    assert count(service, Behandling) == 1


def granted_aap(service: CaseService) -> tuple[Any, dict[str, Any]]:
    person = new_person(service)
    me = citizen(person)
    _, case = service.submit_application(me, aap_application())
    proposed = service.behandling_action(
        employee("Z990101"), "propose", case["behandling_id"], {"version": case["version"]}
    )
    decided = service.behandling_action(
        employee("Z990102"), "approve", case["behandling_id"], {"version": proposed["version"]}
    )
    assert decided["outcome"] == "granted"
    return me, decided


def test_twenty_changes_at_once_give_one_revurdering_that_all_join(service: CaseService) -> None:
    me, decided = granted_aap(service)
    change = {"effective_date": TODAY.isoformat(), "facts": {"children": 3}}
    outcomes = race(
        service,
        "at_start",
        *(partial(service.report_change, me, decided["sak_id"], change) for _ in range(20)),
    )
    won, codes = outcomes_by_kind(outcomes)
    assert codes == {}, outcomes
    assert len({answer["behandling_id"] for _, answer in won}) == 1
    assert sum(1 for _, answer in won if answer.get("joined")) == 19
    assert count(service, Behandling, Behandling.kind == "revurdering") == 1
    assert count(service, Endringsmelding) == 20


def test_twenty_identical_changes_at_once_give_one_automatic_revurdering(
    service: CaseService,
) -> None:
    person = new_person(service)
    me = citizen(person)
    _, case = service.submit_application(me, dagpenger_application())
    change = {"effective_date": TODAY.isoformat(), "facts": {"children": 3}}
    outcomes = race(
        service,
        "at_start",
        *(partial(service.report_change, me, case["sak_id"], change) for _ in range(20)),
    )
    won, codes = outcomes_by_kind(outcomes)
    assert len(won) == 1, outcomes
    assert codes == {"no_change": 19}
    assert count(service, Behandling, Behandling.kind == "revurdering") == 1
    assert count(service, Vedtak) == 2


@pytest.mark.parametrize("how", ["at_start", "after_reading"])
def test_twenty_klager_at_once_on_one_vedtak_give_one_open_klage(
    service: CaseService, how: str
) -> None:
    person = new_person(service)
    me = citizen(person)
    _, case = service.submit_application(
        me, dagpenger_application(income_12m=100000, income_36m=200000)
    )
    service.run_due_jobs()
    body = {"vedtak_id": case["vedtak_id"], "text": "Jeg mener inntekten min er regnet feil."}
    outcomes = race(service, how, *(partial(service.submit_klage, me, body) for _ in range(20)))
    won, codes = outcomes_by_kind(outcomes)
    assert len(won) == 1, outcomes
    assert codes == {"klage_open": 19}
    assert count(service, Klage, Klage.vedtak_id == uuid.UUID(case["vedtak_id"])) == 1


def test_a_later_period_stays_open_after_the_races(service: CaseService) -> None:
    """The lock queues claims; it does not stop the next lawful one."""
    person = new_person(service)
    me = citizen(person)
    _, first = service.submit_application(me, dagpenger_application())
    later = dagpenger_application(dt.date(2027, 11, 12).isoformat())
    service.settings.clock.advance(dt.timedelta(days=300))  # type: ignore[attr-defined]
    _, second = service.submit_application(me, later)
    assert second["outcome"] == "granted" and second["sak_id"] == first["sak_id"]


def test_twenty_different_changes_at_once_form_one_chain_of_vedtak(service: CaseService) -> None:
    """Each change is decided on the vedtak the one before it made: no two revurderinger
    replace the same vedtak (issue 13 saw twenty replace one)."""
    person = new_person(service)
    me = citizen(person)
    _, case = service.submit_application(me, dagpenger_application())
    outcomes = race(
        service,
        "at_start",
        *(
            partial(
                service.report_change,
                me,
                case["sak_id"],
                {"effective_date": TODAY.isoformat(), "facts": {"current_working_hours": hours}},
            )
            for hours in range(1, 21)
        ),
    )
    won, codes = outcomes_by_kind(outcomes)
    assert (len(won), codes) == (20, {}), outcomes
    with service.sessions() as session:
        replaced = list(session.scalars(select(Vedtak.replaces_vedtak_id)))
    assert len(replaced) == 21
    chain = [r for r in replaced if r is not None]
    assert len(chain) == len(set(chain)) == 20, "two revurderinger replaced the same vedtak"
