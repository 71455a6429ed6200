"""Serviceklage: complaining about how NAV served you (waiting, rudeness, a lost document).

It is kept apart from a klage on a vedtak on every page: it changes no decision and no
deadline, and the page says so before the person writes. The list shows the person's own
complaints with the answers the units gave.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.services.errors import InvalidInput
from trygd.services.free_text import SERVICEKLAGE as MAX_TEXT
from trygd.services.serviceklager import MIN_TEXT
from trygd.web.forms import FormErrors, problem_text, text
from trygd.web.routes.citizen_common import page, service, t
from trygd.web.session import checked_form, require_context

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]


@router.get("/my/serviceklage")
def my_serviceklager(request: Request, sent: str = "") -> Response:
    context = require_context(request)
    svc = service(request)
    complaints = list(reversed(svc.list_serviceklager(context)["items"]))
    saker = {s["id"]: s for s in svc.list_own_cases(context, 50, 0)["items"]}
    received = next((c for c in complaints if c["id"] == sent), None)
    usual = svc.usual_serviceklage_answer_time(context) if received else None
    return page(
        request,
        "citizen/serviceklager.html",
        section="my",
        complaints=complaints,
        saker=saker,
        received=received,
        usual=usual,
    )


def _form_page(
    request: Request, values: dict[str, str], errors: FormErrors | None = None
) -> Response:
    context = require_context(request)
    saker: list[dict[str, Any]] = service(request).list_own_cases(context, 50, 0)["items"]
    return page(
        request,
        "citizen/serviceklage_new.html",
        status_code=400 if errors else 200,
        section="my",
        saker=saker,
        values=values,
        errors=errors or FormErrors(),
        max_text=MAX_TEXT,
    )


@router.get("/my/serviceklage/new")
def new_serviceklage(request: Request) -> Response:
    return _form_page(request, {})


@router.post("/my/serviceklage/new")
def send_serviceklage(request: Request, form: Form) -> Response:
    context = require_context(request)
    tr = t(request)
    values = {"text": text(form, "text"), "sak_id": text(form, "sak_id")}
    errors = FormErrors()
    if len(values["text"]) < MIN_TEXT:
        errors.add(
            "text",
            tr.gettext("Write what happened, in at least %(count)s characters", count=MIN_TEXT),
        )
    elif len(values["text"]) > MAX_TEXT:
        errors.add("text", tr.gettext("Write at most %(count)s characters", count=MAX_TEXT))
    if errors:
        return _form_page(request, values, errors)
    body: dict[str, Any] = {"text": values["text"]}
    if values["sak_id"]:
        body["sak_id"] = values["sak_id"]
    try:
        complaint = service(request).submit_serviceklage(context, body)
    except InvalidInput as error:
        for field, _problem in error.problems:
            if field == "sak_id":
                errors.add("sak_id", tr.gettext("Choose one of your cases, or none"))
            else:
                errors.add("text", problem_text(_problem, tr))
        return _form_page(request, values, errors)
    return RedirectResponse(f"/my/serviceklage?sent={complaint['id']}", status_code=303)
