"""Pages for citizens: your page, applying, your cases, letters, appeals and your data.

The pages call the same `CaseService` use cases as the JSON API, so a citizen sees exactly
what the services allow (only their own data) and every read is audited. The areas live in
their own modules (`citizen_apply`, `citizen_cases`, `citizen_change`,
`citizen_serviceklage`, `citizen_guide`, `citizen_data`, `citizen_privacy`); this one has the
overview and joins their routers.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from trygd.web.routes import (
    citizen_account,
    citizen_apply,
    citizen_cases,
    citizen_change,
    citizen_data,
    citizen_guide,
    citizen_meldekort,
    citizen_payments,
    citizen_privacy,
    citizen_serviceklage,
    citizen_tilbakekreving,
)
from trygd.web.routes.citizen_cases import case_overview
from trygd.web.routes.citizen_common import page, service
from trygd.web.session import require_context

router = APIRouter(include_in_schema=False)
router.include_router(citizen_apply.router)
router.include_router(citizen_cases.router)
router.include_router(citizen_change.router)
router.include_router(citizen_serviceklage.router)
router.include_router(citizen_guide.router)
router.include_router(citizen_data.router)
router.include_router(citizen_privacy.router)
router.include_router(citizen_meldekort.router)
router.include_router(citizen_payments.router)
router.include_router(citizen_tilbakekreving.router)
router.include_router(citizen_account.router)


@router.get("/my")
def my_page(request: Request) -> Response:
    """The overview: what needs the person's attention first, then what is going on."""
    context = require_context(request)
    svc = service(request)
    saker = svc.list_own_cases(context, 50, 0)["items"]
    cases: list[dict[str, Any]] = [case_overview(request, context, s["id"]) for s in saker]
    requests = [r for c in cases for r in c["open_requests"]]
    letters = sorted(
        (x for c in cases for x in c["letters"]), key=lambda x: x["sent_at"], reverse=True
    )[:5]
    klager = [k for c in cases for k in c["klager"] if k["state"] != "closed"]
    drafts = svc.list_drafts(context)["items"]
    payments = svc.own_payments(context, 1, 0)
    return page(
        request,
        "citizen/my.html",
        section="my",
        cases=cases,
        requests=requests,
        letters=letters,
        klager=klager,
        drafts=drafts,
        payments=payments,
    )
