"""Requests under GDPR art. 15-22 for caseworkers: the unit's queue with each deadline as a
date, and the page of one request, where it is extended (once, within the first month, with a
reason the person is sent) or answered (the person gets the answer by letter).

The queue shows no names or texts, like the task queue; the page of one request is checked
and audited per person, and says when the person's processing is restricted (GDPR art. 18).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from trygd.services.errors import Conflict, InvalidInput
from trygd.services.privacy_requests import MIN_TEXT, OUTCOMES, legal_basis
from trygd.web.forms import FormErrors, from_service_error, text
from trygd.web.i18n import N_, translator
from trygd.web.routes.staff_common import LABELS, PAGE_SIZE, Form, page_number, pagination, service
from trygd.web.session import require_context
from trygd.web.templating import render, request_language

router = APIRouter(include_in_schema=False)

MAX_ANSWER = 20_000
KINDS = {
    "access": N_("Access to data"),
    "correction": N_("Correction"),
    "erasure": N_("Erasure"),
    "restriction": N_("Restriction"),
    "objection": N_("Objection"),
    "manual_review": N_("Manual review of an automatic decision"),
}
PROCESSING = {
    "statistics": N_("Statistics and analysis"),
    "development": N_("Developing services and systems"),
    "other": N_("Something else (see the text)"),
}
# The kinds of record an erasure speaks of (trygd.domain.erasure), as the pages name them.
ERASURE_CATEGORIES = {
    "unsent_applications": N_("Applications started but not sent"),
    "documents_of_unsent_applications": N_("Documents uploaded to applications not sent"),
    "unsent_meldekort": N_("Meldekort started but not sent"),
    "rejected_applications": N_("Text and answers of applications rejected long ago"),
    "documents_of_rejected_applications": N_("Documents of applications rejected long ago"),
    "sent_drafts_of_rejected_applications": N_("Saved answers of applications rejected long ago"),
    "applications": N_("Applications sent, with their documents"),
    "decisions": N_("Decisions"),
    "letters": N_("Letters"),
    "appeals": N_("Appeals"),
    "meldekort": N_("Meldekort sent"),
    "payments": N_("Payments"),
    "access_log_and_requests": N_("The log of who handled the data, and requests about it"),
}
OUTCOME_WORDS = {
    "granted": N_("Granted"),
    "partly": N_("Partly granted"),
    "refused": N_("Refused"),
}


@router.get("/staff/privacy-requests")
def queue(request: Request) -> Response:
    ctx = require_context(request)
    page = page_number(request.query_params.get("page"))
    found = service(request).unit_privacy_requests(ctx, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return render(
        request,
        "staff/privacy_requests.html",
        requests=found,
        paging=pagination(found["total"], page, request.url.path, {}),
        kinds=KINDS,
        outcomes=OUTCOME_WORDS,
        labels=LABELS,
        section="privacy",
    )


@router.get("/staff/privacy-requests/{privacy_request_id}")
def one(request: Request, privacy_request_id: str) -> Response:
    return _render(request, privacy_request_id)


def _render(
    request: Request,
    privacy_request_id: str,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    ctx = require_context(request)
    found = service(request).get_privacy_request(ctx, privacy_request_id)
    return render(
        request,
        "staff/privacy_request.html",
        status_code=400 if errors else 200,
        asked=found,
        errors=errors or FormErrors(),
        values=values or {},
        done=request.query_params.get("done", ""),
        kinds=KINDS,
        processing=PROCESSING,
        outcomes=OUTCOME_WORDS,
        outcome_values=OUTCOMES,
        restriction_basis=legal_basis("restriction"),
        categories=ERASURE_CATEGORIES,
        labels=LABELS,
        section="privacy",
    )


@router.post("/staff/privacy-requests/{privacy_request_id}/extend")
def extend(request: Request, privacy_request_id: str, form: Form) -> Response:
    """Extend by two months; the person gets a letter with the reason and the new date."""
    ctx = require_context(request)
    t = translator(request_language(request))
    reason = text(form, "reason")
    errors = FormErrors()
    if len(reason) < MIN_TEXT:
        errors.add(
            "reason",
            t.gettext(
                "Write why the answer needs more time, in at least %(min)s characters.",
                min=MIN_TEXT,
            ),
        )
        return _render(request, privacy_request_id, errors, {"reason": reason})
    try:
        service(request).extend_privacy_request(ctx, privacy_request_id, {"reason": reason})
    except InvalidInput as error:
        mapped = from_service_error(
            error, {"reason": "reason"}, "reason", t.gettext("The extension could not be sent"), t
        )
        return _render(request, privacy_request_id, mapped, {"reason": reason})
    except Conflict as error:
        errors.add("reason", t.gettext("The deadline cannot be extended: %(why)s", why=str(error)))
        return _render(request, privacy_request_id, errors, {"reason": reason})
    return RedirectResponse(
        f"/staff/privacy-requests/{privacy_request_id}?done=extended", status_code=303
    )


@router.post("/staff/privacy-requests/{privacy_request_id}/answer")
def answer(request: Request, privacy_request_id: str, form: Form) -> Response:
    """Answer the request; the person gets the answer as a letter."""
    ctx = require_context(request)
    t = translator(request_language(request))
    values = {"answer": text(form, "answer"), "outcome": text(form, "outcome")}
    erasing = text(form, "kind") == "erasure"
    if erasing:
        values = {"answer": values["answer"], "erase": text(form, "erase")}
    errors = FormErrors()
    if erasing and values["erase"] not in ("yes", "no"):
        errors.add("erase", t.gettext("Choose whether to erase what may be erased."))
    if not erasing and values["outcome"] not in OUTCOMES:
        errors.add("outcome", t.gettext("Choose the outcome."))
    if not MIN_TEXT <= len(values["answer"]) <= MAX_ANSWER:
        errors.add(
            "answer",
            t.gettext(
                "Write the answer to the person, in %(min)s to %(max)s characters.",
                min=MIN_TEXT,
                max=MAX_ANSWER,
            ),
        )
    if errors:
        return _render(request, privacy_request_id, errors, values)
    body: dict[str, object] = dict(values)
    if erasing:
        body = {"answer": values["answer"], "erase": values["erase"] == "yes"}
    try:
        service(request).answer_privacy_request(ctx, privacy_request_id, body)
    except InvalidInput as error:
        mapped = from_service_error(
            error,
            {"answer": "answer", "outcome": "outcome", "erase": "erase"},
            "answer",
            t.gettext("The answer could not be sent"),
            t,
        )
        return _render(request, privacy_request_id, mapped, values)
    return RedirectResponse(
        f"/staff/privacy-requests/{privacy_request_id}?done=answered", status_code=303
    )
