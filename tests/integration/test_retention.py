"""Retention with the clock moved, on SQLite and PostgreSQL: each rule keeps a record one day
before its period ends and deletes (or anonymises) it one day after; a dry run changes
nothing; the run records counts, never ids or content; audit records go as a verified
segment from the start of the chain, with an anchor from which the rest still verifies."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text
from support import NOW, dagpenger_application, monthly_income

from trygd.privacy.policy import Actor, Role
from trygd.services import retention
from trygd.services.unit_of_work import RequestContext
from trygd.store.database import make_engine
from trygd.store.models import (
    ApplicationDocument,
    AuditChainAnchor,
    AuditRecord,
    Draft,
    IdempotencyKey,
    RetentionRun,
    Soknad,
    Vedtak,
)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
DAY = dt.timedelta(days=1)


def citizen(person) -> RequestContext:
    actor = Actor(
        f"person:{person.id}", person.name, frozenset({Role.CITIZEN}), None, str(person.id)
    )
    return RequestContext(actor=actor)


def count(service, model) -> int:
    with service.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def result(report: retention.Report, kind: str) -> retention.KindResult:
    return next(r for r in report.results if r.kind == kind)


@pytest.mark.parametrize(("days", "kept"), [(55, True), (57, False)])
def test_an_unsent_draft_and_its_documents_are_deleted_after_56_days(
    service, make_person, clock, days, kept
):
    anna = make_person()
    draft = service.open_draft(citizen(anna), "dagpenger")
    service.add_draft_document(citizen(anna), draft["id"], "arbeidsavtale.pdf", PDF)
    clock.advance(dt.timedelta(days=days))
    dry = service.retention_run(dry_run=True)
    assert result(dry, "unsent_applications").count == (0 if kept else 1)
    assert count(service, Draft) == 1 and count(service, RetentionRun) == 0  # dry: nothing
    done = service.retention_run(dry_run=False)
    assert result(done, "unsent_applications").count == (0 if kept else 1)
    assert result(done, "documents_of_unsent_applications").count == (0 if kept else 1)
    assert count(service, Draft) == (1 if kept else 0)
    assert count(service, ApplicationDocument) == (1 if kept else 0)
    with service.sessions() as session:
        run = session.scalars(select(RetentionRun)).one()
    stored = json.dumps(run.results)
    assert draft["id"] not in stored and str(anna.id) not in stored  # counts, no ids
    assert {r["kind"] for r in run.results} >= {"unsent_applications", "rejected_applications"}


def test_a_sent_application_is_no_draft_to_delete(service, make_person, clock):
    anna = make_person()
    draft = service.open_draft(citizen(anna), "dagpenger")
    service.submit_draft(citizen(anna), draft["id"], dagpenger_application())
    clock.advance(dt.timedelta(days=400))
    assert result(service.retention_run(False), "unsent_applications").count == 0
    assert count(service, Draft) == 1


def _rejected(service, make_person) -> str:
    anna = make_person("Anna Dahl")
    draft = service.open_draft(citizen(anna), "dagpenger")
    service.add_draft_document(citizen(anna), draft["id"], "arbeidsavtale.pdf", PDF)
    body = dagpenger_application(monthly_income=monthly_income(20000, 20000))
    _status, applied = service.submit_draft(citizen(anna), draft["id"], body)
    assert applied["outcome"] == "rejected", applied
    return str(applied["sak_id"])


@pytest.mark.parametrize(("moved", "anonymised"), [(-DAY, False), (DAY, True)])
def test_a_rejected_application_is_anonymised_ten_years_after_the_rejection(
    service, make_person, clock, moved, anonymised
):
    _rejected(service, make_person)
    service.run_due_jobs()  # the letter
    clock.now = retention.years_before(NOW, -10) + moved
    report = service.retention_run(dry_run=False)
    assert result(report, "rejected_applications").count == (1 if anonymised else 0)
    with service.sessions() as session:
        soknad = session.scalars(select(Soknad)).one()
        vedtak = session.scalars(select(Vedtak)).one()
        documents = session.scalar(select(func.count()).select_from(ApplicationDocument))
    assert (soknad.anonymised_at is not None) is anonymised
    assert (soknad.facts == {}) is anonymised
    assert documents == (0 if anonymised else 1)
    assert vedtak.facts  # the vedtak keeps the facts it decided on (arkivloven)
    again = service.retention_run(dry_run=False)
    assert result(again, "rejected_applications").count == 0  # once only


def test_a_granted_case_is_never_anonymised(service, make_person, clock):
    anna = make_person()
    service.submit_application(citizen(anna), dagpenger_application())
    clock.now = retention.years_before(NOW, -30)
    assert result(service.retention_run(False), "rejected_applications").count == 0


@pytest.mark.parametrize(("moved", "deleted"), [(-DAY, False), (DAY, True)])
def test_a_stored_answer_to_a_retry_goes_after_a_day(service, make_person, clock, moved, deleted):
    anna = make_person()
    service.submit_application(citizen(anna), dagpenger_application(), idempotency_key="k-1")
    clock.advance(DAY + moved)
    service.retention_run(dry_run=False)
    assert count(service, IdempotencyKey) == (0 if deleted else 1)


# -- audit records ------------------------------------------------------------------------------


@pytest.fixture
def owner(db_url):
    """The database owner's login (the migrations' URL): the only one that may prune."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def oldest_record(service) -> dt.datetime:
    with service.sessions() as session:
        oldest = session.scalar(select(func.min(AuditRecord.at)))
    assert oldest is not None
    return oldest.astimezone(dt.UTC).replace(tzinfo=None) if oldest.tzinfo else oldest


def _audit_at(service, make_person, clock, when: dt.datetime) -> None:
    clock.now = when
    anna = make_person()
    service.list_own_cases(citizen(anna), 10, 0)
    service.seal_audit_trail()


@pytest.mark.parametrize(("moved", "removed"), [(-DAY, False), (DAY, True)])
def test_old_audit_records_go_as_a_segment_and_the_chain_still_verifies(
    service, make_person, clock, owner, moved, removed
):
    old = NOW
    young = NOW + dt.timedelta(days=400)
    _audit_at(service, make_person, clock, old)
    _audit_at(service, make_person, clock, young)
    before = count(service, AuditRecord)
    clock.now = retention.years_before(old, -10) + moved
    dry = service.retention_run(dry_run=True, owner=owner)
    assert oldest_record(service) == old.replace(tzinfo=None)  # dry: nothing removed
    report = service.retention_run(dry_run=False, owner=owner)
    gone = result(report, "audit_records").count
    assert (gone > 0) is removed and result(dry, "audit_records").count == gone
    # The retention run's own audit records are new; the old records are gone.
    if removed:
        assert oldest_record(service) == young.replace(tzinfo=None)
        assert report.anchor is not None and count(service, AuditChainAnchor) == 1
        assert count(service, AuditRecord) < before + 2
    else:
        assert oldest_record(service) == old.replace(tzinfo=None)
        assert count(service, AuditChainAnchor) == 0
    verification = service.verify_audit_chain()
    assert verification.broken is None
    # New records chain on from where the chain now ends.
    _audit_at(service, make_person, clock, clock.now)
    assert service.verify_audit_chain().broken is None


def test_every_audit_record_removed_the_chain_goes_on_from_its_anchor(
    service, make_person, clock, owner
):
    _audit_at(service, make_person, clock, NOW)
    clock.now = retention.years_before(NOW, -11)
    service.seal_audit_trail()
    service.retention_run(dry_run=False, owner=owner)
    service.retention_run(dry_run=False, owner=owner)  # nothing more is due: a no-op
    assert service.verify_audit_chain().broken is None
    _audit_at(service, make_person, clock, clock.now)
    assert service.verify_audit_chain().broken is None


def test_a_changed_record_in_the_segment_stops_the_removal(
    service, make_person, clock, owner, db_url
):
    _audit_at(service, make_person, clock, NOW)
    with owner.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text("UPDATE audit_log SET purpose = 'changed' WHERE id = 1"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("UPDATE audit_log SET purpose = 'changed' WHERE id = 1"))
    before = count(service, AuditRecord)
    clock.now = retention.years_before(NOW, -11)
    with pytest.raises(retention.ChainBroken):
        service.retention_run(dry_run=False, owner=owner)
    assert count(service, AuditRecord) >= before  # nothing of the trail removed
    assert count(service, AuditChainAnchor) == 0


def test_the_application_role_cannot_remove_audit_records(service, make_person, clock, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no roles")
    _audit_at(service, make_person, clock, NOW)
    clock.now = retention.years_before(NOW, -11)
    with pytest.raises(Exception, match="permission denied"):
        service.retention_run(dry_run=False, owner=service.engine)
    assert count(service, AuditChainAnchor) == 0


def test_without_the_owner_the_run_says_the_audit_records_were_left(service):
    report = service.retention_run(dry_run=True)
    assert report.audit_problem == "audit records need the database owner's login"
    assert all(r.kind != "audit_records" for r in report.results)


def test_the_scheduled_job_runs_the_rules_and_plans_the_next_day(service, make_person, clock):
    assert service.schedule_retention_job(NOW.date()) == 1
    assert service.schedule_retention_job(NOW.date()) == 0
    anna = make_person()
    service.open_draft(citizen(anna), "dagpenger")
    clock.now = dt.datetime.combine(NOW.date() + dt.timedelta(days=60), dt.time(4), dt.UTC)
    service.run_due_jobs()  # the first run (planned for day 0) and every day after, up to now
    assert count(service, Draft) == 0
    assert count(service, RetentionRun) >= 1
