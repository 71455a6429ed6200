"""Your account number and tax card: where your payments go and how much tax is withheld.

A person gives the account their payments go to here (as on nav.no); NAV pays nothing until
it has one. The tax card is shown as Skatteetaten sent it, with the rate withheld when there
is none (a parameter, with its § shown, never a number in the template).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.domain.tax import tax_rules
from trygd.rules import formatting
from trygd.rules.assessment import default_ruleset
from trygd.services.errors import InvalidInput
from trygd.web.forms import FormErrors, text
from trygd.web.routes.citizen_common import page, service, t, today
from trygd.web.session import checked_form, require_context
from trygd.web.templating import request_language

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]
DEFAULT_RATE = "payments.default_withholding_rate"
MAX_ACCOUNT_TYPED = 64
BBAN_DIGITS = 11


def account_for_reading(account: str | None) -> str | None:
    """8601 11 17947 as banks print it; an IBAN in groups of four."""
    if not account:
        return None
    if account.isdigit() and len(account) == BBAN_DIGITS:
        return f"{account[:4]} {account[4:6]} {account[6:]}"
    return " ".join(account[i : i + 4] for i in range(0, len(account), 4))


def _tax_card(request: Request, details: dict[str, Any]) -> dict[str, Any]:
    """What the page says about the tax card, with every number from the card or a parameter."""
    language = request_language(request)
    card = details.get("tax_card")
    rules = tax_rules(today(request))
    parameter = default_ruleset().parameters[DEFAULT_RATE]
    default = {
        "rate": formatting.percent(float(rules.default_rate), language),
        "basis": parameter.legal_basis,
    }
    if not card or card.get("kind") == "none":
        return {"kind": "none", "default": default, "year": details.get("tax_card_year")}
    shown: dict[str, Any] = {"kind": card["kind"], "year": details.get("tax_card_year")}
    if card.get("percentage") is not None:
        ratio = Decimal(str(card["percentage"])) / 100
        shown["percentage"] = formatting.percent(float(ratio), language)
    shown["table_number"] = card.get("table_number")
    return shown


def _page(
    request: Request,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    saved: bool = False,
) -> Response:
    context = require_context(request)
    details = service(request).own_payment_details(context)
    return page(
        request,
        "citizen/account.html",
        status_code=400 if errors else 200,
        section="my",
        account=account_for_reading(details["account_number"]),
        source=details["account_source"],
        changed=details["updated_at"],
        tax=_tax_card(request, details),
        values=values or {},
        errors=errors or FormErrors(),
        saved=saved,
        max_account=MAX_ACCOUNT_TYPED,
    )


@router.get("/my/account")
def my_account(request: Request, saved: str = "") -> Response:
    return _page(request, saved=saved == "1")


@router.post("/my/account")
def change_account(request: Request, form: Form) -> Response:
    context = require_context(request)
    tr = t(request)
    typed = text(form, "account_number")
    errors = FormErrors()
    if not typed:
        errors.add("account_number", tr.gettext("Write your account number"))
    elif len(typed) > MAX_ACCOUNT_TYPED:
        errors.add(
            "account_number",
            tr.gettext("Write at most %(count)s characters", count=MAX_ACCOUNT_TYPED),
        )
    if not errors:
        try:
            service(request).change_own_account(context, {"account_number": typed})
        except InvalidInput:
            errors.add(
                "account_number",
                tr.gettext(
                    "This is not a valid account number. Write the 11 digits of a Norwegian "
                    "account, or the IBAN of an account abroad."
                ),
            )
    if errors:
        return _page(request, {"account_number": typed}, errors)
    return RedirectResponse("/my/account?saved=1", status_code=303)
