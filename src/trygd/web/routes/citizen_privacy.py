"""Your rights under GDPR art. 15-22: ask for more of your data, a correction, erasure (with
what can be erased and what we must keep, and why, shown before you ask), a restriction, to
object, or for a caseworker to look at an automatic decision; and see each request with its
status and the date we must answer by (one month, GDPR art. 12(3); the date comes from the
deadline module through the service, never from the page)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.services.errors import Conflict, InvalidInput
from trygd.services.free_text import DESCRIPTION as MAX_TEXT
from trygd.services.privacy_requests import KINDS, MIN_TEXT, OBJECTION_PROCESSING, TEXT_OPTIONAL
from trygd.web.forms import FormErrors, problem_text, text
from trygd.web.i18n import N_
from trygd.web.routes.citizen_common import page, service, t
from trygd.web.routes.staff_privacy import ERASURE_CATEGORIES
from trygd.web.session import checked_form, require_context

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]

TITLES = {
    "access": N_("Ask for a copy of more of your data"),
    "correction": N_("Ask us to correct your data"),
    "erasure": N_("Ask us to erase your data"),
    "restriction": N_("Ask us to restrict how we use your data"),
    "objection": N_("Object to how we use your data"),
    "manual_review": N_("Ask a caseworker to look at an automatic decision"),
}
KIND_NAMES = {
    "access": N_("Copy of your data"),
    "correction": N_("Correction"),
    "erasure": N_("Erasure"),
    "restriction": N_("Restriction"),
    "objection": N_("Objection"),
    "manual_review": N_("Manual review of an automatic decision"),
}


def _automatic_vedtak(request: Request) -> list[dict[str, Any]]:
    """The person's automatic decisions, newest first, for the manual review form."""
    context = require_context(request)
    svc = service(request)
    found: list[dict[str, Any]] = []
    for sak in svc.list_own_cases(context, 50, 0)["items"]:
        for vedtak in svc.get_sak(context, sak["id"])["vedtak"]:
            if vedtak.get("automatic"):
                found.append({**vedtak, "benefit": sak["benefit"]})
    return sorted(found, key=lambda v: v["decided_at"], reverse=True)


@router.get("/my/privacy-requests")
def my_requests(request: Request, sent: str = "") -> Response:
    context = require_context(request)
    mine = service(request).list_privacy_requests(context)
    received = next((r for r in mine["items"] if r["id"] == sent), None)
    return page(
        request,
        "citizen/privacy_requests.html",
        section="data",
        requests=mine["items"],
        restricted=mine["restricted"],
        received=received,
        kind_names=KIND_NAMES,
        kinds=KINDS,
        categories=ERASURE_CATEGORIES,
        titles=TITLES,
    )


def _form_page(
    request: Request, kind: str, values: dict[str, str], errors: FormErrors | None = None
) -> Response:
    return page(
        request,
        "citizen/privacy_request_new.html",
        status_code=400 if errors else 200,
        section="data",
        kind=kind,
        title=TITLES[kind],
        values=values,
        errors=errors or FormErrors(),
        max_text=MAX_TEXT,
        processing=OBJECTION_PROCESSING,
        vedtak=_automatic_vedtak(request) if kind == "manual_review" else [],
        text_optional=kind in TEXT_OPTIONAL,
        erasure=(
            service(request).erasure_overview(require_context(request))
            if kind == "erasure"
            else None
        ),
        categories=ERASURE_CATEGORIES,
    )


def _kind(raw: str | None) -> str:
    return raw if raw in KINDS else "correction"


@router.get("/my/privacy-requests/new")
def new_request(request: Request, kind: str = "correction", vedtak_id: str = "") -> Response:
    return _form_page(request, _kind(kind), {"vedtak_id": vedtak_id})


@router.post("/my/privacy-requests/new")
def send_request(request: Request, form: Form) -> Response:
    context = require_context(request)
    tr = t(request)
    kind = _kind(text(form, "kind"))
    values = {
        "text": text(form, "text"),
        "processing": text(form, "processing"),
        "vedtak_id": text(form, "vedtak_id"),
    }
    errors = FormErrors()
    length = len(values["text"])
    if kind not in TEXT_OPTIONAL and length < MIN_TEXT:
        errors.add(
            "text",
            tr.gettext("Write what you ask for, in at least %(count)s characters", count=MIN_TEXT),
        )
    elif length > MAX_TEXT:
        errors.add("text", tr.gettext("Write at most %(count)s characters", count=MAX_TEXT))
    if kind == "objection" and values["processing"] not in OBJECTION_PROCESSING:
        errors.add("processing", tr.gettext("Choose what you object to"))
    if kind == "manual_review" and not values["vedtak_id"]:
        errors.add("vedtak_id", tr.gettext("Choose the decision a caseworker should look at"))
    if errors:
        return _form_page(request, kind, values, errors)
    body: dict[str, Any] = {"kind": kind, "text": values["text"]}
    if kind == "objection":
        body["processing"] = values["processing"]
    if kind == "manual_review":
        body["vedtak_id"] = values["vedtak_id"]
    try:
        made = service(request).submit_privacy_request(context, body)
    except InvalidInput as error:
        for field, problem in error.problems:
            if field == "vedtak_id":
                errors.add("vedtak_id", tr.gettext("Choose one of your automatic decisions"))
            elif field == "processing":
                errors.add("processing", tr.gettext("Choose what you object to"))
            else:
                errors.add("text", problem_text(problem, tr))
        return _form_page(request, kind, values, errors)
    except Conflict:
        errors.add(
            "text",
            tr.gettext(
                "You already have a request of this kind that we have not answered."
                " We answer it first; you can see it under Your requests."
            ),
        )
        return _form_page(request, kind, values, errors)
    return RedirectResponse(f"/my/privacy-requests?sent={made['id']}", status_code=303)
