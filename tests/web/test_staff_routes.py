"""Fast checks of the staff pages through the whole site (TestClient, demo data, SQLite):
the role's start page, the queue's filters, the forms' messages next to their fields,
optimistic locking, and that an identity number never appears in an address or a page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from trygd.api.demo import demo_claims
from trygd.api.identity import DemoTokens
from trygd.demo.seed import PERSONS, seed
from trygd.domain.identity import synthetic_identity_number
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.web.app import create_site
from trygd.web.session import CSRF_COOKIE, SESSION_COOKIE


def demo_site(folder: Path) -> tuple[TestClient, CaseService]:
    engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=True))
    seed(service)
    site = create_site(service, DemoTokens("test-secret-" + "x" * 32), demo=True)
    return TestClient(site, follow_redirects=False), service


def signed_in(client: TestClient, user: str) -> TestClient:
    """`client` with the cookies of demo user `user` (an employee id) and a CSRF value."""
    state = client.app.state  # type: ignore[attr-defined]
    token = state.identity.issue(demo_claims(state.service, user))
    client.cookies.set(SESSION_COOKIE, token)
    client.cookies.set(CSRF_COOKIE, "c" * 32)
    return client


def form(**values: Any) -> dict[str, Any]:
    return {"csrf_token": "c" * 32, **values}


def version_in(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "the page has no form with the version"
    return found.group(1)


@pytest.fixture
def site(tmp_path):
    client, _service = demo_site(tmp_path)
    return client


def _tasks(client, **query) -> list[str]:
    page = client.get("/staff/tasks", params=query)
    assert page.status_code == 200
    return re.findall(r'href="/staff/behandlinger/([0-9a-f-]+)"', page.text)


@pytest.mark.parametrize(
    ("user", "home"),
    [("Z990101", "/staff/tasks"), ("Z990601", "/klageinstans"), ("Z990701", "/staff/audit")],
)
def test_staff_start_where_their_role_works(site, user, home):
    answer = signed_in(site, user).get("/staff")
    assert answer.status_code == 303
    assert answer.headers["location"] == home


def test_the_queue_filters_by_kind_and_ignores_unknown_values(site):
    client = signed_in(site, "Z990101")
    everything = _tasks(client)
    approvals = _tasks(client, kind="approve")
    assert len(approvals) == 1 and len(everything) == 3
    assert _tasks(client, kind="nonsense") == everything
    assert _tasks(client, benefit="dagpenger") == []


def test_a_stale_version_gives_the_conflict_page_and_changes_nothing(site):
    client = signed_in(site, "Z990101")
    case = _tasks(client, kind="assess")[0]
    page = client.get(f"/staff/behandlinger/{case}")
    version = int(version_in(page.text))
    answer = client.post(f"/staff/behandlinger/{case}/propose", data=form(version=str(version - 1)))
    assert answer.status_code == 409
    assert "Noen andre har endret saken" in answer.text or "Someone else" in answer.text
    assert version_in(client.get(f"/staff/behandlinger/{case}").text) == str(version)


def test_assessing_needs_a_reason_and_a_readable_number(site):
    client = signed_in(site, "Z990101")
    case = _tasks(client, kind="assess")[0]
    version = version_in(client.get(f"/staff/behandlinger/{case}").text)
    answer = client.post(
        f"/staff/behandlinger/{case}/assess",
        data=form(
            version=version,
            condition="aap.work_capacity_reduced",
            **{"fact.reduced_work_capacity": "sixty"},
        ),
    )
    assert answer.status_code == 400
    assert "Skriv et tall" in answer.text
    assert "Skriv hvorfor du vurderer det slik" in answer.text
    assert 'href="#assess-aap-work_capacity_reduced-reason"' in answer.text
    assert version_in(client.get(f"/staff/behandlinger/{case}").text) == version


def test_an_assessment_with_a_reason_is_saved(site):
    client = signed_in(site, "Z990101")
    case = _tasks(client, kind="assess")[0]
    version = version_in(client.get(f"/staff/behandlinger/{case}").text)
    answer = client.post(
        f"/staff/behandlinger/{case}/assess",
        data=form(
            version=version,
            condition="aap.work_capacity_reduced",
            reason="Legeerklæringen viser 65 prosent nedsatt arbeidsevne.",
            **{"fact.reduced_work_capacity": "65"},
        ),
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"])
    assert "Vurderingen er lagret" in page.text
    assert "65\u00a0%" in page.text or "65 %" in page.text
    assert int(version_in(page.text)) > int(version)


def test_a_request_for_information_needs_a_future_deadline(site):
    client = signed_in(site, "Z990101")
    case = _tasks(client, kind="assess")[0]
    version = version_in(client.get(f"/staff/behandlinger/{case}").text)
    answer = client.post(
        f"/staff/behandlinger/{case}/request-information",
        data=form(version=version, description="Send ny legeerklæring.", deadline="2001-01-01"),
    )
    assert answer.status_code == 400
    assert "Fristen må være etter i dag." in answer.text


def test_a_caseworker_cannot_approve(site):
    client = signed_in(site, "Z990101")
    case = _tasks(client, kind="approve")[0]
    page = client.get(f"/staff/behandlinger/{case}")
    assert "Godkjenn og fatt vedtaket" not in page.text
    answer = client.post(
        f"/staff/behandlinger/{case}/approve",
        data=form(version=re.search(r"<dt>Versjon</dt><dd>(\d+)</dd>", page.text).group(1)),
    )
    assert answer.status_code == 400
    assert "Rollen din gir ikke lov" in answer.text


def test_search_never_shows_the_identity_number(site):
    client = signed_in(site, "Z990101")
    index, david = next((i, p) for i, p in enumerate(PERSONS) if p.name == "David Hansen")
    number = synthetic_identity_number(david.birth_date, index)
    found = client.post(
        "/staff/search", data=form(identity_number=number, purpose="Telefon fra David")
    )
    assert found.status_code == 200
    assert "David Hansen" in found.text and number not in found.text
    assert re.search(r'href="/staff/saker/[0-9a-f-]+"', found.text)
    bad = client.post("/staff/search", data=form(identity_number="123", purpose=""))
    assert bad.status_code == 400
    assert "Skriv fødselsnummeret med 11 siffer." in bad.text
    assert "Skriv hvorfor du søker" in bad.text


def test_the_audit_trail_asks_for_a_purpose_first(site):
    client = signed_in(site, "Z990701")
    first = client.get("/staff/audit")
    assert first.status_code == 200 and "audit-table" not in first.text
    missing = client.get("/staff/audit", params={"purpose": ""})
    assert missing.status_code == 400 and "Skriv hvorfor du leser loggen." in missing.text
    shown = client.get("/staff/audit", params={"purpose": "Stikkprøve"})
    assert shown.status_code == 200 and "audit-table" in shown.text


def test_klageinstans_must_wait_for_comments_or_the_deadline(site):
    client = signed_in(site, "Z990601")
    task = re.findall(r'href="/staff/behandlinger/([0-9a-f-]+)"', client.get("/klageinstans").text)
    opened = client.get(f"/staff/behandlinger/{task[0]}")
    assert opened.status_code == 303 and opened.headers["location"].startswith("/klageinstans/")
    page = client.get(opened.headers["location"])
    assert "Uttalelsen fra førsteinstans" in page.text
    answer = client.post(
        opened.headers["location"] + "/decide",
        data=form(
            version=version_in(page.text),
            outcome="stadfestet",
            reasons="Inntekten er riktig registrert i a-ordningen.",
        ),
    )
    assert answer.status_code == 400
    assert "Personen kan fortsatt uttale seg" in answer.text
