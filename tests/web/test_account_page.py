"""The account page (TestClient, demo data, SQLite): a person reads where their money goes and
their tax card, gives a new account number, and a wrong one is named at the field in their
language and changes nothing."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import demo_site

from trygd.api.demo import demo_claims
from trygd.services.clock import FixedClock
from trygd.services.facade import CaseService
from trygd.store.models import PaymentDetails, Person
from trygd.web.session import CSRF_HEADER, SESSION_COOKIE, session_csrf_token

NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def site(tmp_path: Path) -> tuple[TestClient, CaseService, Person]:
    client, service = demo_site(tmp_path, FixedClock(NOW))
    with service.sessions() as session:
        nora = session.scalars(select(Person).where(Person.name == "Nora Berge")).one()
    state = client.app.state  # type: ignore[attr-defined]
    token = state.identity.issue(demo_claims(service, f"person:{nora.id}"))
    client.cookies.set(SESSION_COOKIE, token)
    client.headers[CSRF_HEADER] = session_csrf_token(
        state.csrf_key, state.identity.verify(token)["sid"]
    )
    return client, service, nora


def _account(service: CaseService, person: Person) -> str | None:
    with service.sessions() as session:
        details = session.get(PaymentDetails, person.id)
        return details.account_number if details else None


def test_the_page_shows_the_account_and_the_tax_card(site):
    client, service, nora = site
    page = html.unescape(client.get("/my/account").text)
    account = _account(service, nora)
    assert account and f"{account[:4]} {account[4:6]} {account[6:]}" in page
    assert "Skattekort" in page
    assert 'href="/my/account"' in client.get("/my").text


def test_a_new_account_is_saved_and_shown(site):
    client, service, nora = site
    saved = client.post("/my/account", data={"account_number": "8601.11.17947"})
    assert saved.status_code == 303 and saved.headers["location"] == "/my/account?saved=1"
    assert _account(service, nora) == "86011117947"
    page = html.unescape(client.get("/my/account?saved=1").text)
    assert "Vi har lagret kontonummeret ditt" in page and "8601 11 17947" in page
    assert "Du oppga det 4. desember 2026" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("8601 11 17948", "Dette er ikke et gyldig kontonummer"),
        ("", "Skriv kontonummeret ditt"),
        ("x" * 65, "Skriv høyst 64 tegn"),
    ],
)
def test_a_wrong_account_is_named_at_the_field_and_nothing_changes(site, typed, message):
    client, service, nora = site
    before = _account(service, nora)
    refused = client.post("/my/account", data={"account_number": typed})
    assert refused.status_code == 400
    assert message in html.unescape(refused.text)
    assert 'aria-invalid="true"' in refused.text or "aksel-error-message" in refused.text
    assert _account(service, nora) == before


def test_without_a_tax_card_the_default_rate_and_its_basis_are_shown(site):
    client, service, nora = site
    with service.sessions.begin() as session:
        session.get(PaymentDetails, nora.id).tax_card = None
    page = html.unescape(client.get("/my/account").text)
    assert "vi må trekke 50 % av hver utbetaling (sktbl. § 5-6)" in page.replace("\xa0", " ")
