"""The demo sign-in's list of users: read through the services (`DemoUsers`), complete in demo
mode (every seeded person and every invented employee), and not there at all outside it."""

from __future__ import annotations

import html
from typing import Any

import pytest
from fastapi.testclient import TestClient

from trygd.api.identity import DemoTokens, SignedTokens
from trygd.demo.seed import PERSONS, seed
from trygd.demo.users import EMPLOYEES
from trygd.services.demo_users import DemoUsers
from trygd.services.errors import InvalidInput
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.web.app import create_site
from trygd.web.session import CSRF_COOKIE, browser_csrf_token

SECRET = "test-secret-for-the-demo-sign-in-0123456789"


@pytest.fixture(scope="module")
def demo_service(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("demo-sign-in")
    engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=True))
    seed(service)
    yield service
    engine.dispose()


def test_the_sign_in_page_lists_every_demo_person_and_employee(demo_service):
    client = TestClient(create_site(demo_service, DemoTokens(SECRET), demo=True))
    page = html.unescape(client.get("/login").text)
    missing = [p.name for p in PERSONS if p.name not in page]
    missing += [e.name for e in EMPLOYEES if e.name not in page]
    assert missing == []
    users = client.get("/api/v1/demo/users").json()
    assert {c["name"] for c in users["citizens"]} == {p.name for p in PERSONS}
    assert [e["user"] for e in users["employees"]] == [e.id for e in EMPLOYEES]


def test_demo_users_are_read_through_the_services(demo_service):
    users = DemoUsers(demo_service, EMPLOYEES)
    citizen = users.citizens()[0]
    claims = users.claims(citizen.user)
    assert claims["sub"] == citizen.user and claims["roles"] == ["citizen"] and claims["pid"]
    assert users.claims("Z990101")["roles"] == ["caseworker"]
    for not_a_user in ("Z000000", "person:not-an-id", "person:", "nobody"):
        with pytest.raises(InvalidInput):
            users.claims(not_a_user)


def test_outside_demo_mode_there_is_no_list_of_users(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=False))
    with pytest.raises(ValueError):
        DemoUsers(service, EMPLOYEES)
    site = create_site(service, SignedTokens(SECRET), demo=False)
    assert site.state.demo_users is None
    client = TestClient(site, follow_redirects=False)
    page = client.get("/login").text
    assert not any(e.name in page for e in EMPLOYEES)
    assert client.get("/api/v1/demo/users").status_code == 404
    client.cookies.set(CSRF_COOKIE, "c" * 32)
    token = browser_csrf_token(site.state.csrf_key, "c" * 32)
    refused = client.post("/login", data={"csrf_token": token, "user": "Z990101"})
    assert refused.status_code == 400 and "ID-porten" in refused.text, refused.text
    engine.dispose()
