"""Your cases: status and a plain-language timeline (next step first), the vedtak with its
criteria, letters to read and download, answering an information request, and appeals."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.domain import deadlines
from trygd.domain.case_status import case_status
from trygd.services import files as file_checks
from trygd.services.errors import Conflict, InvalidInput, NotFound
from trygd.services.read_models import VedtakView
from trygd.services.unit_of_work import RequestContext
from trygd.web.forms import FormErrors, file_problem, files, problem_text, text
from trygd.web.routes.citizen_common import check_assurance, page, refusal, service, t
from trygd.web.session import checked_form, require_context
from trygd.web.templating import request_language

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]

OPEN_STATES = ("received", "assessing", "waiting_for_information", "proposed", "approved")
# The steps of one behandling in the order they happen, for events in the same second.
STEP_ORDER = (
    "received",
    "change_received",
    "klage_received",
    "information_requested",
    "information_received",
    "decided",
    "regulated",
    "letter",
)


def _moment(value: str) -> dt.datetime:
    """A stored time as an aware datetime (naive ones are UTC, as trygd stores them; a bare
    date is the start of that day), so that events of every kind sort together."""
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def timeline(
    sak: dict[str, Any], letters: list[dict[str, Any]], klager: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """What has happened in the case, oldest first, each with its date and time.

    A letter that tells of an event already listed (the vedtak letter, the letter that asks
    for information, the receipt for a klage) is shown with that event, not as an entry of its
    own, so nothing appears twice. Things that happened in the same second (an automatic
    decision is made as the søknad arrives) keep the order of their behandling, and within
    it the order of the steps."""
    events: list[dict[str, Any]] = []
    used: set[str] = set()

    def letter_for(kind: str, **match: str) -> dict[str, Any] | None:
        for x in letters:
            fits = x["kind"] == kind and all(x.get(k) == v for k, v in match.items())
            if fits and x["id"] not in used:
                used.add(x["id"])
                return x
        return None

    behandling_at = {b["id"]: b["created_at"] for b in sak["behandlinger"]}
    kinds = {b["id"]: b["kind"] for b in sak["behandlinger"]}
    order = {b["id"]: index for index, b in enumerate(sak["behandlinger"])}
    for b in sak["behandlinger"]:
        what = {"forstegangsbehandling": "received", "revurdering": "change_received"}
        if b["kind"] in what:
            events.append({"at": b["created_at"], "what": what[b["kind"]], "of": b["id"]})
    for r in sak["information_requests"]:
        letter = letter_for("information_request", behandling_id=r["behandling_id"])
        events.append(
            {
                "at": r["requested_at"],
                "what": "information_requested",
                "due": r["deadline"],
                "letter": letter,
                "of": r["behandling_id"],
            }
        )
        if r["answered_at"]:
            events.append(
                {"at": r["answered_at"], "what": "information_received", "of": r["behandling_id"]}
            )
    for v in sak["vedtak"]:
        letter = letter_for("vedtak", vedtak_id=v["id"])
        events.append(
            {
                "at": v["decided_at"],
                # a G-regulering's vedtak is automatic and sends no letter: say what it did
                "what": "regulated" if kinds.get(v["behandling_id"]) == "regulering" else "decided",
                "vedtak": v,
                "letter": letter,
                "of": v["behandling_id"],
            }
        )
    for k in klager:
        letter = letter_for("klage_received", klage_id=k["id"])
        at = behandling_at.get(k["behandling_id"]) or k["received_on"]
        events.append(
            {
                "at": at,
                "what": "klage_received",
                "klage": k,
                "letter": letter,
                "of": k["behandling_id"],
            }
        )
    for x in letters:
        if x["id"] not in used:
            events.append(
                {"at": x["sent_at"], "what": "letter", "letter": x, "of": x["behandling_id"]}
            )
    steps = list(STEP_ORDER)
    events.sort(
        key=lambda e: (
            _moment(e["at"]),
            order.get(e["of"] or "", len(order)),
            steps.index(e["what"]),
        )
    )
    return events


def case_overview(request: Request, context: RequestContext, sak_id: str) -> dict[str, Any]:
    """One case as the person sees it: status, next step with its date, and a timeline."""
    svc = service(request)
    sak = svc.get_sak(context, sak_id)
    check_assurance(request, context, sak["benefit"])
    letters = svc.list_letters(context, sak_id)["items"]
    klager = svc.list_klager(context, sak_id)["items"]
    first = [b for b in sak["behandlinger"] if b["kind"] != "klage"]
    latest = first[-1] if first else None
    open_requests = [
        {**r, "sak_id": sak_id, "benefit": sak["benefit"]}
        for r in sak["information_requests"]
        if r["status"] == "open"
    ]
    next_step: dict[str, Any] | None = None
    if open_requests:
        next_step = {"what": "send_information", "due": open_requests[0]["deadline"]}
    elif latest and latest["state"] in OPEN_STATES:
        received = dt.date.fromisoformat(latest["created_at"][:10])
        next_step = {
            "what": "we_decide",
            # NAV decides, or sends a foreløpig svar saying why not, by this day (fvl. § 11 a;
            # procedure.preliminary_answer_months): a date from the rules, not a typed length.
            "due": deadlines.preliminary_answer_deadline(received).last_day.isoformat(),
        }
    elif any(k["state"] != "closed" for k in klager):
        k = next(k for k in klager if k["state"] != "closed")
        next_step = {"what": "klage", "step": k["next_step"]["step"], "due": k["next_step"]["due"]}
    return {
        **sak,
        "latest": latest,
        "status": case_status(sak, klager),
        "letters": letters,
        "klager": klager,
        "open_requests": open_requests,
        "events": timeline(sak, letters, klager),
        "next_step": next_step,
    }


@router.get("/my/cases")
def my_cases(request: Request) -> Response:
    context = require_context(request)
    saker = service(request).list_own_cases(context, 50, 0)["items"]
    cases = [case_overview(request, context, s["id"]) for s in saker]
    return page(request, "citizen/cases.html", section="cases", cases=cases)


@router.get("/my/cases/{sak_id}")
def my_case(request: Request, sak_id: str) -> Response:
    context = require_context(request)
    case = case_overview(request, context, sak_id)
    recoveries = service(request).sak_tilbakekrevinger(context, sak_id)
    return page(
        request, "citizen/case.html", section="cases", case=case, tilbakekrevinger=recoveries
    )


@router.get("/my/vedtak/{vedtak_id}")
def my_vedtak(request: Request, vedtak_id: str) -> Response:
    context = require_context(request)
    svc = service(request)
    vedtak = svc.get_vedtak(context, vedtak_id, request_language(request))
    check_assurance(request, context, vedtak.benefit)
    letters = svc.list_letters(context, vedtak.sak_id)["items"]
    letter = next(
        (x for x in letters if x["vedtak_id"] == vedtak_id and x["kind"] == "vedtak"), None
    )
    klager = svc.list_klager(context, vedtak.sak_id)["items"]
    klage = next(
        (k for k in klager if k["vedtak_id"] == vedtak_id and k["state"] != "closed"), None
    )
    return page(
        request, "citizen/vedtak.html", section="cases", vedtak=vedtak, letter=letter, klage=klage
    )


def _check_letter(request: Request, context: RequestContext, letter: dict[str, Any]) -> None:
    """A letter about a case is as sensitive as the case (see `check_assurance`)."""
    if letter["sak_id"]:
        sak = service(request).get_sak(context, letter["sak_id"])
        check_assurance(request, context, sak["benefit"])


@router.get("/my/letters/{letter_id}")
def my_letter(request: Request, letter_id: str) -> Response:
    context = require_context(request)
    svc = service(request)
    letter = svc.get_letter(context, letter_id)
    _check_letter(request, context, letter)
    html = svc.letter_html(context, letter_id, heading_level=2)
    return page(request, "citizen/letter.html", section="cases", letter=letter, html=html)


@router.get("/my/letters/{letter_id}/pdf")
def my_letter_pdf(request: Request, letter_id: str) -> Response:
    context = require_context(request)
    _check_letter(request, context, service(request).get_letter(context, letter_id))
    pdf, _hash = service(request).letter_pdf(context, letter_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="trygd-letter-{letter_id[:8]}.pdf"'},
    )


# -- answering an information request ---------------------------------------------------------


def _request_of(
    request: Request, context: RequestContext, sak_id: str, request_id: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    sak = service(request).get_sak(context, sak_id)
    check_assurance(request, context, sak["benefit"])
    found = next((r for r in sak["information_requests"] if r["id"] == request_id), None)
    if found is None:
        raise NotFound("information request not found")
    return sak, found


@router.get("/my/cases/{sak_id}/requests/{request_id}")
def information_request(request: Request, sak_id: str, request_id: str) -> Response:
    context = require_context(request)
    sak, found = _request_of(request, context, sak_id, request_id)
    return page(
        request,
        "citizen/answer_request.html",
        section="cases",
        sak=sak,
        req=found,
        values={},
        errors=FormErrors(),
    )


@router.post("/my/cases/{sak_id}/requests/{request_id}")
def answer_request(request: Request, sak_id: str, request_id: str, form: Form) -> Response:
    context = require_context(request)
    sak, found = _request_of(request, context, sak_id, request_id)
    tr = t(request)
    errors = FormErrors()
    answer = text(form, "answer")
    if not answer:
        errors.add("answer", tr.gettext("Write your answer to the question"))
    facts: dict[str, Any] = {}
    for name in found["facts_requested"]:
        raw = text(form, f"fact-{name}").replace(" ", "").replace(",", ".")
        if not raw:
            continue
        try:
            number = float(raw)
        except ValueError:
            errors.add(f"fact-{name}", tr.gettext("Write a number, for example 60"))
            continue
        facts[name] = int(number) if number.is_integer() else number
    values = {k: text(form, k) for k in form if isinstance(k, str)}
    if not errors:
        try:
            service(request).answer_information(
                context, request_id, {"answer": answer, "facts": facts}
            )
        except InvalidInput as error:
            for field, problem in error.problems:
                name = field.removeprefix("facts.")
                errors.add(
                    f"fact-{name}" if name in found["facts_requested"] else "answer",
                    problem_text(problem, t(request)),
                )
    if errors:
        return page(
            request,
            "citizen/answer_request.html",
            status_code=400,
            section="cases",
            sak=sak,
            req=found,
            values=values,
            errors=errors,
        )
    return RedirectResponse(f"/my/cases/{sak_id}?answered=1", status_code=303)


# -- appeals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KlageTarget:
    """What a klage form appeals: an ordinary vedtak or the vedtak of a tilbakekreving. `ids`
    names it in the klage's body; `terms` holds its deadline, whether a klage now is late,
    and the grounds deadline of a short notice (all from the deadline module)."""

    ids: dict[str, str]
    benefit: str
    terms: Any
    back: str
    action: str
    recovery: bool = False
    """The vedtak is a tilbakekreving's (the page names it as the decision to pay back)."""


def vedtak_target(vedtak: VedtakView) -> KlageTarget:
    return KlageTarget(
        {"vedtak_id": vedtak.id},
        vedtak.benefit,
        vedtak.klage_terms,
        f"/my/vedtak/{vedtak.id}",
        f"/my/vedtak/{vedtak.id}/klage",
    )


def klage_page(
    request: Request,
    target: KlageTarget,
    values: dict[str, str],
    errors: FormErrors,
    refused: str | None = None,
    open_klage: str | None = None,
) -> Response:
    return page(
        request,
        "citizen/klage_new.html",
        status_code=400 if errors else (409 if refused else 200),
        section="cases",
        target=target,
        terms=target.terms,
        values=values,
        errors=errors,
        refused=refused,
        open_klage=open_klage,
    )


@router.get("/my/vedtak/{vedtak_id}/klage")
def new_klage(request: Request, vedtak_id: str) -> Response:
    context = require_context(request)
    vedtak = service(request).get_vedtak(context, vedtak_id, request_language(request))
    check_assurance(request, context, vedtak.benefit)
    return klage_page(request, vedtak_target(vedtak), {}, FormErrors())


@router.post("/my/vedtak/{vedtak_id}/klage")
async def send_klage(request: Request, vedtak_id: str, form: Form) -> Response:
    context = require_context(request)
    vedtak = service(request).get_vedtak(context, vedtak_id, request_language(request))
    return await send_klage_form(request, context, vedtak_target(vedtak), form)


async def send_klage_form(
    request: Request, context: RequestContext, target: KlageTarget, form: FormData
) -> Response:
    """Check the klage form, send the klage against `target`, and go to the klage (or show
    the form again with what is wrong, or with the refusal of a second open klage)."""
    svc = service(request)
    tr = t(request)
    values = {k: text(form, k) for k in ("kind", "text", "late_reason")}
    errors = FormErrors()
    notice = values["kind"] == "notice"
    if values["kind"] not in ("full", "notice"):
        errors.add(
            "kind", tr.gettext("Choose whether you send the whole klage now or a short notice")
        )
    if len(values["text"]) < (1 if notice else 10):
        errors.add(
            "text",
            tr.gettext("Write why you think the decision is wrong, in at least 10 characters")
            if not notice
            else tr.gettext("Write that you want to appeal"),
        )
    attachments = []
    for upload in files(form, "attachments"):
        content = await upload.read()
        try:  # the same check the service makes, here to answer in the page's language
            checked = file_checks.check_file(upload.filename or "", content, "attachments")
        except InvalidInput as error:
            problem = error.problems[0][1] if error.problems else error.detail
            errors.add("attachments", file_problem(tr, upload.filename or "", problem))
            break
        attachments.append(
            {"filename": checked.filename, "content": base64.b64encode(content).decode()}
        )
    if errors:
        return klage_page(request, target, values, errors)
    body: dict[str, Any] = {
        **target.ids,
        "text": values["text"],
        "fristavbrytende": notice,
        "attachments": attachments,
    }
    late = target.terms is not None and _term(target.terms, "late")
    if values["late_reason"] and late:
        body["late_reason"] = values["late_reason"]  # the field is only shown when late
    try:
        _status, klage = svc.submit_klage(context, body)
    except InvalidInput as error:
        for field, problem in error.problems:
            errors.add(
                field if field in ("text", "late_reason") else "attachments",
                problem_text(problem, tr),
            )
        return klage_page(request, target, values, errors)
    except Conflict as error:
        # One open klage per vedtak: say so, and lead to the klage that is open.
        return klage_page(
            request,
            target,
            values,
            errors,
            refusal(error, tr, target.benefit),
            error.facts.get("klage_id"),
        )
    return RedirectResponse(f"/my/klager/{klage['id']}?received=1", status_code=303)


def _term(terms: Any, name: str) -> Any:
    """A term of a vedtak's `KlageTerms` or of a tilbakekreving's `klage_terms` (a dict)."""
    return terms[name] if isinstance(terms, dict) else getattr(terms, name)


@router.get("/my/klager/{klage_id}")
def my_klage(
    request: Request, klage_id: str, received: bool = False, withdrawn: bool = False
) -> Response:
    context = require_context(request)
    klage = service(request).get_klage(context, klage_id)
    check_assurance(request, context, service(request).get_sak(context, klage["sak_id"])["benefit"])
    return page(
        request,
        "citizen/klage.html",
        section="cases",
        klage=klage,
        received=received,
        withdrawn=withdrawn and klage["closed_reason"] == "withdrawn",
        errors=FormErrors(),
        values={},
    )


@router.post("/my/klager/{klage_id}")
def act_on_klage(request: Request, klage_id: str, form: Form) -> Response:
    context = require_context(request)
    svc = service(request)
    klage = svc.get_klage(context, klage_id)
    tr = t(request)
    action = text(form, "action")
    errors = FormErrors()
    body: dict[str, Any] = {"version": klage["version"]}
    if action in ("grounds", "comment"):
        body["text"] = text(form, action)
        if len(body["text"]) < (10 if action == "grounds" else 1):
            errors.add(
                action,
                tr.gettext("Write at least 10 characters")
                if action == "grounds"
                else tr.gettext("Write your comment"),
            )
    elif action == "withdraw":
        # Withdrawing cannot be undone: it is done only from the page that asks first.
        return RedirectResponse(f"/my/klager/{klage_id}/withdraw", status_code=303)
    else:
        errors.add("grounds", tr.gettext("Choose what you want to do"))
    if not errors:
        try:
            svc.klage_action(context, action, klage_id, body)
            return RedirectResponse(f"/my/klager/{klage_id}", status_code=303)
        except InvalidInput as error:
            errors.add(
                action, problem_text(error.problems[0][1], tr) if error.problems else error.detail
            )
    return page(
        request,
        "citizen/klage.html",
        status_code=400,
        section="cases",
        klage=klage,
        received=False,
        withdrawn=False,
        errors=errors,
        values={action: text(form, action)},
    )


@router.get("/my/klager/{klage_id}/withdraw")
def confirm_withdraw(request: Request, klage_id: str) -> Response:
    """Ask before withdrawing: what happens, and that it cannot be undone."""
    context = require_context(request)
    klage = service(request).get_klage(context, klage_id)
    if "withdraw" not in klage["allowed_actions"]:
        return RedirectResponse(f"/my/klager/{klage_id}", status_code=303)
    return page(request, "citizen/klage_withdraw.html", section="cases", klage=klage)


@router.post("/my/klager/{klage_id}/withdraw")
def withdraw_klage(request: Request, klage_id: str, form: Form) -> Response:
    """The confirmed withdrawal (the form carries the CSRF token and the version read)."""
    context = require_context(request)
    svc = service(request)
    klage = svc.get_klage(context, klage_id)
    try:
        version = int(text(form, "version"))
    except ValueError:
        version = klage["version"]
    svc.klage_action(context, "withdraw", klage_id, {"version": version})
    return RedirectResponse(f"/my/klager/{klage_id}?withdrawn=1", status_code=303)
