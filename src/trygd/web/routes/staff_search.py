"""Find a person by identity number, for caseworkers and approvers.

The identity number is posted in the form body, never put in a URL (addresses end up in
logs and browser history). A purpose is required: the access point logs the search with it,
and the person can later see who looked them up and why.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from trygd.services.errors import InvalidInput, NotFound
from trygd.web.forms import FormErrors, problem_text, text
from trygd.web.i18n import translator
from trygd.web.routes.staff_common import LABELS, Form, service
from trygd.web.session import require_context
from trygd.web.templating import render, request_language

router = APIRouter(include_in_schema=False)

MIN_PURPOSE = 5


@router.get("/staff/search")
def search_page(request: Request) -> Response:
    require_context(request)
    return render(
        request,
        "staff/search.html",
        errors=FormErrors(),
        values={},
        labels=LABELS,
        section="search",
    )


@router.post("/staff/search")
def search(request: Request, form: Form) -> Response:
    ctx = require_context(request)
    t = translator(request_language(request))
    number = "".join(text(form, "identity_number").split())
    purpose = text(form, "purpose")
    errors = FormErrors()
    if not (len(number) == 11 and number.isdigit()):
        errors.add("identity_number", t.gettext("Write the identity number as 11 digits."))
    if len(purpose) < MIN_PURPOSE:
        errors.add(
            "purpose", t.gettext("Write why you search, for example the case you are working on.")
        )
    person = None
    if not errors:
        try:
            person = service(request).search_person(
                ctx, {"identity_number": number, "purpose": purpose}
            )
        except InvalidInput as error:
            for field, problem in error.problems:
                if field == "purpose":
                    errors.add("purpose", problem_text(problem, t))
                else:
                    errors.add(
                        "identity_number",
                        t.gettext(
                            "This is not a valid identity number. Check the digits and try again."
                        ),
                    )
        except NotFound:
            errors.add("identity_number", t.gettext("We found nobody with this identity number."))
    # On an error the typed number stays in its field (in the page body, which is never
    # cached, and never in a URL), so a missing purpose does not mean typing 11 digits again.
    # Once a person is found the field is emptied: the page shows the name, not the number.
    values = {"purpose": purpose}
    if errors:
        values["identity_number"] = text(form, "identity_number")
    return render(
        request,
        "staff/search.html",
        status_code=400 if errors else 200,
        errors=errors,
        values=values,
        person=person,
        labels=LABELS,
        section="search",
    )


@router.get("/staff/saker/{sak_id}")
def sak_page(request: Request, sak_id: str) -> Response:
    """A case opens at its latest behandling."""
    ctx = require_context(request)
    sak = service(request).get_sak(ctx, sak_id)
    behandlinger = sak["behandlinger"]
    if not behandlinger:
        return render(request, "common/error.html", status_code=404)
    return RedirectResponse(f"/staff/behandlinger/{behandlinger[-1]['id']}", status_code=303)
