"""Every number the API takes is bounded: a page offset of 2**63 + 1, a fact of 1e308 or a
version beyond any integer column is refused with 422 problem+json naming the field, never
passed on to the database (where it failed as a 500). On SQLite and PostgreSQL.

The paged endpoints are found in the OpenAPI document, so a new one is checked as well.
"""

from __future__ import annotations

import json

import pytest
from support import aap_application, citizen_headers, employee_headers

from trygd.api.app import create_app
from trygd.rules.benefits import BENEFITS
from trygd.rules.declarations import KIND_MAXIMUM
from trygd.services.views import MAX_OFFSET

API = "/api/v1"
HUGE = [str(2**63 + 1), "1e308", "-1", str(MAX_OFFSET + 1)]
NUMBERS = [1e308, -1e308, 2**63 + 1]
NUMBER_KINDS = set(KIND_MAXIMUM)


def _paged_paths() -> list[str]:
    """The GET endpoints that take an offset, from the API's own description."""
    from support import TOKENS

    from trygd.services.facade import CaseService, Settings
    from trygd.store.database import make_engine

    service = CaseService(make_engine("sqlite://"), Settings(demo=True))
    document = create_app(service, TOKENS, demo=True).openapi()
    return sorted(
        path.removeprefix(API)
        for path, operations in document["paths"].items()
        if any(p["name"] == "offset" for p in operations.get("get", {}).get("parameters", []))
    )


PAGED = _paged_paths()


def _problem_names(answer, field: str) -> None:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    fields = [e["field"] for e in answer.json()["errors"]]
    assert any(f == field or f.endswith("." + field) for f in fields), fields


@pytest.fixture
def anna(client, make_person):
    person = make_person("Anna")
    headers = citizen_headers(person)
    answer = client.post(f"{API}/applications", json=aap_application(), headers=headers)
    assert answer.status_code == 201, answer.text
    return headers, answer.json()


def test_the_paged_endpoints_are_found():
    assert {"/cases", "/tasks", "/audit", "/cases/{sak_id}/events"} <= set(PAGED)


@pytest.mark.parametrize("parameter", ["offset", "limit"])
@pytest.mark.parametrize("path", PAGED)
def test_a_paged_list_refuses_a_number_out_of_bounds(client, anna, path, parameter):
    citizen, case = anna
    headers = employee_headers("Z990701") if path == "/audit" else citizen
    if path in ("/tasks", "/unit/serviceklager"):
        headers = employee_headers("Z990101")
    address = API + path.replace("{sak_id}", case["sak_id"])
    purpose = {"purpose": "kontroll"} if path == "/audit" else {}  # only the audit asks why
    for value in HUGE:
        answer = client.get(address, params={parameter: value, **purpose}, headers=headers)
        _problem_names(answer, parameter)


@pytest.mark.parametrize("benefit", sorted(BENEFITS))
def test_every_number_in_an_application_is_bounded(client, make_person, benefit):
    headers = citizen_headers(make_person())
    facts = [f for f in BENEFITS[benefit].input_facts if f.kind in NUMBER_KINDS]
    assert facts
    for fact in facts:
        for value in NUMBERS:
            body = {"benefit": benefit, "claim_date": "2026-11-13", "facts": {fact.name: value}}
            answer = client.post(
                f"{API}/applications",
                content=json.dumps(body),
                headers={**headers, "content-type": "application/json"},
            )
            _problem_names(answer, f"facts.{fact.name}")


def test_a_yearly_amount_is_bounded(client, make_person):
    body = aap_application(income_history=[{"year": 2024, "amount": 1e308}])
    answer = client.post(f"{API}/applications", json=body, headers=citizen_headers(make_person()))
    _problem_names(answer, "amount")


def test_a_fact_a_caseworker_assesses_is_bounded(client, anna):
    _citizen, case = anna
    kari = employee_headers("Z990101")
    behandling = client.get(f"{API}/behandlinger/{case['behandling_id']}", headers=kari).json()
    for value in NUMBERS:
        body = {
            "version": behandling["version"],
            "condition": "aap.work_capacity_reduced",
            "facts": {"reduced_work_capacity": value},
            "reason": "Legeerklæringen viser hvor mye arbeidsevnen er nedsatt.",
        }
        answer = client.post(
            f"{API}/behandlinger/{case['behandling_id']}/assessments",
            content=json.dumps(body),
            headers={**kari, "content-type": "application/json"},
        )
        _problem_names(answer, "facts.reduced_work_capacity")


@pytest.mark.parametrize("version", [2**63 + 1, -1, 1e308])
def test_a_version_is_bounded(client, anna, version):
    _citizen, case = anna
    answer = client.post(
        f"{API}/behandlinger/{case['behandling_id']}/propose",
        content=json.dumps({"version": version}),
        headers={**employee_headers("Z990101"), "content-type": "application/json"},
    )
    _problem_names(answer, "version")
