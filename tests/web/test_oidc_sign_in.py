"""Sign-in through a real OpenID provider: npm's `oidc-provider` (OpenID Certified), started on
a free loopback port with the demo users (`trygd.demo.oidc`), and the whole site in a
TestClient on SQLite with the demo data.

The provider is driven by plain HTTP (a second client stands for the browser at the
provider); the browser tests (`tests/browser/test_oidc_browser.py`) do the same in Chromium.
What is checked: a citizen and an employee sign in and get the right identity; the answer must
carry this browser's state, the provider's `iss` (RFC 9207) and be used once; the ID token
must carry this sign-in's nonce; the provider refuses a code without the PKCE verifier; a page
with health data sends a substantial sign-in back to step up; signing out ends the session here
and at the provider; signing out at the provider ends the session here (back-channel logout:
the provider's logout token is caught on a loopback port, since the TestClient has none, and
handed to trygd as the provider sent it); the API takes the provider's access tokens and no
ID token.

Without Node.js or the npm package the tests are skipped on a developer's machine and fail
under CI=true.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from web_support import (
    HEALTH,
    dagpenger_meldekort_plan,
    health_record,
)

from trygd.api.identity import DemoTokens
from trygd.api.oidc import Identities, load_settings
from trygd.demo import oidc as local_provider
from trygd.demo.seed import meldekort_claim_date, seed
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.store.models import (
    Letter,
    MeldekortCard,
    PaymentLine,
    PendingSignIn,
    Person,
    Sak,
    Tilbakekreving,
    Vedtak,
)
from trygd.web.app import create_site
from trygd.web.session import SESSION_COOKIE

SECRET = "test-secret-for-the-oidc-tests-0123456789"
TRYGD = "http://127.0.0.1:9"  # the TestClient's address: only the redirect URIs name it
HIGH, SUBSTANTIAL = "idporten-loa-high", "idporten-loa-substantial"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Catcher(BaseHTTPRequestHandler):
    """Keeps what the provider posts to trygd's backchannel_logout_uri, and answers 200."""

    caught: ClassVar[list[tuple[str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        self.caught.append((self.path, body))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not local_provider.available():
        reason = "Node.js or npm's oidc-provider is missing (python3 dev.py test runs npm ci)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    catcher = ThreadingHTTPServer(("127.0.0.1", 0), _Catcher)
    threading.Thread(target=catcher.serve_forever, daemon=True).start()
    back = f"http://127.0.0.1:{catcher.server_address[1]}"
    try:
        with local_provider.running(folder, port, TRYGD, backchannel_url=back) as config:
            yield {"config": config, "base": f"http://127.0.0.1:{port}", "caught": _Catcher.caught}
    finally:
        catcher.shutdown()


@pytest.fixture(scope="module")
def app(provider: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("oidc-site")
    engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=True))
    seed(service)
    identities = Identities(DemoTokens(SECRET), load_settings(provider["config"]))
    yield create_site(service, identities, demo=True)
    engine.dispose()


def browser(app: Any) -> TestClient:
    return TestClient(app, base_url=TRYGD, follow_redirects=False)


def at_provider() -> httpx.Client:
    """The browser's side at the provider (its own cookies there)."""
    return httpx.Client(follow_redirects=False, timeout=10)


def answer_of(idp: httpx.Client, location: str, user: str | None, acr: str | None = None) -> str:
    """Follow the provider from the authorization request `location`, signing in as the user
    labelled `user` (at level `acr`) when it asks, to the answer sent back to trygd."""
    for _ in range(10):
        if location.startswith(TRYGD):
            return location
        reply = idp.get(location)
        if reply.status_code == 200 and 'name="user"' in reply.text:
            assert user is not None, "the provider asked who signs in"
            found = re.search(
                r'value="([^"]+)" required> ' + re.escape(user) + r"</label>", reply.text
            )
            assert found, reply.text[:2000]
            action = re.search(r'<form method="post" action="([^"]+)"', reply.text)
            assert action
            origin = f"{reply.url.scheme}://{reply.url.netloc.decode()}"
            form = {"user": found.group(1), **({"acr": acr} if acr else {})}
            reply = idp.post(origin + action.group(1), data=form)
        assert reply.status_code in (302, 303), reply.text[:2000]
        location = reply.headers["location"]
        if location.startswith("/"):
            location = f"{reply.url.scheme}://{reply.url.netloc.decode()}" + location
    raise AssertionError("the provider never answered trygd")


def sign_in(
    app: Any, provider_name: str, user: str, acr: str | None = None, next_url: str = "/"
) -> tuple[TestClient, httpx.Client, httpx.Response]:
    """A whole sign-in: the browser at trygd, the browser at the provider, trygd's answer."""
    client, idp = browser(app), at_provider()
    start = client.get(f"/login/{provider_name}", params={"next": next_url})
    assert start.status_code == 303, start.text
    answer = answer_of(idp, start.headers["location"], user, acr)
    return client, idp, client.get(answer.removeprefix(TRYGD))


def claims_of(client: TestClient) -> dict[str, Any]:
    return jwt.decode(client.cookies[SESSION_COOKIE], options={"verify_signature": False})


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


# -- signing in -----------------------------------------------------------------------------


def test_a_citizen_signs_in_through_id_porten_as_herself(app):
    client, _idp, done = sign_in(app, "idporten", "Anna Dahl", SUBSTANTIAL, "/my")
    assert (done.status_code, done.headers["location"]) == (303, "/my"), done.text
    claims = claims_of(client)
    with app.state.service.sessions() as session:
        anna = session.scalars(select(Person).where(Person.name == "Anna Dahl")).one()
    assert claims["pid"] == anna.identity_number
    assert (claims["roles"], claims["acr"], claims["idp"]) == (["citizen"], SUBSTANTIAL, "idporten")
    assert claims["sub"].startswith("idporten:") and anna.identity_number not in claims["sub"]
    page = client.get("/my")
    assert page.status_code == 200 and "Anna Dahl" in page.text


def test_the_language_chosen_at_id_porten_becomes_the_pages_language(app):
    client, idp = browser(app), at_provider()
    start = client.get("/login/idporten", params={"lang": "en"})
    assert "ui_locales=en" in start.headers["location"]
    answer = answer_of(idp, start.headers["location"], "Gro Nilsen", SUBSTANTIAL)
    assert client.get(answer.removeprefix(TRYGD)).status_code == 303
    assert claims_of(client)["locale"] == "en"
    assert client.cookies.get("trygd_lang") == "en"


def test_an_employee_signs_in_through_entra_id_with_roles_and_unit_from_groups(app):
    client, _idp, done = sign_in(app, "entra", "Kari Saksbehandler")
    assert (done.status_code, done.headers["location"]) == (303, "/staff/tasks")
    claims = claims_of(client)
    assert (claims["sub"], claims["roles"], claims["unit"]) == ("Z990101", ["caseworker"], "0312")
    assert claims["clearances"] == []
    assert client.get("/staff/tasks").status_code == 200


def test_the_groups_for_protected_persons_give_the_clearances(app):
    client, _idp, _done = sign_in(app, "entra", "Hanne Vikafossen")
    claims = claims_of(client)
    assert claims["clearances"] == ["fortrolig", "strengt_fortrolig"]
    assert claims["unit"] == "2103"


def test_a_sign_in_starts_a_new_session_and_ends_the_one_the_browser_had(app):
    client, idp, _done = sign_in(app, "entra", "Kari Saksbehandler")
    first = client.cookies[SESSION_COOKIE]
    again = client.get("/login/entra")
    answer = answer_of(idp, again.headers["location"], "Kari Saksbehandler")
    assert client.get(answer.removeprefix(TRYGD)).status_code == 303
    assert claims_of(client)["sid"] != jwt.decode(first, options={"verify_signature": False})["sid"]
    copy = browser(app)
    copy.cookies.set(SESSION_COOKIE, first)
    assert copy.get("/staff/tasks").status_code == 303  # the old session has ended


# -- what the answer must carry ----------------------------------------------------------


def _answer(app: Any, user: str = "Anna Dahl") -> tuple[TestClient, str]:
    client, idp = browser(app), at_provider()
    start = client.get("/login/idporten")
    return client, answer_of(idp, start.headers["location"], user, SUBSTANTIAL)


def _refused(reply: httpx.Response) -> None:
    assert reply.status_code == 400, reply.text[:500]
    assert "Innloggingen lyktes ikke" in reply.text or "did not succeed" in reply.text
    assert SESSION_COOKIE not in reply.cookies


def test_an_answer_for_another_browser_is_refused(app):
    _client, answer = _answer(app)
    _refused(browser(app).get(answer.removeprefix(TRYGD)))  # no state cookie here


def test_an_answer_is_taken_once(app):
    client, answer = _answer(app)
    assert client.get(answer.removeprefix(TRYGD)).status_code == 303
    again = browser(app)
    again.cookies.set("trygd_login", parse_qs(urlsplit(answer).query)["state"][0])
    _refused(again.get(answer.removeprefix(TRYGD)))


@pytest.mark.parametrize("iss", [None, "http://127.0.0.1:1/idporten", "entra"])
def test_an_answer_without_the_providers_iss_is_refused(app, provider, iss):
    client, answer = _answer(app)
    query = {k: v[0] for k, v in parse_qs(urlsplit(answer).query).items()}
    if iss is None:
        del query["iss"]
    else:
        query["iss"] = provider["base"] + "/entra" if iss == "entra" else iss
    _refused(client.get("/login/idporten/callback?" + urlencode(query)))


def test_an_answer_with_a_state_that_was_never_given_is_refused(app):
    client, answer = _answer(app)
    query = {k: v[0] for k, v in parse_qs(urlsplit(answer).query).items()}
    query["state"] = secrets.token_urlsafe(32)
    client.cookies.set("trygd_login", query["state"])
    _refused(client.get("/login/idporten/callback?" + urlencode(query)))


def test_an_id_token_with_another_sign_ins_nonce_is_refused(app):
    client, answer = _answer(app)
    state = parse_qs(urlsplit(answer).query)["state"][0]
    with app.state.service.sessions.begin() as session:
        session.execute(
            update(PendingSignIn).where(PendingSignIn.state == state).values(nonce="other")
        )
    _refused(client.get(answer.removeprefix(TRYGD)))


def test_an_answer_at_a_lower_level_than_asked_is_refused(app):
    client, idp = browser(app), at_provider()
    start = client.get("/login/idporten", params={"level": HIGH})
    location = start.headers["location"]
    assert "acr_values=idporten-loa-high" in location
    # The provider offers only the level asked for; a form sent with a lower one is refused
    # there, so the answer never comes.
    with pytest.raises(AssertionError):
        answer_of(idp, location, "Anna Dahl", SUBSTANTIAL)


# -- PKCE ------------------------------------------------------------------------------------


def _client_settings(provider: dict[str, Any]) -> dict[str, Any]:
    return json.loads(provider["config"].read_text())["issuers"]["idporten"]


def _authorize(provider: dict[str, Any], idp: httpx.Client, **extra: str) -> str:
    spec = _client_settings(provider)
    query = {
        "response_type": "code",
        "client_id": spec["client_id"],
        "redirect_uri": f"{TRYGD}/login/idporten/callback",
        "scope": "openid profile",
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        **extra,
    }
    return answer_of(idp, f"{spec['issuer']}/auth?{urlencode(query)}", "Anna Dahl", SUBSTANTIAL)


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def test_the_provider_refuses_an_authorization_request_without_pkce(provider):
    answer = _authorize(provider, at_provider())
    query = parse_qs(urlsplit(answer).query)
    assert query["error"] == ["invalid_request"]
    assert "PKCE" in query["error_description"][0]


@pytest.mark.parametrize("verifier", [None, "wrong-" + "x" * 50])
def test_the_provider_refuses_a_code_without_its_verifier(provider, verifier):
    right = secrets.token_urlsafe(48)
    answer = _authorize(
        provider, at_provider(), code_challenge=_challenge(right), code_challenge_method="S256"
    )
    code = parse_qs(urlsplit(answer).query)["code"][0]
    spec = _client_settings(provider)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": f"{TRYGD}/login/idporten/callback",
        "client_id": spec["client_id"],
        "client_secret": spec["client_secret"],
        **({"code_verifier": verifier} if verifier else {}),
    }
    reply = httpx.post(f"{spec['issuer']}/token", data=form)
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_grant"


def _tokens(provider: dict[str, Any], name: str, user: str, acr: str | None) -> dict[str, Any]:
    """A code flow done by hand: the provider's token answer (ID and access token)."""
    spec = json.loads(provider["config"].read_text())["issuers"][name]
    verifier = secrets.token_urlsafe(48)
    query = {
        "response_type": "code",
        "client_id": spec["client_id"],
        "redirect_uri": f"{TRYGD}/login/{name}/callback",
        "scope": "openid profile",
        "state": "s" * 16,
        "nonce": "n" * 16,
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
    }
    answer = answer_of(at_provider(), f"{spec['issuer']}/auth?{urlencode(query)}", user, acr)
    reply = httpx.post(
        f"{spec['issuer']}/token",
        data={
            "grant_type": "authorization_code",
            "code": parse_qs(urlsplit(answer).query)["code"][0],
            "redirect_uri": f"{TRYGD}/login/{name}/callback",
            "client_id": spec["client_id"],
            "client_secret": spec["client_secret"],
            "code_verifier": verifier,
        },
    )
    assert reply.status_code == 200, reply.text
    tokens: dict[str, Any] = reply.json()
    return tokens


# -- the API takes the providers' access tokens -------------------------------------------------


def test_the_api_takes_an_access_token_from_id_porten(app, provider):
    tokens = _tokens(provider, "idporten", "Anna Dahl", HIGH)
    client = browser(app)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200, me.text
    assert me.json()["roles"] == ["citizen"] and me.json()["person_id"]


def test_the_api_takes_an_access_token_from_entra_id(app, provider):
    tokens = _tokens(provider, "entra", "Ola Beslutter", None)
    me = browser(app).get(
        "/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 200, me.text
    assert (me.json()["id"], me.json()["roles"], me.json()["unit"]) == (
        "Z990102",
        ["approver"],
        "0312",
    )


def test_the_api_refuses_an_id_token_as_an_access_token(app, provider):
    tokens = _tokens(provider, "idporten", "Anna Dahl", HIGH)
    me = browser(app).get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['id_token']}"})
    assert me.status_code == 401
    assert "aud" in me.json()["detail"]


# -- step-up -----------------------------------------------------------------------------------


def test_a_page_with_health_data_asks_a_substantial_sign_in_to_step_up(app):
    with app.state.service.sessions() as session:
        david = session.scalars(select(Person).where(Person.name == "David Hansen")).one()
        sak = session.scalars(select(Sak).where(Sak.person_id == david.id)).first()
        assert sak is not None and sak.benefit == "aap"
    page = f"/my/cases/{sak.id}"
    client, idp, done = sign_in(app, "idporten", "David Hansen", SUBSTANTIAL, page)
    assert done.headers["location"] == page
    step_up = client.get(page)
    assert step_up.status_code == 303
    target = urlsplit(step_up.headers["location"])
    assert target.path == "/login/idporten"
    assert parse_qs(target.query) == {"next": [page], "level": [HIGH]}
    start = client.get(step_up.headers["location"])
    # The provider has a session at substantial, and signs the person in again at high.
    answer = answer_of(idp, start.headers["location"], "David Hansen", HIGH)
    back = client.get(answer.removeprefix(TRYGD))
    assert back.headers["location"] == page
    assert claims_of(client)["acr"] == HIGH
    assert client.get(page).status_code == 200


def test_an_aap_meldekort_asks_a_substantial_sign_in_to_step_up_and_is_sent_at_high(app):
    """Rune (demo) gets AAP and has a meldekort to send: the card tells of illness, so a
    session at substantial is sent to sign in at high, and at high he can send it."""
    with app.state.service.sessions() as session:
        rune = session.scalars(select(Person).where(Person.name == "Rune Myhre")).one()
        sak = session.scalars(select(Sak).where(Sak.person_id == rune.id)).one()
    assert sak.benefit == "aap"
    start = meldekort_claim_date(app.state.service.settings.clock().date())
    card = f"/my/meldekort/{sak.id}/{start.isoformat()}"
    client, _idp, _done = sign_in(app, "idporten", "Rune Myhre", SUBSTANTIAL)
    step_up = client.get(card)
    assert step_up.status_code == 303
    assert "level=idporten-loa-high" in step_up.headers["location"]
    # Nor can the answers be posted at substantial (a form token from another page).
    token = form_token(client.get("/my/data").text)
    posted = client.post(f"{card}/check", data={"csrf_token": token, "hours_0": "4"})
    assert posted.status_code == 303 and "level=idporten-loa-high" in posted.headers["location"]
    client, _idp, _done = sign_in(app, "idporten", "Rune Myhre", HIGH)
    form = client.get(card)
    assert form.status_code == 200 and 'name="hours_0"' in form.text
    token = form_token(form.text)
    answers = {"csrf_token": token, "hours_0": "4", "still_job_seeker": "yes"}
    checked = client.post(f"{card}/check", data=answers)
    assert checked.status_code == 200, checked.text[:3000]
    sent = client.post(f"{card}/send", data={"csrf_token": token})
    assert sent.status_code == 303 and sent.headers["location"].endswith("?sent=1")
    with app.state.service.sessions() as session:
        cards = session.scalars(select(MeldekortCard).where(MeldekortCard.sak_id == sak.id)).all()
    assert [c.period_start for c in cards] == [start]


def test_a_page_without_health_data_needs_no_step_up(app):
    client, _idp, _done = sign_in(app, "idporten", "Anna Dahl", SUBSTANTIAL)
    assert client.get("/my/data").status_code == 200


# -- signing out -------------------------------------------------------------------------------


def test_signing_out_ends_the_session_here_and_at_the_provider(app, provider):
    client, idp, _done = sign_in(app, "entra", "Kari Saksbehandler")
    cookie = client.cookies[SESSION_COOKIE]
    tasks = client.get("/staff/tasks")
    out = client.post("/logout", data={"csrf_token": form_token(tasks.text)})
    assert out.status_code == 303
    target = urlsplit(out.headers["location"])
    assert (
        f"{target.scheme}://{target.netloc}{target.path}" == provider["base"] + "/entra/session/end"
    )
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == [f"{TRYGD}/"]
    assert jwt.decode(query["id_token_hint"][0], options={"verify_signature": False})["sub"] == (
        "Z990101"
    )
    copy = browser(app)
    copy.cookies.set(SESSION_COOKIE, cookie)
    assert copy.get("/staff/tasks").status_code == 303  # revoked here
    # At the provider: its page asks to confirm, and then sends the browser back to trygd.
    confirm = idp.get(out.headers["location"])
    assert confirm.status_code == 200
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text)
    action = re.search(r'action="([^"]+)"', confirm.text)
    assert xsrf and action
    done = idp.post(action.group(1), data={"xsrf": xsrf.group(1), "logout": "yes"})
    assert done.status_code in (302, 303)
    assert done.headers["location"] == f"{TRYGD}/"
    # The provider's session is gone: the next sign-in asks who signs in again.
    again = browser(app).get("/login/entra")
    first = idp.get(again.headers["location"])
    assert first.status_code == 303 and "/interaction/" in first.headers["location"]


def test_every_page_of_a_health_case_asks_for_the_high_level(app):
    """The overview, the case, its change form, its letters and its vedtak: each sends a
    substantial sign-in to step up instead of showing the page."""
    with app.state.service.sessions() as session:
        sak, person = session.execute(
            select(Sak, Person)
            .join(Person, Person.id == Sak.person_id)
            .join(Letter, Letter.sak_id == Sak.id)
            .where(Sak.benefit.in_(HEALTH))
        ).first()
        letter = session.scalars(select(Letter).where(Letter.sak_id == sak.id)).first()
        vedtak = session.scalars(select(Vedtak).where(Vedtak.sak_id == sak.id)).first()
    pages = [f"/my/cases/{sak.id}", f"/my/cases/{sak.id}/change", f"/my/letters/{letter.id}"]
    pages += [f"/my/letters/{letter.id}/pdf", "/my", "/my/cases"]
    if vedtak is not None:
        pages += [f"/my/vedtak/{vedtak.id}", f"/my/vedtak/{vedtak.id}/klage"]
    client, _idp, _done = sign_in(app, "idporten", person.name, SUBSTANTIAL)
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login/idporten?"), path
        assert "level=idporten-loa-high" in answer.headers["location"], path


def test_payment_and_tilbakekreving_pages_of_a_health_benefit_ask_for_the_high_level(app):
    """A payment of a benefit that rests on health data, and a tilbakekreving of one, say as
    much about the person's health as the case itself; a dagpenger meldekort does not."""
    line, payee = health_record(app.state.service, PaymentLine)
    claim, debtor = health_record(app.state.service, Tilbakekreving)
    plan, card_owner = dagpenger_meldekort_plan(app.state.service)
    for name, path in [
        (payee.name, f"/my/payments/{line.id}"),
        (debtor.name, f"/my/tilbakekreving/{claim.id}"),
    ]:
        client, _idp, _done = sign_in(app, "idporten", name, SUBSTANTIAL)
        answer = client.get(path)
        assert answer.status_code == 303, path
        assert "level=idporten-loa-high" in answer.headers["location"], path
    client, _idp, _done = sign_in(app, "idporten", card_owner.name, SUBSTANTIAL)
    card = f"/my/meldekort/{plan.sak_id}/{plan.period_start.isoformat()}"
    assert client.get(card).status_code == 200


def test_signing_out_at_the_provider_ends_the_session_here(app, provider):
    """Back-Channel Logout 1.0: the provider posts a logout token with its `sid` to trygd's
    backchannel_logout_uri, and the next page of the session here is signed out."""
    client, idp, _done = sign_in(app, "idporten", "Anna Dahl", SUBSTANTIAL, "/my")
    assert client.get("/my").status_code == 200
    provider["caught"].clear()
    # At the provider, without trygd: its own sign-out page, confirmed.
    spec = _client_settings(provider)
    confirm = idp.get(f"{spec['issuer']}/session/end")
    assert confirm.status_code == 200, confirm.text[:500]
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text)
    action = re.search(r'action="([^"]+)"', confirm.text)
    assert xsrf and action
    done = idp.post(action.group(1), data={"xsrf": xsrf.group(1), "logout": "yes"})
    assert done.status_code in (200, 302, 303), done.text[:500]
    ends = time.monotonic() + 10
    while not provider["caught"] and time.monotonic() < ends:
        time.sleep(0.05)
    assert provider["caught"], "the provider posted no logout token"
    path, body = provider["caught"][0]
    assert path == "/login/idporten/backchannel-logout"
    token = parse_qs(body.decode())["logout_token"][0]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sid"] and "nonce" not in claims
    headers = {"content-type": "application/x-www-form-urlencoded"}
    answer = browser(app).post(path, content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    page = client.get("/my")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    # The same token again is harmless.
    assert browser(app).post(path, content=body, headers=headers).status_code == 200
