"""`UnitOfWork.add_new`: records made in a use case are stored with plain INSERTs at the next
flush or query, and then behave like any other row of the session (on SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select
from support import NOW

from trygd.services.facade import SYSTEM_ACTOR, CaseService
from trygd.services.unit_of_work import RequestContext, UnitOfWork
from trygd.store.models import Behandling, Job, Person, Sak


@pytest.fixture
def new_uow(service: CaseService) -> Iterator[Callable[[], UnitOfWork]]:
    made: list[UnitOfWork] = []

    def make() -> UnitOfWork:
        uow = UnitOfWork(
            service.sessions, RequestContext(actor=SYSTEM_ACTOR), service.settings.clock
        )
        made.append(uow)
        return uow

    yield make
    for uow in made:
        uow.close()


def _sak(person: Person) -> Sak:
    return Sak(
        id=uuid.uuid4(), person_id=person.id, benefit="dagpenger", unit="4450", created_at=NOW
    )


def _behandling(sak: Sak) -> Behandling:
    return Behandling(
        id=uuid.uuid4(),
        sak_id=sak.id,
        kind="forstegangsbehandling",
        state="received",
        claim_date=dt.date(2026, 11, 13),
        facts={},
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )


def test_records_are_stored_as_they_are_at_the_commit(
    new_uow: Callable[[], UnitOfWork], make_person: Callable[..., Person]
) -> None:
    sak = _sak(make_person())
    behandling = _behandling(sak)
    uow = new_uow()
    uow.add_new(sak, behandling)
    behandling.state = "in_assessment"  # changed after add_new, before any flush
    uow.commit()
    check = new_uow()
    stored = check.session.get(Behandling, behandling.id)
    assert stored is not None and stored.state == "in_assessment" and stored.version == 1
    assert stored.assigned_to is None and stored.outcome is None  # defaults, as session.add


def test_a_query_in_the_use_case_sees_them_and_a_later_change_is_a_checked_update(
    new_uow: Callable[[], UnitOfWork], make_person: Callable[..., Person]
) -> None:
    sak = _sak(make_person())
    behandling = _behandling(sak)
    uow = new_uow()
    uow.add_new(sak, behandling)
    # The session has nothing else to write, yet the query finds the new rows.
    count = uow.session.scalar(
        select(func.count()).select_from(Behandling).where(Behandling.sak_id == sak.id)
    )
    assert count == 1
    behandling.state = "in_assessment"  # now an UPDATE of a loaded row
    uow.commit()
    check = new_uow()
    stored = check.session.get(Behandling, behandling.id)
    assert stored is not None and stored.state == "in_assessment"
    assert stored.version == 2  # the version column counts the update, as for any row


def test_a_failed_use_case_stores_none_of_them(
    new_uow: Callable[[], UnitOfWork], make_person: Callable[..., Person]
) -> None:
    sak = _sak(make_person())
    sak_id = sak.id  # the rolled-back record itself is expired, as a deleted row
    uow = new_uow()
    uow.add_new(sak, _behandling(sak))
    uow.flush()
    uow.fail()
    check = new_uow()
    assert check.session.get(Sak, sak_id) is None
    check.close()  # SQLite: one writer at a time
    # ... and records collected but never flushed are forgotten too.
    other = _sak(make_person())
    again = new_uow()
    again.add_new(other)
    again.fail()
    assert again.session.info.get("trygd.new_records") is None


def test_columns_left_unset_get_their_defaults_and_a_missing_id_is_refused(
    new_uow: Callable[[], UnitOfWork],
) -> None:
    job = Job(id=uuid.uuid4(), kind="send_letter", run_at=NOW, payload={}, created_at=NOW)
    uow = new_uow()
    uow.add_new(job)
    uow.commit()
    assert (job.status, job.attempts, job.last_error) == ("pending", 0, None)
    bad = new_uow()
    bad.add_new(Job(kind="send_letter", run_at=NOW, payload={}, created_at=NOW))
    with pytest.raises(ValueError, match=r"Job\.id needs a value"):
        bad.flush()


def test_records_that_point_to_a_row_added_the_orm_way_are_stored_after_it(
    new_uow: Callable[[], UnitOfWork], make_person: Callable[..., Person]
) -> None:
    """A sak added with `session.add` and its behandling with `add_new`: the ORM stores both,
    the sak first, whichever way round they were given."""
    sak = _sak(make_person())
    behandling = _behandling(sak)
    uow = new_uow()
    uow.add_new(behandling)
    uow.session.add(sak)
    uow.commit()
    check = new_uow()
    assert check.session.get(Behandling, behandling.id) is not None
