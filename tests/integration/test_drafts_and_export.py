"""Drafts, application documents and the export of one's own data, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from support import NOW, TODAY, monthly_income

from trygd.privacy.policy import Actor, Role
from trygd.services.errors import Conflict, Forbidden, InvalidInput
from trygd.services.unit_of_work import RequestContext
from trygd.store.models import ApplicationDocument, AuditRecord, Sak, Soknad

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def citizen(person) -> RequestContext:
    actor = Actor(
        f"person:{person.id}", person.name, frozenset({Role.CITIZEN}), None, str(person.id)
    )
    return RequestContext(actor=actor)


def caseworker() -> RequestContext:
    actor = Actor("Z990101", "Kari", frozenset({Role.CASEWORKER}), "0314")
    return RequestContext(actor=actor)


def granted_dagpenger() -> dict:
    claim = (TODAY - dt.timedelta(days=3)).isoformat()
    return {
        "benefit": "dagpenger",
        "claim_date": claim,
        "facts": {
            "stays_in_norway": True,
            "monthly_income": monthly_income(420000, 780000, claim),
            "normal_working_hours": 37.5,
            "current_working_hours": 0,
            "registered_job_seeker": True,
            "genuine_job_seeker": True,
            "self_inflicted_unemployment": False,
            "children": 0,
        },
    }


def test_a_draft_keeps_answers_and_documents_and_is_sent_once(service, make_person, db_url):
    anna = make_person("Anna Dahl")
    me = citizen(anna)
    draft = service.open_draft(me, "dagpenger")
    assert service.open_draft(me, "dagpenger")["id"] == draft["id"]  # the same draft again
    service.save_draft_answers(me, draft["id"], {"income_12m": "420000"})
    saved = service.save_draft_answers(me, draft["id"], {"children": "0", "income_12m": None})
    assert saved["answers"] == {"children": "0"}
    service.add_draft_document(me, draft["id"], "arbeidsavtale.pdf", PDF)
    with pytest.raises(InvalidInput) as wrong:
        service.add_draft_document(me, draft["id"], "bilde.pdf", b"GIF89a not a pdf at all")
    assert "not a PDF, PNG or JPEG" in wrong.value.detail
    assert [d["filename"] for d in service.list_drafts(me)["items"][0]["documents"]] == [
        "arbeidsavtale.pdf"
    ]

    status, first = service.submit_draft(me, draft["id"], granted_dagpenger())
    again = service.submit_draft(me, draft["id"], granted_dagpenger())[1]
    assert status == 201 and first == again and first["outcome"] == "granted"
    assert first["automatic"] is True and first["documents"] == 1
    with service.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Sak)) == 1
        document = session.scalars(select(ApplicationDocument)).one()
        soknad = session.scalars(select(Soknad)).one()
        assert document.soknad_id == soknad.id and str(document.sak_id) == first["sak_id"]
    assert service.list_drafts(me)["items"] == []
    with pytest.raises(Conflict):
        service.save_draft_answers(me, draft["id"], {"children": "1"})


def test_nobody_else_can_read_or_change_a_draft(service, make_person):
    anna, bjorn = make_person("Anna Dahl"), make_person("Bjørn Lie")
    draft = service.open_draft(citizen(anna), "sykepenger")
    document = service.add_draft_document(citizen(anna), draft["id"], "scan.png", PNG)
    for attempt in (
        lambda ctx: service.get_draft(ctx, draft["id"]),
        lambda ctx: service.save_draft_answers(ctx, draft["id"], {"x": "1"}),
        lambda ctx: service.application_document(ctx, document["id"]),
        lambda ctx: service.submit_draft(ctx, draft["id"], {"benefit": "sykepenger"}),
    ):
        for intruder in (citizen(bjorn), caseworker()):
            with pytest.raises(Forbidden):
                attempt(intruder)
    with service.sessions() as session:
        denials = session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.action == "keep_draft", AuditRecord.outcome == "deny")
        )
    assert denials == 8
    assert service.application_document(citizen(anna), document["id"])[1] == "image/png"


def test_a_document_must_be_a_small_pdf_png_or_jpeg(service, make_person):
    me = citizen(make_person())
    draft = service.open_draft(me, "aap")
    with pytest.raises(InvalidInput):
        service.add_draft_document(me, draft["id"], "big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))
    with pytest.raises(InvalidInput):
        service.add_draft_document(me, draft["id"], "empty.pdf", b"")
    stored = service.add_draft_document(
        me, draft["id"], "C:\\scans\\photo.jpg", b"\xff\xd8\xff\xe0"
    )
    assert stored["filename"] == "photo.jpg" and stored["content_type"] == "image/jpeg"


def test_the_export_holds_the_persons_data_and_is_audited(service, make_person):
    anna = make_person("Anna Dahl")
    me = citizen(anna)
    draft = service.open_draft(me, "dagpenger")
    service.submit_draft(me, draft["id"], granted_dagpenger())
    service.run_due_jobs()
    data = service.export_own_data(me, "en")
    assert data["person"]["name"] == "Anna Dahl"
    (case,) = data["saker"]
    assert case["benefit"] == "dagpenger" and case["vedtak"][0]["automatic"] is True
    months = case["soknader"][0]["facts"]["monthly_income"]
    assert sum(m["amount"] for m in months) == 1200000
    assert case["letters"] and data["drafts"][0]["submitted_at"] == NOW.isoformat()
    pdf = service.export_own_data_pdf(me, "nb")
    assert pdf.startswith(b"%PDF-")
    with pytest.raises(Forbidden):
        service.export_own_data(caseworker(), "nb")
    with service.sessions() as session:
        outcomes = list(
            session.scalars(
                select(AuditRecord.outcome).where(AuditRecord.action == "export_own_data")
            )
        )
    assert outcomes.count("permit") == 2 and outcomes.count("deny") == 1
