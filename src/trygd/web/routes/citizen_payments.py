"""The person's payments: what is coming (planned or held back, and why), what was paid,
and one payment in detail (before tax, tax withheld, paid out; the rule that gave the amount
with its legal basis; the corrections of the period).

The pages call the same use cases as the API (`GET /api/v1/payments`), which read what the
payment run stored and the stored decision records; every amount is whole øre, written in
kroner by `formatting.kroner_from_ore`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from trygd.web import payment_words as words
from trygd.web.routes.citizen_common import check_assurance, page, service
from trygd.web.routes.staff_common import PAGE_SIZE, page_number, pagination
from trygd.web.session import require_context

router = APIRouter(include_in_schema=False)


@router.get("/my/payments")
def my_payments(request: Request) -> Response:
    context = require_context(request)
    number = page_number(request.query_params.get("page"))
    found = service(request).own_payments(context, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    return page(
        request,
        "citizen/payments.html",
        section="payments",
        payments=found,
        words=words,
        paging=pagination(found.past_total, number, "/my/payments", {}),
    )


@router.get("/my/payments/{payment_id}")
def my_payment(request: Request, payment_id: str) -> Response:
    context = require_context(request)
    detail = service(request).get_payment(context, payment_id)
    check_assurance(request, context, detail.payment.benefit)
    return page(request, "citizen/payment.html", section="payments", detail=detail, words=words)
