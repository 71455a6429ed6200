"""Whole journeys through the API, on SQLite and on PostgreSQL."""

from __future__ import annotations

from support import aap_application, citizen_headers, dagpenger_application, employee_headers


def test_automatic_decision_is_marked_and_explained(client, make_person, service):
    person = make_person("Anna Dahl")
    me = citizen_headers(person)
    answer = client.post("/api/v1/applications", json=dagpenger_application(), headers=me)
    assert answer.status_code == 201, answer.text
    case = answer.json()
    assert (case["state"], case["outcome"], case["automatic"]) == ("decided", "granted", True)
    assert case["unit"] == "4450"
    vedtak = client.get(f"/api/v1/vedtak/{case['vedtak_id']}?lang=en", headers=me).json()
    assert vedtak["automatic"] is True
    assert "automatically" in vedtak["automatic_notice"]
    assert all(c["legal_basis"].startswith("ftrl.") for c in vedtak["criteria"])
    # iverksetting, the vedtak letter, and the reminder of the first meldekort (due 23
    # November, the tests' today), planned by the iverksetting
    assert service.run_due_jobs() == 3
    sak = client.get(f"/api/v1/cases/{case['sak_id']}", headers=me).json()
    assert sak["behandlinger"][0]["state"] == "implemented"


def test_manual_case_needs_a_second_person(client, make_person):
    person = make_person("David Hansen", municipality="0301")
    me = citizen_headers(person)
    case = client.post("/api/v1/applications", json=aap_application(), headers=me).json()
    assert (case["state"], case["unit"]) == ("assessing", "0312")
    kari, ola = employee_headers("Z990101"), employee_headers("Z990102")
    queue = client.get("/api/v1/tasks", headers=kari).json()
    assert [t["behandling_id"] for t in queue["items"]] == [case["behandling_id"]]
    proposed = client.post(
        f"/api/v1/behandlinger/{case['behandling_id']}/propose",
        json={"version": case["version"]},
        headers=kari,
    )
    assert proposed.status_code == 200, proposed.text
    version = proposed.json()["version"]
    approved = client.post(
        f"/api/v1/behandlinger/{case['behandling_id']}/approve",
        json={"version": version},
        headers=ola,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "decided"
    assert approved.json()["automatic"] is False
