"""Your cases: status and a plain-language timeline (next step first), the vedtak with its
criteria, letters to read and download, answering an information request, and appeals."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trygd.services.appeals import MAX_ATTACHMENT_BYTES
from trygd.services.drafts import content_type_of
from trygd.services.errors import InvalidInput, NotFound
from trygd.services.unit_of_work import RequestContext
from trygd.web.forms import FormErrors, files, problem_text, text
from trygd.web.routes.citizen_common import page, service, t
from trygd.web.session import checked_form, require_context
from trygd.web.templating import request_language

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]

OPEN_STATES = ("received", "assessing", "waiting_for_information", "proposed", "approved")
# How long a first decision usually takes after the søknad came in (shown as "by <date>").
USUAL_WEEKS = 4


def case_overview(request: Request, context: RequestContext, sak_id: str) -> dict[str, Any]:
    """One case as the person sees it: status, next step with its date, and a timeline."""
    svc = service(request)
    sak = svc.get_sak(context, sak_id)
    letters = svc.list_letters(context, sak_id)["items"]
    klager = svc.list_klager(context, sak_id)["items"]
    first = [b for b in sak["behandlinger"] if b["kind"] != "klage"]
    latest = first[-1] if first else None
    open_requests = [
        {**r, "sak_id": sak_id, "benefit": sak["benefit"]}
        for r in sak["information_requests"]
        if r["status"] == "open"
    ]
    events: list[dict[str, Any]] = []
    for b in first:
        what = "received" if b["kind"] == "forstegangsbehandling" else "change_received"
        events.append({"at": b["created_at"], "what": what})
    for r in sak["information_requests"]:
        events.append(
            {"at": r["requested_at"], "what": "information_requested", "due": r["deadline"]}
        )
        if r["answered_at"]:
            events.append({"at": r["answered_at"], "what": "information_received"})
    for v in sak["vedtak"]:
        events.append({"at": v["decided_at"], "what": "decided", "vedtak": v})
    for x in letters:
        events.append({"at": x["sent_at"], "what": "letter", "letter": x})
    for k in klager:
        events.append({"at": k["received_on"], "what": "klage_received", "klage": k})
    events.sort(key=lambda e: e["at"] or "", reverse=True)
    next_step: dict[str, Any] | None = None
    if open_requests:
        next_step = {"what": "send_information", "due": open_requests[0]["deadline"]}
    elif latest and latest["state"] in OPEN_STATES:
        received = dt.date.fromisoformat(latest["created_at"][:10])
        next_step = {
            "what": "we_decide",
            "due": (received + dt.timedelta(weeks=USUAL_WEEKS)).isoformat(),
        }
    elif any(k["state"] != "closed" for k in klager):
        k = next(k for k in klager if k["state"] != "closed")
        next_step = {"what": "klage", "step": k["next_step"]["step"], "due": k["next_step"]["due"]}
    return {
        **sak,
        "latest": latest,
        "letters": letters,
        "klager": klager,
        "open_requests": open_requests,
        "events": events,
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
    return page(request, "citizen/case.html", section="cases", case=case)


@router.get("/my/vedtak/{vedtak_id}")
def my_vedtak(request: Request, vedtak_id: str) -> Response:
    context = require_context(request)
    svc = service(request)
    vedtak = svc.get_vedtak(context, vedtak_id, request_language(request))
    letters = svc.list_letters(context, vedtak["sak_id"])["items"]
    letter = next(
        (x for x in letters if x["vedtak_id"] == vedtak_id and x["kind"] == "vedtak"), None
    )
    klager = svc.list_klager(context, vedtak["sak_id"])["items"]
    klage = next(
        (k for k in klager if k["vedtak_id"] == vedtak_id and k["state"] != "closed"), None
    )
    return page(
        request, "citizen/vedtak.html", section="cases", vedtak=vedtak, letter=letter, klage=klage
    )


@router.get("/my/letters/{letter_id}")
def my_letter(request: Request, letter_id: str) -> Response:
    context = require_context(request)
    svc = service(request)
    letter = svc.get_letter(context, letter_id)
    html = svc.letter_html(context, letter_id, heading_level=2)
    return page(request, "citizen/letter.html", section="cases", letter=letter, html=html)


@router.get("/my/letters/{letter_id}/pdf")
def my_letter_pdf(request: Request, letter_id: str) -> Response:
    context = require_context(request)
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


def _klage_page(
    request: Request, vedtak: dict[str, Any], values: dict[str, str], errors: FormErrors
) -> Response:
    return page(
        request,
        "citizen/klage_new.html",
        status_code=400 if errors else 200,
        section="cases",
        vedtak=vedtak,
        values=values,
        errors=errors,
    )


@router.get("/my/vedtak/{vedtak_id}/klage")
def new_klage(request: Request, vedtak_id: str) -> Response:
    context = require_context(request)
    vedtak = service(request).get_vedtak(context, vedtak_id, request_language(request))
    return _klage_page(request, vedtak, {}, FormErrors())


@router.post("/my/vedtak/{vedtak_id}/klage")
async def send_klage(request: Request, vedtak_id: str, form: Form) -> Response:
    context = require_context(request)
    svc = service(request)
    vedtak = svc.get_vedtak(context, vedtak_id, request_language(request))
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
        kind = content_type_of(content)
        if kind is None or len(content) > MAX_ATTACHMENT_BYTES:
            errors.add(
                "attachments",
                tr.gettext(
                    "%(file)s must be a PDF, PNG or JPEG file of at most 5 MB",
                    file=upload.filename or "",
                ),
            )
            break
        attachments.append(
            {
                "filename": (upload.filename or "document")[:200],
                "content_type": kind,
                "content": base64.b64encode(content).decode(),
            }
        )
    if errors:
        return _klage_page(request, vedtak, values, errors)
    body: dict[str, Any] = {
        "vedtak_id": vedtak_id,
        "text": values["text"],
        "fristavbrytende": notice,
        "attachments": attachments,
    }
    if values["late_reason"]:
        body["late_reason"] = values["late_reason"]
    try:
        _status, klage = svc.submit_klage(context, body)
    except InvalidInput as error:
        for field, problem in error.problems:
            errors.add(
                field if field in ("text", "late_reason") else "attachments",
                problem_text(problem, tr),
            )
        return _klage_page(request, vedtak, values, errors)
    return RedirectResponse(f"/my/klager/{klage['id']}?received=1", status_code=303)


@router.get("/my/klager/{klage_id}")
def my_klage(request: Request, klage_id: str, received: bool = False) -> Response:
    context = require_context(request)
    klage = service(request).get_klage(context, klage_id)
    return page(
        request,
        "citizen/klage.html",
        section="cases",
        klage=klage,
        received=received,
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
    elif action != "withdraw":
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
        errors=errors,
        values={action: text(form, action)},
    )
