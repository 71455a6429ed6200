"""The person's tilbakekreving: the forhåndsvarsel (how much, for which periods, why, and by
when to comment), the answer form, the vedtak with its reasons and klage deadline, and the
balance with each set-off. The same use cases as `GET /api/v1/tilbakekrevinger/{id}`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.services.errors import Conflict, InvalidInput
from trygd.web.forms import FormErrors, problem_text, text
from trygd.web.routes.citizen_common import check_assurance, page, service, t
from trygd.web.session import checked_form, require_context

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]


def _page(
    request: Request, case: dict[str, Any], values: dict[str, str], errors: FormErrors, **more: Any
) -> Response:
    return page(
        request,
        "citizen/tilbakekreving.html",
        status_code=400 if errors else 200,
        section="cases",
        case=case,
        values=values,
        errors=errors,
        **more,
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
