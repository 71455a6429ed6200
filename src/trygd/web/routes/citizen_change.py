"""Reporting a change (endringsmelding) on a decided case: what changed, the new value, from
which date, check the answers, send, receipt.

Nothing is stored until the person sends: the answers travel in hidden fields of the forms
(POST bodies, never URLs), and each step re-checks them all, so a tampered hidden field gets
the same message as a typed one. Sending calls `CaseService.report_change` like the API, with
an idempotency key made when the journey starts, so a double click opens one revurdering.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.services.errors import Conflict, InvalidInput
from trygd.web.forms import FormErrors, problem_text, text
from trygd.web.i18n import N_, Translator
from trygd.web.routes import citizen_questions as questions
from trygd.web.routes.citizen_common import page, service, t, today
from trygd.web.session import checked_form, require_context

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]

# The facts of each benefit that a person can see change in their own life; the others are
# found out by NAV (membership, earlier periods) or are about the time before the claim.
CHANGEABLE: dict[str, dict[str, str]] = {
    "dagpenger": {
        "current_working_hours": N_("How many hours a week you work"),
        "children": N_("How many children you support"),
        "stays_in_norway": N_("Whether you live in Norway"),
    },
    "sykepenger": {
        "sick_leave_grade": N_("How many percent you are sick-listed"),
        "yearly_income": N_("Your yearly income"),
    },
    "aap": {
        "reduced_work_capacity": N_("How much your ability to work is reduced"),
        "children": N_("How many children you support"),
        "stays_in_norway": N_("Whether you live in Norway"),
    },
    "uforetrygd": {
        "earning_capacity_reduction": N_("How much your ability to earn money is reduced"),
        "lives_with_partner": N_("Whether you live with a spouse or partner"),
        "children": N_("How many children you support"),
    },
}
STEPS = ("what", "value", "date", "check")
# The services refuse a change more than a year ahead; the page says it first.
LONGEST_AHEAD = dt.timedelta(days=365)


def _case(request: Request, sak_id: str) -> tuple[dict[str, Any], dict[str, Any] | None, bool]:
    """The case, its latest vedtak, and whether a change can be reported now (a decided
    vedtak and no behandling still open)."""
    context = require_context(request)
    sak = service(request).get_sak(context, sak_id)
    vedtak = sak["vedtak"][-1] if sak["vedtak"] else None
    open_now = any(
        b["kind"] != "klage" and b["state"] not in ("decided", "implemented")
        for b in sak["behandlinger"]
    )
    return sak, vedtak, vedtak is not None and not open_now


def parse_date(raw: str) -> dt.date | None:
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", raw.strip())
    if not match:
        return None
    try:
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


def check_step(
    step: str,
    benefit: str,
    values: dict[str, str],
    vedtak: dict[str, Any],
    tr: Translator,
    on: dt.date,
) -> tuple[FormErrors, dict[str, str]]:
    """Check the answer of one step; returns the errors and the values to carry on."""
    errors = FormErrors()
    carried = dict(values)
    if step == "what":
        if values.get("fact") not in CHANGEABLE[benefit]:
            errors.add("fact", tr.gettext("Choose what has changed"))
    elif step == "value":
        q = questions.question(benefit, values.get("fact", ""))
        if q is None:
            errors.add("answer", tr.gettext("Choose what has changed"))
        else:
            stored, problem = questions.check(q, values.get("answer", ""), tr, on)
            if problem is not None:
                errors.add("answer", problem)
            else:
                carried["stored"] = stored or ""
    elif step == "date":
        day = parse_date(values.get("effective_date", ""))
        start = dt.date.fromisoformat(vedtak["effective_from"][:10])
        if day is None:
            errors.add(
                "effective_date",
                tr.gettext(
                    "Write the date as dd.mm.yyyy, for example %(example)s",
                    example=on.strftime("%d.%m.%Y"),
                ),
            )
        elif day < start:
            errors.add(
                "effective_date",
                tr.gettext(
                    "The date cannot be before %(day)s, when the decision took effect",
                    day=start.strftime("%d.%m.%Y"),
                ),
            )
        elif day > on + LONGEST_AHEAD:
            errors.add("effective_date", tr.gettext("The date can be at most a year from today"))
        if len(values.get("description", "")) > 2000:
            errors.add("description", tr.gettext("Write at most 2000 characters"))
    return errors, carried


def _first_failing(
    benefit: str, values: dict[str, str], vedtak: dict[str, Any], tr: Translator, on: dt.date
) -> tuple[str, dict[str, str], FormErrors] | None:
    """Re-check every step before the check page and before sending."""
    carried = values
    for step in STEPS[:-1]:
        errors, carried = check_step(step, benefit, carried, vedtak, tr, on)
        if errors:
            return step, carried, errors
    return None


def _step_page(
    request: Request,
    sak: dict[str, Any],
    vedtak: dict[str, Any] | None,
    allowed: bool,
    step: str,
    values: dict[str, str],
    errors: FormErrors | None = None,
) -> Response:
    benefit = sak["benefit"]
    q = questions.question(benefit, values.get("fact", ""))
    registered = None
    if step == "value" and q is not None and vedtak is not None:
        # What the latest vedtak rests on, so the person sees what they are changing.
        registered = questions.shown_fact(q, vedtak["facts"].get(q.fact))
    return page(
        request,
        f"citizen/change_{step}.html",
        status_code=400 if errors else 200,
        section="cases",
        sak=sak,
        vedtak=vedtak,
        allowed=allowed,
        step=step,
        values=values,
        q=q,
        options=list(CHANGEABLE[benefit].items()),
        fact_label=CHANGEABLE[benefit].get(values.get("fact", ""), ""),
        shown=questions.shown(q, values["stored"]) if q and values.get("stored") else "",
        registered=registered,
        errors=errors or FormErrors(),
    )


@router.get("/my/cases/{sak_id}/change")
def start_change(request: Request, sak_id: str) -> Response:
    sak, vedtak, allowed = _case(request, sak_id)
    return _step_page(request, sak, vedtak, allowed, "what", {"key": str(uuid.uuid4())})


@router.post("/my/cases/{sak_id}/change")
def change_step(request: Request, sak_id: str, form: Form) -> Response:
    """One step of the journey: `step` says which form was sent, `goto` a step to go back to."""
    sak, vedtak, allowed = _case(request, sak_id)
    names = ("key", "fact", "answer", "stored", "effective_date", "description")
    values = {name: text(form, name) for name in names}
    if not values["key"]:
        values["key"] = str(uuid.uuid4())
    if vedtak is None or not allowed:
        return _step_page(request, sak, vedtak, False, "what", values)
    tr, on = t(request), today(request)
    goto = text(form, "goto")
    if goto in STEPS[:-1]:
        return _step_page(request, sak, vedtak, allowed, goto, values)
    step = text(form, "step")
    if step not in STEPS:
        step = "what"
    if step != "check":
        errors, values = check_step(step, sak["benefit"], values, vedtak, tr, on)
        if errors:
            return _step_page(request, sak, vedtak, allowed, step, values, errors)
        following = STEPS[STEPS.index(step) + 1]
        if following == "check":
            failing = _first_failing(sak["benefit"], values, vedtak, tr, on)
            if failing:
                return _step_page(request, sak, vedtak, allowed, *failing)
        return _step_page(request, sak, vedtak, allowed, following, values)
    failing = _first_failing(sak["benefit"], values, vedtak, tr, on)
    if failing:
        return _step_page(request, sak, vedtak, allowed, *failing)
    q = questions.question(sak["benefit"], values["fact"])
    assert q is not None  # the checks above found it
    day = parse_date(values["effective_date"])
    assert day is not None
    body: dict[str, Any] = {
        "effective_date": day.isoformat(),
        "facts": {q.fact: questions.fact_value(q, values["stored"])},
    }
    if values["description"]:
        body["description"] = values["description"]
    context = require_context(request)
    try:
        service(request).report_change(context, sak_id, body, idempotency_key=values["key"])
    except InvalidInput as error:
        errors = FormErrors()
        for field, problem in error.problems:
            errors.add(
                "effective_date" if field == "effective_date" else "answer",
                problem_text(problem, t(request)),
            )
        step = "date" if errors.get("effective_date") else "value"
        return _step_page(request, sak, vedtak, allowed, step, values, errors)
    except Conflict:
        return _step_page(request, sak, vedtak, False, "what", values)
    return RedirectResponse(f"/my/cases/{sak_id}/change/received", status_code=303)


@router.get("/my/cases/{sak_id}/change/received")
def change_received(request: Request, sak_id: str) -> Response:
    context = require_context(request)
    sak = service(request).get_sak(context, sak_id)
    revurdering = next(
        (b for b in reversed(sak["behandlinger"]) if b["kind"] == "revurdering"), None
    )
    if revurdering is None:
        return RedirectResponse(f"/my/cases/{sak_id}", status_code=303)
    decided = next((v for v in sak["vedtak"] if v["behandling_id"] == revurdering["id"]), None)
    expected = dt.date.fromisoformat(revurdering["created_at"][:10]) + dt.timedelta(weeks=4)
    return page(
        request,
        "citizen/change_received.html",
        section="cases",
        sak=sak,
        revurdering=revurdering,
        vedtak=decided,
        expected=expected,
    )
