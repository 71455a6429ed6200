"""The caseworker's and approver's page of one tilbakekreving: the feilutbetaling by period,
the varsel and the person's answer, the assessment form (the questions of ftrl. § 22-15 the
rules leave to a caseworker), the rules' result with each legal basis, and the forms to
propose, approve or return. Every form carries the version the page showed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from trygd.privacy.policy import Role
from trygd.services.errors import Conflict, Forbidden, InvalidInput
from trygd.web.forms import FormErrors, from_service_error, text
from trygd.web.i18n import N_, translator
from trygd.web.routes.staff_common import Form, has_role, service
from trygd.web.session import require_context
from trygd.web.templating import render, request_language

router = APIRouter(include_in_schema=False)

DONE = {
    "assessed": N_("The assessment is saved and the rules have run again."),
    "proposed": N_("The vedtak is proposed. It now waits for an approver."),
    "approved": N_("The vedtak is approved and made. The letter is being sent."),
    "returned": N_("The proposal is returned to the caseworker."),
}
FIELDS = {
    "grounds": "grounds",
    "culpability": "culpability",
    "knowledge_date": "knowledge_date",
    "reduction_percent": "reduction_percent",
    "in_hand_ore": "in_hand",
    "reason": "reason",
    "recovery_method": "recovery_method",
    "version": "reason",
}


def _render(
    request: Request,
    case_id: str,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    ctx = require_context(request)
    case = service(request).get_tilbakekreving(ctx, case_id)
    actor = ctx.actor
    answers = case.get("answers") or {}
    shown = (
        values
        if values is not None
        else {k: "" if v is None else str(v) for k, v in answers.items()}
    )
    if values is None and answers.get("in_hand_ore") is not None:
        shown["in_hand"] = str(int(answers["in_hand_ore"]) // 100)
    return render(
        request,
        "staff/tilbakekreving.html",
        status_code=400 if errors else 200,
        case=case,
        can_assess=has_role(actor, Role.CASEWORKER) and case["state"] == "assessing",
        can_approve=has_role(actor, Role.APPROVER) and case["state"] == "proposed",
        errors=errors or FormErrors(),
        values=shown,
        done=DONE.get(request.query_params.get("done") or ""),
        section="tasks",
    )


@router.get("/staff/tilbakekreving/{tilbakekreving_id}")
def tilbakekreving_page(request: Request, tilbakekreving_id: str) -> Response:
    return _render(request, tilbakekreving_id)


def _version(form: Any) -> int | None:
    raw = text(form, "version")
    return int(raw) if raw.isdigit() else None


def _act(
    request: Request, case_id: str, action: str, body: dict[str, Any], done: str, form: Any
) -> Response:
    ctx = require_context(request)
    tr = translator(request_language(request))
    try:
        service(request).tilbakekreving_action(ctx, action, case_id, body)
    except (InvalidInput, Conflict, Forbidden) as error:
        errors = from_service_error(
            error, FIELDS, "reason", tr.gettext("The change was not saved"), tr
        )
        values = {k: text(form, k) for k in form if isinstance(k, str)}
        return _render(request, case_id, errors, values)
    return RedirectResponse(f"/staff/tilbakekreving/{case_id}?done={done}", status_code=303)


def _whole(form: Any, name: str, errors: FormErrors, message: str) -> int | None:
    raw = text(form, name).replace(" ", "")
    if not raw:
        return None
    if not raw.isdigit():
        errors.add(name, message)
        return None
    return int(raw)


@router.post("/staff/tilbakekreving/{tilbakekreving_id}/assess")
def assess(request: Request, tilbakekreving_id: str, form: Form) -> Response:
    tr = translator(request_language(request))
    errors = FormErrors()
    reduction = _whole(
        form, "reduction_percent", errors, tr.gettext("Write a whole number from 0 to 100")
    )
    in_hand = _whole(form, "in_hand", errors, tr.gettext("Write the amount in whole kroner"))
    if len(text(form, "reason")) < 10:
        errors.add(
            "reason", tr.gettext("Write the reason for your assessment (at least 10 characters)")
        )
    if errors:
        values = {k: text(form, k) for k in form if isinstance(k, str)}
        return _render(request, tilbakekreving_id, errors, values)
    body = {
        "version": _version(form),
        "grounds": text(form, "grounds") or None,
        "culpability": text(form, "culpability") or None,
        "knowledge_date": text(form, "knowledge_date") or None,
        "reduction_percent": reduction,
        "in_hand_ore": None if in_hand is None else in_hand * 100,
        "reason": text(form, "reason"),
    }
    return _act(request, tilbakekreving_id, "assess", body, "assessed", form)


@router.post("/staff/tilbakekreving/{tilbakekreving_id}/propose")
def propose(request: Request, tilbakekreving_id: str, form: Form) -> Response:
    body = {"version": _version(form), "recovery_method": text(form, "recovery_method") or None}
    return _act(request, tilbakekreving_id, "propose", body, "proposed", form)


@router.post("/staff/tilbakekreving/{tilbakekreving_id}/approve")
def approve(request: Request, tilbakekreving_id: str, form: Form) -> Response:
    return _act(
        request, tilbakekreving_id, "approve", {"version": _version(form)}, "approved", form
    )


@router.post("/staff/tilbakekreving/{tilbakekreving_id}/return")
def return_proposal(request: Request, tilbakekreving_id: str, form: Form) -> Response:
    body = {"version": _version(form), "reason": text(form, "reason")}
    return _act(request, tilbakekreving_id, "return", body, "returned", form)
