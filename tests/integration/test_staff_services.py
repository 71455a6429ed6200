"""Service functions behind the staff pages, through the API on SQLite and PostgreSQL:
the unit's serviceklager (listed without names, read and answered only by that unit),
klage attachments' metadata, and employees' names next to their ids."""

from __future__ import annotations

import base64
from typing import Any

from support import citizen_headers, employee_headers
from test_appeals import API, KARI, NILS, ok, rejected_dagpenger, submit

from trygd.store.models import AuditRecord

EVA = employee_headers("Z990302")  # approver, 4450
LISE = employee_headers("Z990601")  # NAV Klageinstans Oslo, 4291


def _complain(client, me, sak_id: str | None, text: str) -> dict[str, Any]:
    body: dict[str, Any] = {"text": text}
    if sak_id:
        body["sak_id"] = sak_id
    return ok(client.post(f"{API}/serviceklager", json=body, headers=me))


def test_the_unit_lists_its_serviceklager_open_first_and_without_names(
    client, make_person, service
):
    me, case = rejected_dagpenger(client, make_person, service)
    first = _complain(client, me, case["sak_id"], "Jeg ventet i telefonkø i to timer.")
    second = _complain(client, me, case["sak_id"], "Brevet kom til feil adresse.")
    ok(
        client.post(
            f"{API}/serviceklager/{first['id']}/answer",
            json={"answer": "Beklager ventetiden, vi har fått flere på telefonen."},
            headers=NILS,
        )
    )
    listed = ok(client.get(f"{API}/unit/serviceklager", headers=NILS))
    assert [c["id"] for c in listed["items"]] == [second["id"], first["id"]]
    assert (listed["total"], listed["open"]) == (2, 1)
    assert listed["items"][0]["benefit"] == "dagpenger"
    assert "Klara" not in str(listed) and "telefonkø" not in str(listed)
    assert ok(client.get(f"{API}/unit/serviceklager", headers=KARI))["items"] == []
    with service.sessions() as session:
        record = (
            session.query(AuditRecord)
            .filter(AuditRecord.object_type == "serviceklager", AuditRecord.actor_id == "Z990301")
            .one()
        )
        assert (record.action, record.outcome, record.object_id) == ("list_queue", "permit", "4450")


def test_one_serviceklage_is_read_by_its_unit_and_the_person_only(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    complaint = _complain(client, me, case["sak_id"], "Jeg ventet i telefonkø i to timer.")
    klage = submit(client, me, case)
    ok(
        client.post(
            f"{API}/klager/{klage['id']}/forward",
            json={"version": klage["version"], "statement": "Vi holder fast ved vedtaket."},
            headers=NILS,
        )
    )
    url = f"{API}/serviceklager/{complaint['id']}"
    read = ok(client.get(url, headers=EVA))
    assert (read["person_name"], read["status"], read["answered_by_name"]) == (
        "Klara Klagesen",
        "open",
        None,
    )
    assert client.get(url, headers=KARI).status_code == 403
    # Klageinstans has the person's klage, but not this separate channel.
    assert client.get(url, headers=LISE).status_code == 403
    ok(
        client.post(
            f"{url}/answer", json={"answer": "Beklager, vi har fått flere folk."}, headers=NILS
        )
    )
    answered = ok(client.get(url, headers=me))
    assert (answered["answered_by"], answered["answered_by_name"]) == (
        "Z990301",
        "Nils Saksbehandler",
    )
    stranger = citizen_headers(make_person("Sofie Fremmed"))
    assert client.get(url, headers=stranger).status_code == 403


def test_a_klage_lists_its_attachments_metadata(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    content = b"%PDF-1.4 payslip"
    klage = submit(
        client,
        me,
        case,
        attachments=[
            {
                "filename": "lonnsslipp.pdf",
                "content_type": "application/pdf",
                "content": base64.b64encode(content).decode(),
            }
        ],
    )
    read = ok(client.get(f"{API}/klager/{klage['id']}", headers=NILS))
    [attachment] = read["attachments"]
    assert (attachment["filename"], attachment["content_type"], attachment["size"]) == (
        "lonnsslipp.pdf",
        "application/pdf",
        len(content),
    )
    got = client.get(f"{API}/attachments/{attachment['id']}", headers=NILS)
    assert got.status_code == 200 and got.content == content
