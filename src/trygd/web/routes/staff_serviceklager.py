"""Serviceklager for caseworkers: the list of the unit's complaints, and the page to answer one.

A serviceklage is about how NAV served the person, not about a vedtak: the answer goes to the
person as a letter (the service queues it), and no case or deadline changes. The list shows
no names or texts, like the task queue; the page of one complaint is checked per person.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from trygd.services.errors import InvalidInput
from trygd.web.forms import FormErrors, from_service_error, text
from trygd.web.i18n import translator
from trygd.web.routes.staff_common import LABELS, PAGE_SIZE, Form, page_number, pagination, service
from trygd.web.session import require_context
from trygd.web.templating import render, request_language

router = APIRouter(include_in_schema=False)

MIN_ANSWER = 10  # the service's minimum for the answer
MAX_ANSWER = 20_000


@router.get("/staff/serviceklager")
def serviceklager(request: Request) -> Response:
    ctx = require_context(request)
    page = page_number(request.query_params.get("page"))
    found = service(request).unit_serviceklager(ctx, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return render(
        request,
        "staff/serviceklager.html",
        complaints=found,
        paging=pagination(found["total"], page, request.url.path, {}),
        labels=LABELS,
        section="serviceklager",
    )


@router.get("/staff/serviceklager/{complaint_id}")
def serviceklage(request: Request, complaint_id: str) -> Response:
    return _render(request, complaint_id)


def _render(
    request: Request,
    complaint_id: str,
    errors: FormErrors | None = None,
    answer: str = "",
) -> Response:
    ctx = require_context(request)
    complaint = service(request).get_serviceklage(ctx, complaint_id)
    return render(
        request,
        "staff/serviceklage.html",
        status_code=400 if errors else 200,
        complaint=complaint,
        errors=errors or FormErrors(),
        answer=answer,
        done=request.query_params.get("done") == "answered",
        labels=LABELS,
        section="serviceklager",
    )


@router.post("/staff/serviceklager/{complaint_id}/answer")
def answer(request: Request, complaint_id: str, form: Form) -> Response:
    """Answer the complaint; the person gets the answer as a letter."""
    ctx = require_context(request)
    t = translator(request_language(request))
    written = text(form, "answer")
    errors = FormErrors()
    if not MIN_ANSWER <= len(written) <= MAX_ANSWER:
        errors.add(
            "answer",
            t.gettext(
                "Write the answer to the person, in %(min)s to %(max)s characters.",
                min=MIN_ANSWER,
                max=MAX_ANSWER,
            ),
        )
        return _render(request, complaint_id, errors, written)
    try:
        service(request).answer_serviceklage(ctx, complaint_id, {"answer": written})
    except InvalidInput as error:
        mapped = from_service_error(
            error, {"answer": "answer"}, "answer", t.gettext("The answer could not be sent"), t
        )
        return _render(request, complaint_id, mapped, written)
    return RedirectResponse(f"/staff/serviceklager/{complaint_id}?done=answered", status_code=303)
