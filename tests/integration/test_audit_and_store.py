"""The audit trail, transactions and schema, on SQLite and PostgreSQL.

The audit trail is append-only in the database itself; every try to touch personal data is
audited, also when it is denied or fails; a use case commits its change, events and audit
records together or not at all; the migrations build exactly the schema the models describe;
and identity numbers never travel in URLs.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError
from support import aap_application, citizen_headers, dagpenger_application, employee_headers

from trygd.store.database import alembic_config, make_engine
from trygd.store.models import (
    AuditRecord,
    Base,
    Behandling,
    Event,
    Job,
    Oppgave,
    Sak,
    Soknad,
    Vedtak,
)

API = "/api/v1"
KARI, OLA = "Z990101", "Z990102"


def count(service, model, *where) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def audit_rows(service) -> list[tuple[Any, ...]]:
    """The audit records and their links in the hash chain."""
    with service.engine.connect() as connection:
        return [
            tuple(r)
            for table, order in (("audit_log", "id"), ("audit_chain", "position"))
            for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
        ]


def records(service, *where) -> list[AuditRecord]:
    with service.sessions() as session:
        return list(session.scalars(select(AuditRecord).where(*where).order_by(AuditRecord.id)))


# -- append-only audit trail --------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET reason = 'x'",
        "UPDATE audit_log SET outcome = 'permit' WHERE outcome = 'deny'",
        "DELETE FROM audit_log",
        "UPDATE audit_chain SET record_hash = 'x'",
        "DELETE FROM audit_chain",
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_records(
    client, make_person, service, db_url, statement
):
    owner = make_person("Anna Dahl")
    case = client.post(
        f"{API}/applications", json=aap_application(), headers=citizen_headers(owner)
    ).json()
    client.get(f"{API}/cases/{case['sak_id']}", headers=citizen_headers(make_person("Nosy")))
    assert {r.outcome for r in records(service)} == {"permit", "deny"}
    assert service.seal_audit_trail() == len(records(service))
    before = audit_rows(service)

    for engine, refusal in refusers(service, db_url):
        with pytest.raises(DBAPIError, match=refusal), engine.begin() as connection:
            connection.execute(text(statement))
    assert audit_rows(service) == before


def refusers(service, db_url: str) -> list[tuple[Any, str]]:
    """Who is refused how: on PostgreSQL the application's role has no right to change the
    trail at all, and the owner (here a superuser) meets the append-only trigger."""
    if not db_url.startswith("postgresql"):
        return [(service.engine, "append-only")]
    return [(service.engine, "permission denied"), (make_engine(db_url), "append-only")]


def test_postgresql_refuses_to_truncate_the_audit_trail(client, make_person, service, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no TRUNCATE")
    client.post(
        f"{API}/applications",
        json=dagpenger_application(),
        headers=citizen_headers(make_person("Bo Berg")),
    )
    service.seal_audit_trail()
    before = audit_rows(service)
    assert before
    for engine, refusal in refusers(service, db_url):
        for table in ("audit_log", "audit_chain"):
            with pytest.raises(DBAPIError, match=refusal), engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {table}"))
    assert audit_rows(service) == before


def test_audit_records_can_still_be_added(service, client, make_person):
    person = make_person("Cato Cox")
    client.get(f"{API}/cases", headers=citizen_headers(person))
    client.get(f"{API}/cases", headers=citizen_headers(person))
    assert [r.action for r in records(service)] == ["list_own_cases", "list_own_cases"]


# -- every try is audited -------------------------------------------------------------------------


def test_a_denied_read_is_audited_as_denied_and_not_completed(client, make_person, service):
    owner = make_person("Dina Dale")
    case = client.post(
        f"{API}/applications", json=aap_application(), headers=citizen_headers(owner)
    ).json()
    nosy = make_person("Erik Nosy")

    answer = client.get(
        f"{API}/cases/{case['sak_id']}",
        headers={**citizen_headers(nosy), "X-Correlation-ID": "denied-read-1"},
    )
    assert answer.status_code == 403
    [record] = records(service, AuditRecord.outcome == "deny")
    assert record.completed is False
    assert (record.actor_id, record.actor_role) == (f"person:{nosy.id}", "citizen")
    assert (record.person_id, record.action) == (owner.id, "read_case")
    assert (record.object_type, record.object_id) == ("sak", case["sak_id"])
    assert record.correlation_id == "denied-read-1"
    assert record.reason == "citizens see only their own data"


def test_a_failed_use_case_keeps_its_audit_record_and_nothing_else(client, make_person, service):
    case = client.post(
        f"{API}/applications",
        json=aap_application(),
        headers=citizen_headers(make_person("Frode Foss")),
    ).json()
    events, tasks = count(service, Event), count(service, Oppgave)

    stale = client.post(
        f"{API}/behandlinger/{case['behandling_id']}/propose",
        json={"version": case["version"] - 1},
        headers=employee_headers(KARI),
    )
    assert stale.status_code == 409, stale.text
    [record] = records(service, AuditRecord.action == "propose")
    assert (record.outcome, record.completed, record.actor_id) == ("permit", False, KARI)
    assert (count(service, Event), count(service, Oppgave)) == (events, tasks)

    done = client.post(
        f"{API}/behandlinger/{case['behandling_id']}/propose",
        json={"version": case["version"]},
        headers=employee_headers(KARI),
    )
    assert done.status_code == 200, done.text
    assert [r.completed for r in records(service, AuditRecord.action == "propose")] == [
        False,
        True,
    ]


# -- one use case, one transaction ----------------------------------------------------------------


def _enqueue_fails(monkeypatch) -> None:
    """Make the step after the vedtak is added (queueing its iverksetting) blow up."""

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("job queue unavailable: secret internal detail")

    monkeypatch.setattr("trygd.services.decisions.enqueue", broken)


def _assert_opaque_500(answer) -> None:
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert (problem["status"], problem["title"]) == (500, "Internal error")
    for leak in ("Traceback", "RuntimeError", "secret internal detail", 'File "'):
        assert leak not in answer.text


def test_a_failure_after_the_vedtak_leaves_no_trace_of_the_application(
    client, make_person, service, monkeypatch
):
    _enqueue_fails(monkeypatch)
    answer = client.post(
        f"{API}/applications",
        json=dagpenger_application(),
        headers=citizen_headers(make_person("Gro Gran")),
    )
    _assert_opaque_500(answer)
    for model in (Sak, Soknad, Behandling, Vedtak, Event, Job, Oppgave):
        assert count(service, model) == 0, model.__tablename__
    [record] = records(service)
    assert (record.action, record.outcome, record.completed) == ("apply", "permit", False)


def test_a_failure_after_approval_leaves_the_proposal_as_it_was(
    client, make_person, service, monkeypatch
):
    me = citizen_headers(make_person("Hans Hage"))
    case = client.post(f"{API}/applications", json=aap_application(), headers=me).json()
    proposed = client.post(
        f"{API}/behandlinger/{case['behandling_id']}/propose",
        json={"version": case["version"]},
        headers=employee_headers(KARI),
    ).json()
    events = count(service, Event)

    _enqueue_fails(monkeypatch)
    answer = client.post(
        f"{API}/behandlinger/{case['behandling_id']}/approve",
        json={"version": proposed["version"]},
        headers=employee_headers(OLA),
    )
    _assert_opaque_500(answer)
    with service.sessions() as session:
        behandling = session.get(Behandling, uuid.UUID(proposed["behandling_id"]))
        assert behandling is not None
        assert (behandling.state, behandling.version, behandling.approved_by) == (
            "proposed",
            proposed["version"],
            None,
        )
    assert count(service, Vedtak) == 0
    assert count(service, Event) == events
    assert count(service, Oppgave, Oppgave.kind == "approve", Oppgave.status == "open") == 1

    monkeypatch.undo()  # the queue is back: the same request now succeeds
    retried = client.post(
        f"{API}/behandlinger/{case['behandling_id']}/approve",
        json={"version": proposed["version"]},
        headers=employee_headers(OLA),
    )
    assert retried.status_code == 200, retried.text
    assert count(service, Vedtak) == 1


# -- schema ---------------------------------------------------------------------------------------


def test_the_migrations_build_exactly_the_schema_the_models_describe(service):
    with service.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_migrations_can_be_undone_and_redone(db_url):
    engine = make_engine(db_url)
    config = alembic_config(db_url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        with engine.connect() as connection:
            tables = set(_table_names(connection))
        assert tables <= {"alembic_version"}
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with engine.connect() as connection:
            tables = set(_table_names(connection))
            assert tables == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite has no such settings
def test_large_values_are_stored_cheaply_on_postgresql(db_url):
    """Rule results (decision records) are compressed with lz4 and stored files not at all
    (migrations 0004 and 0008)."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            settings = dict(
                connection.execute(
                    text(
                        "SELECT c.relname || '.' || a.attname,"
                        " a.attcompression::text || a.attstorage::text"
                        " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                        " WHERE (c.relname, a.attname) IN (('decision_records', 'record'),"
                        " ('letters', 'pdf'),"
                        " ('application_documents', 'content'), ('attachments', 'content'))"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    assert settings == {
        "decision_records.record": "lx",  # lz4, compressed and moved out of line when large
        "letters.pdf": "e",  # out of line, never compressed
        "application_documents.content": "e",
        "attachments.content": "e",
    }


def _table_names(connection) -> list[str]:
    return inspect(connection).get_table_names()


# -- identity numbers stay out of URLs ------------------------------------------------------------


IDENTITY_WORDS = re.compile(r"identity|fnr|fodselsnummer|fødselsnummer|pid|ssn", re.IGNORECASE)


def test_no_url_carries_an_identity_number(client):
    paths = client.app.openapi()["paths"]
    assert paths, "the OpenAPI document lists no paths"
    for path, operations in paths.items():
        assert not IDENTITY_WORDS.search(path), path
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] in ("path", "query"):
                    assert not IDENTITY_WORDS.search(parameter["name"]), (path, method, parameter)


def test_person_search_takes_the_identity_number_in_the_body(client, make_person, service):
    person = make_person("Ida Ild")
    client.post(f"{API}/applications", json=aap_application(), headers=citizen_headers(person))
    search = client.app.openapi()["paths"]["/api/v1/persons/search"]
    assert set(search) == {"post"}
    assert [p for p in search["post"].get("parameters", []) if p["in"] != "header"] == []

    answer = client.post(
        f"{API}/persons/search",
        json={"identity_number": person.identity_number, "purpose": "Checking the AAP case"},
        headers=employee_headers(KARI),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == str(person.id)
    as_query = client.get(
        f"{API}/persons/search?identity_number={person.identity_number}",
        headers=employee_headers(KARI),
    )
    assert as_query.status_code == 405

    [record] = records(service, AuditRecord.action == "search_person")
    assert (record.person_id, record.purpose) == (person.id, "Checking the AAP case")
    for row in audit_rows(service):
        assert person.identity_number not in repr(row)
