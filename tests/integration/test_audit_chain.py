"""The audit trail as a hash chain, on SQLite and PostgreSQL.

The application's role cannot change the trail (see test_audit_and_store.py); these tests are
about what it cannot stop: someone with more rights than the application (a superuser who
switches the triggers off) changing, deleting or adding a record. `trygd audit verify` must
then point at exactly the first record where the chain breaks. They also check that the chain
stays one chain when many use cases write and several sealers chain at once, and that records
from before the chain are chained too.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from support import aap_application, citizen_headers
from typer.testing import CliRunner

from trygd.api.identity import actor_from_claims
from trygd.cli.main import app
from trygd.services.errors import Forbidden
from trygd.services.facade import CaseService
from trygd.services.unit_of_work import RequestContext
from trygd.store import audit_chain
from trygd.store.database import (
    alembic_config,
    application_engine,
    make_engine,
    migrate_database,
)
from trygd.store.models import AuditChainLink, AuditPending, AuditRecord, Person

API = "/api/v1"
runner = CliRunner()


def some_audit_records(client, make_person) -> None:
    """A few requests by two citizens: an application, reads, and a denied read."""
    anna, nosy = make_person("Anna Dahl"), make_person("Nils Nysgjerrig")
    case = client.post(f"{API}/applications", json=aap_application(), headers=citizen_headers(anna))
    sak_id = case.json()["sak_id"]
    for _ in range(2):
        client.get(f"{API}/cases", headers=citizen_headers(anna))
        client.get(f"{API}/cases/{sak_id}", headers=citizen_headers(nosy))  # denied
        client.get(f"{API}/cases/{sak_id}", headers=citizen_headers(anna))


def chain(service: CaseService) -> list[Any]:
    """The links in order, each with its record (id, reason), after chaining what waits."""
    service.seal_audit_trail()
    with service.sessions() as session:
        return list(
            session.execute(
                select(AuditChainLink, AuditRecord.id, AuditRecord.reason, AuditRecord.completed)
                .outerjoin(AuditRecord, AuditRecord.id == AuditChainLink.audit_id)
                .order_by(AuditChainLink.position)
            ).all()
        )


def verify_command(db_url: str, *options: str) -> Any:
    return runner.invoke(app, ["audit", "verify", *options], env={"TRYGD_DATABASE_URL": db_url})


SQLITE_TRIGGERS = (
    "audit_log_no_update",
    "audit_log_no_delete",
    "audit_log_queue",
    "audit_chain_no_update",
    "audit_chain_no_delete",
)


def tamper(db_url: str, *statements: str) -> None:
    """Change the trail as someone the triggers do not stop: on PostgreSQL a superuser in
    replica mode (ordinary triggers do not fire), on SQLite the file's owner, who drops them."""
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            if db_url.startswith("postgresql"):
                connection.execute(text("SET LOCAL session_replication_role = replica"))
            else:
                for trigger in SQLITE_TRIGGERS:
                    connection.execute(text(f"DROP TRIGGER {trigger}"))
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


# -- an intact chain ---------------------------------------------------------------------------


def test_audit_records_form_one_chain_that_verifies(client, make_person, service, db_url):
    some_audit_records(client, make_person)
    with service.sessions() as session:
        written = session.scalars(select(AuditRecord.id).order_by(AuditRecord.id)).all()
        assert session.scalars(select(AuditPending.audit_id)).all() == written  # waiting
    links = chain(service)
    assert len(links) == len(written) >= 7
    assert [link.AuditChainLink.audit_id for link in links] == written  # oldest first
    assert [link.AuditChainLink.position for link in links] == list(range(1, len(links) + 1))
    assert links[0].AuditChainLink.previous_hash == audit_chain.GENESIS
    for before, after in itertools.pairwise(links):
        assert after.AuditChainLink.previous_hash == before.AuditChainLink.record_hash
    assert {link.completed for link in links} == {True, False}  # both ways of writing
    with service.sessions() as session:
        assert session.scalars(select(AuditPending.audit_id)).all() == []

    result = verify_command(db_url)
    assert result.exit_code == 0, result.output
    assert f"OK: {len(links)} audit records" in result.output
    assert links[-1].AuditChainLink.record_hash in result.output


def test_the_job_worker_chains_what_waits(client, make_person, service, db_url):
    some_audit_records(client, make_person)
    with service.sessions() as session:
        waiting = len(session.scalars(select(AuditPending.audit_id)).all())
    assert waiting >= 7
    result = runner.invoke(app, ["worker", "--once"], env={"TRYGD_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    assert f"Chained {waiting} audit records." in result.output
    with service.sessions() as session:
        assert session.scalars(select(AuditPending.audit_id)).all() == []
        assert session.scalar(select(func.count()).select_from(AuditChainLink)) == waiting


def test_verify_chains_what_waits_first(client, make_person, service, db_url):
    some_audit_records(client, make_person)
    result = verify_command(db_url)
    assert result.exit_code == 0, result.output
    with service.sessions() as session:
        written = session.scalar(select(func.count()).select_from(AuditRecord))
        assert session.scalars(select(AuditPending.audit_id)).all() == []
    assert f"OK: {written} audit records" in result.output


def test_an_empty_trail_verifies(service, db_url):
    result = verify_command(db_url)
    assert result.exit_code == 0, result.output
    assert "OK: 0 audit records" in result.output


# -- tampering -----------------------------------------------------------------------------------


def test_an_edit_with_the_triggers_bypassed_is_reported_at_that_record(
    client, make_person, service, db_url
):
    some_audit_records(client, make_person)
    victim = chain(service)[3]
    tamper(db_url, f"UPDATE audit_log SET reason = 'nothing to see' WHERE id = {victim.id}")
    assert chain(service)[3].reason == "nothing to see"  # the edit really happened

    result = verify_command(db_url)
    assert result.exit_code == 1, result.output
    assert f"audit record {victim.id} (chain position 4)" in result.output
    assert "does not match its hash" in result.output
    assert "The 3 records before it are intact" in result.output


def test_a_deleted_record_in_the_middle_is_reported(client, make_person, service, db_url):
    some_audit_records(client, make_person)
    victim = chain(service)[2]
    tamper(db_url, f"DELETE FROM audit_log WHERE id = {victim.id}")

    broken = service.verify_audit_chain().broken
    assert broken is not None
    assert (broken.record_id, broken.position, broken.problem) == (
        victim.id,
        3,
        "the record was deleted",
    )
    result = verify_command(db_url)
    assert result.exit_code == 1
    assert f"audit record {victim.id} (chain position 3)" in result.output


def test_a_deleted_record_and_link_are_reported_at_the_next_record(
    client, make_person, service, db_url
):
    some_audit_records(client, make_person)
    links = chain(service)
    tamper(
        db_url,
        f"DELETE FROM audit_log WHERE id = {links[2].id}",
        "DELETE FROM audit_chain WHERE position = 3",
    )
    broken = service.verify_audit_chain().broken
    assert broken is not None
    assert (broken.record_id, broken.position) == (links[3].id, 4)
    assert "position 3" in broken.problem and "missing" in broken.problem


def test_a_record_given_a_new_hash_is_caught_by_the_next_link(client, make_person, service, db_url):
    some_audit_records(client, make_person)
    links = chain(service)
    victim = links[1]
    with service.sessions() as session:
        record = session.get(AuditRecord, victim.id)
        changed = {c.name: getattr(record, c.name) for c in AuditRecord.__table__.columns}
    changed.update(reason="nothing to see", chain_position=2)
    new_hash = audit_chain.record_hash(victim.AuditChainLink.previous_hash, changed)
    tamper(
        db_url,
        f"UPDATE audit_log SET reason = 'nothing to see' WHERE id = {victim.id}",
        f"UPDATE audit_chain SET record_hash = '{new_hash}' WHERE position = 2",
    )
    broken = service.verify_audit_chain().broken
    assert broken is not None
    assert (broken.record_id, broken.position) == (links[2].id, 3)
    assert "link" in broken.problem


def test_a_record_added_behind_the_applications_back_is_reported(
    client, make_person, service, db_url
):
    some_audit_records(client, make_person)
    links = chain(service)
    tamper(
        db_url,
        "INSERT INTO audit_log (at, correlation_id, actor_id, actor_name, actor_role, action,"
        " outcome, reason, completed) SELECT at, 'forged', actor_id, actor_name, actor_role,"
        f" action, outcome, reason, completed FROM audit_log WHERE id = {links[0].id}",
    )
    result = service.verify_audit_chain()
    assert result.broken is not None and result.count == len(links)
    with service.sessions() as session:
        forged = session.scalar(
            select(AuditRecord.id).where(AuditRecord.correlation_id == "forged")
        )
    assert result.broken.record_id == forged
    assert "not in the chain" in result.broken.problem


def test_a_record_deleted_before_it_was_chained_is_reported(client, make_person, service, db_url):
    some_audit_records(client, make_person)
    with service.sessions() as session:
        waiting = list(
            session.scalars(select(AuditPending.audit_id).order_by(AuditPending.audit_id))
        )
    victim = waiting[4]
    tamper(db_url, f"DELETE FROM audit_log WHERE id = {victim}")
    result = verify_command(db_url)
    assert result.exit_code == 1, result.output
    assert f"audit record {victim} (not chained): the record was deleted before" in result.output
    assert f"The {len(waiting) - 1} chained records are intact" in result.output  # the others


def test_records_cut_from_the_end_are_caught_with_a_noted_head(
    client, make_person, service, db_url
):
    """Removing the newest records leaves no gap; the head noted from an earlier run shows it."""
    some_audit_records(client, make_person)
    noted = verify_command(db_url).output.split("hash ")[-1].strip()
    assert noted == chain(service)[-1].AuditChainLink.record_hash
    assert verify_command(db_url, "--head", noted).exit_code == 0
    client.get(f"{API}/cases", headers=citizen_headers(make_person("Later Person")))
    later = verify_command(db_url, "--head", noted)
    assert later.exit_code == 0 and "the noted head is in it" in later.output

    last = chain(service)[-2:]
    tamper(
        db_url,
        f"DELETE FROM audit_log WHERE id IN ({last[0].id}, {last[1].id})",
        f"DELETE FROM audit_chain WHERE position >= {last[0].AuditChainLink.position}",
    )
    assert verify_command(db_url).exit_code == 0  # the shorter chain is whole in itself
    result = verify_command(db_url, "--head", noted)
    assert result.exit_code == 1, result.output
    assert f"the noted head {noted} is not in the chain" in result.output
    assert verify_command(db_url, "--head", "not-a-hash").exit_code == 2


# -- many writers at once ------------------------------------------------------------------------


def citizen(person: Person) -> RequestContext:
    claims = {"sub": f"person:{person.id}", "name": person.name, "roles": ["citizen"]}
    return RequestContext(actor=actor_from_claims(claims, str(person.id)))


def test_concurrent_use_cases_and_sealers_keep_one_unbroken_chain(make_person, service, db_url):
    """Eight threads write audit records at once, on both ways of writing them (a use case
    that commits, and a denied one whose records are written after the rollback), while two
    sealers chain what waits."""
    people = [citizen(make_person(f"Person {n}")) for n in range(8)]
    writing = threading.Event()
    writing.set()

    def work(context: RequestContext) -> int:
        for _ in range(10):
            service.list_own_cases(context, 10, 0)
            with pytest.raises(Forbidden):
                service.audit_trail(context, None, "curious", 10, 0)
        return 20

    def seal() -> int:
        sealed = 0
        while writing.is_set():
            sealed += service.seal_audit_trail(batch=7)
        return sealed

    with ThreadPoolExecutor(max_workers=len(people) + 2) as pool:
        sealers = [pool.submit(seal) for _ in range(2)]
        written = sum(pool.map(work, people))
        writing.clear()
        sealed = sum(sealer.result() for sealer in sealers)

    assert sealed > 0
    result = service.verify_audit_chain()
    assert result.broken is None
    assert result.count == written == 160
    assert [link.AuditChainLink.position for link in chain(service)] == list(range(1, 161))


# -- the migration -----------------------------------------------------------------------------


def test_the_migration_chains_the_records_written_before_it(db_url):
    """Records from before the chain wait to be chained, and get their places in the order
    of their ids."""
    config = alembic_config(db_url)
    [script] = [
        s
        for s in ScriptDirectory.from_config(config).walk_revisions()
        if s.path.endswith("_tamper_evident_audit.py")
    ]
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, str(script.down_revision))
        person = uuid.uuid4()
        with engine.begin() as connection:
            for n in range(3):
                connection.execute(
                    AuditRecord.__table__.insert().values(
                        at=dt.datetime(2026, 11, 23, 9, n, tzinfo=dt.UTC),
                        correlation_id=f"old-{n}",
                        actor_id="Z990101",
                        actor_name="Kari Saksbehandler",
                        actor_role="caseworker",
                        actor_unit="0312",
                        person_id=person,
                        action="read_case",
                        outcome="permit",
                        reason="unit",
                        completed=True,
                    )
                )
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        service = CaseService(engine)
        result = service.verify_audit_chain()
        with engine.connect() as connection:
            rows = connection.execute(
                select(AuditRecord.correlation_id)
                .join(AuditChainLink, AuditChainLink.audit_id == AuditRecord.id)
                .order_by(AuditChainLink.position)
            ).all()
    finally:
        engine.dispose()
    assert result.broken is None and result.count == 3
    assert [r[0] for r in rows] == ["old-0", "old-1", "old-2"]


# -- the roles -----------------------------------------------------------------------------------


def test_the_application_acts_as_its_own_role_on_postgresql(service, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no roles")
    with service.engine.connect() as connection:
        assert connection.execute(text("SELECT current_user")).scalar() == "trygd_app"
        connection.rollback()  # a rolled-back transaction does not undo the role
        assert connection.execute(text("SELECT current_user")).scalar() == "trygd_app"


def test_a_login_of_its_own_in_the_application_role_may_not_change_the_trail(
    client, make_person, service, db_url
):
    """The separation the README recommends: the server logs in as a member of trygd_app."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no roles")
    some_audit_records(client, make_person)
    login = f"trygd_test_web_{os.getpid()}"
    owner = make_engine(db_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        connection.execute(text(f"DROP ROLE IF EXISTS {login}"))
        connection.execute(text(f"CREATE ROLE {login} LOGIN IN ROLE trygd_app"))
    web = application_engine(str(make_url(db_url).set(username=login)))
    try:
        CaseService(web).list_own_cases(citizen(make_person("Web Person")), 10, 0)
        with web.connect() as connection:
            assert connection.execute(text("SELECT session_user")).scalar() == login
        for statement in ("UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_chain"):
            with pytest.raises(DBAPIError, match="permission denied"), web.begin() as connection:
                connection.execute(text(statement))
    finally:
        web.dispose()
        with owner.connect() as connection:
            connection.execute(text(f"DROP ROLE IF EXISTS {login}"))
        owner.dispose()


def test_migrations_run_with_the_migration_url(tmp_path, monkeypatch):
    """The owner's URL migrates; the application's URL is only used by the application."""
    owner_url = f"sqlite:///{tmp_path / 'owner.sqlite3'}"
    monkeypatch.setenv("TRYGD_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")
    monkeypatch.setenv("TRYGD_MIGRATION_DATABASE_URL", owner_url)
    migrate_database()
    assert (tmp_path / "owner.sqlite3").exists()
    assert not (tmp_path / "app.sqlite3").exists()


# -- the hashed text -----------------------------------------------------------------------------


def test_the_hash_is_the_same_for_a_time_in_any_zone_and_as_sqlite_gives_it_back():
    """PostgreSQL gives times back in the session's zone, SQLite without one (in UTC)."""
    at = dt.datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=dt.UTC)
    record = {name: None for name in audit_chain.HASHED_FIELDS}
    record.update(chain_position=1, at=at, completed=True, person_id=uuid.UUID(int=7))
    oslo = {**record, "at": at.astimezone(ZoneInfo("Europe/Oslo"))}
    naive = {**record, "at": at.replace(tzinfo=None)}
    hashes = {audit_chain.record_hash(audit_chain.GENESIS, r) for r in (record, oslo, naive)}
    assert len(hashes) == 1
    later = {**record, "at": at + dt.timedelta(microseconds=1)}
    assert audit_chain.record_hash(audit_chain.GENESIS, later) not in hashes
