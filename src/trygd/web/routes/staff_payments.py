"""Payments for caseworkers: a person's payment history (from the case page and the person
search), one payment with its period's corrections and the bank's answer, and the unit's
payments that are held or were rejected by the bank, each with its reason and task.

The same use cases as the API (`/api/v1/persons/{id}/payments`, `/api/v1/payment-problems`),
so the access checks and the audit records are the same: opening a person's payments is a
read of their data, the list of failed payments a read of the unit (like the task queue).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from trygd.web import payment_words as words
from trygd.web.routes.staff_common import LABELS, PAGE_SIZE, page_number, pagination, service
from trygd.web.session import require_context
from trygd.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/staff/persons/{person_id}/payments")
def person_payments(request: Request, person_id: str) -> Response:
    ctx = require_context(request)
    number = page_number(request.query_params.get("page"))
    found = service(request).person_payments(ctx, person_id, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    return render(
        request,
        "staff/payments.html",
        payments=found,
        words=words,
        labels=LABELS,
        paging=pagination(found.past_total, number, request.url.path, {}),
        section="search",
    )


@router.get("/staff/payments/{payment_id}")
def payment_page(request: Request, payment_id: str) -> Response:
    ctx = require_context(request)
    detail = service(request).get_payment(ctx, payment_id)
    return render(
        request, "staff/payment.html", detail=detail, words=words, labels=LABELS, section="search"
    )


@router.get("/staff/payment-problems")
def payment_problems(request: Request) -> Response:
    ctx = require_context(request)
    number = page_number(request.query_params.get("page"))
    found = service(request).payment_problems(ctx, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    return render(
        request,
        "staff/payment_problems.html",
        problems=found,
        words=words,
        labels=LABELS,
        paging=pagination(found.total, number, request.url.path, {}),
        section="payment_problems",
    )
