"""Drafts of applications and the documents sent with them: the person's own, nobody else's.

The application pages save the answers after every step, so a person can leave and come back
and nothing they typed is lost. Documents are checked by their content (a PDF, PNG or JPEG
file starts with its own signature bytes; `trygd.services.files`), not by the name or type
the browser claims, and are kept with the draft; sending the draft registers the søknad through
`intake.submit_application` in the same transaction and links the documents to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from sqlalchemy import select

from trygd.privacy.policy import Action as Access
from trygd.rules.benefits import BENEFITS
from trygd.services import access, files, intake
from trygd.services.errors import Conflict, InvalidInput, NotFound
from trygd.services.intake import caller_person
from trygd.services.records import get_or_404
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import ApplicationDocument, Behandling, Draft, Person

MAX_ANSWERS = 100
MAX_ANSWER_LENGTH = 5_000
MAX_DOCUMENTS = 10


def iso(value: Any) -> str | None:
    """ISO 8601; SQLite hands back naive datetimes, which trygd always stores in UTC."""
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat() if value is not None else None


def _own(uow: UnitOfWork, draft_id: uuid.UUID, object_type: str = "draft") -> Draft:
    """The draft, after checking that it is the caller's own (audited either way)."""
    draft: Draft = get_or_404(uow, Draft, draft_id, "draft")
    owner = uow.session.get(Person, draft.person_id)
    assert owner is not None  # a foreign key guarantees it
    access.check(
        uow,
        Access.KEEP_DRAFT,
        access.subject_for_person(uow, owner),
        object_type=object_type,
        object_id=draft.id,
    )
    return draft


def _open(draft: Draft) -> None:
    if draft.submitted_at is not None:
        raise Conflict("the application was sent already; it cannot be changed any more")


def _documents(uow: UnitOfWork, draft: Draft) -> list[ApplicationDocument]:
    return list(
        uow.session.scalars(
            select(ApplicationDocument)
            .where(ApplicationDocument.draft_id == draft.id)
            .order_by(ApplicationDocument.received_at, ApplicationDocument.id)
        )
    )


def document_row(d: ApplicationDocument) -> dict[str, Any]:
    return {
        "id": str(d.id),
        "filename": d.filename,
        "content_type": d.content_type,
        "size": d.size,
        "sha256": d.sha256,
        "received_at": iso(d.received_at),
        "draft_id": str(d.draft_id),
        "sak_id": str(d.sak_id) if d.sak_id else None,
        "soknad_id": str(d.soknad_id) if d.soknad_id else None,
    }


def draft_view(uow: UnitOfWork, draft: Draft) -> dict[str, Any]:
    return {
        "id": str(draft.id),
        "benefit": draft.benefit,
        "answers": dict(draft.answers),
        "created_at": iso(draft.created_at),
        "updated_at": iso(draft.updated_at),
        "submitted_at": iso(draft.submitted_at),
        "sak_id": str(draft.sak_id) if draft.sak_id else None,
        "documents": [document_row(d) for d in _documents(uow, draft)],
    }


def open_draft(uow: UnitOfWork, benefit: str) -> dict[str, Any]:
    """The caller's unsent draft for `benefit`, or a new empty one."""
    if benefit not in BENEFITS:
        raise InvalidInput([("benefit", f"must be one of {', '.join(sorted(BENEFITS))}")])
    person = caller_person(uow, Access.KEEP_DRAFT)
    existing = uow.session.scalars(
        select(Draft)
        .where(
            Draft.person_id == person.id,
            Draft.benefit == benefit,
            Draft.submitted_at.is_(None),
        )
        .order_by(Draft.created_at)
    ).first()
    access.check(
        uow,
        Access.KEEP_DRAFT,
        access.subject_for_person(uow, person),
        object_type="draft",
        object_id=existing.id if existing else None,
    )
    if existing is not None:
        return draft_view(uow, existing)
    draft = Draft(
        id=uuid.uuid4(),
        person_id=person.id,
        benefit=benefit,
        answers={},
        created_at=uow.now,
        updated_at=uow.now,
    )
    uow.session.add(draft)
    uow.flush()
    return draft_view(uow, draft)


def get_draft(uow: UnitOfWork, draft_id: uuid.UUID) -> dict[str, Any]:
    return draft_view(uow, _own(uow, draft_id))


def list_drafts(uow: UnitOfWork) -> dict[str, Any]:
    """The caller's unsent drafts, most recently changed first."""
    person = caller_person(uow, Access.KEEP_DRAFT)
    access.check(
        uow, Access.KEEP_DRAFT, access.subject_for_person(uow, person), object_type="drafts"
    )
    drafts = uow.session.scalars(
        select(Draft)
        .where(Draft.person_id == person.id, Draft.submitted_at.is_(None))
        .order_by(Draft.updated_at.desc())
    ).all()
    items = [draft_view(uow, d) for d in drafts]
    return {"items": items, "total": len(items)}


def save_answers(uow: UnitOfWork, draft_id: uuid.UUID, answers: Any) -> dict[str, Any]:
    """Merge the answers of one step into the draft; an answer of None removes it."""
    if not isinstance(answers, dict):
        raise InvalidInput([("answers", "must be an object")])
    for key, value in answers.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 64:
            raise InvalidInput([("answers", "names must be texts of 1 to 64 characters")])
        if value is not None and (not isinstance(value, str) or len(value) > MAX_ANSWER_LENGTH):
            raise InvalidInput(
                [(f"answers.{key}", f"must be a text of at most {MAX_ANSWER_LENGTH} characters")]
            )
    draft = _own(uow, draft_id)
    _open(draft)
    merged = {**draft.answers, **answers}
    merged = {k: v for k, v in merged.items() if v is not None}
    if len(merged) > MAX_ANSWERS:
        raise InvalidInput([("answers", f"must be at most {MAX_ANSWERS}")])
    draft.answers = merged
    draft.updated_at = uow.now
    return draft_view(uow, draft)


def delete_draft(uow: UnitOfWork, draft_id: uuid.UUID) -> None:
    """The person gives up an unsent draft: it and its documents are deleted."""
    draft = _own(uow, draft_id)
    _open(draft)
    for document in _documents(uow, draft):
        uow.session.delete(document)
    uow.flush()
    uow.session.delete(draft)


def add_document(
    uow: UnitOfWork, draft_id: uuid.UUID, filename: str, content: bytes
) -> dict[str, Any]:
    """Keep one document with the draft, if it is a PDF, PNG or JPEG file of at most 5 MB
    (`files.check_file`, the same check as for a klage's attachments)."""
    checked = files.check_file(filename, content, "document")
    draft = _own(uow, draft_id, object_type="application_document")
    _open(draft)
    files.check_count(len(_documents(uow, draft)) + 1, MAX_DOCUMENTS, "document")
    document = ApplicationDocument(
        id=uuid.uuid4(),
        person_id=draft.person_id,
        draft_id=draft.id,
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        received_at=uow.now,
    )
    uow.session.add(document)
    draft.updated_at = uow.now
    uow.flush()
    return document_row(document)


def _own_document(uow: UnitOfWork, document_id: uuid.UUID) -> tuple[ApplicationDocument, Draft]:
    document: ApplicationDocument = get_or_404(uow, ApplicationDocument, document_id, "document")
    draft = _own(uow, document.draft_id, object_type="application_document")
    return document, draft


def remove_document(uow: UnitOfWork, document_id: uuid.UUID) -> None:
    document, draft = _own_document(uow, document_id)
    _open(draft)
    uow.session.delete(document)
    draft.updated_at = uow.now


def document_content(uow: UnitOfWork, document_id: uuid.UUID) -> ApplicationDocument:
    document, _draft = _own_document(uow, document_id)
    return document


def documents_of_person(uow: UnitOfWork, person: Person) -> list[dict[str, Any]]:
    """Every document the person has sent or kept with a draft (without the bytes)."""
    rows = uow.session.scalars(
        select(ApplicationDocument)
        .where(ApplicationDocument.person_id == person.id)
        .order_by(ApplicationDocument.received_at)
    )
    return [document_row(d) for d in rows]


def drafts_of_person(uow: UnitOfWork, person: Person) -> list[dict[str, Any]]:
    rows = uow.session.scalars(
        select(Draft).where(Draft.person_id == person.id).order_by(Draft.created_at)
    )
    return [draft_view(uow, d) for d in rows]


def submit(uow: UnitOfWork, draft_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    """Send the draft as a søknad (`body` in the application format) and link its documents."""
    draft = _own(uow, draft_id)
    _open(draft)
    if body.get("benefit") != draft.benefit:
        raise InvalidInput([("benefit", f"must be {draft.benefit}, the draft's benefit")])
    answer = intake.submit_application(uow, body)
    behandling = uow.session.get(Behandling, uuid.UUID(answer["behandling_id"]))
    if behandling is None or behandling.soknad_id is None:
        raise NotFound("the søknad just registered was not found")
    draft.submitted_at = uow.now
    draft.updated_at = uow.now
    draft.sak_id = behandling.sak_id
    documents = _documents(uow, draft)
    for document in documents:
        document.soknad_id = behandling.soknad_id
        document.sak_id = behandling.sak_id
    return {**answer, "draft_id": str(draft.id), "documents": len(documents)}
