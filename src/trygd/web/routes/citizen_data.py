"""Your data: who has looked at your data, when and why; and all of it as JSON or PDF."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from trygd.web.routes.citizen_common import page, service
from trygd.web.session import require_context
from trygd.web.templating import request_language

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


@router.get("/my/data")
def my_data(request: Request, page_number: int = 1) -> Response:
    context = require_context(request)
    number = max(page_number, 1)
    log = service(request).access_log(context, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    pages = max((log["total"] + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return page(request, "citizen/data.html", section="data", log=log, number=number, pages=pages)


@router.get("/my/data/export.json")
def export_json(request: Request) -> Response:
    context = require_context(request)
    data = service(request).export_own_data(context, request_language(request))
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="trygd-my-data.json"'},
    )


@router.get("/my/data/export.pdf")
def export_pdf(request: Request) -> Response:
    context = require_context(request)
    pdf = service(request).export_own_data_pdf(context, request_language(request))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": 'attachment; filename="trygd-my-data.pdf"'},
    )
