"""The klage pages: the first instance's review, and NAV Klageinstans' decision.

One template shows a klage for both: the text and grounds, the deadlines, the vedtak it is
about, the first instance's statement and the person's comments. The forms shown depend on
the klage's state and the page: the first instance decides a late klage (fvl. § 31),
changes its own decision (omgjøring) or forwards the klage with its statement; Klageinstans
decides it and registers an anke to Trygderetten or a case before the court of appeal with
their outcomes. Each form carries the version of the klage the page showed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.services.errors import Conflict, InvalidInput
from trygd.services.unit_of_work import RequestContext
from trygd.web.forms import FormErrors, from_service_error, text
from trygd.web.i18n import N_, Translator, translator
from trygd.web.routes.staff_case import Problem, benefit_fact_fields, parse_fact
from trygd.web.routes.staff_common import APPEAL_OUTCOMES, COURTS, LABELS, Form, service
from trygd.web.session import require_context
from trygd.web.templating import render, request_language

router = APIRouter(include_in_schema=False)

MIN_TEXT = 10  # the services' minimum for a reason or a statement
KLAGEINSTANS_OUTCOMES = ("stadfestet", "omgjort", "delvis_omgjort", "opphevet")
DONE_MESSAGES = {
    "late": N_("The decision on the late klage is saved."),
    "change": N_("The decision will be changed. A new behandling is in the queue."),
    "forward": N_("The klage is sent to NAV Klageinstans. The person gets a copy."),
    "decide": N_("The klage is decided. The person gets a letter."),
    "anke": N_("The anke is registered."),
    "judgment": N_("The outcome is registered."),
}


def _base(mode: str) -> str:
    return "/klageinstans/klager" if mode == "klageinstans" else "/staff/klager"


@router.get("/staff/klager/{klage_id}")
def first_instance_page(request: Request, klage_id: str) -> Response:
    ctx = require_context(request)
    return _render(request, ctx, klage_id, "first")


@router.get("/klageinstans/klager/{klage_id}")
def klageinstans_page(request: Request, klage_id: str) -> Response:
    ctx = require_context(request)
    return _render(request, ctx, klage_id, "klageinstans")


def _render(
    request: Request,
    ctx: RequestContext,
    klage_id: str,
    mode: str,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int | None = None,
) -> Response:
    svc = service(request)
    language = request_language(request)
    klage = svc.get_klage(ctx, klage_id)
    sak = svc.get_sak(ctx, klage["sak_id"])
    # The decision appealed: an ordinary vedtak, or the vedtak of a tilbakekreving.
    vedtak = svc.get_vedtak(ctx, klage["vedtak_id"], language) if klage["vedtak_id"] else None
    recovery = (
        svc.get_tilbakekreving(ctx, klage["tilbakekreving_id"])
        if klage["tilbakekreving_id"]
        else None
    )
    events = svc.list_events(ctx, klage["sak_id"], 200, 0)
    today = dt.date.today()
    change_fields: list[dict[str, Any]] = []
    if mode == "first" and "forward" in klage["allowed_actions"] and vedtak is not None:
        change_fields = _change_fields(request, ctx, klage, language)
    return render(
        request,
        "staff/klage.html",
        change_fields=change_fields,
        change_open=any(field.startswith("change-fact-") for field, _ in errors or ()),
        status_code=status_code or (400 if errors else 200),
        klage=klage,
        sak=sak,
        vedtak=vedtak,
        recovery=recovery,
        events=events,
        mode=mode,
        base=_base(mode),
        allowed=set(klage["allowed_actions"]),
        waiting_for_comments=klage["waiting_for_comments"],
        today=today.isoformat(),
        errors=errors or FormErrors(),
        values=values or {},
        done=DONE_MESSAGES.get(request.query_params.get("done") or ""),
        outcomes=[(o, APPEAL_OUTCOMES[o]) for o in KLAGEINSTANS_OUTCOMES],
        court_outcomes=list(APPEAL_OUTCOMES.items()),
        courts=list(COURTS.items()),
        labels=LABELS,
        section="klageinstans" if mode == "klageinstans" else "tasks",
    )


def _change_fields(
    request: Request, ctx: RequestContext, klage: dict[str, Any], language: str
) -> list[dict[str, Any]]:
    """The appealed vedtak's facts as typed fields, for omgjøring with corrected facts."""
    svc = service(request)
    vedtak = svc.get_vedtak(ctx, klage["vedtak_id"], language)
    decided = svc.get_behandling(ctx, vedtak.behandling_id)
    return benefit_fact_fields(decided.benefit, decided.facts, language)


Check = Callable[[FormData, Translator, FormErrors], dict[str, Any]]


def _handle(
    request: Request,
    klage_id: str,
    form: FormData,
    *,
    mode: str,
    action: str,
    check: Check,
    fields: dict[str, str],
) -> Response:
    """Check the form, run the klage action, and go back to the page (or show the errors).

    `check` reads the form into the action's body and adds messages for what is wrong;
    `fields` maps the service's field names onto the form's field ids."""
    ctx = require_context(request)
    t = translator(request_language(request))
    errors = FormErrors()
    body = check(form, t, errors)
    values = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    if errors:
        return _render(request, ctx, klage_id, mode, errors, values)
    try:
        version = int(text(form, "version"))
    except ValueError:
        version = -1
    try:
        service(request).klage_action(ctx, action, klage_id, {"version": version, **body})
    except InvalidInput as error:
        first = next(iter(fields.values()))
        mapped = from_service_error(error, fields, first, t.gettext("It could not be saved"), t)
        return _render(request, ctx, klage_id, mode, mapped, values)
    except Conflict as error:
        if "may comment until" not in (error.detail or ""):
            raise
        # A form sent from a page opened before the comments came in or the period began:
        # the page itself now says what the klage waits for, and offers no decision yet.
        return _render(request, ctx, klage_id, mode, status_code=409)
    return RedirectResponse(f"{_base(mode)}/{klage_id}?done={action}", status_code=303)


def _required_text(
    form: FormData, name: str, field_id: str, message: str, errors: FormErrors
) -> str:
    value = text(form, name)
    if len(value) < MIN_TEXT:
        errors.add(field_id, message)
    return value


def _past_date(form: FormData, name: str, field_id: str, t: Translator, errors: FormErrors) -> str:
    value = text(form, name)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        errors.add(field_id, t.gettext("Write the date as dd.mm.yyyy."))
        return value
    if day > dt.date.today():
        errors.add(field_id, t.gettext("The date cannot be in the future."))
    return value


# -- the first instance ---------------------------------------------------------------------


@router.post("/staff/klager/{klage_id}/late")
def decide_late(request: Request, klage_id: str, form: Form) -> Response:
    def check(form: FormData, t: Translator, errors: FormErrors) -> dict[str, Any]:
        consider = text(form, "consider")
        if consider not in ("yes", "no"):
            errors.add("late-consider", t.gettext("Choose whether the klage is considered."))
        reason = _required_text(
            form,
            "reason",
            "late-reason",
            t.gettext("Write the reason, in at least %(n)s characters.", n=MIN_TEXT),
            errors,
        )
        return {"consider": consider == "yes", "reason": reason}

    return _handle(
        request,
        klage_id,
        form,
        mode="first",
        action="late",
        check=check,
        fields={"reason": "late-reason", "consider": "late-consider"},
    )


@router.post("/staff/klager/{klage_id}/change")
def change_decision(request: Request, klage_id: str, form: Form) -> Response:
    """Omgjøring: the reason, and the facts the caseworker corrects (only those changed from
    the appealed vedtak's are sent; the new behandling starts from the rest)."""
    ctx = require_context(request)
    klage = service(request).get_klage(ctx, klage_id)
    fields = _change_fields(request, ctx, klage, request_language(request))

    def check(form: FormData, t: Translator, errors: FormErrors) -> dict[str, Any]:
        reason = _required_text(
            form,
            "reason",
            "change-reason",
            t.gettext("Write why the klage is right, in at least %(n)s characters.", n=MIN_TEXT),
            errors,
        )
        return {"reason": reason, "facts": _corrected_facts(form, fields, t, errors)}

    return _handle(
        request,
        klage_id,
        form,
        mode="first",
        action="change",
        check=check,
        fields={
            "reason": "change-reason",
            "facts": "change-reason",
            **{f"facts.{f['name']}": f"change-fact-{f['name']}" for f in fields},
        },
    )


def _corrected_facts(
    form: FormData, fields: list[dict[str, Any]], t: Translator, errors: FormErrors
) -> dict[str, Any]:
    """The facts whose value in the form differs from the vedtak's; an unreadable one gets
    its message. An emptied field is left as it was (a fact cannot be unknown again)."""
    corrected: dict[str, Any] = {}
    for field in fields:
        raw = text(form, f"fact.{field['name']}")
        if raw == "":
            continue
        value = parse_fact(raw, field["kind"], t)
        if isinstance(value, Problem):
            errors.add(f"change-fact-{field['name']}", value.message)
        elif value != field["value"]:
            corrected[field["name"]] = value
    return corrected


@router.post("/staff/klager/{klage_id}/forward")
def forward(request: Request, klage_id: str, form: Form) -> Response:
    def check(form: FormData, t: Translator, errors: FormErrors) -> dict[str, Any]:
        statement = _required_text(
            form,
            "statement",
            "forward-statement",
            t.gettext(
                "Write the statement to NAV Klageinstans, in at least %(n)s characters.",
                n=MIN_TEXT,
            ),
            errors,
        )
        return {"statement": statement}

    return _handle(
        request,
        klage_id,
        form,
        mode="first",
        action="forward",
        check=check,
        fields={"statement": "forward-statement"},
    )


# -- NAV Klageinstans -------------------------------------------------------------------------


@router.post("/klageinstans/klager/{klage_id}/decide")
def klageinstans_decide(request: Request, klage_id: str, form: Form) -> Response:
    def check(form: FormData, t: Translator, errors: FormErrors) -> dict[str, Any]:
        outcome = text(form, "outcome")
        if outcome not in KLAGEINSTANS_OUTCOMES:
            errors.add("decide-outcome", t.gettext("Choose the outcome."))
        reasons = _required_text(
            form,
            "reasons",
            "decide-reasons",
            t.gettext("Write the reasons for the decision, in at least %(n)s characters.", n=10),
            errors,
        )
        return {"outcome": outcome, "reasons": reasons}

    return _handle(
        request,
        klage_id,
        form,
        mode="klageinstans",
        action="decide",
        check=check,
        fields={"outcome": "decide-outcome", "reasons": "decide-reasons"},
    )


@router.post("/klageinstans/klager/{klage_id}/anke")
def register_anke(request: Request, klage_id: str, form: Form) -> Response:
    def check(form: FormData, t: Translator, errors: FormErrors) -> dict[str, Any]:
        court = text(form, "court")
        if court not in COURTS:
            errors.add("anke-court", t.gettext("Choose where the anke was filed."))
        filed_on = _past_date(form, "filed_on", "anke-filed-on", t, errors)
        return {"court": court, "filed_on": filed_on}

    return _handle(
        request,
        klage_id,
        form,
        mode="klageinstans",
        action="anke",
        check=check,
        fields={"court": "anke-court", "filed_on": "anke-filed-on"},
    )


@router.post("/klageinstans/klager/{klage_id}/judgment")
def register_judgment(request: Request, klage_id: str, form: Form) -> Response:
    def check(form: FormData, t: Translator, errors: FormErrors) -> dict[str, Any]:
        outcome = text(form, "outcome")
        if outcome not in APPEAL_OUTCOMES:
            errors.add("judgment-outcome", t.gettext("Choose the outcome."))
        decided_on = _past_date(form, "decided_on", "judgment-decided-on", t, errors)
        reasons = _required_text(
            form,
            "reasons",
            "judgment-reasons",
            t.gettext("Write the main reasons, in at least %(n)s characters.", n=MIN_TEXT),
            errors,
        )
        return {"outcome": outcome, "decided_on": decided_on, "reasons": reasons}

    return _handle(
        request,
        klage_id,
        form,
        mode="klageinstans",
        action="judgment",
        check=check,
        fields={
            "outcome": "judgment-outcome",
            "decided_on": "judgment-decided-on",
            "reasons": "judgment-reasons",
        },
    )


# -- attachments -------------------------------------------------------------------------------


@router.get("/staff/attachments/{attachment_id}")
def attachment(request: Request, attachment_id: str) -> Response:
    """A document the person sent with the klage, as a download (never shown inline, so a
    file cannot run as a page of this site)."""
    ctx = require_context(request)
    content, content_type, filename = service(request).attachment(ctx, attachment_id)
    return Response(
        content,
        media_type=content_type,
        headers={
            "Content-Disposition": _attachment_disposition(filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def _attachment_disposition(filename: str) -> str:
    """`attachment` with the filename: ASCII fallback plus RFC 5987 UTF-8 form."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
