"""Meldekort pages: the person's cards, filling one in, checking the answers, the receipt
with the calculation explained day by day, corrections and the history of versions.

The pages call the same `CaseService` use cases as the API (`/api/v1/meldekort`); the
answers are kept as a draft at the check step, so nothing typed is lost. The hours limit
and step shown in the hints come from the parameters (`meldekort.max_hours_per_day`,
`meldekort.hours_step`), and each day's § from the legal bases registry via the result.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.domain import meldekort as domain
from trygd.services.errors import Conflict, InvalidInput, NotFound
from trygd.web.forms import FormErrors, text
from trygd.web.i18n import Translator
from trygd.web.routes.citizen_common import check_assurance, page, service, t
from trygd.web.session import checked_form, require_context

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]
_DAY_FIELD = re.compile(r"days\[(\d+)\]\.(\w+)")


def _url(sak_id: str, period_start: str, tail: str = "") -> str:
    return f"/my/meldekort/{sak_id}/{period_start}{tail}"


def _limits(period_start: str) -> dict[str, float]:
    p = domain.parameters_on(_period(period_start).start)
    return {"max_hours": p.max_hours_per_day, "hours_step": p.hours_step}


def _period(period_start: str) -> domain.Meldeperiode:
    """The period an address names; "not found" (a page, not a field error) for a day no
    meldeperiode starts on."""
    try:
        return domain.Meldeperiode.starting(dt.date.fromisoformat(period_start))
    except ValueError:
        raise NotFound("no such meldeperiode") from None


def _answers_from_form(form: FormData) -> dict[str, Any]:
    days = []
    for index in range(domain.DAYS_IN_PERIOD):
        days.append(
            {
                "hours_worked": text(form, f"hours_{index}") or None,
                "sick": text(form, f"sick_{index}") == "yes",
                "absent": text(form, f"absent_{index}") == "yes",
                "tiltak": text(form, f"tiltak_{index}") == "yes",
            }
        )
    seeker = text(form, "still_job_seeker")
    body: dict[str, Any] = {"days": days}
    if seeker in ("yes", "no"):
        body["still_job_seeker"] = seeker == "yes"
    reason = text(form, "correction_reason")
    if reason:
        body["correction_reason"] = reason
    return body


def _errors(error: InvalidInput, tr: Translator, limits: dict[str, float]) -> FormErrors:
    """The service's problems as the form's fields, in the person's language."""
    errors = FormErrors()
    for field, _problem in error.problems:
        match = _DAY_FIELD.fullmatch(field)
        if match and match.group(2) == "hours_worked" and "same day" in _problem:
            errors.add(
                f"hours_{match.group(1)}",
                tr.gettext("You cannot give work on a day you were sick or away"),
            )
        elif match and match.group(2) == "hours_worked":
            errors.add(
                f"hours_{match.group(1)}",
                tr.gettext(
                    "Give the hours in whole or half hours, at most %(max)s",
                    max=f"{limits['max_hours']:g}",
                ),
            )
        elif match:
            errors.add(
                f"absent_{match.group(1)}",
                tr.gettext("A day cannot be both sick and away"),
            )
        elif field == "still_job_seeker":
            errors.add(
                "still_job_seeker",
                tr.gettext("Answer whether you still want to be registered as a job seeker"),
            )
        elif field == "correction_reason":
            errors.add("correction_reason", tr.gettext("Write why you correct the meldekort"))
        else:
            errors.add("hours_0", tr.gettext("Check the answers"))
    return errors


def _form(
    request: Request,
    card: dict[str, Any],
    answers: dict[str, Any] | None,
    errors: FormErrors | None = None,
    *,
    correction: bool = False,
) -> Response:
    return page(
        request,
        "citizen/meldekort_form.html",
        status_code=400 if errors else 200,
        section="meldekort",
        card=card,
        answers=answers or {},
        errors=errors or FormErrors(),
        correction=correction,
        limits=_limits(card["period_start"]),
    )


@router.get("/my/meldekort")
def my_meldekort(request: Request) -> Response:
    context = require_context(request)
    items = service(request).list_meldekort(context)["items"]
    return page(
        request,
        "citizen/meldekort_list.html",
        section="meldekort",
        to_send=[i for i in items if i["state"] in ("open", "overdue")],
        sent=[i for i in items if i["state"] == "sent"],
        coming=[i for i in items if i["state"] == "not_open_yet"],
    )


@router.get("/my/meldekort/{sak_id}/{period_start}")
def meldekort_page(request: Request, sak_id: str, period_start: str) -> Response:
    """A sent card: the receipt and calculation; an open one: the form."""
    context = require_context(request)
    _period(period_start)
    card = service(request).get_meldekort(context, sak_id, period_start)
    check_assurance(request, context, card["benefit"])  # an AAP card tells of illness
    if card["versions"]:
        return page(request, "citizen/meldekort_sent.html", section="meldekort", card=card)
    draft = card["draft"]["answers"] if card["draft"] else None
    return _form(request, card, draft)


@router.post("/my/meldekort/{sak_id}/{period_start}/check")
def check_meldekort(request: Request, sak_id: str, period_start: str, form: Form) -> Response:
    """Keep the answers as a draft and show them for checking before they are sent."""
    context = require_context(request)
    _period(period_start)
    svc = service(request)
    card = svc.get_meldekort(context, sak_id, period_start)
    check_assurance(request, context, card["benefit"])  # the answers tell of illness too
    answers = _answers_from_form(form)
    limits = _limits(period_start)
    errors = FormErrors()
    if "still_job_seeker" not in answers:
        errors.add(
            "still_job_seeker",
            t(request).gettext("Answer whether you still want to be registered as a job seeker"),
        )
    try:
        saved = svc.save_meldekort_draft(context, sak_id, period_start, answers)
    except InvalidInput as error:
        for field, message in _errors(error, t(request), limits):
            errors.add(field, message)
        return _form(request, card, answers, errors)
    except Conflict:
        return RedirectResponse(_url(sak_id, period_start), status_code=303)
    if errors:
        return _form(request, card, saved["answers"], errors)
    return page(
        request,
        "citizen/meldekort_check.html",
        section="meldekort",
        card=card,
        answers=saved["answers"],
    )


@router.post("/my/meldekort/{sak_id}/{period_start}/send")
def send_meldekort(request: Request, sak_id: str, period_start: str, form: Form) -> Response:
    context = require_context(request)
    _period(period_start)
    svc = service(request)
    card = svc.get_meldekort(context, sak_id, period_start)
    check_assurance(request, context, card["benefit"])
    answers = (card["draft"] or {}).get("answers")
    if not answers:
        return RedirectResponse(_url(sak_id, period_start), status_code=303)
    body = {k: v for k, v in answers.items() if k != "correction_reason" and v is not None}
    body.pop("period_start", None)
    try:
        svc.send_meldekort(context, sak_id, period_start, body, f"web:{sak_id}:{period_start}")
    except InvalidInput as error:
        return _form(request, card, answers, _errors(error, t(request), _limits(period_start)))
    except Conflict as error:
        if error.code != "meldekort_already_sent":  # not open yet: back to the form
            return RedirectResponse(_url(sak_id, period_start), status_code=303)
        # Sent already (a second click): the receipt shows the card as it was sent.
    return RedirectResponse(_url(sak_id, period_start, "?sent=1"), status_code=303)


@router.get("/my/meldekort/{sak_id}/{period_start}/correct")
def correct_form(request: Request, sak_id: str, period_start: str) -> Response:
    context = require_context(request)
    _period(period_start)
    card = service(request).get_meldekort(context, sak_id, period_start)
    check_assurance(request, context, card["benefit"])
    if not card["versions"]:
        return RedirectResponse(_url(sak_id, period_start), status_code=303)
    latest = dict(card["versions"][-1]["answers"])
    latest["correction_reason"] = ""
    return _form(request, card, latest, correction=True)


@router.post("/my/meldekort/{sak_id}/{period_start}/correct")
def send_correction(request: Request, sak_id: str, period_start: str, form: Form) -> Response:
    context = require_context(request)
    _period(period_start)
    svc = service(request)
    card = svc.get_meldekort(context, sak_id, period_start)
    check_assurance(request, context, card["benefit"])  # the answers tell of illness too
    answers = _answers_from_form(form)
    try:
        svc.correct_meldekort(context, sak_id, period_start, answers)
    except InvalidInput as error:
        errors = _errors(error, t(request), _limits(period_start))
        return _form(request, card, answers, errors, correction=True)
    return RedirectResponse(_url(sak_id, period_start, "?sent=1"), status_code=303)
