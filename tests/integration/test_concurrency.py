"""Two requests at the same moment on PostgreSQL: exactly one wins, and nothing is doubled.

The API is served by many workers, so the same behandling or the same application can arrive
twice at once. These tests fire two use cases from two threads through one `CaseService` on a
real PostgreSQL database (each thread with its own request context, as two API workers would
have) and check the outcome the law needs:

* two approvers approving the same proposal: one vedtak, made by one of them; the other is
  told the case changed (409 Conflict);
* two caseworkers claiming the same task: one gets it, the other a Conflict;
* a søknad sent twice with the same Idempotency-Key (a retry): one sak, and both answers are
  the same answer;
* two different søknader from one person for one benefit: one sak, the second is refused.

Each race runs in two ways. `at_start`: both threads are released together by a barrier, so
the database decides the order. `after_reading`: a second barrier holds each thread at its
first write until both have read the data, so each has passed every check in Python
(version, state, "no sak yet") and only the database's own guards - the optimistic lock on the
version column, the unique constraints - can stop the second one.
"""

from __future__ import annotations

import itertools
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from conftest import POSTGRES_URL
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from support import NOW, aap_application

from trygd.api.identity import actor_from_claims
from trygd.demo.users import BY_ID
from trygd.domain.identity import synthetic_identity_number
from trygd.services.clock import FixedClock
from trygd.services.errors import Conflict
from trygd.services.facade import CaseService, Settings
from trygd.services.unit_of_work import RequestContext
from trygd.store.database import make_engine
from trygd.store.models import Behandling, IdempotencyKey, Oppgave, Person, Sak, Vedtak

ROUNDS = 5  # per way of racing; ten races of each kind in all
RACES = ["at_start", "after_reading"]
_databases = itertools.count()
_numbers = itertools.count(1)


@pytest.fixture
def pg_url(postgres_template: str) -> Iterator[str]:
    """A PostgreSQL database of this test's own, copied from the migrated template."""
    name = f"trygd_race_{os.getpid()}_{next(_databases)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def service(pg_url: str) -> Iterator[CaseService]:
    engine = make_engine(pg_url)
    yield CaseService(engine, Settings(demo=True, clock=FixedClock(NOW)))
    engine.dispose()


# -- callers -------------------------------------------------------------------------------------


def employee(user: str) -> RequestContext:
    e = BY_ID[user]
    claims = {"sub": e.id, "name": e.name, "roles": list(e.roles), "unit": e.unit}
    return RequestContext(actor=actor_from_claims(claims, None))


def second_approver() -> RequestContext:
    """Another approver at Nav Frogner (0312), beside Ola."""
    claims = {"sub": "Z990103", "name": "Siri Beslutter", "roles": ["approver"], "unit": "0312"}
    return RequestContext(actor=actor_from_claims(claims, None))


def second_caseworker() -> RequestContext:
    claims = {
        "sub": "Z990104",
        "name": "Per Saksbehandler",
        "roles": ["caseworker"],
        "unit": "0312",
    }
    return RequestContext(actor=actor_from_claims(claims, None))


def citizen(person: Person) -> RequestContext:
    claims = {"sub": f"person:{person.id}", "name": person.name, "roles": ["citizen"]}
    return RequestContext(actor=actor_from_claims(claims, str(person.id)))


def new_person(service: CaseService) -> Person:
    n = next(_numbers)
    birth_date = NOW.date().replace(year=1975 + n % 20)
    person = Person(
        id=uuid.uuid4(),
        identity_number=synthetic_identity_number(birth_date, n),
        name=f"Person {n}",
        birth_date=birth_date,
        municipality="0301",
        protection="none",
        skjermet=False,
        created_at=NOW,
    )
    with service.sessions.begin() as session:
        session.add(person)
    return person


# -- racing two use cases ------------------------------------------------------------------------


def race(service: CaseService, how: str, *calls: Callable[[], Any]) -> list[Any]:
    """Run `calls` at once, one thread each; each outcome is the result or the exception."""
    start = threading.Barrier(len(calls), timeout=20)
    first_write = threading.Barrier(len(calls), timeout=20)
    racing: set[int] = set()
    waited: set[int] = set()

    def hold_first_write(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        me = threading.get_ident()
        writes = statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        if writes and me in racing and me not in waited:
            waited.add(me)
            first_write.wait()  # every thread has done its reading; now they all write

    def run(call: Callable[[], Any]) -> Any:
        racing.add(threading.get_ident())
        start.wait()
        try:
            return call()
        except Exception as error:
            return error

    if how == "after_reading":
        event.listen(service.engine, "before_cursor_execute", hold_first_write)
    try:
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            outcomes = list(pool.map(run, calls))
    finally:
        if how == "after_reading":
            event.remove(service.engine, "before_cursor_execute", hold_first_write)
    if how == "after_reading":
        assert waited == racing, "a thread never reached its first write"
    return outcomes


def one_winner(outcomes: list[Any]) -> tuple[int, Any]:
    """The index and result of the one call that succeeded; the other must be a Conflict."""
    won = [i for i, outcome in enumerate(outcomes) if not isinstance(outcome, Exception)]
    lost = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(won) == 1, f"expected exactly one success, got {outcomes!r}"
    assert all(isinstance(error, Conflict) for error in lost), f"expected a Conflict: {lost!r}"
    return won[0], outcomes[won[0]]


def count(service: CaseService, model: Any, *where: Any) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


# -- the races -----------------------------------------------------------------------------------


def proposed_aap_case(service: CaseService) -> dict[str, Any]:
    person = new_person(service)
    _, case = service.submit_application(citizen(person), aap_application())
    return service.behandling_action(
        employee("Z990101"), "propose", case["behandling_id"], {"version": case["version"]}
    )


@pytest.mark.parametrize("how", RACES)
def test_two_approvers_approve_the_same_proposal_at_once(service: CaseService, how: str) -> None:
    approvers = [employee("Z990102"), second_approver()]
    for round in range(ROUNDS):
        case = proposed_aap_case(service)
        bid, version = case["behandling_id"], case["version"]

        outcomes = race(
            service,
            how,
            *(
                partial(service.behandling_action, ctx, "approve", bid, {"version": version})
                for ctx in approvers
            ),
        )

        winner, result = one_winner(outcomes)
        assert result["state"] == "decided", f"round {round}"
        if how == "after_reading":  # both passed the version check: the database stopped one
            assert "at the same time" in str(outcomes[1 - winner]), f"round {round}"
        behandling_id = uuid.UUID(bid)
        assert count(service, Vedtak, Vedtak.behandling_id == behandling_id) == 1, f"round {round}"
        with service.sessions() as session:
            vedtak = session.scalars(
                select(Vedtak).where(Vedtak.behandling_id == behandling_id)
            ).one()
            behandling = session.get(Behandling, behandling_id)
            assert behandling is not None
        approver = approvers[winner].actor.id
        assert (vedtak.approved_by, behandling.approved_by) == (approver, approver)
        assert (vedtak.proposed_by, behandling.state) == ("Z990101", "decided")


@pytest.mark.parametrize("how", RACES)
def test_two_caseworkers_claim_the_same_task_at_once(service: CaseService, how: str) -> None:
    caseworkers = [employee("Z990101"), second_caseworker()]
    for round in range(ROUNDS):
        person = new_person(service)
        _, case = service.submit_application(citizen(person), aap_application())
        with service.sessions() as session:
            task_id = session.scalars(
                select(Oppgave.id).where(Oppgave.behandling_id == uuid.UUID(case["behandling_id"]))
            ).one()

        outcomes = race(
            service,
            how,
            *(partial(service.claim_task, ctx, str(task_id)) for ctx in caseworkers),
        )

        winner, result = one_winner(outcomes)
        with service.sessions() as session:
            task = session.get(Oppgave, task_id)
            assert task is not None
        expected = caseworkers[winner].actor.id
        assert (result["assigned_to"], task.assigned_to) == (expected, expected), f"round {round}"


@pytest.mark.parametrize("how", RACES)
def test_a_retried_application_with_the_same_key_makes_one_sak(
    service: CaseService, how: str
) -> None:
    for round in range(ROUNDS):
        person = new_person(service)
        me = citizen(person)
        key = f"soknad-{uuid.uuid4()}"

        outcomes = race(
            service,
            how,
            *(partial(service.submit_application, me, aap_application(), key) for _ in range(2)),
        )

        assert not [o for o in outcomes if isinstance(o, Exception)], f"round {round}: {outcomes}"
        (status_a, answer_a), (status_b, answer_b) = outcomes
        assert (status_a, status_b) == (201, 201), f"round {round}"
        assert answer_a == answer_b, f"round {round}: a retry must get the first answer"
        assert count(service, Sak, Sak.person_id == person.id) == 1, f"round {round}"
        sak_id = uuid.UUID(answer_a["sak_id"])
        assert count(service, Behandling, Behandling.sak_id == sak_id) == 1, f"round {round}"
        assert count(service, IdempotencyKey, IdempotencyKey.key == key) == 1, f"round {round}"


@pytest.mark.parametrize("how", RACES)
def test_two_different_applications_for_one_benefit_make_one_sak(
    service: CaseService, how: str
) -> None:
    for round in range(ROUNDS):
        person = new_person(service)
        me = citizen(person)
        bodies = [aap_application(children=1), aap_application(children=3)]

        outcomes = race(
            service,
            how,
            *(partial(service.submit_application, me, body) for body in bodies),
        )

        winner, (status, answer) = one_winner(outcomes)
        assert status == 201, f"round {round}"
        assert count(service, Sak, Sak.person_id == person.id) == 1, f"round {round}"
        sak_id = uuid.UUID(answer["sak_id"])
        assert count(service, Behandling, Behandling.sak_id == sak_id) == 1, f"round {round}"
        with service.sessions() as session:
            behandling = session.get(Behandling, uuid.UUID(answer["behandling_id"]))
            assert behandling is not None
        assert behandling.facts["children"] == bodies[winner]["facts"]["children"]
