"""`trygd payments run` and `trygd payments reconcile` on SQLite and PostgreSQL: files written
and read back, and bad input answered with exit code 2 and the field, never a traceback."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from support import NOW
from test_payments import ACCOUNTS, _details, _lines, _vedtak
from typer.testing import CliRunner

from trygd.bank.pain001 import validate_pain001
from trygd.bank.pain002 import TransferStatus, write_pain002
from trygd.cli.main import app
from trygd.services import payments
from trygd.services.facade import SYSTEM_ACTOR
from trygd.services.unit_of_work import RequestContext
from trygd.store.models import PaymentOrder, PaymentRun

runner = CliRunner()


def _invoke(db_url: str, *args: str):
    return runner.invoke(app, ["payments", *args], env={"TRYGD_DATABASE_URL": db_url})


def test_run_writes_a_valid_order_and_reconcile_reads_the_answer(
    db_url, service, make_person, tmp_path
):
    people = [make_person(name=f"Person {i}") for i in range(2)]
    for index, person in enumerate(people):
        _vedtak(service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0})
        _details(service, person, ACCOUNTS[index], {"kind": "percentage", "percentage": "30"})
    out = tmp_path / "order.xml"
    result = _invoke(db_url, "run", "--date", "2026-11-23", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "payments ordered" in result.output
    validate_pain001(out.read_bytes())
    again = _invoke(db_url, "run", "--date", "2026-11-23", "--out", str(tmp_path / "two.xml"))
    assert again.exit_code == 0, again.output
    assert not (tmp_path / "two.xml").exists()  # nothing new to pay, nothing written
    with service.sessions() as session:
        order = session.scalars(select(PaymentOrder)).one()
    lines = sorted(_lines(service), key=lambda line: line.id)
    status = tmp_path / "status.xml"
    status.write_bytes(
        write_pain002(
            "STATUS-1",
            NOW,
            order.message_id,
            [
                TransferStatus(lines[0].id.hex, "accepted", "ACSC", None),
                TransferStatus(lines[1].id.hex, "rejected", "RJCT", "AC01: wrong account"),
            ],
        )
    )
    read = _invoke(db_url, "reconcile", "--status", str(status))
    assert read.exit_code == 0, read.output
    assert "rejected" in read.output and "reopened (new attempt, task opened): 1" in read.output
    assert service._run(RequestContext(actor=SYSTEM_ACTOR), payments.ledger_total) == 0


def test_a_missing_status_gives_exit_code_1(db_url, service, make_person, tmp_path):
    person = make_person()
    _vedtak(service, person, "uforetrygd", dt.date(2026, 11, 1), {"monthly_amount": 1000.0})
    _details(service, person, ACCOUNTS[0], None)
    assert _invoke(db_url, "run", "--date", "2026-11-23").exit_code == 0
    with service.sessions() as session:
        order = session.scalars(select(PaymentOrder)).one()
    status = tmp_path / "status.xml"
    status.write_bytes(write_pain002("STATUS-2", NOW, order.message_id, []))
    read = _invoke(db_url, "reconcile", "--status", str(status))
    assert read.exit_code == 1, read.output
    assert "missing" in read.output


def test_bad_input_is_exit_code_2_with_the_field(db_url, tmp_path):
    cases = [
        (["run", "--date", "2026-02-30"], "--date"),
        (["run", "--date", "2026-11-23", "--out", str(tmp_path / "no" / "x.xml")], "--out"),
        (["reconcile", "--status", str(tmp_path / "absent.xml")], "--status"),
    ]
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"<not-a-status-report/>")
    cases.append((["reconcile", "--status", str(garbage)], "status"))
    for args, field in cases:
        result = _invoke(db_url, *args)
        assert result.exit_code == 2, (args, result.output)
        assert field in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_a_claim_held_elsewhere_refuses_the_run_until_its_lease_runs_out(db_url, service):
    """Exit code 1 while another machine's run holds the claim; once its lease has run out
    (a crashed run) the next run takes the claim over and goes on."""
    holder = "another-machine:1:x"
    service._run(
        RequestContext(actor=SYSTEM_ACTOR),
        lambda uow: payments.claim_run(uow, dt.date(2026, 11, 23), holder),
    )
    now = dt.datetime.now(dt.UTC)
    with service.sessions.begin() as session:
        run = session.scalars(select(PaymentRun)).one()
        run.lease_until = now + dt.timedelta(minutes=10)
    refused = _invoke(db_url, "run", "--date", "2026-11-23")
    assert refused.exit_code == 1, refused.output
    assert "in progress" in refused.output
    with service.sessions.begin() as session:
        session.scalars(select(PaymentRun)).one().lease_until = now - dt.timedelta(seconds=1)
    taken_over = _invoke(db_url, "run", "--date", "2026-11-23")
    assert taken_over.exit_code == 0, taken_over.output
    with service.sessions() as session:
        run = session.scalars(select(PaymentRun)).one()
    assert (run.status, run.attempts) == ("finished", 2)


def test_tax_cards_are_registered_from_a_file_and_a_bad_file_is_exit_code_2(
    db_url, service, make_person, tmp_path
):
    import json

    from trygd.store.models import PaymentDetails

    anna = make_person(name="Anna")
    cards = tmp_path / "skattekort.json"
    entry = {"identity_number": anna.identity_number, "year": 2026}
    cards.write_text(json.dumps([{**entry, "tax_card": {"kind": "percentage", "percentage": 150}}]))
    refused = _invoke(db_url, "tax-cards", str(cards))
    assert refused.exit_code == 2, refused.output
    assert "[0].tax_card.percentage" in refused.output and "Traceback" not in refused.output
    cards.write_text("{not json")
    assert _invoke(db_url, "tax-cards", str(cards)).exit_code == 2
    assert _invoke(db_url, "tax-cards", str(tmp_path / "missing.json")).exit_code == 2
    cards.write_text(json.dumps([{**entry, "tax_card": {"kind": "frikort"}}]))
    done = _invoke(db_url, "tax-cards", str(cards))
    assert done.exit_code == 0, done.output
    assert "tax cards registered: 1" in done.output
    with service.sessions() as session:
        assert session.get(PaymentDetails, anna.id).tax_card == {"kind": "frikort"}
