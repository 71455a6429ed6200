"""Payments on SQLite and PostgreSQL: lines planned from stored vedtak, the payment run, the
ledger, reconciliation with the bank's status report, the daily checks, and (PostgreSQL)
parallel runs and a run killed with SIGKILL.

The tests that write or read bank files (pain.001, pain.002) come last in this module: they
need `trygd.bank`.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import os
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from support import NOW

from trygd.applications.inputs import parse_application
from trygd.domain.payments import ApprovedPeriod
from trygd.rules.record import evaluate_record
from trygd.services import parallel, payments
from trygd.services.facade import SYSTEM_ACTOR, CaseService
from trygd.services.unit_of_work import RequestContext, UnitOfWork
from trygd.store.models import (
    Behandling,
    DecisionRecordRow,
    Job,
    LedgerPosting,
    Oppgave,
    PaymentDetails,
    PaymentLine,
    PaymentOrder,
    PaymentPlanMark,
    Person,
    Sak,
    Vedtak,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ACCOUNTS = ["15030000002", "15030000010", "15030000029", "15030000037", "15030000045"]
SRC = Path(__file__).resolve().parents[2] / "src"


@functools.cache
def _ufore_record() -> dict[str, Any]:
    app = parse_application((EXAMPLES / "uforetrygd-60-prosent.json").read_text())
    return evaluate_record(app.benefit, app.facts, app.claim_date).to_json()


def _record(benefit: str, amounts: dict[str, Any], facts: dict[str, Any] | None = None):
    """A stored decision record: the uføretrygd example's, with the amounts a test needs."""
    record = copy.deepcopy(_ufore_record())
    record["benefit"] = benefit
    record["amounts"] = {**record["amounts"], "child_supplement_monthly": 0.0, **amounts}
    if facts is not None:
        record["input_facts"] = facts
    return record


def _vedtak(
    service: CaseService,
    person: Person,
    benefit: str,
    effective: dt.date,
    amounts: dict[str, Any],
    *,
    sak_id: uuid.UUID | None = None,
    outcome: str = "granted",
    decided: dt.datetime = NOW,
) -> tuple[uuid.UUID, uuid.UUID]:
    """Store a decided behandling and its vedtak (as the case services leave them)."""
    with service.sessions.begin() as session:
        if sak_id is None:
            sak_id = uuid.uuid4()
            session.add(
                Sak(id=sak_id, person_id=person.id, benefit=benefit, unit="4450", created_at=NOW)
            )
            session.flush()
        record_id, behandling_id, vedtak_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        session.add(
            DecisionRecordRow(
                id=record_id,
                benefit=benefit,
                claim_date=effective,
                ruleset_version="test",
                format="trygd.decision/1",
                record=_record(benefit, amounts),
                created_at=NOW,
            )
        )
        session.flush()
        session.add(
            Behandling(
                id=behandling_id,
                sak_id=sak_id,
                kind="forstegangsbehandling",
                state="decided",
                claim_date=effective,
                facts={},
                record_id=record_id,
                outcome=outcome,
                created_at=decided,
                updated_at=decided,
            )
        )
        session.flush()
        session.add(
            Vedtak(
                id=vedtak_id,
                sak_id=sak_id,
                behandling_id=behandling_id,
                outcome=outcome,
                automatic=True,
                decided_at=decided,
                effective_from=effective,
                ruleset_version="test",
                facts={},
                record_id=record_id,
            )
        )
    return sak_id, vedtak_id


def _details(
    service: CaseService,
    person: Person,
    account: str | None,
    card: dict | None = None,
    updated: dt.datetime = NOW,
) -> None:
    with service.sessions.begin() as session:
        session.merge(
            PaymentDetails(
                person_id=person.id,
                account_number=account,
                account_source="test",
                tax_card=card,
                tax_card_year=2026,
                updated_at=updated,
            )
        )


def _system(service: CaseService, use_case):
    return service._run(RequestContext(actor=SYSTEM_ACTOR), use_case)


def _lines(service: CaseService) -> list[PaymentLine]:
    with service.sessions() as session:
        return list(
            session.scalars(
                select(PaymentLine).order_by(
                    PaymentLine.period_start, PaymentLine.kind, PaymentLine.correction
                )
            )
        )


def _plan_all(service: CaseService, until: dt.date) -> int:
    def plan(uow: UnitOfWork) -> int:
        saker = list(uow.session.scalars(select(Sak)))
        return payments.plan_saker(uow, saker, until)[0]

    return _system(service, plan)


# -- planning (no bank files) ---------------------------------------------------------------


def test_iverksetting_stores_the_lines_due_and_again_stores_nothing(service, make_person):
    person = make_person()
    _sak, vedtak_id = _vedtak(
        service,
        person,
        "uforetrygd",
        dt.date(2026, 9, 1),
        {"monthly_amount": 20501.0, "child_supplement_monthly": 4339.0},
    )
    with service.sessions.begin() as session:
        behandling_id = session.get(Vedtak, vedtak_id).behandling_id
        session.get(Behandling, behandling_id).state = "decided"
        session.add(
            Job(
                id=uuid.uuid4(),
                kind="implement_vedtak",
                run_at=NOW,
                payload={"behandling_id": str(behandling_id)},
                status="pending",
                attempts=0,
                created_at=NOW,
            )
        )
    assert service.run_due_jobs() == 1
    lines = _lines(service)
    # September to November 2026 are due by 23 November (paid on the 20th): 3 months x 2 kinds
    assert [(line.period_start.month, line.kind, line.gross_ore) for line in lines] == [
        (9, "uforetrygd", 2050100),
        (9, "uforetrygd_barnetillegg", 433900),
        (10, "uforetrygd", 2050100),
        (10, "uforetrygd_barnetillegg", 433900),
        (11, "uforetrygd", 2050100),
        (11, "uforetrygd_barnetillegg", 433900),
    ]
    assert {line.status for line in lines} == {"planned"}
    assert {line.vedtak_id for line in lines} == {vedtak_id}
    assert _plan_all(service, dt.date(2026, 11, 23)) == 0
    assert len(_lines(service)) == 6


def test_a_revurdering_adds_correction_lines_with_the_difference(service, make_person):
    person = make_person()
    sak_id, _ = _vedtak(
        service, person, "uforetrygd", dt.date(2026, 9, 1), {"monthly_amount": 20000.0}
    )
    assert _plan_all(service, dt.date(2026, 11, 23)) == 3
    _vedtak(
        service,
        person,
        "uforetrygd",
        dt.date(2026, 10, 15),  # from the month after: November
        {"monthly_amount": 19000.0},
        sak_id=sak_id,
        decided=NOW + dt.timedelta(minutes=1),
    )
    assert _plan_all(service, dt.date(2026, 11, 23)) == 1
    lines = _lines(service)
    november = [line for line in lines if line.period_start == dt.date(2026, 11, 1)]
    assert [(line.correction, line.gross_ore) for line in november] == [(0, 2000000), (1, -100000)]
    # the id is the deterministic one, so it cannot be stored twice
    assert november[1].id == payments.plan_domain.line_id(
        payments.PaymentKey(sak_id, "uforetrygd", dt.date(2026, 11, 1), dt.date(2026, 11, 30)), 1
    )


def test_dagpenger_lines_come_from_approved_meldekort(service, make_person, monkeypatch):
    person = make_person()
    _vedtak(service, person, "dagpenger", dt.date(2026, 10, 5), {})
    card = uuid.uuid4()
    periods = [
        ApprovedPeriod(card, dt.date(2026, 10, 5), dt.date(2026, 10, 18), 1, 553000),
        ApprovedPeriod(card, dt.date(2026, 10, 5), dt.date(2026, 10, 18), 2, 442400),
        ApprovedPeriod(uuid.uuid4(), dt.date(2026, 11, 16), dt.date(2026, 11, 29), 1, 553000),
    ]
    monkeypatch.setattr(payments, "meldekort_periods", lambda uow, ids: {i: periods for i in ids})
    assert _plan_all(service, dt.date(2026, 11, 23)) == 1  # the second period is not over
    (line,) = _lines(service)
    assert (line.kind, line.gross_ore, line.due_date) == (
        "dagpenger",
        442400,
        dt.date(2026, 10, 19),
    )
    assert "version 2" in line.basis


def test_the_ledger_is_append_only(service, make_person):
    person = make_person()
    _vedtak(service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 100.0})
    _plan_all(service, dt.date(2026, 11, 23))
    (line,) = _lines(service)
    with service.sessions.begin() as session:
        session.add(
            LedgerPosting(
                line_id=line.id,
                person_id=person.id,
                benefit="uforetrygd",
                transaction="test",
                account="bank",
                amount_ore=1,
                posted_at=NOW,
            )
        )
    refused = r"append-only|permission denied"
    with pytest.raises(Exception, match=refused), service.sessions.begin() as session:
        session.execute(LedgerPosting.__table__.update().values(amount_ore=2))
    with pytest.raises(Exception, match=refused), service.sessions.begin() as session:
        session.execute(LedgerPosting.__table__.delete())


def test_approval_is_blocked_when_the_simulation_differs_by_one_krone(
    client, service, make_person, monkeypatch
):
    """Simulation must equal execution: the caseworker's simulation is kept with the proposal
    and run again at approval; one krone more in one period blocks the approval (409)."""
    from support import aap_application, citizen_headers, employee_headers

    me = citizen_headers(make_person("Sara Dahl"))
    case = client.post("/api/v1/applications", json=aap_application(), headers=me).json()
    bid = case["behandling_id"]
    gross = {"value": 1023000}
    periods = lambda uow, ids: {  # noqa: E731 - the approved meldekort of the test
        sid: [
            ApprovedPeriod(
                uuid.UUID(int=1), dt.date(2026, 11, 2), dt.date(2026, 11, 15), 1, gross["value"]
            )
        ]
        for sid in ids
    }
    monkeypatch.setattr(payments, "meldekort_periods", periods)
    kari, ola = employee_headers("Z990101"), employee_headers("Z990102")
    proposed = client.post(
        f"/api/v1/behandlinger/{bid}/propose", json={"version": case["version"]}, headers=kari
    )
    assert proposed.status_code == 200, proposed.text
    stored = _system(service, lambda uow: payments.stored_simulation(uow, uuid.UUID(bid)))
    assert [(p.kind, p.proposed_ore, p.paid_ore) for p in stored.periods] == [("aap", 1023000, 0)]
    assert stored.etterbetaling_ore == 1023000
    gross["value"] += 100  # one krone more now
    blocked = client.post(
        f"/api/v1/behandlinger/{bid}/approve",
        json={"version": proposed.json()["version"]},
        headers=ola,
    )
    assert blocked.status_code == 409, blocked.text
    assert blocked.headers["content-type"].startswith("application/problem+json")
    problem = blocked.json()
    assert problem["code"] == "simulation_differs"
    assert "aap 2026-11-02–2026-11-15" in problem["detail"]
    with service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Vedtak)) == 0
    gross["value"] -= 100
    approved = client.post(
        f"/api/v1/behandlinger/{bid}/approve",
        json={"version": proposed.json()["version"]},
        headers=ola,
    )
    assert approved.status_code == 200, approved.text


# -- the run, the ledger and reconciliation (these need trygd.bank) --------------------------


def _three_people(service, make_person):
    """Three uføretrygd cases due in November: one with a percentage card, one without a card,
    one without an account (held)."""
    people = [make_person(name=f"Person {i}") for i in range(3)]
    for person in people:
        _vedtak(
            service,
            person,
            "uforetrygd",
            dt.date(2026, 11, 1),
            {"monthly_amount": 20501.0, "child_supplement_monthly": 0.0},
        )
    _details(service, people[0], ACCOUNTS[0], {"kind": "percentage", "percentage": "30"})
    _details(service, people[1], ACCOUNTS[1], None)
    _details(service, people[2], None, {"kind": "percentage", "percentage": "30"})
    return people


def test_a_run_pays_each_due_line_once_and_the_ledger_balances(service, make_person):
    people = _three_people(service, make_person)
    first = service.payment_run(dt.date(2026, 11, 23))
    assert (first.lines_added, first.order.ordered, first.order.held) == (3, 2, 1)
    lines = {line.person_id: line for line in _lines(service)}
    paid = lines[people[0].id]
    assert (paid.status, paid.gross_ore, paid.tax_ore, paid.net_ore) == (
        "ordered",
        2050100,
        615000,  # 30 % of 20 501 kr = 6 150.30 kr, rounded down to whole kroner
        2050100 - 615000,
    )
    assert lines[people[1].id].tax_ore == 1025000  # no tax card: 50 %
    assert (lines[people[2].id].status, lines[people[2].id].held_reason) == (
        "held",
        "account_number",
    )
    assert first.order.ordered_net_ore == (2050100 - 615000) + (2050100 - 1025000)
    again = service.payment_run(dt.date(2026, 11, 23))
    assert (again.lines_added, again.order.ordered, again.order.message_id) == (0, 0, None)
    assert service.ledger_total() == 0
    with service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PaymentOrder)) == 1
        tasks = session.scalars(select(Oppgave.reason).where(Oppgave.person_id == people[2].id))
        assert list(tasks) == ["payment_held_account_number"]
    balances = _system(service, lambda uow: payments.balances(uow, people[0].id))
    assert ("uforetrygd", "payable") not in balances
    assert balances[("uforetrygd", "expense")] == 2050100
    assert balances[("uforetrygd", "tax")] == -615000
    assert balances[("uforetrygd", "bank")] == -(2050100 - 615000)
    # the account is registered: the held line is paid by the next run, once
    _details(service, people[2], ACCOUNTS[2], {"kind": "percentage", "percentage": "30"})
    third = service.payment_run(dt.date(2026, 11, 24))
    assert (third.order.ordered, third.order.held) == (1, 0)
    assert service.ledger_total() == 0


def test_a_large_run_is_ordered_in_batches_of_one_file_each(service, make_person):
    _many(service, make_person, 5)  # 5 persons x 3 months
    result = service.payment_run(dt.date(2026, 11, 23), order_batch=4)
    assert result.order.ordered == 15
    assert len(result.order.message_ids) == 4  # 4 + 4 + 4 + 3
    _once_each(service, 15)
    assert service.payment_run(dt.date(2026, 11, 23), order_batch=4).order.ordered == 0


def test_a_held_payment_is_a_task_a_caseworker_of_the_unit_can_take(client, service, make_person):
    from support import employee_headers

    person = make_person()
    _vedtak(service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0})
    service.payment_run(dt.date(2026, 11, 23))  # no payment details: held
    nils = employee_headers("Z990301")  # caseworker at 4450, the unit of the sak
    tasks = client.get("/api/v1/tasks", headers=nils).json()["items"]
    (task,) = [t for t in tasks if t["kind"] == "payment"]
    assert task["reason"] == "payment_held_account_number"
    taken = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=nils)
    assert taken.status_code == 200, taken.text


def test_a_table_card_without_a_table_amount_holds_the_payment(service, make_person):
    person = make_person()
    _vedtak(service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 20501.0})
    _details(service, person, ACCOUNTS[0], {"kind": "table", "table_number": "8010"})
    result = service.payment_run(dt.date(2026, 11, 23))
    assert (result.order.ordered, result.order.held) == (0, 1)
    (line,) = _lines(service)
    assert (line.status, line.held_reason, line.tax_ore) == ("held", "tax_table_amount", None)


def _status_file(order: PaymentOrder, lines: list[PaymentLine], statuses: list[str]) -> bytes:
    from trygd.bank.pain002 import TransferStatus, write_pain002

    codes = {"accepted": "ACSC", "rejected": "RJCT", "accepted_with_warning": "ACWC"}
    return write_pain002(
        f"STATUS-{order.message_id[-12:]}",
        NOW,
        order.message_id,
        [
            TransferStatus(
                line.id.hex,
                status,  # type: ignore[arg-type]
                codes[status],
                "AC01: wrong account number" if status == "rejected" else None,
            )
            for line, status in zip(lines, statuses, strict=True)
        ],
    )


def test_reconcile_counts_and_sums_and_reopens_a_rejected_payment(service, make_person):
    people = [make_person(name=f"Person {i}") for i in range(3)]
    for index, person in enumerate(people):
        _vedtak(service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0})
        _details(service, person, ACCOUNTS[index], {"kind": "frikort"})
    service.payment_run(dt.date(2026, 11, 23))
    lines = sorted(_lines(service), key=lambda line: line.id)
    with service.sessions() as session:
        order = session.scalars(select(PaymentOrder)).one()
    content = _status_file(order, lines[:2], ["accepted", "rejected"])  # the third: no status
    result = service.payments_reconcile(content)
    assert (result.accepted.count, result.accepted.sum_ore) == (1, 100000)
    assert (result.rejected.count, result.rejected.sum_ore) == (1, 100000)
    assert (result.missing.count, result.missing.sum_ore) == (1, 100000)
    assert (result.ordered.count, result.ordered.sum_ore) == (3, 300000)
    assert result.reopened == 1 and result.differences == []
    after = _lines(service)
    rejected = next(line for line in after if line.id == lines[1].id)
    attempt = next(
        line for line in after if line.person_id == rejected.person_id and line.correction == 1
    )
    assert rejected.status == "rejected"
    assert (attempt.status, attempt.gross_ore, attempt.held_reason) == (
        "held",
        100000,
        "payment_rejected",
    )
    assert service.ledger_total() == 0
    with service.sessions() as session:
        reasons = list(session.scalars(select(Oppgave.reason)))
    assert reasons == ["payment_rejected"]
    # the same file read again changes nothing
    again = service.payments_reconcile(content)
    assert again.already_read == 2 and again.reopened == 0
    # the new attempt waits until the account is changed, then the next run pays it
    waiting = service.payment_run(dt.date(2026, 11, 24))
    assert (waiting.order.ordered, waiting.order.held) == (0, 1)
    person = next(p for p in people if p.id == rejected.person_id)
    _details(service, person, ACCOUNTS[4], {"kind": "frikort"}, NOW + dt.timedelta(hours=1))
    next_run = service.payment_run(dt.date(2026, 11, 25))
    assert next_run.order.ordered == 1
    assert service.ledger_total() == 0


def test_an_order_without_status_after_the_deadline_raises_one_alarm(service, make_person, clock):
    person = make_person()
    _vedtak(service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0})
    _details(service, person, ACCOUNTS[0], None)
    service.payment_run(dt.date(2026, 11, 23))
    clock.now = NOW + dt.timedelta(hours=47)
    assert _system(service, payments.status_alarms) == 0
    clock.now = NOW + dt.timedelta(hours=49)
    assert _system(service, payments.status_alarms) == 1
    assert _system(service, payments.status_alarms) == 0
    with service.sessions() as session:
        assert list(session.scalars(select(Oppgave.reason))) == ["payment_status_missing"]


def test_the_daily_check_finds_a_period_paid_twice(service, make_person):
    person = make_person()
    _vedtak(service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0})
    _details(service, person, ACCOUNTS[0], None)
    service.payment_run(dt.date(2026, 11, 23))
    assert service.double_payment_check() == 0
    (line,) = _lines(service)
    with service.sessions.begin() as session:  # what the constraints cannot see
        twin = PaymentLine(
            **{
                c.name: getattr(line, c.name)
                for c in PaymentLine.__table__.columns
                if c.name not in ("id", "correction", "order_id")
            },
            id=uuid.uuid4(),
            correction=1,
        )
        session.add(twin)
    assert service.double_payment_check() == 1
    assert service.double_payment_check() == 1  # found again, but the task is not repeated
    with service.sessions() as session:
        assert list(session.scalars(select(Oppgave.reason))) == ["double_payment_suspected"]


def test_a_raise_paid_as_a_correction_is_not_a_double_payment(service, make_person):
    """A revurdering that doubles the amount pays the same sum again as a correction line:
    the plan says so, so the check finds nothing."""
    person = make_person()
    sak_id, _ = _vedtak(
        service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0}
    )
    _details(service, person, ACCOUNTS[0], None)
    service.payment_run(dt.date(2026, 11, 23))
    _vedtak(
        service,
        person,
        "uforetrygd",
        dt.date(2026, 11, 1),
        {"monthly_amount": 2000.0},
        sak_id=sak_id,
        decided=NOW + dt.timedelta(minutes=1),
    )
    service.payment_run(dt.date(2026, 11, 24))
    assert [(line.correction, line.gross_ore, line.status) for line in _lines(service)] == [
        (0, 100000, "ordered"),
        (1, 100000, "ordered"),
    ]
    assert service.double_payment_check() == 0


def test_the_scheduled_job_runs_the_payments_and_queues_the_next_day(service, make_person):
    person = make_person()
    _vedtak(service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0})
    _details(service, person, ACCOUNTS[0], None)
    assert service.schedule_payment_jobs(dt.date(2026, 11, 23)) == 2
    assert service.schedule_payment_jobs(dt.date(2026, 11, 23)) == 0
    with service.sessions.begin() as session:
        for job in session.scalars(select(Job)):
            job.run_at = NOW
    assert service.run_due_jobs() == 2
    assert [line.status for line in _lines(service)] == ["ordered"]
    with service.sessions() as session:
        pending = session.scalars(select(Job.kind).where(Job.status == "pending")).all()
        failed = session.scalars(select(Job.last_error).where(Job.status != "done")).all()
    assert sorted(pending) == ["payment_checks", "payment_run"], failed


# -- PostgreSQL: parallel runs and SIGKILL ---------------------------------------------------


def test_a_run_planned_in_worker_processes_plans_each_sak_once(
    db_url, service, make_person, monkeypatch
):
    """`trygd payments run` plans in worker processes on PostgreSQL: each batch of saker in
    a process of its own, with its own engine; the lines and the ledger are those of a run
    in one process, and a second run finds nothing new."""
    if not db_url.startswith("postgresql"):
        pytest.skip("worker processes plan on PostgreSQL (SQLite has one writer)")
    _many(service, make_person, 5)  # 5 persons x 3 months
    batches: list[int] = []
    in_processes = parallel.in_processes

    def counted(make_work: Any, items: list[Any], processes: int, done: Any) -> None:
        batches.append(len(items))
        in_processes(make_work, items, processes, done)

    monkeypatch.setattr(parallel, "in_processes", counted)
    first = service.payment_run(dt.date(2026, 11, 23), batch=2, processes=2)
    assert (first.lines_added, first.order.ordered) == (15, 15)
    assert batches == [3]  # 2 + 2 + 1 saker, in the worker processes
    _once_each(service, 15)
    with service.sessions() as session:
        marks = session.scalar(select(func.count()).select_from(PaymentPlanMark))
    assert marks == 5
    again = service.payment_run(dt.date(2026, 11, 23), batch=2, processes=2)
    assert (again.lines_added, again.order.ordered) == (0, 0)
    _once_each(service, 15)


def _many(service, make_person, count: int) -> list[Person]:
    people = []
    for index in range(count):
        person = make_person(name=f"Person {index}")
        _vedtak(service, person, "uforetrygd", dt.date(2026, 9, 1), {"monthly_amount": 1000.0})
        _details(service, person, ACCOUNTS[index % len(ACCOUNTS)], None)
        people.append(person)
    return people


def _once_each(service, expected_lines: int) -> None:
    lines = _lines(service)
    assert len(lines) == expected_lines
    assert {line.status for line in lines} == {"ordered"}
    with service.sessions() as session:
        ordered = session.scalar(select(func.sum(PaymentOrder.transfers)))
        payments_posted = session.scalar(
            select(func.count())
            .select_from(LedgerPosting)
            .where(LedgerPosting.transaction == "payment")
        )
    assert ordered == expected_lines
    assert payments_posted == 2 * expected_lines
    assert service.ledger_total() == 0


def test_two_runs_at_once_pay_each_line_once(db_url, service, make_person):
    if not db_url.startswith("postgresql"):
        pytest.skip("parallel runs are a PostgreSQL matter (SQLite has one writer)")
    _many(service, make_person, 12)
    _plan_all(service, dt.date(2026, 11, 23))
    run_id = _system(
        service, lambda uow: payments.claim_run(uow, dt.date(2026, 11, 23), "test:0:0")
    )
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def order() -> None:
        """Two transactions order at once, past the run's claim: only the row locks and the
        line statuses keep a line from being ordered twice."""

        def use_case(uow: UnitOfWork) -> Any:
            barrier.wait(timeout=30)
            return payments.order_due(uow, run_id, None, dt.date(2026, 11, 23))

        try:
            results.append(_system(service, use_case))
        except Exception as error:
            results.append(error)

    threads = [threading.Thread(target=order) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(not isinstance(r, Exception) for r in results), results
    assert sum(r.ordered for r in results) == 36
    _once_each(service, 36)
    # and two whole runs at once: one pays, the other is refused or finds nothing
    outcomes: list[Any] = []

    def whole() -> None:
        try:
            outcomes.append(service.payment_run(dt.date(2026, 11, 24)))
        except payments.RunBusy as error:
            outcomes.append(error)

    threads = [threading.Thread(target=whole) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    _once_each(service, 36)


def _cli(db_url: str, *args: str) -> subprocess.Popen[str]:
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "TRYGD_DATABASE_URL": db_url, "PYTHONPATH": path}
    return subprocess.Popen(
        [sys.executable, "-c", "from trygd.cli.main import app; app()", "payments", "run", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _kill_at(db_url: str, step: str, *args: str) -> None:
    process = _cli(db_url, *args, "--pause-at", step)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("paused at"):
            break
    else:
        raise AssertionError(f"the run never reached {step}: exit {process.wait()}")
    process.send_signal(signal.SIGKILL)
    process.wait(30)


@pytest.mark.parametrize("step", ["plan#2", "order"])
def test_a_run_killed_with_sigkill_and_run_again_pays_every_line_once(
    db_url, service, make_person, tmp_path, step
):
    if not db_url.startswith("postgresql"):
        pytest.skip("the kill -9 test runs on PostgreSQL")
    _many(service, make_person, 6)
    date = "2026-11-23"
    _kill_at(db_url, step, "--date", date, "--batch", "2")
    with service.sessions() as session:  # killed half-way: what was committed stays
        assert session.scalar(select(func.count()).select_from(PaymentOrder)) == 0
        planned = session.scalar(select(func.count()).select_from(PaymentLine))
    assert planned == (6 if step == "plan#2" else 18)  # one batch of 2 saker x 3 months
    out = tmp_path / "order.xml"
    again = _cli(db_url, "--date", date, "--out", str(out))
    output, _ = again.communicate(timeout=120)
    assert again.returncode == 0, output
    _once_each(service, 18)
    from trygd.bank.pain001 import validate_pain001

    validate_pain001(out.read_bytes())
    third = _cli(db_url, "--date", date)
    output, _ = third.communicate(timeout=120)
    assert third.returncode == 0, output
    _once_each(service, 18)
