"""The payment pages (TestClient, demo data, SQLite): Oda Fjeld, whose uføretrygd has been
paid for months, sees her coming and past payments with gross, tax and net in kroner, opens
one and reads why she got it (the monthly amount of her vedtak, its legal basis) and the new
attempt after the bank rejected a payment; a caseworker sees her payment history from the
case page and the unit's failed payments; nobody else sees them."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import demo_site

from trygd.api.demo import demo_claims
from trygd.demo.payments import payment_days
from trygd.rules.formatting import kroner_from_ore
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService
from trygd.store.models import (
    AuditRecord,
    PaymentLine,
    Person,
    Tilbakekreving,
    TilbakekrevingSetoff,
)
from trygd.web.session import SESSION_COOKIE

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, CaseService]:
    folder = tmp_path_factory.mktemp("payments")
    return demo_site(folder, FixedClock(NOW))


def _as(client: TestClient, service: CaseService, who: str) -> TestClient:
    """The client signed in as a demo person (by name) or employee (by id)."""
    user = who
    if not who.startswith("Z"):
        with service.sessions() as session:
            person = session.scalars(select(Person).where(Person.name == who)).one()
        user = f"person:{person.id}"
    token = client.app.state.identity.issue(demo_claims(service, user))  # type: ignore[attr-defined]
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token)
    return client


def _text(page: str) -> str:
    """The page's words, every run of white space (no-break spaces too) as one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _oda(service: CaseService) -> Person:
    with service.sessions() as session:
        return session.scalars(select(Person).where(Person.name == "Oda Fjeld")).one()


def test_the_demo_history_pays_on_each_payment_day():
    days = payment_days(dt.date(2026, 12, 4))
    assert days == [dt.date(2026, m, 20) for m in (8, 9, 10, 11)]
    assert payment_days(dt.date(2026, 12, 20)) == [dt.date(2026, m, 20) for m in (8, 9, 10, 11)]


def test_the_person_sees_coming_and_past_payments_in_kroner(demo):
    client, service = demo
    page = _as(client, service, "Oda Fjeld").get("/my/payments", params={"lang": "nb"})
    assert page.status_code == 200
    text = _text(page.text)
    assert "Utbetalingene dine" in text and "Kommende utbetalinger" in text
    # November's uføretrygd was rejected by the bank and waits as a new attempt.
    assert "Holdt tilbake" in text and "Banken din kunne ikke sette inn pengene" in text
    assert "1. november 2026 til 30. november 2026" in text
    # The monthly amounts in kroner, from øre: gross, the 30 % tax and net.
    assert "21 507 kr" in text and "6 452 kr" in text
    assert "15 055 kr" in text
    assert "Avvist av banken" in text and "Utbetalt" in text
    assert 'href="/my/payments/' in page.text
    assert 'href="/my/account"' in page.text  # where she gives a new account number


def test_one_payment_says_why_with_the_vedtak_and_the_legal_basis(demo):
    client, service = demo
    oda = _oda(service)
    with service.sessions() as session:
        line = session.scalars(
            select(PaymentLine).where(
                PaymentLine.person_id == oda.id,
                PaymentLine.kind == "uforetrygd",
                PaymentLine.status == "accepted",
            )
        ).first()
        attempt = session.scalars(
            select(PaymentLine).where(PaymentLine.person_id == oda.id, PaymentLine.status == "held")
        ).one()
    me = _as(client, service, "Oda Fjeld")
    page = me.get(f"/my/payments/{line.id}", params={"lang": "nn"})
    assert page.status_code == 200
    text = _text(page.text)
    assert "Kvifor du får dette beløpet" in text
    assert "21 507 kr i månaden" in text and "ftrl. § 22-12" in text
    assert "Trekt etter skattekortet ditt: 30 %" in text
    assert re.search(r'href="/my/vedtak/[0-9a-f-]{36}"', page.text)
    again = _text(me.get(f"/my/payments/{attempt.id}", params={"lang": "en"}).text)
    assert "Everything paid for this period" in again
    assert "New attempt" in again and "Rejected by the bank" in again


def test_your_page_links_to_the_payments_and_tells_of_the_held_one(demo):
    client, service = demo
    text = _text(_as(client, service, "Oda Fjeld").get("/my", params={"lang": "en"}).text)
    assert "We have held back 1 payment." in text and "See your payments" in text
    assert "Last payment:" in text


def test_a_person_without_payments_is_told_so(demo):
    client, service = demo
    text = _text(_as(client, service, "Anna Dahl").get("/my/payments", params={"lang": "en"}).text)
    assert "You have no payments waiting right now." in text
    assert "We have not paid you anything yet." in text


def test_another_person_cannot_open_a_payment(demo):
    client, service = demo
    oda = _oda(service)
    with service.sessions() as session:
        line_id = session.scalars(
            select(PaymentLine.id).where(PaymentLine.person_id == oda.id)
        ).first()
    assert _as(client, service, "Anna Dahl").get(f"/my/payments/{line_id}").status_code == 403
    assert _as(client, service, "Anna Dahl").get(f"/staff/payments/{line_id}").status_code == 403


def test_a_caseworker_reaches_the_history_from_the_case_and_sees_the_failed_payment(demo):
    client, service = demo
    oda = _oda(service)
    ingrid = _as(client, service, "Z990201")
    problems = ingrid.get("/staff/payment-problems", params={"lang": "nb"})
    assert problems.status_code == 200
    text = _text(problems.text)
    assert "Feilede utbetalinger" in text and "Oda Fjeld" in text
    assert "Banken avviste en utbetaling" in text and "AC04: closed account number" in text
    history = ingrid.get(f"/staff/persons/{oda.id}/payments", params={"lang": "nb"})
    assert history.status_code == 200 and "21 507 kr" in _text(history.text)
    with service.sessions() as session:
        reads = session.scalars(
            select(AuditRecord).where(
                AuditRecord.actor_id == "Z990201", AuditRecord.object_type == "payments"
            )
        ).all()
    assert [(r.person_id, r.outcome) for r in reads] == [(oda.id, "permit")]
    case = re.findall(r'href="(/staff/behandlinger/[0-9a-f-]{36})"', problems.text)[0]
    assert f"/staff/persons/{oda.id}/payments" in ingrid.get(case).text


def test_the_failed_payments_are_for_caseworkers_only(demo):
    client, service = demo
    assert _as(client, service, "Z990202").get("/staff/payment-problems").status_code == 403
    assert _as(client, service, "Oda Fjeld").get("/staff/payment-problems").status_code == 403
    nils = _as(client, service, "Z990301").get("/staff/payment-problems", params={"lang": "en"})
    assert nils.status_code == 200 and "No payments of your unit wait." in nils.text
    oda = _oda(service)
    assert _as(client, service, "Z990301").get(f"/staff/persons/{oda.id}/payments").status_code == (
        403
    )


def test_the_vedtak_letter_has_the_payment_section(demo):
    client, service = demo
    me = _as(client, service, "Oda Fjeld")
    letters = re.findall(r'href="(/my/letters/[0-9a-f-]{36})"', me.get("/my").text)
    assert letters
    text = _text(me.get(letters[0]).text)
    assert "Utbetaling" in text
    assert "21 507 kr i måneden" in text and "Barnetillegg" in text
    assert "ftrl. § 22-12" in text


# -- set-off (motregning) of a tilbakekreving claim ------------------------------------------


def _kr(ore: int, language: str = "nb") -> str:
    return " ".join(kroner_from_ore(ore, language).split())


def _siri_setoffs(service: CaseService) -> tuple[Person, list[tuple[PaymentLine, int, str]]]:
    """Siri's paid lines with a set-off: (line, øre set off, the tilbakekreving's id)."""
    with service.sessions() as session:
        siri = session.scalars(select(Person).where(Person.name == "Siri Dale")).one()
        rows = session.execute(
            select(
                PaymentLine, TilbakekrevingSetoff.amount_ore, TilbakekrevingSetoff.tilbakekreving_id
            )
            .join(TilbakekrevingSetoff, TilbakekrevingSetoff.line_id == PaymentLine.id)
            .where(PaymentLine.person_id == siri.id)
        ).all()
        return siri, [(line, amount, str(case_id)) for line, amount, case_id in rows]


def test_the_demo_has_a_payment_with_a_set_off(demo):
    _client, service = demo
    _siri, setoffs = _siri_setoffs(service)
    assert setoffs  # the latest run set part of Siri's payments off against her claim
    for line, amount, _case in setoffs:
        assert amount > 0
        assert line.gross_ore == line.tax_ore + amount + line.net_ore


def test_the_person_sees_each_set_off_with_the_claim_it_paid_down(demo):
    client, service = demo
    _siri, setoffs = _siri_setoffs(service)
    me = _as(client, service, "Siri Dale")
    listing = me.get("/my/payments", params={"lang": "nb"})
    assert listing.status_code == 200
    text = _text(listing.text)
    assert "Trukket" in text
    total = sum(amount for _line, amount, _case in setoffs)
    assert f"Trukket for penger du har fått for mye, i alt {_kr(total)}" in text
    for line, amount, case_id in setoffs:
        assert f'href="/my/tilbakekreving/{case_id}"' in listing.text
        # gross, tax, set-off and net side by side in the row of the payment
        assert f"{_kr(line.gross_ore)} {_kr(line.tax_ore)} {_kr(amount)}" in text
        detail = me.get(f"/my/payments/{line.id}", params={"lang": "en"})
        assert detail.status_code == 200
        words = _text(detail.text)
        assert f"Before tax {_kr(line.gross_ore, 'en')}" in words
        assert f"Tax withheld {_kr(line.tax_ore, 'en')}" in words
        assert f"Deducted for money you were paid too much {_kr(amount, 'en')}" in words
        assert f"Paid out {_kr(line.net_ore, 'en')}" in words
        assert f'href="/my/tilbakekreving/{case_id}"' in detail.text
    # Oda has no claim: no column for it
    assert "Trukket" not in _text(_as(client, service, "Oda Fjeld").get("/my/payments").text)


def test_the_tilbakekreving_page_shows_what_is_left_after_the_set_offs(demo):
    client, service = demo
    _siri, setoffs = _siri_setoffs(service)
    case_id = setoffs[0][2]
    with service.sessions() as session:
        claim = session.get(Tilbakekreving, uuid.UUID(case_id)).claim_ore
    paid = sum(amount for _line, amount, c in setoffs if c == case_id)
    assert 0 < paid < claim
    page = _as(client, service, "Siri Dale").get(
        f"/my/tilbakekreving/{case_id}", params={"lang": "nn"}
    )
    text = _text(page.text)
    assert f"Trekt i utbetalingane dine så langt {_kr(paid, 'nn')}" in text
    assert f"Att å betale {_kr(claim - paid, 'nn')}" in text
    for line, _amount, _case in setoffs:
        assert f'href="/my/payments/{line.id}"' in page.text
    staff = _as(client, service, "Z990201").get(
        f"/staff/tilbakekreving/{case_id}", params={"lang": "nb"}
    )
    words = _text(staff.text)
    assert f"Nedbetalt ved motregning {_kr(paid)}" in words
    assert f"Igjen å betale {_kr(claim - paid)}" in words
    assert "Ta oppgaven" not in words  # the claim's amount is not labelled as the task button
    # each set-off names the payment it was taken from (the last payment day's, November's)
    assert "Tillegg, 1. november 2026 til 30. november 2026" in words
    assert "Ytelse, 1. november 2026 til 30. november 2026" in words
    for line, _amount, _case in setoffs:
        assert f'href="/staff/payments/{line.id}"' in staff.text


def test_the_caseworker_sees_the_set_off_in_the_payments(demo):
    client, service = demo
    siri, setoffs = _siri_setoffs(service)
    ingrid = _as(client, service, "Z990201")
    listing = ingrid.get(f"/staff/persons/{siri.id}/payments", params={"lang": "nb"})
    assert listing.status_code == 200
    text = _text(listing.text)
    total = sum(amount for _line, amount, _case in setoffs)
    assert f"Motregnet, i alt {_kr(total)}" in text
    for line, amount, case_id in setoffs:
        assert (
            f"{_kr(line.gross_ore)} {_kr(line.tax_ore)} {_kr(amount)} Tilbakekreving "
            f"{_kr(line.net_ore)}" in text
        )
        assert f'href="/staff/tilbakekreving/{case_id}"' in listing.text
        detail = _text(ingrid.get(f"/staff/payments/{line.id}", params={"lang": "en"}).text)
        assert f"Set off against a tilbakekreving {_kr(amount, 'en')}" in detail
        assert f"Net {_kr(line.net_ore, 'en')}" in detail
    token = client.app.state.identity.issue(demo_claims(service, "Z990201"))  # type: ignore[attr-defined]
    api = client.get(
        f"/api/v1/persons/{siri.id}/payments", headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status_code == 200
    body = api.json()
    assert body["paid_setoff_ore"] == total
    paid = {p["id"]: p for p in body["past"]}
    for line, amount, case_id in setoffs:
        assert paid[str(line.id)]["setoff_ore"] == amount
        assert paid[str(line.id)]["setoffs"] == [
            {"tilbakekreving_id": case_id, "amount_ore": amount}
        ]
