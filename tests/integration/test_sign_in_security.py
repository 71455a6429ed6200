"""Tokens, signing out and the logs, on SQLite and PostgreSQL.

Demo tokens work only on a demo server and production tokens only on a production server,
even with one secret; short secrets are refused; an API token lives an hour at most; signing
out revokes the session on the server, so a copy of the token stops working; and no identity
number reaches a log line, not even through a database error.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from support import NOW, TOKENS, citizen_headers, employee_headers

from trygd.api.app import create_app, parts_from_environment
from trygd.api.identity import (
    API_LIFETIME,
    DemoTokens,
    SignedTokens,
    WeakSecret,
)
from trygd.services.signins import SignIns
from trygd.store.database import make_engine
from trygd.store.models import Person

API = "/api/v1"
KARI = {
    "sub": "Z990101",
    "name": "Kari Nordmann",
    "roles": ["caseworker"],
    "unit": "0312",
    "clearances": [],
}
ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- demo and production tokens -----------------------------------------------------------------


def test_a_server_outside_demo_mode_refuses_demo_tokens_signed_with_the_same_secret(service):
    production = SignedTokens(TOKENS.secret)
    demo_token = DemoTokens(TOKENS.secret).issue(KARI)
    production_token = production.issue(KARI)
    with TestClient(create_app(service, production, demo=False)) as client:
        refused = client.get(f"{API}/me", headers=bearer(demo_token))
        assert refused.status_code == 401, refused.text
        assert client.get(f"{API}/me", headers=bearer(production_token)).status_code == 200
        assert client.post(f"{API}/demo/tokens", json={"user": "Z990101"}).status_code == 404
    with TestClient(create_app(service, DemoTokens(TOKENS.secret), demo=True)) as client:
        assert client.get(f"{API}/me", headers=bearer(production_token)).status_code == 401
        assert client.get(f"{API}/me", headers=bearer(demo_token)).status_code == 200
    assert (
        jwt.decode(demo_token, options={"verify_signature": False})["iss"]
        != jwt.decode(production_token, options={"verify_signature": False})["iss"]
    )


def test_the_environment_gives_production_tokens_outside_demo_mode(monkeypatch, db_url):
    monkeypatch.setenv("TRYGD_DATABASE_URL", db_url)
    monkeypatch.setenv("TRYGD_TOKEN_SECRET", TOKENS.secret)
    monkeypatch.delenv("TRYGD_DEMO", raising=False)
    monkeypatch.delenv("TRYGD_OIDC_CONFIG", raising=False)
    service, identities, demo = parts_from_environment()
    tokens = identities.local
    assert not demo and type(tokens) is SignedTokens and tokens.issuer == "trygd"
    assert identities.issuers == {}
    service.engine.dispose()
    monkeypatch.setenv("TRYGD_DEMO", "1")
    service, identities, demo = parts_from_environment()
    tokens = identities.local
    assert demo and isinstance(tokens, DemoTokens) and tokens.issuer == "trygd-demo"
    service.engine.dispose()
    monkeypatch.setenv("TRYGD_TOKEN_SECRET", "s" * 31)
    with pytest.raises(WeakSecret, match="at least 32 bytes"):
        parts_from_environment()


def test_secrets_shorter_than_32_bytes_are_refused():
    for secret in ("", "short", "x" * 31, "æ" * 15):  # "æ" is two bytes in UTF-8
        with pytest.raises(WeakSecret):
            SignedTokens(secret)
        with pytest.raises(WeakSecret):
            DemoTokens(secret)
    SignedTokens("x" * 32)
    DemoTokens("æ" * 16)


def test_api_tokens_live_an_hour_at_most(client):
    answer = client.post(f"{API}/demo/tokens", json={"user": "Z990101"})
    claims = jwt.decode(answer.json()["token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == API_LIFETIME.total_seconds() <= 3600
    assert len(claims["sid"]) >= 16


# -- signing out --------------------------------------------------------------------------------


def test_signing_out_revokes_the_bearer_token_and_only_its_session(client, make_person):
    token = client.post(f"{API}/demo/tokens", json={"user": "Z990101"}).json()["token"]
    other = client.post(f"{API}/demo/tokens", json={"user": "Z990101"}).json()["token"]
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 200
    assert client.post(f"{API}/logout", headers=bearer(token)).status_code == 204
    copied = client.get(f"{API}/me", headers=bearer(token))
    assert copied.status_code == 401 and "signed out" in copied.json()["detail"]
    assert client.get(f"{API}/me", headers=bearer(other)).status_code == 200
    # A revoked token cannot do anything, not even sign out again; a citizen's session ends
    # the same way.
    assert client.post(f"{API}/logout", headers=bearer(token)).status_code == 401
    person = make_person("Sara Sol")
    headers = citizen_headers(person)
    assert client.get(f"{API}/cases", headers=headers).status_code == 200
    assert client.post(f"{API}/logout", headers=headers).status_code == 204
    assert client.get(f"{API}/cases", headers=headers).status_code == 401


def test_signing_out_twice_and_old_revocations_are_tidied(service):
    signins = SignIns(service.engine)
    now = dt.datetime.now(dt.UTC)
    signins.revoke("a" * 20, now + dt.timedelta(hours=1))
    signins.revoke("a" * 20, now + dt.timedelta(hours=1))  # no error
    signins.revoke("b" * 20, now - dt.timedelta(seconds=1))  # already past its end
    signins.revoke("c" * 20, now + dt.timedelta(hours=1))
    assert signins.is_revoked("a" * 20) and signins.is_revoked("c" * 20)
    assert not signins.is_revoked("b" * 20)  # deleted by the next revocation
    assert not signins.is_revoked("d" * 20)


def test_a_sign_out_reaches_every_server_process(service):
    """Each process keeps the revoked sessions in memory and looks for new ones at most once
    every `refresh_seconds`: the one that handled the sign-out knows at once, the others at
    their next look."""
    here, eager, lazy = (SignIns(service.engine, refresh_seconds=s) for s in (1.0, 0.0, 3600.0))
    assert not lazy.is_revoked("e" * 20)  # its first look
    here.revoke("e" * 20, dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    assert here.is_revoked("e" * 20) and eager.is_revoked("e" * 20)
    assert not lazy.is_revoked("e" * 20)  # not yet looked again
    lazy._next_look = 0.0  # its next look is due
    assert lazy.is_revoked("e" * 20)
    assert not lazy.is_revoked("f" * 20)


# -- logs ----------------------------------------------------------------------------------------


def test_a_database_error_logs_no_identity_number(db_url, caplog):
    """A unique violation on a person's row: SQLAlchemy's own log lines (at DEBUG they show
    every statement) and the error's text, logged with its traceback as a server would, must
    not show the identity number."""
    number = "29048512345"
    engine = make_engine(db_url)
    row = {
        "id": uuid.uuid4(),
        "identity_number": number,
        "name": "Logg Testesen",
        "birth_date": dt.date(1985, 4, 29),
        "municipality": "0301",
        "protection": "none",
        "skjermet": False,
        "created_at": NOW,
    }
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # SQLAlchemy sets WARNING itself
    try:
        with engine.begin() as connection:
            connection.execute(insert(Person), row)
        with pytest.raises(IntegrityError) as raised:
            try:
                with engine.begin() as connection:
                    connection.execute(insert(Person), {**row, "id": uuid.uuid4()})
            except IntegrityError:
                logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
                raise
    finally:
        engine.dispose()
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)  # it did log
    assert "persons" in str(raised.value)  # the error still says what failed
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert number not in logged and not ELEVEN_DIGITS.search(logged), logged
    assert number not in str(raised.value)


def test_requests_with_identity_numbers_log_none(client, make_person, caplog):
    """The API's own logging, at DEBUG, for a search by identity number and a citizen's
    requests (whose token holds the number)."""
    person = make_person("Per Person")
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    client.get(f"{API}/cases", headers=citizen_headers(person))
    client.post(
        f"{API}/persons/search",
        json={"identity_number": person.identity_number, "purpose": "checking a case"},
        headers=employee_headers("Z990101"),
    )
    client.post(f"{API}/applications", json={"benefit": "nothing"}, headers=citizen_headers(person))
    assert person.identity_number not in caplog.text
