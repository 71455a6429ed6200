"""Everything trygd holds about the caller, as JSON and as a PDF (GDPR art. 15 and 20).

The export is built from the same use cases the pages and the API read through (`views`,
`appeals`, `letters`, `serviceklager`, `drafts`), so each part passes the access point and is
audited as a read of the person's own data; the export itself is one more audit record.
The PDF is typeset by the letter renderer (PDF/A-2a and PDF/UA-1, checked while it is
written), so the person gets one accessible, archivable document.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

from sqlalchemy import select

from trygd.letters.model import FactList, Letter, LetterKind, Paragraph, Section, Table
from trygd.letters.render import render_pdf
from trygd.privacy.policy import Action as Access
from trygd.services import access, appeals, drafts, letters, serviceklager, views
from trygd.services.drafts import iso
from trygd.services.intake import caller_person
from trygd.services.privacy_requests import current_deadline
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import (
    Anke,
    Attachment,
    Endringsmelding,
    Event,
    Klage,
    MeldekortCard,
    MeldekortDraft,
    MeldekortResult,
    PaymentDetails,
    PaymentLine,
    PrivacyRequest,
    RefundClaim,
    Regulation,
    Sak,
    Soknad,
    Tilbakekreving,
    TilbakekrevingSetoff,
    Vurdering,
)
from trygd.store.models import Letter as StoredLetter

LANGUAGES = ("nb", "nn", "en")
FORMAT_VERSION = 2

# Every table, and where its rows about the person are in the export; a test
# (tests/integration/test_export_completeness.py) fails when a table is in neither this nor
# WITHHELD nor NOT_PERSONAL, so a new table cannot be forgotten.
EXPORTED = {
    "persons": "person",
    "saker": "saker[]",
    "soknader": "saker[].soknader",
    "behandlinger": "saker[].behandlinger",
    "vedtak": "saker[].vedtak",
    "decision_records": "saker[].vedtak[] (the decision explained: criteria and amounts)",
    "vurderinger": "saker[].vurderinger",
    "information_requests": "saker[].information_requests",
    "endringsmeldinger": "saker[].endringsmeldinger",
    "events": "saker[].history",
    "letters": "saker[].letters, letters_outside_cases",
    "klager": "saker[].klager",
    "attachments": "saker[].klage_attachments",
    "anker": "saker[].anker",
    "regulations": "saker[].regulations",
    "refund_claims": "saker[].refund_claim",
    "tilbakekrevinger": "saker[].tilbakekrevinger",
    "tilbakekreving_setoffs": "saker[].tilbakekrevinger[].setoffs",
    "meldekort": "meldekort",
    "meldekort_results": "meldekort[].result",
    "meldekort_drafts": "meldekort_drafts",
    "payment_lines": "payments",
    "payment_details": "payment_details",
    "serviceklager": "serviceklager",
    "drafts": "drafts",
    "application_documents": "documents",
    "privacy_requests": "privacy_requests",
    "audit_log": "access_log (the employees' accesses as visits)",
}
# Tables that hold data about the person that the export leaves out, and why.
WITHHELD = {
    "oppgaver": "NAV's internal work queue (fvl. § 18 a, organinterne dokumenter); what was"
    " done is in the case history",
    "payment_simulations": "a caseworker's working document before a vedtak (fvl. § 18 a);"
    " the payments decided are exported",
    "ledger_postings": "the accounting entries of the payments exported, with the same amounts",
    "payment_orders": "the bank's files of the payments exported (same amounts, accounts)",
    "bank_statuses": "the bank's answers; each payment exported carries its status",
    "idempotency_keys": "a copy of an answer already given, kept one day"
    " (retention.idempotency_days)",
    "jobs": "scheduled work; holds only ids of the records exported",
    "meldekort_plans": "the bookkeeping that a meldeperiode's reminders exist; ids and dates",
    "payment_plan_marks": "the bookkeeping of the payment run; counts and dates",
    "provider_sessions": "the identity provider's ID token of a signed-in session, kept only"
    " to end the session at the provider when the person signs out; deleted then or at expiry",
}
# Tables with no data about a person, and why.
NOT_PERSONAL = {
    "audit_chain": "hashes and positions of audit records (no personal fields)",
    "audit_pending": "ids of audit records waiting to be chained",
    "audit_chain_anchors": "the position and hash where the audit chain starts",
    "payment_runs": "the state of a day's payment run",
    "retention_runs": "counts per kind of record, no ids",
    "revoked_sessions": "ids of ended sign-in sessions and their expiry",
    "pending_sign_ins": "a sign-in's state, nonce and PKCE verifier before anyone has signed"
    " in (ten minutes at most); names no one",
}


def export_own_data(uow: UnitOfWork, language: str) -> dict[str, Any]:
    """The caller's data as one JSON document; `language` is the one vedtak are explained in."""
    if language not in LANGUAGES:
        language = "nb"
    person = caller_person(uow, Access.EXPORT_OWN_DATA)
    access.check(
        uow,
        Access.EXPORT_OWN_DATA,
        access.subject_for_person(uow, person),
        object_type="person_export",
        object_id=person.id,
    )
    saker = uow.session.scalars(
        select(Sak).where(Sak.person_id == person.id).order_by(Sak.created_at)
    ).all()
    cases = []
    for sak in saker:
        case = views.get_sak(uow, sak.id)
        case["vedtak"] = [
            views.get_vedtak(uow, uuid.UUID(v["id"]), language).to_json() for v in case["vedtak"]
        ]
        case["soknader"] = [
            {
                "id": str(s.id),
                "claim_date": iso(s.claim_date),
                "received_at": iso(s.received_at),
                "description": s.description,
                "facts": s.facts,
            }
            for s in uow.session.scalars(
                select(Soknad).where(Soknad.sak_id == sak.id).order_by(Soknad.received_at)
            )
        ]
        case["endringsmeldinger"] = [
            {
                "id": str(e.id),
                "effective_date": iso(e.effective_date),
                "received_at": iso(e.received_at),
                "description": e.description,
                "facts": e.facts,
            }
            for e in uow.session.scalars(
                select(Endringsmelding)
                .where(Endringsmelding.sak_id == sak.id)
                .order_by(Endringsmelding.received_at)
            )
        ]
        case["letters"] = letters.list_letters(uow, sak.id)["items"]
        case["klager"] = appeals.list_klager(uow, sak.id)["items"]
        _add_case_records(uow, sak, case)
        cases.append(case)
    return {
        "format_version": FORMAT_VERSION,
        "made_at": uow.now.isoformat(),
        "person": {
            "id": str(person.id),
            "identity_number": person.identity_number,
            "name": person.name,
            "birth_date": iso(person.birth_date),
            "municipality": person.municipality,
            "language": person.language,
        },
        "saker": cases,
        "serviceklager": serviceklager.list_own(uow)["items"],
        "drafts": [
            {k: v for k, v in d.items() if k != "documents"}
            for d in drafts.drafts_of_person(uow, person)
        ],
        "documents": drafts.documents_of_person(uow, person),
        **_person_records(uow, person.id),
        "access_log": _whole_access_log(uow),
    }


def _rows(uow: UnitOfWork, query: Any, skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Rows as plain JSON (every column but those in `skip`)."""
    out = []
    for row in uow.session.scalars(query):
        item = {}
        for column in row.__table__.columns:
            if column.key in skip:
                continue
            value = getattr(row, column.key)
            if isinstance(value, uuid.UUID):
                value = str(value)
            elif isinstance(value, dt.date | dt.datetime):
                value = iso(value)
            item[column.key] = value
        out.append(item)
    return out


def _add_case_records(uow: UnitOfWork, sak: Sak, case: dict[str, Any]) -> None:
    """What else the case holds about the person (read after the export's access check)."""
    behandlinger = [uuid.UUID(b["id"]) for b in case["behandlinger"]]
    case["vurderinger"] = _rows(
        uow,
        select(Vurdering)
        .where(Vurdering.behandling_id.in_(behandlinger))
        .order_by(Vurdering.assessed_at),
    )
    case["history"] = _rows(uow, select(Event).where(Event.sak_id == sak.id).order_by(Event.id))
    klager = select(Klage.id).where(Klage.sak_id == sak.id)
    case["klage_attachments"] = _rows(
        uow,
        select(Attachment).where(Attachment.klage_id.in_(klager)).order_by(Attachment.received_at),
        skip=("content",),
    )
    case["anker"] = _rows(
        uow, select(Anke).where(Anke.klage_id.in_(klager)).order_by(Anke.registered_at)
    )
    case["regulations"] = _rows(
        uow, select(Regulation).where(Regulation.sak_id == sak.id).order_by(Regulation.g_from)
    )
    refund = _rows(uow, select(RefundClaim).where(RefundClaim.sak_id == sak.id))
    case["refund_claim"] = refund[0] if refund else None
    claims = _rows(
        uow,
        select(Tilbakekreving)
        .where(Tilbakekreving.sak_id == sak.id)
        .order_by(Tilbakekreving.varsel_sent_at),
    )
    for claim in claims:
        claim["setoffs"] = _rows(
            uow,
            select(TilbakekrevingSetoff)
            .where(TilbakekrevingSetoff.tilbakekreving_id == uuid.UUID(claim["id"]))
            .order_by(TilbakekrevingSetoff.run_date),
        )
    case["tilbakekrevinger"] = claims


def _person_records(uow: UnitOfWork, person_id: uuid.UUID) -> dict[str, Any]:
    results = {
        r["meldekort_id"]: r
        for r in _rows(
            uow,
            select(MeldekortResult).where(
                MeldekortResult.meldekort_id.in_(
                    select(MeldekortCard.id).where(MeldekortCard.person_id == person_id)
                )
            ),
        )
    }
    cards = _rows(
        uow,
        select(MeldekortCard)
        .where(MeldekortCard.person_id == person_id)
        .order_by(MeldekortCard.period_start, MeldekortCard.version),
    )
    requests = uow.session.scalars(
        select(PrivacyRequest)
        .where(PrivacyRequest.person_id == person_id)
        .order_by(PrivacyRequest.received_at)
    ).all()
    details = _rows(uow, select(PaymentDetails).where(PaymentDetails.person_id == person_id))
    return {
        "meldekort": [{**card, "result": results.get(card["id"])} for card in cards],
        "meldekort_drafts": _rows(
            uow, select(MeldekortDraft).where(MeldekortDraft.person_id == person_id)
        ),
        "payments": _rows(
            uow,
            select(PaymentLine)
            .where(PaymentLine.person_id == person_id)
            .order_by(PaymentLine.period_start, PaymentLine.kind, PaymentLine.correction),
        ),
        "payment_details": details[0] if details else None,
        "letters_outside_cases": [
            letters.letter_row(letter)
            for letter in uow.session.scalars(
                select(StoredLetter)
                .where(StoredLetter.person_id == person_id, StoredLetter.sak_id.is_(None))
                .order_by(StoredLetter.sent_at)
            )
        ],
        "privacy_requests": [
            {
                "id": str(r.id),
                "kind": r.kind,
                "text": r.text,
                "received_on": r.received_on.isoformat(),
                "deadline": current_deadline(r).isoformat(),
                "status": r.status,
                "outcome": r.outcome,
                "answer": r.answer,
            }
            for r in requests
        ],
    }


def _whole_access_log(uow: UnitOfWork) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = views.access_log(uow, views.MAX_PAGE, len(items))
        items.extend(page["items"])
        if not page["items"] or len(items) >= page["total"]:
            return items


# -- the PDF ---------------------------------------------------------------------------------

# The access log in words, as on the "your data" page: who (name, unit, role) and what.
ROLE_WORDS = {
    "nb": {
        "caseworker": "saksbehandler",
        "approver": "beslutter",
        "appeals": "saksbehandler i NAV Klageinstans",
        "auditor": "internkontroll",
    },
    "nn": {
        "caseworker": "saksbehandlar",
        "approver": "avgjerdstakar",
        "appeals": "saksbehandlar i NAV Klageinstans",
        "auditor": "internkontroll",
    },
    "en": {
        "caseworker": "caseworker",
        "approver": "approver",
        "appeals": "caseworker at NAV Klageinstans",
        "auditor": "internal control",
    },
}
ACTIVITY_WORDS = {
    "nb": {
        "read_case": "så på saken din",
        "worked_on_case": "behandlet saken din",
        "handled_klage": "behandlet klagen din",
        "decided_klage": "avgjorde klagen din",
        "searched": "søkte deg opp",
    },
    "nn": {
        "read_case": "såg på saka di",
        "worked_on_case": "handsama saka di",
        "handled_klage": "handsama klaga di",
        "decided_klage": "avgjorde klaga di",
        "searched": "søkte deg opp",
    },
    "en": {
        "read_case": "looked at your case",
        "worked_on_case": "worked on your case",
        "handled_klage": "worked on your klage",
        "decided_klage": "decided your klage",
        "searched": "looked you up",
    },
}


def _who(visit: dict[str, Any], language: str) -> str:
    role = ROLE_WORDS[language].get(visit["role"], visit["role"])
    return ", ".join(p for p in (visit["name"], visit["unit_name"] or visit["unit"], role) if p)


def _what(visit: dict[str, Any], language: str) -> str:
    what = ACTIVITY_WORDS[language].get(visit["activity"], visit["activity"])
    return f"{what} ({visit['purpose']})" if visit["purpose"] else what


TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        "title": "Dine opplysninger hos trygd",
        "intro": "Her er alt vi har lagret om deg, slik det var %(day)s.",
        "about": "Om deg",
        "name": "Navn",
        "identity_number": "Fødselsnummer",
        "birth_date": "Fødselsdato",
        "municipality": "Kommune",
        "case": "Sak om %(benefit)s",
        "behandlinger": "Behandlinger",
        "kind": "Type",
        "state": "Status",
        "outcome": "Resultat",
        "date": "Dato",
        "vedtak": "Vedtak",
        "automatic": "Automatisk",
        "yes": "ja",
        "no": "nei",
        "letters": "Brev",
        "letter_title": "Tittel",
        "klager": "Klager",
        "deadline": "Frist",
        "serviceklager": "Serviceklager",
        "text": "Tekst",
        "drafts": "Påbegynte søknader og dokumenter",
        "benefit": "Stønad",
        "documents": "Dokumenter",
        "file": "Fil",
        "access_log": "Hvem har sett opplysningene dine",
        "who": "Hvem",
        "purpose": "Formål",
        "none": "Ingen.",
        "sender": "trygd",
        "reference": "Innsyn",
    },
    "nn": {
        "title": "Opplysningane dine hos trygd",
        "intro": "Her er alt vi har lagra om deg, slik det var %(day)s.",
        "about": "Om deg",
        "name": "Namn",
        "identity_number": "Fødselsnummer",
        "birth_date": "Fødselsdato",
        "municipality": "Kommune",
        "case": "Sak om %(benefit)s",
        "behandlinger": "Behandlingar",
        "kind": "Type",
        "state": "Status",
        "outcome": "Resultat",
        "date": "Dato",
        "vedtak": "Vedtak",
        "automatic": "Automatisk",
        "yes": "ja",
        "no": "nei",
        "letters": "Brev",
        "letter_title": "Tittel",
        "klager": "Klager",
        "deadline": "Frist",
        "serviceklager": "Serviceklager",
        "text": "Tekst",
        "drafts": "Påbyrja søknader og dokument",
        "benefit": "Stønad",
        "documents": "Dokument",
        "file": "Fil",
        "access_log": "Kven har sett opplysningane dine",
        "who": "Kven",
        "purpose": "Formål",
        "none": "Ingen.",
        "sender": "trygd",
        "reference": "Innsyn",
    },
    "en": {
        "title": "Your data at trygd",
        "intro": "This is everything we have stored about you, as it was on %(day)s.",
        "about": "About you",
        "name": "Name",
        "identity_number": "National identity number",
        "birth_date": "Date of birth",
        "municipality": "Municipality",
        "case": "Case about %(benefit)s",
        "behandlinger": "Handlings of the case",
        "kind": "Kind",
        "state": "Status",
        "outcome": "Result",
        "date": "Date",
        "vedtak": "Decisions (vedtak)",
        "automatic": "Automatic",
        "yes": "yes",
        "no": "no",
        "letters": "Letters",
        "letter_title": "Title",
        "klager": "Appeals (klager)",
        "deadline": "Deadline",
        "serviceklager": "Service complaints",
        "text": "Text",
        "drafts": "Applications started and documents",
        "benefit": "Benefit",
        "documents": "Documents",
        "file": "File",
        "access_log": "Who has looked at your data",
        "who": "Who",
        "purpose": "Purpose",
        "none": "None.",
        "sender": "trygd",
        "reference": "Access request",
    },
}


def _day(value: str | None) -> str:
    return (value or "")[:10]


def export_letter(data: dict[str, Any], language: str, today: dt.date) -> Letter:
    """The export as a document the letter renderer typesets."""
    tx_language = language if language in TEXTS else "nb"
    tx = TEXTS[tx_language]
    person = data["person"]
    sections = [
        Section(
            tx["about"],
            (
                Paragraph(tx["intro"] % {"day": today.isoformat()}),
                FactList(
                    tx["about"],
                    (
                        (tx["name"], person["name"]),
                        (tx["identity_number"], person["identity_number"]),
                        (tx["birth_date"], person["birth_date"]),
                        (tx["municipality"], person["municipality"]),
                    ),
                ),
            ),
        )
    ]
    for case in data["saker"]:
        blocks: list[Any] = [
            _table(
                tx["behandlinger"],
                (tx["kind"], tx["state"], tx["outcome"], tx["date"]),
                [
                    (b["kind"], b["state"], b["outcome"] or "–", _day(b["created_at"]))
                    for b in case["behandlinger"]
                ],
                tx,
            ),
            _table(
                tx["vedtak"],
                (tx["outcome"], tx["automatic"], tx["date"]),
                [
                    (v["outcome"], tx["yes"] if v["automatic"] else tx["no"], _day(v["decided_at"]))
                    for v in case["vedtak"]
                ],
                tx,
            ),
            _table(
                tx["letters"],
                (tx["letter_title"], tx["date"]),
                [(x["title"], x["letter_date"]) for x in case["letters"]],
                tx,
            ),
            _table(
                tx["klager"],
                (tx["state"], tx["date"], tx["deadline"]),
                [(k["state"], k["received_on"], k["deadline"]) for k in case["klager"]],
                tx,
            ),
        ]
        sections.append(Section(tx["case"] % {"benefit": case["benefit"]}, tuple(blocks)))
    sections.append(
        Section(
            tx["serviceklager"],
            (
                _table(
                    tx["serviceklager"],
                    (tx["date"], tx["state"], tx["text"]),
                    [
                        (_day(c["received_at"]), c["status"], c["text"])
                        for c in data["serviceklager"]
                    ],
                    tx,
                ),
            ),
        )
    )
    sections.append(
        Section(
            tx["drafts"],
            (
                _table(
                    tx["drafts"],
                    (tx["benefit"], tx["date"], tx["state"]),
                    [
                        (d["benefit"], _day(d["updated_at"]), _day(d["submitted_at"]) or "–")
                        for d in data["drafts"]
                    ],
                    tx,
                ),
                _table(
                    tx["documents"],
                    (tx["file"], tx["date"]),
                    [(d["filename"], _day(d["received_at"])) for d in data["documents"]],
                    tx,
                ),
            ),
        )
    )
    sections.append(
        Section(
            tx["access_log"],
            (
                _table(
                    tx["access_log"],
                    (tx["date"], tx["who"], tx["purpose"]),
                    [
                        (_day(r["at"]), _who(r, tx_language), _what(r, tx_language))
                        for r in data["access_log"]
                    ],
                    tx,
                ),
            ),
        )
    )
    return Letter(
        # Not a letter that is sent: the renderer's layout does not depend on the kind.
        kind=cast(LetterKind, "data_export"),
        language=cast(Any, language if language in TEXTS else "nb"),
        title=tx["title"],
        letter_date=today,
        recipient=person["name"],
        reference=tx["reference"],
        sender=tx["sender"],
        sections=tuple(sections),
    )


def _table(
    caption: str, header: tuple[str, ...], rows: list[tuple[str, ...]], tx: dict[str, str]
) -> Table | Paragraph:
    if not rows:
        return Paragraph(f"{caption}: {tx['none']}")
    return Table(caption, header, tuple(tuple(str(cell) for cell in row) for row in rows))


def export_pdf(uow: UnitOfWork, language: str) -> bytes:
    data = export_own_data(uow, language)
    return render_pdf(export_letter(data, language, uow.now.date()))
