"""The case page for caseworkers and approvers: one behandling with everything to decide it.

The page shows the key facts, the tree of conditions with the rules engine's explanation, the
calculation, the vedtak letter it would give, the case's history and letters; and the forms
for what the caller may do next: assess a condition, request information, propose, approve
or return. Every form carries the version of the behandling the page showed, so a change
made meanwhile by someone else is refused (409) instead of overwritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.domain import deadlines
from trygd.letters.build import headline_amount
from trygd.privacy.policy import Role
from trygd.rules import formatting
from trygd.rules.benefits import BENEFITS as RULES
from trygd.rules.declarations import LIST_KINDS
from trygd.rules.texts import catalogue, parameter_label
from trygd.services.casework import LONGEST_INFORMATION_DEADLINE
from trygd.services.errors import Forbidden, InvalidInput
from trygd.services.read_models import BehandlingView
from trygd.services.unit_of_work import RequestContext
from trygd.web.forms import FormErrors, from_service_error, text
from trygd.web.i18n import N_, Language, Translator, translator
from trygd.web.routes.staff_common import LABELS, Form, has_role, service
from trygd.web.session import require_context
from trygd.web.templating import render, request_language

router = APIRouter(include_in_schema=False)

MIN_REASON = 10  # the services' minimum for a written reason
DONE_MESSAGES = {
    "assessed": N_("The assessment is saved and the rules have run again."),
    "proposed": N_("The vedtak is proposed. It now waits for an approver."),
    "approved": N_("The vedtak is approved and made. The letter is being sent."),
    "returned": N_("The proposal is returned to the caseworker."),
    "requested": N_("The request for information is sent. The case waits for the answer."),
}
INTEGER_KINDS = frozenset({"count", "days", "years"})
DECIMAL_KINDS = frozenset({"money", "hours", "percent"})


# -- reading -------------------------------------------------------------------------------


@router.get("/staff/behandlinger/{behandling_id}")
def case_page(request: Request, behandling_id: str) -> Response:
    ctx = require_context(request)
    behandling = service(request).get_behandling(ctx, behandling_id, request_language(request))
    if behandling.kind == "klage":
        return RedirectResponse(_klage_url(request, ctx, behandling), status_code=303)
    return _render_case(request, ctx, behandling)


def _klage_url(request: Request, ctx: RequestContext, behandling: BehandlingView) -> str:
    """A klage's behandling is shown on the klage page (first instance or Klageinstans)."""
    klager = service(request).list_klager(ctx, behandling.sak_id)["items"]
    klage = next(k for k in klager if k["behandling_id"] == behandling.id)
    prefix = "/klageinstans" if Role.APPEALS in ctx.actor.roles else "/staff"
    return f"{prefix}/klager/{klage['id']}"


def _render_case(
    request: Request,
    ctx: RequestContext,
    behandling: BehandlingView,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    open_form: str | None = None,
) -> Response:
    svc = service(request)
    language = request_language(request)
    sak = svc.get_sak(ctx, behandling.sak_id)
    events = svc.list_events(ctx, behandling.sak_id, 200, 0)
    letters = svc.list_letters(ctx, behandling.sak_id)
    assessment = behandling.assessment  # in the page's language (see get_behandling)
    preview = None
    if behandling.state in ("assessing", "proposed") and behandling.outcome in (
        "granted",
        "rejected",
    ):
        preview = svc.preview_vedtak_letter(ctx, behandling.id, language, heading_level=3)
    simulation = svc.payment_simulation(ctx, behandling.id)
    recoveries = svc.sak_tilbakekrevinger(ctx, behandling.sak_id)
    actor = ctx.actor
    state = behandling.state
    done = request.query_params.get("done")
    return render(
        request,
        "staff/behandling.html",
        status_code=400 if errors else 200,
        behandling=behandling,
        sak=sak,
        events=events,
        letters=letters["items"],
        assessment=assessment,
        fact_fields=_fact_fields(behandling, assessment, language),
        parameters=parameter_rows(assessment, language),
        amount=_headline(behandling, assessment),
        fact_labels=_fact_labels(behandling.benefit, language),
        preview=preview,
        simulation=simulation,
        tilbakekrevinger=recoveries,
        can_assess=has_role(actor, Role.CASEWORKER) and state == "assessing",
        can_propose=has_role(actor, Role.CASEWORKER)
        and state == "assessing"
        and behandling.outcome in ("granted", "rejected"),
        can_approve=has_role(actor, Role.APPROVER) and state == "proposed",
        errors=errors or FormErrors(),
        values=values or {},
        open_form=open_form,
        done=DONE_MESSAGES.get(done or ""),
        # The answer time of procedure.information_answer_weeks; the caseworker may change it.
        default_deadline=deadlines.information_answer_deadline(
            dt.date.today()
        ).last_day.isoformat(),
        labels=LABELS,
        section="tasks",
    )


def _fact_labels(benefit_id: str, language: str) -> dict[str, str]:
    benefit = RULES[benefit_id]
    texts = catalogue(benefit.id)
    return {f.name: _label(texts, f.name, language) for f in (*benefit.facts, *benefit.input_facts)}


def _fact_fields(
    behandling: BehandlingView, assessment: dict[str, Any] | None, language: str
) -> dict[str, list[dict[str, Any]]]:
    """Per condition, and per calculation the rules could not make, the facts it needs as
    typed form fields, filled with today's values.

    A fact the rules derive from a list (sykepenger's days used, from the sick notes) is
    listed to be read but not `editable`: an application cannot give it, only the list."""
    if not assessment:
        return {}
    benefit = RULES[behandling.benefit]
    kinds = {fact.name: fact.kind for fact in (*benefit.facts, *benefit.input_facts)}
    given = {fact.name for fact in benefit.input_facts}
    texts = catalogue(benefit.id)
    fields: dict[str, list[dict[str, Any]]] = {}
    open_steps = [c for c in assessment["calculations"] if c["status"] == "undetermined"]
    for condition in (*assessment["conditions"], *open_steps):
        names = [*condition["facts_used"], *condition["missing_facts"]]
        fields[condition["id"]] = [
            {
                "name": name,
                "kind": kinds.get(name, "money"),
                "label": _label(texts, name, language),
                "value": behandling.facts.get(name),
                "editable": name in given,
            }
            for name in dict.fromkeys(names)
            if kinds.get(name) not in LIST_KINDS
        ]
    return fields


def benefit_fact_fields(
    benefit_id: str, facts: dict[str, Any], language: str
) -> list[dict[str, Any]]:
    """Every fact of the benefit that a form can take, filled with the values in `facts`
    (for omgjøring: the appealed vedtak's facts, to be corrected)."""
    benefit = RULES[benefit_id]
    texts = catalogue(benefit.id)
    found = {fact.name: fact.kind for fact in (*benefit.facts, *benefit.input_facts)}
    given = {fact.name for fact in benefit.input_facts}
    return [
        {
            "name": name,
            "kind": kind,
            "label": _label(texts, name, language),
            "value": facts.get(name),
        }
        for name, kind in found.items()
        if kind not in LIST_KINDS and name in given
    ]


def _headline(behandling: BehandlingView, assessment: dict[str, Any] | None) -> Any:
    """The amount the vedtak letter would state first, when the rules grant the benefit."""
    if not assessment or behandling.outcome != "granted":
        return None
    found = headline_amount(behandling.benefit, assessment.get("amounts", {}))
    return {"amount": found[0], "per": found[1]} if found else None


def parameter_rows(assessment: dict[str, Any] | None, language: Language) -> list[dict[str, Any]]:
    """The parameters an assessment used, as a caseworker reads them: the parameter's label
    in the page's language and its value with its unit ("1,5 G", "50 %", "26 uker")."""
    if not assessment:
        return []
    t = translator(language)
    rows = []
    for p in assessment.get("parameters", []):
        label = parameter_label(p["name"], language) or p["name"]
        rows.append(
            {
                "label": label[:1].upper() + label[1:],
                "value": parameter_value(p["value"], p["unit"], language, t),
                "valid_from": p["valid_from"],
                "legal_basis": p["legal_basis"],
            }
        )
    return rows


def parameter_value(value: Any, unit: str, language: Language, t: Translator) -> str:
    """A parameter's value with its unit in words; a unit without words shows the number."""
    if not isinstance(value, int | float):
        return str(value)
    whole = int(value) if float(value).is_integer() else None
    shown = formatting.number(value, language)
    if unit == "NOK":
        return formatting.kroner(value, language)
    if unit == "NOK/day":
        return t.gettext("%(amount)s a day", amount=formatting.kroner(value, language))
    if unit == "G":
        return f"{formatting.factor(value, language)} G"
    if unit == "flag":  # a choice between two readings of a rule: 1 or 0
        return t.gettext("Yes") if value else t.gettext("No")
    if unit in ("ratio", "factor"):
        return (formatting.percent if unit == "ratio" else formatting.factor)(value, language)
    if unit == "hours/week":
        return t.gettext("%(hours)s hours a week", hours=shown)
    if whole is None:
        return shown
    if unit == "years":
        return t.ngettext("%(num)s year", "%(num)s years", whole, num=shown)
    if unit == "weeks":
        return t.ngettext("%(num)s week", "%(num)s weeks", whole, num=shown)
    if unit == "months":
        return t.ngettext("%(num)s month", "%(num)s months", whole, num=shown)
    if unit == "days":
        return t.ngettext("%(num)s day", "%(num)s days", whole, num=shown)
    return shown


def _label(texts: Any, name: str, language: str) -> str:
    try:
        label: str = texts.staff_fact_label(name, language)
    except KeyError:
        return name
    return label[:1].upper() + label[1:]


# -- changing -------------------------------------------------------------------------------


def _version(form: FormData) -> int | None:
    try:
        return int(text(form, "version"))
    except ValueError:
        return None


def _act(
    request: Request,
    ctx: RequestContext,
    behandling_id: str,
    action: str,
    body: dict[str, Any],
    done: str,
) -> Response:
    service(request).behandling_action(ctx, action, behandling_id, body)
    return RedirectResponse(f"/staff/behandlinger/{behandling_id}?done={done}", status_code=303)


def _again(
    request: Request,
    ctx: RequestContext,
    behandling_id: str,
    errors: FormErrors,
    form: FormData,
    open_form: str,
) -> Response:
    """The page again with the caller's input and the messages next to the fields."""
    behandling = service(request).get_behandling(ctx, behandling_id, request_language(request))
    values = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    return _render_case(request, ctx, behandling, errors, values, open_form)


@router.post("/staff/behandlinger/{behandling_id}/assess")
def assess_condition(request: Request, behandling_id: str, form: Form) -> Response:
    ctx = require_context(request)
    t = translator(request_language(request))
    condition = text(form, "condition")
    prefix = f"assess-{condition.replace('.', '-')}"
    behandling = service(request).get_behandling(ctx, behandling_id)
    needed = _fact_fields(behandling, behandling.assessment, "en").get(condition)
    if needed is None:
        errors = FormErrors()
        errors.add("conditions", t.gettext("Choose a condition of this case to assess."))
        return _again(request, ctx, behandling_id, errors, form, "")
    errors = FormErrors()
    facts: dict[str, Any] = {}
    for fact in needed:
        field_id = f"{prefix}-{fact['name']}"
        raw = text(form, f"fact.{fact['name']}")
        if raw == "":
            continue
        value = parse_fact(raw, fact["kind"], t)
        if isinstance(value, Problem):
            errors.add(field_id, value.message)
        else:
            facts[fact["name"]] = value
    if not facts and not errors and needed:
        errors.add(f"{prefix}-{needed[0]['name']}", t.gettext("Fill in at least one fact."))
    reason = text(form, "reason")
    if len(reason) < MIN_REASON:
        errors.add(
            f"{prefix}-reason",
            t.gettext("Write why you assess it this way, in at least %(n)s characters.", n=10),
        )
    if errors:
        return _again(request, ctx, behandling_id, errors, form, condition)
    body = {"version": _version(form), "condition": condition, "facts": facts, "reason": reason}
    try:
        return _act(request, ctx, behandling_id, "assess", body, "assessed")
    except InvalidInput as error:
        fields = {f"facts.{f['name']}": f"{prefix}-{f['name']}" for f in needed}
        fields |= {"reason": f"{prefix}-reason"}
        first = f"{prefix}-{needed[0]['name']}" if needed else f"{prefix}-reason"
        mapped = from_service_error(
            error, fields, first, t.gettext("The facts could not be saved"), t
        )
        return _again(request, ctx, behandling_id, mapped, form, condition)


class Problem:
    """A fact that could not be read, with the message to show next to its field."""

    def __init__(self, message: str) -> None:
        self.message = message


def parse_fact(raw: str, kind: str, t: Translator) -> Any:
    """The form's text as the fact's type, or a `Problem` saying how to write it."""
    if kind == "bool":
        if raw in ("true", "false"):
            return raw == "true"
        return Problem(t.gettext("Choose yes or no."))
    if kind == "date":
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            return Problem(t.gettext("Write the date as dd.mm.yyyy."))
    cleaned = raw.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if kind in INTEGER_KINDS:
        try:
            return int(cleaned)
        except ValueError:
            return Problem(t.gettext("Write a whole number, for example 3."))
    try:
        number = float(cleaned)
    except ValueError:
        return Problem(t.gettext("Write a number, for example 55 or 412500."))
    if number != number or number in (float("inf"), float("-inf")):
        return Problem(t.gettext("Write a number, for example 55 or 412500."))
    if kind == "percent" and not 0 <= number <= 100:
        return Problem(t.gettext("Write a percentage from 0 to 100."))
    return int(number) if number.is_integer() else number


@router.post("/staff/behandlinger/{behandling_id}/propose")
def propose(request: Request, behandling_id: str, form: Form) -> Response:
    ctx = require_context(request)
    body: dict[str, Any] = {"version": _version(form)}
    note = text(form, "reason")
    if note:
        body["reason"] = note
    return _act(request, ctx, behandling_id, "propose", body, "proposed")


@router.post("/staff/behandlinger/{behandling_id}/approve")
def approve(request: Request, behandling_id: str, form: Form) -> Response:
    ctx = require_context(request)
    try:
        return _act(request, ctx, behandling_id, "approve", {"version": _version(form)}, "approved")
    except Forbidden as error:
        errors = FormErrors()
        errors.add("approve", _refusal(error, request_language(request)))
        return _again(request, ctx, behandling_id, errors, form, "approve")


@router.post("/staff/behandlinger/{behandling_id}/return")
def return_proposal(request: Request, behandling_id: str, form: Form) -> Response:
    ctx = require_context(request)
    t = translator(request_language(request))
    reason = text(form, "reason")
    errors = FormErrors()
    if len(reason) < MIN_REASON:
        errors.add(
            "return-reason",
            t.gettext(
                "Write why you return the proposal, in at least %(n)s characters.", n=MIN_REASON
            ),
        )
        return _again(request, ctx, behandling_id, errors, form, "return")
    body = {"version": _version(form), "reason": reason}
    try:
        return _act(request, ctx, behandling_id, "return", body, "returned")
    except Forbidden as error:
        errors.add("return-reason", _refusal(error, request_language(request)))
        return _again(request, ctx, behandling_id, errors, form, "return")


def _refusal(error: Forbidden, language: Any) -> str:
    """Why the service refused an approval or a return, in words the approver can act on."""
    t = translator(language)
    if "totrinnskontroll" in (error.detail or ""):
        return t.gettext(
            "You proposed this vedtak yourself. Another person must approve or return it."
        )
    return t.gettext("Your role does not allow you to approve or return proposals in this case.")


@router.post("/staff/behandlinger/{behandling_id}/request-information")
def request_information(request: Request, behandling_id: str, form: Form) -> Response:
    ctx = require_context(request)
    t = translator(request_language(request))
    errors = FormErrors()
    description = text(form, "description")
    if len(description) < MIN_REASON:
        errors.add(
            "info-description",
            t.gettext(
                "Write what the person must send, in at least %(n)s characters.", n=MIN_REASON
            ),
        )
    deadline = text(form, "deadline")
    try:
        dt.date.fromisoformat(deadline)
    except ValueError:
        errors.add("info-deadline", t.gettext("Write the deadline as a date, dd.mm.yyyy."))
    if errors:
        return _again(request, ctx, behandling_id, errors, form, "information")
    body = {
        "version": _version(form),
        "description": description,
        "deadline": deadline,
        "facts_requested": [v for v in form.getlist("facts_requested") if isinstance(v, str)],
    }
    try:
        return _act(request, ctx, behandling_id, "request_information", body, "requested")
    except InvalidInput as error:
        fields = {"description": "info-description", "deadline": "info-deadline"}
        latest = dt.date.today() + LONGEST_INFORMATION_DEADLINE
        deadline_problems = {
            "must be after today": t.gettext("The deadline must be after today."),
            f"must be within {LONGEST_INFORMATION_DEADLINE.days} days": t.gettext(
                "The deadline must be %(day)s or earlier.",
                day=formatting.date(latest, request_language(request)),
            ),
        }
        mapped = from_service_error(
            error, fields, "info-description", t.gettext("The request could not be sent"), t
        )
        message = mapped.get("info-deadline")
        if message in deadline_problems:
            mapped.messages["info-deadline"] = deadline_problems[message]
        return _again(request, ctx, behandling_id, mapped, form, "information")


@router.get("/staff/letters/{letter_id}")
def letter_page(request: Request, letter_id: str) -> Response:
    """A sent letter, as HTML inside the staff layout (the PDF is the API's)."""
    ctx = require_context(request)
    svc = service(request)
    letter = svc.get_letter(ctx, letter_id)
    html = svc.letter_html(ctx, letter_id, heading_level=2)
    return render(request, "staff/letter.html", letter=letter, html=html, section="tasks")
