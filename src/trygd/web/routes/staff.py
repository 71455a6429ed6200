"""Pages for caseworkers, approvers, NAV Klageinstans and auditors.

This module holds the start of the staff area and the task queue; the case page, person
search, klage pages, serviceklager and audit trail live in `staff_*.py` and are included
here, so the site mounts one router for all staff pages. Every page calls the same
`CaseService` methods as the JSON API, so the access checks and the audit trail are the same
whichever way in.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from trygd.privacy.policy import STAFF_ROLES, Role, task_kinds_for
from trygd.services.errors import Forbidden
from trygd.web.routes.common import home_of
from trygd.web.routes.staff_audit import router as audit_router
from trygd.web.routes.staff_case import router as case_router
from trygd.web.routes.staff_common import (
    BENEFITS,
    LABELS,
    PAGE_SIZE,
    TASK_KINDS,
    Form,
    page_number,
    pagination,
    service,
)
from trygd.web.routes.staff_klage import router as klage_router
from trygd.web.routes.staff_payments import router as payments_router
from trygd.web.routes.staff_privacy import router as privacy_router
from trygd.web.routes.staff_search import router as search_router
from trygd.web.routes.staff_serviceklager import router as serviceklager_router
from trygd.web.routes.staff_tilbakekreving import router as tilbakekreving_router
from trygd.web.session import require_context
from trygd.web.templating import render


def staff_only(request: Request) -> None:
    """Every staff page, whatever it shows, is for employees only: a citizen signed in to
    their own case must not open the caseworker's view of it (403)."""
    ctx = require_context(request)
    if not ctx.actor.roles & STAFF_ROLES:
        raise Forbidden("the staff pages are for NAV employees")


router = APIRouter(include_in_schema=False, dependencies=[Depends(staff_only)])
router.include_router(case_router)
router.include_router(search_router)
router.include_router(klage_router)
router.include_router(audit_router)
router.include_router(serviceklager_router)
router.include_router(privacy_router)
router.include_router(payments_router)
router.include_router(tilbakekreving_router)


@router.get("/staff")
def staff_home(request: Request) -> Response:
    """Each role starts where its work is: the queue, Klageinstans' queue or the audit trail."""
    ctx = require_context(request)
    return RedirectResponse(home_of(ctx.actor.roles), status_code=303)


def _queue_page(request: Request, *, fixed_kind: str | None, template: str) -> Response:
    ctx = require_context(request)
    params = request.query_params
    # The filter offers (and takes) only the kinds of task the caller may do: the queue never
    # lists the others (an approval is not a caseworker's task).
    allowed = task_kinds_for(ctx.actor)
    kinds = {code: label for code, label in TASK_KINDS.items() if code in allowed}
    kind = fixed_kind or (params.get("kind") if params.get("kind") in kinds else None)
    benefit = params.get("benefit") if params.get("benefit") in BENEFITS else None
    page = page_number(params.get("page"))
    queue = service(request).queue(ctx, kind, benefit, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    query = {"kind": "" if fixed_kind else (kind or ""), "benefit": benefit or ""}
    return render(
        request,
        template,
        queue=queue,
        kind=kind,
        kinds=kinds,
        benefit=benefit,
        paging=pagination(queue["total"], page, request.url.path, query),
        labels=LABELS,
        section="klageinstans" if fixed_kind else "tasks",
    )


@router.get("/staff/tasks")
def tasks(request: Request) -> Response:
    """The unit's open tasks, oldest first, filtered by kind and benefit (a GET form)."""
    return _queue_page(request, fixed_kind=None, template="staff/tasks.html")


@router.get("/klageinstans")
def klageinstans(request: Request) -> Response:
    """NAV Klageinstans: the appeals sent to the caller's unit."""
    ctx = require_context(request)
    if Role.APPEALS not in ctx.actor.roles:
        return RedirectResponse("/staff/tasks", status_code=303)
    return _queue_page(request, fixed_kind="klageinstans", template="staff/klageinstans.html")


@router.post("/staff/tasks/{task_id}/claim")
def claim(request: Request, task_id: str, form: Form) -> Response:
    """Take the task and go straight to its case."""
    ctx = require_context(request)
    claimed = service(request).claim_task(ctx, task_id)
    return RedirectResponse(f"/staff/behandlinger/{claimed['behandling_id']}", status_code=303)
