"""The payment run plans again only the saker with something new (`payment_plan_marks`), on
SQLite and PostgreSQL: a new vedtak, a new meldekort result, or the day the plan's next
payment falls due; a run for an earlier day never takes back what a later one planned; and
the audit records of a large batch, written with COPY on PostgreSQL, reach the hash chain.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select
from support import NOW
from test_payments import ACCOUNTS, _details, _lines, _system, _vedtak

from trygd.services import payments, unit_of_work
from trygd.services.facade import CaseService
from trygd.store import audit_chain
from trygd.store.models import AuditPending, AuditRecord, MeldekortCard, MeldekortResult

NOVEMBER_RUN = dt.date(2026, 11, 23)


def _to_plan(service: CaseService, day: dt.date) -> list[uuid.UUID]:
    return _system(service, lambda uow: payments.saker_to_plan(uow, day))


def _approved(service: CaseService, sak_id: uuid.UUID, person_id: uuid.UUID, gross: int) -> None:
    """An approved meldekort result of 2 - 15 November, stored as the meldekort services do."""
    card_id = uuid.uuid4()
    start, end = dt.date(2026, 11, 2), dt.date(2026, 11, 15)
    with service.sessions.begin() as session:
        session.add(
            MeldekortCard(
                id=card_id,
                sak_id=sak_id,
                person_id=person_id,
                period_start=start,
                period_end=end,
                version=1,
                answers={},
                late=False,
                sent_at=NOW,
                sent_by="test",
            )
        )
        session.flush()
        session.add(
            MeldekortResult(
                id=uuid.uuid4(),
                sak_id=sak_id,
                meldekort_id=card_id,
                period_start=start,
                period_end=end,
                version=1,
                gross_ore=gross,
                calculation={},
                status="approved",
                created_at=NOW,
            )
        )


def test_a_run_plans_again_only_what_has_something_new(service, make_person):
    ufore, dagpenger = make_person(name="Uføre"), make_person(name="Dagpenger")
    ufore_sak, _ = _vedtak(
        service, ufore, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0}
    )
    dp_sak, _ = _vedtak(service, dagpenger, "dagpenger", dt.date(2026, 11, 2), {})
    for person, account in ((ufore, ACCOUNTS[0]), (dagpenger, ACCOUNTS[1])):
        _details(service, person, account, None)
    assert sorted(_to_plan(service, NOVEMBER_RUN)) == sorted([ufore_sak, dp_sak])
    first = service.payment_run(NOVEMBER_RUN)
    assert (first.lines_added, first.order.ordered) == (1, 1)  # no meldekort yet
    assert _to_plan(service, NOVEMBER_RUN) == []  # nothing new: a second run plans nothing
    assert service.payment_run(NOVEMBER_RUN).lines_added == 0
    # a meldekort result is new for the dagpenger sak only
    _approved(service, dp_sak, dagpenger.id, 553000)
    assert _to_plan(service, NOVEMBER_RUN) == [dp_sak]
    assert service.payment_run(NOVEMBER_RUN).order.ordered == 1
    # a new vedtak (a revurdering, stored as the case services leave it) is new
    _vedtak(
        service,
        ufore,
        "uforetrygd",
        dt.date(2026, 11, 1),
        {"monthly_amount": 1200.0},
        sak_id=ufore_sak,
        decided=NOW + dt.timedelta(minutes=1),
    )
    assert _to_plan(service, NOVEMBER_RUN) == [ufore_sak]
    third = service.payment_run(NOVEMBER_RUN)
    assert (third.lines_added, third.order.ordered) == (1, 1)  # the difference of 200 kr
    assert [line.gross_ore for line in _lines(service) if line.person_id == ufore.id] == [
        100000,
        20000,
    ]
    assert _to_plan(service, NOVEMBER_RUN) == []


def test_a_sak_is_planned_again_when_its_next_payment_falls_due(service, make_person):
    person = make_person()
    sak_id, _ = _vedtak(
        service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0}
    )
    _details(service, person, ACCOUNTS[0], None)
    service.payment_run(NOVEMBER_RUN)
    # uføretrygd is paid on the 20th: December's payment is due on 20 December
    assert _to_plan(service, dt.date(2026, 12, 19)) == []
    assert service.payment_run(dt.date(2026, 12, 19)).lines_added == 0
    assert _to_plan(service, dt.date(2026, 12, 20)) == [sak_id]
    december = service.payment_run(dt.date(2026, 12, 20))
    assert (december.lines_added, december.order.ordered) == (1, 1)
    assert [line.period_start.month for line in _lines(service)] == [11, 12]


def test_a_run_for_an_earlier_day_never_takes_back_a_later_plan(service, make_person):
    """A run for 23 November after the one for 21 December: the December line stays, even
    when a new vedtak makes the sak be planned again (it is planned up to 21 December)."""
    person = make_person()
    sak_id, _ = _vedtak(
        service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0}
    )
    _details(service, person, ACCOUNTS[0], None)
    service.payment_run(dt.date(2026, 12, 21))
    assert service.payment_run(NOVEMBER_RUN).lines_added == 0
    _vedtak(
        service,
        person,
        "uforetrygd",
        dt.date(2026, 11, 1),
        {"monthly_amount": 1000.0, "child_supplement_monthly": 100.0},
        sak_id=sak_id,
        decided=NOW + dt.timedelta(minutes=1),
    )
    again = service.payment_run(NOVEMBER_RUN)
    assert again.lines_added == 2  # barnetillegg for November and December, nothing taken back
    lines = _lines(service)
    assert all(line.gross_ore > 0 for line in lines)
    assert {(line.kind, line.period_start.month) for line in lines} == {
        ("uforetrygd", 11),
        ("uforetrygd", 12),
        ("uforetrygd_barnetillegg", 11),
        ("uforetrygd_barnetillegg", 12),
    }
    assert service.ledger_total() == 0


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_audit_records_written_with_copy_reach_the_chain(db_url, service, make_person, monkeypatch):
    """A batch with many audit records writes them with COPY (here from the first record):
    the trigger queues each one for the hash chain as it does for an INSERT."""
    monkeypatch.setattr(unit_of_work, "AUDIT_COPY_FROM", 1)
    for index in range(4):
        person = make_person(name=f"Person {index}")
        _vedtak(service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0})
        _details(service, person, ACCOUNTS[index], None)
    assert service.payment_run(NOVEMBER_RUN).order.ordered == 4
    with service.sessions() as session:
        written = session.scalars(select(AuditRecord.id).order_by(AuditRecord.id)).all()
        pending = session.scalars(select(AuditPending.audit_id).order_by(AuditPending.audit_id))
        assert list(pending) == list(written)
        plan_checks = session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.object_type == "payment_plan")
        )
    assert plan_checks == 4  # one per sak planned
    with service.engine.begin() as connection:
        audit_chain.seal(connection)
    with service.engine.connect() as connection:
        result = audit_chain.verify(connection)
    assert result.broken is None and result.count == len(written)
