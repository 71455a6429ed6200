"""A klage's attachments through the API are checked as the web form checks documents: by
their content (PDF, PNG or JPEG), size and count, with the same words, and their names are
cleaned of control characters and bidirectional overrides (on SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from sqlalchemy import func, select
from support import citizen_headers
from test_appeals import rejected_dagpenger
from test_drafts_and_export import citizen

from trygd.services import files
from trygd.services.errors import InvalidInput
from trygd.store.models import Attachment, Klage

API = "/api/v1"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def attachment(filename: str, content: bytes, content_type: str = "application/pdf") -> dict:
    return {
        "filename": filename,
        "content_type": content_type,
        "content": base64.b64encode(content).decode(),
    }


def send(client, me, case, *attachments: dict[str, Any]) -> Any:
    body = {
        "vedtak_id": case["vedtak_id"],
        "text": "Jeg mener inntekten min er regnet feil.",
        "attachments": list(attachments),
    }
    return client.post(f"{API}/klager", json=body, headers=me)


def refused(answer: Any) -> tuple[str, str]:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    [error] = answer.json()["errors"]
    return error["field"], error["problem"]


def web_path_problem(service, person, filename: str, content: bytes) -> str:
    """What the application pages' documents (the web form's path) say about the same file."""
    me = citizen(person)
    draft = service.open_draft(me, "aap")
    with pytest.raises(InvalidInput) as refusal:
        service.add_draft_document(me, draft["id"], filename, content)
    [(field, problem)] = refusal.value.problems
    assert field == "document"
    return problem


def klager(service) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(Klage)) or 0


def test_a_text_file_named_pdf_is_refused_by_its_content(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    text = b"Lonnsslipp november 2026: 31 000 kroner"
    field, problem = refused(send(client, me, case, attachment("lonnsslipp.pdf", text)))
    assert (field, problem) == ("attachments[0]", files.NOT_ACCEPTED)
    person = make_person("Web Vei")
    assert web_path_problem(service, person, "lonnsslipp.pdf", text) == problem
    assert klager(service) == 0  # nothing half-written


def test_a_file_over_5_mb_is_refused(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    big = b"%PDF-" + b"0" * files.MAX_FILE_BYTES
    answer = send(client, me, case, attachment("ok.pdf", PDF), attachment("stor.pdf", big))
    assert refused(answer) == ("attachments[1]", files.TOO_LARGE)
    assert web_path_problem(service, make_person("Web Vei"), "stor.pdf", big) == files.TOO_LARGE
    assert klager(service) == 0


def test_more_than_five_files_are_refused(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    six = [attachment(f"side-{n}.pdf", PDF) for n in range(6)]
    assert refused(send(client, me, case, *six)) == ("attachments", files.too_many(5))
    assert klager(service) == 0


def test_a_file_name_is_stored_without_control_characters_or_overrides(
    client, make_person, service
):
    me, case = rejected_dagpenger(client, make_person, service)
    # U+202E would show "Lønn\u202egpj.exe" as "Lønnexe.jpg"; ESC and BEL could drive a terminal.
    name = "C:\\skann\\Lønn\x1b[31m\u202egpj.exe\x07\u2066 nov.png"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    answer = send(client, me, case, attachment(name, png, content_type="text/plain"))
    assert answer.status_code == 201, answer.text
    [shown] = answer.json()["attachments"]
    assert shown["filename"] == "Lønn[31mgpj.exe nov.png"
    assert shown["content_type"] == "image/png"  # from the content, not from the claim
    with service.sessions() as session:
        stored = session.scalars(select(Attachment)).one()
    assert (stored.filename, stored.content_type) == ("Lønn[31mgpj.exe nov.png", "image/png")


def test_a_name_of_only_control_characters_is_refused(client, make_person, service):
    me, case = rejected_dagpenger(client, make_person, service)
    answer = send(client, me, case, attachment("\u202e\x07\x1b", PDF))
    assert refused(answer) == ("attachments[0]", files.BAD_NAME)


def test_the_person_cannot_send_for_someone_else(client, make_person, service):
    """A control: the attachment check comes with the usual access check, not instead of it."""
    _me, case = rejected_dagpenger(client, make_person, service)
    other = citizen_headers(make_person("Olav Annen"))
    assert send(client, other, case, attachment("a.pdf", PDF)).status_code == 403
