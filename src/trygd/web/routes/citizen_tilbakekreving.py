"""The person's tilbakekreving: the forhåndsvarsel (how much, for which periods, why, and by
when to comment), the answer form, the vedtak with its reasons and klage deadline, and the
balance with each set-off. The same use cases as `GET /api/v1/tilbakekrevinger/{id}`.

The vedtak is appealed through the same klage form as any vedtak
(`/my/tilbakekreving/{id}/klage`, `POST /api/v1/klager` with `tilbakekreving_id`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.services.errors import Conflict, InvalidInput
from trygd.web.forms import FormErrors, problem_text, text
from trygd.web.routes.citizen_cases import KlageTarget, klage_page, send_klage_form
from trygd.web.routes.citizen_common import check_assurance, page, service, t
from trygd.web.session import checked_form, require_context

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]


def _page(
    request: Request, case: dict[str, Any], values: dict[str, str], errors: FormErrors, **more: Any
) -> Response:
    context = require_context(request)
    klager = service(request).list_klager(context, case["sak_id"])["items"]
    klage = next(
        (k for k in klager if k["tilbakekreving_id"] == case["id"] and k["state"] != "closed"),
        None,
    )
    return page(
        request,
        "citizen/tilbakekreving.html",
        status_code=400 if errors else 200,
        section="cases",
        case=case,
        klage=klage,
        values=values,
        errors=errors,
        **more,
    )


def _target(case: dict[str, Any]) -> KlageTarget:
    return KlageTarget(
        {"tilbakekreving_id": case["id"]},
        case["benefit"],
        case["klage_terms"],
        f"/my/tilbakekreving/{case['id']}",
        f"/my/tilbakekreving/{case['id']}/klage",
        recovery=True,
    )


@router.get("/my/tilbakekreving/{tilbakekreving_id}")
def my_tilbakekreving(request: Request, tilbakekreving_id: str) -> Response:
    context = require_context(request)
    case = service(request).get_tilbakekreving(context, tilbakekreving_id)
    check_assurance(request, context, case["benefit"])
    return _page(request, case, {}, FormErrors())


@router.post("/my/tilbakekreving/{tilbakekreving_id}")
def answer_varsel(request: Request, tilbakekreving_id: str, form: Form) -> Response:
    context = require_context(request)
    svc = service(request)
    case = svc.get_tilbakekreving(context, tilbakekreving_id)
    tr = t(request)
    errors = FormErrors()
    comment = text(form, "comment")
    if not comment:
        errors.add("comment", tr.gettext("Write what you want to tell us about the amount"))
    if not errors:
        try:
            svc.tilbakekreving_action(context, "answer", tilbakekreving_id, {"comment": comment})
        except InvalidInput as error:
            for _field, problem in error.problems:
                errors.add("comment", problem_text(problem, tr))
        except Conflict:
            errors.add("comment", tr.gettext("You can no longer answer this advance notice."))
    if errors:
        return _page(request, case, {"comment": comment}, errors)
    return RedirectResponse(f"/my/tilbakekreving/{tilbakekreving_id}?answered=1", status_code=303)


@router.get("/my/tilbakekreving/{tilbakekreving_id}/klage")
def new_klage(request: Request, tilbakekreving_id: str) -> Response:
    context = require_context(request)
    case = service(request).get_tilbakekreving(context, tilbakekreving_id)
    check_assurance(request, context, case["benefit"])
    if case["klage_terms"] is None:  # no vedtak yet: the varsel is answered on the case page
        return RedirectResponse(f"/my/tilbakekreving/{tilbakekreving_id}", status_code=303)
    return klage_page(request, _target(case), {}, FormErrors())


@router.post("/my/tilbakekreving/{tilbakekreving_id}/klage")
async def send_klage(request: Request, tilbakekreving_id: str, form: Form) -> Response:
    context = require_context(request)
    case = service(request).get_tilbakekreving(context, tilbakekreving_id)
    check_assurance(request, context, case["benefit"])
    if case["klage_terms"] is None:
        return RedirectResponse(f"/my/tilbakekreving/{tilbakekreving_id}", status_code=303)
    return await send_klage_form(request, context, _target(case), form)
