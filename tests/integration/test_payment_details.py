"""Payment details through the API on SQLite and PostgreSQL: the person's own account number,
a caseworker registering one sent by post, the tax card from Skatteetaten, and an employer's
refund claim for sykepenger (ftrl. § 22-3), which the payment run then pays to the employer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import func, select
from support import citizen_headers, employee_headers

from trygd.services.errors import InvalidInput
from trygd.store.models import AuditRecord, PaymentDetails, PaymentLine, PaymentOrder

API = "/api/v1"
GOOD_ACCOUNT = "8601 11 17947"
BAD_CHECK_DIGIT = "8601 11 17948"
EMPLOYER_ACCOUNT = "15030000002"
ORGANISATION = "974760673"  # a real organisation number's form (MOD11 valid)
SARA = "Z990401"  # caseworker at 4488, NAV's sykepenger unit
NILS = "Z990301"  # caseworker at 4450, another unit


def _problem(answer: Any, status: int, field: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in answer.text


def _audits(service: Any, action: str) -> list[AuditRecord]:
    with service.sessions() as session:
        return list(session.scalars(select(AuditRecord).where(AuditRecord.action == action)))


def test_a_person_gives_and_reads_their_own_account(client, service, make_person):
    anna = make_person(name="Anna Konto")
    me = citizen_headers(anna)
    empty = client.get(f"{API}/me/payment-details", headers=me)
    assert empty.status_code == 200 and empty.json()["account_number"] is None
    changed = client.put(
        f"{API}/me/payment-details/account", json={"account_number": GOOD_ACCOUNT}, headers=me
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["account_number"] == "86011117947"
    assert changed.json()["account_source"] == "person"
    again = client.get(f"{API}/me/payment-details", headers=me).json()
    assert again["account_number"] == "86011117947"
    assert [a.outcome for a in _audits(service, "change_account")] == ["permit"]
    assert {str(a.person_id) for a in _audits(service, "read_payment_details")} == {str(anna.id)}


def test_a_wrong_account_names_the_field_and_changes_nothing(client, make_person):
    anna = make_person()
    me = citizen_headers(anna)
    for body, field in (
        ({"account_number": BAD_CHECK_DIGIT}, "account_number"),
        ({"account_number": "12"}, "account_number"),
        ({"account_number": "NO93 8601 1117 948"}, "account_number"),
        ({"account_number": GOOD_ACCOUNT, "name": "x"}, "name"),
        ({}, "account_number"),
    ):
        answer = client.put(f"{API}/me/payment-details/account", json=body, headers=me)
        _problem(answer, 422, field)
        assert "17948" not in answer.text  # an account number is not repeated in errors
    assert client.get(f"{API}/me/payment-details", headers=me).json()["account_number"] is None


def test_an_employee_cannot_use_the_self_service_account(client, service):
    answer = client.put(
        f"{API}/me/payment-details/account",
        json={"account_number": GOOD_ACCOUNT},
        headers=employee_headers(SARA),
    )
    assert answer.status_code == 403


def _sykepenger(client: Any, person: Any, refund: bool) -> dict[str, Any]:
    body = {
        "benefit": "sykepenger",
        "claim_date": "2026-10-26",
        "facts": {
            "birth_date": "1985-03-14",
            "folketrygd_member": True,
            "days_in_work": 3650,
            "incapacity_due_to_illness": True,
            "loses_pensionable_income": True,
            "yearly_income": 520000,
            "sick_leave_periods": [{"from": "2026-10-26", "to": "2026-11-20", "grade": 100}],
            "sick_leave_history": [],
            "employer_refund": refund,
        },
    }
    answer = client.post(f"{API}/applications", json=body, headers=citizen_headers(person))
    assert answer.status_code == 201, answer.text
    case = answer.json()
    assert case["outcome"] == "granted", case
    return case


def test_a_caseworker_registers_an_account_sent_by_post_with_a_reason(client, service, make_person):
    anna = make_person()
    _sykepenger(client, anna, refund=False)
    path = f"{API}/persons/{anna.id}/payment-details/account"
    _problem(
        client.put(path, json={"account_number": GOOD_ACCOUNT}, headers=employee_headers(SARA)),
        422,
        "reason",
    )
    ok = client.put(
        path,
        json={"account_number": GOOD_ACCOUNT, "reason": "Skjema mottatt per post 20.11.2026"},
        headers=employee_headers(SARA),
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["account_source"] == "caseworker"
    other_unit = client.put(
        path,
        json={"account_number": GOOD_ACCOUNT, "reason": "x"},
        headers=employee_headers(NILS),
    )
    assert other_unit.status_code == 403
    read = client.get(f"{API}/persons/{anna.id}/payment-details", headers=employee_headers(SARA))
    assert read.json()["account_number"] == "86011117947"


def test_tax_cards_from_skatteetaten_are_registered_all_or_nothing(service, make_person):
    anna, ola = make_person(name="Anna"), make_person(name="Ola")
    good = [
        {
            "identity_number": anna.identity_number,
            "year": 2026,
            "tax_card": {"kind": "percentage", "percentage": 32.5},
        },
        {"identity_number": ola.identity_number, "year": 2026, "tax_card": None},
    ]
    for index, entry, field in (
        (1, {**good[1], "tax_card": {"kind": "percentage", "percentage": 101}}, "percentage"),
        (1, {**good[1], "tax_card": {"kind": "percentage"}}, "percentage"),
        (1, {**good[1], "tax_card": {"kind": "table"}}, "table_number"),
        (1, {**good[1], "tax_card": {"kind": "guess"}}, "kind"),
        (1, {**good[1], "year": 1900}, "year"),
        (1, {k: v for k, v in good[1].items() if k != "tax_card"}, "tax_card"),
        (1, {**good[1], "identity_number": "01010112345"}, "identity_number"),
    ):
        with pytest.raises(InvalidInput) as refused:
            service.import_tax_cards([good[0], entry])
        assert f"[{index}]." in str(refused.value) and field in str(refused.value)
    with service.sessions() as session:  # nothing of a refused file was kept
        assert session.scalar(select(func.count()).select_from(PaymentDetails)) == 0
    assert service.import_tax_cards(good) == 2
    with service.sessions() as session:
        stored = {d.person_id: d for d in session.scalars(select(PaymentDetails))}
    assert stored[anna.id].tax_card == {"kind": "percentage", "percentage": "32.5"}
    assert stored[ola.id].tax_card is None and stored[ola.id].tax_card_year == 2026
    assert len(_audits(service, "register_tax_card")) == 2


def test_a_refund_claim_needs_a_valid_employer_and_a_per_day_benefit(client, service, make_person):
    anna = make_person()
    case = _sykepenger(client, anna, refund=True)
    path = f"{API}/cases/{case['sak_id']}/refund-claim"
    good = {
        "organisation_number": ORGANISATION,
        "employer_name": "Bakeriet AS",
        "account_number": EMPLOYER_ACCOUNT,
    }
    _problem(
        client.put(
            path, json={**good, "organisation_number": "974760674"}, headers=employee_headers(SARA)
        ),
        422,
        "organisation_number",
    )
    _problem(
        client.put(path, json={**good, "employer_name": " "}, headers=employee_headers(SARA)),
        422,
        "employer_name",
    )
    assert client.get(path, headers=employee_headers(SARA)).json() is None
    assert client.put(path, json=good, headers=employee_headers(NILS)).status_code == 403
    ok = client.put(path, json=good, headers=employee_headers(SARA))
    assert ok.status_code == 200, ok.text
    assert ok.json()["organisation_number"] == ORGANISATION
    assert client.get(path, headers=employee_headers(SARA)).json()["employer_name"] == "Bakeriet AS"


def test_sykepenger_refunded_to_the_employer_are_paid_to_the_claims_account(
    client, service, make_person
):
    anna = make_person(name="Anna Sykmeldt")
    case = _sykepenger(client, anna, refund=True)
    client.put(
        f"{API}/me/payment-details/account",
        json={"account_number": GOOD_ACCOUNT},
        headers=citizen_headers(anna),
    )
    run_day = dt.date(2026, 12, 31)
    first = service.payment_run(run_day)
    assert first.lines_added >= 1
    with service.sessions() as session:
        lines = list(session.scalars(select(PaymentLine)))
    assert {(line.payee, line.kind, line.status, line.held_reason) for line in lines} == {
        ("employer", "sykepenger_refusjon", "held", "account_number")
    }
    client.put(
        f"{API}/cases/{case['sak_id']}/refund-claim",
        json={
            "organisation_number": ORGANISATION,
            "employer_name": "Bakeriet AS",
            "account_number": EMPLOYER_ACCOUNT,
        },
        headers=employee_headers(SARA),
    )
    second = service.payment_run(run_day + dt.timedelta(days=1))
    assert second.order.ordered == len(lines)
    assert second.order.held == 0
    with service.sessions() as session:
        lines = list(session.scalars(select(PaymentLine)))
        (order,) = session.scalars(select(PaymentOrder))
    assert {(line.status, line.payee_account) for line in lines} == {("ordered", EMPLOYER_ACCOUNT)}
    document = etree.fromstring(order.content)
    names = [n.text for n in document.iter("{*}Nm")]
    assert "Bakeriet AS" in names and "Anna Sykmeldt" not in names
    assert service.ledger_total() == 0


def test_sykepenger_without_refund_are_paid_to_the_person(client, service, make_person):
    anna = make_person(name="Anna Sykmeldt")
    _sykepenger(client, anna, refund=False)
    client.put(
        f"{API}/me/payment-details/account",
        json={"account_number": GOOD_ACCOUNT},
        headers=citizen_headers(anna),
    )
    result = service.payment_run(dt.date(2026, 12, 31))
    assert result.order.ordered >= 1 and result.order.held == 0
    with service.sessions() as session:
        lines = list(session.scalars(select(PaymentLine)))
    assert {(line.payee, line.kind, line.payee_account) for line in lines} == {
        ("person", "sykepenger", "86011117947")
    }
