"""Fast checks of the citizens' pages through the whole site (TestClient, demo data, SQLite):
reporting a change, service complaints, the benefit guide, and that opening a page never
changes anything."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from trygd.api.demo import demo_claims
from trygd.api.identity import DemoTokens
from trygd.demo.seed import _sak_of, seed
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.store.models import Draft, Person
from trygd.web.app import create_site
from trygd.web.session import CSRF_COOKIE, SESSION_COOKIE


def _site(folder: Path) -> tuple[TestClient, CaseService]:
    engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=True))
    seed(service)
    site = create_site(service, DemoTokens("test-secret-" + "x" * 32), demo=True)
    return TestClient(site, follow_redirects=False), service


def _person(service: CaseService, name: str) -> Person:
    with service.sessions() as session:
        person: Person = session.scalars(select(Person).where(Person.name == name)).one()
        return person


def _as(client: TestClient, service: CaseService, name: str) -> str:
    """Sign `client` in as demo person `name`; returns the id of their (first) case."""
    person = _person(service, name)
    token = client.app.state.identity.issue(demo_claims(service, f"person:{person.id}"))  # type: ignore[attr-defined]
    client.cookies.set(SESSION_COOKIE, token)
    client.cookies.set(CSRF_COOKIE, "c" * 32)
    return _sak_of(service, person)


def form(**values: Any) -> dict[str, Any]:
    return {"csrf_token": "c" * 32, **values}


def _messages(html: str) -> str:
    return " ".join(
        re.findall(r'class="aksel-error-message[^"]*">.*?</svg>\s*([^<]*)<', html, re.S)
    )


@pytest.fixture
def site(tmp_path):
    return _site(tmp_path)


def _behandlinger(service: CaseService, client: TestClient, sak_id: str) -> int:
    response = client.get(f"/my/cases/{sak_id}")
    assert response.status_code == 200
    return response.text.count("Vi har mottatt meldingen om endring")


# -- reporting a change -------------------------------------------------------------------------


def test_a_change_is_checked_step_by_step_and_sent_once(site):
    client, service = site
    sak_id = _as(client, service, "Bjørn Lie")
    url = f"/my/cases/{sak_id}/change"
    assert "Meld fra om en endring" in client.get(f"/my/cases/{sak_id}").text
    first = client.get(url)
    assert first.status_code == 200
    key = re.search(r'name="key" value="([^"]+)"', first.text).group(1)
    nothing = client.post(url, data=form(key=key, step="what"))
    assert nothing.status_code == 400 and "Velg hva som har endret seg" in nothing.text
    value_page = client.post(url, data=form(key=key, step="what", fact="sick_leave_grade"))
    assert "Hvor mange prosent er du sykmeldt?" in value_page.text
    # The value the latest vedtak rests on is shown with the field (Bjørn's grade in the demo).
    registered = re.search(r"I vedtaket ditt har vi registrert: (\d+)\s%\.", value_page.text)
    assert registered, value_page.text
    decided = service.get_vedtak(
        _citizen_of(service, "Bjørn Lie"),
        service.get_sak(_citizen_of(service, "Bjørn Lie"), sak_id)["vedtak"][-1]["id"],
        "nb",
    )
    assert int(registered.group(1)) == decided["facts"]["sick_leave_grade"]
    wrong = client.post(
        url, data=form(key=key, step="value", fact="sick_leave_grade", answer="150")
    )
    assert wrong.status_code == 400 and "Skriv et helt tall fra 0 til 100" in wrong.text
    date_page = client.post(
        url, data=form(key=key, step="value", fact="sick_leave_grade", answer="50")
    )
    assert 'name="stored" value="50"' in date_page.text
    carried = {"key": key, "fact": "sick_leave_grade", "answer": "50", "stored": "50"}
    early = client.post(url, data=form(step="date", effective_date="01.01.2000", **carried))
    assert early.status_code == 400 and "før" in early.text
    today = service.settings.clock().date().strftime("%d.%m.%Y")
    check = client.post(url, data=form(step="date", effective_date=today, **carried))
    assert "Se over svarene før du sender" in check.text
    assert "<dd>50\u00a0%</dd>" in check.text  # the answer as Norwegian writes a percentage
    tampered = client.post(
        url, data=form(step="check", effective_date=today, **{**carried, "answer": "900"})
    )
    assert tampered.status_code == 400  # every step is checked again before sending
    assert "Skriv et helt tall fra 0 til 100" in tampered.text
    sent = client.post(url, data=form(step="check", effective_date=today, **carried))
    assert sent.status_code == 303 and sent.headers["location"].endswith("/change/received")
    again = client.post(url, data=form(step="check", effective_date=today, **carried))
    assert again.status_code == 303  # the same key: a double click opens one revurdering
    sak = service.get_sak(_citizen_of(service, "Bjørn Lie"), sak_id)
    assert [b["kind"] for b in sak["behandlinger"]].count("revurdering") == 1
    receipt = client.get(sent.headers["location"])
    assert "Vi har mottatt endringen" in receipt.text


def _citizen_of(service: CaseService, name: str):
    from trygd.demo.seed import _citizen

    return _citizen(_person(service, name))


def test_a_change_cannot_be_reported_while_the_case_is_open(site):
    client, service = site
    sak_id = _as(client, service, "David Hansen")  # AAP waiting for a caseworker
    page = client.get(f"/my/cases/{sak_id}/change")
    assert "Du kan ikke melde fra om en endring nå" in page.text
    assert 'name="step"' not in page.text


# -- service complaints -------------------------------------------------------------------------


def test_a_service_complaint_needs_text_and_shows_up_in_the_list(site):
    client, service = site
    _as(client, service, "Knut Aas")
    new = client.get("/my/serviceklage/new")
    assert "ikke en klage på et vedtak" in new.text
    short = client.post("/my/serviceklage/new", data=form(text="Dårlig"))
    assert short.status_code == 400 and "minst 10 tegn" in short.text
    foreign = _sak_of(service, _person(service, "Anna Dahl"))
    other = client.post(
        "/my/serviceklage/new", data=form(text="Ingen svarte på telefonen.", sak_id=foreign)
    )
    assert other.status_code == 400 and "Velg en av sakene dine" in other.text
    sent = client.post("/my/serviceklage/new", data=form(text="Ingen svarte på telefonen."))
    assert sent.status_code == 303
    listed = client.get(sent.headers["location"])
    assert "Vi har mottatt klagen din" in listed.text
    assert "Ingen svarte på telefonen." in listed.text
    # The demo has too few answered complaints for an honest figure of how long answers take.
    assert "Vi kan ikke si ennå hvor lang tid et svar pleier å ta." in listed.text


# -- the guide ----------------------------------------------------------------------------------


def test_the_guide_works_signed_out_and_explains_with_the_rules(site):
    client, _service = site
    client.cookies.set(CSRF_COOKIE, "c" * 32)
    assert client.get("/guide").status_code == 200
    bad = client.post("/guide", data=form(situation="unemployed", birth_date="31.02.1985"))
    assert bad.status_code == 400
    assert "Skriv fødselsdatoen din som dd.mm.åååå" in bad.text
    result = client.post(
        "/guide",
        data=form(
            situation="unemployed",
            birth_date="14.03.1985",
            lives_in_norway="yes",
            income="50000",
            income_3y="60000",
            hours_before="37,5",
            hours_now="0",
        ),
    )
    assert result.status_code == 200
    assert "Trolig ikke" in result.text and "ftrl. § 4-4" in result.text
    assert 'href="/apply/dagpenger"' in result.text


# -- opening a page changes nothing -------------------------------------------------------------


def test_opening_the_question_pages_makes_no_draft(site):
    client, service = site
    _as(client, service, "Camilla Berg")

    def drafts() -> int:
        with service.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(Draft)) or 0)

    before = drafts()
    for path in ("/apply/aap/q/membership_years", "/apply/aap/documents", "/apply/aap/check"):
        assert client.get(path).status_code in (200, 303)
    assert drafts() == before
    saved = client.post("/apply/aap/q/membership_years", data=form(answer="10"))
    assert saved.status_code == 303
    assert drafts() == before + 1
    assert 'value="10"' in client.get("/apply/aap/q/membership_years").text


# -- the receipt --------------------------------------------------------------------------------


def test_the_receipt_tells_the_usual_time_only_when_decisions_show_it(site, monkeypatch):
    """An application a caseworker must assess: the receipt gives the time within which four
    out of five were decided lately, or says plainly that there are too few to tell."""
    import datetime as dt
    import json

    from trygd.privacy.policy import Actor, Role
    from trygd.services import processing_times
    from trygd.services.unit_of_work import RequestContext

    client, service = site
    _as(client, service, "Camilla Berg")
    person = _person(service, "Camilla Berg")
    context = RequestContext(
        actor=Actor(id=f"person:{person.id}", name=person.name, roles=frozenset({Role.CITIZEN})),
        identity_number=person.identity_number,
    )
    example = json.loads(
        (Path(__file__).parents[2] / "examples" / "aap-40-percent.json").read_text()
    )
    body = {key: example[key] for key in ("benefit", "claim_date", "facts")}
    body["facts"] = {**body["facts"], "birth_date": person.birth_date.isoformat()}
    draft = service.open_draft(context, "aap")
    status, _answer = service.submit_draft(context, draft["id"], body)
    assert status == 201

    monkeypatch.setattr(processing_times, "MIN_DECISIONS", 10_000)  # far more than the demo has
    receipt = client.get(f"/apply/receipt/{draft['id']}")
    assert receipt.status_code == 200
    assert "for få søknader som din er avgjort" in receipt.text

    # With decisions to go by (the service's own figure is tested in tests/integration):
    usual = processing_times.ProcessingTime(weeks=7, decisions=120, since=dt.date(2025, 12, 3))
    monkeypatch.setattr(processing_times, "usual_processing_time", lambda uow, benefit: usual)
    service._processing_times.clear()  # the figure is otherwise kept for an hour
    receipt = client.get(f"/apply/receipt/{draft['id']}")
    main = receipt.text.split("<main", 1)[1]
    assert "fire av fem som søkte om arbeidsavklaringspenger (AAP), svar innen 7 uker" in main
