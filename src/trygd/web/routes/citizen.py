"""Pages for citizens: the benefit guide, applying, my cases, letters, appeals and my data."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from trygd.web.session import require_context
from trygd.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/my")
def my_page(request: Request) -> Response:
    require_context(request)
    return render(request, "citizen/my.html")
