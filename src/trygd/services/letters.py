"""Producing, storing and showing letters.

A letter is made from the case as stored: the use case that decides something enqueues a
`send_letter` job, and the job (here, `send_letter`) reads the case, fills in the letter's
data (`trygd.letters.data`), builds the content in the person's language, renders the PDF and
stores it with its content hash and template version, in one transaction with the case event.
A stored letter is never rendered again: fetching it returns the stored bytes, so the person
and NAV always see the same document. `preview` builds the same content without storing it,
so a caseworker sees the letter before it is sent.

Deadlines printed in a letter are computed from the letter date, the day it reaches the
person's digital mailbox (fvl. § 29: the deadline runs from when the notice reached them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy import select

from trygd.domain import deadlines
from trygd.domain.automation import LEGAL_BASIS as AUTOMATION_BASIS
from trygd.domain.klage import Outcome
from trygd.domain.units import UNITS
from trygd.letters.build import build_letter
from trygd.letters.data import (
    AdvanceNoticeLetterData,
    CaseworkerReason,
    Common,
    ErasureLine,
    FeilutbetaltPeriodLine,
    InformationRequestLetterData,
    KlageForwardedLetterData,
    KlageinstansDecisionLetterData,
    KlageReceivedLetterData,
    PrivacyAnswerLetterData,
    PrivacyExtensionLetterData,
    ServiceklageAnswerLetterData,
    TilbakekrevingVarselLetterData,
    TilbakekrevingVedtakLetterData,
    VedtakLetterData,
)
from trygd.letters.model import FactList, Items, Paragraph, Section, Table
from trygd.letters.model import Letter as LetterContent
from trygd.letters.render import render_html, render_pdf, template_version
from trygd.privacy.policy import Action as Access
from trygd.rules.assessment import default_ruleset
from trygd.services import access, free_text, payment_views, privacy_requests
from trygd.services.errors import Conflict, InvalidInput
from trygd.services.records import enqueue, explained, get_or_404
from trygd.services.unit_of_work import UnitOfWork
from trygd.services.views import short_reference
from trygd.store.models import (
    AuditRecord,
    Behandling,
    InformationRequest,
    Klage,
    Letter,
    Person,
    PrivacyRequest,
    Sak,
    Serviceklage,
    Vedtak,
    Vurdering,
)

LANGUAGES = ("nb", "nn", "en")


def reference(sak_id: uuid.UUID | None, fallback: uuid.UUID) -> str:
    """The short case reference printed on letters: never an identity number."""
    return short_reference(sak_id or fallback)


def unit_label(number: str) -> str:
    unit = UNITS.get(number)
    return f"{number} {unit.name}" if unit else number


def _common(
    person: Person, sak: Sak | None, sender_unit: str, today: dt.date, fallback: uuid.UUID
) -> Common:
    language = person.language if person.language in LANGUAGES else "nb"
    return Common(
        language=language,  # type: ignore[arg-type]
        letter_date=today,
        recipient=person.name,
        reference=reference(sak.id if sak else None, fallback),
        sender=unit_label(sender_unit),
        benefit=sak.benefit if sak else "",
    )


def employee_name(uow: UnitOfWork, actor_id: str | None) -> str | None:
    """An employee's name as their own audit records give it (trygd keeps no staff register)."""
    if not actor_id:
        return None
    name = uow.session.scalars(
        select(AuditRecord.actor_name).where(AuditRecord.actor_id == actor_id).limit(1)
    ).first()
    return name or actor_id


def _signatures(uow: UnitOfWork, *actor_ids: str | None) -> tuple[str, ...]:
    return tuple(n for n in (employee_name(uow, a) for a in actor_ids) if n)


def vedtak_received_on(uow: UnitOfWork, vedtak: Vedtak) -> dt.date:
    """The day the vedtak reached the person: the date of its letter, or the decision date
    when no letter was stored (a vedtak from before letters were sent)."""
    letter_date = uow.session.scalars(
        select(Letter.letter_date)
        .where(Letter.vedtak_id == vedtak.id, Letter.kind == "vedtak")
        .order_by(Letter.sent_at)
        .limit(1)
    ).first()
    if letter_date is not None:
        return letter_date
    decided = vedtak.decided_at
    return decided.date()


# -- the data of each letter ------------------------------------------------------------------


def _explained(uow: UnitOfWork, vedtak: Vedtak, language: str) -> dict[str, Any]:
    """The vedtak's stored decision record explained in the letter's language: the figures
    decided, whatever the parameters say today (the vedtak page shows the same)."""
    return explained(uow, vedtak.record_id, language)


def _vedtak_kind(behandling: Behandling) -> Any:
    kinds = {"forstegangsbehandling", "revurdering", "omgjoring", "etter_klageinstans"}
    return behandling.kind if behandling.kind in kinds else "etter_anke"


def vedtak_letter_data(uow: UnitOfWork, vedtak: Vedtak, today: dt.date) -> VedtakLetterData:
    sak = uow.session.get(Sak, vedtak.sak_id)
    behandling = uow.session.get(Behandling, vedtak.behandling_id)
    assert sak is not None and behandling is not None
    person = uow.session.get(Person, sak.person_id)
    assert person is not None
    common = _common(person, sak, sak.unit, today, vedtak.id)
    # An automatic vedtak is one no caseworker assessed, so it has no written reasons to show.
    reasons = (
        ()
        if vedtak.automatic
        else uow.session.scalars(
            select(Vurdering)
            .where(Vurdering.behandling_id == behandling.id)
            .order_by(Vurdering.assessed_at)
        ).all()
    )
    replaced = (
        uow.session.get(Vedtak, vedtak.replaces_vedtak_id) if vedtak.replaces_vedtak_id else None
    )
    klage_deadline = deadlines.klage_deadline(today)
    return VedtakLetterData(
        common=common,
        kind=_vedtak_kind(behandling),
        outcome=vedtak.outcome,  # type: ignore[arg-type]
        automatic=vedtak.automatic,
        automation_legal_basis=AUTOMATION_BASIS if vedtak.automatic else None,
        assessment=_explained(uow, vedtak, common.language),
        caseworker_reasons=tuple(CaseworkerReason(v.condition, v.reason) for v in reasons),
        effective_from=vedtak.effective_from,
        klage_deadline=klage_deadline.last_day,
        klage_deadline_weeks=int(klage_deadline.parameter_value),
        klage_legal_basis=klage_deadline.legal_basis,  # that of the parameter it used
        signatures=()
        if vedtak.automatic
        else _signatures(uow, vedtak.proposed_by, vedtak.approved_by),
        replaces_vedtak_date=replaced.decided_at.date() if replaced else None,
        payment=payment_views.vedtak_payment_summary(uow, vedtak, sak.benefit, today),
    )


def information_request_data(
    uow: UnitOfWork, request: InformationRequest, today: dt.date
) -> tuple[InformationRequestLetterData, Sak, Person]:
    behandling = uow.session.get(Behandling, request.behandling_id)
    assert behandling is not None
    sak = uow.session.get(Sak, behandling.sak_id)
    person = uow.session.get(Person, request.person_id)
    assert sak is not None and person is not None
    data = InformationRequestLetterData(
        common=_common(person, sak, sak.unit, today, request.id),
        description=request.description,
        facts_requested=tuple(request.facts_requested),
        deadline=request.deadline,
    )
    return data, sak, person


def _klage_parts(uow: UnitOfWork, klage: Klage) -> tuple[Sak, Person, dt.date]:
    """The case, the person and the day of the decision appealed (an ordinary vedtak or the
    vedtak of a tilbakekreving)."""
    from trygd.store.models import Tilbakekreving

    sak = uow.session.get(Sak, klage.sak_id)
    person = uow.session.get(Person, klage.person_id)
    assert sak is not None and person is not None
    decided: dt.datetime | None
    if klage.tilbakekreving_id is not None:
        case = uow.session.get(Tilbakekreving, klage.tilbakekreving_id)
        decided = case.decided_at if case is not None else None
    else:
        vedtak = uow.session.get(Vedtak, klage.vedtak_id)
        decided = vedtak.decided_at if vedtak is not None else None
    assert decided is not None
    return sak, person, decided.date()


def klage_received_data(uow: UnitOfWork, klage: Klage, today: dt.date) -> Any:
    sak, person, vedtak_date = _klage_parts(uow, klage)
    return KlageReceivedLetterData(
        common=_common(person, sak, sak.unit, today, klage.id),
        vedtak_date=vedtak_date,
        received_date=klage.received_on,
        fristavbrytende=klage.fristavbrytende,
        grounds_deadline=klage.grounds_deadline,
        late=klage.late,
        klage_deadline=klage.deadline,
    )


def klage_forwarded_data(uow: UnitOfWork, klage: Klage, today: dt.date) -> Any:
    sak, person, vedtak_date = _klage_parts(uow, klage)
    assert klage.statement and klage.comment_deadline and klage.klageinstans_unit
    return KlageForwardedLetterData(
        common=_common(person, sak, sak.unit, today, klage.id),
        vedtak_date=vedtak_date,
        klage_received_date=klage.received_on,
        statement=klage.statement,
        comment_deadline=klage.comment_deadline,
        klageinstans=unit_label(klage.klageinstans_unit),
    )


def klageinstans_decision_data(uow: UnitOfWork, klage: Klage, today: dt.date) -> Any:
    sak, person, vedtak_date = _klage_parts(uow, klage)
    assert klage.outcome and klage.outcome_reasons and klage.klageinstans_unit
    anke = deadlines.anke_deadline(today)
    return KlageinstansDecisionLetterData(
        common=_common(person, sak, klage.klageinstans_unit, today, klage.id),
        vedtak_date=vedtak_date,
        klage_received_date=klage.received_on,
        outcome=klage.outcome,  # type: ignore[arg-type]
        reasons=klage.outcome_reasons,
        anke_deadline=None if klage.outcome == Outcome.OPPHEVET.value else anke.last_day,
        anke_deadline_weeks=int(anke.parameter_value),
        anke_legal_basis=anke.legal_basis,  # that of the parameter it used
        signatures=_signatures(uow, klage.decided_by),
    )


def serviceklage_answer_data(uow: UnitOfWork, complaint: Serviceklage, today: dt.date) -> Any:
    person = uow.session.get(Person, complaint.person_id)
    sak = uow.session.get(Sak, complaint.sak_id) if complaint.sak_id else None
    assert person is not None and complaint.answer
    return ServiceklageAnswerLetterData(
        common=_common(person, sak, complaint.unit, today, complaint.id),
        received_date=complaint.received_at.date(),
        complaint_summary=complaint.text,
        answer=complaint.answer,
        signatures=_signatures(uow, complaint.answered_by),
    )


def privacy_answer_data(
    uow: UnitOfWork, request: PrivacyRequest, today: dt.date
) -> PrivacyAnswerLetterData:
    person = uow.session.get(Person, request.person_id)
    assert person is not None and request.answer and request.outcome
    return PrivacyAnswerLetterData(
        common=_common(person, None, request.unit, today, request.id),
        kind=request.kind,  # type: ignore[arg-type]
        received_date=request.received_on,
        outcome=request.outcome,  # type: ignore[arg-type]
        answer=request.answer,
        legal_basis=privacy_requests.legal_basis(request.kind),
        signatures=_signatures(uow, request.answered_by),
        erased=_erasure_lines((request.erasure or {}).get("erased", [])),
        kept=_erasure_lines((request.erasure or {}).get("kept", [])),
    )


def _erasure_lines(entries: list[dict[str, Any]]) -> tuple[ErasureLine, ...]:
    return tuple(
        ErasureLine(e["category"], e["action"], int(e["count"]), e["legal_basis"]) for e in entries
    )


def privacy_extension_data(
    uow: UnitOfWork, request: PrivacyRequest, today: dt.date
) -> PrivacyExtensionLetterData:
    """The new last day comes from the deadline module, not from the stored row alone: the
    two agree, because the extension stored the module's day."""
    person = uow.session.get(Person, request.person_id)
    assert person is not None and request.extension_reason
    extended = deadlines.gdpr_extended_deadline(request.received_on)
    return PrivacyExtensionLetterData(
        common=_common(person, None, request.unit, today, request.id),
        kind=request.kind,  # type: ignore[arg-type]
        received_date=request.received_on,
        first_deadline=request.deadline,
        new_deadline=extended.last_day,
        reason=request.extension_reason,
        legal_basis=extended.legal_basis,
        signatures=_signatures(uow, request.extended_by),
    )


def advance_notice_data(
    uow: UnitOfWork, behandling: Behandling, payload: dict[str, Any], today: dt.date
) -> tuple[AdvanceNoticeLetterData, Sak, Person]:
    sak = uow.session.get(Sak, behandling.sak_id)
    assert sak is not None
    person = uow.session.get(Person, sak.person_id)
    assert person is not None
    data = AdvanceNoticeLetterData(
        common=_common(person, sak, sak.unit, today, behandling.id),
        planned_decision=payload["planned_decision"],
        reason=payload["reason"],
        deadline=dt.date.fromisoformat(payload["deadline"]),
    )
    return data, sak, person


def tilbakekreving_letter_data(
    uow: UnitOfWork, kind: str, payload: dict[str, Any], today: dt.date
) -> tuple[Any, Sak, Person, dict[str, Any], dict[str, str]]:
    """The varsel or the vedtak of a tilbakekreving, from the stored case (the vedtak's
    reasons from the stored rule result, in the person's language)."""
    from trygd.rules.tilbakekreving import RuleOutcome  # the stored result's explanations
    from trygd.store.models import Tilbakekreving

    case = uow.session.get(Tilbakekreving, uuid.UUID(payload["tilbakekreving_id"]))
    assert case is not None
    sak = uow.session.get(Sak, case.sak_id)
    assert sak is not None
    person = access.check_case(
        uow, Access.RUN_JOB, sak, object_type="tilbakekreving", object_id=case.id
    )
    common = _common(person, sak, sak.unit, today, case.id)
    periods = tuple(
        FeilutbetaltPeriodLine(
            dt.date.fromisoformat(p["start"]),
            dt.date.fromisoformat(p["end"]),
            int(p["paid_ore"]),
            int(p["correct_ore"]),
        )
        for p in case.periods
    )
    ids = {"behandling_id": case.behandling_id}
    if kind == "tilbakekreving_varsel":
        vedtak = uow.session.get(Vedtak, case.vedtak_id)
        assert vedtak is not None
        deadline = deadlines.advance_notice_deadline(case.varsel_sent_at.date())
        data: Any = TilbakekrevingVarselLetterData(
            common=common,
            feilutbetalt_ore=case.feilutbetalt_ore,
            periods=periods,
            vedtak_date=vedtak.decided_at.date(),
            effective_from=vedtak.effective_from,
            deadline=case.comment_deadline,
            deadline_legal_basis=deadline.legal_basis,
        )
        return data, sak, person, ids, {"comment": case.comment_deadline.isoformat()}
    assert case.result is not None and case.klage_deadline is not None
    language = common.language
    reasons = tuple(
        (
            RuleOutcome(r["id"], r["legal_basis"], r["status"], r["text"]).title(language),
            r["explanation"][language],
            r["legal_basis"],
        )
        for r in case.result["rules"]
    )
    # The klagefrist runs from the day this letter reaches the person (its date, `today`),
    # as `tilbakekreving.vedtak_received_on` will read it back; the case keeps that last day.
    klage = deadlines.klage_deadline(today)
    if case.klage_deadline != klage.last_day:
        case.klage_deadline = klage.last_day
    share = default_ruleset().parameters["tilbakekreving.setoff_max_share"].value_at(today)
    data = TilbakekrevingVedtakLetterData(
        common=common,
        outcome=case.result["outcome"],
        feilutbetalt_ore=case.feilutbetalt_ore,
        recovered_ore=int(case.recovered_ore or 0),
        rentetillegg_ore=int(case.rentetillegg_ore or 0),
        claim_ore=int(case.claim_ore or 0),
        periods=periods,
        reasons=reasons,
        recovery_method=case.recovery_method,
        setoff_share=share.value,
        klage_deadline=klage.last_day,
        klage_deadline_weeks=klage.parameter_value,
        klage_legal_basis=klage.legal_basis,
        signatures=_signatures(uow, case.proposed_by, case.approved_by),
    )
    return data, sak, person, ids, {"klage": klage.last_day.isoformat()}


# -- storing and showing ------------------------------------------------------------------------


def store_letter(
    uow: UnitOfWork,
    content: LetterContent,
    *,
    person: Person,
    sak: Sak | None,
    deadlines_shown: dict[str, str],
    behandling_id: uuid.UUID | None = None,
    vedtak_id: uuid.UUID | None = None,
    klage_id: uuid.UUID | None = None,
    serviceklage_id: uuid.UUID | None = None,
    privacy_request_id: uuid.UUID | None = None,
) -> Letter:
    """Render the PDF and keep it, with the case event, in the caller's transaction."""
    pdf = render_pdf(content)
    letter = Letter(
        id=uuid.uuid4(),
        sak_id=sak.id if sak else None,
        person_id=person.id,
        behandling_id=behandling_id,
        vedtak_id=vedtak_id,
        klage_id=klage_id,
        serviceklage_id=serviceklage_id,
        privacy_request_id=privacy_request_id,
        kind=content.kind,
        language=content.language,
        title=content.title[:300],
        letter_date=content.letter_date,
        template_version=template_version(),
        content=content.to_dict(),
        deadlines=deadlines_shown,
        content_hash=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        pdf=pdf,
        sent_at=uow.now,
        sent_by=uow.actor.id,
    )
    uow.session.add(letter)
    if sak is not None:
        uow.event(
            sak.id,
            behandling_id,
            "letter_sent",
            letter_id=str(letter.id),
            kind=content.kind,
            language=content.language,
            content_hash=letter.content_hash,
        )
    return letter


def content_from_dict(document: dict[str, Any]) -> LetterContent:
    """A stored letter's content back as a `Letter` (for its HTML version)."""

    def block(b: dict[str, Any]) -> Any:
        if b["type"] == "paragraph":
            return Paragraph(b["text"])
        if b["type"] == "items":
            return Items(tuple(b["items"]))
        if b["type"] == "facts":
            return FactList(b["caption"], tuple((r[0], r[1]) for r in b["rows"]))
        return Table(b["caption"], tuple(b["header"]), tuple(tuple(r) for r in b["rows"]))

    return LetterContent(
        kind=document["kind"],
        language=document["language"],
        title=document["title"],
        letter_date=dt.date.fromisoformat(document["letter_date"]),
        recipient=document["recipient"],
        reference=document["reference"],
        sender=document["sender"],
        sections=tuple(
            Section(s["heading"], tuple(block(b) for b in s["blocks"]), s.get("legal_basis"))
            for s in document["sections"]
        ),
        signatures=tuple(document.get("signatures", ())),
        labels=dict(document.get("labels", {})),
    )


def letter_row(letter: Letter) -> dict[str, Any]:
    return {
        "id": str(letter.id),
        "kind": letter.kind,
        "language": letter.language,
        "title": letter.title,
        "letter_date": letter.letter_date.isoformat(),
        "sent_at": letter.sent_at.isoformat(),
        "template_version": letter.template_version,
        "content_hash": letter.content_hash,
        "size": letter.size,
        "deadlines": letter.deadlines,
        "sak_id": str(letter.sak_id) if letter.sak_id else None,
        "behandling_id": str(letter.behandling_id) if letter.behandling_id else None,
        "vedtak_id": str(letter.vedtak_id) if letter.vedtak_id else None,
        "klage_id": str(letter.klage_id) if letter.klage_id else None,
        "privacy_request_id": (
            str(letter.privacy_request_id) if letter.privacy_request_id else None
        ),
    }


def preview(content: LetterContent, heading_level: int = 1) -> dict[str, Any]:
    return {"content": content.to_dict(), "html": render_html(content, heading_level=heading_level)}


def language_or_default(value: Any, person: Person) -> str:
    if value is None:
        return person.language if person.language in LANGUAGES else "nb"
    if value not in LANGUAGES:
        raise InvalidInput([("lang", "must be one of nb, nn, en")])
    return str(value)


# -- the job that sends letters ---------------------------------------------------------------


def _load_vedtak_with_its_case(
    uow: UnitOfWork, vedtak_id: uuid.UUID
) -> tuple[Vedtak, Sak, Behandling, Person]:
    """The vedtak and its sak, behandling and person in one query instead of four: the letter
    needs all of them, and later `session.get` calls find them in the session as long as the
    caller holds on to them (the session keeps only weak references)."""
    row = uow.session.execute(
        select(Vedtak, Sak, Behandling, Person)
        .join(Sak, Sak.id == Vedtak.sak_id)
        .join(Behandling, Behandling.id == Vedtak.behandling_id)
        .join(Person, Person.id == Sak.person_id)
        .where(Vedtak.id == vedtak_id)
    ).one()
    return row[0], row[1], row[2], row[3]


def send_letter(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Job `send_letter`: build, render and store one letter. `payload["letter"]` says which;
    the other keys name the record it is about."""

    today = uow.now.date()
    kind = payload["letter"]
    ids: dict[str, Any] = {}
    shown: dict[str, str] = {}
    sak: Sak | None
    if kind == "vedtak":
        vedtak, sak, _behandling, _person = _load_vedtak_with_its_case(
            uow, uuid.UUID(payload["vedtak_id"])
        )
        person = access.check_case(
            uow, Access.RUN_JOB, sak, object_type="vedtak", object_id=vedtak.id
        )
        data: Any = vedtak_letter_data(uow, vedtak, today)
        shown = {"klage": data.klage_deadline.isoformat()}
        ids = {"vedtak_id": vedtak.id, "behandling_id": vedtak.behandling_id}
    elif kind == "information_request":
        request = uow.session.get(InformationRequest, uuid.UUID(payload["request_id"]))
        assert request is not None
        data, sak, person = information_request_data(uow, request, today)
        access.check_case(uow, Access.RUN_JOB, sak, object_type="letter", object_id=request.id)
        shown = {"information": request.deadline.isoformat()}
        ids = {"behandling_id": request.behandling_id}
    elif kind == "advance_notice":
        behandling = uow.session.get(Behandling, uuid.UUID(payload["behandling_id"]))
        assert behandling is not None
        data, sak, person = advance_notice_data(uow, behandling, payload, today)
        access.check_case(uow, Access.RUN_JOB, sak, object_type="letter", object_id=behandling.id)
        shown = {"comment": payload["deadline"]}
        ids = {"behandling_id": behandling.id}
    elif kind in ("klage_received", "klage_forwarded", "klageinstans_decision"):
        klage = uow.session.get(Klage, uuid.UUID(payload["klage_id"]))
        assert klage is not None
        sak = uow.session.get(Sak, klage.sak_id)
        assert sak is not None
        person = access.check_case(
            uow, Access.RUN_JOB, sak, object_type="klage", object_id=klage.id
        )
        builders = {
            "klage_received": klage_received_data,
            "klage_forwarded": klage_forwarded_data,
            "klageinstans_decision": klageinstans_decision_data,
        }
        data = builders[kind](uow, klage, today)
        for name in ("grounds_deadline", "comment_deadline", "anke_deadline", "klage_deadline"):
            value = getattr(data, name, None)
            if isinstance(value, dt.date):
                shown[name.removesuffix("_deadline")] = value.isoformat()
        if kind == "klageinstans_decision" and data.anke_deadline is not None:
            klage.anke_deadline = data.anke_deadline
        ids = {"klage_id": klage.id, "behandling_id": klage.behandling_id}
    elif kind in ("tilbakekreving_varsel", "tilbakekreving_vedtak"):
        data, sak, person, ids, shown = tilbakekreving_letter_data(uow, kind, payload, today)
    elif kind == "serviceklage_answer":
        complaint = uow.session.get(Serviceklage, uuid.UUID(payload["serviceklage_id"]))
        assert complaint is not None
        found = uow.session.get(Person, complaint.person_id)
        assert found is not None
        person = found
        sak = uow.session.get(Sak, complaint.sak_id) if complaint.sak_id else None
        access.check(
            uow,
            Access.RUN_JOB,
            access.subject_for_person(uow, person),
            object_type="serviceklage",
            object_id=complaint.id,
        )
        data = serviceklage_answer_data(uow, complaint, today)
        ids = {"serviceklage_id": complaint.id}
    elif kind in ("privacy_answer", "privacy_extension"):
        asked = uow.session.get(PrivacyRequest, uuid.UUID(payload["privacy_request_id"]))
        assert asked is not None
        found = uow.session.get(Person, asked.person_id)
        assert found is not None
        person = found
        sak = None
        access.check(
            uow,
            Access.RUN_JOB,
            access.subject_for_person(uow, person),
            object_type="privacy_request",
            object_id=asked.id,
        )
        if kind == "privacy_answer":
            data = privacy_answer_data(uow, asked, today)
        else:
            data = privacy_extension_data(uow, asked, today)
            shown = {"privacy_answer": data.new_deadline.isoformat()}
        ids = {"privacy_request_id": asked.id}
    else:
        raise ValueError(f"unknown letter kind {kind!r}")
    store_letter(uow, build_letter(data), person=person, sak=sak, deadlines_shown=shown, **ids)


# -- reading letters and previewing them --------------------------------------------------------


def _readable_letter(uow: UnitOfWork, letter_id: uuid.UUID) -> Letter:

    letter: Letter = get_or_404(uow, Letter, letter_id, "letter")
    person = uow.session.get(Person, letter.person_id)
    assert person is not None
    sak = uow.session.get(Sak, letter.sak_id) if letter.sak_id else None
    if sak is not None:
        access.check_case(uow, Access.READ_CASE, sak, object_type="letter", object_id=letter.id)
    else:
        # A letter outside any case (the answer to a serviceklage) belongs to the unit that
        # wrote it. NAV Klageinstans reaches a person's data only through a klage sent to it,
        # never through this separate channel.
        units = None
        if letter.serviceklage_id is not None:
            complaint = uow.session.get(Serviceklage, letter.serviceklage_id)
            units = frozenset({complaint.unit}) if complaint is not None else frozenset()
        elif letter.privacy_request_id is not None:
            request = uow.session.get(PrivacyRequest, letter.privacy_request_id)
            units = frozenset({request.unit}) if request is not None else frozenset()
        subject = replace(
            access.subject_for_person(uow, person, units=units), appeal_units=frozenset()
        )
        access.check(uow, Access.READ_CASE, subject, object_type="letter", object_id=letter.id)
    return letter


def list_letters(uow: UnitOfWork, sak_id: uuid.UUID) -> dict[str, Any]:

    sak = get_or_404(uow, Sak, sak_id, "sak")
    access.check_case(uow, Access.READ_CASE, sak, object_type="sak", object_id=sak.id)
    rows = uow.session.scalars(
        select(Letter).where(Letter.sak_id == sak.id).order_by(Letter.sent_at, Letter.id)
    ).all()
    return {"items": [letter_row(r) for r in rows], "total": len(rows)}


def get_letter(uow: UnitOfWork, letter_id: uuid.UUID) -> dict[str, Any]:
    letter = _readable_letter(uow, letter_id)
    return {**letter_row(letter), "content": letter.content}


def letter_pdf(uow: UnitOfWork, letter_id: uuid.UUID) -> tuple[bytes, str]:
    """The stored bytes, exactly as sent, and their hash."""
    letter = _readable_letter(uow, letter_id)
    return letter.pdf, letter.content_hash


def letter_html(uow: UnitOfWork, letter_id: uuid.UUID, heading_level: int = 1) -> str:
    """The letter as HTML; `heading_level` 2 for a page that has its own h1 around it."""
    letter = _readable_letter(uow, letter_id)
    return render_html(content_from_dict(letter.content), heading_level=heading_level)


def preview_vedtak(
    uow: UnitOfWork, behandling_id: uuid.UUID, language: Any, heading_level: int = 1
) -> dict[str, Any]:
    """The vedtak letter a proposal would give, for the caseworker and the approver to read
    before the decision is made. Nothing is stored. `heading_level` as in `letter_html`."""

    behandling = get_or_404(uow, Behandling, behandling_id, "behandling")
    sak = uow.session.get(Sak, behandling.sak_id)
    assert sak is not None
    person = access.check_case(
        uow, Access.READ_CASE, sak, object_type="behandling", object_id=behandling.id
    )
    if behandling.outcome not in ("granted", "rejected") or behandling.record_id is None:
        raise Conflict("the behandling has no determined outcome yet: assess it first")
    lang = language_or_default(language, person)
    draft = Vedtak(
        id=uuid.uuid4(),
        sak_id=sak.id,
        behandling_id=behandling.id,
        replaces_vedtak_id=behandling.revises_vedtak_id,
        outcome=behandling.outcome,
        automatic=False,
        decided_at=uow.now,
        effective_from=behandling.claim_date,
        proposed_by=behandling.proposed_by or uow.actor.id,
        approved_by=behandling.approved_by,
        ruleset_version=behandling.ruleset_version or "",
        facts=behandling.facts,
        record_id=behandling.record_id,
    )
    data = vedtak_letter_data(uow, draft, uow.now.date())
    data = _with_language(data, lang)
    return preview(build_letter(data), heading_level)


def _with_language(data: Any, language: str) -> Any:
    if data.common.language == language:
        return data
    common = dataclasses.replace(data.common, language=language)
    return dataclasses.replace(data, common=common)


def advance_notice(
    uow: UnitOfWork, behandling_id: uuid.UUID, body: dict[str, Any], *, send: bool
) -> dict[str, Any]:
    """Forhåndsvarsel (fvl. § 16): preview it, or send it (as a job, like every letter)."""

    behandling = get_or_404(uow, Behandling, behandling_id, "behandling")
    sak = uow.session.get(Sak, behandling.sak_id)
    assert sak is not None
    access.check_case(
        uow, Access.SEND_LETTER, sak, object_type="behandling", object_id=behandling.id
    )
    planned = free_text.checked(
        body.get("planned_decision"), "planned_decision", free_text.REASON, minimum=10
    )
    reason = free_text.checked(body.get("reason"), "reason", free_text.REASON, minimum=10)
    today = uow.now.date()
    deadline = deadlines.advance_notice_deadline(today).last_day
    payload = {
        "planned_decision": planned,
        "reason": reason,
        "deadline": deadline.isoformat(),
    }
    data, _sak, _person = advance_notice_data(uow, behandling, payload, today)
    if not send:
        return preview(build_letter(data))
    enqueue(
        uow,
        "send_letter",
        uow.now,
        letter="advance_notice",
        behandling_id=str(behandling.id),
        **payload,
    )
    uow.event(sak.id, behandling.id, "advance_notice_ordered", deadline=deadline.isoformat())
    return {"status": "queued", "deadline": deadline.isoformat()}
