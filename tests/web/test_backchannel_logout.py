"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0): the provider's logout token
ends trygd's sessions of the provider session (`sid`) or subject (`sub`) it names.

The provider is a stand-in at the HTTP level, as in `test_oidc_tokens.py` (discovery and a key
set served by httpx's MockTransport), and the logout tokens are signed with its RSA key by
joserfc. Each test starts web sessions as a sign-in through the provider leaves them: a
session cookie, and the provider's ID token with its `sid` and `sub` kept on the server. The
same flow with the real provider posting the token is in `test_oidc_sign_in.py`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from trygd.api.identity import WEB_ABSOLUTE, WEB_IDLE, DemoTokens, new_session_id
from trygd.api.oidc import GroupGrant, Identities, IssuerSettings, OidcSettings
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.web.app import create_site
from trygd.web.session import SESSION_COOKIE

ENTRA = "https://login.test/tenant/v2.0"
OTHER = "https://other.test"
CLIENT = "trygd"
AUD = "api://trygd"
EVENT = "http://schemas.openid.net/event/backchannel-logout"
SECRET = "test-secret-for-the-back-channel-logout-0123456789"
STAFF = IssuerSettings(
    "entra",
    "staff",
    ENTRA,
    CLIENT,
    "secret",
    AUD,
    groups={"g-caseworkers": GroupGrant(roles=("caseworker",), unit="0312")},
)
LOGOUT = "/login/entra/backchannel-logout"
KEY = RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig"})
FORGED = RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig"})


def _provider(request: httpx.Request) -> httpx.Response:
    if str(request.url) == f"{ENTRA}/.well-known/openid-configuration":
        return httpx.Response(200, json={"issuer": ENTRA, "jwks_uri": f"{ENTRA}/jwks"})
    if str(request.url) == f"{ENTRA}/jwks":
        return httpx.Response(200, json={"keys": [KEY.as_dict(private=False)]})
    return httpx.Response(404)


@pytest.fixture
def app(tmp_path: Any) -> Iterator[Any]:
    engine = make_engine(f"sqlite:///{tmp_path / 'trygd.sqlite3'}")
    migrate(engine)
    http = httpx.Client(transport=httpx.MockTransport(_provider))
    identities = Identities(
        DemoTokens(SECRET), OidcSettings("https://trygd.test", (STAFF,)), http=http
    )
    yield create_site(CaseService(engine, Settings(demo=True)), identities, demo=True)
    engine.dispose()


def signed_in(app: Any, provider_sid: str | None, sub: str = "Z990101") -> TestClient:
    """A browser with a web session that began at the provider in its session
    `provider_sid`, as `finish_sign_in` leaves it."""
    session_id = new_session_id()
    claims = {"sub": sub, "roles": ["caseworker"], "unit": "0312", "idp": "entra"}
    cookie = app.state.identity.issue(claims, lifetime=WEB_IDLE, session_id=session_id)
    now = dt.datetime.now(dt.UTC)
    app.state.provider_signins.started(
        session_id,
        "entra",
        "id-token",
        now + WEB_ABSOLUTE,
        now,
        provider_sid=provider_sid,
        subject=sub,
    )
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, cookie)
    assert signed_in_now(client)
    return client


def signed_in_now(client: TestClient) -> bool:
    answer = client.get("/staff/tasks")
    assert answer.status_code in (200, 303), answer.text[:300]
    return answer.status_code == 200


def logout_token(key: RSAKey = KEY, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ENTRA,
        "aud": CLIENT,
        "iat": now,
        "exp": now + 120,
        "jti": f"jti-{now}-{id(changes)}",
        "sub": "Z990101",
        "sid": "provider-session-1",
        "events": {EVENT: {}},
    }
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": "RS256", "kid": "key-1"}, claims, key, algorithms=["RS256"])


def post(app: Any, token: str | None) -> httpx.Response:
    form = {"logout_token": token} if token is not None else {}
    return TestClient(app).post(LOGOUT, data=form)


def test_a_logout_token_ends_the_session_of_its_sid(app):
    ended = signed_in(app, "provider-session-1")
    kept = signed_in(app, "provider-session-2")
    answer = post(app, logout_token())
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert not signed_in_now(ended)  # the next page sends the browser to sign in
    assert signed_in_now(kept)


def test_a_logout_token_with_only_a_sub_ends_every_session_of_that_subject(app):
    first, second = signed_in(app, "s-1"), signed_in(app, "s-2")
    other = signed_in(app, "s-3", sub="Z990102")
    assert post(app, logout_token(sid=None)).status_code == 200
    assert not signed_in_now(first) and not signed_in_now(second)
    assert signed_in_now(other)


def test_a_sid_of_another_subject_ends_nothing(app):
    client = signed_in(app, "provider-session-1", sub="Z990102")
    assert post(app, logout_token()).status_code == 200  # sid and sub name no session
    assert signed_in_now(client)


@pytest.mark.parametrize(
    "why",
    [
        "signature",
        "issuer",
        "audience",
        "no events",
        "other event",
        "nonce",
        "no sid or sub",
        "expired",
        "no jti",
        "not a token",
        "missing",
    ],
)
def test_a_logout_token_that_does_not_verify_is_refused_and_ends_nothing(app, why):
    client = signed_in(app, "provider-session-1")
    token: str | None = {
        "signature": lambda: logout_token(FORGED),
        "issuer": lambda: logout_token(iss=OTHER),
        "audience": lambda: logout_token(aud="another-client"),
        "no events": lambda: logout_token(events=None),
        "other event": lambda: logout_token(events={"http://example.test/event": {}}),
        "nonce": lambda: logout_token(nonce="n" * 16),
        "no sid or sub": lambda: logout_token(sid=None, sub=None),
        "expired": lambda: logout_token(iat=int(time.time()) - 900, exp=int(time.time()) - 600),
        "no jti": lambda: logout_token(jti=None),
        "not a token": lambda: "not.a.token",
        "missing": lambda: None,
    }[why]()
    answer = post(app, token)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_request"
    assert signed_in_now(client)


def test_a_logout_token_sent_again_is_harmless(app):
    token = logout_token()
    ended = signed_in(app, "provider-session-1")
    assert post(app, token).status_code == 200
    assert post(app, token).status_code == 200
    assert not signed_in_now(ended)
    later = signed_in(app, "provider-session-9")  # a new sign-in is not touched by it
    assert post(app, token).status_code == 200
    assert signed_in_now(later)


def test_a_bearer_token_of_the_ended_provider_session_is_refused_too(app):
    now = int(time.time())
    access = {
        "iss": ENTRA,
        "aud": AUD,
        "sub": "Z990101",
        "iat": now,
        "exp": now + 600,
        "sid": "provider-session-1",
        "NAVident": "Z990101",
        "groups": ["g-caseworkers"],
    }
    token = jwt.encode({"alg": "RS256", "kid": "key-1"}, access, KEY, algorithms=["RS256"])
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert post(app, logout_token()).status_code == 200
    answer = client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 401
    assert "ended" in answer.json()["detail"]


def test_a_logout_token_for_a_provider_trygd_does_not_know_is_not_found(app):
    answer = TestClient(app).post(
        "/login/nowhere/backchannel-logout", data={"logout_token": logout_token()}
    )
    assert answer.status_code == 404
