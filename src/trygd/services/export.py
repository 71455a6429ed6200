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
from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import Endringsmelding, Sak, Soknad

LANGUAGES = ("nb", "nn", "en")
FORMAT_VERSION = 1


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
        "access_log": _whole_access_log(uow),
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
