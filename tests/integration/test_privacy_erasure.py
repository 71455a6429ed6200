"""Erasure on request (GDPR art. 17), on SQLite and PostgreSQL: the person asks and sees what
can be erased and what must be kept (with the legal basis from the registry); the request has
the one-month clock; the caseworker's decision "erase what may be erased" deletes the
person's unsent applications and meldekort and what is past its retention through the
retention run's own steps, keeps the case records, touches nobody else's data, records counts
only, and the person's answer letter lists what was erased and what kept."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import func, select
from support import NOW, TODAY, dagpenger_application, monthly_income

from trygd.domain import deadlines
from trygd.privacy.policy import Actor, Role
from trygd.rules.assessment import default_ruleset
from trygd.services import retention
from trygd.services.errors import Conflict, InvalidInput
from trygd.services.unit_of_work import RequestContext
from trygd.store.models import (
    ApplicationDocument,
    AuditRecord,
    Draft,
    Letter,
    MeldekortDraft,
    PrivacyRequest,
    RetentionRun,
    Soknad,
    Vedtak,
)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
ERASURE = {"kind": "erasure", "text": "Please delete what you do not need to keep."}
ERASE = {"erase": True, "answer": "We have erased what the law lets us erase."}


def citizen(person) -> RequestContext:
    actor = Actor(
        f"person:{person.id}", person.name, frozenset({Role.CITIZEN}), None, str(person.id)
    )
    return RequestContext(actor=actor)


def caseworker(unit: str) -> RequestContext:
    return RequestContext(actor=Actor("Z990101", "Kari", frozenset({Role.CASEWORKER}), unit))


def count(service, model, *where) -> int:
    with service.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def with_data(service, make_person, name: str):
    """A person with a granted dagpenger case, an unsent application with a document, and an
    unsent meldekort."""
    person = make_person(name)
    _status, applied = service.submit_application(citizen(person), dagpenger_application())
    assert applied["outcome"] == "granted", applied
    draft = service.open_draft(citizen(person), "sykepenger")
    service.add_draft_document(citizen(person), draft["id"], "legeerklaering.pdf", PDF)
    with service.sessions() as session:
        session.add(
            MeldekortDraft(
                id=uuid.uuid4(),
                sak_id=uuid.UUID(applied["sak_id"]),
                person_id=person.id,
                period_start=TODAY,
                answers={"days": []},
                updated_at=NOW,
                expires_at=NOW + dt.timedelta(days=30),
            )
        )
        session.commit()
    return person, applied


def entry(entries, category):
    return next(e for e in entries if e["category"] == category)


def test_the_person_sees_what_can_be_erased_and_what_is_kept_and_why(service, make_person):
    anna, _applied = with_data(service, make_person, "Anna Dahl")
    overview = service.erasure_overview(citizen(anna))
    assert entry(overview["erasable"], "unsent_applications")["count"] == 1
    assert entry(overview["erasable"], "documents_of_unsent_applications")["count"] == 1
    assert entry(overview["erasable"], "unsent_meldekort")["count"] == 1
    decisions = entry(overview["kept"], "decisions")
    assert decisions["count"] == 1 and decisions["action"] == "kept"
    archive = default_ruleset().parameters.legal_basis("erasure_kept_archive").text
    assert decisions["legal_basis"] == archive and "art. 17 nr. 3 bokstav b" in archive
    assert entry(overview["kept"], "applications")["count"] >= 1
    # Looking changes nothing.
    assert count(service, Draft, Draft.person_id == anna.id) == 1


def test_an_erasure_request_has_the_one_month_clock(service, make_person, clock):
    anna = make_person("Anna Dahl")
    asked = service.submit_privacy_request(citizen(anna), {"kind": "erasure"})
    assert asked["deadline"] == deadlines.gdpr_answer_deadline(TODAY).last_day.isoformat()
    assert asked["deadline"] == "2026-12-23" and asked["legal_basis"].endswith("art. 17")
    with pytest.raises(Conflict):
        service.submit_privacy_request(citizen(anna), ERASURE)
    unit = caseworker(asked["unit"])
    clock.now = dt.datetime(2026, 12, 23, 12, tzinfo=dt.UTC)
    assert service.unit_privacy_requests(unit, 50, 0)["items"][0]["overdue"] is False
    clock.now = dt.datetime(2026, 12, 24, 12, tzinfo=dt.UTC)
    row = service.unit_privacy_requests(unit, 50, 0)["items"][0]
    assert row["overdue"] is True and row["kind"] == "erasure"
    assert service.get_privacy_request(unit, asked["id"])["erasure_overview"] is not None


def test_erasing_deletes_what_may_go_keeps_the_case_and_leaves_others_alone(
    service, make_person, clock
):
    anna, applied = with_data(service, make_person, "Anna Dahl")
    bjorn, _other = with_data(service, make_person, "Bjørn Berg")
    asked = service.submit_privacy_request(citizen(anna), ERASURE)
    unit = caseworker(asked["unit"])
    clock.advance(dt.timedelta(days=20))
    answered = service.answer_privacy_request(unit, asked["id"], ERASE)
    assert answered["status"] == "answered" and answered["outcome"] == "partly"
    erased = {e["category"]: e["count"] for e in answered["erasure"]["erased"]}
    assert erased == {
        "unsent_applications": 1,
        "documents_of_unsent_applications": 1,
        "unsent_meldekort": 1,
    }
    # Anna's unsent application, its document and her unsent meldekort are gone ...
    assert count(service, Draft, Draft.person_id == anna.id, Draft.submitted_at.is_(None)) == 0
    assert count(service, ApplicationDocument, ApplicationDocument.person_id == anna.id) == 0
    assert count(service, MeldekortDraft, MeldekortDraft.person_id == anna.id) == 0
    # ... her case records remain ...
    with service.sessions() as session:
        vedtak = session.scalars(
            select(Vedtak).where(Vedtak.sak_id == uuid.UUID(applied["sak_id"]))
        ).one()
        soknad = session.scalars(
            select(Soknad).where(Soknad.sak_id == uuid.UUID(applied["sak_id"]))
        ).one()
    assert vedtak.facts and soknad.facts and soknad.anonymised_at is None
    # ... and Bjørn's data is untouched.
    assert count(service, Draft, Draft.person_id == bjorn.id) == 1
    assert count(service, ApplicationDocument, ApplicationDocument.person_id == bjorn.id) == 1
    assert count(service, MeldekortDraft, MeldekortDraft.person_id == bjorn.id) == 1
    # Recorded with counts, never ids or content; the erasure itself is audited.
    with service.sessions() as session:
        run = session.scalars(select(RetentionRun)).one()
        stored = session.get(PrivacyRequest, uuid.UUID(asked["id"]))
        purposes = session.scalars(
            select(AuditRecord.purpose).where(AuditRecord.person_id == anna.id)
        ).all()
    recorded = json.dumps(run.results) + json.dumps(stored.erasure)
    assert str(anna.id) not in recorded and "legeerklaering" not in recorded
    assert "erasure (GDPR art. 17)" in purposes
    # The person gets a letter listing what was erased and what is kept, with the basis.
    service.run_due_jobs()
    with service.sessions() as session:
        letter = session.scalars(select(Letter).where(Letter.kind == "privacy_answer")).one()
    content = json.dumps(
        service.get_letter(citizen(anna), str(letter.id))["content"], ensure_ascii=False
    )
    archive = default_ruleset().parameters.legal_basis("erasure_kept_archive").text
    assert "Hva vi har slettet" in content and archive in content
    assert "Søknader du begynte på, men ikke sendte" in content
    # Nothing is left to erase; the person may ask again.
    left = service.erasure_overview(citizen(anna))
    assert all(e["count"] == 0 for e in left["erasable"])


@pytest.mark.parametrize(
    ("moved", "anonymised"), [(-dt.timedelta(days=1), False), (dt.timedelta(days=1), True)]
)
def test_what_is_past_its_retention_is_erased_on_request(
    service, make_person, clock, moved, anonymised
):
    anna = make_person("Anna Dahl")
    draft = service.open_draft(citizen(anna), "dagpenger")
    service.add_draft_document(citizen(anna), draft["id"], "arbeidsavtale.pdf", PDF)
    body = dagpenger_application(monthly_income=monthly_income(20000, 20000))
    _status, applied = service.submit_draft(citizen(anna), draft["id"], body)
    assert applied["outcome"] == "rejected", applied
    service.run_due_jobs()
    clock.now = retention.years_before(NOW, -10) + moved
    asked = service.submit_privacy_request(citizen(anna), {"kind": "erasure"})
    answered = service.answer_privacy_request(caseworker(asked["unit"]), asked["id"], ERASE)
    erased = {e["category"] for e in answered["erasure"]["erased"]}
    assert ("rejected_applications" in erased) is anonymised
    assert answered["outcome"] == ("partly" if anonymised else "refused")
    with service.sessions() as session:
        soknad = session.scalars(select(Soknad)).one()
    assert (soknad.anonymised_at is not None) is anonymised
    assert count(service, Vedtak) == 1  # the decision is kept either way


def test_refusing_erases_nothing_and_says_what_is_kept(service, make_person):
    anna, _applied = with_data(service, make_person, "Anna Dahl")
    asked = service.submit_privacy_request(citizen(anna), ERASURE)
    answered = service.answer_privacy_request(
        caseworker(asked["unit"]),
        asked["id"],
        {"erase": False, "answer": "We cannot erase data while the case is being handled."},
    )
    assert answered["outcome"] == "refused" and answered["erasure"]["erased"] == []
    assert entry(answered["erasure"]["kept"], "decisions")["count"] == 1
    assert count(service, Draft, Draft.person_id == anna.id) == 1


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        ("erasure", {"answer": "We have erased what we may erase."}, "erase"),
        ("erasure", {"erase": "yes", "answer": "We have erased what we may."}, "erase"),
        ("erasure", {"erase": True, "outcome": "granted", "answer": "Erased all."}, "outcome"),
        ("erasure", {"erase": True, "answer": "short"}, "answer"),
        ("correction", {"erase": True, "outcome": "granted", "answer": "Corrected."}, "erase"),
    ],
)
def test_bad_answers_name_the_field_and_change_nothing(service, make_person, kind, body, field):
    anna, _applied = with_data(service, make_person, "Anna Dahl")
    text = "My address in the letter of 3 November is wrong."
    asked = service.submit_privacy_request(citizen(anna), {"kind": kind, "text": text})
    with pytest.raises(InvalidInput) as refused:
        service.answer_privacy_request(caseworker(asked["unit"]), asked["id"], body)
    assert refused.value.problems[0][0] == field
    assert count(service, Draft, Draft.person_id == anna.id) == 1
    assert count(service, RetentionRun) == 0


def test_the_api_erasure_overview_and_bad_input(client, make_person):
    from support import citizen_headers, employee_headers

    anna = make_person()
    headers = citizen_headers(anna)
    overview = client.get("/api/v1/me/erasure", headers=headers)
    assert overview.status_code == 200 and {"erasable", "kept"} <= set(overview.json())
    made = client.post("/api/v1/privacy-requests", json={"kind": "erasure"}, headers=headers)
    assert made.status_code == 201 and made.json()["deadline"] == "2026-12-23"
    request_id = made.json()["id"]
    unit = employee_headers("Z990101")
    bad = client.post(
        f"/api/v1/privacy-requests/{request_id}/answer",
        json={"erase": "perhaps", "answer": "We erased it all."},
        headers=unit,
    )
    assert bad.status_code == 422 and "erase" in bad.text
    assert bad.headers["content-type"].startswith("application/problem+json")
    outcome = client.post(
        f"/api/v1/privacy-requests/{request_id}/answer",
        json={"outcome": "granted", "answer": "We erased it all."},
        headers=unit,
    )
    assert outcome.status_code in (403, 422)
