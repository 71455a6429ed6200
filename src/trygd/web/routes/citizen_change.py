"""Reporting a change (endringsmelding) on a decided case: what changed, the new value, from
which date, check the answers, send, receipt.

Nothing is stored until the person sends: the answers travel in hidden fields of the forms
(POST bodies, never URLs), and each step re-checks them all, so a tampered hidden field gets
the same message as a typed one. Sending calls `CaseService.report_change` like the API, with
an idempotency key made when the journey starts, so a double click opens one revurdering.

Each step's POST answers with a redirect to the next step's page (POST-redirect-GET), so the
browser's Back and reload work without "resend the form?". The answers so far go with the
redirect in a cookie of the journey's own path (HttpOnly, gone when the browser closes or the
change is sent), which the GET pages read to fill in the fields again.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
import zlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.domain import deadlines
from trygd.rules.benefits import PROFILES
from trygd.services.errors import Conflict, InvalidInput
from trygd.web.forms import DATE_DOES_NOT_EXIST, FormErrors, problem_text, read_date, text
from trygd.web.i18n import Translator
from trygd.web.routes import citizen_questions as questions
from trygd.web.routes.citizen_common import check_assurance, page, refusal, service, t, today
from trygd.web.session import checked_form, cookie_secure, require_context
from trygd.web.templating import request_language

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]

# The facts of each benefit that a person can see change in their own life, as its home
# declares them; the others are found out by NAV (membership, earlier periods) or are about
# the time before the claim.
CHANGEABLE: dict[str, dict[str, str]] = {
    benefit: dict(profile.changeable) for benefit, profile in PROFILES.items()
}
STEPS = ("what", "value", "date", "check")
FIELDS = ("key", "fact", "answer", "stored", "effective_date", "description")
JOURNEY_COOKIE = "trygd_change"
# Browsers keep cookies up to 4096 bytes; a journey that does not fit is shown directly.
LARGEST_COOKIE = 3800
# The services refuse a change more than a year ahead; the page says it first.
LONGEST_AHEAD = dt.timedelta(days=365)


# An open revurdering in these states takes further changes from its own date (they join it).
JOINABLE = ("assessing", "waiting_for_information")


def _case(request: Request, sak_id: str) -> tuple[dict[str, Any], dict[str, Any] | None, bool]:
    """The case, its latest vedtak, and whether a change can be reported now (a decided
    vedtak, and no behandling open other than a revurdering a change can join)."""
    context = require_context(request)
    sak = service(request).get_sak(context, sak_id)
    check_assurance(request, context, sak["benefit"])
    vedtak = sak["vedtak"][-1] if sak["vedtak"] else None
    open_now = any(
        b["kind"] != "klage"
        and b["state"] not in ("decided", "implemented")
        and not (b["kind"] == "revurdering" and b["state"] in JOINABLE)
        for b in sak["behandlinger"]
    )
    return sak, vedtak, vedtak is not None and not open_now


def parse_date(raw: str) -> dt.date | None:
    return read_date(raw)[0]


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
        day, problem = read_date(values.get("effective_date", ""))
        start = dt.date.fromisoformat(vedtak["effective_from"][:10])
        if problem == "calendar":
            errors.add("effective_date", tr.gettext(DATE_DOES_NOT_EXIST))
        elif day is None:
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
    refused: str | None = None,
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
        refused=refused,
    )


def _journey_path(sak_id: str) -> str:
    return f"/my/cases/{sak_id}/change"


def _saved(request: Request) -> dict[str, str]:
    """The answers carried from the last step (see the module docstring), or none."""
    raw = request.cookies.get(JOURNEY_COOKIE, "")
    try:
        data = json.loads(zlib.decompress(base64.urlsafe_b64decode(raw.encode())))
    except (ValueError, binascii.Error, zlib.error):
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: data[name] for name in FIELDS if isinstance(data.get(name), str)}


def _to_step(request: Request, sak_id: str, step: str, values: dict[str, str]) -> Response | None:
    """303 to the page of `step`, carrying `values` in the journey cookie; None when they do
    not fit in a cookie (the caller then shows the step directly, as a POST answer)."""
    packed = json.dumps({k: values.get(k, "") for k in FIELDS}, ensure_ascii=False)
    cookie = base64.urlsafe_b64encode(zlib.compress(packed.encode())).decode()
    if len(cookie) > LARGEST_COOKIE:
        return None
    path = _journey_path(sak_id)
    response = RedirectResponse(f"{path}?step={step}", status_code=303)
    response.set_cookie(
        JOURNEY_COOKIE,
        cookie,
        path=path,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
    )
    return response


@router.get("/my/cases/{sak_id}/change")
def change_page(request: Request, sak_id: str, step: str = "what") -> Response:
    """A step's page, with the answers carried so far. A step whose earlier steps are not
    answered (an old bookmark, a cleared cookie) shows the first step that needs an answer."""
    sak, vedtak, allowed = _case(request, sak_id)
    values = _saved(request)
    if not values.get("key"):
        values = {"key": str(uuid.uuid4())}
    if step not in STEPS or step == "what" or vedtak is None or not allowed:
        return _step_page(request, sak, vedtak, allowed, "what", values)
    tr, on = t(request), today(request)
    carried = values
    for earlier in STEPS[: STEPS.index(step)]:
        errors, carried = check_step(earlier, sak["benefit"], carried, vedtak, tr, on)
        if errors:
            return _step_page(request, sak, vedtak, allowed, earlier, carried)
    return _step_page(request, sak, vedtak, allowed, step, carried)


@router.post("/my/cases/{sak_id}/change")
def change_step(request: Request, sak_id: str, form: Form) -> Response:
    """One step of the journey: `step` says which form was sent, `goto` a step to go back to."""
    sak, vedtak, allowed = _case(request, sak_id)
    values = {name: text(form, name) for name in FIELDS}
    if not values["key"]:
        values["key"] = str(uuid.uuid4())
    if vedtak is None or not allowed:
        return _step_page(request, sak, vedtak, False, "what", values)
    tr, on = t(request), today(request)
    goto = text(form, "goto")
    if goto in STEPS[:-1]:
        moved = _to_step(request, sak_id, goto, values)
        return moved or _step_page(request, sak, vedtak, allowed, goto, values)
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
        moved = _to_step(request, sak_id, following, values)
        return moved or _step_page(request, sak, vedtak, allowed, following, values)
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
    except Conflict as error:
        # One revurdering at a time: a change that changes nothing, or one from another date
        # than the open revurdering, is said at the field; anything else ends the journey.
        message = refusal(error, tr, sak["benefit"])
        errors = FormErrors()
        if error.code == "no_change":
            errors.add("answer", message)
            return _step_page(request, sak, vedtak, allowed, "value", values, errors)
        if error.code == "revurdering_other_date":
            errors.add("effective_date", message)
            return _step_page(request, sak, vedtak, allowed, "date", values, errors)
        return _step_page(request, sak, vedtak, False, "what", values, refused=message)
    sent = RedirectResponse(f"{_journey_path(sak_id)}/received", status_code=303)
    sent.delete_cookie(JOURNEY_COOKIE, path=_journey_path(sak_id))
    return sent


@router.get("/my/cases/{sak_id}/change/received")
def change_received(request: Request, sak_id: str) -> Response:
    context = require_context(request)
    sak = service(request).get_sak(context, sak_id)
    check_assurance(request, context, sak["benefit"])
    revurdering = next(
        (b for b in reversed(sak["behandlinger"]) if b["kind"] == "revurdering"), None
    )
    if revurdering is None:
        return RedirectResponse(f"/my/cases/{sak_id}", status_code=303)
    row = next((v for v in sak["vedtak"] if v["behandling_id"] == revurdering["id"]), None)
    # The whole vedtak: whether it stops the benefit, why, and the klagefrist.
    decided = (
        service(request).get_vedtak(context, row["id"], request_language(request))
        if row is not None
        else None
    )
    # The day NAV must decide or send a foreløpig svar (fvl. § 11 a), from the rules.
    received = dt.date.fromisoformat(revurdering["created_at"][:10])
    expected = deadlines.preliminary_answer_deadline(received).last_day
    return page(
        request,
        "citizen/change_received.html",
        section="cases",
        sak=sak,
        revurdering=revurdering,
        vedtak=decided,
        expected=expected,
    )
