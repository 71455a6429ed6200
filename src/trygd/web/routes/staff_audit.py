"""The audit trail for internal control (auditors).

Reading the trail is itself audited, with the auditor's purpose, so the page asks for the
purpose before it shows anything. The filter is the one the API offers: one person (by the
person's id in trygd, never the identity number). The form is a GET form, so a page of
results can be bookmarked and paged; nothing in its address identifies a person directly.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from trygd.web.forms import FormErrors
from trygd.web.i18n import translator
from trygd.web.routes.staff_common import (
    LABELS,
    PAGE_SIZE,
    page_number,
    pagination,
    service,
)
from trygd.web.session import require_context
from trygd.web.templating import render, request_language

router = APIRouter(include_in_schema=False)


@router.get("/staff/audit")
def audit(request: Request) -> Response:
    ctx = require_context(request)
    t = translator(request_language(request))
    params = request.query_params
    purpose = (params.get("purpose") or "").strip()
    person_id = (params.get("person_id") or "").strip()
    asked = "purpose" in params
    errors = FormErrors()
    if asked and not purpose:
        errors.add("purpose", t.gettext("Write why you read the audit trail."))
    if person_id:
        try:
            uuid.UUID(person_id)
        except ValueError:
            errors.add(
                "person_id",
                t.gettext("Write the person's id in trygd, like 3f2b…-…, or leave it empty."),
            )
    trail = None
    paging = None
    if asked and not errors:
        page = page_number(params.get("page"))
        trail = service(request).audit_trail(
            ctx, person_id or None, purpose, PAGE_SIZE, (page - 1) * PAGE_SIZE
        )
        query = {"purpose": purpose, "person_id": person_id}
        paging = pagination(trail["total"], page, "/staff/audit", query)
    return render(
        request,
        "staff/audit.html",
        status_code=400 if errors else 200,
        errors=errors,
        purpose=purpose,
        person_id=person_id,
        trail=trail,
        paging=paging,
        labels=LABELS,
        section="audit",
    )
