"""Pages for caseworkers, approvers, NAV Klageinstans and auditors."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from trygd.web.session import require_context
from trygd.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/staff")
def staff_home(request: Request) -> Response:
    require_context(request)
    return RedirectResponse("/staff/tasks", status_code=303)


@router.get("/staff/tasks")
def tasks(request: Request) -> Response:
    require_context(request)
    return render(request, "staff/tasks.html")
