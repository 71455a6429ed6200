"""Sign-in sessions, CSRF tokens and security headers, through the whole site (TestClient,
demo data, SQLite): signing out revokes a copied cookie, a web sign-in is renewed while used
and ends after its idle and absolute limits, a CSRF token fits only its own session, and
every API answer, letter and page carries the headers it needs."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from trygd.api.identity import WEB_ABSOLUTE, WEB_IDLE, DemoTokens
from trygd.demo.seed import seed
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.store.models import Letter, Person
from trygd.web.app import PAGE_HEADERS, create_site
from trygd.web.session import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    browser_csrf_token,
    session_csrf_token,
)

SECRET = "test-secret-for-the-session-tests-0123456789"
KARI = "Z990101"  # caseworker, Nav Frogner
SECOND, MINUTE = dt.timedelta(seconds=1), dt.timedelta(minutes=1)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("sessions")
    engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=True))
    seed(service)
    yield create_site(service, DemoTokens(SECRET), demo=True)
    engine.dispose()


def browser(app: Any, base_url: str = "http://testserver") -> TestClient:
    """A fresh browser: no cookies."""
    return TestClient(app, base_url=base_url, follow_redirects=False)


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def sign_in(client: TestClient, user: str = KARI) -> str:
    """Sign in on the demo sign-in page as a user would; returns the session cookie."""
    page = client.get("/login")
    answer = client.post("/login", data={"csrf_token": form_token(page.text), "user": user})
    assert answer.status_code == 303, answer.text
    return client.cookies[SESSION_COOKIE]


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


# -- signing out --------------------------------------------------------------------------------


def test_signing_out_revokes_a_copied_cookie_for_the_pages_and_the_api(app):
    client = browser(app)
    cookie = sign_in(client)
    tasks = client.get("/staff/tasks")
    assert tasks.status_code == 200
    thief = browser(app)
    thief.cookies.set(SESSION_COOKIE, cookie)
    assert thief.get("/staff/tasks").status_code == 200
    api = {"Authorization": f"Bearer {cookie}"}
    assert thief.get("/api/v1/me", headers=api).status_code == 200
    out = client.post("/logout", data={"csrf_token": form_token(tasks.text)})
    assert out.status_code == 303
    assert SESSION_COOKIE not in client.cookies  # the browser forgets it
    copied = thief.get("/staff/tasks")
    assert copied.status_code == 303 and copied.headers["location"].startswith("/login")
    assert thief.get("/api/v1/me", headers=api).status_code == 401
    # Signing in again is a new session, which works.
    assert browser(app).get("/staff/tasks", cookies={SESSION_COOKIE: sign_in(client)}).is_success


def test_each_sign_in_is_a_session_of_its_own_with_short_lifetimes(app):
    first, second = sign_in(browser(app)), sign_in(browser(app))
    a, b = claims_of(first), claims_of(second)
    assert a["sid"] != b["sid"] and len(a["sid"]) >= 16
    assert a["exp"] - a["iat"] == WEB_IDLE.total_seconds() <= 3600
    assert a["auth_time"] == a["iat"]


# -- idle and absolute limits --------------------------------------------------------------------


def _cookie(app: Any, *, issued_ago: dt.timedelta, began_ago: dt.timedelta) -> str:
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": KARI, "name": "Kari", "roles": ["caseworker"], "unit": "0312"}
    return app.state.identity.issue(
        claims,
        now - issued_ago,
        lifetime=WEB_IDLE,
        session_id="s" * 24 + uuid.uuid4().hex[:8],
        auth_time=int((now - began_ago).timestamp()),
    )


def test_a_used_sign_in_is_renewed_within_its_absolute_limit(app):
    client = browser(app)
    old = _cookie(app, issued_ago=5 * MINUTE, began_ago=5 * MINUTE)
    client.cookies.set(SESSION_COOKIE, old)
    answer = client.get("/staff/tasks")
    assert answer.status_code == 200
    new = answer.cookies[SESSION_COOKIE]
    before, after = claims_of(old), claims_of(new)
    assert new != old
    assert after["sid"] == before["sid"] and after["auth_time"] == before["auth_time"]
    assert after["exp"] > before["exp"]
    assert after["exp"] - after["iat"] == WEB_IDLE.total_seconds()
    # Near the absolute limit, the renewed token ends with it.
    late = _cookie(app, issued_ago=5 * MINUTE, began_ago=WEB_ABSOLUTE - 10 * MINUTE)
    client = browser(app)
    client.cookies.set(SESSION_COOKIE, late)
    answer = client.get("/staff/tasks")
    assert answer.status_code == 200
    renewed = claims_of(answer.cookies[SESSION_COOKIE])
    assert renewed["exp"] == renewed["auth_time"] + WEB_ABSOLUTE.total_seconds()


def test_a_sign_in_ends_when_idle_too_long_or_past_its_absolute_limit(app):
    idle = _cookie(app, issued_ago=WEB_IDLE + 5 * SECOND, began_ago=60 * MINUTE)
    stale = _cookie(app, issued_ago=MINUTE, began_ago=WEB_ABSOLUTE + MINUTE)
    fresh = _cookie(app, issued_ago=5 * SECOND, began_ago=60 * MINUTE)
    for cookie, works in ((idle, False), (stale, False), (fresh, True)):
        client = browser(app)
        client.cookies.set(SESSION_COOKIE, cookie)
        answer = client.get("/staff/tasks")
        assert (answer.status_code == 200) is works, answer.headers.get("location")


# -- CSRF ----------------------------------------------------------------------------------------


def test_a_csrf_token_fits_only_its_own_session(app):
    mine, theirs = browser(app), browser(app)
    sign_in(mine), sign_in(theirs)
    my_token = form_token(mine.get("/staff/tasks").text)
    their_token = form_token(theirs.get("/staff/tasks").text)
    assert my_token != their_token and len(my_token) == 64
    refused = mine.post("/logout", data={"csrf_token": their_token})
    assert refused.status_code == 403
    assert mine.get("/staff/tasks").status_code == 200  # still signed in
    # The token of the same browser before it signed in does not fit the session either.
    nonce = mine.cookies[CSRF_COOKIE]
    before = browser_csrf_token(app.state.csrf_key, nonce)
    assert mine.post("/logout", data={"csrf_token": before}).status_code == 403
    for short in ("", my_token[:31], my_token[:8]):
        assert mine.post("/logout", data={"csrf_token": short}).status_code == 403
    sid = claims_of(mine.cookies[SESSION_COOKIE])["sid"]
    assert session_csrf_token(app.state.csrf_key, sid) == my_token
    assert mine.post("/logout", data={"csrf_token": my_token}).status_code == 303


def test_a_csrf_cookie_shorter_than_the_minimum_is_refused(app):
    client = browser(app)
    client.cookies.set(CSRF_COOKIE, "c" * 20)
    token = browser_csrf_token(app.state.csrf_key, "c" * 20)
    answer = client.post("/login", data={"csrf_token": token, "user": KARI})
    assert answer.status_code == 403
    assert len(answer.cookies[CSRF_COOKIE]) >= 32  # a new value, long enough


# -- headers -------------------------------------------------------------------------------------


def _no_store_nosniff(answer: Any) -> None:
    where = f"{answer.request.method} {answer.request.url.path} ({answer.status_code})"
    assert answer.headers.get("cache-control") == "no-store", where
    assert answer.headers.get("x-content-type-options") == "nosniff", where


def _letter(app: Any) -> tuple[str, str]:
    with app.state.service.sessions() as session:
        letter = session.scalars(select(Letter).order_by(Letter.sent_at)).first()
        person = session.get(Person, letter.person_id)
        return str(letter.id), f"person:{person.id}"


def test_every_api_answer_is_not_stored_and_not_sniffed(app):
    client = browser(app)
    token = client.post("/api/v1/demo/tokens", json={"user": KARI}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    paths = [path for path, methods in app.openapi()["paths"].items() if "get" in methods]
    assert len(paths) > 10
    for template in paths:
        path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), template)
        _no_store_nosniff(client.get(path, headers=headers))
        _no_store_nosniff(client.get(path))  # 401 problem+json
    _no_store_nosniff(client.post("/api/v1/applications", json={}, headers=headers))  # 422
    _no_store_nosniff(client.get("/openapi.json"))


def test_letters_as_pdf_and_html_are_not_stored_and_not_sniffed(app):
    letter_id, owner = _letter(app)
    client = browser(app)
    token = client.post("/api/v1/demo/tokens", json={"user": owner}).json()["token"]
    api = {"Authorization": f"Bearer {token}"}
    pdf = client.get(f"/api/v1/letters/{letter_id}/pdf", headers=api)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    html = client.get(f"/api/v1/letters/{letter_id}/html", headers=api)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "script-src" not in html.headers["content-security-policy"]  # default-src 'none'
    assert "default-src 'none'" in html.headers["content-security-policy"]
    client.cookies.set(SESSION_COOKIE, token)
    for answer in (
        pdf,
        html,
        client.get(f"/my/letters/{letter_id}"),
        client.get(f"/my/letters/{letter_id}/pdf"),
    ):
        assert answer.status_code == 200, answer.request.url
        _no_store_nosniff(answer)


def test_hsts_only_when_served_over_https(app):
    for path in ("/", "/api/v1/health", "/docs", "/static/trygd.css"):
        plain = browser(app).get(path)
        secure = browser(app, "https://testserver").get(path)
        assert plain.status_code == secure.status_code == 200, path
        assert "strict-transport-security" not in plain.headers, path
        assert secure.headers["strict-transport-security"].startswith("max-age=31536000"), path
        assert secure.headers["x-content-type-options"] == "nosniff"


def test_the_api_docs_come_from_local_files_under_the_pages_csp(app):
    client = browser(app)
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    csp = dict(PAGE_HEADERS)[b"content-security-policy"].decode()
    assert docs.headers["content-security-policy"] == csp
    assert docs.headers["cache-control"] == "no-store"
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", docs.text, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert "style=" not in docs.text and "<style" not in docs.text
    files = re.findall(r'(?:src|href)="(/static/[^"]+)"', docs.text)
    assert len(files) == 3
    for name in files:
        answer = client.get(name)
        assert answer.status_code == 200 and len(answer.content) > 100, name
    assert client.get("/openapi.json").json()["info"]["title"] == "trygd"
