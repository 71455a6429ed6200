"""The API asks the same level of sign-in as the pages (`required_assurance`): a citizen's
bearer token below the level a case's data needs (substantial for a case that rests on health
data) is answered 401 with the challenge of RFC 9470 and nothing of the data; a token at the
level is answered as before, a case without health data needs no more than substantial, and
employees' tokens have no such level.

The site runs on SQLite with the demo data (`trygd.demo.seed`), whose AAP and sykepenger cases
have vedtak, letters, payments and a tilbakekreving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_support import (
    HEALTH,
    dagpenger_meldekort_plan,
    health_record,
)

from trygd.api.app import create_app
from trygd.api.identity import DemoTokens
from trygd.demo.seed import seed
from trygd.services.facade import CaseService, Settings
from trygd.store.database import make_engine, migrate
from trygd.store.models import (
    Behandling,
    Letter,
    PaymentLine,
    Person,
    Sak,
    Tilbakekreving,
    Vedtak,
)

TOKENS = DemoTokens("test-secret-for-the-assurance-tests-0123456789")
HIGH, SUBSTANTIAL = "idporten-loa-high", "idporten-loa-substantial"
CHALLENGE = (
    'Bearer error="insufficient_user_authentication", '
    'error_description="A sign-in at a higher level of assurance is required", '
    'acr_values="idporten-loa-high"'
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("assurance")
    engine = make_engine(f"sqlite:///{folder / 'trygd.sqlite3'}")
    migrate(engine)
    service = CaseService(engine, Settings(demo=True))
    seed(service)
    with TestClient(create_app(service, TOKENS, demo=True)) as client:
        yield {"client": client, "service": service}
    engine.dispose()


def citizen(person: Person, acr: str | None) -> dict[str, str]:
    claims: dict[str, Any] = {
        "sub": f"person:{person.id}",
        "name": person.name,
        "roles": ["citizen"],
        "pid": person.identity_number,
    }
    if acr is not None:
        claims["acr"] = acr
    return {"Authorization": f"Bearer {TOKENS.issue(claims)}"}


def caseworker(unit: str) -> dict[str, str]:
    claims = {"sub": "Z990101", "name": "Kari", "roles": ["caseworker"], "unit": unit}
    return {"Authorization": f"Bearer {TOKENS.issue(claims)}"}


def _health_case(site: dict[str, Any]) -> dict[str, Any]:
    """A case of a health benefit with a vedtak and a letter, and the paths of its data."""
    with site["service"].sessions() as session:
        sak, person = session.execute(
            select(Sak, Person)
            .join(Person, Person.id == Sak.person_id)
            .join(Vedtak, Vedtak.sak_id == Sak.id)
            .join(Letter, Letter.sak_id == Sak.id)
            .where(Sak.benefit.in_(HEALTH), Person.protection == "none")
        ).first()
        vedtak = session.scalars(select(Vedtak).where(Vedtak.sak_id == sak.id)).first()
        letter = session.scalars(select(Letter).where(Letter.sak_id == sak.id)).first()
        behandling = session.scalars(select(Behandling).where(Behandling.sak_id == sak.id)).first()
    paths = [
        f"/api/v1/cases/{sak.id}",
        f"/api/v1/cases/{sak.id}/events",
        f"/api/v1/cases/{sak.id}/letters",
        f"/api/v1/cases/{sak.id}/klager",
        f"/api/v1/cases/{sak.id}/tilbakekrevinger",
        f"/api/v1/behandlinger/{behandling.id}",
        f"/api/v1/vedtak/{vedtak.id}",
        f"/api/v1/letters/{letter.id}",
        f"/api/v1/letters/{letter.id}/html",
    ]
    return {"sak": sak, "person": person, "paths": paths}


def _refused(answer: Any) -> None:
    assert answer.status_code == 401, answer.text[:300]
    assert answer.headers["www-authenticate"] == CHALLENGE
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["code"] == "insufficient_user_authentication"
    assert body["required_acr"] == HIGH
    assert HIGH in body["detail"]


@pytest.mark.parametrize("acr", [SUBSTANTIAL, None])
def test_a_health_case_read_below_the_high_level_is_refused_with_a_step_up_challenge(site, acr):
    case = _health_case(site)
    headers = citizen(case["person"], acr)
    for path in case["paths"]:
        _refused(site["client"].get(path, headers=headers))


def test_the_same_reads_at_the_high_level_are_answered(site):
    case = _health_case(site)
    headers = citizen(case["person"], HIGH)
    for path in case["paths"]:
        answer = site["client"].get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.text[:300])


def test_an_employees_token_has_no_level_and_reads_as_before(site):
    case = _health_case(site)
    headers = caseworker(case["sak"].unit)
    for path in case["paths"]:
        answer = site["client"].get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.text[:300])


def test_payments_and_tilbakekreving_of_a_health_benefit_need_the_high_level(site):
    payment, payee = health_record(site["service"], PaymentLine)
    claim, debtor = health_record(site["service"], Tilbakekreving)
    client = site["client"]
    for person, path in [
        (payee, f"/api/v1/payments/{payment.id}"),
        (debtor, f"/api/v1/tilbakekrevinger/{claim.id}"),
    ]:
        _refused(client.get(path, headers=citizen(person, SUBSTANTIAL)))
        assert client.get(path, headers=citizen(person, HIGH)).status_code == 200, path


def test_a_meldekort_of_aap_needs_the_high_level_and_one_of_dagpenger_does_not(site):
    """An AAP meldekort tells of illness: saving or sending one below the level is refused
    before the card is looked at; a dagpenger one is read at substantial."""
    with site["service"].sessions() as session:
        sak, person = session.execute(
            select(Sak, Person)
            .join(Person, Person.id == Sak.person_id)
            .where(Sak.benefit == "aap", Person.protection == "none")
        ).first()
    plan, card_owner = dagpenger_meldekort_plan(site["service"])
    client = site["client"]
    monday = dt.date(2026, 11, 2).isoformat()
    path = f"/api/v1/meldekort/{sak.id}/{monday}"
    headers = citizen(person, SUBSTANTIAL)
    _refused(client.put(f"{path}/draft", json={"days": []}, headers=headers))
    _refused(client.post(path, json={"days": []}, headers=headers))
    path = f"/api/v1/meldekort/{plan.sak_id}/{plan.period_start.isoformat()}"
    assert client.get(path, headers=citizen(card_owner, SUBSTANTIAL)).status_code == 200


def test_a_case_without_health_data_needs_only_substantial(site):
    with site["service"].sessions() as session:
        sak, person = session.execute(
            select(Sak, Person)
            .join(Person, Person.id == Sak.person_id)
            .where(Sak.benefit == "dagpenger", Person.protection == "none")
        ).first()
    headers = citizen(person, SUBSTANTIAL)
    for path in (f"/api/v1/cases/{sak.id}", f"/api/v1/cases/{sak.id}/events"):
        assert site["client"].get(path, headers=headers).status_code == 200, path


def test_a_change_reported_below_the_level_is_refused_before_anything_is_written(site):
    case = _health_case(site)
    sak = case["sak"]

    def revurderinger() -> int:
        with site["service"].sessions() as session:
            count = select(func.count()).select_from(Behandling)
            return int(session.scalar(count.where(Behandling.sak_id == sak.id)) or 0)

    before = revurderinger()
    body = {"effective_date": dt.date.today().isoformat(), "facts": {"children": 3}}
    answer = site["client"].post(
        f"/api/v1/cases/{sak.id}/changes", json=body, headers=citizen(case["person"], SUBSTANTIAL)
    )
    _refused(answer)
    assert revurderinger() == before
