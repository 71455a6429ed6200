"""Reading payments (services/payment_views.py) on SQLite and PostgreSQL: a person's own
payments, a caseworker's view of a person's, one payment with its period's corrections, and
the unit's failed payments; each through the access point with its audit record.

The payments are made as the payment run makes them: a stored vedtak, the run, the bank's
status report (pain.002) read back.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from support import NOW, citizen_headers, employee_headers

from trygd.applications.inputs import parse_application
from trygd.bank.pain002 import TransferStatus, write_pain002
from trygd.demo.users import BY_ID
from trygd.privacy.policy import Actor, Role, clearances_from, roles_from
from trygd.rules.record import evaluate_record
from trygd.services import payment_views
from trygd.services.errors import Forbidden, NotFound
from trygd.services.facade import CaseService
from trygd.services.unit_of_work import RequestContext
from trygd.store.models import (
    AuditRecord,
    Behandling,
    DecisionRecordRow,
    PaymentDetails,
    PaymentLine,
    PaymentOrder,
    Person,
    Sak,
    Vedtak,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ACCOUNT = "15030000002"
RUN_DAY = dt.date(2026, 11, 23)


@functools.cache
def _ufore_record() -> dict[str, Any]:
    app = parse_application((EXAMPLES / "uforetrygd-60-prosent.json").read_text())
    return evaluate_record(app.benefit, app.facts, app.claim_date).to_json()


def _vedtak(
    service: CaseService,
    person: Person,
    effective: dt.date,
    monthly: float,
    supplement: float = 0.0,
    *,
    sak_id: uuid.UUID | None = None,
    unit: str = "4405",
    decided: dt.datetime = NOW,
) -> tuple[uuid.UUID, uuid.UUID]:
    """A decided uføretrygd vedtak with the amounts given, stored as the services store one."""
    record = copy.deepcopy(_ufore_record())
    record["amounts"] = {
        **record["amounts"],
        "monthly_amount": monthly,
        "child_supplement_monthly": supplement,
    }
    with service.sessions.begin() as session:
        if sak_id is None:
            sak_id = uuid.uuid4()
            session.add(
                Sak(id=sak_id, person_id=person.id, benefit="uforetrygd", unit=unit, created_at=NOW)
            )
            session.flush()
        record_id, behandling_id, vedtak_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        session.add(
            DecisionRecordRow(
                id=record_id,
                benefit="uforetrygd",
                claim_date=effective,
                ruleset_version="test",
                format="trygd.decision/1",
                record=record,
                created_at=decided,
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
                outcome="granted",
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
                outcome="granted",
                automatic=True,
                decided_at=decided,
                effective_from=effective,
                ruleset_version="test",
                facts={},
                record_id=record_id,
            )
        )
    return sak_id, vedtak_id


def _details(service: CaseService, person: Person, account: str | None, card: Any) -> None:
    with service.sessions.begin() as session:
        session.merge(
            PaymentDetails(
                person_id=person.id,
                account_number=account,
                account_source="test",
                tax_card=card,
                tax_card_year=2026,
                updated_at=NOW - dt.timedelta(days=30),
            )
        )


def _citizen(person: Person) -> RequestContext:
    return RequestContext(
        Actor(f"person:{person.id}", person.name, frozenset({Role.CITIZEN}), None, str(person.id))
    )


def _employee(user: str) -> RequestContext:
    e = BY_ID[user]
    return RequestContext(
        Actor(e.id, e.name, roles_from(e.roles), e.unit, None, clearances_from(e.clearances))
    )


def _reply_from_bank(service: CaseService, statuses: dict[str, str]) -> None:
    """The bank's pain.002 for every order: each line accepted unless `statuses` (keyed by
    "<period start> <kind>") says rejected."""
    with service.sessions() as session:
        orders = list(session.scalars(select(PaymentOrder)))
        lines = list(session.scalars(select(PaymentLine).where(PaymentLine.order_id.is_not(None))))
    for order in orders:
        answers = []
        for line in lines:
            if line.order_id != order.id:
                continue
            wanted = statuses.get(f"{line.period_start.isoformat()} {line.kind}", "accepted")
            code = "RJCT" if wanted == "rejected" else "ACSC"
            reason = "AC04: closed account number" if wanted == "rejected" else None
            answers.append(TransferStatus(line.id.hex, wanted, code, reason))  # type: ignore[arg-type]
        content = write_pain002(f"ST-{order.message_id[-12:]}", NOW, order.message_id, answers)
        service.payments_reconcile(content)


@pytest.fixture
def paid(service, make_person):
    """Gro has uføretrygd with barnetillegg from September 2026, paid by the run of
    23 November with a 30 % tax card; the bank rejected October's uføretrygd. A stranger has
    a case at another unit."""
    gro = make_person(name="Gro Nilsen")
    sak_id, vedtak_id = _vedtak(service, gro, dt.date(2026, 8, 15), 20501.0, 4339.0)
    _details(service, gro, ACCOUNT, {"kind": "percentage", "percentage": "30"})
    other = make_person(name="Ola Annen")
    _vedtak(service, other, dt.date(2026, 9, 1), 10000.0, unit="4450")
    _details(service, other, None, None)  # no account: held
    service.payment_run(RUN_DAY)
    _reply_from_bank(service, {"2026-10-01 uforetrygd": "rejected"})
    return gro, other, sak_id, vedtak_id


def test_a_person_sees_upcoming_and_past_payments_with_amounts_and_the_rule(service, paid):
    gro, _other, _sak, vedtak_id = paid
    mine = service.own_payments(_citizen(gro))
    # September, October and November, each uføretrygd and barnetillegg; October's
    # uføretrygd was rejected and waits as a new attempt.
    assert [(p.period_start, p.kind, p.status) for p in mine.upcoming] == [
        ("2026-10-01", "uforetrygd", "held")
    ]
    attempt = mine.upcoming[0]
    assert (attempt.change, attempt.held_reason, attempt.correction) == (
        "new_attempt",
        "payment_rejected",
        1,
    )
    assert mine.past_total == 6
    november = next(p for p in mine.past if p.period_start == "2026-11-01" and p.part == "benefit")
    assert (november.gross_ore, november.tax_ore, november.net_ore) == (2050100, 615000, 1435100)
    assert november.status == "accepted" and november.paid_on == "2026-11-23"
    assert november.tax is not None and (november.tax.card, november.tax.percent) == (
        "percentage",
        "30",
    )
    assert november.rule.rate_ore == 2050100 and november.rule.schedule == "per_month"
    assert november.rule.legal_basis == "ftrl. § 22-12"
    assert november.rule.vedtak_id == str(vedtak_id)
    supplement = next(p for p in mine.past if p.kind == "uforetrygd_barnetillegg")
    assert supplement.part == "supplement" and supplement.rule.rate_ore == 433900
    rejected = next(p for p in mine.past if p.status == "rejected")
    assert rejected.bank is not None and rejected.bank.reason == "AC04: closed account number"
    # Paid: five lines accepted (the rejected one is not counted).
    assert mine.paid_gross_ore == 3 * (2050100 + 433900) - 2050100
    assert mine.paid_net_ore == mine.paid_gross_ore - mine.paid_tax_ore


def test_reading_own_payments_is_audited_and_a_stranger_gets_nothing(service, paid):
    gro, other, _sak, _vedtak = paid
    service.own_payments(_citizen(gro))
    with service.sessions() as session:
        record = session.scalars(
            select(AuditRecord).where(AuditRecord.object_type == "payments")
        ).one()
    assert (record.person_id, record.outcome, record.action) == (gro.id, "permit", "read_case")
    with service.sessions() as session:
        line_id = session.scalars(
            select(PaymentLine.id).where(PaymentLine.person_id == gro.id)
        ).first()
    with pytest.raises(Forbidden):
        service.get_payment(_citizen(other), str(line_id))
    with pytest.raises(Forbidden):
        service.person_payments(_citizen(other), str(gro.id))


def test_one_payment_shows_its_period_with_the_rejection_and_the_new_attempt(service, paid):
    gro, *_ = paid
    with service.sessions() as session:
        line_id = session.scalars(
            select(PaymentLine.id).where(
                PaymentLine.person_id == gro.id,
                PaymentLine.status == "rejected",
            )
        ).one()
    detail = service.get_payment(_citizen(gro), str(line_id))
    assert [(p.correction, p.status, p.change) for p in detail.period_lines] == [
        (0, "rejected", "first"),
        (1, "held", "new_attempt"),
    ]
    assert detail.payment.id == str(line_id)
    assert detail.to_json()["payment"]["bank"]["status"] == "rejected"


def test_a_caseworker_sees_a_persons_payments_of_the_cases_of_their_unit(service, paid):
    gro, other, *_ = paid
    ingrid = service.person_payments(_employee("Z990201"), str(gro.id))
    assert ingrid.past_total == 6 and len(ingrid.upcoming) == 1
    with pytest.raises(Forbidden):  # Nils (unit 4450) has no case of Gro's
        service.person_payments(_employee("Z990301"), str(gro.id))
    nils = service.person_payments(_employee("Z990301"), str(other.id))
    assert [p.held_reason for p in nils.upcoming] == ["account_number"] * 3
    with pytest.raises(NotFound):
        service.person_payments(_employee("Z990201"), str(uuid.UUID(int=0)))


def test_the_unit_lists_its_held_and_rejected_payments_with_reason_and_task(service, paid):
    gro, other, *_ = paid
    ingrid = service.payment_problems(_employee("Z990201"))
    assert [(i.reason, i.person_name, i.payment.period_start) for i in ingrid.items] == [
        ("payment_rejected", "Gro Nilsen", "2026-10-01")
    ]
    problem = ingrid.items[0]
    assert problem.bank_reason == "AC04: closed account number"
    assert problem.task is not None and problem.task.reason == "payment_rejected"
    nils = service.payment_problems(_employee("Z990301"))
    assert {i.reason for i in nils.items} == {"payment_held_account_number"}
    assert nils.total == 3 and all(i.person_id == str(other.id) for i in nils.items)
    with pytest.raises(Forbidden):  # an approver does not work on payments
        service.payment_problems(_employee("Z990202"))
    with pytest.raises(Forbidden):
        service.payment_problems(_citizen(gro))
    with service.sessions() as session:
        outcomes = [
            (r.actor_id, r.outcome)
            for r in session.scalars(
                select(AuditRecord).where(AuditRecord.object_type == "payment_problems")
            )
        ]
    assert ("Z990201", "permit") in outcomes and ("Z990202", "deny") in outcomes


def test_the_api_answers_with_the_same_payments_and_problem_details(service, client, paid):
    gro, _other, *_ = paid
    mine = client.get("/api/v1/payments", headers=citizen_headers(gro))
    assert mine.status_code == 200
    body = mine.json()
    assert body["past_total"] == 6 and body["upcoming"][0]["status"] == "held"
    one = client.get(f"/api/v1/payments/{body['past'][0]['id']}", headers=citizen_headers(gro))
    assert one.status_code == 200 and one.json()["payment"]["id"] == body["past"][0]["id"]
    staff = client.get(f"/api/v1/persons/{gro.id}/payments", headers=employee_headers("Z990201"))
    assert staff.status_code == 200 and staff.json()["person_name"] == "Gro Nilsen"
    failed = client.get("/api/v1/payment-problems", headers=employee_headers("Z990201"))
    assert failed.status_code == 200 and failed.json()["total"] == 1
    bad = client.get("/api/v1/payments/not-an-id", headers=citizen_headers(gro))
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["field"] == "payment_id"
    assert client.get("/api/v1/payment-problems", headers=citizen_headers(gro)).status_code == 403


def _line(benefit: str, kind: str, start: dt.date, end: dt.date, gross: int) -> PaymentLine:
    """A payment line as the run stores it (not saved: `_rule` reads only its fields)."""
    return PaymentLine(
        id=uuid.uuid4(),
        sak_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        vedtak_id=uuid.uuid4(),
        benefit=benefit,
        kind=kind,
        period_start=start,
        period_end=end,
        correction=0,
        due_date=end,
        gross_ore=gross,
        payee="employer" if kind.endswith("_refusjon") else "person",
        basis="",
        status="planned",
    )


def test_the_rule_of_a_sykepenger_refund_counts_weekdays_and_cites_the_refund():
    line = _line(
        "sykepenger", "sykepenger_refusjon", dt.date(2026, 11, 2), dt.date(2026, 11, 30), 369300
    )
    vedtak = payment_views._Vedtak(NOW, {"daily_payment": 1846.5})
    rule = payment_views._rule(line, vedtak)
    assert (rule.schedule, rule.rate_ore, rule.days) == ("per_weekday", 184650, 21)
    assert rule.legal_basis == "ftrl. § 8-11; ftrl. § 22-3"
    assert payment_views._part(line) == "refund"


def test_the_rule_of_a_meldekort_benefit_names_the_meldekort_period():
    line = _line("aap", "aap", dt.date(2026, 11, 2), dt.date(2026, 11, 15), -50000)
    rule = payment_views._rule(line, payment_views._Vedtak(NOW, {}))
    assert rule.meldekort_period_start == "2026-11-02" and rule.rate_ore is None
    assert rule.legal_basis == "ftrl. § 11-10; ftrl. § 22-15"  # a recovery cites § 22-15
