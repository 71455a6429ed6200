"""Who may take a task: the task's own kind and unit decide, not the case's (on SQLite and
PostgreSQL). A refused claim is a 403 problem and is audited; the queue offers only the
tasks the caller may take.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from support import TOKENS, aap_application, citizen_headers, employee_headers
from test_appeals import forwarded, rejected_dagpenger

from trygd.store.models import AuditRecord, Oppgave

API = "/api/v1"
NILS = employee_headers("Z990301")  # caseworker, 4450: the first instance of the klage
EVA = employee_headers("Z990302")  # approver, 4450
LISE = employee_headers("Z990601")  # NAV Klageinstans Oslo, 4291
KARI = employee_headers("Z990101")  # caseworker, 0312 (AAP)
OLA = employee_headers("Z990102")  # approver, 0312


def token(sub: str, roles: list[str], unit: str) -> dict[str, str]:
    """An employee no demo user is: several roles at once."""
    claims = {"sub": sub, "name": sub, "roles": roles, "unit": unit}
    return {"Authorization": f"Bearer {TOKENS.issue(claims)}"}


def open_task(service, kind: str) -> Oppgave:
    with service.sessions() as session:
        [task] = session.scalars(
            select(Oppgave).where(Oppgave.status == "open", Oppgave.kind == kind)
        )
        return task


def claim(client, headers: dict[str, str], task: Oppgave) -> Any:
    return client.post(f"{API}/tasks/{task.id}/claim", headers=headers)


def assert_refused_and_audited(
    service, answer: Any, task: Oppgave, actor_id: str, why: str
) -> None:
    assert answer.status_code == 403, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    # The caller reads the reason, except where it is about the person: a task's unit (Nav
    # Vikafossen: a protected address) is kept in the audit record only.
    told = answer.json()["detail"]
    assert why in told or (
        "unit" in why and told == "access denied: you have no access to this person's data"
    )
    with service.sessions() as session:
        records = session.scalars(
            select(AuditRecord).where(
                AuditRecord.action == "claim_task", AuditRecord.object_id == str(task.id)
            )
        ).all()
    [record] = [r for r in records if r.actor_id == actor_id]
    assert record.outcome == "deny"
    assert why in record.reason
    with service.sessions() as session:
        assert session.get(Oppgave, task.id).assigned_to is None


def queued(client, headers: dict[str, str]) -> list[tuple[str, str]]:
    answer = client.get(f"{API}/tasks", headers=headers)
    assert answer.status_code == 200, answer.text
    return [(t["id"], t["kind"]) for t in answer.json()["items"]]


def test_the_first_instance_cannot_claim_the_klageinstans_task(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    forwarded(client, me, case, service)
    task = open_task(service, "klageinstans")
    assert task.unit == "4291"

    assert_refused_and_audited(service, claim(client, NILS, task), task, "Z990301", "appeals")
    # Even with the appeals role, an employee of the first instance works in its own unit.
    both = token("Z990399", ["caseworker", "appeals"], "4450")
    assert_refused_and_audited(service, claim(client, both, task), task, "Z990399", "unit 4291")
    assert (str(task.id), "klageinstans") not in queued(client, NILS)
    assert (str(task.id), "klageinstans") in queued(client, LISE)

    taken = claim(client, LISE, task)
    assert taken.status_code == 200, taken.text
    assert taken.json()["assigned_to"] == "Z990601"


def test_the_proposer_is_not_offered_and_cannot_claim_the_approval(client, make_person, service):
    case = client.post(
        f"{API}/applications",
        json=aap_application(),
        headers=citizen_headers(make_person("Pia Prøve")),
    ).json()
    mia = token("Z990199", ["caseworker", "approver"], "0312")
    proposed = client.post(
        f"{API}/behandlinger/{case['behandling_id']}/propose",
        json={"version": case["version"]},
        headers=mia,
    )
    assert proposed.status_code == 200, proposed.text
    task = open_task(service, "approve")

    assert (str(task.id), "approve") not in queued(client, mia)
    assert (str(task.id), "approve") in queued(client, OLA)
    assert_refused_and_audited(
        service, claim(client, mia, task), task, "Z990199", "totrinnskontroll"
    )
    assert claim(client, OLA, task).status_code == 200


def test_an_approver_is_not_offered_and_cannot_claim_an_assessment(client, make_person, service):
    client.post(
        f"{API}/applications",
        json=aap_application(reduced_work_capacity=None),
        headers=citizen_headers(make_person("Åse Vurder")),
    )
    task = open_task(service, "assess")
    assert task.unit == "0312"

    assert queued(client, OLA) == []
    assert (str(task.id), "assess") in queued(client, KARI)
    assert_refused_and_audited(service, claim(client, OLA, task), task, "Z990102", "caseworker")
    assert claim(client, KARI, task).status_code == 200
